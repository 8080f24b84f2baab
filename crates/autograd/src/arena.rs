//! Node storage: every recorded node's record and parents, densely in
//! recording order, with the names and recording sites that some carry.
//!
//! The hot data is one `Vec` of compact node records and one `Vec` of parent
//! positions, indexed by a node's position in the recording order, which is
//! also a topological order: the reverse sweep is one pass from the output
//! down to position 0.

use std::panic::Location;

use crate::custom::{CustomOp, Customs};
use crate::name::Name;
use crate::op::{Code, Op};

/// One node: its value, its op and where its parents start in the edge list.
/// 24 bytes; with one parent (4 bytes) and its adjoint during a sweep (8),
/// a unary node costs 36 bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    pub(crate) value: f64,
    /// For an op, its scalar operand (`c` in `x * c`, `n` in `x.powi(n)`;
    /// else 0). For a leaf, as bits, the stamp of the
    /// [`Tape::set_value`](crate::Tape::set_value) or update that last
    /// changed it.
    aux: f64,
    /// Where this node's parents start in `edges`; they end where the next
    /// node's start (or at the end of `edges`).
    pub(crate) edge_start: u32,
    pub(crate) code: Code,
    /// Whether the node depends on any [`Code::Var`] leaf; the sweep skips
    /// the rest.
    pub(crate) needs_grad: bool,
}

impl Node {
    /// The op's scalar operand (0 for an op without one; meaningless for a
    /// leaf, whose op ignores it).
    #[inline(always)]
    pub(crate) fn scalar(&self) -> f64 {
        self.aux
    }

    /// For a leaf, the stamp of the call that last changed its value (0 if
    /// none did); see `State::changes`.
    pub(crate) fn changed_at(&self) -> u64 {
        debug_assert!(self.code.is_leaf());
        self.aux.to_bits()
    }

    /// Gives a leaf a new value, stamped by the call that changes it.
    pub(crate) fn change(&mut self, value: f64, stamp: u64) {
        debug_assert!(self.code.is_leaf());
        self.value = value;
        self.aux = f64::from_bits(stamp);
    }
}

/// A node about to be appended: everything but where it goes and its
/// parents, which go onto the edge list first.
#[derive(Clone, Copy)]
pub(crate) struct Pending {
    pub(crate) code: Code,
    pub(crate) scalar: f64,
    pub(crate) value: f64,
    pub(crate) needs_grad: bool,
}

/// Every node of a tape, with its parents, names and recording sites.
#[derive(Default)]
pub(crate) struct Arena {
    pub(crate) nodes: Vec<Node>,
    /// Every node's parent positions, concatenated in recording order.
    pub(crate) edges: Vec<u32>,
    /// Names of named nodes, sorted by position.
    names: Vec<(u32, Name)>,
    /// Where each node recorded while anomaly detection was on was
    /// recorded, sorted by position.
    sites: Vec<(u32, &'static Location<'static>)>,
    /// The custom ops the nodes use.
    pub(crate) customs: Customs,
}

impl Arena {
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// The bytes its buffers hold.
    pub(crate) fn capacity_bytes(&self) -> usize {
        self.nodes.capacity() * size_of::<Node>() + self.edges.capacity() * size_of::<u32>()
    }

    /// Empties the arena, keeping its memory.
    pub(crate) fn clear(&mut self) {
        self.nodes.clear();
        self.edges.clear();
        self.names.clear();
        self.sites.clear();
        self.customs.truncate(0);
    }

    /// Room for `nodes` more nodes of up to two parents each.
    pub(crate) fn reserve(&mut self, nodes: usize) {
        self.nodes.reserve(nodes);
        self.edges.reserve(2 * nodes);
    }

    /// Where the next node will go.
    ///
    /// # Panics
    ///
    /// If the tape is full: positions and edge offsets are `u32`s.
    #[inline(always)]
    pub(crate) fn next_position(&self, parents: usize) -> u32 {
        let position = u32::try_from(self.nodes.len())
            .ok()
            .filter(|&p| p < u32::MAX)
            .expect("a Tape holds at most 4,294,967,294 nodes; rewind it between steps");
        assert!(
            self.edges.len() + parents <= u32::MAX as usize,
            "a Tape holds at most 4,294,967,295 parent links; rewind it between steps"
        );
        position
    }

    /// Appends a node whose position [`Arena::next_position`] approved and
    /// whose parents were pushed onto `edges` from `edge_start` on.
    #[inline(always)]
    pub(crate) fn push_node(&mut self, node: Pending, edge_start: usize) {
        self.nodes.push(Node {
            value: node.value,
            aux: node.scalar,
            edge_start: edge_start as u32,
            code: node.code,
            needs_grad: node.needs_grad,
        });
    }

    /// Keeps the first `keep` nodes.
    pub(crate) fn truncate(&mut self, keep: usize) {
        let cut = keep as u32;
        let edges = self
            .nodes
            .get(keep)
            .map_or(self.edges.len(), |first_dropped| {
                first_dropped.edge_start as usize
            });
        self.edges.truncate(edges);
        self.nodes.truncate(keep);
        let named = self.names.partition_point(|&(p, _)| p < cut);
        self.names.truncate(named);
        let located = self.sites.partition_point(|&(p, _)| p < cut);
        self.sites.truncate(located);
        self.customs.truncate(cut);
    }

    /// The op of the node at `position`.
    pub(crate) fn op(&self, position: usize) -> Op {
        let node = &self.nodes[position];
        self.op_of(node.code, node.scalar())
    }

    /// The op of a node with `code` that keeps `scalar`: a custom op's by
    /// its name, which the tape's custom ops know.
    pub(crate) fn op_of(&self, code: Code, scalar: f64) -> Op {
        match code {
            Code::Custom => Op::Custom(self.customs.get(scalar).name()),
            code => code.op(scalar),
        }
    }

    /// The custom op of a node with [`Code::Custom`].
    pub(crate) fn custom(&self, node: &Node) -> &CustomOp {
        self.customs.get(node.scalar())
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

    /// Notes where the newest node was recorded.
    pub(crate) fn set_site(&mut self, position: u32, site: &'static Location<'static>) {
        self.sites.push((position, site));
    }

    /// Where the node at `position` was recorded, if it was recorded while
    /// anomaly detection was on.
    pub(crate) fn site(&self, position: usize) -> Option<&'static Location<'static>> {
        let p = position as u32;
        self.sites
            .binary_search_by_key(&p, |(q, _)| *q)
            .ok()
            .map(|i| self.sites[i].1)
    }
}

#[cfg(test)]
mod tests {
    use super::Node;

    #[test]
    fn a_node_record_is_24_bytes() {
        assert_eq!(size_of::<Node>(), 24);
    }
}
