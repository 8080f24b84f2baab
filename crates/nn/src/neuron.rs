//! One neuron: weights, a bias, and an activation.

use std::fmt;

use autograd::Var;

use crate::activation::Activation;

/// One neuron: `out = activation(w · x + b)`.
///
/// The net input is recorded as ONE n-ary sum node over the weighted inputs
/// and the bias, exactly as the worked example writes
/// `net_h1 = w1 * i1 + w2 * i2 + b1`. The bias may be shared with other
/// neurons of its layer (see [`Bias`](crate::Bias)).
///
/// # Examples
///
/// ```
/// use autograd::Tape;
/// use nn::{Activation, Neuron, blog};
///
/// // h1 of the worked example.
/// let tape = Tape::new();
/// let neuron = Neuron::new(vec![tape.var(0.15), tape.var(0.20)], tape.var(0.35), Activation::Sigmoid);
/// let inputs = [tape.constant(0.05), tape.constant(0.10)];
/// let (net, out) = neuron.forward(&inputs);
/// assert_eq!(net.value(), 0.15 * 0.05 + 0.20 * 0.10 + 0.35);
/// assert_eq!(out.value(), 1.0 / (1.0 + (-net.value()).exp()));
/// assert!(blog::figure(1).is_exact(net.value()) && blog::figure(2).is_exact(out.value()));
/// ```
#[derive(Clone, Debug)]
pub struct Neuron<'t> {
    weights: Vec<Var<'t>>,
    bias: Var<'t>,
    activation: Activation,
}

impl<'t> Neuron<'t> {
    /// A neuron from its parameters.
    ///
    /// # Panics
    ///
    /// If the activation has a parameter that is not finite.
    #[track_caller]
    pub fn new(weights: Vec<Var<'t>>, bias: Var<'t>, activation: Activation) -> Self {
        activation.check("Neuron::new");
        Neuron {
            weights,
            bias,
            activation,
        }
    }

    /// The weights, one per input.
    pub fn weights(&self) -> &[Var<'t>] {
        &self.weights
    }

    /// The bias (possibly shared with the other neurons of the layer).
    pub fn bias(&self) -> Var<'t> {
        self.bias
    }

    /// The activation.
    pub fn activation(&self) -> Activation {
        self.activation
    }

    /// How many inputs the neuron takes.
    pub fn n_inputs(&self) -> usize {
        self.weights.len()
    }

    /// Records the net input `w · x + b` (one sum node) and the activation;
    /// returns both.
    ///
    /// # Panics
    ///
    /// If `inputs` does not have one value per weight.
    pub fn forward(&self, inputs: &[Var<'t>]) -> (Var<'t>, Var<'t>) {
        assert_eq!(
            inputs.len(),
            self.weights.len(),
            "Neuron::forward: the neuron has {} weights but got {} inputs",
            self.weights.len(),
            inputs.len()
        );
        record(&self.weights, self.bias, self.activation, inputs)
    }
}

/// Records a neuron's net input `w · x + b` as one sum node over the
/// weighted inputs and the bias, and its activation; returns both.
pub(crate) fn record<'t>(
    weights: &[Var<'t>],
    bias: Var<'t>,
    activation: Activation,
    inputs: &[Var<'t>],
) -> (Var<'t>, Var<'t>) {
    let weighted = weights.iter().zip(inputs).map(|(&w, &x)| w * x);
    let net = bias.tape().sum(weighted.chain(std::iter::once(bias)));
    (net, activation.apply(net))
}

/// `sigmoid(0.15·x1 + 0.2·x2 + 0.35)`-style, with the current values.
impl fmt::Display for Neuron<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.activation)?;
        for (k, w) in self.weights.iter().enumerate() {
            write!(f, "{}·x{} + ", w.value(), k + 1)?;
        }
        write!(f, "{})", self.bias.value())
    }
}
