//! Activation functions, applied to a neuron's net input.

use std::fmt;

use autograd::Var;

/// The function a layer applies to each neuron's net input.
///
/// # Examples
///
/// ```
/// use nn::{Activation, blog};
///
/// let tape = autograd::Tape::new();
/// let net = tape.var(blog::figure(1).exact); // net_h1 of the worked example
/// let out = Activation::Sigmoid.apply(net);
/// assert!((out.value() - 1.0 / (1.0 + (-net.value()).exp())).abs() < 1e-15);
/// assert!(blog::figure(2).is_exact(out.value())); // out_h1
/// assert_eq!(Activation::Identity.apply(net), net); // records nothing
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Activation {
    /// The logistic function `1 / (1 + e^-x)`, as in the worked example.
    #[default]
    Sigmoid,
    /// The hyperbolic tangent.
    Tanh,
    /// `max(x, 0)`.
    Relu,
    /// `x` itself: a linear layer. Records no node.
    Identity,
}

impl Activation {
    /// Applies the activation to `net`, recording one node (none for
    /// [`Activation::Identity`]).
    pub fn apply<'t>(self, net: Var<'t>) -> Var<'t> {
        match self {
            Activation::Sigmoid => net.sigmoid(),
            Activation::Tanh => net.tanh(),
            Activation::Relu => net.relu(),
            Activation::Identity => net,
        }
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::Identity => "identity",
        })
    }
}
