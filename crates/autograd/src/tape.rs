//! The public `Tape`: recording operations, marks and rewinds, and giving
//! leaves new values under the one rule that keeps every value current.

use std::cell::{Ref, RefCell, RefMut};
use std::fmt;
use std::panic::Location;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::anomaly;
use crate::arena::{Arena, Node, Pending};
use crate::custom::{CustomOp, Customs};
use crate::gradients::Gradients;
use crate::history::{History, Moment, SegmentKey};
use crate::name::Name;
use crate::op::Code;
use crate::pool;
use crate::rules;
use crate::snapshot::Reading;
use crate::trace::{Expr, Trace};
use crate::var::Var;

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
/// recording.
///
/// # The state model
///
/// A node's value is computed once, when it is recorded, from its parents'
/// values at that moment, and never changes. A [`Var`] stays valid until
/// [`Tape::rewind`] drops its node. [`Tape::set_value`] gives a leaf a new
/// value only while no live node has been computed from it; otherwise it
/// panics, naming the first such node, because that node's value would go
/// out of date: rewind below it first, as a training loop does when it
/// rewinds before it updates. So every value on the tape always agrees
/// with the current leaves, and nothing else needs to track staleness. A
/// [`Gradients`] store is a snapshot of one sweep: it answers for every node
/// recorded before the sweep that is still live, also after an update moved
/// the leaves (which is how an optimiser reads it), and refuses nodes
/// recorded after it; a trace or picture refuses to show it beside a leaf
/// whose value changed since. Every recording operation checks all its
/// operands before it records anything, so a panic (caught or not) leaves
/// the tape exactly as it was.
///
/// # Threads
///
/// A `Tape` is neither `Send` nor `Sync`: its nodes sit behind a `RefCell`
/// and may carry `Rc` names, and every [`Var`] borrows it, so a tape and its
/// `Var`s belong to the thread that made them. To use several threads, give
/// each its own tape and send back plain numbers (values, or gradients read
/// with [`Gradients::wrt`]); a [`Gradients`] store itself is `Send`.
///
/// ```
/// use std::thread;
///
/// // f(x) = x³ on four points, one tape per thread.
/// let points = [0.5, 1.0, 1.5, 2.0];
/// let slopes: Vec<f64> = thread::scope(|s| {
///     let workers: Vec<_> = points
///         .iter()
///         .map(|&p| {
///             s.spawn(move || {
///                 let tape = autograd::Tape::new();
///                 let x = tape.var(p);
///                 x.powi(3).backward().wrt(x)
///             })
///         })
///         .collect();
///     workers.into_iter().map(|w| w.join().unwrap()).collect()
/// });
/// assert_eq!(slopes, [0.75, 3.0, 6.75, 12.0]); // 3x²
/// ```
///
/// A tape cannot be sent to another thread:
///
/// ```compile_fail,E0277
/// let tape = autograd::Tape::new();
/// std::thread::spawn(move || tape.var(1.0).value());
/// ```
///
/// nor shared between threads:
///
/// ```compile_fail,E0277
/// let tape = autograd::Tape::new();
/// let x = tape.var(1.0);
/// std::thread::scope(|s| {
///     s.spawn(|| x.value());
/// });
/// ```
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
/// step's nodes with [`Tape::rewind`] before it updates them, so the tape
/// does not grow and no value goes out of date:
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
    state: RefCell<State>,
    /// The operands of the sums being recorded, innermost last, and the
    /// values an update is about to set.
    scratch: RefCell<Scratch>,
}

/// Everything a tape knows, behind its `RefCell`.
pub(crate) struct State {
    pub(crate) arena: Arena,
    pub(crate) history: History,
    /// Whether anomaly detection is on.
    pub(crate) detect: bool,
    /// How many calls of [`Tape::set_value`] and [`Tape::update`] there
    /// were: each stamps the leaves it changes with the count.
    pub(crate) changes: u64,
}

/// Buffers for recording sums, kept to allocate nothing per step.
#[derive(Default)]
pub(crate) struct Scratch {
    /// Operands collected for sums, checked only once all are in: the code
    /// that yields them may record, rewind or panic in between.
    terms: Vec<Term>,
}

impl Scratch {
    pub(crate) fn clear(&mut self) {
        self.terms.clear();
    }
}

/// How many terms of a sum are collected on the stack before they move to
/// the tape's scratch.
const SHORT_SUM: usize = 8;

/// A term of a sum being collected: a `Var` without its tape.
#[derive(Clone, Copy)]
struct Term {
    segment: SegmentKey,
    index: u32,
}

/// Drops the terms a sum pushed, however it ends.
struct TermsGuard<'t> {
    scratch: &'t RefCell<Scratch>,
    start: usize,
}

impl Drop for TermsGuard<'_> {
    fn drop(&mut self) {
        // If the terms are in use, a panic is already unwinding through the
        // code that uses them; the next recording starts above them anyway.
        if let Ok(mut scratch) = self.scratch.try_borrow_mut() {
            scratch.terms.truncate(self.start);
        }
    }
}

/// Where in the recording order a tape was, to [`Tape::rewind`] back to.
///
/// Made by [`Tape::mark`]; it names its tape and the moment it was taken,
/// so rewinding another tape with it, or rewinding to it after an earlier
/// rewind dropped the nodes it marked, panics rather than cutting at a
/// meaningless position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    tape_id: u64,
    moment: Moment,
}

impl Mark {
    /// How many nodes the tape held when the mark was taken; a rewind keeps
    /// exactly these.
    #[must_use]
    pub fn len(self) -> usize {
        self.moment.len as usize
    }

    /// Whether the mark was taken on an empty tape.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.moment.len == 0
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
    /// A tape dropped on this thread leaves its buffers (up to 64 MiB) for
    /// the next one, so making a fresh tape for every step of a loop costs
    /// no allocation once the loop is warm.
    #[must_use]
    pub fn with_capacity(nodes: usize) -> Self {
        let pool::Buffers {
            mut arena,
            history,
            scratch,
        } = pool::take();
        arena.reserve(nodes);
        Tape {
            id: NEXT_TAPE_ID.fetch_add(1, Ordering::Relaxed),
            state: RefCell::new(State {
                arena,
                history,
                detect: false,
                changes: 0,
            }),
            scratch: RefCell::new(scratch),
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

    /// [`Tape::var`] with a name that traces and pictures show; see
    /// [`Name`] for what a name can be made from.
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let layer = 2;
    /// let w = tape.var_named(format!("w{layer}"), 0.5); // a String
    /// let b = tape.var_named("b", 0.1); // a &'static str
    /// assert_eq!(w.name().as_deref(), Some("w2"));
    /// assert_eq!(b.name().as_deref(), Some("b"));
    /// ```
    #[track_caller]
    pub fn var_named(&self, name: impl Into<Name>, value: f64) -> Var<'_> {
        let name = name.into();
        self.var(value).named(name)
    }

    /// A leaf that receives no gradient: a fixed input or a target.
    ///
    /// Nodes computed only from constants need no gradient either, and the
    /// reverse sweep skips them. [`Gradients::wrt`] reports 0 for them and
    /// [`Gradients::get`] `None`.
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
        let name = name.into();
        self.constant(value).named(name)
    }

    /// The sum of any number of terms, recorded as ONE n-ary [`Op::Sum`](crate::Op::Sum) node
    /// (a constant 0 with no parents when there are no terms).
    ///
    /// Unlike `Iterator::sum`, this works on an empty iterator. The terms
    /// may be recorded while the iterator runs; they are checked once all
    /// are in, so the sum never reads a term a rewind dropped meanwhile.
    ///
    /// # Panics
    ///
    /// If a term comes from another tape or was dropped by a rewind (also
    /// one made while the iterator ran).
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
        self.collect(Code::Sum, terms)
    }

    /// The mean of any number of terms, `Σ xₖ / n`, recorded as ONE n-ary
    /// [`Op::Mean`](crate::Op::Mean) node; NaN (`0 / 0`) for no terms, as in
    /// PyTorch. Its gradient is `1/n` for every term.
    ///
    /// # Panics
    ///
    /// As [`Tape::sum`].
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let xs = [tape.var(1.0), tape.var(2.0), tape.var(6.0)];
    /// let mean = tape.mean(xs);
    /// assert_eq!(mean.value(), 3.0);
    /// assert_eq!(mean.backward().wrt(xs[2]), 1.0 / 3.0);
    /// ```
    #[track_caller]
    pub fn mean<'t>(&'t self, terms: impl IntoIterator<Item = Var<'t>>) -> Var<'t> {
        self.collect(Code::Mean, terms)
    }

    /// `ln Σ e^xₖ` over any number of terms, recorded as ONE n-ary
    /// [`Op::Logsumexp`](crate::Op::Logsumexp) node. Shifted by the largest
    /// term, so it neither overflows nor underflows: `logsumexp(1000, 1000)`
    /// is `1000 + ln 2`. NaN if a term is NaN; `-inf` for no terms or when
    /// every term is `-inf`. Its gradient is the softmax `e^(xₖ - y)`.
    ///
    /// # Panics
    ///
    /// As [`Tape::sum`].
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let xs = [tape.var(1000.0), tape.var(1000.0)];
    /// let y = tape.logsumexp(xs);
    /// assert_eq!(y.value(), 1000.0 + 2f64.ln());
    /// assert_eq!(y.backward().wrt(xs[0]), 0.5);
    /// ```
    #[track_caller]
    pub fn logsumexp<'t>(&'t self, terms: impl IntoIterator<Item = Var<'t>>) -> Var<'t> {
        self.collect(Code::Logsumexp, terms)
    }

    /// Records the n-ary node `code` over terms that an iterator yields.
    #[track_caller]
    fn collect<'t>(&'t self, code: Code, terms: impl IntoIterator<Item = Var<'t>>) -> Var<'t> {
        // The iterator may record nodes and nested sums, which stack their
        // terms above ours, so the terms are not borrowed while it runs.
        let (context, given) = match code {
            Code::Sum => ("Tape::sum", "Tape::sum was given"),
            Code::Mean => ("Tape::mean", "Tape::mean was given"),
            _ => ("Tape::logsumexp", "Tape::logsumexp was given"),
        };
        // A short sum's terms wait on the stack; a longer one's move to the
        // tape's scratch, above which nested sums stack theirs.
        let mut short = [Term {
            segment: SegmentKey::default(),
            index: 0,
        }; SHORT_SUM];
        let mut count = 0;
        let mut guard = None;
        let mut terms = terms.into_iter();
        for term in terms.by_ref() {
            self.check_same_tape(term, given);
            let term = Term {
                segment: term.segment,
                index: term.index,
            };
            if count < SHORT_SUM {
                short[count] = term;
                count += 1;
            } else {
                let spilled = self.collect_terms();
                let mut scratch = self.scratch_mut();
                scratch.terms.extend_from_slice(&short);
                scratch.terms.push(term);
                guard = Some(spilled);
                break;
            }
        }
        let scratch;
        let terms: &[Term] = match &guard {
            None => &short[..count],
            Some(guard) => {
                for term in terms {
                    self.check_same_tape(term, given);
                    self.scratch_mut().terms.push(Term {
                        segment: term.segment,
                        index: term.index,
                    });
                }
                scratch = self.scratch_mut();
                &scratch.terms[guard.start..]
            }
        };
        let push = |history: &History, nodes: &[Node], edges: &mut Vec<u32>| {
            let mut needing = false;
            for (k, term) in terms.iter().enumerate() {
                if !history.is_live(term.segment, term.index) {
                    return Err(Refused::Dropped(k));
                }
                edges.push(term.index);
                needing |= nodes[term.index as usize].needs_grad;
            }
            Ok(needing)
        };
        let site = Location::caller();
        let mut state = self.write();
        if code == Code::Sum && !state.detect {
            return state.record_sum(self, terms, context);
        }
        state.record_nary(self, code, terms.len(), context, push, site)
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
        let push = |history: &History, _: &[Node], edges: &mut Vec<u32>| {
            let edge_start = edges.len();
            edges.reserve(2 * a.len());
            let usable = |var: Var<'_>| {
                std::ptr::eq(self, var.tape) && history.is_live(var.segment, var.index)
            };
            let mut needing = false;
            for (&x, &y) in a.iter().zip(b) {
                if !(usable(x) && usable(y)) {
                    break;
                }
                // A pair at a time: one check for room, not two.
                edges.extend_from_slice(&[x.index, y.index]);
                needing |= x.needs_grad | y.needs_grad;
            }
            let k = (edges.len() - edge_start) / 2;
            if k == a.len() {
                return Ok(needing);
            }
            // Name the operand refused: one of pair k.
            let (term, var) = if usable(a[k]) {
                (2 * k + 1, b[k])
            } else {
                (2 * k, a[k])
            };
            Err(if std::ptr::eq(self, var.tape) {
                Refused::Dropped(term)
            } else {
                Refused::Foreign
            })
        };
        let site = Location::caller();
        self.write()
            .record_nary(self, Code::Dot, 2 * a.len(), "Tape::dot", push, site)
    }

    /// Records an n-ary node of `code` over `terms`.
    #[track_caller]
    pub(crate) fn nary<'t>(&'t self, code: Code, terms: &[Var<'t>]) -> Var<'t> {
        let site = Location::caller();
        self.write().record_nary(
            self,
            code,
            terms.len(),
            code.name(),
            self.push_operands(terms),
            site,
        )
    }

    /// Records the custom op `op` over `operands`, whose value it computed
    /// from their values: `op` joins the tape's custom ops, the node keeps
    /// its index among them.
    #[track_caller]
    pub(crate) fn custom<'t>(&'t self, op: &CustomOp, operands: &[Var<'t>], value: f64) -> Var<'t> {
        let site = Location::caller();
        let mut state = self.write();
        let evaluate = |_: &[Node], _: &[u32], customs: &mut Customs, position: u32| {
            (value, f64::from(customs.register(op, position)))
        };
        state.record_evaluated(
            self,
            Code::Custom,
            operands.len(),
            op.name(),
            self.push_operands(operands),
            evaluate,
            site,
        )
    }

    /// The parent pusher of [`State::record_nary`] for `operands`: each
    /// must be a live node of this tape.
    fn push_operands<'a>(
        &'a self,
        operands: &'a [Var<'_>],
    ) -> impl FnOnce(&History, &[Node], &mut Vec<u32>) -> Result<bool, Refused> + 'a {
        move |history: &History, nodes: &[Node], edges: &mut Vec<u32>| {
            let mut needing = false;
            for (k, operand) in operands.iter().enumerate() {
                if !std::ptr::eq(self, operand.tape) {
                    return Err(Refused::Foreign);
                }
                if !history.is_live(operand.segment, operand.index) {
                    return Err(Refused::Dropped(k));
                }
                edges.push(operand.index);
                needing |= nodes[operand.index as usize].needs_grad;
            }
            Ok(needing)
        }
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
        let state = self.read();
        let position = u32::try_from(index)
            .ok()
            .filter(|&p| (p as usize) < state.arena.len())?;
        Some(state.var(self, position))
    }

    /// How many nodes the tape holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.read().arena.len()
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
            moment: self.read().moment(),
        }
    }

    /// Drops every node recorded after `mark`, keeping the memory for reuse.
    ///
    /// This is how a training loop keeps the tape from growing: take a mark
    /// after creating the parameters, and rewind to it after each step. A
    /// [`Var`] of a dropped node panics when used; [`Gradients`] computed
    /// before the rewind still answer for the nodes that remain.
    ///
    /// # Panics
    ///
    /// If `mark` was taken on another tape, or an earlier rewind dropped
    /// nodes the mark kept (the mark then no longer describes this tape).
    pub fn rewind(&self, mark: Mark) {
        assert!(
            mark.tape_id == self.id,
            "Tape::rewind: this mark was taken on another tape (tape {} vs tape {}); \
             rewind the tape the mark came from",
            mark.tape_id,
            self.id
        );
        let mut state = self.write();
        let len = state.arena.len();
        let keep = mark.len();
        assert!(
            state.history.intact_since(mark.moment, len),
            "Tape::rewind: an earlier rewind already dropped nodes that this mark (at position \
             {keep}) kept, so it no longer describes this tape (which holds {len} nodes); \
             take a new mark"
        );
        if keep < len {
            state.arena.truncate(keep);
            state.history.cut(keep as u32);
        }
    }

    /// Gives a leaf a new value, as an optimiser does to a parameter between
    /// steps.
    ///
    /// A leaf can change only while no live node has been computed from it
    /// (see the state model in the [`Tape`] docs): a node's value is fixed
    /// when it is recorded, so it would silently go out of date. Rewind
    /// below such nodes first. Leaves nothing depends on, and leaves whose
    /// dependents were all rewound, change freely.
    ///
    /// # Panics
    ///
    /// If a live node was computed from `leaf` (the message names the first
    /// one), if `leaf` was not made by [`Tape::var`] or [`Tape::constant`],
    /// comes from another tape, or was dropped by a rewind.
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let w = tape.var(1.0);
    /// let mark = tape.mark();
    /// let y = w * 3.0;
    /// assert_eq!(y.value(), 3.0);
    /// tape.rewind(mark); // y is dropped: nothing depends on w any more
    /// tape.set_value(w, 4.0);
    /// assert_eq!(w.value(), 4.0);
    /// assert_eq!((w * 3.0).value(), 12.0);
    /// ```
    ///
    /// Changing a leaf that a live node was computed from is refused:
    ///
    /// ```should_panic
    /// let tape = autograd::Tape::new();
    /// let w = tape.var_named("w", 1.0);
    /// let y = (w * 3.0).named("y");
    /// // panics: "Tape::set_value: leaf #0 `w` cannot change while node #1 `y` = mul(w, 3),
    /// // computed from it, is live: its value would go out of date; rewind below it first ..."
    /// tape.set_value(w, 2.0);
    /// ```
    #[track_caller]
    pub fn set_value(&self, leaf: Var<'_>, value: f64) {
        self.check_same_tape(leaf, "Tape::set_value was given");
        let mut state = self.write();
        let position = state.position(leaf);
        state.settable(position, "Tape::set_value");
        let stamp = state.next_stamp();
        state.change(position, value, stamp);
    }

    /// Gives each leaf the value beside it in `values`: [`Tape::set_value`]
    /// for each pair in turn, in one call that borrows the tape once, as an
    /// optimiser writes its parameters back.
    ///
    /// A leaf given back the bits it holds is left as it is, as if it were
    /// not listed: it is not refused while nodes computed from it are live,
    /// since none of them goes out of date, so a model's frozen parameters
    /// can be passed with the rest.
    ///
    /// # Panics
    ///
    /// If `values` does not have one value per leaf, or as
    /// [`Tape::set_value`] for a leaf whose value changes (the leaves
    /// before it took their new values).
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let (w, b) = (tape.var(1.0), tape.var(0.5));
    /// let mark = tape.mark();
    /// let y = w * 3.0 + b;
    /// assert_eq!(y.value(), 3.5);
    /// // b is given back its own bits: y, computed from it, stays valid.
    /// tape.set_values(&[b], &[0.5]);
    /// // w changes, so what was computed from it goes first.
    /// tape.rewind(mark);
    /// tape.set_values(&[w, b], &[2.0, 0.25]);
    /// assert_eq!((w.value(), b.value()), (2.0, 0.25));
    /// ```
    #[track_caller]
    pub fn set_values(&self, leaves: &[Var<'_>], values: &[f64]) {
        assert!(
            leaves.len() == values.len(),
            "Tape::set_values was given {} leaves and {} values; give one value per leaf",
            leaves.len(),
            values.len()
        );
        let mut state = self.write();
        let stamp = state.next_stamp();
        for (&leaf, &value) in leaves.iter().zip(values) {
            self.check_same_tape(leaf, "Tape::set_values was given");
            let position = state.position(leaf);
            let node = &state.arena.nodes[position as usize];
            if node.code.is_leaf() && node.value.to_bits() == value.to_bits() {
                continue;
            }
            state.settable(position, "Tape::set_values");
            state.change(position, value, stamp);
        }
    }

    /// Gives each leaf the value `step(value, gradient)`, its gradient read
    /// from `grads`: an optimiser's update in one call.
    ///
    /// Equivalent to calling [`Tape::set_value`] with `grads.wrt(leaf)` for
    /// each leaf in turn, and faster. `step` runs while the tape is being
    /// changed, so it must not use the tape: read any value it needs
    /// beforehand (if it does use the tape, the panic says so). A leaf that
    /// is refused (see the panics) stops the update there, after the
    /// leaves before it took their new values.
    ///
    /// # Panics
    ///
    /// As [`Tape::set_value`] and [`Gradients::wrt`], and if `step` uses
    /// the tape.
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
    #[track_caller]
    pub fn update<'t>(
        &'t self,
        leaves: impl IntoIterator<Item = Var<'t>>,
        grads: &Gradients,
        mut step: impl FnMut(f64, f64) -> f64,
    ) {
        let mut state = self.write();
        grads.check_tape(self.id);
        let stamp = state.next_stamp();
        for leaf in leaves {
            self.check_same_tape(leaf, "Tape::update was given");
            // Reading the gradient checks that the leaf is live.
            let gradient = match grads.read_on_its_tape(&state, leaf) {
                Reading::Value(&g) => g,
                Reading::NoGradient => 0.0,
                Reading::RecordedAfter => Gradients::refuse_newer(leaf.index),
            };
            let value = state.settable(leaf.index, "Tape::update");
            state.change(leaf.index, step(value, gradient), stamp);
        }
    }

    /// Turns anomaly detection on or off (off by default), as
    /// `torch.autograd.detect_anomaly` does.
    ///
    /// While it is on, an operation whose value would be NaN or infinite
    /// although its operands are finite panics instead of recording its
    /// node, and [`Var::backward`] panics at the first node that passes a
    /// NaN or infinite gradient to a parent that needs a gradient while its
    /// own gradient is finite. The message names the node (id, name, op),
    /// its parents' values and the line of the program that recorded it.
    /// Off, it costs nothing measurable; [`Var::try_backward`] finds the
    /// same anomalies without panicking, whether detection is on or off.
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
        self.write().detect = on;
    }

    /// Whether anomaly detection is on; see [`Tape::set_detect_anomaly`].
    #[must_use]
    pub fn detect_anomaly(&self) -> bool {
        self.read().detect
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

    /// The tape's state, to read.
    ///
    /// # Panics
    ///
    /// If the tape is being changed by the code that called this; see
    /// [`busy`].
    #[inline]
    #[track_caller]
    pub(crate) fn read(&self) -> Ref<'_, State> {
        match self.state.try_borrow() {
            Ok(state) => state,
            Err(_) => busy(),
        }
    }

    /// The tape's state, unless it is being changed right now.
    pub(crate) fn try_read(&self) -> Option<Ref<'_, State>> {
        self.state.try_borrow().ok()
    }

    /// The tape's state, to change.
    ///
    /// # Panics
    ///
    /// If the tape is in use by the code that called this; see [`busy`].
    #[inline]
    #[track_caller]
    pub(crate) fn write(&self) -> RefMut<'_, State> {
        match self.state.try_borrow_mut() {
            Ok(state) => state,
            Err(_) => busy(),
        }
    }

    #[track_caller]
    fn scratch_mut(&self) -> RefMut<'_, Scratch> {
        match self.scratch.try_borrow_mut() {
            Ok(scratch) => scratch,
            Err(_) => busy(),
        }
    }

    /// Starts collecting the terms of a sum; the guard drops them.
    #[track_caller]
    fn collect_terms(&self) -> TermsGuard<'_> {
        TermsGuard {
            scratch: &self.scratch,
            start: self.scratch_mut().terms.len(),
        }
    }

    /// Records a node with one parent. Inlined into each operator, where
    /// the code is a constant, so the forward rule's match folds away.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn unary<'t>(&'t self, code: Code, scalar: f64, x: Var<'t>) -> Var<'t> {
        self.check_same_tape(x, "an operation was given");
        let mut state = self.write();
        let px = state.position(x);
        let xv = state.value_of(x, px);
        let (value, scalar) = rules::eval(code, scalar, 1, |_| xv);
        let node = Pending {
            code,
            scalar,
            value,
            needs_grad: x.needs_grad && code.passes_gradient(),
        };
        state.record(self, node, [px], Location::caller())
    }

    /// Records a node with two parents; inlined as [`Tape::unary`] is.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn binary<'t>(&'t self, code: Code, a: Var<'t>, b: Var<'t>) -> Var<'t> {
        self.check_same_tape(a, "an operation was given");
        self.check_same_tape(b, "an operation was given");
        let mut state = self.write();
        let (pa, pb) = (state.position(a), state.position(b));
        let (va, vb) = (state.value_of(a, pa), state.value_of(b, pb));
        let (value, scalar) = rules::eval(code, 0.0, 2, |k| if k == 0 { va } else { vb });
        let node = Pending {
            code,
            scalar,
            value,
            needs_grad: a.needs_grad || b.needs_grad,
        };
        state.record(self, node, [pa, pb], Location::caller())
    }

    #[inline]
    #[track_caller]
    fn leaf(&self, code: Code, value: f64) -> Var<'_> {
        let node = Pending {
            code,
            scalar: 0.0,
            value,
            needs_grad: code == Code::Var,
        };
        self.write().record(self, node, [], Location::caller())
    }

    /// Panics unless `var` was recorded on this tape.
    #[inline]
    #[track_caller]
    pub(crate) fn check_same_tape(&self, var: Var<'_>, context: &'static str) {
        if !std::ptr::eq(self, var.tape) {
            foreign(context);
        }
    }
}

/// `evaluate()`, in a function of its own. An n-ary node's value is a loop
/// (a sum, a dot product); inlined beside the node's push, whose growing
/// path is a call, the compiler kept the running total in a stack slot
/// through the whole loop, a store and a load per term on the chain of
/// additions. Here it stays in a register.
#[inline(never)]
fn apart<R>(evaluate: impl FnOnce() -> R) -> R {
    evaluate()
}

/// The panic for a `Var` from another tape.
#[cold]
#[inline(never)]
#[track_caller]
fn foreign(context: &str) -> ! {
    panic!(
        "{context} a Var from another Tape; every Var in an expression must come \
         from the same Tape, the one that recorded it"
    )
}

impl State {
    /// The position of a live node.
    ///
    /// # Panics
    ///
    /// If the node was dropped by a rewind.
    #[inline]
    #[track_caller]
    pub(crate) fn position(&self, var: Var<'_>) -> u32 {
        if self.history.is_live(var.segment, var.index) {
            var.index
        } else {
            dropped()
        }
    }

    /// A handle to the live node at `position`.
    pub(crate) fn var<'t>(&self, tape: &'t Tape, position: u32) -> Var<'t> {
        let node = &self.arena.nodes[position as usize];
        Var::new(tape, self.history.segment_at(position), position, node)
    }

    /// The value of the live node `var` at `position`: the one it carries,
    /// unless it is a leaf, whose value may have changed since.
    #[inline(always)]
    pub(crate) fn value_of(&self, var: Var<'_>, position: u32) -> f64 {
        if var.fixed {
            var.value
        } else {
            self.arena.nodes[position as usize].value
        }
    }

    /// This moment in the tape's history.
    pub(crate) fn moment(&self) -> Moment {
        self.history.now(self.arena.len())
    }

    /// Records `node` with the given parents, all or nothing: every check
    /// that can panic runs before anything is written.
    #[inline(always)]
    #[track_caller]
    fn record<'t, const N: usize>(
        &mut self,
        tape: &'t Tape,
        node: Pending,
        parents: [u32; N],
        site: &'static Location<'static>,
    ) -> Var<'t> {
        let position = self.arena.next_position(N);
        let edge_start = self.arena.edges.len();
        // One push per parent: cheaper than a slice copy for so few.
        for parent in parents {
            self.arena.edges.push(parent);
        }
        if self.detect {
            self.check_forward(position, node, edge_start, site);
        }
        self.finish(tape, position, node, edge_start)
    }

    /// Records an n-ary node over the `count` parents that `push` checks
    /// and appends to the edge list (returning whether any needs a gradient), all
    /// or nothing: if `push` refuses an operand, the parents it pushed are
    /// taken back before the panic. The value is computed from the parents
    /// on the edge list.
    #[track_caller]
    fn record_nary<'t>(
        &mut self,
        tape: &'t Tape,
        code: Code,
        count: usize,
        context: &str,
        push: impl FnOnce(&History, &[Node], &mut Vec<u32>) -> Result<bool, Refused>,
        site: &'static Location<'static>,
    ) -> Var<'t> {
        let evaluate = |nodes: &[Node], parents: &[u32], _: &mut Customs, _: u32| {
            rules::eval(code, 0.0, parents.len(), |k| {
                nodes[parents[k] as usize].value
            })
        };
        self.record_evaluated(tape, code, count, context, push, evaluate, site)
    }

    /// A sum node over `terms`, all or nothing as [`State::record_nary`]
    /// records it (without anomaly detection), without that path's
    /// closures: the sum is the most common n-ary node (a neuron's net
    /// input). The value is the terms' values added left to right from the
    /// first, as [`rules::eval`] adds them (0 for none).
    #[track_caller]
    fn record_sum<'t>(&mut self, tape: &'t Tape, terms: &[Term], context: &str) -> Var<'t> {
        let position = self.arena.next_position(terms.len());
        let edge_start = self.arena.edges.len();
        let (history, arena) = (&self.history, &mut self.arena);
        arena.edges.reserve(terms.len());
        let (mut total, mut needs_grad) = (0.0, false);
        for (k, term) in terms.iter().enumerate() {
            if !history.is_live(term.segment, term.index) {
                arena.edges.truncate(edge_start);
                Refused::Dropped(k).panic(context);
            }
            let node = &arena.nodes[term.index as usize];
            total = if k == 0 {
                node.value
            } else {
                total + node.value
            };
            needs_grad |= node.needs_grad;
            arena.edges.push(term.index);
        }
        let node = Pending {
            code: Code::Sum,
            scalar: 0.0,
            value: total,
            needs_grad,
        };
        self.finish(tape, position, node, edge_start)
    }

    /// [`State::record_nary`] with the node's value and kept number given
    /// by `evaluate` (from the nodes, the node's parents, the tape's custom
    /// ops and the node's position) once every parent passed.
    #[track_caller]
    #[allow(clippy::too_many_arguments, reason = "one private recording step")]
    fn record_evaluated<'t>(
        &mut self,
        tape: &'t Tape,
        code: Code,
        count: usize,
        context: &str,
        push: impl FnOnce(&History, &[Node], &mut Vec<u32>) -> Result<bool, Refused>,
        evaluate: impl FnOnce(&[Node], &[u32], &mut Customs, u32) -> (f64, f64),
        site: &'static Location<'static>,
    ) -> Var<'t> {
        let position = self.arena.next_position(count);
        let edge_start = self.arena.edges.len();
        let needs_grad = match push(&self.history, &self.arena.nodes, &mut self.arena.edges) {
            Ok(needs_grad) => needs_grad,
            Err(refused) => {
                self.arena.edges.truncate(edge_start);
                refused.panic(context);
            }
        };
        let arena = &mut self.arena;
        let (value, scalar) = apart(|| {
            evaluate(
                &arena.nodes,
                &arena.edges[edge_start..],
                &mut arena.customs,
                position,
            )
        });
        let node = Pending {
            code,
            scalar,
            value,
            needs_grad,
        };
        if self.detect {
            self.check_forward(position, node, edge_start, site);
        }
        self.finish(tape, position, node, edge_start)
    }

    /// Appends a node whose parents are on the edge list from `edge_start`.
    #[inline(always)]
    fn finish<'t>(
        &mut self,
        tape: &'t Tape,
        position: u32,
        node: Pending,
        edge_start: usize,
    ) -> Var<'t> {
        self.arena.push_node(node, edge_start);
        let computed = !node.code.is_leaf();
        let segment = self.history.append(position, computed);
        Var {
            tape,
            segment,
            index: position,
            needs_grad: node.needs_grad,
            fixed: computed,
            value: if computed { node.value } else { 0.0 },
        }
    }

    /// With anomaly detection on: panics if the node, whose parents were
    /// just pushed from `edge_start` on, would turn finite parents into a
    /// non-finite value, taking the parents back first so that nothing is
    /// recorded; else notes where it was recorded.
    #[cold]
    #[track_caller]
    fn check_forward(
        &mut self,
        position: u32,
        node: Pending,
        edge_start: usize,
        site: &'static Location<'static>,
    ) {
        let parents = &self.arena.edges[edge_start..];
        if let Some(anomaly) =
            anomaly::forward(&self.arena, position as usize, node, parents, Some(site))
        {
            self.arena.edges.truncate(edge_start);
            panic!("{anomaly}");
        }
        self.arena.set_site(position, site);
    }

    /// The value of the leaf at `position`, if it may be given a new one
    /// under the rule of [`Tape::set_value`].
    ///
    /// # Panics
    ///
    /// If the node is no leaf, or a live node was computed from it.
    #[inline]
    #[track_caller]
    fn settable(&self, position: u32, context: &str) -> f64 {
        let node = &self.arena.nodes[position as usize];
        if !node.code.is_leaf() {
            self.refuse_computed(position, context);
        }
        if let Some(child) = self.history.first_dependent(&self.arena, position) {
            self.refuse_dependent(position, child, context);
        }
        node.value
    }

    /// Gives the leaf at `position`, which [`State::settable`] approved, a
    /// new value, stamped with `stamp` from [`State::next_stamp`].
    #[inline]
    fn change(&mut self, position: u32, value: f64, stamp: u64) {
        let node = &mut self.arena.nodes[position as usize];
        // Without a branch: the comparison waits for the value, which a
        // branch on it would make the whole update wait for.
        let changed = value.to_bits() != node.value.to_bits();
        let stamp = if changed { stamp } else { node.changed_at() };
        node.change(value, stamp);
    }

    /// A stamp for the leaves the next change gives new values (a leaf
    /// given back its own value keeps its stamp).
    fn next_stamp(&mut self) -> u64 {
        self.changes += 1;
        self.changes
    }

    #[cold]
    #[track_caller]
    fn refuse_computed(&self, position: u32, context: &str) -> ! {
        panic!(
            "{context}: node #{position} is a `{}` node computed from other nodes; \
             only leaves made by Tape::var or Tape::constant can be given a new value",
            self.arena.op(position as usize)
        )
    }

    #[cold]
    #[track_caller]
    fn refuse_dependent(&self, leaf: u32, child: u32, context: &str) -> ! {
        panic!(
            "{context}: leaf {} cannot change while node {} = {}, computed from it, is live: \
             its value would go out of date; rewind below it first (to a mark taken \
             before node #{child} was recorded), as a training loop rewinds before it \
             updates, or make the new value a new leaf",
            self.label(leaf),
            self.label(child),
            Expr::new(&self.arena, child as usize),
        )
    }

    /// `#5 `net_h1``, or `#5` for an unnamed node.
    pub(crate) fn label(&self, position: u32) -> String {
        match self.arena.name(position as usize) {
            Some(name) => format!("#{position} `{name}`"),
            None => format!("#{position}"),
        }
    }
}

/// The panic for a `Var` whose node a rewind dropped.
#[cold]
#[track_caller]
pub(crate) fn dropped() -> ! {
    panic!(
        "this Var's node was dropped by Tape::rewind; a Var is only valid until the \
         tape is rewound below it, so keep values you reuse across steps (parameters) \
         below the mark"
    )
}

/// Why an n-ary node cannot take one of its operands.
enum Refused {
    /// The operand comes from another tape.
    Foreign,
    /// Operand `k` was dropped by a rewind.
    Dropped(usize),
}

impl Refused {
    #[cold]
    #[track_caller]
    fn panic(self, context: &str) -> ! {
        match self {
            Refused::Foreign => foreign(&format!("{context} was given")),
            Refused::Dropped(k) => panic!(
                "{context}: term {k} was dropped by Tape::rewind (perhaps by the code that \
                 produced the terms) before the node was recorded; a Var is only valid until \
                 the tape is rewound below it, so rewind before or after recording the terms, \
                 not in between"
            ),
        }
    }
}

/// The panic for a tape used while it is in use: code the tape runs (a
/// writer a [`Trace`] prints into, say) called back into the same tape.
#[cold]
#[track_caller]
fn busy() -> ! {
    panic!(
        "this Tape is in use by the code that called back into it: a Tape::update step, or a \
         writer a trace or picture of this tape is printed into, may not use the same tape; \
         read the values you need before calling update, or print into a String first"
    )
}

impl Drop for Tape {
    /// Leaves the buffers for the next tape made on this thread.
    fn drop(&mut self) {
        let state = self.state.get_mut();
        pool::give(pool::Buffers {
            arena: std::mem::take(&mut state.arena),
            history: std::mem::take(&mut state.history),
            scratch: std::mem::take(self.scratch.get_mut()),
        });
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
        let state = tape.read();
        assert_eq!(
            state.history.segment_count(),
            2,
            "the parameters' and this step's"
        );
        assert!(
            old.iter()
                .all(|&v| !state.history.is_live(v.segment, v.index))
        );
        assert!(state.history.is_live(w.segment, w.index));
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
        let state = tape.read();
        let live = |v: Var<'_>| state.history.is_live(v.segment, v.index);
        assert!(live(a) && live(b) && live(d));
        assert!(!live(c));
        assert_eq!(c.index, d.index);
        assert_ne!(c.segment, d.segment);
        // Handles rebuilt from positions find the right segment.
        assert_eq!(state.var(&tape, 1), b);
        assert_eq!(state.var(&tape, 2), d);
    }

    #[test]
    fn a_dropped_tape_leaves_its_buffers_to_the_next() {
        let capacity = {
            let tape = Tape::new();
            let x = tape.var(1.0);
            let _ = (0..1000).fold(x, |acc, _| acc + 1.0);
            tape.read().arena.nodes.capacity()
        };
        let tape = Tape::new();
        assert!(tape.read().arena.nodes.capacity() >= capacity);
        assert!(tape.is_empty());
    }

    #[test]
    fn after_a_rewind_no_computed_node_is_left_to_check() {
        let tape = Tape::new();
        let w = [tape.var(1.0), tape.var(2.0)];
        let mark = tape.mark();
        let p = w[0] * w[1];
        assert_eq!(
            tape.read().history.first_dependent(&tape.read().arena, 0),
            Some(p.index)
        );
        tape.rewind(mark);
        let state = tape.read();
        assert_eq!(state.history.first_dependent(&state.arena, 0), None);
        assert_eq!(state.history.first_dependent(&state.arena, 1), None);
    }

    #[test]
    fn the_first_dependent_is_found_behind_leaves_and_other_nodes() {
        let tape = Tape::new();
        let a = tape.var(1.0);
        let b = tape.var(2.0);
        let _ab = a * b; // #2
        let _c = tape.constant(3.0); // #3, a leaf sharing #4's edge start
        let bb = tape.sum([b, b, b]); // #4
        let _a2 = a * 2.0; // #5
        let state = tape.read();
        assert_eq!(state.history.first_dependent(&state.arena, 0), Some(2));
        assert_eq!(state.history.first_dependent(&state.arena, 1), Some(2));
        assert_eq!(state.history.first_dependent(&state.arena, 3), None);
        assert_eq!(state.history.first_dependent(&state.arena, 2), None);
        assert_eq!(bb.index, 4);
    }
}
