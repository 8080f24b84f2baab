//! Adam, and AdamW's decoupled weight decay.

use crate::optimizer::{Optimizer, check_lengths, check_rate};

/// Adam, as PyTorch's `torch.optim.Adam` and `torch.optim.AdamW` document
/// it: for each trainable parameter `p` with gradient `g`, at step `t`
/// (counted from 1),
///
/// ```text
/// p ← p - η λ p                 (AdamW: decoupled weight decay λ)
/// g ← g + λ p                   (Adam: L2 weight decay λ, if any)
/// m ← β₁ m + (1 - β₁) g
/// v ← β₂ v + (1 - β₂) g²
/// m̂ = m / (1 - β₁ᵗ),  v̂ = v / (1 - β₂ᵗ)     (bias correction)
/// p ← p - η m̂ / (√v̂ + ε)
/// ```
///
/// The defaults are PyTorch's: `β₁ = 0.9`, `β₂ = 0.999`, `ε = 1e-8`, no
/// weight decay for [`Adam::new`] and `λ` as given for [`Adam::adamw`]
/// (PyTorch's AdamW defaults to 0.01). A frozen parameter neither moves
/// nor advances its moments; the step count `t` is the optimiser's.
///
/// # Examples
///
/// ```
/// use nn::{Adam, Optimizer};
///
/// // The first step moves each parameter by η in the gradient's direction,
/// // whatever the gradient's size: m̂ = g, v̂ = g².
/// let mut adam = Adam::new(0.01);
/// let mut p = [1.0, 1.0];
/// adam.step(&mut p, &[1000.0, -0.001], &[true, true]);
/// assert!((p[0] - (1.0 - 0.01)).abs() < 1e-12);
/// assert!((p[1] - (1.0 + 0.01)).abs() < 1e-7);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Adam {
    learning_rate: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    weight_decay: f64,
    /// Whether the weight decay is AdamW's (decoupled) rather than L2.
    decoupled: bool,
    /// Steps taken.
    t: u32,
    /// First and second moment estimates per parameter.
    m: Vec<f64>,
    v: Vec<f64>,
}

impl Adam {
    /// Adam with step size `learning_rate` and PyTorch's defaults.
    ///
    /// # Panics
    ///
    /// If the learning rate is not finite.
    pub fn new(learning_rate: f64) -> Self {
        check_rate("Adam::new", learning_rate);
        Adam {
            learning_rate,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            decoupled: false,
            t: 0,
            m: Vec::new(),
            v: Vec::new(),
        }
    }

    /// AdamW: Adam with decoupled weight decay `λ` (each step shrinks every
    /// trainable parameter by `η λ p` before Adam's update, rather than
    /// adding `λ p` to its gradient).
    ///
    /// # Panics
    ///
    /// If the learning rate is not finite, or the decay is negative or not
    /// finite.
    pub fn adamw(learning_rate: f64, weight_decay: f64) -> Self {
        let mut adam = Self::new(learning_rate).with_weight_decay(weight_decay);
        adam.decoupled = true;
        adam
    }

    /// The same, with L2 weight decay `λ` added to every gradient
    /// (`torch.optim.Adam`'s `weight_decay`); on an AdamW, its decoupled
    /// decay.
    ///
    /// # Panics
    ///
    /// If `weight_decay` is negative or not finite.
    #[must_use]
    pub fn with_weight_decay(mut self, weight_decay: f64) -> Self {
        assert!(
            weight_decay >= 0.0 && weight_decay.is_finite(),
            "Adam::with_weight_decay: the decay must be a finite number >= 0, got {weight_decay}"
        );
        self.weight_decay = weight_decay;
        self
    }

    /// The same, with the moments' decay rates `β₁` and `β₂`.
    ///
    /// # Panics
    ///
    /// If either is not in `[0, 1)`.
    #[must_use]
    pub fn with_betas(mut self, beta1: f64, beta2: f64) -> Self {
        assert!(
            (0.0..1.0).contains(&beta1) && (0.0..1.0).contains(&beta2),
            "Adam::with_betas: both betas must be in [0, 1), got {beta1} and {beta2}"
        );
        self.beta1 = beta1;
        self.beta2 = beta2;
        self
    }

    /// The same, with `ε`, added to `√v̂` for numerical stability.
    ///
    /// # Panics
    ///
    /// If `eps` is negative or not finite.
    #[must_use]
    pub fn with_eps(mut self, eps: f64) -> Self {
        assert!(
            eps >= 0.0 && eps.is_finite(),
            "Adam::with_eps: epsilon must be a finite number >= 0, got {eps}"
        );
        self.eps = eps;
        self
    }

    /// How many steps it has taken.
    pub fn steps(&self) -> u32 {
        self.t
    }
}

impl Optimizer for Adam {
    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, rate: f64) {
        self.learning_rate = check_rate("Adam::set_learning_rate", rate);
    }

    fn step(&mut self, parameters: &mut [f64], gradients: &[f64], trainable: &[bool]) {
        check_lengths("Adam", parameters, gradients, trainable, self.m.len());
        if self.m.is_empty() {
            self.m = vec![0.0; parameters.len()];
            self.v = vec![0.0; parameters.len()];
        }
        self.t = self.t.checked_add(1).expect("Adam: fewer than 2^32 steps");
        let t = i32::try_from(self.t).unwrap_or(i32::MAX);
        let correction1 = 1.0 - self.beta1.powi(t);
        let correction2 = 1.0 - self.beta2.powi(t);
        for i in 0..parameters.len() {
            if !trainable[i] {
                continue;
            }
            let mut p = parameters[i];
            let mut g = gradients[i];
            if self.weight_decay != 0.0 {
                if self.decoupled {
                    p -= self.learning_rate * self.weight_decay * p;
                } else {
                    g += self.weight_decay * p;
                }
            }
            let (m, v) = (&mut self.m[i], &mut self.v[i]);
            *m = self.beta1 * *m + (1.0 - self.beta1) * g;
            *v = self.beta2 * *v + (1.0 - self.beta2) * g * g;
            let m_hat = *m / correction1;
            let v_hat = *v / correction2;
            parameters[i] = p - self.learning_rate * m_hat / (v_hat.sqrt() + self.eps);
        }
    }
}
