//! What every optimiser does: move a model's trainable parameters one step,
//! given their gradients.

use std::fmt;

/// An update rule: [`Sgd`](crate::Sgd) (with momentum and Nesterov's
/// variant) and [`Adam`](crate::Adam) (and AdamW) implement it, and so can
/// yours, to hand to a [`Trainer`](crate::Trainer).
///
/// An optimiser keeps whatever state it needs per parameter (a velocity,
/// moment estimates), sized at its first step and reused after, so a step
/// allocates nothing once the first is done. The parameters are a model's,
/// in its order ([`Mlp::parameters`](crate::Mlp::parameters)); a frozen one
/// (`trainable[i]` false) must not move, and its state does not advance.
///
/// # Examples
///
/// ```
/// use nn::{Optimizer, Sgd};
///
/// let mut sgd = Sgd::new(0.5);
/// let mut parameters = [1.0, 2.0];
/// sgd.step(&mut parameters, &[0.2, 0.4], &[true, false]);
/// assert_eq!(parameters, [0.9, 2.0]);
/// ```
pub trait Optimizer: fmt::Debug {
    /// Moves every parameter whose `trainable` flag is set one step, given
    /// the gradients of the loss with respect to every parameter.
    ///
    /// # Panics
    ///
    /// If the three slices differ in length, or differ from the length of
    /// the first step's (an optimiser follows one model).
    fn step(&mut self, parameters: &mut [f64], gradients: &[f64], trainable: &[bool]);

    /// The step size η.
    fn learning_rate(&self) -> f64;

    /// Sets the step size η for the steps to come, as a schedule does
    /// (PyTorch's schedulers change `param_groups[i]["lr"]`); the
    /// optimiser's state is kept.
    ///
    /// # Panics
    ///
    /// If `rate` is not finite.
    fn set_learning_rate(&mut self, rate: f64);

    /// For plain gradient descent (no momentum, no weight decay), its
    /// learning rate: the worked example's sequential update order is
    /// defined for that alone. `None` for every other rule.
    fn plain_learning_rate(&self) -> Option<f64> {
        None
    }
}

/// A boxed optimiser is one, so a choice made at run time can be handed to
/// a [`Trainer`](crate::Trainer).
impl<O: Optimizer + ?Sized> Optimizer for Box<O> {
    fn step(&mut self, parameters: &mut [f64], gradients: &[f64], trainable: &[bool]) {
        (**self).step(parameters, gradients, trainable);
    }

    fn learning_rate(&self) -> f64 {
        (**self).learning_rate()
    }

    fn set_learning_rate(&mut self, rate: f64) {
        (**self).set_learning_rate(rate);
    }

    fn plain_learning_rate(&self) -> Option<f64> {
        (**self).plain_learning_rate()
    }
}

/// Panics unless a learning rate is finite.
#[track_caller]
pub(crate) fn check_rate(who: &str, rate: f64) -> f64 {
    assert!(
        rate.is_finite(),
        "{who}: the learning rate must be a finite number, got {rate}"
    );
    rate
}

/// Panics unless the slices have one entry per parameter, as many as
/// `state` (once sized) has.
#[track_caller]
pub(crate) fn check_lengths(
    who: &str,
    parameters: &[f64],
    gradients: &[f64],
    trainable: &[bool],
    state: usize,
) {
    assert!(
        parameters.len() == gradients.len() && parameters.len() == trainable.len(),
        "{who}: {} parameters, {} gradients and {} trainable flags; give one of each per \
         parameter",
        parameters.len(),
        gradients.len(),
        trainable.len()
    );
    assert!(
        state == 0 || state == parameters.len(),
        "{who}: its state follows a model of {state} parameters, but this step has {}; use one \
         optimiser per model",
        parameters.len()
    );
}
