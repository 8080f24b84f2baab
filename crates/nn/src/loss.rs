//! Loss functions over a network's outputs and the targets.

use autograd::Var;

/// How far outputs are from their targets.
///
/// # Examples
///
/// ```
/// use nn::Loss;
///
/// let tape = autograd::Tape::new();
/// let outputs = [tape.var(0.75), tape.var(0.77)];
/// let half = Loss::HalfSquaredError.apply(&outputs, &[0.01, 0.99]);
/// let mse = Loss::MeanSquaredError.apply(&outputs, &[0.01, 0.99]);
/// assert!((half.value() - mse.value()).abs() < 1e-15); // the same for two outputs
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Loss {
    /// `Σ ½ (target - output)²`, the worked example's `E_total`.
    #[default]
    HalfSquaredError,
    /// `(1/n) Σ (output - target)²`.
    MeanSquaredError,
}

impl Loss {
    /// Records the loss of `outputs` against `targets`.
    ///
    /// # Panics
    ///
    /// If the two do not have the same length, or are empty.
    pub fn apply<'t>(self, outputs: &[Var<'t>], targets: &[f64]) -> Var<'t> {
        assert!(
            outputs.len() == targets.len() && !outputs.is_empty(),
            "Loss::apply: got {} outputs and {} targets; give one target per output",
            outputs.len(),
            targets.len()
        );
        let tape = outputs[0].tape();
        let terms = outputs.iter().zip(targets).map(|(&o, &t)| self.term(o, t));
        let total = tape.sum(terms);
        match self {
            Loss::HalfSquaredError => total,
            Loss::MeanSquaredError => total / outputs.len() as f64,
        }
    }

    /// Records one output's term of the loss: `½ (target - output)²` (the
    /// worked example's `E_o1`) or `(output - target)²`.
    pub fn term<'t>(self, output: Var<'t>, target: f64) -> Var<'t> {
        match self {
            Loss::HalfSquaredError => 0.5 * (target - output).powi(2),
            Loss::MeanSquaredError => (output - target).powi(2),
        }
    }
}
