//! Loss functions over a network's outputs and the targets.

use autograd::{Shortest, Var};

/// How far outputs are from their targets.
///
/// Every loss is recorded with the engine's operations, so its gradient is
/// the engine's. [`Loss::apply`] takes one target per output; what the
/// outputs and targets mean depends on the loss:
///
/// | loss | outputs | targets | reduction over the outputs |
/// |---|---|---|---|
/// | [`HalfSquaredError`](Loss::HalfSquaredError) | values | values | sum |
/// | [`MeanSquaredError`](Loss::MeanSquaredError) | values | values | mean |
/// | [`SoftmaxCrossEntropy`](Loss::SoftmaxCrossEntropy) | logits of the classes | class probabilities ([`one_hot`](crate::one_hot) for a class index) | none: one loss over all of them |
/// | [`BinaryCrossEntropyWithLogits`](Loss::BinaryCrossEntropyWithLogits) | one logit per yes/no question | probabilities of "yes" in `[0, 1]` | mean |
///
/// # Examples
///
/// ```
/// use nn::{Loss, one_hot};
///
/// let tape = autograd::Tape::new();
/// let outputs = [tape.var(0.75), tape.var(0.77)];
/// let half = Loss::HalfSquaredError.apply(&outputs, &[0.01, 0.99]);
/// let mse = Loss::MeanSquaredError.apply(&outputs, &[0.01, 0.99]);
/// assert!((half.value() - mse.value()).abs() < 1e-15); // the same for two outputs
///
/// // Three logits, the answer is class 2: the loss is -ln softmax(logits)₂,
/// // and its gradient softmax(logits) - one_hot(2, 3).
/// let logits = [tape.var(1.0), tape.var(-1.0), tape.var(3.0)];
/// let ce = Loss::SoftmaxCrossEntropy.apply(&logits, &one_hot(2, 3));
/// let softmax2 = 3f64.exp() / (1f64.exp() + (-1f64).exp() + 3f64.exp());
/// assert!((ce.value() + softmax2.ln()).abs() < 1e-15);
/// let grads = ce.backward();
/// assert!((grads.wrt(logits[2]) - (softmax2 - 1.0)).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Loss {
    /// `Σ ½ (target - output)²`, the worked example's `E_total`.
    #[default]
    HalfSquaredError,
    /// `(1/n) Σ (output - target)²`.
    MeanSquaredError,
    /// Softmax cross-entropy over the outputs as logits `zₖ`, against
    /// class probabilities `tₖ` (PyTorch's `CrossEntropyLoss` for one
    /// sample, with probabilities as targets):
    ///
    /// `-Σ tₖ ln softmax(z)ₖ = (Σ tₖ) · logsumexp(z) - Σ tₖ zₖ`,
    ///
    /// which is `logsumexp(z) - z_c` for the one-hot target of class `c`.
    /// Its gradient is `(Σ tₖ) · softmax(z) - t`, so `softmax(z) - t` for
    /// targets that sum to 1. It is recorded around the largest logit
    /// `z_a`, as `Σ tₖ (z_a - zₖ) + (Σ tₖ) · softplus(logsumexp_{j≠a}(z_j -
    /// z_a))`: terms that are never negative, so none cancels another. It is
    /// finite for logits of ±1000 (`[1000, -1000]` cost 0 for class 0 and
    /// 2000 for class 1), and a confident right answer keeps its digits:
    /// `[40, 0]` costs `4.2e-18` for class 0, where `logsumexp(z) - z₀`,
    /// or a log-softmax that takes the log of a sum, gives 0.
    ///
    /// The outputs are logits, not probabilities: give the last layer
    /// [`Activation::Identity`](crate::Activation::Identity). The loss
    /// couples every output through the softmax, so it has no per-output
    /// [`term`](Loss::term), and it needs at least two outputs (over one
    /// logit it is always 0: use
    /// [`BinaryCrossEntropyWithLogits`](Loss::BinaryCrossEntropyWithLogits)).
    SoftmaxCrossEntropy,
    /// Binary cross-entropy of each output as a logit `z` (the log-odds
    /// of "yes") against a target probability `t` in `[0, 1]`, the mean
    /// over the outputs (PyTorch's `BCEWithLogitsLoss` with its default
    /// `reduction='mean'`):
    ///
    /// `(1/n) Σ [softplus(zₖ) - tₖ zₖ] = (1/n) Σ -[tₖ ln σ(zₖ) + (1 - tₖ) ln(1 - σ(zₖ))]`.
    ///
    /// The gradient of each term is `σ(z) - t`. Each term is recorded in
    /// whichever of the two equal forms `softplus(z) - t·z` and
    /// `(1 - t)·z + softplus(-z)` does not cancel (the first for `t < ½`),
    /// so it is finite at `z = ±1000` and keeps its digits when the loss is
    /// tiny: `z = 40, t = 1` costs `4.2e-18`, not 0.
    BinaryCrossEntropyWithLogits,
}

impl Loss {
    /// Records the loss of `outputs` against `targets` (see [`Loss`] for
    /// what each loss expects and how it reduces over the outputs).
    ///
    /// # Panics
    ///
    /// - If the two do not have the same length, or are empty.
    /// - For [`Loss::SoftmaxCrossEntropy`], if there is only one output, or
    ///   a target is not a probability (a number in `[0, 1]`).
    /// - For [`Loss::BinaryCrossEntropyWithLogits`], if a target is not in
    ///   `[0, 1]` (labels `±1` must be mapped to 0 and 1 first).
    ///
    /// # Examples
    ///
    /// ```
    /// use nn::Loss;
    ///
    /// // Stable at huge logits: the loss is the distance to the right side.
    /// let tape = autograd::Tape::new();
    /// let logits = [tape.var(1000.0), tape.var(-1000.0)];
    /// let bce = Loss::BinaryCrossEntropyWithLogits.apply(&logits, &[0.0, 0.0]);
    /// assert_eq!(bce.value(), (1000.0 + 0.0) / 2.0);
    /// let grads = bce.backward(); // (σ(z) - t) / n
    /// assert_eq!((grads.wrt(logits[0]), grads.wrt(logits[1])), (0.5, 0.0));
    /// ```
    #[track_caller]
    pub fn apply<'t>(self, outputs: &[Var<'t>], targets: &[f64]) -> Var<'t> {
        assert!(
            outputs.len() == targets.len() && !outputs.is_empty(),
            "Loss::apply: got {} outputs and {} targets; give one target per output",
            outputs.len(),
            targets.len()
        );
        let tape = outputs[0].tape();
        match self {
            Loss::HalfSquaredError | Loss::MeanSquaredError => {
                let terms = outputs.iter().zip(targets).map(|(&o, &t)| self.term(o, t));
                let total = tape.sum(terms);
                if self == Loss::MeanSquaredError {
                    total / outputs.len() as f64
                } else {
                    total
                }
            }
            Loss::SoftmaxCrossEntropy => softmax_cross_entropy(outputs, targets),
            Loss::BinaryCrossEntropyWithLogits => {
                check_probabilities("Loss::BinaryCrossEntropyWithLogits", targets);
                let terms = outputs
                    .iter()
                    .zip(targets)
                    .map(|(&z, &t)| binary_cross_entropy_with_logits(z, t));
                tape.mean(terms)
            }
        }
    }

    /// Records one output's term of the loss, before the reduction over the
    /// outputs (PyTorch's `reduction='none'`): `½ (target - output)²` (the
    /// worked example's `E_o1`), `(output - target)²`, or
    /// `softplus(output) - target · output` for binary cross-entropy with
    /// logits.
    ///
    /// # Panics
    ///
    /// - For [`Loss::SoftmaxCrossEntropy`], which has no per-output term:
    ///   the softmax couples every output (check with [`Loss::has_terms`];
    ///   use [`Loss::apply`] over all the outputs).
    /// - For [`Loss::BinaryCrossEntropyWithLogits`], if `target` is not in
    ///   `[0, 1]`.
    ///
    /// # Examples
    ///
    /// ```
    /// use nn::Loss;
    ///
    /// let tape = autograd::Tape::new();
    /// let z = tape.var(0.3);
    /// let term = Loss::BinaryCrossEntropyWithLogits.term(z, 1.0);
    /// let sigma = 1.0 / (1.0 + (-0.3f64).exp());
    /// assert!((term.value() + sigma.ln()).abs() < 1e-15); // -ln σ(z)
    /// assert!((term.backward().wrt(z) - (sigma - 1.0)).abs() < 1e-15);
    /// ```
    #[track_caller]
    pub fn term<'t>(self, output: Var<'t>, target: f64) -> Var<'t> {
        match self {
            Loss::HalfSquaredError => 0.5 * (target - output).powi(2),
            Loss::MeanSquaredError => (output - target).powi(2),
            Loss::SoftmaxCrossEntropy => panic!(
                "Loss::term: softmax cross-entropy has no per-output term (the softmax \
                 couples every output); record it with Loss::apply over all the outputs"
            ),
            Loss::BinaryCrossEntropyWithLogits => {
                check_probabilities("Loss::BinaryCrossEntropyWithLogits", &[target]);
                binary_cross_entropy_with_logits(output, target)
            }
        }
    }

    /// Whether the loss is a sum or mean of per-output terms that
    /// [`Loss::term`] records: true for every loss but
    /// [`Loss::SoftmaxCrossEntropy`].
    ///
    /// # Examples
    ///
    /// ```
    /// use nn::Loss;
    ///
    /// assert!(Loss::BinaryCrossEntropyWithLogits.has_terms());
    /// assert!(!Loss::SoftmaxCrossEntropy.has_terms());
    /// ```
    pub fn has_terms(self) -> bool {
        self != Loss::SoftmaxCrossEntropy
    }
}

/// The target vector of class `class` out of `classes`: 1 at `class`, 0
/// elsewhere. It is how a class index is given to
/// [`Loss::SoftmaxCrossEntropy`].
///
/// # Panics
///
/// If `class` is not below `classes`.
///
/// # Examples
///
/// ```
/// assert_eq!(nn::one_hot(1, 3), [0.0, 1.0, 0.0]);
/// ```
#[track_caller]
pub fn one_hot(class: usize, classes: usize) -> Vec<f64> {
    assert!(
        class < classes,
        "one_hot: class {class} is out of range for {classes} classes (0 to {})",
        classes.saturating_sub(1)
    );
    let mut target = vec![0.0; classes];
    target[class] = 1.0;
    target
}

/// Panics, naming `context`, unless every target is a probability.
#[track_caller]
fn check_probabilities(context: &str, targets: &[f64]) {
    if let Some((k, &t)) = targets
        .iter()
        .enumerate()
        .find(|(_, t)| !(0.0..=1.0).contains(*t))
    {
        panic!(
            "{context}: target {k} is {}; targets are probabilities, from 0 to 1",
            Shortest(t)
        );
    }
}

/// `Σ tₖ (z_a - zₖ) + (Σ tₖ) · softplus(logsumexp_{j≠a}(z_j - z_a))` around
/// the largest logit `z_a`, which is `(Σ tₖ) · logsumexp(z) - Σ tₖ zₖ`
/// written as a sum of terms that are never negative: no term cancels
/// another, so a tiny loss keeps its digits and no exponent is positive.
/// Zero targets' terms are skipped.
#[track_caller]
fn softmax_cross_entropy<'t>(logits: &[Var<'t>], targets: &[f64]) -> Var<'t> {
    assert!(
        logits.len() >= 2,
        "Loss::SoftmaxCrossEntropy: got 1 output; softmax cross-entropy needs a logit per \
         class, at least two (over one logit it is always 0: use \
         Loss::BinaryCrossEntropyWithLogits)"
    );
    check_probabilities("Loss::SoftmaxCrossEntropy", targets);
    let tape = logits[0].tape();
    // The first of the largest logits (a NaN is never chosen over a number,
    // and reaches the loss through the differences below).
    let a = (1..logits.len()).fold(0, |a, j| {
        if logits[j].value() > logits[a].value() {
            j
        } else {
            a
        }
    });
    let top = logits[a];
    // ln Σⱼ e^(zⱼ - z_a) = ln(1 + Σ_{j≠a} e^(zⱼ - z_a)) = softplus(lse of the
    // rest), computed without rounding 1 + tiny to 1. No allocation: the
    // trainer records a loss per sample per step.
    let mut rest = logits
        .iter()
        .enumerate()
        .filter(|&(j, _)| j != a)
        .map(|(_, &z)| z - top);
    let spread = if logits.len() == 2 {
        rest.next().expect("two logits")
    } else {
        tape.logsumexp(rest)
    };
    let mass: f64 = targets.iter().sum();
    let partition = spread.softplus();
    let scaled = if mass == 1.0 {
        partition
    } else {
        mass * partition
    };
    let mut gaps = logits
        .iter()
        .zip(targets)
        .enumerate()
        .filter(|&(k, (_, &t))| k != a && t != 0.0)
        .map(|(_, (&z, &t))| if t == 1.0 { top - z } else { t * (top - z) });
    match targets
        .iter()
        .enumerate()
        .filter(|&(k, &t)| k != a && t != 0.0)
        .count()
    {
        0 => scaled,
        1 => scaled + gaps.next().expect("one nonzero target"),
        _ => scaled + tape.sum(gaps),
    }
}

/// `softplus(z) - t·z`, as `(1 - t)·z + softplus(-z)` when `t ≥ ½` so that
/// a confident right answer keeps its digits.
fn binary_cross_entropy_with_logits(z: Var<'_>, t: f64) -> Var<'_> {
    if t < 0.5 {
        let loss = z.softplus();
        if t == 0.0 { loss } else { loss - t * z }
    } else {
        let loss = (-z).softplus();
        if t == 1.0 { loss } else { (1.0 - t) * z + loss }
    }
}
