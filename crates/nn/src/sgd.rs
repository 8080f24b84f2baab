//! Stochastic gradient descent.

use autograd::{Gradients, Var};

/// Plain gradient descent: `p ← p - η ∂L/∂p` for every parameter.
///
/// # Examples
///
/// ```
/// use nn::Sgd;
///
/// let tape = autograd::Tape::new();
/// let w = tape.var(0.40);
/// let mark = tape.mark();
/// let loss = (w * 2.0).powi(2); // ∂/∂w = 8w = 3.2
/// let grads = loss.backward();
/// tape.rewind(mark); // w cannot change while the loss computed from it lives
/// Sgd::new(0.5).step([w], &grads);
/// assert!((w.value() - (0.40 - 0.5 * 3.2)).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sgd {
    learning_rate: f64,
}

impl Sgd {
    /// Gradient descent with step size `learning_rate`.
    ///
    /// # Panics
    ///
    /// If the learning rate is not finite.
    pub fn new(learning_rate: f64) -> Self {
        assert!(
            learning_rate.is_finite(),
            "Sgd::new: the learning rate must be a finite number, got {learning_rate}"
        );
        Sgd { learning_rate }
    }

    /// The step size η.
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// The value a parameter takes after one step: `p - η ∂L/∂p`.
    pub fn updated(&self, value: f64, gradient: f64) -> f64 {
        value - self.learning_rate * gradient
    }

    /// Moves every parameter whose `trainable` flag is set one step against
    /// its gradient: a model's parameters, in place.
    ///
    /// # Panics
    ///
    /// If the three slices differ in length.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut parameters = [1.0, 2.0];
    /// nn::Sgd::new(0.5).update(&mut parameters, &[0.2, 0.4], &[true, false]);
    /// assert_eq!(parameters, [0.9, 2.0]);
    /// ```
    pub fn update(&self, parameters: &mut [f64], gradients: &[f64], trainable: &[bool]) {
        assert!(
            parameters.len() == gradients.len() && parameters.len() == trainable.len(),
            "Sgd::update: {} parameters, {} gradients and {} trainable flags; give one of each \
             per parameter",
            parameters.len(),
            gradients.len(),
            trainable.len()
        );
        for ((p, &g), &train) in parameters.iter_mut().zip(gradients).zip(trainable) {
            if train {
                *p = self.updated(*p, g);
            }
        }
    }

    /// Moves every parameter one step against its gradient.
    ///
    /// # Panics
    ///
    /// As [`autograd::Tape::set_value`]: each parameter must be a leaf, and
    /// no live node may have been computed from it (rewind first).
    #[track_caller]
    pub fn step<'t>(&self, parameters: impl IntoIterator<Item = Var<'t>>, grads: &Gradients) {
        let mut parameters = parameters.into_iter().peekable();
        if let Some(first) = parameters.peek() {
            let rate = self.learning_rate;
            first
                .tape()
                .update(parameters, grads, |value, gradient| value - rate * gradient);
        }
    }
}
