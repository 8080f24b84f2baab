//! Stochastic gradient descent, with momentum and Nesterov's variant.

use crate::optimizer::{Optimizer, check_lengths, check_rate};

/// Gradient descent, as PyTorch's `torch.optim.SGD` documents it: for
/// each trainable parameter `p` with gradient `g`, at step `t`,
///
/// ```text
/// g ← g + λ p                              (weight decay λ, if any)
/// b ← g at t = 1, else μ b + (1 - τ) g     (momentum μ, dampening τ, if μ ≠ 0)
/// g ← g + μ b (Nesterov) or b (plain momentum)
/// p ← p - η g                              (learning rate η)
/// ```
///
/// With no momentum and no weight decay this is plain gradient descent,
/// `p ← p - η g`, the worked example's rule.
///
/// # Examples
///
/// ```
/// use nn::{Optimizer, Sgd};
///
/// // With a constant gradient, momentum 0.9 builds the step up to 10 times
/// // the plain one: b_k = g (1 + μ + ... + μ^(k-1)).
/// let mut sgd = Sgd::new(0.1).with_momentum(0.9);
/// let mut p = [0.0];
/// for _ in 0..3 {
///     sgd.step(&mut p, &[1.0], &[true]);
/// }
/// let expected = -0.1 * (1.0 + (1.0 + 0.9) + (1.0 + 0.9 + 0.81));
/// assert!((p[0] - expected).abs() < 1e-15);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Sgd {
    learning_rate: f64,
    momentum: f64,
    dampening: f64,
    nesterov: bool,
    weight_decay: f64,
    /// The momentum buffer `b` per parameter, from the first step on.
    velocity: Vec<f64>,
    /// Whether each parameter's buffer was started (at its first step).
    started: Vec<bool>,
}

impl Sgd {
    /// Plain gradient descent with step size `learning_rate`.
    ///
    /// # Panics
    ///
    /// If the learning rate is not finite.
    pub fn new(learning_rate: f64) -> Self {
        check_rate("Sgd::new", learning_rate);
        Sgd {
            learning_rate,
            momentum: 0.0,
            dampening: 0.0,
            nesterov: false,
            weight_decay: 0.0,
            velocity: Vec::new(),
            started: Vec::new(),
        }
    }

    /// The same, with momentum `μ` (PyTorch's `momentum`, typically 0.9).
    ///
    /// # Panics
    ///
    /// If `momentum` is not in `[0, 1)`.
    #[must_use]
    pub fn with_momentum(mut self, momentum: f64) -> Self {
        assert!(
            (0.0..1.0).contains(&momentum),
            "Sgd::with_momentum: the momentum must be in [0, 1), got {momentum}"
        );
        self.momentum = momentum;
        self
    }

    /// The same, with Nesterov's momentum: the step looks ahead along the
    /// momentum buffer (PyTorch's `nesterov=True`).
    ///
    /// # Panics
    ///
    /// If there is no momentum, or a dampening (as PyTorch refuses).
    #[must_use]
    pub fn with_nesterov(mut self) -> Self {
        assert!(
            self.momentum > 0.0 && self.dampening == 0.0,
            "Sgd::with_nesterov: Nesterov momentum needs a momentum (with_momentum) and no \
             dampening"
        );
        self.nesterov = true;
        self
    }

    /// The same, with dampening `τ` of the momentum buffer (PyTorch's
    /// `dampening`).
    ///
    /// # Panics
    ///
    /// If `dampening` is not in `[0, 1]`, or the momentum is Nesterov's.
    #[must_use]
    pub fn with_dampening(mut self, dampening: f64) -> Self {
        assert!(
            (0.0..=1.0).contains(&dampening) && !self.nesterov,
            "Sgd::with_dampening: the dampening must be in [0, 1], and Nesterov momentum takes \
             none; got {dampening}"
        );
        self.dampening = dampening;
        self
    }

    /// The same, with L2 weight decay `λ` added to every gradient
    /// (PyTorch's `weight_decay`).
    ///
    /// # Panics
    ///
    /// If `weight_decay` is negative or not finite.
    #[must_use]
    pub fn with_weight_decay(mut self, weight_decay: f64) -> Self {
        assert!(
            weight_decay >= 0.0 && weight_decay.is_finite(),
            "Sgd::with_weight_decay: the decay must be a finite number >= 0, got {weight_decay}"
        );
        self.weight_decay = weight_decay;
        self
    }

    /// The value a parameter takes after one step of plain gradient
    /// descent: `p - η g`.
    pub fn updated(&self, value: f64, gradient: f64) -> f64 {
        value - self.learning_rate * gradient
    }
}

impl Optimizer for Sgd {
    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, rate: f64) {
        self.learning_rate = check_rate("Sgd::set_learning_rate", rate);
    }

    fn step(&mut self, parameters: &mut [f64], gradients: &[f64], trainable: &[bool]) {
        check_lengths("Sgd", parameters, gradients, trainable, self.velocity.len());
        if self.momentum != 0.0 && self.velocity.is_empty() {
            self.velocity = vec![0.0; parameters.len()];
            self.started = vec![false; parameters.len()];
        }
        for i in 0..parameters.len() {
            if !trainable[i] {
                continue;
            }
            let p = parameters[i];
            let mut g = gradients[i];
            if self.weight_decay != 0.0 {
                g += self.weight_decay * p;
            }
            if self.momentum != 0.0 {
                let b = &mut self.velocity[i];
                *b = if self.started[i] {
                    self.momentum * *b + (1.0 - self.dampening) * g
                } else {
                    self.started[i] = true;
                    g
                };
                g = if self.nesterov {
                    g + self.momentum * *b
                } else {
                    *b
                };
            }
            parameters[i] = p - self.learning_rate * g;
        }
    }

    fn plain_learning_rate(&self) -> Option<f64> {
        (self.momentum == 0.0 && self.weight_decay == 0.0).then_some(self.learning_rate)
    }
}
