//! Node storage: every recorded node's record and parents, densely in
//! recording order, with the names and recording sites that some carry.
//!
//! The hot data is one `Vec` of compact node records and one `Vec` of parent
//! positions, indexed by a node's position in the recording order, which is
//! also a topological order: the reverse sweep is one pass from the output
//! down to position 0.

use std::panic::Location;

use crate::name::Name;
use crate::op::{Code, Op};

/// One node: its value, its op and where its parents start in the edge list.
/// 24 bytes; with one parent (4 bytes) and its adjoint during a sweep (8),
/// a unary node costs 36 bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    pub(crate) value: f64,
    /// For an op, its scalar operand (`c` in `x * c`, `n` in `x.powi(n)`;
    /// else 0). For a leaf, the tape's count of value changes when
    /// [`Tape::set_value`](crate::Tape::set_value) last changed it, as bits.
    aux: f64,
    /// Where this node's parents start in `edges`; they end where the next
    /// node's start (or at the end of `edges`).
    pub(crate) edge_start: u32,
    pub(crate) code: Code,
    /// Whether the node depends on any [`Code::Var`] leaf; the sweep skips
    /// the rest.
    pub(crate) needs_grad: bool,
    /// Which of its parents do.
    pub(crate) grad_parents: GradParents,
}

impl Node {
    pub(crate) fn op(&self) -> Op {
        self.code.op(self.scalar())
    }

    /// The op's scalar operand (0 for an op without one; meaningless for a
    /// leaf, whose op ignores it).
    #[inline(always)]
    pub(crate) fn scalar(&self) -> f64 {
        self.aux
    }

    /// For a leaf, the tape's count of value changes when its value was
    /// last changed (0 if never).
    pub(crate) fn changed_at(&self) -> u64 {
        debug_assert!(self.code.is_leaf());
        self.aux.to_bits()
    }

    /// Gives a leaf a new value, stamped with the tape's change count.
    pub(crate) fn change(&mut self, value: f64, stamp: u64) {
        debug_assert!(self.code.is_leaf());
        self.value = value;
        self.aux = f64::from_bits(stamp);
    }
}

/// Which of a node's parents need a gradient, noted when it is recorded so
/// the sweep need not look at the parents to know: all of them, or else
/// the first two one bit each (a parent beyond them is looked up).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct GradParents(u8);

impl GradParents {
    const ALL: u8 = 0x80;

    /// A leaf's: it has no parents.
    pub(crate) const LEAF: GradParents = GradParents(0);

    /// A unary node's, whose parent needs a gradient or not.
    #[inline(always)]
    pub(crate) fn unary(needs: bool) -> Self {
        GradParents(u8::from(needs))
    }

    /// A binary node's. Unary and binary rules ask about each parent, so
    /// only n-ary nodes note whether all need one.
    #[inline(always)]
    pub(crate) fn binary(a: bool, b: bool) -> Self {
        GradParents(u8::from(a) | u8::from(b) << 1)
    }

    /// The flags of an n-ary node over `parents`, and whether any of them
    /// needs a gradient.
    #[inline]
    pub(crate) fn of(nodes: &[Node], parents: &[u32]) -> (Self, bool) {
        let needs = |p: u32| nodes[p as usize].needs_grad;
        let count: usize = parents.iter().map(|&p| usize::from(needs(p))).sum();
        let bit = |k: usize| parents.get(k).map_or(0, |&p| u8::from(needs(p)) << k);
        let all = if count == parents.len() { Self::ALL } else { 0 };
        (GradParents(all | bit(0) | bit(1)), count > 0)
    }

    /// Whether parent `k` needs a gradient; `lookup` asks the parent itself.
    #[inline(always)]
    pub(crate) fn needs(self, k: usize, lookup: impl FnOnce() -> bool) -> bool {
        if k < 2 {
            self.0 >> k & 1 != 0
        } else {
            self.all() || lookup()
        }
    }

    /// Whether every parent of an n-ary node needs a gradient.
    #[inline(always)]
    pub(crate) fn all(self) -> bool {
        self.0 & Self::ALL != 0
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
    pub(crate) grad_parents: GradParents,
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
            grad_parents: node.grad_parents,
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
    use super::{GradParents, Node};

    #[test]
    fn a_node_record_is_24_bytes() {
        assert_eq!(size_of::<Node>(), 24);
    }

    #[test]
    fn grad_parents_answer_without_a_lookup_for_the_first_two_or_all() {
        let leaf = |needs_grad| Node {
            value: 0.0,
            aux: 0.0,
            edge_start: 0,
            code: crate::op::Code::Var,
            needs_grad,
            grad_parents: GradParents::LEAF,
        };
        let nodes = [leaf(false), leaf(true)];
        let never = || panic!("looked up");
        let (flags, any) = GradParents::of(&nodes, &[0, 1]);
        assert!(any && !flags.needs(0, never) && flags.needs(1, never));
        let both = GradParents::binary(true, true);
        assert!(both.needs(0, never) && both.needs(1, never));
        let second = GradParents::binary(false, true);
        assert!(!second.needs(0, never) && second.needs(1, never));
        assert!(GradParents::unary(true).needs(0, never));
        assert!(!GradParents::unary(false).needs(0, never));
        let (flags, any) = GradParents::of(&nodes, &[1; 5]);
        assert!(any && (0..5).all(|k| flags.needs(k, never)));
        let (flags, any) = GradParents::of(&nodes, &[0, 0, 1]);
        assert!(any && !flags.needs(1, never) && flags.needs(2, || true));
        assert!(!GradParents::of(&nodes, &[]).1);
    }
}
