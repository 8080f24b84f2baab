//! The arena: every recorded node, densely in recording order, behind
//! generational handles.
//!
//! The hot data lives in parallel `Vec`s indexed by a node's position in the
//! recording order, which is also a topological order: the reverse sweep is one
//! pass from the output down to position 0. A `SlotMap` hands out the handles:
//! it maps a generational key to the position, so a handle to a node dropped
//! by [`Tape::rewind`] is caught instead of reading whatever now sits there.

use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use slotmap::{SlotMap, new_key_type};

use crate::name::Name;
use crate::op::Op;
use crate::rules;
use crate::trace::Trace;
use crate::var::Var;

new_key_type! {
    /// The generational handle of one node: a slot and the slot's version.
    pub(crate) struct NodeKey;
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
/// assert_eq!(tape.len(), 4); // x, x*x, 2*x, the sum
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

/// The node storage behind a [`Tape`]'s `RefCell`.
pub(crate) struct Nodes {
    pub(crate) ops: Vec<Op>,
    pub(crate) values: Vec<f64>,
    /// Whether a node depends on any [`Op::Var`] leaf; the sweep skips the rest.
    pub(crate) needs_grad: Vec<bool>,
    /// Where node `i`'s parents end in `edges`; they start where node `i - 1`'s end.
    pub(crate) edge_end: Vec<u32>,
    /// Every node's parent positions, concatenated in recording order.
    pub(crate) edges: Vec<u32>,
    /// The handle of the node at each position.
    keys: Vec<NodeKey>,
    /// Handle -> position.
    handles: SlotMap<NodeKey, u32>,
    /// Names of named nodes, sorted by position.
    names: Vec<(u32, Name)>,
    /// Parent positions of the sums being recorded, innermost last.
    sum_scratch: Vec<u32>,
    /// Computed nodes whose value may predate a [`Tape::set_value`].
    stale: Option<StaleRange>,
    rewinds: RewindLog,
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
    #[must_use]
    pub fn with_capacity(nodes: usize) -> Self {
        Tape {
            id: NEXT_TAPE_ID.fetch_add(1, Ordering::Relaxed),
            nodes: RefCell::new(Nodes {
                ops: Vec::with_capacity(nodes),
                values: Vec::with_capacity(nodes),
                needs_grad: Vec::with_capacity(nodes),
                edge_end: Vec::with_capacity(nodes),
                edges: Vec::with_capacity(2 * nodes),
                keys: Vec::with_capacity(nodes),
                handles: SlotMap::with_capacity_and_key(nodes),
                names: Vec::new(),
                sum_scratch: Vec::new(),
                stale: None,
                rewinds: RewindLog::default(),
            }),
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
    pub fn var(&self, value: f64) -> Var<'_> {
        self.leaf(Op::Var, value)
    }

    /// [`Tape::var`] with a name that traces and pictures show.
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
    pub fn constant(&self, value: f64) -> Var<'_> {
        self.leaf(Op::Const, value)
    }

    /// [`Tape::constant`] with a name that traces and pictures show.
    pub fn constant_named(&self, name: impl Into<Name>, value: f64) -> Var<'_> {
        self.constant(value).named(name)
    }

    /// The sum of any number of terms, recorded as ONE n-ary [`Op::Sum`] node
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
    pub fn sum<'t>(&'t self, terms: impl IntoIterator<Item = Var<'t>>) -> Var<'t> {
        // Terms may record nodes (and nested sums) while the iterator runs, so
        // the tape is borrowed once per term, and nested sums stack their
        // parents above ours in the scratch buffer.
        let start = self.nodes.borrow().sum_scratch.len();
        for term in terms {
            self.check_same_tape(term, "summed with");
            let mut nodes = self.nodes.borrow_mut();
            let position = nodes.operand(term.key);
            nodes.sum_scratch.push(position as u32);
        }
        let mut nodes = self.nodes.borrow_mut();
        let Nodes {
            values,
            needs_grad,
            edges,
            sum_scratch,
            ..
        } = &mut *nodes;
        let parents = &sum_scratch[start..];
        let value = rules::eval(Op::Sum, parents.len(), |k| values[parents[k] as usize]);
        let grad = parents.iter().any(|&p| needs_grad[p as usize]);
        edges.extend_from_slice(parents);
        sum_scratch.truncate(start);
        let key = nodes.push(Op::Sum, value, grad);
        Var::new(self, key)
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
    pub fn set_value(&self, leaf: Var<'_>, value: f64) {
        self.check_same_tape(leaf, "set on");
        let mut nodes = self.nodes.borrow_mut();
        let position = nodes.position(leaf.key);
        let op = nodes.ops[position];
        assert!(
            op.is_leaf(),
            "Tape::set_value: node #{position} is a `{op}` node computed from other nodes; \
             only leaves made by Tape::var or Tape::constant can be given a new value"
        );
        nodes.values[position] = value;
        let end = nodes.len() as u32;
        let leaf = position as u32;
        if leaf + 1 < end {
            nodes.stale = Some(match nodes.stale {
                None => StaleRange { leaf, end },
                Some(s) => StaleRange {
                    leaf: s.leaf.min(leaf),
                    end: s.end.max(end),
                },
            });
        }
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

    /// Records a node with one parent.
    pub(crate) fn unary<'t>(&'t self, op: Op, x: Var<'t>) -> Var<'t> {
        self.check_same_tape(x, "combined with");
        let mut nodes = self.nodes.borrow_mut();
        let px = nodes.operand(x.key);
        let value = rules::eval(op, 1, |_| nodes.values[px]);
        let grad = nodes.needs_grad[px];
        nodes.edges.push(px as u32);
        let key = nodes.push(op, value, grad);
        Var::new(self, key)
    }

    /// Records a node with two parents.
    pub(crate) fn binary<'t>(&'t self, op: Op, a: Var<'t>, b: Var<'t>) -> Var<'t> {
        self.check_same_tape(a, "combined with");
        self.check_same_tape(b, "combined with");
        let mut nodes = self.nodes.borrow_mut();
        let (pa, pb) = (nodes.operand(a.key), nodes.operand(b.key));
        let value = rules::eval(op, 2, |k| nodes.values[if k == 0 { pa } else { pb }]);
        let grad = nodes.needs_grad[pa] || nodes.needs_grad[pb];
        nodes.edges.extend_from_slice(&[pa as u32, pb as u32]);
        let key = nodes.push(op, value, grad);
        Var::new(self, key)
    }

    fn leaf(&self, op: Op, value: f64) -> Var<'_> {
        let key = self.nodes.borrow_mut().push(op, value, op == Op::Var);
        Var::new(self, key)
    }

    /// Panics unless `var` was recorded on this tape.
    #[inline]
    pub(crate) fn check_same_tape(&self, var: Var<'_>, action: &str) {
        assert!(
            std::ptr::eq(self, var.tape),
            "a Var from one Tape was {action} a Var from another Tape; \
             every Var in an expression must come from the same Tape"
        );
    }
}

impl Nodes {
    pub(crate) fn len(&self) -> usize {
        self.ops.len()
    }

    /// The position of a live node.
    ///
    /// # Panics
    ///
    /// If the node was dropped by a rewind.
    #[inline]
    pub(crate) fn position(&self, key: NodeKey) -> usize {
        match self.handles.get(key) {
            Some(&position) => position as usize,
            None => panic!(
                "this Var's node was dropped by Tape::rewind; a Var is only valid until the \
                 tape is rewound below it, so keep values you reuse across steps (parameters) \
                 below the mark"
            ),
        }
    }

    pub(crate) fn is_live(&self, key: NodeKey) -> bool {
        self.handles.contains_key(key)
    }

    /// The position of a node about to be used as an operand or an output:
    /// like [`Nodes::position`], and also refuses a computed node whose value
    /// predates a [`Tape::set_value`].
    #[inline]
    pub(crate) fn operand(&self, key: NodeKey) -> usize {
        let position = self.position(key);
        if let Some(stale) = self.stale {
            let p = position as u32;
            if p > stale.leaf && p < stale.end && !self.ops[position].is_leaf() {
                panic!(
                    "node #{position} was computed before Tape::set_value changed leaf #{leaf}, \
                     so its value may be out of date; rewind to a mark taken before recording \
                     it and record it again",
                    leaf = stale.leaf
                );
            }
        }
        position
    }

    /// The positions of node `position`'s parents.
    #[inline]
    pub(crate) fn parents(&self, position: usize) -> &[u32] {
        let start = if position == 0 {
            0
        } else {
            self.edge_end[position - 1] as usize
        };
        &self.edges[start..self.edge_end[position] as usize]
    }

    pub(crate) fn key(&self, position: usize) -> NodeKey {
        self.keys[position]
    }

    pub(crate) fn name(&self, position: usize) -> Option<&str> {
        let p = position as u32;
        self.names
            .binary_search_by_key(&p, |(q, _)| *q)
            .ok()
            .map(|i| &*self.names[i].1)
    }

    pub(crate) fn set_name(&mut self, position: usize, name: Name) {
        let p = position as u32;
        // Names are almost always given to the newest node, which appends.
        match self.names.binary_search_by_key(&p, |(q, _)| *q) {
            Ok(i) => self.names[i].1 = name,
            Err(i) => self.names.insert(i, (p, name)),
        }
    }

    /// Appends a node whose parents were just pushed onto `edges`.
    #[inline]
    fn push(&mut self, op: Op, value: f64, needs_grad: bool) -> NodeKey {
        let position = self.ops.len();
        let position = u32::try_from(position)
            .ok()
            .filter(|&p| p < u32::MAX)
            .expect("a Tape holds at most 4,294,967,294 nodes; rewind it between steps");
        let edge_end = u32::try_from(self.edges.len())
            .expect("a Tape holds at most 4,294,967,295 parent links; rewind it between steps");
        self.ops.push(op);
        self.values.push(value);
        self.needs_grad.push(needs_grad);
        self.edge_end.push(edge_end);
        let key = self.handles.insert(position);
        self.keys.push(key);
        key
    }

    /// Keeps the first `keep` nodes.
    fn truncate(&mut self, keep: usize) {
        // Freeing the newest slots first hands them back oldest first, so the
        // handles of the next step's nodes sit in the same order as their data.
        for &key in self.keys[keep..].iter().rev() {
            self.handles.remove(key);
        }
        self.keys.truncate(keep);
        let edges = if keep == 0 {
            0
        } else {
            self.edge_end[keep - 1] as usize
        };
        self.edges.truncate(edges);
        self.ops.truncate(keep);
        self.values.truncate(keep);
        self.needs_grad.truncate(keep);
        self.edge_end.truncate(keep);
        let named = self.names.partition_point(|&(p, _)| (p as usize) < keep);
        self.names.truncate(named);
        let keep = keep as u32;
        self.stale = self
            .stale
            .filter(|s| keep > s.leaf + 1)
            .map(|s| StaleRange {
                leaf: s.leaf,
                end: s.end.min(keep),
            });
        self.rewinds.record(keep);
    }

    /// The position `key` names, for reading gradients computed at `epoch`
    /// when the tape held `recorded` nodes.
    ///
    /// # Panics
    ///
    /// If the node was dropped, or recorded after those gradients were computed.
    pub(crate) fn position_at(&self, key: NodeKey, epoch: u64, recorded: usize) -> usize {
        let position = self.position(key);
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
        position < recorded.min(self.rewinds.floor_since(epoch) as usize)
    }

    pub(crate) fn epoch(&self) -> u64 {
        self.rewinds.epoch
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
    fn rewind_reuses_slots_in_recording_order() {
        let tape = Tape::new();
        let x = tape.var(1.0);
        let mark = tape.mark();
        let first: Vec<_> = (0..4).map(|_| (x + 1.0).key).collect();
        tape.rewind(mark);
        let second: Vec<_> = (0..4).map(|_| (x + 1.0).key).collect();
        let slots = |keys: &[NodeKey]| -> Vec<u32> {
            keys.iter()
                .map(|k| (slotmap::Key::data(k).as_ffi() & 0xffff_ffff) as u32)
                .collect()
        };
        assert_eq!(slots(&first), slots(&second));
        assert_ne!(first, second, "versions must differ after a rewind");
    }
}
