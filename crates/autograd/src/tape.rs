//! The arena: every recorded node, densely in recording order, behind
//! generational handles.
//!
//! The hot data is one `Vec` of compact node records and one `Vec` of parent
//! positions, indexed by a node's position in the recording order, which is
//! also a topological order: the reverse sweep is one pass from the output
//! down to position 0.
//!
//! Handles are generational through a `SlotMap` of *segments*: a segment is
//! a run of nodes recorded with no rewind in between. A `Var` holds its
//! node's position and its segment's key. A rewind removes the segments
//! above the cut (their keys go stale) and shortens the one it cuts through,
//! so a handle to a dropped node is caught, while recording a node costs no
//! slot-map work at all and no memory beyond the node itself.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::Location;
use std::sync::atomic::{AtomicU64, Ordering};

use slotmap::{SlotMap, new_key_type};

use crate::anomaly::{Anomaly, Flow, Parent, Pass};
use crate::name::Name;
use crate::op::Code;
use crate::rules;
use crate::trace::Trace;
use crate::var::Var;

new_key_type! {
    /// The generational key of a segment: a run of nodes recorded with no
    /// rewind in between.
    pub(crate) struct SegmentKey;
}

/// Tape ids start at 1 and are never reused, so gradients and marks can name
/// the tape they belong to.
static NEXT_TAPE_ID: AtomicU64 = AtomicU64::new(1);

/// The arena that records every operation as a node, in the order it happens.
///
/// Create leaves with [`Tape::var`] (receives a gradient) and
/// [`Tape::constant`] (does not), combine them with ordinary arithmetic, and
/// call [`Var::backward`] on the result: one reverse sweep over the tape
/// yields the gradient of that output with respect to every node.
///
/// All methods take `&self`, so the [`Var`]s that borrow the tape can keep
/// recording. A tape is not `Sync`: it belongs to one thread.
///
/// # Examples
///
/// ```
/// use autograd::Tape;
///
/// let tape = Tape::new();
/// let x = tape.var_named("x", 3.0);
/// let y = (x * x + 2.0 * x).named("y"); // y = x² + 2x
/// let grads = y.backward();
/// assert_eq!(y.value(), 15.0);
/// assert_eq!(grads.wrt(x), 8.0); // dy/dx = 2x + 2
/// assert_eq!(tape.len(), 4); // x, x*x, 2*x and their sum
/// ```
///
/// A training loop keeps its parameters below a [`Mark`] and drops each
/// step's nodes with [`Tape::rewind`], so the tape does not grow:
///
/// ```
/// use autograd::Tape;
///
/// let tape = Tape::new();
/// let w = tape.var(0.0);
/// let mark = tape.mark();
/// for _ in 0..100 {
///     let loss = (w - 3.0).powi(2); // minimised at w = 3
///     let step = loss.backward().wrt(w);
///     tape.rewind(mark);
///     tape.set_value(w, w.value() - 0.1 * step);
/// }
/// assert!((w.value() - 3.0).abs() < 1e-6);
/// assert_eq!(tape.len(), 1);
/// ```
pub struct Tape {
    id: u64,
    pub(crate) nodes: RefCell<Nodes>,
}

/// Where in the recording order a tape was, to [`Tape::rewind`] back to.
///
/// Made by [`Tape::mark`]; it names its tape, so rewinding another tape with
/// it panics rather than cutting at a meaningless position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    tape_id: u64,
    len: u32,
}

impl Mark {
    /// How many nodes the tape held when the mark was taken; a rewind keeps
    /// exactly these.
    #[must_use]
    pub fn len(self) -> usize {
        self.len as usize
    }

    /// Whether the mark was taken on an empty tape.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.len == 0
    }
}

/// One node: its value, its op and where its parents start in the edge list.
/// 24 bytes; with one parent (4 bytes) and its adjoint during a sweep (8),
/// a unary node costs 36 bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    pub(crate) value: f64,
    /// The op's scalar operand (`c` in `x * c`, `n` in `x.powi(n)`), else 0.
    pub(crate) scalar: f64,
    /// Where this node's parents start in `edges`; they end where the next
    /// node's start (or at the end of `edges`).
    pub(crate) edge_start: u32,
    pub(crate) code: Code,
    /// Whether the node depends on any [`Code::Var`] leaf; the sweep skips
    /// the rest.
    pub(crate) needs_grad: bool,
}

impl Node {
    pub(crate) fn op(&self) -> crate::op::Op {
        self.code.op(self.scalar)
    }
}

/// A run of nodes recorded with no rewind in between; it ends where a
/// rewind cut it (`u32::MAX` while it is still being recorded into).
#[derive(Clone, Copy, Debug)]
struct Segment {
    end: u32,
}

/// The node storage behind a [`Tape`]'s `RefCell`.
pub(crate) struct Nodes {
    pub(crate) nodes: Vec<Node>,
    /// Every node's parent positions, concatenated in recording order.
    pub(crate) edges: Vec<u32>,
    segments: SlotMap<SegmentKey, Segment>,
    /// Each live segment's first position, in order.
    segment_starts: Vec<(u32, SegmentKey)>,
    /// The segment new nodes join, once one is open.
    open: Option<SegmentKey>,
    /// Names of named nodes, sorted by position.
    names: Vec<(u32, Name)>,
    /// Parent positions of the sums being recorded, innermost last.
    sum_scratch: Vec<u32>,
    /// Computed nodes whose value may predate a [`Tape::set_value`].
    stale: Option<StaleRange>,
    rewinds: RewindLog,
    /// One past the last computed (non-leaf) node, or a bound above it:
    /// only below it can setting a leaf leave computed values out of date.
    computed_end: u32,
    /// Whether anomaly detection is on.
    pub(crate) detect: bool,
    /// Where each node recorded while detection was on was recorded.
    locations: Vec<(u32, &'static Location<'static>)>,
}

/// Buffers a dropped tape leaves for the next one made on the same thread,
/// so that a fresh tape per step costs no allocation.
#[derive(Default)]
struct Spare {
    nodes: Vec<Node>,
    edges: Vec<u32>,
    segments: SlotMap<SegmentKey, Segment>,
    segment_starts: Vec<(u32, SegmentKey)>,
    names: Vec<(u32, Name)>,
    sum_scratch: Vec<u32>,
}

/// Buffers larger than this are freed rather than kept for the next tape.
const SPARE_LIMIT_BYTES: usize = 64 << 20;

thread_local! {
    static SPARE: Cell<Option<Spare>> = const { Cell::new(None) };
}

/// Positions strictly between `leaf` and `end` were recorded before the leaf
/// at `leaf` was given a new value, so computed nodes there may be out of date.
#[derive(Clone, Copy, Debug)]
struct StaleRange {
    leaf: u32,
    end: u32,
}

/// The lowest position each rewind since a given moment cut the tape to, kept
/// as a stack of suffix minima so it stays small in a training loop.
#[derive(Default)]
struct RewindLog {
    epoch: u64,
    /// `(epoch, position)`, both strictly increasing: the entry for a rewind is
    /// dropped once a later rewind cuts at or below it.
    floors: Vec<(u64, u32)>,
}

impl RewindLog {
    fn record(&mut self, position: u32) {
        self.epoch += 1;
        while self.floors.last().is_some_and(|&(_, p)| p >= position) {
            self.floors.pop();
        }
        self.floors.push((self.epoch, position));
    }

    /// The lowest position any rewind after `epoch` cut the tape to: nodes
    /// at or above it were recorded after that moment.
    fn floor_since(&self, epoch: u64) -> u32 {
        let first_after = self.floors.partition_point(|&(e, _)| e <= epoch);
        self.floors.get(first_after).map_or(u32::MAX, |&(_, p)| p)
    }
}

impl Default for Tape {
    fn default() -> Self {
        Self::new()
    }
}

impl Tape {
    /// An empty tape.
    #[must_use]
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty tape with room for `nodes` nodes of up to two parents each
    /// before it reallocates.
    ///
    /// A tape dropped on this thread leaves its buffers (up to 64 MiB each)
    /// for the next one, so making a fresh tape for every step of a loop
    /// costs no allocation once the loop is warm.
    #[must_use]
    pub fn with_capacity(nodes: usize) -> Self {
        let spare = SPARE
            .try_with(Cell::take)
            .ok()
            .flatten()
            .unwrap_or_default();
        let mut tape = Nodes {
            nodes: spare.nodes,
            edges: spare.edges,
            segments: spare.segments,
            segment_starts: spare.segment_starts,
            open: None,
            names: spare.names,
            sum_scratch: spare.sum_scratch,
            stale: None,
            rewinds: RewindLog::default(),
            computed_end: 0,
            detect: false,
            locations: Vec::new(),
        };
        tape.nodes.reserve(nodes);
        tape.edges.reserve(2 * nodes);
        Tape {
            id: NEXT_TAPE_ID.fetch_add(1, Ordering::Relaxed),
            nodes: RefCell::new(tape),
        }
    }

    /// A leaf that receives a gradient: an input or a parameter.
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let x = tape.var(2.0);
    /// assert_eq!(x.powi(3).backward().wrt(x), 12.0); // d(x³)/dx = 3x²
    /// ```
    #[inline]
    #[track_caller]
    pub fn var(&self, value: f64) -> Var<'_> {
        self.leaf(Code::Var, value)
    }

    /// [`Tape::var`] with a name that traces and pictures show.
    #[track_caller]
    pub fn var_named(&self, name: impl Into<Name>, value: f64) -> Var<'_> {
        self.var(value).named(name)
    }

    /// A leaf that receives no gradient: a fixed input or a target.
    ///
    /// Nodes computed only from constants need no gradient either, and the
    /// reverse sweep skips them. [`Gradients::wrt`](crate::Gradients::wrt)
    /// reports 0 for them and [`Gradients::get`](crate::Gradients::get) `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let (x, c) = (tape.var(2.0), tape.constant(5.0));
    /// let grads = (x * c).backward();
    /// assert_eq!(grads.wrt(x), 5.0);
    /// assert_eq!(grads.get(c), None);
    /// ```
    #[inline]
    #[track_caller]
    pub fn constant(&self, value: f64) -> Var<'_> {
        self.leaf(Code::Const, value)
    }

    /// [`Tape::constant`] with a name that traces and pictures show.
    #[track_caller]
    pub fn constant_named(&self, name: impl Into<Name>, value: f64) -> Var<'_> {
        self.constant(value).named(name)
    }

    /// The sum of any number of terms, recorded as ONE n-ary [`Op::Sum`](crate::Op::Sum) node
    /// (a constant 0 with no parents when there are no terms).
    ///
    /// Unlike `Iterator::sum`, this works on an empty iterator.
    ///
    /// # Panics
    ///
    /// If a term comes from another tape or was dropped by a rewind.
    ///
    /// # Examples
    ///
    /// ```
    /// use autograd::{Op, Tape};
    ///
    /// let tape = Tape::new();
    /// let xs = [tape.var(1.0), tape.var(2.0), tape.var(3.0)];
    /// let total = tape.sum(xs.iter().map(|&x| x * x));
    /// assert_eq!(total.value(), 14.0);
    /// assert_eq!(total.op(), Op::Sum);
    /// assert_eq!(total.parents().len(), 3);
    /// assert_eq!(tape.sum([]).value(), 0.0);
    /// ```
    #[track_caller]
    pub fn sum<'t>(&'t self, terms: impl IntoIterator<Item = Var<'t>>) -> Var<'t> {
        // Terms may record nodes (and nested sums) while the iterator runs, so
        // the tape is borrowed once per term, and nested sums stack their
        // parents above ours in the scratch buffer.
        let start = self.nodes.borrow().sum_scratch.len();
        for term in terms {
            self.check_same_tape(term, "Tape::sum was given");
            let mut nodes = self.nodes.borrow_mut();
            let position = nodes.operand(term);
            nodes.sum_scratch.push(position);
        }
        self.record_nary(Code::Sum, start)
    }

    /// Records an n-ary node whose parents sit in the scratch buffer from
    /// `start` on.
    #[track_caller]
    fn record_nary(&self, code: Code, start: usize) -> Var<'_> {
        let mut nodes = self.nodes.borrow_mut();
        let Nodes {
            nodes: records,
            edges,
            sum_scratch,
            ..
        } = &mut *nodes;
        let parents = &sum_scratch[start..];
        let value = rules::eval(code, 0.0, parents.len(), |k| {
            records[parents[k] as usize].value
        });
        let grad = parents.iter().any(|&p| records[p as usize].needs_grad);
        let first_edge = edges.len();
        edges.extend_from_slice(parents);
        sum_scratch.truncate(start);
        nodes.push(code, 0.0, value, first_edge, grad, self, Location::caller())
    }

    /// The dot product `Σ aₖ·bₖ` of two equally long slices, recorded as
    /// ONE n-ary [`Op::Dot`](crate::Op::Dot) node whose parents are the
    /// pairs `a₀, b₀, a₁, b₁, ...` (0 with no parents for empty slices).
    ///
    /// It gives the same value and gradients, bit for bit, as a mul node per
    /// pair under one sum node, in a fraction of the nodes: a neuron's
    /// weighted input over n inputs is one node instead of n + 1.
    ///
    /// # Panics
    ///
    /// If the slices differ in length, or a term comes from another tape or
    /// was dropped by a rewind.
    ///
    /// # Examples
    ///
    /// ```
    /// use autograd::{Op, Tape};
    ///
    /// let tape = Tape::new();
    /// let w = [tape.var(0.15), tape.var(0.20)];
    /// let x = [tape.constant(0.05), tape.constant(0.10)];
    /// let net = tape.dot(&w, &x);
    /// assert_eq!(net.op(), Op::Dot);
    /// assert_eq!(net.value(), 0.15 * 0.05 + 0.20 * 0.10);
    /// let grads = net.backward();
    /// assert_eq!(grads.wrt(w[1]), 0.10);
    /// ```
    #[track_caller]
    pub fn dot<'t>(&'t self, a: &[Var<'t>], b: &[Var<'t>]) -> Var<'t> {
        assert_eq!(
            a.len(),
            b.len(),
            "Tape::dot: the slices have {} and {} terms; give one term of b per term of a",
            a.len(),
            b.len()
        );
        let mut nodes = self.nodes.borrow_mut();
        let first_edge = nodes.edges.len();
        for (&x, &y) in a.iter().zip(b) {
            self.check_same_tape(x, "Tape::dot was given");
            self.check_same_tape(y, "Tape::dot was given");
            let (px, py) = (nodes.operand(x), nodes.operand(y));
            nodes.edges.extend_from_slice(&[px, py]);
        }
        let Nodes {
            nodes: records,
            edges,
            ..
        } = &mut *nodes;
        let parents = &edges[first_edge..];
        let value = rules::eval(Code::Dot, 0.0, parents.len(), |k| {
            records[parents[k] as usize].value
        });
        let grad = parents.iter().any(|&p| records[p as usize].needs_grad);
        nodes.push(
            Code::Dot,
            0.0,
            value,
            first_edge,
            grad,
            self,
            Location::caller(),
        )
    }

    /// The node at `index` in the recording order, or `None` past the end:
    /// with [`Tape::len`], a way to visit every node.
    ///
    /// # Examples
    ///
    /// ```
    /// use autograd::{Op, Tape};
    ///
    /// let tape = Tape::new();
    /// let x = tape.var(2.0);
    /// let _y = x.exp();
    /// let ops: Vec<Op> = (0..tape.len()).filter_map(|i| tape.node(i)).map(|v| v.op()).collect();
    /// assert_eq!(ops, [Op::Var, Op::Exp]);
    /// assert!(tape.node(2).is_none());
    /// ```
    #[must_use]
    pub fn node(&self, index: usize) -> Option<Var<'_>> {
        let nodes = self.nodes.borrow();
        let position = u32::try_from(index)
            .ok()
            .filter(|&p| (p as usize) < nodes.len())?;
        Some(nodes.var(self, position))
    }

    /// How many nodes the tape holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.nodes.borrow().len()
    }

    /// Whether the tape holds no nodes.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The current end of the tape, to [`rewind`](Tape::rewind) to later.
    #[must_use]
    pub fn mark(&self) -> Mark {
        Mark {
            tape_id: self.id,
            len: self.nodes.borrow().len() as u32,
        }
    }

    /// Drops every node recorded after `mark`, keeping the memory for reuse.
    ///
    /// This is how a training loop keeps the tape from growing: take a mark
    /// after creating the parameters, and rewind to it after each step. A
    /// [`Var`] of a dropped node panics when used; [`Gradients`](crate::Gradients)
    /// computed before the rewind still answer for the nodes that remain.
    ///
    /// # Panics
    ///
    /// If `mark` was taken on another tape, or lies beyond the end of this one
    /// (an earlier rewind already dropped nodes below it).
    pub fn rewind(&self, mark: Mark) {
        assert!(
            mark.tape_id == self.id,
            "Tape::rewind: this mark was taken on another tape (tape {} vs tape {}); \
             rewind the tape the mark came from",
            mark.tape_id,
            self.id
        );
        let mut nodes = self.nodes.borrow_mut();
        let len = nodes.len();
        let keep = mark.len as usize;
        assert!(
            keep <= len,
            "Tape::rewind: the mark is at position {keep} but the tape holds only {len} nodes; \
             an earlier rewind already dropped the nodes it marked, so take a new mark"
        );
        if keep == len {
            return;
        }
        nodes.truncate(keep);
    }

    /// Gives a leaf a new value, as an optimiser does to a parameter between
    /// steps.
    ///
    /// Nodes already computed from the leaf keep their old values; using one
    /// of them afterwards (as an operand or as the output of a backward)
    /// panics. So rewind the step's nodes before updating, or record again.
    ///
    /// # Panics
    ///
    /// If `leaf` was not made by [`Tape::var`] or [`Tape::constant`], comes
    /// from another tape, or was dropped by a rewind.
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let w = tape.var(1.0);
    /// tape.set_value(w, 4.0);
    /// assert_eq!(w.value(), 4.0);
    /// assert_eq!(w.sqrt().value(), 2.0);
    /// ```
    #[inline]
    pub fn set_value(&self, leaf: Var<'_>, value: f64) {
        self.check_same_tape(leaf, "Tape::set_value was given");
        let mut nodes = self.nodes.borrow_mut();
        let position = nodes.position(leaf);
        nodes.set_leaf(position, value);
    }

    /// Gives each leaf the value `step(value, gradient)`, its gradient read
    /// from `grads`: an optimiser's update in one pass over the tape.
    ///
    /// Equivalent to calling [`Tape::set_value`] with `grads.wrt(leaf)` for
    /// each leaf, and faster for many leaves.
    ///
    /// # Panics
    ///
    /// As [`Tape::set_value`] and [`Gradients::wrt`](crate::Gradients::wrt).
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let (a, b) = (tape.var(1.0), tape.var(2.0));
    /// let mark = tape.mark();
    /// let grads = (a * b).backward(); // ∂/∂a = 2, ∂/∂b = 1
    /// tape.rewind(mark);
    /// tape.update([a, b], &grads, |value, gradient| value - 0.5 * gradient);
    /// assert_eq!((a.value(), b.value()), (0.0, 1.5));
    /// ```
    pub fn update<'t>(
        &'t self,
        leaves: impl IntoIterator<Item = Var<'t>>,
        grads: &crate::Gradients,
        mut step: impl FnMut(f64, f64) -> f64,
    ) {
        let mut nodes = self.nodes.borrow_mut();
        let gradients = grads.reader(self.id, &nodes);
        for leaf in leaves {
            self.check_same_tape(leaf, "Tape::update was given");
            let position = nodes.position(leaf);
            let gradient = gradients.at(&nodes, position as usize).unwrap_or(0.0);
            let value = step(nodes.nodes[position as usize].value, gradient);
            nodes.set_leaf(position, value);
        }
    }

    /// Turns anomaly detection on or off (off by default), as
    /// `torch.autograd.detect_anomaly` does.
    ///
    /// While it is on, recording a node whose value is NaN or infinite
    /// although its parents' values are finite panics at that operation,
    /// and [`Var::backward`] panics at the first node that passes a NaN or
    /// infinite gradient to a parent while its own gradient is finite. The
    /// message names the node (id, name, op), its parents' values and the
    /// line of the program that recorded it. Off, it costs nothing
    /// measurable; [`Var::try_backward`] finds the same anomalies without
    /// panicking, whether detection is on or off.
    ///
    /// # Examples
    ///
    /// ```should_panic
    /// let tape = autograd::Tape::new();
    /// tape.set_detect_anomaly(true);
    /// let x = tape.var_named("x", -1.0);
    /// let _ = x.ln(); // panics: "anomaly in the forward pass: node #1 (ln) is NaN; its parents: #0 `x` = -1; recorded at ..."
    /// ```
    pub fn set_detect_anomaly(&self, on: bool) {
        self.nodes.borrow_mut().detect = on;
    }

    /// Whether anomaly detection is on; see [`Tape::set_detect_anomaly`].
    #[must_use]
    pub fn detect_anomaly(&self) -> bool {
        self.nodes.borrow().detect
    }

    /// The whole tape as a numbered trace, one node a line; see [`Trace`].
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let x = tape.var_named("x", 2.0);
    /// let _y = (x * 3.0).named("y");
    /// let text = tape.trace().to_string();
    /// assert!(text.contains("mul"));
    /// assert!(text.contains("x, 3"));
    /// ```
    #[must_use]
    pub fn trace(&self) -> Trace<'_> {
        Trace::new(self, None)
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Records a node with one parent. Inlined into each operator, where
    /// the code is a constant, so the forward rule's match folds away.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn unary<'t>(&'t self, code: Code, scalar: f64, x: Var<'t>) -> Var<'t> {
        self.check_same_tape(x, "an operation was given");
        let mut nodes = self.nodes.borrow_mut();
        let px = nodes.operand(x);
        let parent = nodes.nodes[px as usize];
        let value = rules::eval(code, scalar, 1, |_| parent.value);
        let start = nodes.edges.len();
        nodes.edges.push(px);
        let grad = parent.needs_grad;
        nodes.push(code, scalar, value, start, grad, self, Location::caller())
    }

    /// Records a node with two parents; inlined as [`Tape::unary`] is.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn binary<'t>(&'t self, code: Code, a: Var<'t>, b: Var<'t>) -> Var<'t> {
        self.check_same_tape(a, "an operation was given");
        self.check_same_tape(b, "an operation was given");
        let mut nodes = self.nodes.borrow_mut();
        let (pa, pb) = (nodes.operand(a), nodes.operand(b));
        let (na, nb) = (nodes.nodes[pa as usize], nodes.nodes[pb as usize]);
        let value = rules::eval(code, 0.0, 2, |k| if k == 0 { na.value } else { nb.value });
        let start = nodes.edges.len();
        nodes.edges.extend_from_slice(&[pa, pb]);
        let grad = na.needs_grad || nb.needs_grad;
        nodes.push(code, 0.0, value, start, grad, self, Location::caller())
    }

    #[inline]
    #[track_caller]
    fn leaf(&self, code: Code, value: f64) -> Var<'_> {
        let mut nodes = self.nodes.borrow_mut();
        let start = nodes.edges.len();
        let grad = code == Code::Var;
        nodes.push(code, 0.0, value, start, grad, self, Location::caller())
    }

    /// Panics unless `var` was recorded on this tape.
    #[inline]
    pub(crate) fn check_same_tape(&self, var: Var<'_>, context: &str) {
        assert!(
            std::ptr::eq(self, var.tape),
            "{context} a Var from another Tape; every Var in an expression must come \
             from the same Tape, the one that recorded it"
        );
    }
}

impl Nodes {
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// The position of a live node.
    ///
    /// # Panics
    ///
    /// If the node was dropped by a rewind.
    #[inline]
    pub(crate) fn position(&self, var: Var<'_>) -> u32 {
        match self.segments.get(var.segment) {
            Some(segment) if var.index < segment.end => var.index,
            _ => panic!(
                "this Var's node was dropped by Tape::rewind; a Var is only valid until the \
                 tape is rewound below it, so keep values you reuse across steps (parameters) \
                 below the mark"
            ),
        }
    }

    /// Sets the leaf at `position`, noting that nodes recorded after it may
    /// now be out of date.
    #[inline]
    fn set_leaf(&mut self, position: u32, value: f64) {
        let node = &mut self.nodes[position as usize];
        assert!(
            node.code.is_leaf(),
            "Tape::set_value: node #{position} is a `{}` node computed from other nodes; \
             only leaves made by Tape::var or Tape::constant can be given a new value",
            node.op()
        );
        node.value = value;
        let end = self.nodes.len() as u32;
        // Only computed nodes above the leaf can hold an outdated value.
        if position + 1 < self.computed_end {
            self.stale = Some(match self.stale {
                None => StaleRange {
                    leaf: position,
                    end,
                },
                Some(s) => StaleRange {
                    leaf: s.leaf.min(position),
                    end: s.end.max(end),
                },
            });
        }
    }

    pub(crate) fn is_live(&self, var: Var<'_>) -> bool {
        self.segments
            .get(var.segment)
            .is_some_and(|segment| var.index < segment.end)
    }

    /// The position of a node about to be used as an operand or an output:
    /// like [`Nodes::position`], and also refuses a computed node whose value
    /// predates a [`Tape::set_value`].
    #[inline]
    pub(crate) fn operand(&self, var: Var<'_>) -> u32 {
        let position = self.position(var);
        if let Some(stale) = self.stale
            && position > stale.leaf
            && position < stale.end
            && !self.nodes[position as usize].code.is_leaf()
        {
            panic!(
                "node #{position} was computed before Tape::set_value changed leaf #{leaf}, \
                 so its value may be out of date; rewind to a mark taken before recording \
                 it and record it again",
                leaf = stale.leaf
            );
        }
        position
    }

    /// The positions of node `position`'s parents.
    #[inline]
    pub(crate) fn parents(&self, position: usize) -> &[u32] {
        let start = self.nodes[position].edge_start as usize;
        let end = self
            .nodes
            .get(position + 1)
            .map_or(self.edges.len(), |next| next.edge_start as usize);
        &self.edges[start..end]
    }

    /// A handle to the live node at `position`.
    pub(crate) fn var<'t>(&self, tape: &'t Tape, position: u32) -> Var<'t> {
        let at = self
            .segment_starts
            .partition_point(|&(start, _)| start <= position);
        let (_, segment) = self.segment_starts[at - 1];
        Var {
            tape,
            segment,
            index: position,
        }
    }

    pub(crate) fn name(&self, position: usize) -> Option<&str> {
        let p = position as u32;
        self.names
            .binary_search_by_key(&p, |(q, _)| *q)
            .ok()
            .map(|i| &*self.names[i].1)
    }

    pub(crate) fn set_name(&mut self, position: u32, name: Name) {
        // Names are almost always given to the newest node, which appends.
        match self.names.binary_search_by_key(&position, |(q, _)| *q) {
            Ok(i) => self.names[i].1 = name,
            Err(i) => self.names.insert(i, (position, name)),
        }
    }

    /// Appends a node whose parents were just pushed onto `edges`, from
    /// `edge_start` on.
    #[inline(always)]
    #[allow(
        clippy::too_many_arguments,
        reason = "inlined into each recording path"
    )]
    fn push<'t>(
        &mut self,
        code: Code,
        scalar: f64,
        value: f64,
        edge_start: usize,
        needs_grad: bool,
        tape: &'t Tape,
        location: &'static Location<'static>,
    ) -> Var<'t> {
        let index = u32::try_from(self.nodes.len())
            .ok()
            .filter(|&p| p < u32::MAX)
            .expect("a Tape holds at most 4,294,967,294 nodes; rewind it between steps");
        assert!(
            u32::try_from(self.edges.len()).is_ok(),
            "a Tape holds at most 4,294,967,295 parent links; rewind it between steps"
        );
        self.nodes.push(Node {
            value,
            scalar,
            edge_start: edge_start as u32,
            code,
            needs_grad,
        });
        if !code.is_leaf() {
            self.computed_end = index + 1;
        }
        let segment = match self.open {
            Some(segment) => segment,
            None => self.open_segment(index),
        };
        if self.detect {
            self.locations.push((index, location));
            if !value.is_finite() {
                self.raise_forward_anomaly(index as usize, location);
            }
        }
        Var {
            tape,
            segment,
            index,
        }
    }

    /// Panics with the anomaly if the node at `position` turned finite
    /// parents into a non-finite value.
    #[cold]
    #[track_caller]
    fn raise_forward_anomaly(&self, position: usize, location: &'static Location<'static>) {
        if let Some(mut anomaly) = self.forward_anomaly(position) {
            anomaly.location = Some(location);
            panic!("{anomaly}");
        }
    }

    /// The anomaly at `position` if its value is not finite while its
    /// parents' values are.
    pub(crate) fn forward_anomaly(&self, position: usize) -> Option<Anomaly> {
        let value = self.nodes[position].value;
        let parents_finite = self
            .parents(position)
            .iter()
            .all(|&p| self.nodes[p as usize].value.is_finite());
        (!value.is_finite() && parents_finite).then(|| self.anomaly(Pass::Forward, position, None))
    }

    /// Describes the node at `position` as an anomaly.
    pub(crate) fn anomaly(&self, pass: Pass, position: usize, flow: Option<Flow>) -> Anomaly {
        let p = position as u32;
        Anomaly {
            pass,
            node: position,
            name: self.name(position).map(str::to_owned),
            op: self.nodes[position].op(),
            value: self.nodes[position].value,
            parents: self
                .parents(position)
                .iter()
                .map(|&q| Parent {
                    index: q as usize,
                    name: self.name(q as usize).map(str::to_owned),
                    value: self.nodes[q as usize].value,
                })
                .collect(),
            flow,
            location: self
                .locations
                .binary_search_by_key(&p, |(q, _)| *q)
                .ok()
                .map(|i| self.locations[i].1),
        }
    }

    #[cold]
    fn open_segment(&mut self, start: u32) -> SegmentKey {
        let segment = self.segments.insert(Segment { end: u32::MAX });
        self.segment_starts.push((start, segment));
        self.open = Some(segment);
        segment
    }

    /// Keeps the first `keep` nodes.
    fn truncate(&mut self, keep: usize) {
        let cut = keep as u32;
        // Segments wholly above the cut go (their keys turn stale); the one
        // the cut runs through ends there. New nodes open a new segment.
        while let Some(&(start, segment)) = self.segment_starts.last() {
            if start < cut {
                self.segments[segment].end = self.segments[segment].end.min(cut);
                break;
            }
            self.segments.remove(segment);
            self.segment_starts.pop();
        }
        self.open = None;
        let edges = self
            .nodes
            .get(keep)
            .map_or(self.edges.len(), |first_dropped| {
                first_dropped.edge_start as usize
            });
        self.edges.truncate(edges);
        self.nodes.truncate(keep);
        if self.computed_end > cut {
            // Find the last computed node left, looking back a little: in a
            // training loop the parameters below the mark are leaves, and
            // then setting them cannot leave anything out of date.
            let floor = keep.saturating_sub(64);
            self.computed_end = (floor..keep)
                .rev()
                .find(|&i| !self.nodes[i].code.is_leaf())
                .map_or(floor, |i| i + 1) as u32;
        }
        let named = self.names.partition_point(|&(p, _)| p < cut);
        self.names.truncate(named);
        let located = self.locations.partition_point(|&(p, _)| p < cut);
        self.locations.truncate(located);
        self.stale = self.stale.filter(|s| cut > s.leaf + 1).map(|s| StaleRange {
            leaf: s.leaf,
            end: s.end.min(cut),
        });
        self.rewinds.record(cut);
    }

    /// The position of `var`, for reading gradients computed at `epoch`
    /// when the tape held `recorded` nodes.
    ///
    /// # Panics
    ///
    /// If the node was dropped, or recorded after those gradients were computed.
    pub(crate) fn position_at(&self, var: Var<'_>, epoch: u64, recorded: usize) -> usize {
        let position = self.position(var) as usize;
        assert!(
            self.existed_at(position, epoch, recorded),
            "node #{position} was recorded after these Gradients were computed, so they know \
             nothing about it; call backward again on the current output"
        );
        position
    }

    /// Whether the node now at `position` is the one that was there when the
    /// tape held `recorded` nodes at rewind count `epoch`.
    pub(crate) fn existed_at(&self, position: usize, epoch: u64, recorded: usize) -> bool {
        position < self.valid_below(epoch, recorded)
    }

    /// The positions below which every node is the one that was there when
    /// the tape held `recorded` nodes at rewind count `epoch`.
    #[inline]
    pub(crate) fn valid_below(&self, epoch: u64, recorded: usize) -> usize {
        recorded.min(self.rewinds.floor_since(epoch) as usize)
    }

    pub(crate) fn epoch(&self) -> u64 {
        self.rewinds.epoch
    }
}

impl Drop for Tape {
    /// Leaves the buffers for the next tape made on this thread, unless
    /// they are large.
    fn drop(&mut self) {
        let nodes = self.nodes.get_mut();
        let bytes = nodes.nodes.capacity() * size_of::<Node>() + nodes.edges.capacity() * 4;
        if bytes > SPARE_LIMIT_BYTES {
            return;
        }
        let mut spare = Spare {
            nodes: std::mem::take(&mut nodes.nodes),
            edges: std::mem::take(&mut nodes.edges),
            segments: std::mem::take(&mut nodes.segments),
            segment_starts: std::mem::take(&mut nodes.segment_starts),
            names: std::mem::take(&mut nodes.names),
            sum_scratch: std::mem::take(&mut nodes.sum_scratch),
        };
        spare.nodes.clear();
        spare.edges.clear();
        spare.segments.clear();
        spare.segment_starts.clear();
        spare.names.clear();
        spare.sum_scratch.clear();
        // During thread teardown the slot may be gone; then the buffers are
        // simply freed.
        let _ = SPARE.try_with(|slot| slot.set(Some(spare)));
    }
}

impl fmt::Debug for Tape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tape")
            .field("id", &self.id)
            .field("nodes", &self.len())
            .finish()
    }
}

/// The whole tape as a numbered trace; see [`Trace`].
impl fmt::Display for Tape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.trace(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewind_log_keeps_suffix_minima() {
        let mut log = RewindLog::default();
        log.record(10); // epoch 1
        log.record(5); // epoch 2
        log.record(8); // epoch 3
        assert_eq!(log.floor_since(0), 5);
        assert_eq!(log.floor_since(1), 5);
        assert_eq!(log.floor_since(2), 8);
        assert_eq!(log.floor_since(3), u32::MAX);
        assert_eq!(log.floors.len(), 2);
    }

    #[test]
    fn training_loop_rewinds_keep_the_log_at_one_entry() {
        let mut log = RewindLog::default();
        for _ in 0..1000 {
            log.record(3);
        }
        assert_eq!(log.floors.len(), 1);
        assert_eq!(log.floor_since(999), 3);
    }

    #[test]
    fn a_training_loop_keeps_two_segments() {
        let tape = Tape::new();
        let w = tape.var(1.0);
        let mark = tape.mark();
        let mut old = Vec::new();
        for _ in 0..100 {
            old.push(w * 2.0);
            tape.rewind(mark);
        }
        let _ = w * 3.0;
        let nodes = tape.nodes.borrow();
        assert_eq!(nodes.segments.len(), 2, "the parameters' and this step's");
        assert_eq!(nodes.segment_starts.len(), 2);
        assert!(old.iter().all(|&v| !nodes.is_live(v)));
        assert!(nodes.is_live(w));
    }

    #[test]
    fn a_rewind_through_a_segment_keeps_its_lower_part() {
        let tape = Tape::new();
        let a = tape.var(1.0);
        let b = a + 1.0;
        let mark = tape.mark();
        let c = b + 1.0;
        tape.rewind(mark);
        let d = b + 5.0; // same position as c, a new segment
        let nodes = tape.nodes.borrow();
        assert!(nodes.is_live(a) && nodes.is_live(b) && nodes.is_live(d));
        assert!(!nodes.is_live(c));
        assert_eq!(c.index, d.index);
        assert_ne!(c.segment, d.segment);
        // Handles rebuilt from positions find the right segment.
        assert_eq!(nodes.var(&tape, 1), b);
        assert_eq!(nodes.var(&tape, 2), d);
    }

    #[test]
    fn a_dropped_tape_leaves_its_buffers_to_the_next() {
        let capacity = {
            let tape = Tape::new();
            let x = tape.var(1.0);
            let _ = (0..1000).fold(x, |acc, _| acc + 1.0);
            tape.nodes.borrow().nodes.capacity()
        };
        let tape = Tape::new();
        assert!(tape.nodes.borrow().nodes.capacity() >= capacity);
        assert!(tape.is_empty());
    }

    #[test]
    fn updating_parameters_after_a_rewind_leaves_nothing_stale() {
        let tape = Tape::new();
        let w = [tape.var(1.0), tape.var(2.0)];
        let mark = tape.mark();
        let _ = w[0] * w[1];
        tape.rewind(mark);
        tape.set_value(w[0], 3.0);
        tape.set_value(w[1], 4.0);
        assert!(tape.nodes.borrow().stale.is_none());
        // Before the rewind, the product would have been out of date.
        let _ = w[0] * w[1];
        tape.set_value(w[0], 5.0);
        let stale = tape.nodes.borrow().stale.expect("the product is stale");
        assert_eq!((stale.leaf, stale.end), (0, 3));
    }

    #[test]
    fn a_node_record_is_24_bytes() {
        assert_eq!(size_of::<Node>(), 24);
    }
}
