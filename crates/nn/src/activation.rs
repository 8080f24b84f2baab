//! Activation functions, applied to a neuron's net input.

use std::fmt;
use std::hash::{Hash, Hasher};

use autograd::{Shortest, Var};

/// The function a layer applies to each neuron's net input.
///
/// Every activation is one engine operation, so its derivative is the
/// engine's, not this crate's.
///
/// # Equality
///
/// [`Activation::LeakyRelu`] and [`Activation::Elu`] carry an `f64`, yet
/// `Activation` is `Eq` and `Hash` (so [`LayerSpec`](crate::LayerSpec)
/// stays usable as a map key): two activations are equal when they are the
/// same variant with the same parameter BITS. `LeakyRelu(0.0)` and
/// `LeakyRelu(-0.0)` are different activations (they give zeros of
/// different signs), and equality is an equivalence even for NaN, which
/// [`Activation::apply`] rejects anyway.
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
///
/// let x = tape.var(-2.0);
/// assert_eq!(Activation::LeakyRelu(0.01).apply(x).value(), -0.02);
/// assert_eq!(Activation::Elu(1.0).apply(x).value(), (-2f64).exp_m1());
/// assert_eq!(Activation::LeakyRelu(0.01).to_string(), "leaky_relu(0.01)");
/// ```
#[derive(Clone, Copy, Debug, Default)]
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
    /// `x` above 0 and `slope · x` at and below it ([`Var::leaky_relu`]);
    /// PyTorch's default slope is `0.01`. Its derivative at 0 is `slope`.
    LeakyRelu(f64),
    /// `x` above 0 and `alpha · (e^x - 1)` at and below it ([`Var::elu`]);
    /// the usual `alpha` is `1.0`.
    Elu(f64),
    /// `ln(1 + e^x)`, the smooth relu ([`Var::softplus`]), evaluated so
    /// that it neither overflows nor loses its digits at ±1000. Its
    /// derivative is the sigmoid.
    Softplus,
}

impl Activation {
    /// Applies the activation to `net`, recording one node (none for
    /// [`Activation::Identity`]).
    ///
    /// # Panics
    ///
    /// If the parameter of [`Activation::LeakyRelu`] or
    /// [`Activation::Elu`] is not a finite number.
    #[track_caller]
    pub fn apply<'t>(self, net: Var<'t>) -> Var<'t> {
        match self {
            Activation::Sigmoid => net.sigmoid(),
            Activation::Tanh => net.tanh(),
            Activation::Relu => net.relu(),
            Activation::Identity => net,
            Activation::LeakyRelu(slope) => {
                self.check("Activation::apply");
                net.leaky_relu(slope)
            }
            Activation::Elu(alpha) => {
                self.check("Activation::apply");
                net.elu(alpha)
            }
            Activation::Softplus => net.softplus(),
        }
    }

    /// The activation's parameter: the slope of [`Activation::LeakyRelu`],
    /// the `alpha` of [`Activation::Elu`], `None` for the others.
    ///
    /// # Examples
    ///
    /// ```
    /// use nn::Activation;
    ///
    /// assert_eq!(Activation::Elu(1.0).parameter(), Some(1.0));
    /// assert_eq!(Activation::Tanh.parameter(), None);
    /// ```
    pub fn parameter(self) -> Option<f64> {
        match self {
            Activation::LeakyRelu(p) | Activation::Elu(p) => Some(p),
            _ => None,
        }
    }

    /// Panics, naming `context` and the activation, if its parameter is not
    /// finite: a NaN or infinite slope would only show up later as NaN
    /// outputs and gradients.
    #[track_caller]
    pub(crate) fn check(self, context: impl fmt::Display) {
        if let Some(p) = self.parameter() {
            assert!(
                p.is_finite(),
                "{context}: the activation {self} needs a finite parameter, got {}",
                Shortest(p)
            );
        }
    }

    /// The variant's number and the parameter's bits: what equality and
    /// hashing compare.
    fn key(self) -> (u8, u64) {
        match self {
            Activation::Sigmoid => (0, 0),
            Activation::Tanh => (1, 0),
            Activation::Relu => (2, 0),
            Activation::Identity => (3, 0),
            Activation::LeakyRelu(p) => (4, p.to_bits()),
            Activation::Elu(p) => (5, p.to_bits()),
            Activation::Softplus => (6, 0),
        }
    }
}

/// The same variant with the same parameter bits (see
/// [`Activation`](Activation#equality)).
impl PartialEq for Activation {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Activation {}

impl Hash for Activation {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

/// The name in lower case, with the parameter in shortest form:
/// `sigmoid`, `leaky_relu(0.01)`, `elu(1)`, `softplus`.
impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Activation::Sigmoid => f.pad("sigmoid"),
            Activation::Tanh => f.pad("tanh"),
            Activation::Relu => f.pad("relu"),
            Activation::Identity => f.pad("identity"),
            Activation::LeakyRelu(p) => f.pad(&format!("leaky_relu({})", Shortest(*p))),
            Activation::Elu(p) => f.pad(&format!("elu({})", Shortest(*p))),
            Activation::Softplus => f.pad("softplus"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use autograd::Tape;
    use autograd::check::GradCheck;

    use super::Activation;
    use crate::{LayerSpec, Loss, Mlp, Sgd, Trainer};

    /// Asserts `a` and `b` agree to a relative `1e-12`.
    fn close(a: f64, b: f64, what: &str) {
        assert!(
            (a - b).abs() <= 1e-12 * b.abs().max(1.0),
            "{what}: {a} is not {b}"
        );
    }

    fn sigmoid(x: f64) -> f64 {
        1.0 / (1.0 + (-x).exp())
    }

    /// The activation's value and derivative at `x` from the engine.
    fn value_and_gradient(activation: Activation, x: f64) -> (f64, f64) {
        let tape = Tape::new();
        let net = tape.var(x);
        let out = activation.apply(net);
        (out.value(), out.backward().wrt(net))
    }

    const POINTS: [f64; 9] = [-30.0, -3.0, -1.0, -0.25, 0.0, 0.25, 1.0, 3.0, 30.0];

    #[test]
    fn leaky_relu_is_x_above_zero_and_slope_times_x_below_with_the_slope_at_zero() {
        for slope in [0.01, 0.2, -0.5] {
            for x in POINTS {
                let (y, dy) = value_and_gradient(Activation::LeakyRelu(slope), x);
                let (want, dwant) = if x > 0.0 {
                    (x, 1.0)
                } else {
                    (slope * x, slope)
                };
                close(y, want, "leaky_relu");
                close(dy, dwant, "leaky_relu'");
            }
        }
    }

    #[test]
    fn elu_is_x_above_zero_and_alpha_times_expm1_below_with_alpha_e_to_the_x_as_its_slope() {
        for alpha in [1.0, 0.5, 2.0] {
            for x in POINTS {
                let (y, dy) = value_and_gradient(Activation::Elu(alpha), x);
                let (want, dwant) = if x > 0.0 {
                    (x, 1.0)
                } else {
                    (alpha * x.exp_m1(), alpha * x.exp())
                };
                close(y, want, "elu");
                close(dy, dwant, "elu'");
            }
        }
    }

    #[test]
    fn softplus_is_ln_1_plus_e_to_the_x_with_the_sigmoid_as_its_slope() {
        for x in POINTS {
            let (y, dy) = value_and_gradient(Activation::Softplus, x);
            close(y, x.exp().ln_1p(), "softplus");
            close(dy, sigmoid(x), "softplus'");
        }
        // Stable at the extremes: no overflow, no lost digits.
        assert_eq!(
            value_and_gradient(Activation::Softplus, 1000.0),
            (1000.0, 1.0)
        );
        let (y, dy) = value_and_gradient(Activation::Softplus, -1000.0);
        assert_eq!((y, dy), (0.0, 0.0));
        let (y, _) = value_and_gradient(Activation::Softplus, -40.0);
        close(y, (-40f64).exp(), "softplus(-40)");
    }

    #[test]
    fn the_new_activations_agree_with_finite_differences_away_from_their_kinks() {
        let activations = [
            Activation::LeakyRelu(0.01),
            Activation::LeakyRelu(0.3),
            Activation::Elu(1.0),
            Activation::Elu(0.7),
            Activation::Softplus,
        ];
        for activation in activations {
            for x in [-2.7, -0.9, -0.13, 0.21, 1.4, 3.3] {
                let report =
                    GradCheck::new().inputs(|_, v| activation.apply(v[0]) * v[1], &[x, 1.3]);
                assert!(
                    report.is_ok(),
                    "{activation} at {x}: {}",
                    report.unwrap_err()
                );
            }
        }
    }

    #[test]
    fn parameters_show_in_shortest_form_and_padding_applies_to_the_whole_name() {
        assert_eq!(Activation::LeakyRelu(0.01).to_string(), "leaky_relu(0.01)");
        assert_eq!(Activation::Elu(1.0).to_string(), "elu(1)");
        assert_eq!(Activation::LeakyRelu(1e-5).to_string(), "leaky_relu(1e-5)");
        assert_eq!(Activation::Softplus.to_string(), "softplus");
        assert_eq!(format!("[{:>10}]", Activation::Elu(0.5)), "[  elu(0.5)]");
        assert_eq!(format!("[{:<8}]", Activation::Relu), "[relu    ]");
    }

    #[test]
    fn equal_activations_have_the_same_variant_and_parameter_bits() {
        assert_eq!(Activation::LeakyRelu(0.01), Activation::LeakyRelu(0.01));
        assert_ne!(Activation::LeakyRelu(0.01), Activation::LeakyRelu(0.02));
        assert_ne!(Activation::LeakyRelu(1.0), Activation::Elu(1.0));
        assert_ne!(Activation::LeakyRelu(0.0), Activation::LeakyRelu(-0.0));
        assert_eq!(Activation::Elu(f64::NAN), Activation::Elu(f64::NAN)); // reflexive
        let specs: HashSet<LayerSpec> = [
            LayerSpec::new(4, Activation::LeakyRelu(0.01)),
            LayerSpec::new(4, Activation::LeakyRelu(0.01)),
            LayerSpec::new(4, Activation::LeakyRelu(0.1)),
            LayerSpec::new(4, Activation::Softplus),
        ]
        .into_iter()
        .collect();
        assert_eq!(specs.len(), 3);
    }

    #[test]
    #[should_panic(
        expected = "Activation::apply: the activation leaky_relu(NaN) needs a finite parameter, got NaN"
    )]
    fn a_nan_slope_is_refused_by_name() {
        let tape = Tape::new();
        let _ = Activation::LeakyRelu(f64::NAN).apply(tape.var(1.0));
    }

    #[test]
    #[should_panic(
        expected = "Mlp::new: layer 1: the activation elu(inf) needs a finite parameter, got inf"
    )]
    fn a_network_with_an_infinite_alpha_is_refused_when_it_is_made() {
        let _ = Mlp::new(
            2,
            &[
                LayerSpec::new(3, Activation::Tanh),
                LayerSpec::new(1, Activation::Elu(f64::INFINITY)),
            ],
            0,
        );
    }

    /// Samples of `y = sin(2x)` on [-1.5, 1.5].
    fn wave() -> Vec<([f64; 1], [f64; 1])> {
        (0..12)
            .map(|k| {
                let x = -1.5 + 3.0 * f64::from(k) / 11.0;
                ([x], [(2.0 * x).sin()])
            })
            .collect()
    }

    #[test]
    fn an_mlp_learns_a_curve_with_each_new_activation() {
        let data = wave();
        for activation in [
            Activation::LeakyRelu(0.01),
            Activation::Elu(1.0),
            Activation::Softplus,
        ] {
            let tape = Tape::new();
            let mlp = Mlp::new(
                1,
                &[
                    LayerSpec::new(12, activation),
                    LayerSpec::new(1, Activation::Identity),
                ],
                3,
            );
            let mut trainer = Trainer::new(&tape, mlp, Loss::MeanSquaredError, Sgd::new(0.1));
            let samples = || data.iter().map(|(x, t)| (&x[..], &t[..]));
            let first = trainer.step_batch(samples());
            let mut loss = first;
            for _ in 0..6_000 {
                loss = trainer.step_batch(samples());
            }
            assert!(
                loss < 0.01 && loss < first / 20.0,
                "{activation}: mean squared error {first} -> {loss}"
            );
        }
    }
}
