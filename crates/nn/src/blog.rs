//! The network of Matt Mazur's "A Step by Step Backpropagation Example":
//! its exact weights, input and target, with the blog's names.

use autograd::{Tape, Var};

use crate::activation::Activation;
use crate::layer::{Bias, LayerSpec};
use crate::loss::Loss;
use crate::mlp::{Forward, Mlp};
use crate::sgd::Sgd;
use crate::trainer::{Trainer, UpdateOrder};

/// The inputs `i1, i2`.
pub const INPUTS: [f64; 2] = [0.05, 0.10];
/// The targets `t1, t2` (one sample).
pub const TARGETS: [f64; 2] = [0.01, 0.99];
/// The weights `w1..w8`: `w1, w2` into h1, `w3, w4` into h2, `w5, w6` into
/// o1, `w7, w8` into o2.
pub const WEIGHTS: [f64; 8] = [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55];
/// The biases `b1` (shared by h1 and h2) and `b2` (shared by o1 and o2).
pub const BIASES: [f64; 2] = [0.35, 0.60];
/// The learning rate η.
pub const LEARNING_RATE: f64 = 0.5;

/// The blog's 2-2-2 sigmoid network on `tape`: one bias shared per layer,
/// biases frozen (the blog never updates them), and every parameter and
/// node named as the blog names it (`w1..w8`, `b1`, `b2`, `i1`, `net_h1`,
/// `out_h1`, ..., `out_o2`).
///
/// # Examples
///
/// ```
/// let tape = autograd::Tape::new();
/// let mlp = nn::blog::network(&tape);
/// let pass = nn::blog::forward(&mlp);
/// assert!((pass.total.value() - 0.298371108760).abs() < 1e-12);
/// assert_eq!(pass.total.name().as_deref(), Some("E_total"));
/// ```
pub fn network(tape: &Tape) -> Mlp<'_> {
    let spec = LayerSpec::new(2, Activation::Sigmoid).with_bias(Bias::Shared);
    let mut mlp = Mlp::new(tape, 2, &[spec, spec], 0).with_names(&["h", "o"]);
    let [w1, w2, w3, w4, w5, w6, w7, w8] = WEIGHTS;
    let [b1, b2] = BIASES;
    mlp.set_parameters(&[w1, w2, w3, w4, b1, w5, w6, w7, w8, b2]);
    mlp.freeze_biases();
    mlp
}

/// One forward pass of the blog network and its error, every node named.
#[derive(Clone, Debug)]
pub struct BlogPass<'t> {
    /// `i1, i2`.
    pub inputs: Vec<Var<'t>>,
    /// The nets and outputs of both layers (`net_h1 ... out_o2`).
    pub forward: Forward<'t>,
    /// `E_o1, E_o2`: `½ (target - out)²` for each output.
    pub errors: [Var<'t>; 2],
    /// `E_total = E_o1 + E_o2`.
    pub total: Var<'t>,
}

/// Records the blog's forward pass and error on `mlp` (made by [`network`]).
pub fn forward<'t>(mlp: &Mlp<'t>) -> BlogPass<'t> {
    let inputs = mlp.inputs(&INPUTS);
    let forward = mlp.forward(&inputs);
    let outputs = forward.outputs();
    let errors = [
        Loss::HalfSquaredError
            .term(outputs[0], TARGETS[0])
            .named("E_o1"),
        Loss::HalfSquaredError
            .term(outputs[1], TARGETS[1])
            .named("E_o2"),
    ];
    let total = mlp.tape().sum(errors).named("E_total");
    BlogPass {
        inputs,
        forward,
        errors,
        total,
    }
}

/// A trainer for the blog network: half squared error, SGD with the given
/// learning rate, in the given update order.
pub fn trainer<'t>(mlp: &Mlp<'t>, learning_rate: f64, order: UpdateOrder) -> Trainer<'t> {
    Trainer::new(mlp, Loss::HalfSquaredError, Sgd::new(learning_rate)).with_update_order(order)
}
