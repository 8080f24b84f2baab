//! Jacobians of several outputs: one reverse sweep per output (a row) or one
//! forward sweep per input (a column), whichever needs fewer sweeps.

use crate::check::{GradCheck, GradCheckError, Report};
use crate::forward::Tangents;
use crate::gradients::Gradients;
use crate::op::Op;
use crate::tape::Tape;
use crate::var::Var;

impl Tape {
    /// The Jacobian `J[i][j] = ∂outputs[i]/∂wrt[j]` of nodes of this tape
    /// with respect to any of its nodes, inputs or intermediates, as the
    /// rows of [`Var::backward`] would give it: a node of `wrt` upstream of
    /// another counts its effect through the other, and a node an output
    /// does not depend on (or one that receives no gradient, as a
    /// constant) gets 0.
    ///
    /// Runs one reverse sweep per output when there are no more outputs
    /// than nodes in `wrt`, else one forward sweep per node of `wrt`
    /// ([`Tape::jacobian_rev`] and [`Tape::jacobian_fwd`] force one).
    ///
    /// # Panics
    ///
    /// If a node comes from another tape or was dropped by a rewind, or
    /// the tape is busy.
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let x = tape.var(3.0);
    /// let h = x * x; // an intermediate
    /// let (a, b) = (h + x, h * 2.0);
    /// // ∂/∂x counts the path through h; ∂/∂h holds x still
    /// assert_eq!(tape.jacobian(&[a, b], &[x, h]), [[7.0, 1.0], [12.0, 2.0]]);
    /// ```
    #[track_caller]
    pub fn jacobian<'t>(&'t self, outputs: &[Var<'t>], wrt: &[Var<'t>]) -> Vec<Vec<f64>> {
        if outputs.len() <= wrt.len() {
            self.jacobian_rev(outputs, wrt)
        } else {
            self.jacobian_fwd(outputs, wrt)
        }
    }

    /// [`Tape::jacobian`] by reverse mode: one backward sweep per output,
    /// each giving a row.
    ///
    /// # Panics
    ///
    /// As [`Tape::jacobian`].
    #[track_caller]
    pub fn jacobian_rev<'t>(&'t self, outputs: &[Var<'t>], wrt: &[Var<'t>]) -> Vec<Vec<f64>> {
        self.check_nodes(outputs, wrt);
        let mut grads = Gradients::new();
        outputs
            .iter()
            .map(|output| {
                output.backward_into(&mut grads);
                wrt.iter().map(|&node| grads.wrt(node)).collect()
            })
            .collect()
    }

    /// [`Tape::jacobian`] by forward mode: one forward sweep per node of
    /// `wrt`, each giving a column.
    ///
    /// # Panics
    ///
    /// As [`Tape::jacobian`].
    #[track_caller]
    pub fn jacobian_fwd<'t>(&'t self, outputs: &[Var<'t>], wrt: &[Var<'t>]) -> Vec<Vec<f64>> {
        self.check_nodes(outputs, wrt);
        let mut rows = vec![vec![0.0; wrt.len()]; outputs.len()];
        let mut tangents = Tangents::new();
        for (j, &node) in wrt.iter().enumerate() {
            // A node that receives no gradient has a zero column, as in
            // reverse mode, and cannot be seeded.
            if !self.read().arena.nodes[node.index as usize].needs_grad {
                continue;
            }
            self.tangents_into(&[(node, 1.0)], &mut tangents);
            for (row, &output) in rows.iter_mut().zip(outputs) {
                row[j] = tangents.of(output);
            }
        }
        rows
    }

    /// Panics unless every node is a live node of this tape.
    #[track_caller]
    fn check_nodes(&self, outputs: &[Var<'_>], wrt: &[Var<'_>]) {
        let state = self.read();
        for &node in outputs.iter().chain(wrt) {
            self.check_same_tape(node, "Tape::jacobian was given");
            state.position(node);
        }
    }
}

/// The Jacobian of `f` at `point`: `J[i][j] = ∂fᵢ/∂xⱼ`, one row per output
/// (as `torch.func.jacrev`/`jacfwd` or `jax.jacobian`). Records `f` once and
/// runs one reverse sweep per output or one forward sweep per input,
/// whichever is fewer ([`jacobian_rev`] and [`jacobian_fwd`] force one).
///
/// `f` builds its outputs from input leaves on the tape it is given; to
/// pass a closure stored in a `let`, wrap it with
/// [`vector_function`](crate::vector_function).
///
/// # Examples
///
/// ```
/// // softmax of two logits: J = diag(p) - p pᵀ
/// let j = autograd::jacobian(
///     |tape, z| {
///         let lse = tape.logsumexp(z.iter().copied());
///         z.iter().map(|&zi| (zi - lse).exp()).collect()
///     },
///     &[0.0, 0.0],
/// );
/// assert_eq!(j, [[0.25, -0.25], [-0.25, 0.25]]);
/// ```
pub fn jacobian<F>(f: F, point: &[f64]) -> Vec<Vec<f64>>
where
    F: for<'t> Fn(&'t Tape, &[Var<'t>]) -> Vec<Var<'t>>,
{
    recorded(f, point, Tape::jacobian)
}

/// [`jacobian`] by reverse mode, one sweep per output: the cheaper mode for
/// few outputs.
///
/// # Examples
///
/// ```
/// let j = autograd::jacobian_rev(|_, p| vec![p[0] * p[1]], &[3.0, 4.0]);
/// assert_eq!(j, [[4.0, 3.0]]);
/// ```
pub fn jacobian_rev<F>(f: F, point: &[f64]) -> Vec<Vec<f64>>
where
    F: for<'t> Fn(&'t Tape, &[Var<'t>]) -> Vec<Var<'t>>,
{
    recorded(f, point, Tape::jacobian_rev)
}

/// [`jacobian`] by forward mode, one sweep per input: the cheaper mode for
/// few inputs.
///
/// # Examples
///
/// ```
/// let j = autograd::jacobian_fwd(|_, p| vec![p[0].sin(), p[0].cos()], &[0.0]);
/// assert_eq!(j, [[1.0], [0.0]]);
/// ```
pub fn jacobian_fwd<F>(f: F, point: &[f64]) -> Vec<Vec<f64>>
where
    F: for<'t> Fn(&'t Tape, &[Var<'t>]) -> Vec<Var<'t>>,
{
    recorded(f, point, Tape::jacobian_fwd)
}

/// One of the tape's Jacobian methods.
type Method = for<'t> fn(&'t Tape, &[Var<'t>], &[Var<'t>]) -> Vec<Vec<f64>>;

/// Records `f` at `point` on a fresh tape and applies `jacobian` to its
/// outputs and inputs.
fn recorded<F>(f: F, point: &[f64], jacobian: Method) -> Vec<Vec<f64>>
where
    F: for<'t> Fn(&'t Tape, &[Var<'t>]) -> Vec<Var<'t>>,
{
    let tape = Tape::new();
    let inputs: Vec<Var<'_>> = point.iter().map(|&value| tape.var(value)).collect();
    let outputs = f(&tape, &inputs);
    jacobian(&tape, &outputs, &inputs)
}

impl GradCheck {
    /// Checks the Jacobian of `f` at `point` by both modes: every entry
    /// `∂fᵢ/∂xⱼ` of the reverse-mode Jacobian ([`jacobian_rev`]) and of the
    /// forward-mode one ([`jacobian_fwd`]) against the central difference of
    /// output `i` as input `j` moves (with [kinks](crate::check#kinks)
    /// judged as by [`GradCheck::inputs`]).
    ///
    /// The report has `2·m·n` entries for `m` outputs and `n` inputs: the
    /// reverse-mode ones row by row (index `i·n + j`), then the forward-mode
    /// ones (index `m·n + i·n + j`), each named `∂fᵢ/∂xⱼ` with its mode. `f`
    /// is called three times per input besides the recording (five for a
    /// column with a kink). To pass a closure stored in a `let`, wrap it
    /// with [`vector_function`](crate::vector_function).
    ///
    /// # Errors
    ///
    /// [`GradCheckError`] naming every entry that disagrees.
    ///
    /// # Panics
    ///
    /// If `f` returns a different number of outputs at a moved point.
    ///
    /// # Examples
    ///
    /// ```
    /// use autograd::check::GradCheck;
    ///
    /// // polar to Cartesian
    /// let report = GradCheck::new()
    ///     .jacobian(|_, p| vec![p[0] * p[1].cos(), p[0] * p[1].sin()], &[2.0, 0.3])
    ///     .expect("both modes agree with finite differences");
    /// assert_eq!(report.entries().len(), 8);
    /// assert_eq!(report.entries()[1].name.as_deref(), Some("∂f0/∂x1 reverse"));
    /// ```
    pub fn jacobian<F>(&self, f: F, point: &[f64]) -> Result<Report, GradCheckError>
    where
        F: for<'t> Fn(&'t Tape, &[Var<'t>]) -> Vec<Var<'t>>,
    {
        let n = point.len();
        let (reverse, forward) = {
            let tape = Tape::new();
            let inputs: Vec<Var<'_>> = point.iter().map(|&value| tape.var(value)).collect();
            let outputs = f(&tape, &inputs);
            (
                tape.jacobian_rev(&outputs, &inputs),
                tape.jacobian_fwd(&outputs, &inputs),
            )
        };
        let m = reverse.len();
        let evaluate = |x: &[f64]| -> Vec<f64> {
            let tape = Tape::new();
            let inputs: Vec<Var<'_>> = x.iter().map(|&value| tape.var(value)).collect();
            let values: Vec<f64> = f(&tape, &inputs).iter().map(|o| o.value()).collect();
            assert_eq!(
                values.len(),
                m,
                "GradCheck::jacobian: f gave {m} outputs at the point but {} at {x:?}; give \
                 the same outputs everywhere",
                values.len()
            );
            values
        };
        let center = evaluate(point);
        let mut entries = Vec::with_capacity(2 * m * n);
        let mut shifted = point.to_vec();
        for j in 0..n {
            // All outputs at x ± k·eps along input j, each computed once.
            let mut moved: [Option<Vec<f64>>; 5] = Default::default();
            let mut at = |step: i32| -> Vec<f64> {
                if step == 0 {
                    return center.clone();
                }
                let slot = &mut moved[(step + 2) as usize];
                slot.get_or_insert_with(|| {
                    shifted[j] = point[j] + f64::from(step) * self.eps();
                    let values = evaluate(&shifted);
                    shifted[j] = point[j];
                    values
                })
                .clone()
            };
            for (mode, matrix, offset) in [("reverse", &reverse, 0), ("forward", &forward, m * n)] {
                for (i, row) in matrix.iter().enumerate() {
                    let name = format!("∂f{i}/∂x{j} {mode}");
                    entries.push(self.entry(
                        offset + i * n + j,
                        Some(name),
                        Op::Var,
                        row[j],
                        |step| at(step)[i],
                    ));
                }
            }
        }
        entries.sort_by_key(|e| e.index);
        crate::check::finish(entries)
    }
}
