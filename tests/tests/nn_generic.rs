//! Generic backprop beyond the blog: other sizes, frozen parameters, shared
//! biases; and models as values: returned, stored, cloned, compared, sent.

use autograd::Tape;
use nn::{Activation, Bias, LayerSpec, Loss, Mlp, Sgd, Trainer};

const XOR: [([f64; 2], [f64; 1]); 4] = [
    ([0.0, 0.0], [0.0]),
    ([0.0, 1.0], [1.0]),
    ([1.0, 0.0], [1.0]),
    ([1.0, 1.0], [0.0]),
];

/// Trains a 2-4-1 network on XOR and returns it: the tape stays inside.
fn train_xor(seed: u64) -> (Mlp, f64) {
    let tape = Tape::new();
    let mlp = Mlp::new(
        2,
        &[
            LayerSpec::new(4, Activation::Tanh),
            LayerSpec::new(1, Activation::Sigmoid),
        ],
        seed,
    );
    let mut trainer = Trainer::new(&tape, mlp, Loss::MeanSquaredError, Sgd::new(1.0));
    let mut loss = f64::INFINITY;
    for _ in 0..5_000 {
        loss = trainer.step_batch(XOR.iter().map(|(x, t)| (&x[..], &t[..])));
        if loss < 1e-3 {
            break;
        }
    }
    (trainer.into_model(), loss)
}

/// The model's output for `x`, on a fresh tape.
fn predict(model: &Mlp, x: &[f64]) -> Vec<f64> {
    let tape = Tape::new();
    let net = model.bind(&tape);
    let forward = net.forward(&net.inputs(x));
    forward.outputs().iter().map(|o| o.value()).collect()
}

#[test]
fn an_mlp_learns_xor_and_outlives_its_tape() {
    for seed in [1, 2, 3] {
        let (model, loss) = train_xor(seed);
        assert!(loss < 1e-3, "seed {seed}: XOR loss stuck at {loss}");
        for (x, t) in XOR {
            let out = predict(&model, &x)[0];
            assert!((out - t[0]).abs() < 0.1, "seed {seed}: xor{x:?} = {out}");
        }
    }
}

#[test]
fn a_trained_model_is_a_value_stored_cloned_compared_and_sent() {
    struct Classifier {
        model: Mlp,
    }
    let (model, _) = train_xor(1);
    let stored = Classifier {
        model: model.clone(),
    };
    assert_eq!(stored.model, model);
    let mut changed = model.clone();
    changed.parameters_mut()[0] += 1.0;
    assert_ne!(changed, model);
    // Another thread runs it on a tape of its own.
    let from_thread = std::thread::spawn(move || predict(&stored.model, &[1.0, 0.0]))
        .join()
        .expect("the thread runs the model");
    assert_eq!(from_thread, predict(&model, &[1.0, 0.0]));
    fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<Mlp>();
}

#[test]
fn frozen_parameters_do_not_move() {
    let tape = Tape::new();
    let mut mlp = Mlp::new(
        3,
        &[
            LayerSpec::new(5, Activation::Relu),
            LayerSpec::new(2, Activation::Identity),
        ],
        9,
    );
    mlp.layers_mut()[0].freeze_weights();
    mlp.layers_mut()[1].freeze_biases();
    let frozen: Vec<usize> = mlp.layers()[0]
        .weight_range()
        .chain(mlp.layers()[1].bias_range())
        .collect();
    assert_eq!(
        mlp.trainable().filter(|&t| t).count(),
        mlp.parameters().len() - frozen.len()
    );
    let before = mlp.clone();
    let mut trainer = Trainer::new(&tape, mlp, Loss::MeanSquaredError, Sgd::new(0.1));
    for _ in 0..20 {
        trainer.step(&[0.5, -0.2, 0.9], &[1.0, -1.0]);
    }
    let after = trainer.model();
    for &i in &frozen {
        assert_eq!(
            after.parameters()[i],
            before.parameters()[i],
            "{i} is frozen but moved"
        );
    }
    assert!(
        (0..after.parameters().len())
            .filter(|i| !frozen.contains(i))
            .any(|i| after.parameters()[i] != before.parameters()[i])
    );
    // The gradient of a frozen parameter is still computed.
    assert!(frozen.iter().any(|&i| trainer.gradient()[i] != 0.0));
}

#[test]
fn a_shared_bias_gradient_sums_its_neurons() {
    let tape = Tape::new();
    let spec = LayerSpec::new(3, Activation::Tanh).with_bias(Bias::Shared);
    let mlp = Mlp::new(2, &[spec, LayerSpec::new(1, Activation::Identity)], 4);
    assert_eq!(mlp.biases(0).len(), 1);
    let net = mlp.bind(&tape);
    let forward = net.forward(&net.inputs(&[0.3, -0.7]));
    let loss = Loss::HalfSquaredError.apply(forward.outputs(), &[0.25]);
    let grads = loss.backward();
    let shared = net.biases(0);
    assert_eq!(shared.len(), 1);
    // The bias enters each neuron's net input with coefficient 1, so its
    // gradient is the sum of the nets' gradients.
    let per_neuron: f64 = forward.nets(0).iter().map(|&net| grads.wrt(net)).sum();
    assert!((grads.wrt(shared[0]) - per_neuron).abs() < 1e-15);
    assert!(per_neuron != 0.0);
    // Every neuron's net input reads the same bias node.
    for &net_input in forward.nets(0) {
        assert!(net_input.parents().contains(&shared[0]));
    }
}

#[test]
#[should_panic(expected = "the network takes 2 inputs but got 3 values")]
fn a_wrong_input_size_names_the_mistake() {
    let tape = Tape::new();
    let mlp = Mlp::new(2, &[LayerSpec::new(1, Activation::Sigmoid)], 0);
    let _ = mlp.bind(&tape).inputs(&[1.0, 2.0, 3.0]);
}

#[test]
fn the_same_seed_builds_the_same_network() {
    let specs = [
        LayerSpec::new(3, Activation::Tanh),
        LayerSpec::new(2, Activation::Relu),
    ];
    assert_eq!(Mlp::new(4, &specs, 77), Mlp::new(4, &specs, 77));
    assert_ne!(Mlp::new(4, &specs, 77), Mlp::new(4, &specs, 78));
}

#[test]
fn parameters_are_found_by_name_in_the_model_and_on_the_tape() {
    let mlp = Mlp::new(
        2,
        &[
            LayerSpec::new(2, Activation::Tanh),
            LayerSpec::new(1, Activation::Identity).with_bias(Bias::Shared),
        ],
        5,
    );
    let names: Vec<_> = mlp.parameter_names().collect();
    assert_eq!(
        names,
        [
            "l1.w1.1", "l1.w1.2", "l1.w2.1", "l1.w2.2", "l1.b1", "l1.b2", "l2.w1.1", "l2.w1.2",
            "l2.b"
        ]
    );
    let tape = Tape::new();
    let net = mlp.bind(&tape);
    let index = mlp.parameter_index("l2.w1.2").unwrap();
    assert_eq!(net.parameter("l2.w1.2"), Some(net.parameters()[index]));
    assert_eq!(net.parameter("l3.b"), None);
}
