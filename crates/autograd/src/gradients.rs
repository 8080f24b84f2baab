//! The reverse sweep and the gradient store it fills.

use std::fmt;
use std::ops::Index;

use crate::anomaly::Flow;
use crate::rules;
use crate::tape::Nodes;
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
    tape_id: u64,
    /// The tape's rewind count when the sweep ran.
    epoch: u64,
    /// How many nodes the tape held when the sweep ran.
    recorded: usize,
    /// The adjoint of every node from position 0 up to the output.
    adjoints: Vec<f64>,
}

impl Gradients {
    /// An empty store, to fill with [`Var::backward_into`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The gradient of the output with respect to `node`: 0 for a node the
    /// output does not depend on, and for a node that receives no gradient
    /// (a constant, or a node computed only from constants).
    ///
    /// # Panics
    ///
    /// If `node` belongs to another tape than the output, was dropped by a
    /// rewind, or was recorded after this store was computed.
    #[must_use]
    #[inline]
    pub fn wrt(&self, node: Var<'_>) -> f64 {
        self.get(node).unwrap_or(0.0)
    }

    /// Like [`Gradients::wrt`], but `None` for a node that receives no
    /// gradient at all (a constant, or a node computed only from constants).
    ///
    /// # Panics
    ///
    /// As [`Gradients::wrt`].
    #[must_use]
    #[inline]
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

    /// Panics unless these gradients were computed on the tape `tape_id`.
    #[inline]
    fn check_tape(&self, tape_id: u64) {
        // Tape ids start at 1: 0 is a store no sweep has filled.
        assert!(
            self.tape_id != 0,
            "these Gradients are empty; fill them with Var::backward_into before reading"
        );
        assert!(
            tape_id == self.tape_id,
            "these Gradients were computed on another Tape than this Var's; \
             read a gradient from the backward of an output on the Var's own tape"
        );
    }

    pub(crate) fn tape_id(&self) -> u64 {
        self.tape_id
    }

    /// The gradient at `position` for a trace: `None` where [`Gradients::get`]
    /// would say `None` or the node is newer than the sweep.
    pub(crate) fn at(&self, nodes: &Nodes, position: usize) -> Option<f64> {
        if !nodes.existed_at(position, self.epoch, self.recorded)
            || !nodes.nodes[position].needs_grad
        {
            return None;
        }
        Some(self.adjoints.get(position).copied().unwrap_or(0.0))
    }

    #[inline]
    fn slot(&self, node: Var<'_>) -> Option<&f64> {
        self.slot_in(node.tape.id(), &node.tape.nodes.borrow(), node)
    }

    /// Reads many gradients from the tape `tape_id` whose nodes are given,
    /// checking once which positions these gradients still describe.
    ///
    /// # Panics
    ///
    /// If these gradients were computed on another tape.
    #[inline]
    pub(crate) fn reader(&self, tape_id: u64, nodes: &Nodes) -> Reader<'_> {
        self.check_tape(tape_id);
        Reader {
            adjoints: &self.adjoints,
            valid_below: nodes.valid_below(self.epoch, self.recorded),
        }
    }

    #[inline]
    fn slot_in(&self, tape_id: u64, nodes: &Nodes, node: Var<'_>) -> Option<&f64> {
        self.check_tape(tape_id);
        let position = nodes.position_at(node, self.epoch, self.recorded);
        if !nodes.nodes[position].needs_grad {
            return None;
        }
        Some(self.adjoints.get(position).unwrap_or(&0.0))
    }

    /// One reverse sweep from `output` down to position 0. With `CHECK`, it
    /// stops at the first node that passes a non-finite gradient to a
    /// parent while its own is finite, and returns that node and the flow;
    /// without, the check compiles away.
    pub(crate) fn sweep<const CHECK: bool>(
        &mut self,
        tape_id: u64,
        nodes: &Nodes,
        output: usize,
    ) -> Option<(usize, Flow)> {
        self.tape_id = tape_id;
        self.epoch = nodes.epoch();
        self.recorded = nodes.len();
        let adjoints = &mut self.adjoints;
        adjoints.clear();
        adjoints.resize(output + 1, 0.0);
        adjoints[output] = 1.0;
        let edges = &nodes.edges;
        // Node i's parents start where its record says and end where node
        // i + 1's start, so walking down keeps one cursor into `edges`.
        let mut end = nodes
            .nodes
            .get(output + 1)
            .map_or(edges.len(), |next| next.edge_start as usize);
        let records = &nodes.nodes[..=output];
        for (i, node) in records.iter().enumerate().rev() {
            let start = node.edge_start as usize;
            let g = adjoints[i];
            // Nothing flows from a node with a zero adjoint (it is not
            // upstream of the output) or from one that needs no gradient.
            if g != 0.0 && node.needs_grad {
                let parents = &edges[start..end];
                let mut bad = None;
                rules::vjp(
                    node.code,
                    node.scalar,
                    parents.len(),
                    |k| records[parents[k] as usize].value,
                    node.value,
                    g,
                    |k, contribution| {
                        if CHECK && bad.is_none() && !contribution.is_finite() && g.is_finite() {
                            bad = Some(Flow {
                                adjoint: g,
                                parent: parents[k] as usize,
                                contribution,
                            });
                        }
                        adjoints[parents[k] as usize] += contribution;
                    },
                );
                if let Some(flow) = bad {
                    return Some((i, flow));
                }
            }
            end = start;
        }
        None
    }
}

/// Gradients read position by position; see [`Gradients::reader`].
pub(crate) struct Reader<'g> {
    adjoints: &'g [f64],
    /// Positions from here up were recorded after the sweep.
    valid_below: usize,
}

impl Reader<'_> {
    /// The gradient at `position`: `None` for a node that needs none.
    ///
    /// # Panics
    ///
    /// If the node at `position` was recorded after the sweep.
    #[inline]
    pub(crate) fn at(&self, nodes: &Nodes, position: usize) -> Option<f64> {
        assert!(
            position < self.valid_below,
            "node #{position} was recorded after these Gradients were computed, so they know \
             nothing about it; call backward again on the current output"
        );
        if !nodes.nodes[position].needs_grad {
            return None;
        }
        Some(self.adjoints.get(position).copied().unwrap_or(0.0))
    }
}

impl Index<Var<'_>> for Gradients {
    type Output = f64;

    /// As [`Gradients::wrt`].
    fn index(&self, node: Var<'_>) -> &f64 {
        self.slot(node).unwrap_or(&0.0)
    }
}

impl fmt::Debug for Gradients {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gradients")
            .field("tape_id", &self.tape_id)
            .field("nodes", &self.adjoints.len())
            .finish_non_exhaustive()
    }
}
