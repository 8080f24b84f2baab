//! Gradient checking: every analytic derivative against central finite
//! differences, for a function's inputs and for every intermediate node.
//!
//! This is what `torch.autograd.gradcheck` is to PyTorch, and more: besides
//! the inputs, [`GradCheck::nodes`] checks the adjoint of every node of a
//! recorded graph by perturbing that node's value alone and re-evaluating
//! everything downstream of it.
//!
//! # Kinks
//!
//! Where a function has a kink (relu at 0, `|x|` at 0), it has no derivative,
//! only a derivative from each side, and the engine returns one of them by
//! convention (`relu'(0) = 0`, as in PyTorch). The central difference there
//! is the average of the two sides, so comparing with it alone would fail a
//! correct engine. The checker therefore also forms the one-sided quotients
//! and reports such points as kinks ([`Entry::kink`], [`Report::kinks`]).
//!
//! With `h = eps` and `f(k)` the function's value with the checked
//! coordinate moved by `k·h`:
//!
//! - `numeric = (f(1) - f(-1)) / 2h` (the central difference),
//!   `left = (f(0) - f(-1)) / h`, `right = (f(1) - f(0)) / h`, and
//!   `jump = right - left`.
//! - The point is a **kink** when all of these hold:
//!   1. `left` and `right` are finite and the two sides disagree beyond the
//!      tolerance: `|jump| > 2·(atol + rtol·|numeric|)`. (Below that,
//!      any value between `left` and `right` is within tolerance of the
//!      central difference anyway.)
//!   2. Each side is a derivative on its side, and the disagreement is not
//!      curvature: with `left₂ = (f(0) - f(-2)) / 2h` and
//!      `right₂ = (f(2) - f(0)) / 2h` the quotients over twice the step
//!      (finite), `drift = max(|left - left₂|, |right - right₂|)` and
//!      `rounding = 4 · 32ε · max|f(k)| / h` (the error a difference of
//!      values each carrying a few dozen roundings can have),
//!      `|jump| > 10·(drift + rounding)`.
//!
//!   At a corner the jump stays as the step shrinks while each one-sided
//!   quotient barely moves. A smooth function has `jump ≈ h·f''` and
//!   `drift ≈ h·|f''|/2`, so `|jump| ≈ 2·drift` however large its curvature
//!   or the step; a jump in the value (a discontinuity) makes the
//!   quotients grow like `1/h`, again `|jump| ≈ 2·drift`. Neither is called
//!   a kink. A corner closer to the point than about `h/6` is reported as a
//!   kink at the point; one between `h/6` and `h` away is not detected.
//!   `f(±2)` are evaluated only when condition 1 holds, so smooth points
//!   cost what they always did.
//! - A kink **passes** when the analytic derivative lies between `left` and
//!   `right`, either included, give or take the tolerance
//!   `atol + rtol·max(|left|, |right|) + drift`: one-sided derivatives and
//!   anything between them (a subgradient) are accepted. A one-sided
//!   quotient is off the one-sided derivative by about `h·f''/2` on its
//!   side, which is what `drift` measures (and it is under a tenth of the
//!   jump). The entry's error is the distance from the analytic derivative
//!   to the interval.
//! - Any other point is judged by the central difference alone, exactly as
//!   without kink detection.
//!
//! An entry judged as a kink passes whenever it would have passed by the
//! central difference (which lies between `left` and `right`, with a
//! tolerance no larger), so kink detection only turns false failures at
//! corners into passes.
//!
//! # Examples
//!
//! ```
//! use autograd::check::GradCheck;
//!
//! // f(x, y) = x·e^y + ln(x), at (1.5, -0.5)
//! let report = GradCheck::new()
//!     .inputs(|_tape, v| v[0] * v[1].exp() + v[0].ln(), &[1.5, -0.5])
//!     .expect("the engine's gradients agree with finite differences");
//! assert_eq!(report.entries().len(), 2);
//! assert!(report.max_error() < 1e-8);
//! ```

use std::error::Error;
use std::fmt;

use crate::arena::Arena;
use crate::op::{Code, Op};
use crate::rules;
use crate::tape::Tape;
use crate::var::Var;

/// A gradient checker: its settings, and the checks it runs.
///
/// A derivative passes when `|analytic - numeric| <= atol + rtol · |numeric|`,
/// where `numeric` is the central difference `(f(x + eps) - f(x - eps)) / 2eps`,
/// except at a kink, where it passes when it lies between the one-sided
/// difference quotients (see [the module docs](self#kinks)).
/// The defaults, `eps = 1e-6`, `atol = 1e-5` and `rtol = 1e-3`, are
/// PyTorch's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GradCheck {
    eps: f64,
    atol: f64,
    rtol: f64,
}

impl Default for GradCheck {
    fn default() -> Self {
        Self::new()
    }
}

impl GradCheck {
    /// A checker with the default settings: `eps = 1e-6`, `atol = 1e-5`,
    /// `rtol = 1e-3`.
    #[must_use]
    pub fn new() -> Self {
        GradCheck {
            eps: 1e-6,
            atol: 1e-5,
            rtol: 1e-3,
        }
    }

    /// The finite-difference step (default `1e-6`).
    ///
    /// # Panics
    ///
    /// If `eps` is not positive and finite.
    #[must_use]
    pub fn with_eps(mut self, eps: f64) -> Self {
        assert!(
            eps > 0.0 && eps.is_finite(),
            "GradCheck::with_eps: the step must be positive and finite, got {eps}"
        );
        self.eps = eps;
        self
    }

    /// The absolute tolerance (default `1e-5`).
    ///
    /// # Panics
    ///
    /// If `atol` is negative or NaN.
    #[must_use]
    pub fn with_atol(mut self, atol: f64) -> Self {
        assert!(
            atol >= 0.0,
            "GradCheck::with_atol: the tolerance must be non-negative, got {atol}"
        );
        self.atol = atol;
        self
    }

    /// The relative tolerance (default `1e-3`).
    ///
    /// # Panics
    ///
    /// If `rtol` is negative or NaN.
    #[must_use]
    pub fn with_rtol(mut self, rtol: f64) -> Self {
        assert!(
            rtol >= 0.0,
            "GradCheck::with_rtol: the tolerance must be non-negative, got {rtol}"
        );
        self.rtol = rtol;
        self
    }

    /// The finite-difference step.
    #[must_use]
    pub fn eps(&self) -> f64 {
        self.eps
    }

    /// Checks the gradient of `f` with respect to each of its inputs at
    /// `point`.
    ///
    /// `f` builds the graph from input leaves on the tape it is given; it is
    /// called once for the analytic gradient (whose output value is also
    /// `f` at the point) and twice more per input for the finite
    /// differences, four times for an input whose one-sided quotients
    /// disagree ([kinks](self#kinks)), each time on a fresh tape. To pass a
    /// closure stored in a `let`, wrap it with [`function`](crate::function).
    ///
    /// # Errors
    ///
    /// [`GradCheckError`] naming every input whose analytic and numeric
    /// derivatives disagree; it carries the whole report.
    ///
    /// # Examples
    ///
    /// A kink is reported, not failed: relu has no derivative at 0, the
    /// engine's `relu'(0) = 0` is its derivative from the left, and `|x|`
    /// built from two relus gets `0`, between the slopes -1 and 1.
    ///
    /// ```
    /// use autograd::check::GradCheck;
    ///
    /// let relu = GradCheck::new().inputs(|_, v| v[0].relu(), &[0.0]).unwrap();
    /// let kink = relu.kinks().next().expect("relu at 0 is a kink");
    /// assert_eq!((kink.analytic, kink.left, kink.right), (0.0, 0.0, 1.0));
    /// assert_eq!(kink.numeric, 0.5); // the central difference alone would fail
    ///
    /// let abs = GradCheck::new()
    ///     .inputs(|_, v| v[0].relu() + (-v[0]).relu(), &[0.0])
    ///     .unwrap();
    /// assert_eq!(abs.kinks().count(), 1);
    /// assert!(abs.to_string().contains("kink"));
    /// ```
    ///
    /// A wrong derivative is still caught. Here the function reads `x`'s
    /// value into a constant, so the engine cannot see that the second
    /// factor depends on `x`: the analytic derivative of `x·x` comes out as
    /// `x`, not `2x`.
    ///
    /// ```
    /// use autograd::check::GradCheck;
    ///
    /// let error = GradCheck::new()
    ///     .inputs(|tape, v| v[0] * tape.constant(v[0].value()), &[3.0])
    ///     .unwrap_err();
    /// let failure = error.failures().next().unwrap();
    /// assert_eq!(failure.analytic, 3.0);
    /// assert!((failure.numeric - 6.0).abs() < 1e-6);
    /// assert!(!failure.kink);
    /// assert!(error.to_string().contains("input 0"));
    /// ```
    pub fn inputs<F>(&self, f: F, point: &[f64]) -> Result<Report, GradCheckError>
    where
        F: for<'t> Fn(&'t Tape, &[Var<'t>]) -> Var<'t>,
    {
        let evaluate = |x: &[f64]| -> f64 {
            let tape = Tape::new();
            let inputs: Vec<Var<'_>> = x.iter().map(|&v| tape.var(v)).collect();
            f(&tape, &inputs).value()
        };
        let tape = Tape::new();
        let inputs: Vec<Var<'_>> = point.iter().map(|&v| tape.var(v)).collect();
        let output = f(&tape, &inputs);
        let center = output.value();
        let grads = output.backward();
        let mut shifted = point.to_vec();
        let entries = inputs
            .iter()
            .enumerate()
            .map(|(k, &input)| {
                self.entry(k, input.name(), Op::Var, grads.wrt(input), |step| {
                    if step == 0 {
                        return center;
                    }
                    shifted[k] = point[k] + f64::from(step) * self.eps;
                    let value = evaluate(&shifted);
                    shifted[k] = point[k];
                    value
                })
            })
            .collect();
        finish(entries)
    }

    /// Checks the adjoint of every node upstream of `output` that receives a
    /// gradient (leaves made by [`Tape::var`] and every node computed from
    /// them): each node's value alone is moved by ±eps, everything
    /// downstream of it is re-evaluated by the ops' own forward rules, and
    /// the central difference of the output is compared with the node's
    /// adjoint from one reverse sweep. A node the output has a
    /// [kink](self#kinks) in (a relu's operand at 0, say) is reported as
    /// one.
    ///
    /// # Errors
    ///
    /// [`GradCheckError`] naming every node whose adjoint disagrees.
    ///
    /// # Panics
    ///
    /// As [`Var::backward`].
    ///
    /// # Examples
    ///
    /// ```
    /// use autograd::{Tape, check::GradCheck};
    ///
    /// let tape = Tape::new();
    /// let x = tape.var_named("x", 0.7);
    /// let h = x.tanh().named("h");
    /// let y = (h * h + x).named("y");
    /// let report = GradCheck::new().nodes(y).unwrap();
    /// // x, h, h*h and y itself
    /// assert_eq!(report.entries().len(), 4);
    /// assert_eq!(report.entries()[1].name.as_deref(), Some("h"));
    /// ```
    pub fn nodes(&self, output: Var<'_>) -> Result<Report, GradCheckError> {
        let grads = output.backward();
        let state = output.tape.read();
        let nodes = &state.arena;
        let out = state.position(output) as usize;
        let reached = crate::trace::upstream(nodes, out);
        let center = nodes.nodes[out].value;
        let mut scratch = Vec::with_capacity(out + 1);
        let entries = (0..=out)
            .filter(|&i| reached[i] && nodes.nodes[i].needs_grad)
            .map(|i| {
                let value = nodes.nodes[i].value;
                let analytic = grads.shown(output.tape, &state, i).unwrap_or(0.0);
                let name = nodes.name(i).map(str::to_owned);
                self.entry(i, name, nodes.op(i), analytic, |step| {
                    if step == 0 {
                        return center;
                    }
                    let moved = value + f64::from(step) * self.eps;
                    output_with(nodes, &mut scratch, i, moved, out)
                })
            })
            .collect();
        finish(entries)
    }

    /// Judges one derivative by the rule in [the module docs](self#kinks).
    ///
    /// `at(k)` is the value of the function with the checked coordinate
    /// moved by `k·eps`: it is asked for `k = -1, 0, 1`, and for `k = -2, 2`
    /// only when the one-sided quotients disagree beyond the tolerance.
    pub(crate) fn entry(
        &self,
        index: usize,
        name: Option<String>,
        op: Op,
        analytic: f64,
        mut at: impl FnMut(i32) -> f64,
    ) -> Entry {
        let h = self.eps;
        let (down, center, up) = (at(-1), at(0), at(1));
        let numeric = (up - down) / (2.0 * h);
        let left = (center - down) / h;
        let right = (up - center) / h;
        let jump = (right - left).abs();
        let disagree = left.is_finite()
            && right.is_finite()
            && jump > 2.0 * (self.atol + self.rtol * numeric.abs());
        // At a kink, the drift between the quotients over eps and 2·eps.
        let kink_drift = if disagree {
            let (down2, up2) = (at(-2), at(2));
            let left2 = (center - down2) / (2.0 * h);
            let right2 = (up2 - center) / (2.0 * h);
            let drift = (left - left2).abs().max((right - right2).abs());
            let magnitude = [down2, down, center, up, up2]
                .iter()
                .fold(0.0_f64, |m, v| m.max(v.abs()));
            let rounding = 4.0 * ROUNDINGS * f64::EPSILON * magnitude / h;
            let corner =
                left2.is_finite() && right2.is_finite() && jump > KINK_FACTOR * (drift + rounding);
            corner.then_some(drift)
        } else {
            None
        };
        let kink = kink_drift.is_some();
        let (error, tolerance) = if let Some(drift) = kink_drift {
            let (low, high) = (left.min(right), left.max(right));
            let error = if (low..=high).contains(&analytic) {
                0.0
            } else {
                // NaN stays NaN
                (analytic - low).abs().min((analytic - high).abs())
            };
            let scale = left.abs().max(right.abs());
            (error, self.atol + self.rtol * scale + drift)
        } else {
            (
                (analytic - numeric).abs(),
                self.atol + self.rtol * numeric.abs(),
            )
        };
        Entry {
            index,
            name,
            op,
            analytic,
            numeric,
            left,
            right,
            kink,
            error,
            tolerance,
        }
    }
}

/// How many roundings each evaluated value is allowed to carry before a
/// disagreement of its one-sided quotients could be rounding.
const ROUNDINGS: f64 = 32.0;

/// How many times the drift between steps `eps` and `2·eps` (plus rounding)
/// the one-sided quotients must disagree by for a kink.
const KINK_FACTOR: f64 = 10.0;

/// A report of `entries`: `Ok` if every entry passed.
pub(crate) fn finish(entries: Vec<Entry>) -> Result<Report, GradCheckError> {
    Report { entries }.into_result()
}

/// The output's value when node `node` holds `value` and everything after
/// it is re-evaluated from its parents.
fn output_with(nodes: &Arena, scratch: &mut Vec<f64>, node: usize, value: f64, out: usize) -> f64 {
    scratch.clear();
    scratch.extend(nodes.nodes[..=out].iter().map(|n| n.value));
    scratch[node] = value;
    for j in node + 1..=out {
        let record = nodes.nodes[j];
        if record.code.is_leaf() {
            continue;
        }
        let parents = nodes.parents(j);
        scratch[j] = if record.code == Code::Custom {
            let x: Vec<f64> = parents.iter().map(|&p| scratch[p as usize]).collect();
            nodes.custom(&record).value_at(&x)
        } else {
            rules::eval(record.code, record.scalar(), parents.len(), |k| {
                scratch[parents[k] as usize]
            })
            .0
        };
    }
    scratch[out]
}

/// The outcome of a gradient check: one entry per input or node checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    entries: Vec<Entry>,
}

impl Report {
    /// Every input or node checked, in order.
    #[must_use]
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entries that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| !e.passed())
    }

    /// The entries at [kinks](self#kinks), passed or failed.
    pub fn kinks(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.kink)
    }

    /// Whether every entry passed.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.entries.iter().all(Entry::passed)
    }

    /// The largest [`Entry::error`] (NaN if any entry's is NaN).
    #[must_use]
    pub fn max_error(&self) -> f64 {
        self.entries.iter().map(|e| e.error).fold(0.0, |max, e| {
            if e.is_nan() || max.is_nan() {
                f64::NAN
            } else {
                max.max(e)
            }
        })
    }

    fn into_result(self) -> Result<Report, GradCheckError> {
        if self.passed() {
            Ok(self)
        } else {
            Err(GradCheckError { report: self })
        }
    }
}

/// One table row per entry: what was checked, the analytic derivative, the
/// central difference, the error, the tolerance and whether it passed; a
/// row at a kink ends with `kink` and its one-sided quotients.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:>5}  {:<12}  {:<24}  {:<24}  {:<10}  {:<10}  ok",
            "#", "name", "analytic", "numeric", "error", "tolerance"
        )?;
        for e in &self.entries {
            write!(
                f,
                "{:>5}  {:<12}  {:<24}  {:<24}  {:<10.3e}  {:<10.3e}  {}",
                e.index,
                e.name.as_deref().unwrap_or(e.op.name()),
                e.analytic,
                e.numeric,
                e.error,
                e.tolerance,
                if e.passed() { "yes" } else { "NO" }
            )?;
            if e.kink {
                write!(f, "  kink: left {}, right {}", e.left, e.right)?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// One checked derivative.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The input's position in the point ([`GradCheck::inputs`]) or the
    /// node's position on the tape ([`GradCheck::nodes`]).
    pub index: usize,
    /// The node's name, if it has one.
    pub name: Option<String>,
    /// The node's op ([`Op::Var`] for an input).
    pub op: Op,
    /// The derivative from the reverse sweep.
    pub analytic: f64,
    /// The central finite difference `(f(x + eps) - f(x - eps)) / 2eps`.
    pub numeric: f64,
    /// The one-sided difference quotient from the left,
    /// `(f(x) - f(x - eps)) / eps`.
    pub left: f64,
    /// The one-sided difference quotient from the right,
    /// `(f(x + eps) - f(x)) / eps`.
    pub right: f64,
    /// Whether the point is a [kink](self#kinks): the one-sided quotients
    /// disagree, and not because of curvature or a jump in value.
    pub kink: bool,
    /// `|analytic - numeric|`; at a kink, the distance from `analytic` to
    /// the interval between `left` and `right` (0 inside it).
    pub error: f64,
    /// `atol + rtol · |numeric|`; at a kink,
    /// `atol + rtol · max(|left|, |right|) + drift`, `drift` the one-sided
    /// quotients' change from step `2·eps` to `eps` ([details](self#kinks)).
    pub tolerance: f64,
}

impl Entry {
    /// Whether the error is within the tolerance (false if either
    /// derivative is NaN): at a kink, whether `analytic` lies between the
    /// one-sided quotients, give or take the tolerance.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.error <= self.tolerance
    }
}

/// A gradient check that failed, naming each input or node that disagrees.
#[derive(Clone, Debug, PartialEq)]
pub struct GradCheckError {
    report: Report,
}

impl GradCheckError {
    /// The entries that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Entry> {
        self.report.failures()
    }

    /// The whole report, passing entries included.
    #[must_use]
    pub fn report(&self) -> &Report {
        &self.report
    }
}

impl fmt::Display for GradCheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let failed = self.failures().count();
        write!(
            f,
            "gradient check failed for {failed} of {} derivatives:",
            self.report.entries.len()
        )?;
        for e in self.failures() {
            let what = match e.op {
                Op::Var if e.name.is_none() => format!("input {}", e.index),
                op => format!(
                    "node #{} ({})",
                    e.index,
                    e.name.as_deref().unwrap_or(op.name())
                ),
            };
            if e.kink {
                write!(
                    f,
                    " {what}: analytic {}, at a kink between left {} and right {}, \
                     distance {:.3e} > tolerance {:.3e};",
                    e.analytic, e.left, e.right, e.error, e.tolerance
                )?;
            } else {
                write!(
                    f,
                    " {what}: analytic {}, numeric {}, |difference| {:.3e} > tolerance {:.3e};",
                    e.analytic, e.numeric, e.error, e.tolerance
                )?;
            }
        }
        Ok(())
    }
}

impl Error for GradCheckError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_correct_gradient_passes_with_every_entry() {
        // f = x²y; ∂f/∂x = 2xy, ∂f/∂y = x²
        let report = GradCheck::new()
            .inputs(|_, v| v[0].powi(2) * v[1], &[3.0, -2.0])
            .unwrap();
        let e = report.entries();
        assert_eq!(e.len(), 2);
        assert!((e[0].analytic - -12.0).abs() < 1e-12);
        assert!((e[0].numeric - -12.0).abs() < 1e-6);
        assert!((e[1].analytic - 9.0).abs() < 1e-12);
    }

    #[test]
    fn the_tolerances_decide() {
        // d/dx x³ at 1 by central differences with a huge step: (8 - 0)/2 = 4,
        // not 3: fails at the defaults, passes with rtol = 0.5.
        let coarse = GradCheck::new().with_eps(1.0);
        assert!(coarse.inputs(|_, v| v[0].powi(3), &[1.0]).is_err());
        assert!(
            coarse
                .with_rtol(0.5)
                .inputs(|_, v| v[0].powi(3), &[1.0])
                .is_ok()
        );
        assert!(
            coarse
                .with_atol(1.0)
                .inputs(|_, v| v[0].powi(3), &[1.0])
                .is_ok()
        );
    }

    #[test]
    fn nan_never_passes() {
        let error = GradCheck::new()
            .inputs(|_, v| v[0].sqrt(), &[-1.0])
            .unwrap_err();
        assert!(error.report().max_error().is_nan());
    }

    #[test]
    fn node_check_reads_each_adjoint() {
        let tape = Tape::new();
        let x = tape.var(0.3);
        let c = tape.constant(2.0);
        let y = (x * c).sigmoid() * x;
        let report = GradCheck::new().nodes(y).unwrap();
        // x, x*c, sigmoid, y; the constant is not checked
        assert_eq!(report.entries().len(), 4);
        assert!(report.entries().iter().all(|e| e.op != Op::Const));
    }

    #[test]
    fn the_error_names_every_failure() {
        // With a step of 1, the central difference of x³ + x at x = 1 is 5,
        // not 4; the other nodes enter the output linearly.
        let tape = Tape::new();
        let x = tape.var_named("x", 1.0);
        let y = x.powi(3) + x;
        let error = GradCheck::new().with_eps(1.0).nodes(y).unwrap_err();
        let text = error.to_string();
        assert!(
            text.starts_with("gradient check failed for 1 of 3 derivatives"),
            "{text}"
        );
        assert!(text.contains("node #0 (x)"), "{text}");
    }

    /// An entry for `f` at `x`, the analytic derivative given.
    fn entry_of(checker: &GradCheck, f: impl Fn(f64) -> f64, x: f64, analytic: f64) -> Entry {
        let eps = checker.eps();
        checker.entry(0, None, Op::Var, analytic, |k| f(x + f64::from(k) * eps))
    }

    #[test]
    fn at_a_kink_a_value_between_the_one_sided_quotients_passes_and_one_outside_fails() {
        let checker = GradCheck::new();
        let relu = |x: f64| x.max(0.0);
        for (analytic, passes) in [
            (0.0, true),
            (0.5, true),
            (1.0, true),
            (-0.001, true), // within atol + rtol·1 of the left end
            (1.001, true),
            (-0.002, false),
            (1.002, false),
            (2.0, false),
            (f64::NAN, false),
            (f64::INFINITY, false),
        ] {
            let e = entry_of(&checker, relu, 0.0, analytic);
            assert!(e.kink, "{e:?}");
            assert_eq!(e.passed(), passes, "{e:?}");
        }
        let outside = entry_of(&checker, relu, 0.0, 2.0);
        assert!((outside.error - 1.0).abs() < 1e-12);
        // relu's quotients are the same over eps and 2·eps: no drift
        assert!((outside.tolerance - 1.01e-3).abs() < 1e-12);
    }

    #[test]
    fn a_jump_in_value_is_not_a_kink() {
        let step = |x: f64| if x >= 0.0 { 1.0 } else { 0.0 };
        let e = entry_of(&GradCheck::new(), step, 0.0, 0.0);
        assert!(!e.kink);
        assert!(!e.passed());
    }

    #[test]
    fn rounding_that_looks_like_a_corner_is_not_a_kink() {
        // A constant 1e8 whose values are off by a few units in the last
        // place, in the one pattern where the quotients over eps and 2·eps
        // agree: left ≈ -0.03, right ≈ 0.03, no drift.
        let ulp = 2f64.powi(-26);
        let noise = [2.0, 0.0, -2.0, 0.0, 2.0];
        let checker = GradCheck::new();
        let e = checker.entry(0, None, Op::Var, 0.0, |k| {
            1e8 + noise[(k + 2) as usize] * ulp
        });
        assert!(e.right - e.left > 2.0 * e.tolerance, "{e:?}");
        assert!(!e.kink, "{e:?}");
    }

    #[test]
    fn a_kink_of_the_gradient_is_judged_like_a_kink_of_the_function() {
        // f = x·relu(x): f' = 2·relu(x) has a corner at 0, where the engine's
        // f'' = 0 is the slope from the left.
        let f = crate::function(|_, v| v[0] * v[0].relu());
        let gradient = |x: f64| {
            let tape = Tape::new();
            let v = [tape.var(x)];
            f(&tape, &v).backward().wrt(v[0])
        };
        let analytic = crate::hessian(f, &[0.0])[0][0];
        assert_eq!(analytic, 0.0);
        let e = entry_of(&GradCheck::new(), gradient, 0.0, analytic);
        assert!(e.kink && e.passed(), "{e:?}");
        assert_eq!((e.left, e.right), (0.0, 2.0));
    }
}
