//! Generic backprop beyond the blog: other sizes, frozen parameters, shared
//! biases.

use autograd::Tape;
use nn::{Activation, Bias, LayerSpec, Loss, Mlp, Sgd, Trainer};

const XOR: [([f64; 2], [f64; 1]); 4] = [
    ([0.0, 0.0], [0.0]),
    ([0.0, 1.0], [1.0]),
    ([1.0, 0.0], [1.0]),
    ([1.0, 1.0], [0.0]),
];

#[test]
fn an_mlp_learns_xor() {
    for seed in [1, 2, 3] {
        let tape = Tape::new();
        let mlp = Mlp::new(
            &tape,
            2,
            &[
                LayerSpec::new(4, Activation::Tanh),
                LayerSpec::new(1, Activation::Sigmoid),
            ],
            seed,
        );
        let mut trainer = Trainer::new(&mlp, Loss::MeanSquaredError, Sgd::new(1.0));
        let mut loss = f64::INFINITY;
        for _ in 0..5_000 {
            loss = trainer.step_batch(&mlp, XOR.iter().map(|(x, t)| (&x[..], &t[..])));
            if loss < 1e-3 {
                break;
            }
        }
        assert!(loss < 1e-3, "seed {seed}: XOR loss stuck at {loss}");
        for (x, t) in XOR {
            let out = mlp.forward(&mlp.inputs(&x)).outputs()[0].value();
            assert!((out - t[0]).abs() < 0.1, "seed {seed}: xor{x:?} = {out}");
        }
    }
}

#[test]
fn frozen_parameters_do_not_move() {
    let tape = Tape::new();
    let mut mlp = Mlp::new(
        &tape,
        3,
        &[
            LayerSpec::new(5, Activation::Relu),
            LayerSpec::new(2, Activation::Identity),
        ],
        9,
    );
    mlp.layers_mut()[0].freeze_weights();
    mlp.layers_mut()[1].freeze_biases();
    let frozen: Vec<_> = mlp.layers()[0]
        .weights()
        .chain(mlp.layers()[1].biases())
        .map(|p| (p, p.value()))
        .collect();
    let free: Vec<_> = mlp.layers()[0]
        .biases()
        .chain(mlp.layers()[1].weights())
        .map(|p| (p, p.value()))
        .collect();
    let mut trainer = Trainer::new(&mlp, Loss::MeanSquaredError, Sgd::new(0.1));
    for _ in 0..20 {
        trainer.step(&mlp, &[0.5, -0.2, 0.9], &[1.0, -1.0]);
    }
    for (p, before) in frozen {
        assert_eq!(p.value(), before, "{p:?} is frozen but moved");
    }
    assert!(free.iter().any(|&(p, before)| p.value() != before));
    assert_eq!(
        mlp.trainable_parameters().count(),
        mlp.parameters().count() - 3 * 5 - 2
    );
}

#[test]
fn a_shared_bias_gradient_sums_its_neurons() {
    let tape = Tape::new();
    let spec = LayerSpec::new(3, Activation::Tanh).with_bias(Bias::Shared);
    let mlp = Mlp::new(
        &tape,
        2,
        &[spec, LayerSpec::new(1, Activation::Identity)],
        4,
    );
    let forward = mlp.forward(&mlp.inputs(&[0.3, -0.7]));
    let loss = Loss::HalfSquaredError.apply(forward.outputs(), &[0.25]);
    let grads = loss.backward();
    let shared = mlp.layers()[0].biases().collect::<Vec<_>>();
    assert_eq!(shared.len(), 1);
    // The bias enters each neuron's net input with coefficient 1, so its
    // gradient is the sum of the nets' gradients.
    let per_neuron: f64 = forward.nets(0).iter().map(|&net| grads.wrt(net)).sum();
    assert!((grads.wrt(shared[0]) - per_neuron).abs() < 1e-15);
    assert!(per_neuron != 0.0);
    // Every neuron of the layer holds the same bias node.
    for neuron in mlp.layers()[0].neurons() {
        assert_eq!(neuron.bias(), shared[0]);
    }
}

#[test]
#[should_panic(expected = "the network takes 2 inputs but got 3 values")]
fn a_wrong_input_size_names_the_mistake() {
    let tape = Tape::new();
    let mlp = Mlp::new(&tape, 2, &[LayerSpec::new(1, Activation::Sigmoid)], 0);
    let _ = mlp.inputs(&[1.0, 2.0, 3.0]);
}

#[test]
fn the_same_seed_builds_the_same_network() {
    let (a, b) = (Tape::new(), Tape::new());
    let specs = [
        LayerSpec::new(3, Activation::Tanh),
        LayerSpec::new(2, Activation::Relu),
    ];
    let values = |tape| -> Vec<f64> {
        Mlp::new(tape, 4, &specs, 77)
            .parameters()
            .map(|p| p.value())
            .collect()
    };
    assert_eq!(values(&a), values(&b));
}
