//! Users' own ops: a function the engine does not know, with its value and
//! its partial derivatives, added without touching the crate, as
//! `torch.autograd.Function` or `jax.custom_vjp` do.
//!
//! A node of a custom op keeps the index of its definition among its tape's
//! custom ops ([`Customs`]); every sweep reaches the definition through it.

use std::fmt;
use std::rc::Rc;

use smallvec::SmallVec;

use crate::arena::{Arena, Node};
use crate::tape::Tape;
use crate::var::Var;

/// A function of the user's, with its derivatives, to record like any op:
/// it shows under its own name in traces, pictures and anomaly reports, the
/// reverse and forward sweeps use its partial derivatives, and
/// [`GradCheck`](crate::check::GradCheck) checks them as it checks the
/// engine's own.
///
/// Give it:
/// - a name, shown wherever the node is;
/// - its value, from its operands' values;
/// - its partial derivatives, from its operands' values and its own value;
/// - optionally ([`CustomOp::with_graph_derivative`]), the partial
///   derivatives written with [`Var`] operations, so that they can be
///   differentiated again: without them, [`Var::grad_graph`],
///   [`hessian`](crate::hessian) and [`hvp`](crate::hvp) through the op
///   panic, naming it and saying what to give.
///
/// The functions get plain numbers and must not use the tape (it is busy
/// while they run). Make the op once, outside a training loop, and apply it
/// as often as needed: applying it allocates nothing (for up to 8
/// operands), nor do the sweeps through it.
///
/// # Examples
///
/// The error function, from another library (here a short series, to keep
/// the example self-contained), with its known derivative `2/√π e^(-x²)`,
/// itself written with `Var` operations so that second derivatives work:
///
/// ```
/// use autograd::{CustomOp, Tape};
/// use std::f64::consts::PI;
///
/// fn erf(x: f64) -> f64 {
///     // Abramowitz and Stegun 7.1.26, to 1.5e-7
///     let t = 1.0 / (1.0 + 0.3275911 * x.abs());
///     let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741
///         + t * (-1.453152027 + t * 1.061405429))));
///     (1.0 - poly * (-x * x).exp()).copysign(x)
/// }
/// let scale = 2.0 / PI.sqrt();
/// let erf = CustomOp::unary("erf", erf, move |x, _| scale * (-x * x).exp())
///     .with_graph_derivative(move |x, _| vec![(-x[0] * x[0]).exp() * scale]);
///
/// let tape = Tape::new();
/// let x = tape.var(0.5);
/// let y = erf.apply(&[x]);
/// assert_eq!(y.op().name(), "erf");
/// assert!((y.value() - 0.5204998778).abs() < 2e-7);
/// assert_eq!(y.backward().wrt(x), scale * (-0.25f64).exp());
/// // erf'' = -2x erf'
/// assert!((y.second_derivative(x) + 2.0 * 0.5 * scale * (-0.25f64).exp()).abs() < 1e-15);
/// ```
///
/// A surrogate gradient, as spiking networks train with: a step forward, a
/// sigmoid's slope backward. The op's derivative is deliberately not the
/// step's (which is 0), so [`GradCheck`](crate::check::GradCheck) reports
/// it, and so it would catch a mistake in a derivative one meant to be
/// right:
///
/// ```
/// use autograd::{CustomOp, Tape, check::GradCheck};
///
/// let spike = CustomOp::unary(
///     "spike",
///     |x| if x > 0.0 { 1.0 } else { 0.0 },
///     |x, _| {
///         let s = 1.0 / (1.0 + (-4.0 * x).exp());
///         4.0 * s * (1.0 - s)
///     },
/// );
/// let tape = Tape::new();
/// let x = tape.var(0.3);
/// let y = spike.apply(&[x]);
/// assert_eq!(y.value(), 1.0);
/// assert!(y.backward().wrt(x) > 0.0); // the surrogate flows back
///
/// let error = GradCheck::new().inputs(|_, v| spike.apply(&[v[0]]), &[0.3]).unwrap_err();
/// assert_eq!(error.failures().next().unwrap().numeric, 0.0); // the step is flat
/// ```
#[derive(Clone)]
pub struct CustomOp {
    definition: Rc<Definition>,
}

/// The value from the operands' values.
type Value = Box<dyn Fn(&[f64]) -> f64>;
/// The partial derivatives from the operands' values and the value.
type Partials = Box<dyn Fn(&[f64], f64, &mut [f64])>;
/// Partial derivatives written with [`Var`] operations.
type GraphDerivative = Box<dyn for<'t> Fn(&[Var<'t>], Var<'t>) -> Vec<Var<'t>>>;

struct Definition {
    name: &'static str,
    arity: usize,
    value: Value,
    partials: Partials,
    graph: Option<GraphDerivative>,
}

/// Operand values and partial derivatives: on the stack for up to 8.
type Numbers = SmallVec<[f64; 8]>;

impl CustomOp {
    /// An op of one operand: `value(x)` and its derivative
    /// `derivative(x, y)` at `x`, where `y` is the value.
    ///
    /// # Panics
    ///
    /// If `name` is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// // softsign: x / (1 + |x|), with derivative 1 / (1 + |x|)²
    /// let softsign = autograd::CustomOp::unary(
    ///     "softsign",
    ///     |x| x / (1.0 + x.abs()),
    ///     |x, _| 1.0 / ((1.0 + x.abs()) * (1.0 + x.abs())),
    /// );
    /// let tape = autograd::Tape::new();
    /// let x = tape.var(1.0);
    /// let y = softsign.apply(&[x]);
    /// assert_eq!((y.value(), y.backward().wrt(x)), (0.5, 0.25));
    /// ```
    pub fn unary(
        name: &'static str,
        value: impl Fn(f64) -> f64 + 'static,
        derivative: impl Fn(f64, f64) -> f64 + 'static,
    ) -> Self {
        Self::new(
            name,
            1,
            move |x| value(x[0]),
            move |x, y, d| d[0] = derivative(x[0], y),
        )
    }

    /// An op of two operands: `value(a, b)` and its partial derivatives
    /// `partials(a, b, y) = [∂y/∂a, ∂y/∂b]`.
    ///
    /// # Panics
    ///
    /// If `name` is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// // a smooth maximum: ln(eᵃ + eᵇ), whose partials are the softmax
    /// // weights σ(a - b) and σ(b - a)
    /// let smooth_max = autograd::CustomOp::binary(
    ///     "smooth_max",
    ///     |a, b| a.max(b) + (-(a - b).abs()).exp().ln_1p(),
    ///     |a, b, _| {
    ///         let s = 1.0 / (1.0 + (b - a).exp());
    ///         [s, 1.0 - s]
    ///     },
    /// );
    /// let tape = autograd::Tape::new();
    /// let (a, b) = (tape.var(1.0), tape.var(1.0));
    /// let grads = smooth_max.apply(&[a, b]).backward();
    /// assert_eq!((grads.wrt(a), grads.wrt(b)), (0.5, 0.5));
    /// ```
    pub fn binary(
        name: &'static str,
        value: impl Fn(f64, f64) -> f64 + 'static,
        partials: impl Fn(f64, f64, f64) -> [f64; 2] + 'static,
    ) -> Self {
        Self::new(
            name,
            2,
            move |x| value(x[0], x[1]),
            move |x, y, d| d.copy_from_slice(&partials(x[0], x[1], y)),
        )
    }

    /// An op of `arity` operands: `value(x)` from their values, and
    /// `partials(x, y, d)`, which writes `∂y/∂xₖ` into `d[k]` for each
    /// operand (`d` comes zeroed, as long as `x`).
    ///
    /// # Panics
    ///
    /// If `name` is empty or `arity` is 0 (an op of no operands is a
    /// constant: use [`Tape::constant`]).
    ///
    /// # Examples
    ///
    /// ```
    /// // the product of three numbers
    /// let product = autograd::CustomOp::new(
    ///     "product3",
    ///     3,
    ///     |x| x[0] * x[1] * x[2],
    ///     |x, _, d| {
    ///         d[0] = x[1] * x[2];
    ///         d[1] = x[0] * x[2];
    ///         d[2] = x[0] * x[1];
    ///     },
    /// );
    /// let tape = autograd::Tape::new();
    /// let x = [tape.var(2.0), tape.var(3.0), tape.var(4.0)];
    /// let grads = product.apply(&x).backward();
    /// assert_eq!([grads.wrt(x[0]), grads.wrt(x[1]), grads.wrt(x[2])], [12.0, 8.0, 6.0]);
    /// ```
    pub fn new(
        name: &'static str,
        arity: usize,
        value: impl Fn(&[f64]) -> f64 + 'static,
        partials: impl Fn(&[f64], f64, &mut [f64]) + 'static,
    ) -> Self {
        assert!(
            !name.is_empty(),
            "CustomOp: the name is empty; give the op the name traces and pictures should show"
        );
        assert!(
            arity > 0,
            "CustomOp `{name}`: an op of no operands is a constant; record it with \
             Tape::constant"
        );
        CustomOp {
            definition: Rc::new(Definition {
                name,
                arity,
                value: Box::new(value),
                partials: Box::new(partials),
                graph: None,
            }),
        }
    }

    /// Gives the op its partial derivatives written with [`Var`] operations
    /// (`rule(operands, value)` returns `∂value/∂operandₖ` for each operand,
    /// as nodes), which [`Var::grad_graph`] records so that they can be
    /// differentiated again. They must agree with the numeric partials;
    /// [`GradCheck::second_order`](crate::check::GradCheck::second_order)
    /// checks them.
    ///
    /// # Panics
    ///
    /// If the op was cloned before: give it its graph derivative where it
    /// is made.
    ///
    /// # Examples
    ///
    /// ```
    /// use autograd::{CustomOp, hessian};
    ///
    /// // a cube with its derivative 3x², as nodes
    /// let cube = CustomOp::unary("cube", |x| x * x * x, |x, _| 3.0 * x * x)
    ///     .with_graph_derivative(|x, _| vec![x[0] * x[0] * 3.0]);
    /// assert_eq!(hessian(|_, v| cube.apply(&[v[0]]), &[2.0]), [[12.0]]);
    /// ```
    #[must_use]
    pub fn with_graph_derivative(
        mut self,
        rule: impl for<'t> Fn(&[Var<'t>], Var<'t>) -> Vec<Var<'t>> + 'static,
    ) -> Self {
        let name = self.name();
        let definition = Rc::get_mut(&mut self.definition).unwrap_or_else(|| {
            panic!(
                "CustomOp::with_graph_derivative: `{name}` was cloned before; give it its \
                 graph derivative where it is made, before cloning it"
            )
        });
        definition.graph = Some(Box::new(rule));
        self
    }

    /// Its name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.definition.name
    }

    /// How many operands it takes.
    #[must_use]
    pub fn arity(&self) -> usize {
        self.definition.arity
    }

    /// Whether it has partial derivatives written with [`Var`] operations,
    /// so that it can be differentiated twice.
    #[must_use]
    pub fn has_graph_derivative(&self) -> bool {
        self.definition.graph.is_some()
    }

    /// Records the op over `operands` on their tape, its value computed by
    /// the op's value function from theirs.
    ///
    /// # Panics
    ///
    /// If the number of operands is not the op's arity, an operand comes
    /// from another tape or was dropped by a rewind, the value function
    /// used the tape, or, with anomaly detection on, the value is NaN or
    /// infinite although the operands' are finite.
    #[track_caller]
    pub fn apply<'t>(&self, operands: &[Var<'t>]) -> Var<'t> {
        let name = self.name();
        assert!(
            operands.len() == self.arity(),
            "CustomOp `{name}` takes {} operand(s), got {}",
            self.arity(),
            operands.len()
        );
        let tape: &'t Tape = operands[0].tape;
        // The value function is the user's code: it runs with the tape
        // free, and must leave it as it found it, or the value would not
        // be the value of the operands recorded.
        let (x, before) = {
            let state = tape.read();
            let x: Numbers = operands
                .iter()
                .map(|&operand| {
                    tape.check_same_tape(operand, "CustomOp::apply was given");
                    state.arena.nodes[state.position(operand) as usize].value
                })
                .collect();
            (x, (state.arena.len(), state.changes))
        };
        let value = (self.definition.value)(&x);
        {
            let state = tape.read();
            assert!(
                (state.arena.len(), state.changes) == before,
                "CustomOp `{name}`: its value function used the tape (recorded nodes or changed \
                 a leaf); it must compute the value from the numbers it is given"
            );
        }
        tape.custom(self, operands, value)
    }

    /// Its value at the operand values `x`.
    pub(crate) fn value_at(&self, x: &[f64]) -> f64 {
        (self.definition.value)(x)
    }

    /// Its partial derivatives at the operand values `x` and value `y`,
    /// written to `d` (one per operand).
    pub(crate) fn partials_into(&self, x: &[f64], y: f64, d: &mut [f64]) {
        (self.definition.partials)(x, y, d);
    }

    /// Calls `emit(k, ∂y/∂xₖ)` for each operand of the custom node `node`,
    /// from its parents' values in `arena`.
    #[inline]
    pub(crate) fn partials(
        &self,
        arena: &Arena,
        node: &Node,
        parents: &[u32],
        mut emit: impl FnMut(usize, f64),
    ) {
        let x: Numbers = parents
            .iter()
            .map(|&p| arena.nodes[p as usize].value)
            .collect();
        let mut d: Numbers = SmallVec::from_elem(0.0, x.len());
        (self.definition.partials)(&x, node.value, &mut d);
        for (k, &partial) in d.iter().enumerate() {
            emit(k, partial);
        }
    }

    /// Its partial derivatives at `operands` as nodes, recorded on their
    /// tape.
    ///
    /// # Panics
    ///
    /// If it has no graph derivative, or the one it has gives the wrong
    /// number of partials.
    pub(crate) fn graph_partials<'t>(
        &self,
        operands: &[Var<'t>],
        value: Var<'t>,
        position: usize,
    ) -> Vec<Var<'t>> {
        let name = self.name();
        let rule = self.definition.graph.as_ref().unwrap_or_else(|| {
            panic!(
                "node #{position} is the custom op `{name}`, which has no derivative written with \
                 Var operations, so its gradient cannot be recorded to be differentiated again \
                 (Var::grad_graph, hessian, hvp); give it one with \
                 CustomOp::with_graph_derivative"
            )
        });
        let partials = rule(operands, value);
        assert!(
            partials.len() == operands.len(),
            "the graph derivative of the custom op `{name}` gave {} partial(s) for {} operand(s); \
             give one per operand",
            partials.len(),
            operands.len()
        );
        partials
    }

    fn same(&self, other: &CustomOp) -> bool {
        Rc::ptr_eq(&self.definition, &other.definition)
    }
}

impl fmt::Debug for CustomOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomOp")
            .field("name", &self.name())
            .field("arity", &self.arity())
            .field("graph_derivative", &self.has_graph_derivative())
            .finish()
    }
}

/// The custom ops a tape's nodes use, each with the position of the first
/// node that used it, in that order: a rewind below that node drops it, so
/// an op made afresh every step does not pile up.
#[derive(Default)]
pub(crate) struct Customs {
    ops: Vec<(u32, CustomOp)>,
}

impl Customs {
    /// The index of `op` among these, added for a node at `position` if it
    /// is not there yet.
    pub(crate) fn register(&mut self, op: &CustomOp, position: u32) -> u32 {
        // Few ops, the newest most likely: search from the end.
        let index = match self.ops.iter().rposition(|(_, known)| known.same(op)) {
            Some(index) => index,
            None => {
                self.ops.push((position, op.clone()));
                self.ops.len() - 1
            }
        };
        u32::try_from(index).expect("fewer than 2^32 custom ops on a tape")
    }

    /// Whether no node uses a custom op.
    pub(crate) fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The op a node keeps the index `index` of.
    pub(crate) fn get(&self, index: f64) -> &CustomOp {
        &self.ops[index as usize].1
    }

    /// Drops the ops first used at or after position `cut`.
    pub(crate) fn truncate(&mut self, cut: u32) {
        let kept = self.ops.partition_point(|&(first, _)| first < cut);
        self.ops.truncate(kept);
    }
}
