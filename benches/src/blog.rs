//! W1: 10,000 SGD steps of the worked example's network (biases frozen,
//! learning rate 0.5, true gradient descent).

use autograd::{Gradients, Tape, Var};
use nn::blog::{BIASES, INPUTS, LEARNING_RATE, TARGETS, WEIGHTS};
use nn::{Activation, Bias, LayerSpec, Loss, Mlp, Sgd, Trainer};

/// SGD steps per run: as many as the blog trains for.
pub const STEPS: usize = nn::blog::TRAINING_STEPS;
/// E_total after 10,000 steps of true gradient descent: the blog's row 30
/// in the order its text describes.
pub fn final_loss() -> f64 {
    nn::blog::figure(30)
        .true_gradient_descent
        .expect("internal error: row 30 has a true-gradient-descent value")
}

const I1: f64 = INPUTS[0];
const I2: f64 = INPUTS[1];
const T1: f64 = TARGETS[0];
const T2: f64 = TARGETS[1];
const B1: f64 = BIASES[0];
const B2: f64 = BIASES[1];

/// The blog's error for weights `w`, recorded on their tape: inputs,
/// targets and the frozen biases are plain numbers.
fn loss<'t>(w: &[Var<'t>; 8]) -> Var<'t> {
    let h1 = (w[0] * I1 + w[1] * I2 + B1).sigmoid();
    let h2 = (w[2] * I1 + w[3] * I2 + B1).sigmoid();
    let o1 = (w[4] * h1 + w[5] * h2 + B2).sigmoid();
    let o2 = (w[6] * h1 + w[7] * h2 + B2).sigmoid();
    0.5 * (T1 - o1).powi(2) + 0.5 * (T2 - o2).powi(2)
}

/// Nodes the engine records per step (the weights persist below the mark).
pub fn nodes_per_step() -> usize {
    let tape = Tape::new();
    let w: [Var<'_>; 8] = std::array::from_fn(|k| tape.var(WEIGHTS[k]));
    let _ = loss(&w);
    tape.len() - 8
}

/// The engine, tuned: one tape rewound every step, one reused gradient
/// store.
pub fn engine(steps: usize) -> f64 {
    let tape = Tape::new();
    let w: [Var<'_>; 8] = std::array::from_fn(|k| tape.var(WEIGHTS[k]));
    let mark = tape.mark();
    let mut grads = Gradients::new();
    for _ in 0..steps {
        loss(&w).backward_into(&mut grads);
        tape.rewind(mark);
        tape.update(w, &grads, |value, gradient| {
            value - LEARNING_RATE * gradient
        });
    }
    loss(&w).value()
}

/// The loss recorded once, compiled into a
/// [`Program`](autograd::Program) of the weights, and replayed every step.
pub fn replay(steps: usize) -> f64 {
    let mut program = program();
    let mut weights = WEIGHTS;
    let mut gradient = [0.0; 8];
    for _ in 0..steps {
        program.gradient(&weights, &mut gradient);
        for (weight, g) in weights.iter_mut().zip(gradient) {
            *weight -= LEARNING_RATE * g;
        }
    }
    program.value(&weights)
}

/// The compiled loss.
pub fn program() -> autograd::Program {
    let tape = Tape::new();
    let w: [Var<'_>; 8] = std::array::from_fn(|k| tape.var(WEIGHTS[k]));
    tape.compile(&w, loss(&w))
}

/// The engine as a user writes it first: a fresh tape every step.
pub fn engine_fresh(steps: usize) -> f64 {
    let mut weights = WEIGHTS;
    let final_loss = |weights: &[f64; 8]| {
        let tape = Tape::new();
        let w: [Var<'_>; 8] = std::array::from_fn(|k| tape.var(weights[k]));
        loss(&w).value()
    };
    for _ in 0..steps {
        let tape = Tape::new();
        let w: [Var<'_>; 8] = std::array::from_fn(|k| tape.var(weights[k]));
        let grads = loss(&w).backward();
        for (weight, &p) in weights.iter_mut().zip(&w) {
            *weight -= LEARNING_RATE * grads.wrt(p);
        }
    }
    final_loss(&weights)
}

/// The nn crate's network and trainer (unnamed, so no names are attached).
pub fn engine_nn(steps: usize) -> f64 {
    let tape = Tape::new();
    let spec = LayerSpec::new(2, Activation::Sigmoid).with_bias(Bias::Shared);
    let mut mlp = Mlp::new(2, &[spec, spec], 0);
    let [w1, w2, w3, w4, w5, w6, w7, w8] = WEIGHTS;
    mlp.set_parameters(&[w1, w2, w3, w4, B1, w5, w6, w7, w8, B2]);
    mlp.freeze_biases();
    let mut trainer = Trainer::new(&tape, mlp, Loss::HalfSquaredError, Sgd::new(LEARNING_RATE));
    for _ in 0..steps {
        trainer.step(&INPUTS, &TARGETS);
    }
    let net = trainer.network();
    let inputs = net.inputs(&INPUTS);
    Loss::HalfSquaredError
        .apply(net.forward(&inputs).outputs(), &TARGETS)
        .value()
}

/// The nn crate's trainer on the loss compiled once
/// (`Mlp::compile_loss`, `Trainer::step_compiled`).
pub fn engine_nn_compiled(steps: usize) -> f64 {
    let tape = Tape::new();
    let spec = LayerSpec::new(2, Activation::Sigmoid).with_bias(Bias::Shared);
    let mut mlp = Mlp::new(2, &[spec, spec], 0);
    let [w1, w2, w3, w4, w5, w6, w7, w8] = WEIGHTS;
    mlp.set_parameters(&[w1, w2, w3, w4, B1, w5, w6, w7, w8, B2]);
    mlp.freeze_biases();
    let mut loss = mlp.compile_loss(Loss::HalfSquaredError, &[(INPUTS, TARGETS)]);
    let mut trainer = Trainer::new(&tape, mlp, Loss::HalfSquaredError, Sgd::new(LEARNING_RATE));
    for _ in 0..steps {
        trainer.step_compiled(&mut loss);
    }
    loss.value(trainer.model().parameters())
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The forward pass in plain f64: hidden and output activations, and the error.
fn forward(w: &[f64; 8]) -> ([f64; 2], [f64; 2], f64) {
    let h = [
        sigmoid(w[0] * I1 + w[1] * I2 + B1),
        sigmoid(w[2] * I1 + w[3] * I2 + B1),
    ];
    let o = [
        sigmoid(w[4] * h[0] + w[5] * h[1] + B2),
        sigmoid(w[6] * h[0] + w[7] * h[1] + B2),
    ];
    let e = 0.5 * (T1 - o[0]).powi(2) + 0.5 * (T2 - o[1]).powi(2);
    (h, o, e)
}

/// Hand-written: the forward pass and the hand-derived backward pass.
pub fn handwritten(steps: usize) -> f64 {
    let mut w = WEIGHTS;
    for _ in 0..steps {
        let (h, o, _) = forward(&w);
        // δ_o = ∂E/∂net_o = (o - t) o (1 - o)
        let d_o = [
            (o[0] - T1) * (o[0] * (1.0 - o[0])),
            (o[1] - T2) * (o[1] * (1.0 - o[1])),
        ];
        // δ_h = (Σ_k δ_o,k w_kh) h (1 - h), with the original weights
        let d_h = [
            (d_o[0] * w[4] + d_o[1] * w[6]) * (h[0] * (1.0 - h[0])),
            (d_o[0] * w[5] + d_o[1] * w[7]) * (h[1] * (1.0 - h[1])),
        ];
        let g = [
            d_h[0] * I1,
            d_h[0] * I2,
            d_h[1] * I1,
            d_h[1] * I2,
            d_o[0] * h[0],
            d_o[0] * h[1],
            d_o[1] * h[0],
            d_o[1] * h[1],
        ];
        for (w, g) in w.iter_mut().zip(g) {
            *w -= LEARNING_RATE * g;
        }
    }
    forward(&w).2
}

/// The `reverse` crate, one tape cleared every step.
pub fn reverse(steps: usize) -> f64 {
    use reverse::{Gradient as _, Var as R};
    fn loss<'a>(w: &[R<'a>]) -> R<'a> {
        // reverse 0.2.2 differentiates `c / x` as -1/x instead of -c/x²
        // (and so 1/x as -1/x): take the reciprocal with its own method.
        let s = |x: R<'a>| (1.0 + (-x).exp()).recip();
        let h1 = s(w[0] * I1 + w[1] * I2 + B1);
        let h2 = s(w[2] * I1 + w[3] * I2 + B1);
        let o1 = s(w[4] * h1 + w[5] * h2 + B2);
        let o2 = s(w[6] * h1 + w[7] * h2 + B2);
        0.5 * (T1 - o1).powi(2) + 0.5 * (T2 - o2).powi(2)
    }
    let mut weights = WEIGHTS;
    let tape = reverse::Tape::new();
    for _ in 0..steps {
        tape.clear();
        let w = tape.add_vars(&weights);
        let grads = loss(&w).grad();
        for (weight, p) in weights.iter_mut().zip(&w) {
            *weight -= LEARNING_RATE * grads.wrt(p);
        }
    }
    tape.clear();
    loss(&tape.add_vars(&weights)).val()
}

/// The `echidna` crate's reverse mode, its pooled thread-local tape.
pub fn echidna(steps: usize) -> f64 {
    use echidna::Reverse;
    use num_traits::Float as _;
    fn loss(w: &[Reverse<f64>]) -> Reverse<f64> {
        let s = |x: Reverse<f64>| 1.0 / (1.0 + (-x).exp());
        let h1 = s(w[0] * I1 + w[1] * I2 + B1);
        let h2 = s(w[2] * I1 + w[3] * I2 + B1);
        let o1 = s(w[4] * h1 + w[5] * h2 + B2);
        let o2 = s(w[6] * h1 + w[7] * h2 + B2);
        0.5 * (T1 - o1).powi(2) + 0.5 * (T2 - o2).powi(2)
    }
    let mut weights = WEIGHTS;
    for _ in 0..steps {
        let g = echidna::grad(loss, &weights);
        for (weight, g) in weights.iter_mut().zip(g) {
            *weight -= LEARNING_RATE * g;
        }
    }
    forward(&weights).2
}
