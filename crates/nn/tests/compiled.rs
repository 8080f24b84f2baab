//! A compiled loss trains exactly as recording every step does.

use std::panic::{AssertUnwindSafe, catch_unwind};

use autograd::Tape;
use nn::{Activation, Adam, LayerSpec, Loss, Mlp, Sgd, Trainer, UpdateOrder};

fn model() -> Mlp {
    Mlp::new(
        2,
        &[
            LayerSpec::new(8, Activation::Tanh),
            LayerSpec::new(4, Activation::Softplus),
            LayerSpec::new(1, Activation::Identity),
        ],
        9,
    )
}

fn samples() -> Vec<([f64; 2], [f64; 1])> {
    (0..20)
        .map(|k| {
            let x = f64::from(k) / 10.0 - 1.0;
            ([x, x * x], [(2.0 * x).sin()])
        })
        .collect()
}

#[test]
fn compiled_steps_are_recorded_steps_to_the_bit() {
    let data = samples();
    let tape = Tape::new();
    let mut recorded = Trainer::new(&tape, model(), Loss::MeanSquaredError, Adam::new(0.01));
    let other = Tape::new();
    let mut compiled = Trainer::new(&other, model(), Loss::MeanSquaredError, Adam::new(0.01));
    let mut loss = model().compile_loss(Loss::MeanSquaredError, &data);
    for step in 0..200 {
        let a = recorded.step_batch(data.iter().map(|(x, t)| (&x[..], &t[..])));
        let b = compiled.step_compiled(&mut loss);
        assert_eq!(a.to_bits(), b.to_bits(), "step {step}");
    }
    let bits = |m: &Mlp| {
        m.parameters()
            .iter()
            .map(|p| p.to_bits())
            .collect::<Vec<_>>()
    };
    assert_eq!(bits(recorded.model()), bits(compiled.model()));
    assert!(loss.value(compiled.model().parameters()) < loss.value(model().parameters()) / 4.0);
}

fn message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("it panics");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[test]
fn misuse_is_refused_with_a_message() {
    let data = samples();
    let mut loss = model().compile_loss(Loss::MeanSquaredError, &data);
    let small = Mlp::new(2, &[LayerSpec::new(1, Activation::Identity)], 0);
    let tape = Tape::new();
    let mut trainer = Trainer::new(&tape, small, Loss::MeanSquaredError, Sgd::new(0.1));
    let m = message(|| {
        trainer.step_compiled(&mut loss);
    });
    assert!(
        m.contains("a model of another shape (65 parameters; this model has 3)"),
        "{m}"
    );
    // The same number of parameters in another shape is refused too.
    let same_count = Mlp::new(
        2,
        &[
            LayerSpec::new(8, Activation::Sigmoid),
            LayerSpec::new(4, Activation::Softplus),
            LayerSpec::new(1, Activation::Identity),
        ],
        9,
    );
    assert_eq!(same_count.parameters().len(), 65);
    assert!(!loss.fits(&same_count));
    assert!(loss.fits(&model()));

    let blog = nn::blog::network();
    let mut blog_loss = blog.compile_loss(
        Loss::HalfSquaredError,
        &[(nn::blog::INPUTS, nn::blog::TARGETS)],
    );
    let tape = Tape::new();
    let mut sequential = nn::blog::trainer(&tape, blog, 0.5, UpdateOrder::Sequential);
    let m = message(|| {
        sequential.step_compiled(&mut blog_loss);
    });
    assert!(
        m.contains("UpdateOrder::Sequential is defined for Trainer::step"),
        "{m}"
    );

    let m = message(|| {
        model().compile_loss::<[f64; 2], [f64; 1]>(Loss::MeanSquaredError, &[]);
    });
    assert!(m.contains("no samples"), "{m}");
}
