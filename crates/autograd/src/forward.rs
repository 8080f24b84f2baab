//! Forward mode: one sweep in recording order gives every node's directional
//! derivative along a direction in the inputs (its *tangent*).
//!
//! The sweep uses the same derivative rules as the reverse sweep
//! (`rules::vjp`): asked for the vector-Jacobian product of a node with an
//! adjoint of 1, a rule hands out the node's partial derivative for each
//! parent, and the tangent is their sum weighted by the parents' tangents.
//! A parent with a zero tangent contributes nothing (its partial is not
//! even computed), as a node with a zero adjoint passes nothing back in
//! the reverse sweep.

use std::fmt;
use std::ops::Index;

use crate::arena::{Arena, Node};
use crate::gradients::inline_common;
use crate::op::Code;
use crate::rules;
use crate::snapshot::{Reading, Snapshot, Store};
use crate::tape::{State, Tape};
use crate::var::Var;

/// The tangent of every node of a tape along one direction: how fast each
/// node's value changes as the seeded nodes move, `d node / d t` where each
/// seed moves at its own speed. What [`Var::forward`] and [`Tape::tangents`]
/// return.
///
/// Read it with [`Tangents::of`] or by indexing with a [`Var`]. Like
/// [`Gradients`](crate::Gradients), it is a snapshot: it answers for every
/// node recorded before the sweep that is still live, and refuses nodes
/// recorded after it.
///
/// # Examples
///
/// ```
/// let tape = autograd::Tape::new();
/// let (x, y) = (tape.var(3.0), tape.var(4.0));
/// let z = x * y + y; // along (1, 0): dz = y; along (0, 1): dz = x + 1
/// let along_x = x.forward();
/// assert_eq!(along_x.of(z), 4.0);
/// let both = tape.tangents(&[(x, 1.0), (y, 2.0)]);
/// assert_eq!(both[z], 4.0 + 2.0 * 4.0);
/// ```
#[must_use = "a forward sweep computes tangents; read them with of or by indexing"]
#[derive(Clone, Default)]
pub struct Tangents {
    /// Which tape and which of its nodes the sweep describes.
    snapshot: Snapshot,
    /// The tangent of every node recorded before the sweep.
    tangents: Vec<f64>,
}

/// How a [`Tangents`] store names itself in its panics.
const STORE: Store = Store {
    name: "Tangents",
    fill: "Tape::tangents_into",
    computed: "Tape::tangents again",
};

impl Tangents {
    /// An empty store, to fill with [`Tape::tangents_into`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The tangent of `node`: its directional derivative along the seeded
    /// direction; 0 for a node no seed reaches, and for a node that
    /// receives no gradient (a constant, or a node computed only from
    /// constants).
    ///
    /// # Panics
    ///
    /// If the store is empty, or `node` belongs to another tape, was
    /// dropped by a rewind, or was recorded after the sweep.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn of(&self, node: Var<'_>) -> f64 {
        self.get(node).unwrap_or(0.0)
    }

    /// Like [`Tangents::of`], but `None` for a node that receives no
    /// gradient at all (a constant, or a node computed only from constants).
    ///
    /// # Panics
    ///
    /// As [`Tangents::of`].
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn get(&self, node: Var<'_>) -> Option<f64> {
        self.slot(node).copied()
    }

    /// The number of nodes the sweep covered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.tangents.len()
    }

    /// Whether no sweep has filled this store yet.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.snapshot.tape_id == 0
    }

    /// Every node's tangent, by position.
    pub(crate) fn values(&self) -> &[f64] {
        &self.tangents
    }

    #[inline]
    #[track_caller]
    fn slot(&self, node: Var<'_>) -> Option<&f64> {
        let state = node.tape.read();
        self.snapshot.check_tape(node.tape.id(), &STORE);
        match self.snapshot.read(&state, node, &self.tangents) {
            Reading::Value(t) => Some(t),
            Reading::NoGradient => None,
            Reading::RecordedAfter => STORE.refuse_newer(node.index),
        }
    }

    /// One forward sweep over every node of `state`, from the lowest seed
    /// up: each seed `(position, speed)` adds `speed` to its node's tangent,
    /// and every computed node adds its parents' tangents, each times the
    /// node's partial derivative for that parent.
    pub(crate) fn sweep(
        &mut self,
        tape_id: u64,
        state: &State,
        seeds: impl Iterator<Item = (usize, f64)>,
    ) {
        self.snapshot = Snapshot::taken(tape_id, state);
        let arena = &state.arena;
        let records = &arena.nodes[..];
        let edges = &arena.edges;
        let tangents = &mut self.tangents;
        tangents.clear();
        tangents.resize(records.len(), 0.0);
        let mut first = records.len();
        for (position, speed) in seeds {
            tangents[position] += speed;
            first = first.min(position);
        }
        for i in first..records.len() {
            let node = &records[i];
            // A leaf keeps its seed; a node that needs no gradient (a
            // constant's descendant, or a detach) has no tangent.
            if !node.needs_grad || node.code.is_leaf() {
                continue;
            }
            let start = node.edge_start as usize;
            let end = records
                .get(i + 1)
                .map_or(edges.len(), |next| next.edge_start as usize);
            let parents = &edges[start..end];
            // Parents come before the node: their tangents are final.
            let (before, rest) = tangents.split_at_mut(i);
            let tangent = &mut rest[0];
            let jvp =
                |code, tangent: &mut f64| node_jvp(code, node, parents, records, before, tangent);
            inline_common!(
                node.code,
                jvp(tangent),
                node_jvp_out_of_line(arena, node, parents, records, before, tangent)
            );
        }
    }
}

/// Adds to `tangent` the node's partial derivative for each parent times
/// that parent's tangent, for every parent whose tangent is not 0.
#[inline(always)]
fn node_jvp(
    code: Code,
    node: &Node,
    parents: &[u32],
    records: &[Node],
    tangents: &[f64],
    tangent: &mut f64,
) {
    let parent_tangent = |k: usize| tangents[parents[k] as usize];
    // No rule runs for a node no seed reaches; a unary rule does not ask
    // `needs`, so `emit` checks too (a zero tangent times an infinite
    // partial would be NaN).
    if parents.iter().all(|&p| tangents[p as usize] == 0.0) {
        return;
    }
    let mut sum = *tangent;
    rules::vjp(
        code,
        node.scalar(),
        parents.len(),
        |k| records[parents[k] as usize].value,
        |k| parent_tangent(k) != 0.0,
        || false,
        node.value,
        |k, partial| {
            let t = parent_tangent(k);
            if t != 0.0 {
                sum += partial.apply(t);
            }
        },
    );
    *tangent = sum;
}

/// [`node_jvp`], not inlined, and cold for the reason given at
/// `gradients::node_vjp_out_of_line`.
#[inline(never)]
#[cold]
fn node_jvp_out_of_line(
    arena: &Arena,
    node: &Node,
    parents: &[u32],
    records: &[Node],
    tangents: &[f64],
    tangent: &mut f64,
) {
    if node.code != Code::Custom {
        node_jvp(node.code, node, parents, records, tangents, tangent);
    } else if parents.iter().any(|&p| tangents[p as usize] != 0.0) {
        let mut sum = *tangent;
        arena
            .custom(node)
            .partials(arena, node, parents, |k, partial| {
                let t = tangents[parents[k] as usize];
                if t != 0.0 {
                    sum += partial * t;
                }
            });
        *tangent = sum;
    }
}

impl Index<Var<'_>> for Tangents {
    type Output = f64;

    /// As [`Tangents::of`].
    #[track_caller]
    fn index(&self, node: Var<'_>) -> &f64 {
        self.slot(node).unwrap_or(&0.0)
    }
}

impl fmt::Debug for Tangents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tangents")
            .field("tape_id", &self.snapshot.tape_id)
            .field("nodes", &self.tangents.len())
            .finish_non_exhaustive()
    }
}

impl Tape {
    /// The tangent of every node recorded so far along the direction that
    /// moves each seed node at its speed: a forward-mode sweep, the
    /// Jacobian-vector product of every node at once. A seed may be any
    /// node, an input or an intermediate; seeding an intermediate node adds
    /// to the tangent it gets from its parents, so the result is the same
    /// as `Σ speed · ∂node/∂seed` from reverse sweeps.
    ///
    /// Costs one pass over the nodes from the lowest seed up, about what a
    /// backward sweep costs.
    ///
    /// # Panics
    ///
    /// If a seed comes from another tape, was dropped by a rewind, or
    /// receives no gradient (a constant, or computed only from constants:
    /// record it with [`Tape::var`] to vary it), or the tape is busy.
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let (r, theta) = (tape.var(2.0), tape.var(0.0));
    /// let (x, y) = (r * theta.cos(), r * theta.sin());
    /// // Turning at 1 rad/s at radius 2 moves the point up at 2 per second.
    /// let turning = tape.tangents(&[(theta, 1.0)]);
    /// assert_eq!((turning.of(x), turning.of(y)), (0.0, 2.0));
    /// ```
    #[track_caller]
    pub fn tangents<'t>(&'t self, seeds: &[(Var<'t>, f64)]) -> Tangents {
        let mut tangents = Tangents::new();
        self.tangents_into(seeds, &mut tangents);
        tangents
    }

    /// [`Tape::tangents`] into an existing store, reusing its memory.
    ///
    /// # Panics
    ///
    /// As [`Tape::tangents`].
    #[track_caller]
    pub fn tangents_into<'t>(&'t self, seeds: &[(Var<'t>, f64)], tangents: &mut Tangents) {
        let state = self.read();
        for &(seed, _) in seeds {
            self.check_same_tape(seed, "Tape::tangents was given");
            let position = state.position(seed) as usize;
            if !state.arena.nodes[position].needs_grad {
                let label = state.label(position as u32);
                drop(state);
                panic!(
                    "Tape::tangents: {label} receives no gradient (it is a constant, or computed \
                     only from constants), so it has no direction to move in; record it with \
                     Tape::var to vary it"
                );
            }
        }
        let seeds = seeds
            .iter()
            .map(|&(seed, speed)| (seed.index as usize, speed));
        tangents.sweep(self.id(), &state, seeds);
    }
}

impl<'t> Var<'t> {
    /// The derivative of every node of the tape with respect to this one,
    /// by one forward sweep: [`Tape::tangents`] with this node moving at
    /// speed 1. The forward-mode counterpart of [`Var::backward`], which
    /// gives the derivative of one node with respect to every other.
    ///
    /// # Panics
    ///
    /// As [`Tape::tangents`].
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let x = tape.var(0.5);
    /// let (s, c) = (x.sin(), x.cos());
    /// let d = x.forward();
    /// assert_eq!((d.of(s), d.of(c)), (0.5f64.cos(), -0.5f64.sin()));
    /// ```
    #[track_caller]
    pub fn forward(&self) -> Tangents {
        self.tape.tangents(&[(*self, 1.0)])
    }
}

/// The values of `f`'s outputs at `point` and their directional derivatives
/// along `tangent` (the Jacobian-vector product `J·tangent`), by one
/// forward sweep: as `torch.func.jvp` or `jax.jvp`.
///
/// `f` builds its outputs from input leaves on the tape it is given; to
/// pass a closure stored in a `let`, wrap it with
/// [`vector_function`](crate::vector_function).
///
/// # Panics
///
/// If `point` and `tangent` differ in length.
///
/// # Examples
///
/// ```
/// // polar to Cartesian: (r cos θ, r sin θ), at r = 2, θ = 0, moving r
/// let (values, tangents) = autograd::jvp(
///     |_, p| vec![p[0] * p[1].cos(), p[0] * p[1].sin()],
///     &[2.0, 0.0],
///     &[1.0, 0.0],
/// );
/// assert_eq!(values, [2.0, 0.0]);
/// assert_eq!(tangents, [1.0, 0.0]);
/// ```
#[track_caller]
pub fn jvp<F>(f: F, point: &[f64], tangent: &[f64]) -> (Vec<f64>, Vec<f64>)
where
    F: for<'t> Fn(&'t Tape, &[Var<'t>]) -> Vec<Var<'t>>,
{
    assert_eq!(
        point.len(),
        tangent.len(),
        "jvp: the point has {} coordinates but the tangent has {}; give one speed per input",
        point.len(),
        tangent.len()
    );
    let tape = Tape::new();
    let inputs: Vec<Var<'_>> = point.iter().map(|&value| tape.var(value)).collect();
    let outputs = f(&tape, &inputs);
    let seeds: Vec<(Var<'_>, f64)> = inputs
        .iter()
        .copied()
        .zip(tangent.iter().copied())
        .collect();
    let tangents = tape.tangents(&seeds);
    (
        outputs.iter().map(|o| o.value()).collect(),
        outputs.iter().map(|&o| tangents.of(o)).collect(),
    )
}
