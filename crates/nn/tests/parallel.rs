//! Data-parallel batch gradients: the same bits for any number of threads,
//! the same numbers (to rounding) as one tape, and training with them.

use autograd::{Gradients, Tape};
use nn::{Activation, CHUNK, LayerSpec, Loss, Mlp, Sgd, Trainer, batch_gradient};
use rayon::ThreadPoolBuilder;

fn model() -> Mlp {
    Mlp::new(
        2,
        &[
            LayerSpec::new(16, Activation::Tanh),
            LayerSpec::new(16, Activation::Tanh),
            LayerSpec::new(1, Activation::Identity),
        ],
        11,
    )
}

fn samples(n: usize) -> Vec<([f64; 2], [f64; 1])> {
    (0..n)
        .map(|k| {
            let x = k as f64 / n as f64 * 4.0 - 2.0;
            let y = (k as f64 * 0.37).sin();
            ([x, y], [(x * y).tanh()])
        })
        .collect()
}

/// The batch gradient on a pool of `threads` threads.
fn on_threads(threads: usize, model: &Mlp, data: &[([f64; 2], [f64; 1])]) -> (f64, Vec<f64>) {
    ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a pool")
        .install(|| batch_gradient(model, Loss::MeanSquaredError, data))
}

#[test]
fn batch_gradients_are_the_same_bits_for_any_number_of_threads() {
    let model = model();
    // Fewer samples than a chunk, a chunk and a bit, many chunks and a bit.
    for n in [1, CHUNK - 1, CHUNK + 1, 10 * CHUNK + 7] {
        let data = samples(n);
        let one = on_threads(1, &model, &data);
        for threads in [2, 3, 4, 8] {
            let many = on_threads(threads, &model, &data);
            assert_eq!(
                one.0.to_bits(),
                many.0.to_bits(),
                "{n} samples, {threads} threads: loss"
            );
            for (k, (a, b)) in one.1.iter().zip(&many.1).enumerate() {
                assert_eq!(
                    a.to_bits(),
                    b.to_bits(),
                    "{n} samples, {threads} threads: parameter {k}"
                );
            }
        }
    }
}

#[test]
fn a_batch_gradient_is_the_one_tape_gradient_up_to_rounding() {
    let model = model();
    let data = samples(5 * CHUNK + 3);
    let (loss, gradient) = batch_gradient(&model, Loss::MeanSquaredError, &data);
    let tape = Tape::new();
    let net = model.bind(&tape);
    let total = tape.sum(data.iter().map(|(x, t)| {
        let out = net.forward(&net.inputs(x));
        Loss::MeanSquaredError.apply(out.outputs(), t)
    })) / data.len() as f64;
    let mut grads = Gradients::new();
    total.backward_into(&mut grads);
    let reference = net.gradients(&grads);
    assert!((loss - total.value()).abs() <= 1e-14 * total.value().abs());
    let scale = reference.iter().fold(0.0f64, |m, g| m.max(g.abs()));
    for (k, (a, b)) in gradient.iter().zip(&reference).enumerate() {
        assert!((a - b).abs() <= 1e-13 * scale, "parameter {k}: {a} vs {b}");
    }
}

#[test]
fn parallel_training_is_the_same_for_any_number_of_threads_and_learns() {
    let data = samples(300);
    let train = |threads: usize| {
        let tape = Tape::new();
        let mut trainer = Trainer::new(&tape, model(), Loss::MeanSquaredError, Sgd::new(0.2))
            .with_threads(threads);
        let first = trainer.step_parallel(&data);
        let mut last = first;
        for _ in 0..100 {
            last = trainer.step_parallel(&data);
        }
        (first, last, trainer.into_model())
    };
    let (first, last, one) = train(1);
    let (_, _, two) = train(2);
    assert_eq!(one, two);
    assert!(last < first / 3.0, "{first} -> {last}");
}

#[test]
fn misuse_is_refused_with_a_message() {
    let message = |f: Box<dyn FnOnce() + std::panic::UnwindSafe>| {
        let payload = std::panic::catch_unwind(f).expect_err("it panics");
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .expect("a text message")
    };
    let m = message(Box::new(|| {
        let empty: [([f64; 2], [f64; 1]); 0] = [];
        drop(batch_gradient(&model(), Loss::MeanSquaredError, &empty));
    }));
    assert!(m.contains("no samples"), "{m}");
    let m = message(Box::new(|| {
        let tape = Tape::new();
        drop(Trainer::new(&tape, model(), Loss::MeanSquaredError, Sgd::new(0.1)).with_threads(0));
    }));
    assert!(m.contains("give at least one thread"), "{m}");
}
