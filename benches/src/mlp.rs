//! W2: one forward and backward pass of a 2-16-16-1 MLP (tanh hidden layers,
//! linear output) over 100 points, squared loss summed over the points.
#![allow(
    clippy::needless_range_loop,
    reason = "the hand-derived backward pass reads best with the indices of its formulas"
)]

use autograd::{Gradients, Tape, Var};
use nn::{Activation, LayerSpec, Loss, Mlp};

/// Points in the batch.
pub const POINTS: usize = 100;
/// Hidden layer width.
pub const HIDDEN: usize = 16;
/// Parameters: 16·2 + 16 + 16·16 + 16 + 16 + 1.
pub const PARAMETERS: usize = HIDDEN * 2 + HIDDEN + HIDDEN * HIDDEN + HIDDEN + HIDDEN + 1;

/// What every version computes: the loss and its gradient with respect to
/// every parameter, in the order `W1` (neuron-major), `b1`, `W2`, `b2`,
/// `W3`, `b3`, which is also `nn::Mlp::parameters`' order.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// Σ_p (y_p - t_p)².
    pub loss: f64,
    /// ∂loss/∂θ for every parameter θ.
    pub grads: Vec<f64>,
}

/// Deterministic parameters, uniform in ±1/√fan-in.
pub fn parameters() -> Vec<f64> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut uniform = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    };
    let mut p = Vec::with_capacity(PARAMETERS);
    for (count, fan_in) in [
        (HIDDEN * 2, 2),
        (HIDDEN, 2),
        (HIDDEN * HIDDEN, HIDDEN),
        (HIDDEN, HIDDEN),
        (HIDDEN, HIDDEN),
        (1, HIDDEN),
    ] {
        let limit = 1.0 / (fan_in as f64).sqrt();
        p.extend((0..count).map(|_| uniform() * limit));
    }
    p
}

/// The 100 points `(x0, x1)` and their targets.
pub fn data() -> Vec<([f64; 2], f64)> {
    (0..POINTS)
        .map(|p| {
            let p = p as f64;
            let x = [(0.37 * p).cos(), (1.3 * p).sin()];
            (x, (x[0] * 2.0).sin() * x[1].cos())
        })
        .collect()
}

/// Splits a parameter vector into its layers.
struct Layers<'a, T> {
    w1: &'a [T],
    b1: &'a [T],
    w2: &'a [T],
    b2: &'a [T],
    w3: &'a [T],
    b3: &'a T,
}

fn layers<T>(p: &[T]) -> Layers<'_, T> {
    let (w1, rest) = p.split_at(HIDDEN * 2);
    let (b1, rest) = rest.split_at(HIDDEN);
    let (w2, rest) = rest.split_at(HIDDEN * HIDDEN);
    let (b2, rest) = rest.split_at(HIDDEN);
    let (w3, rest) = rest.split_at(HIDDEN);
    Layers {
        w1,
        b1,
        w2,
        b2,
        w3,
        b3: &rest[0],
    }
}

/// The loss recorded with the engine: a neuron's weighted input is one dot
/// node, the inputs and targets are plain numbers.
fn loss<'t>(tape: &'t Tape, p: &[Var<'t>], data: &[([f64; 2], f64)]) -> Var<'t> {
    let l = layers(p);
    let mut h1 = [l.b1[0]; HIDDEN];
    let mut h2 = [l.b1[0]; HIDDEN];
    tape.sum(data.iter().map(|&(x, t)| {
        for j in 0..HIDDEN {
            let w = &l.w1[2 * j..2 * j + 2];
            h1[j] = tape.sum([w[0] * x[0], w[1] * x[1], l.b1[j]]).tanh();
        }
        for j in 0..HIDDEN {
            let w = &l.w2[HIDDEN * j..HIDDEN * (j + 1)];
            h2[j] = (tape.dot(w, &h1) + l.b2[j]).tanh();
        }
        let y = tape.dot(l.w3, &h2) + *l.b3;
        (y - t).powi(2)
    }))
}

/// Nodes the engine records for one pass (parameters not counted).
pub fn nodes_per_run() -> usize {
    let tape = Tape::new();
    let p: Vec<Var<'_>> = parameters().into_iter().map(|v| tape.var(v)).collect();
    let _ = loss(&tape, &p, &data());
    tape.len() - PARAMETERS
}

/// The engine, tuned: parameters recorded once, the tape rewound after each
/// pass, one reused gradient store.
pub fn engine() -> impl FnMut() -> Output {
    let tape: &'static Tape = Box::leak(Box::new(Tape::new()));
    let p: Vec<Var<'static>> = parameters().into_iter().map(|v| tape.var(v)).collect();
    let mark = tape.mark();
    let data = data();
    let mut grads = Gradients::new();
    move || {
        let total = loss(tape, &p, &data);
        total.backward_into(&mut grads);
        let out = Output {
            loss: total.value(),
            grads: p.iter().map(|&w| grads.wrt(w)).collect(),
        };
        tape.rewind(mark);
        out
    }
}

/// The loss compiled once into a [`Program`](autograd::Program) over the
/// parameters, replayed for each pass.
pub fn replay() -> impl FnMut() -> Output {
    let program = program();
    replay_program(program)
}

/// The compiled loss.
pub fn program() -> autograd::Program {
    let tape = Tape::new();
    let p: Vec<Var<'_>> = parameters().into_iter().map(|v| tape.var(v)).collect();
    let total = loss(&tape, &p, &data());
    tape.compile(&p, total)
}

fn replay_program(mut program: autograd::Program) -> impl FnMut() -> Output {
    let values = parameters();
    let mut grads = vec![0.0; PARAMETERS];
    move || {
        let loss = program.gradient(&values, &mut grads);
        Output {
            loss,
            grads: grads.clone(),
        }
    }
}

/// The engine as a user writes it first: a fresh tape for each pass.
pub fn engine_fresh() -> impl FnMut() -> Output {
    let values = parameters();
    let data = data();
    move || {
        let tape = Tape::new();
        let p: Vec<Var<'_>> = values.iter().map(|&v| tape.var(v)).collect();
        let total = loss(&tape, &p, &data);
        let grads = total.backward();
        Output {
            loss: total.value(),
            grads: p.iter().map(|&w| grads.wrt(w)).collect(),
        }
    }
}

/// The nn crate's Mlp (inputs recorded as constants), rewound after each pass.
pub fn engine_nn() -> impl FnMut() -> Output {
    let tape: &'static Tape = Box::leak(Box::new(Tape::new()));
    let mut model = Mlp::new(
        2,
        &[
            LayerSpec::new(HIDDEN, Activation::Tanh),
            LayerSpec::new(HIDDEN, Activation::Tanh),
            LayerSpec::new(1, Activation::Identity),
        ],
        0,
    );
    model.set_parameters(&parameters());
    let mlp = model.bind(tape);
    let mark = tape.mark();
    let data = data();
    let mut grads = Gradients::new();
    move || {
        let total = tape.sum(data.iter().map(|(x, t)| {
            let y = mlp.forward(&mlp.inputs(x)).outputs()[0];
            Loss::MeanSquaredError.term(y, *t)
        }));
        total.backward_into(&mut grads);
        let out = Output {
            loss: total.value(),
            grads: mlp.gradients(&grads),
        };
        tape.rewind(mark);
        out
    }
}

/// Hand-written: the forward pass and the hand-derived backward pass.
pub fn handwritten() -> impl FnMut() -> Output {
    let values = parameters();
    let data = data();
    move || {
        let l = layers(&values);
        let mut grads = vec![0.0; PARAMETERS];
        let mut loss = 0.0;
        for &(x, t) in &data {
            let mut h1 = [0.0; HIDDEN];
            let mut h2 = [0.0; HIDDEN];
            for j in 0..HIDDEN {
                h1[j] = (l.w1[2 * j] * x[0] + l.w1[2 * j + 1] * x[1] + l.b1[j]).tanh();
            }
            for j in 0..HIDDEN {
                let w = &l.w2[HIDDEN * j..HIDDEN * (j + 1)];
                let net: f64 = w.iter().zip(&h1).map(|(w, h)| w * h).sum::<f64>() + l.b2[j];
                h2[j] = net.tanh();
            }
            let y = l.w3.iter().zip(&h2).map(|(w, h)| w * h).sum::<f64>() + l.b3;
            loss += (y - t).powi(2);
            // ∂L/∂y = 2(y - t); tanh' = 1 - tanh²
            let dy = 2.0 * (y - t);
            let g = layers_mut(&mut grads);
            *g.b3 += dy;
            let mut d2 = [0.0; HIDDEN];
            for j in 0..HIDDEN {
                g.w3[j] += dy * h2[j];
                d2[j] = dy * l.w3[j] * (1.0 - h2[j] * h2[j]);
            }
            let mut d1 = [0.0; HIDDEN];
            for j in 0..HIDDEN {
                g.b2[j] += d2[j];
                for k in 0..HIDDEN {
                    g.w2[HIDDEN * j + k] += d2[j] * h1[k];
                    d1[k] += d2[j] * l.w2[HIDDEN * j + k];
                }
            }
            for k in 0..HIDDEN {
                let d = d1[k] * (1.0 - h1[k] * h1[k]);
                g.b1[k] += d;
                g.w1[2 * k] += d * x[0];
                g.w1[2 * k + 1] += d * x[1];
            }
        }
        Output { loss, grads }
    }
}

/// [`layers`] over a mutable gradient vector.
struct LayersMut<'a> {
    w1: &'a mut [f64],
    b1: &'a mut [f64],
    w2: &'a mut [f64],
    b2: &'a mut [f64],
    w3: &'a mut [f64],
    b3: &'a mut f64,
}

fn layers_mut(p: &mut [f64]) -> LayersMut<'_> {
    let (w1, rest) = p.split_at_mut(HIDDEN * 2);
    let (b1, rest) = rest.split_at_mut(HIDDEN);
    let (w2, rest) = rest.split_at_mut(HIDDEN * HIDDEN);
    let (b2, rest) = rest.split_at_mut(HIDDEN);
    let (w3, rest) = rest.split_at_mut(HIDDEN);
    LayersMut {
        w1,
        b1,
        w2,
        b2,
        w3,
        b3: &mut rest[0],
    }
}

/// The `reverse` crate, one tape cleared for each pass.
pub fn reverse() -> impl FnMut() -> Output {
    use reverse::{Gradient as _, Var as R};
    let values = parameters();
    let data = data();
    let tape: &'static reverse::Tape = Box::leak(Box::new(reverse::Tape::new()));
    move || {
        tape.clear();
        let p: Vec<R<'_>> = tape.add_vars(&values);
        let l = layers(&p);
        let mut total = None::<R<'_>>;
        for &(x, t) in &data {
            let h1: Vec<R<'_>> = (0..HIDDEN)
                .map(|j| (l.w1[2 * j] * x[0] + l.w1[2 * j + 1] * x[1] + l.b1[j]).tanh())
                .collect();
            let h2: Vec<R<'_>> = (0..HIDDEN)
                .map(|j| {
                    let w = &l.w2[HIDDEN * j..HIDDEN * (j + 1)];
                    let net = w.iter().zip(&h1).fold(l.b2[j], |acc, (&w, &h)| acc + w * h);
                    net.tanh()
                })
                .collect();
            let y =
                l.w3.iter()
                    .zip(&h2)
                    .fold(*l.b3, |acc, (&w, &h)| acc + w * h);
            let term = (y - t).powi(2);
            total = Some(total.map_or(term, |s| s + term));
        }
        let total = total.expect("at least one point");
        let grads = total.grad();
        Output {
            loss: total.val(),
            grads: p.iter().map(|w| grads.wrt(w)).collect(),
        }
    }
}

/// The `echidna` crate's reverse mode.
pub fn echidna() -> impl FnMut() -> Output {
    use echidna::Reverse;
    use num_traits::Float as _;
    let values = parameters();
    let data = data();
    move || {
        let mut loss = 0.0;
        let grads = echidna::grad(
            |p: &[Reverse<f64>]| {
                let l = layers(p);
                let mut total = Reverse::constant(0.0);
                for &(x, t) in &data {
                    let mut h1 = [Reverse::constant(0.0); HIDDEN];
                    for (j, h) in h1.iter_mut().enumerate() {
                        *h = (l.w1[2 * j] * x[0] + l.w1[2 * j + 1] * x[1] + l.b1[j]).tanh();
                    }
                    let mut h2 = [Reverse::constant(0.0); HIDDEN];
                    for (j, h) in h2.iter_mut().enumerate() {
                        let w = &l.w2[HIDDEN * j..HIDDEN * (j + 1)];
                        let net = w.iter().zip(&h1).fold(l.b2[j], |acc, (&w, &h)| acc + w * h);
                        *h = net.tanh();
                    }
                    let y =
                        l.w3.iter()
                            .zip(&h2)
                            .fold(*l.b3, |acc, (&w, &h)| acc + w * h);
                    total += (y - t).powi(2);
                }
                loss = num_traits::ToPrimitive::to_f64(&total).unwrap_or(f64::NAN);
                total
            },
            &values,
        );
        Output { loss, grads }
    }
}
