//! Derivatives of derivatives: a reverse sweep recorded on the tape, so the
//! gradient is itself a graph that can be differentiated again.
//!
//! The sweep replays the same derivative rules as the first-order sweep
//! (`rules::vjp`), instantiated on recorded [`Var`]s instead of `f64`s.

use smallvec::SmallVec;

use crate::check::GradCheck;
use crate::dual;
use crate::op::{Code, Op};
use crate::rules;
use crate::tape::Tape;
use crate::var::Var;

impl<'t> Var<'t> {
    /// The gradient of this node with respect to each of `wrt`, recorded on
    /// the tape as nodes: each result is a [`Var`] whose value is the
    /// derivative and which can be differentiated again, to any order.
    ///
    /// The nodes the sweep records sit above everything recorded so far;
    /// rewind to a mark to drop them. A node of `wrt` the output does not
    /// depend on gets a constant 0.
    ///
    /// # Panics
    ///
    /// As [`Var::backward`], and if a node of `wrt` comes from another tape.
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let x = tape.var(2.0);
    /// let y = x.powi(4); // y = x⁴
    /// let [dy] = y.grad_graph(&[x])[..] else { unreachable!() };
    /// assert_eq!(dy.value(), 32.0); // 4x³
    /// let [d2y] = dy.grad_graph(&[x])[..] else { unreachable!() };
    /// assert_eq!(d2y.value(), 48.0); // 12x²
    /// assert_eq!(d2y.backward().wrt(x), 48.0); // 24x
    /// ```
    pub fn grad_graph(&self, wrt: &[Var<'t>]) -> Vec<Var<'t>> {
        let tape = self.tape;
        let output = tape.read().position(*self) as usize;
        let mut adjoints: Vec<Option<Var<'t>>> = vec![None; output + 1];
        adjoints[output] = Some(tape.constant(1.0));
        for i in (0..=output).rev() {
            let Some(g) = adjoints[i] else { continue };
            // Read the node, then let go of the tape: the rule records.
            let (record, node, parents, custom) = {
                let state = tape.read();
                let record = state.arena.nodes[i];
                if !record.needs_grad {
                    continue;
                }
                let parents: SmallVec<[(Var<'t>, bool); 4]> = state
                    .arena
                    .parents(i)
                    .iter()
                    .map(|&p| (state.var(tape, p), state.arena.nodes[p as usize].needs_grad))
                    .collect();
                let custom =
                    (record.code == Code::Custom).then(|| state.arena.custom(&record).clone());
                (record, state.var(tape, i as u32), parents, custom)
            };
            let mut emit = |k: usize, contribution: Var<'t>| {
                let slot = &mut adjoints[parents[k].0.index as usize];
                *slot = Some(match *slot {
                    Some(sum) => sum + contribution,
                    None => contribution,
                });
            };
            if let Some(custom) = custom {
                let operands: SmallVec<[Var<'t>; 4]> = parents.iter().map(|p| p.0).collect();
                let partials = custom.graph_partials(&operands, node, i);
                for (k, partial) in partials.into_iter().enumerate() {
                    if parents[k].1 {
                        emit(k, g * partial);
                    }
                }
                continue;
            }
            rules::vjp(
                record.code,
                record.scalar(),
                parents.len(),
                |k| parents[k].0,
                |k| parents[k].1,
                || parents.iter().all(|p| p.1),
                node,
                |k, partial| emit(k, partial.apply(g)),
            );
        }
        wrt.iter()
            .map(|&x| {
                tape.check_same_tape(x, "Var::grad_graph was given");
                let position = tape.read().position(x) as usize;
                adjoints
                    .get(position)
                    .copied()
                    .flatten()
                    .unwrap_or_else(|| tape.constant(0.0))
            })
            .collect()
    }

    /// The second derivative of this node with respect to `x`, any node
    /// upstream of it: `d²self/dx²`.
    ///
    /// # Panics
    ///
    /// As [`Var::grad_graph`].
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let x = tape.var(0.3);
    /// let s = x.sigmoid();
    /// // σ'' = σ(1 - σ)(1 - 2σ)
    /// let expected = s.value() * (1.0 - s.value()) * (1.0 - 2.0 * s.value());
    /// assert!((s.second_derivative(x) - expected).abs() < 1e-15);
    /// ```
    #[must_use]
    pub fn second_derivative(&self, x: Var<'t>) -> f64 {
        let tape = self.tape;
        let mark = tape.mark();
        let first = self.grad_graph(&[x])[0];
        let second = first.backward().wrt(x);
        tape.rewind(mark);
        second
    }
}

/// The Hessian-vector product `H(x)·v` of `f` at `x`, by forward over
/// reverse: one forward sweep gives every node's tangent along `v`, and one
/// reverse sweep on dual numbers carries those tangents into the adjoints,
/// whose tangents at the inputs are `H·v`. Nothing is recorded: it costs a
/// few gradients, whatever the size of `x`. Through a [`CustomOp`] it
/// records the gradient instead ([`hvp_reverse_over_reverse`]), since only
/// the op's graph derivative knows its second derivatives.
///
/// `f` builds the function from input leaves on the tape it is given; to
/// pass a closure stored in a `let`, wrap it with [`function`](crate::function).
///
/// [`CustomOp`]: crate::CustomOp
///
/// # Panics
///
/// If `x` and `v` differ in length.
///
/// # Examples
///
/// ```
/// // f = x²y + y³; H = [[2y, 2x], [2x, 6y]]
/// let hv = autograd::hvp(|_, p| p[0] * p[0] * p[1] + p[1].powi(3), &[1.0, 2.0], &[1.0, 0.0]);
/// assert_eq!(hv, [4.0, 2.0]);
/// ```
pub fn hvp<F>(f: F, x: &[f64], v: &[f64]) -> Vec<f64>
where
    F: for<'t> Fn(&'t Tape, &[Var<'t>]) -> Var<'t>,
{
    check_direction("hvp", x, v);
    let tape = Tape::new();
    let inputs: Vec<Var<'_>> = x.iter().map(|&value| tape.var(value)).collect();
    let output = f(&tape, &inputs);
    if tape.read().arena.customs.is_empty() {
        forward_over_reverse(&tape, output, &inputs, v)
    } else {
        reverse_over_reverse(&tape, output, &inputs, v)
    }
}

/// [`hvp`] by reverse over reverse: the gradient is recorded as a graph
/// ([`Var::grad_graph`]), dotted with `v`, and differentiated once more.
/// Slower than forward over reverse (the closing figures of the benchmark
/// `cargo run --release --bin bench -- --only hvp` compare them), and the
/// way through custom ops; an independent check of [`hvp`].
///
/// # Panics
///
/// If `x` and `v` differ in length, or `f` uses a custom op without a
/// graph derivative.
///
/// # Examples
///
/// ```
/// let f = autograd::function(|_, p| p[0] * p[0] * p[1] + p[1].powi(3));
/// let (x, v) = ([1.0, 2.0], [0.5, -1.0]);
/// assert_eq!(autograd::hvp_reverse_over_reverse(f, &x, &v), autograd::hvp(f, &x, &v));
/// ```
pub fn hvp_reverse_over_reverse<F>(f: F, x: &[f64], v: &[f64]) -> Vec<f64>
where
    F: for<'t> Fn(&'t Tape, &[Var<'t>]) -> Var<'t>,
{
    check_direction("hvp_reverse_over_reverse", x, v);
    let tape = Tape::new();
    let inputs: Vec<Var<'_>> = x.iter().map(|&value| tape.var(value)).collect();
    let output = f(&tape, &inputs);
    reverse_over_reverse(&tape, output, &inputs, v)
}

/// Panics unless the direction has one speed per input.
#[track_caller]
fn check_direction(context: &str, x: &[f64], v: &[f64]) {
    assert_eq!(
        x.len(),
        v.len(),
        "{context}: the point has {} coordinates but the vector has {}; give one per input",
        x.len(),
        v.len()
    );
}

/// `H·v` of `output` with respect to the leaves `inputs`, by a forward sweep
/// and a reverse sweep on dual numbers.
fn forward_over_reverse<'t>(
    tape: &'t Tape,
    output: Var<'t>,
    inputs: &[Var<'t>],
    v: &[f64],
) -> Vec<f64> {
    let seeds: Vec<(Var<'t>, f64)> = inputs.iter().copied().zip(v.iter().copied()).collect();
    let tangents = tape.tangents(&seeds);
    let state = tape.read();
    let out = state.position(output) as usize;
    let second = dual::hessian_vector_sweep(&state.arena, out, tangents.values());
    inputs
        .iter()
        .map(|input| second.get(input.index as usize).copied().unwrap_or(0.0))
        .collect()
}

/// `H·v` of `output` with respect to the leaves `inputs`, by recording the
/// gradient and differentiating its dot product with `v`.
fn reverse_over_reverse<'t>(
    tape: &'t Tape,
    output: Var<'t>,
    inputs: &[Var<'t>],
    v: &[f64],
) -> Vec<f64> {
    let gradient = output.grad_graph(inputs);
    let directions: Vec<Var<'_>> = v.iter().map(|&d| tape.constant(d)).collect();
    let grads = tape.dot(&gradient, &directions).backward();
    inputs.iter().map(|&input| grads.wrt(input)).collect()
}

/// The Hessian of `f` at `x`: `H[i][j] = ∂²f/∂xᵢ∂xⱼ`, one reverse sweep per
/// row over the recorded gradient. For small inputs; for large ones use
/// [`hvp`]. To pass a closure stored in a `let`, wrap it with
/// [`function`](crate::function).
///
/// # Examples
///
/// ```
/// // Rosenbrock f = (1 - x)² + 100(y - x²)², at its minimum (1, 1)
/// let h = autograd::hessian(
///     |_, p| (1.0 - p[0]).powi(2) + 100.0 * (p[1] - p[0].powi(2)).powi(2),
///     &[1.0, 1.0],
/// );
/// assert_eq!(h, [[802.0, -400.0], [-400.0, 200.0]]);
/// ```
pub fn hessian<F>(f: F, x: &[f64]) -> Vec<Vec<f64>>
where
    F: for<'t> Fn(&'t Tape, &[Var<'t>]) -> Var<'t>,
{
    let tape = Tape::new();
    let inputs: Vec<Var<'_>> = x.iter().map(|&value| tape.var(value)).collect();
    let gradient = f(&tape, &inputs).grad_graph(&inputs);
    gradient
        .iter()
        .map(|g| {
            let row = g.backward();
            inputs.iter().map(|&input| row.wrt(input)).collect()
        })
        .collect()
}

impl GradCheck {
    /// Checks every second derivative `∂²f/∂xᵢ∂xⱼ` of `f` at `point`:
    /// the recorded gradient is differentiated again and compared with
    /// central differences of the first-order gradient.
    ///
    /// # Errors
    ///
    /// [`GradCheckError`](crate::check::GradCheckError) naming each entry
    /// `i·n + j` (row-major) that disagrees.
    ///
    /// # Examples
    ///
    /// ```
    /// use autograd::check::GradCheck;
    ///
    /// let report = GradCheck::new()
    ///     .second_order(|_, v| (v[0] * v[1]).tanh() + v[0].exp(), &[0.3, -0.8])
    ///     .expect("second derivatives agree");
    /// assert_eq!(report.entries().len(), 4);
    /// ```
    pub fn second_order<F>(
        &self,
        f: F,
        point: &[f64],
    ) -> Result<crate::check::Report, crate::check::GradCheckError>
    where
        F: for<'t> Fn(&'t Tape, &[Var<'t>]) -> Var<'t>,
    {
        let n = point.len();
        let analytic = hessian(&f, point);
        let gradient_at = |x: &[f64]| -> Vec<f64> {
            let tape = Tape::new();
            let inputs: Vec<Var<'_>> = x.iter().map(|&v| tape.var(v)).collect();
            let grads = f(&tape, &inputs).backward();
            inputs.iter().map(|&i| grads.wrt(i)).collect()
        };
        let center = gradient_at(point);
        let mut shifted = point.to_vec();
        let mut column = |j: usize, step: i32| -> Vec<f64> {
            shifted[j] = point[j] + f64::from(step) * self.eps();
            let gradient = gradient_at(&shifted);
            shifted[j] = point[j];
            gradient
        };
        let mut entries = Vec::with_capacity(n * n);
        for j in 0..n {
            let (up, down) = (column(j, 1), column(j, -1));
            // f(x ± 2eps) for this column, once, if any entry of it asks
            let mut wide: Option<(Vec<f64>, Vec<f64>)> = None;
            for (i, row) in analytic.iter().enumerate() {
                entries.push(
                    self.entry(i * n + j, None, Op::Var, row[j], |step| match step {
                        -1 => down[i],
                        0 => center[i],
                        1 => up[i],
                        _ => {
                            let (down2, up2) =
                                wide.get_or_insert_with(|| (column(j, -2), column(j, 2)));
                            if step < 0 { down2[i] } else { up2[i] }
                        }
                    }),
                );
            }
        }
        entries.sort_by_key(|e| e.index);
        crate::check::finish(entries)
    }
}
