//! The reverse sweep and the gradient store it fills.

use std::fmt;
use std::ops::Index;

use crate::anomaly::Flow;
use crate::arena::{Arena, Node};
use crate::op::Code;
use crate::rules;
use crate::snapshot::{Reading, Snapshot, Store};
use crate::tape::{State, Tape};
use crate::var::Var;

/// The gradient of one output with respect to every node of its tape, as
/// [`Var::backward`] returns it.
///
/// Read it with [`Gradients::wrt`] or by indexing with a [`Var`]. The store
/// is independent of the nodes: it stays valid across [`Tape::rewind`] and
/// [`Tape::set_value`] for every node that still exists, so a training loop
/// may rewind before it applies the update.
///
/// [`Tape::rewind`]: crate::Tape::rewind
/// [`Tape::set_value`]: crate::Tape::set_value
///
/// # Examples
///
/// ```
/// let tape = autograd::Tape::new();
/// let (x, y) = (tape.var(3.0), tape.var(4.0));
/// let z = x * y + y; // ∂z/∂x = y, ∂z/∂y = x + 1
/// let grads = z.backward();
/// assert_eq!(grads.wrt(x), 4.0);
/// assert_eq!(grads[y], 4.0);
/// assert_eq!(grads.wrt(z), 1.0);
/// ```
#[must_use = "backward computes gradients; read them with wrt or by indexing"]
#[derive(Clone, Default)]
pub struct Gradients {
    /// Which tape and which of its nodes the sweep describes.
    snapshot: Snapshot,
    /// The adjoint of every node from position 0 up to the output.
    adjoints: Vec<f64>,
}

/// How a [`Gradients`] store names itself in its panics.
const STORE: Store = Store {
    name: "Gradients",
    fill: "Var::backward_into",
    computed: "backward again on the current output",
};

impl Gradients {
    /// An empty store, to fill with [`Var::backward_into`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The gradient of the output with respect to `node`: 0 for a node the
    /// output does not depend on, and for a node that receives no gradient
    /// (a constant, or a node computed only from constants).
    ///
    /// The store is a snapshot of the sweep: it keeps answering for every
    /// node recorded before the sweep that is still live, also after
    /// [`Tape::set_value`](crate::Tape::set_value) moved a leaf, which is
    /// how an optimiser reads it.
    ///
    /// # Panics
    ///
    /// If the store is empty, or `node` belongs to another tape than the
    /// output, was dropped by a rewind, or was recorded after this store
    /// was computed.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn wrt(&self, node: Var<'_>) -> f64 {
        self.get(node).unwrap_or(0.0)
    }

    /// The gradient with respect to each of `nodes`, into `out` (one per
    /// node, in order): [`Gradients::wrt`] for each, in one call that
    /// borrows the tape once, as an optimiser reads its parameters'
    /// gradients.
    ///
    /// # Panics
    ///
    /// If `out` does not have one place per node, or as [`Gradients::wrt`]
    /// (for the first node it refuses, with the nodes before it written).
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let (a, b) = (tape.var(3.0), tape.var(4.0));
    /// let grads = (a * b).backward();
    /// let mut gradient = [0.0; 2];
    /// grads.wrt_into(&[a, b], &mut gradient);
    /// assert_eq!(gradient, [4.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn wrt_into(&self, nodes: &[Var<'_>], out: &mut [f64]) {
        assert!(
            nodes.len() == out.len(),
            "Gradients::wrt_into was given {} nodes and {} places for their gradients; give \
             one place per node",
            nodes.len(),
            out.len()
        );
        let Some(first) = nodes.first() else {
            return;
        };
        let tape = first.tape;
        let state = tape.read();
        self.check_tape(tape.id());
        for (&node, place) in nodes.iter().zip(out) {
            tape.check_same_tape(node, "Gradients::wrt_into was given");
            *place = match self.read_on_its_tape(&state, node) {
                Reading::Value(&g) => g,
                Reading::NoGradient => 0.0,
                Reading::RecordedAfter => Self::refuse_newer(node.index),
            };
        }
    }

    /// Like [`Gradients::wrt`], but `None` for a node that receives no
    /// gradient at all (a constant, or a node computed only from constants).
    ///
    /// # Panics
    ///
    /// As [`Gradients::wrt`].
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn get(&self, node: Var<'_>) -> Option<f64> {
        self.slot(node).copied()
    }

    /// The number of nodes the sweep covered: the output's position plus one.
    #[must_use]
    pub fn len(&self) -> usize {
        self.adjoints.len()
    }

    /// Whether no sweep has filled this store yet.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.adjoints.is_empty()
    }

    /// The adjoint of the node at `position`, 0 beyond the output.
    pub(crate) fn adjoint_at(&self, position: usize) -> f64 {
        self.adjoints.get(position).copied().unwrap_or(0.0)
    }

    pub(crate) fn tape_id(&self) -> u64 {
        self.snapshot.tape_id
    }

    #[inline]
    #[track_caller]
    fn slot(&self, node: Var<'_>) -> Option<&f64> {
        let state = node.tape.read();
        match self.read(node.tape.id(), &state, node) {
            Reading::Value(g) => Some(g),
            Reading::NoGradient => None,
            Reading::RecordedAfter => Self::refuse_newer(node.index),
        }
    }

    /// The one way a gradient is read: what this store holds for the live
    /// node `var` of the tape `tape_id`, whose state is given.
    ///
    /// # Panics
    ///
    /// If the store is empty or was computed on another tape, or `var` was
    /// dropped by a rewind.
    #[inline]
    #[track_caller]
    pub(crate) fn read(&self, tape_id: u64, state: &State, var: Var<'_>) -> Reading<'_> {
        self.check_tape(tape_id);
        self.read_on_its_tape(state, var)
    }

    /// Panics unless this store was filled by a sweep on the tape `tape_id`.
    #[inline]
    #[track_caller]
    pub(crate) fn check_tape(&self, tape_id: u64) {
        self.snapshot.check_tape(tape_id, &STORE);
    }

    /// [`Gradients::read`] once [`Gradients::check_tape`] passed.
    #[inline]
    #[track_caller]
    pub(crate) fn read_on_its_tape(&self, state: &State, var: Var<'_>) -> Reading<'_> {
        self.snapshot.read(state, var, &self.adjoints)
    }

    /// The gradient a trace or picture shows beside the node at `position`:
    /// none for a node that needs none or was recorded after the sweep.
    ///
    /// # Panics
    ///
    /// If the node is a leaf whose value changed after the sweep: the
    /// gradients belong to another point than the values shown.
    pub(crate) fn shown(&self, tape: &Tape, state: &State, position: usize) -> Option<f64> {
        let var = state.var(tape, position as u32);
        let node = &state.arena.nodes[position];
        let gradient = match self.read(tape.id(), state, var) {
            Reading::Value(&g) => g,
            Reading::NoGradient | Reading::RecordedAfter => return None,
        };
        assert!(
            !node.code.is_leaf() || node.changed_at() <= self.snapshot.changes,
            "these Gradients were computed before Tape::set_value gave leaf #{position} a new \
             value, so they describe another point than the values shown beside them; call \
             backward again before showing them together"
        );
        Some(gradient)
    }

    /// The panic for a node recorded after the sweep.
    #[cold]
    #[track_caller]
    pub(crate) fn refuse_newer(position: u32) -> ! {
        STORE.refuse_newer(position)
    }

    /// One reverse sweep from `output` down to position 0. With `CHECK`, it
    /// stops at the first node that passes a non-finite gradient to a
    /// parent that needs one while its own is finite, and returns that node
    /// and the flow; without, the check compiles away.
    pub(crate) fn sweep<const CHECK: bool>(
        &mut self,
        tape_id: u64,
        state: &State,
        output: usize,
    ) -> Option<(usize, Flow)> {
        self.snapshot = Snapshot::taken(tape_id, state);
        let arena = &state.arena;
        if self.adjoints.capacity() == 0 {
            // A new store: the memory a dropped one left, if any.
            self.adjoints = crate::pool::take_adjoints();
        }
        let adjoints = &mut self.adjoints;
        adjoints.clear();
        adjoints.resize(output + 1, 0.0);
        adjoints[output] = 1.0;
        let edges = &arena.edges;
        // Node i's parents start where its record says and end where node
        // i + 1's start, so walking down keeps one cursor into `edges`.
        let mut end = arena
            .nodes
            .get(output + 1)
            .map_or(edges.len(), |next| next.edge_start as usize);
        let records = &arena.nodes[..=output];
        // The adjoint of the node being visited and of the one right below
        // it are carried in registers: the node below is most often a parent
        // (a chain of steps), and going through memory would make every
        // step wait for the store of the one before. `below` starts as what
        // the nodes above gave it and takes this node's shares in the order
        // `adjoints[i - 1] +=` would, so the bits are the same. A node's
        // parents come before it, so its shares go to the adjoints below
        // its own.
        let mut g = adjoints[output];
        for i in (0..=output).rev() {
            let node = &records[i];
            let start = node.edge_start as usize;
            let (lower, own) = adjoints.split_at_mut(i);
            own[0] = g;
            let below_index = i.wrapping_sub(1);
            let mut below = lower.last().copied().unwrap_or(0.0);
            // Nothing flows from a node with a zero adjoint (it is not
            // upstream of the output), from one that needs no gradient, or
            // from one without parents (a leaf).
            if g != 0.0 && node.needs_grad && start != end {
                let parents = &edges[start..end];
                let mut shares = Shares {
                    adjoints: lower,
                    below,
                    below_index,
                };
                // The common ops inline here, each with its code a constant so
                // that only its own rule is compiled into the loop; the rest
                // out of line, so that their rules (and their calls into
                // libm) do not cost the loop its registers. They get the
                // adjoints in memory only: a pointer to `below` would keep
                // it out of a register on every path.
                let vjp = |code, shares: &mut Shares<'_>| {
                    node_vjp::<CHECK>(code, node, parents, records, shares, g)
                };
                let bad = inline_common!(node.code, vjp(&mut shares), {
                    let mut in_memory = shares.spill();
                    let bad = node_vjp_out_of_line::<CHECK>(
                        arena,
                        node,
                        parents,
                        records,
                        &mut in_memory,
                        g,
                    );
                    shares.reload();
                    bad
                });
                below = shares.below;
                if let Some(flow) = bad {
                    return Some((i, flow));
                }
            }
            g = below;
            end = start;
        }
        None
    }
}

/// `match code { Code::A => rule(Code::A, args), ..., _ => otherwise }` over
/// the common ops: each reaches the rules as a constant, so that a sweep
/// compiles only their own rules into its loop (the forward sweep too).
macro_rules! inline_common {
    ($code:expr, $rule:ident($args:expr), $otherwise:expr) => {
        inline_common!(@codes $code, $rule($args), $otherwise, [
            Var, Add, Sub, Mul, Div, AddScalar, ScalarAdd, SubScalar, ScalarSub, MulScalar,
            ScalarMul, DivScalar, ScalarDiv, Powi, Neg, Exp, Ln, Sqrt, Sigmoid, Tanh, Relu, Sum,
            Dot
        ])
    };
    (@codes $code:expr, $rule:ident($args:expr), $otherwise:expr, [$($common:ident),* $(,)?]) => {
        match $code {
            $(Code::$common => $rule(Code::$common, $args),)*
            _ => $otherwise,
        }
    };
}
pub(crate) use inline_common;

/// Passes node `node`'s adjoint `g` on to its `parents`. With `CHECK`, the
/// first non-finite contribution from a finite adjoint to a parent that
/// needs a gradient is returned instead of going on.
#[inline(always)]
fn node_vjp<const CHECK: bool>(
    code: Code,
    node: &Node,
    parents: &[u32],
    records: &[Node],
    shares: &mut Shares<'_>,
    g: f64,
) -> Option<Flow> {
    let mut bad = None;
    rules::vjp(
        code,
        node.scalar(),
        parents.len(),
        |k| records[parents[k] as usize].value,
        // Contributions to parents that need no gradient are computed here
        // and never read: asking per parent costs the chain 1.6x (measured).
        // The checked sweep asks, so no anomaly is blamed on such a parent.
        |k| !CHECK || records[parents[k] as usize].needs_grad,
        || !CHECK,
        node.value,
        |k, partial| {
            let contribution = partial.apply(g);
            if CHECK && bad.is_none() && !contribution.is_finite() && g.is_finite() {
                bad = Some(Flow {
                    adjoint: g,
                    parent: parents[k] as usize,
                    contribution,
                });
            }
            shares.add(parents[k] as usize, contribution);
        },
    );
    bad
}

/// [`node_vjp`], not inlined. Cold, which moves the call out of the hot
/// loop's code: without it the chain (W3) took 24 to 37 ms from one run to
/// the next, with it 20 to 22 ms, for the same instructions within 0.5%
/// (`bench --only chain`, eight runs each).
#[inline(never)]
#[cold]
fn node_vjp_out_of_line<const CHECK: bool>(
    arena: &Arena,
    node: &Node,
    parents: &[u32],
    records: &[Node],
    shares: &mut Shares<'_>,
    g: f64,
) -> Option<Flow> {
    if node.code == Code::Custom {
        return custom_vjp::<CHECK>(arena, node, parents, shares, g);
    }
    node_vjp::<CHECK>(node.code, node, parents, records, shares, g)
}

/// [`node_vjp`] for a custom op, from its definition's partials.
fn custom_vjp<const CHECK: bool>(
    arena: &Arena,
    node: &Node,
    parents: &[u32],
    shares: &mut Shares<'_>,
    g: f64,
) -> Option<Flow> {
    let mut bad = None;
    arena
        .custom(node)
        .partials(arena, node, parents, |k, partial| {
            let parent = parents[k] as usize;
            // As the rules do for the checked sweep: nothing for, and no blame
            // on, a parent that needs no gradient.
            if CHECK && !arena.nodes[parent].needs_grad {
                return;
            }
            let contribution = g * partial;
            if CHECK && bad.is_none() && !contribution.is_finite() && g.is_finite() {
                bad = Some(Flow {
                    adjoint: g,
                    parent,
                    contribution,
                });
            }
            shares.add(parent, contribution);
        });
    bad
}

/// Where a node's shares of its adjoint go: the adjoints in memory, but the
/// node right below's in a register.
struct Shares<'a> {
    adjoints: &'a mut [f64],
    /// The adjoint of the node at `below_index` so far.
    below: f64,
    below_index: usize,
}

impl Shares<'_> {
    #[inline(always)]
    fn add(&mut self, parent: usize, contribution: f64) {
        if parent == self.below_index {
            self.below += contribution;
        } else {
            self.adjoints[parent] += contribution;
        }
    }

    /// The same shares with every adjoint in memory, `below` written there.
    #[inline(always)]
    fn spill(&mut self) -> Shares<'_> {
        if let Some(slot) = self.adjoints.get_mut(self.below_index) {
            *slot = self.below;
        }
        Shares {
            adjoints: &mut *self.adjoints,
            below: 0.0,
            below_index: usize::MAX,
        }
    }

    /// Takes `below` back from memory after [`Shares::spill`].
    #[inline(always)]
    fn reload(&mut self) {
        if let Some(&slot) = self.adjoints.get(self.below_index) {
            self.below = slot;
        }
    }
}

impl Drop for Gradients {
    /// Leaves the adjoints' memory for the next store swept on this thread.
    fn drop(&mut self) {
        crate::pool::give_adjoints(std::mem::take(&mut self.adjoints));
    }
}

impl Index<Var<'_>> for Gradients {
    type Output = f64;

    /// As [`Gradients::wrt`].
    #[track_caller]
    fn index(&self, node: Var<'_>) -> &f64 {
        self.slot(node).unwrap_or(&0.0)
    }
}

impl fmt::Debug for Gradients {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gradients")
            .field("tape_id", &self.snapshot.tape_id)
            .field("nodes", &self.adjoints.len())
            .finish_non_exhaustive()
    }
}
