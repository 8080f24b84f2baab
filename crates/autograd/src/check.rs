//! Gradient checking: every analytic derivative against central finite
//! differences, for a function's inputs and for every intermediate node.
//!
//! This is what `torch.autograd.gradcheck` is to PyTorch, and more: besides
//! the inputs, [`GradCheck::nodes`] checks the adjoint of every node of a
//! recorded graph by perturbing that node's value alone and re-evaluating
//! everything downstream of it.
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
use crate::op::Op;
use crate::rules;
use crate::tape::Tape;
use crate::var::Var;

/// A gradient checker: its settings, and the checks it runs.
///
/// A derivative passes when `|analytic - numeric| <= atol + rtol · |numeric|`,
/// where `numeric` is the central difference `(f(x + eps) - f(x - eps)) / 2eps`.
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
    /// called once for the analytic gradient and twice more per input for
    /// the finite differences, each time on a fresh tape. To pass a closure
    /// stored in a `let`, wrap it with [`function`](crate::function).
    ///
    /// # Errors
    ///
    /// [`GradCheckError`] naming every input whose analytic and numeric
    /// derivatives disagree; it carries the whole report.
    ///
    /// # Examples
    ///
    /// ```
    /// use autograd::check::GradCheck;
    ///
    /// // A wrong "derivative" is caught: x.relu() at x = 0 has no derivative,
    /// // and the engine's relu'(0) = 0 disagrees with the central difference 0.5.
    /// let error = GradCheck::new().inputs(|_, v| v[0].relu(), &[0.0]).unwrap_err();
    /// assert_eq!(error.failures().count(), 1);
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
        let grads = output.backward();
        let mut shifted = point.to_vec();
        let entries = inputs
            .iter()
            .enumerate()
            .map(|(k, &input)| {
                shifted[k] = point[k] + self.eps;
                let up = evaluate(&shifted);
                shifted[k] = point[k] - self.eps;
                let down = evaluate(&shifted);
                shifted[k] = point[k];
                self.entry(k, input.name(), Op::Var, grads.wrt(input), up, down)
            })
            .collect();
        Report { entries }.into_result()
    }

    /// Checks the adjoint of every node upstream of `output` that receives a
    /// gradient (leaves made by [`Tape::var`] and every node computed from
    /// them): each node's value alone is moved by ±eps, everything
    /// downstream of it is re-evaluated by the ops' own forward rules, and
    /// the central difference of the output is compared with the node's
    /// adjoint from one reverse sweep.
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
        let mut scratch = Vec::with_capacity(out + 1);
        let entries = (0..=out)
            .filter(|&i| reached[i] && nodes.nodes[i].needs_grad)
            .map(|i| {
                let value = nodes.nodes[i].value;
                let up = output_with(nodes, &mut scratch, i, value + self.eps, out);
                let down = output_with(nodes, &mut scratch, i, value - self.eps, out);
                let analytic = grads.shown(output.tape, &state, i).unwrap_or(0.0);
                let name = nodes.name(i).map(str::to_owned);
                self.entry(i, name, nodes.nodes[i].op(), analytic, up, down)
            })
            .collect();
        Report { entries }.into_result()
    }

    /// A report from `(index, analytic, f(x + eps), f(x - eps))` entries.
    pub(crate) fn report(
        &self,
        entries: Vec<(usize, f64, f64, f64)>,
    ) -> Result<Report, GradCheckError> {
        let entries = entries
            .into_iter()
            .map(|(index, analytic, up, down)| self.entry(index, None, Op::Var, analytic, up, down))
            .collect();
        Report { entries }.into_result()
    }

    fn entry(
        &self,
        index: usize,
        name: Option<String>,
        op: Op,
        analytic: f64,
        up: f64,
        down: f64,
    ) -> Entry {
        let numeric = (up - down) / (2.0 * self.eps);
        Entry {
            index,
            name,
            op,
            analytic,
            numeric,
            error: (analytic - numeric).abs(),
            tolerance: self.atol + self.rtol * numeric.abs(),
        }
    }
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
        let (v, _) = rules::eval(record.code, record.scalar(), parents.len(), |k| {
            scratch[parents[k] as usize]
        });
        scratch[j] = v;
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

    /// Whether every entry passed.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.entries.iter().all(Entry::passed)
    }

    /// The largest `|analytic - numeric|` (NaN if any entry is NaN).
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

/// One table row per entry: what was checked, both derivatives, the error
/// and the tolerance.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:>5}  {:<12}  {:<24}  {:<24}  {:<10}  {:<10}  ok",
            "#", "name", "analytic", "numeric", "error", "tolerance"
        )?;
        for e in &self.entries {
            writeln!(
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
    /// The central finite difference.
    pub numeric: f64,
    /// `|analytic - numeric|`.
    pub error: f64,
    /// `atol + rtol · |numeric|`.
    pub tolerance: f64,
}

impl Entry {
    /// Whether the error is within the tolerance (false if either
    /// derivative is NaN).
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
            write!(
                f,
                " {what}: analytic {}, numeric {}, |difference| {:.3e} > tolerance {:.3e};",
                e.analytic, e.numeric, e.error, e.tolerance
            )?;
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
        let tape = Tape::new();
        let x = tape.var_named("x", 0.0);
        let y = x.relu() + x;
        let error = GradCheck::new().nodes(y).unwrap_err();
        let text = error.to_string();
        assert!(
            text.starts_with("gradient check failed for 1 of 3 derivatives"),
            "{text}"
        );
        assert!(text.contains("node #0 (x)"), "{text}");
    }
}
