//! The tape's history: which nodes are still live, what was recorded before
//! what, and the one rule for giving a leaf a new value.
//!
//! Handles are generational through a `SlotMap` of *segments*: a segment is
//! a run of nodes recorded with no rewind in between. A [`Var`] holds its
//! node's position and its segment's key. A rewind removes the segments
//! above the cut (their keys go stale) and shortens the one it cuts through,
//! so a handle to a dropped node is caught, while recording a node costs no
//! slot-map work and no memory beyond the node itself. Segments are also
//! numbered in the order they were opened, which orders any node against
//! any [`Moment`]: that is all a [`Mark`](crate::Mark) or a
//! [`Gradients`](crate::Gradients) needs to know which nodes it describes.

use slotmap::{SlotMap, new_key_type};

use crate::arena::Arena;

new_key_type! {
    /// The generational key of a segment: a run of nodes recorded with no
    /// rewind in between.
    pub(crate) struct SegmentKey;
}

/// A run of nodes recorded with no rewind in between.
#[derive(Clone, Copy, Debug)]
struct Segment {
    /// Where a rewind cut it (`u32::MAX` while it is still being recorded into).
    end: u32,
    /// How many segments were opened before this one.
    ordinal: u64,
}

/// A moment in a tape's history, as a [`Mark`](crate::Mark) or a
/// [`Gradients`](crate::Gradients) remembers it: how many nodes the tape
/// held, how many segments had been opened, and the segment of the last
/// node.
///
/// A node was recorded before the moment exactly when its position is below
/// `len` and its segment was opened before the moment: a node recorded after
/// it either sits at or above `len` in the segment that was open, or in a
/// segment opened by a later rewind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Moment {
    pub(crate) len: u32,
    segments_opened: u64,
    /// The segment of the node at `len - 1` (any key when `len` is 0).
    last: SegmentKey,
}

impl Moment {
    /// Whether the live node at `index`, in the segment with `ordinal`, was
    /// recorded before this moment.
    #[inline]
    pub(crate) fn covers(self, index: u32, ordinal: u64) -> bool {
        index < self.len && ordinal < self.segments_opened
    }
}

/// Which nodes are live, in which segment, and which of them are computed.
pub(crate) struct History {
    /// `None` only in a history no tape uses yet ([`History::default`]):
    /// a `SlotMap` allocates even when empty.
    segments: Option<SlotMap<SegmentKey, Segment>>,
    /// Each live segment's first position and key, in order.
    starts: Vec<(u32, SegmentKey)>,
    /// The segment new nodes join: the last one, always open, perhaps
    /// still empty.
    open: SegmentKey,
    /// How many segments were ever opened: the next one's ordinal.
    opened: u64,
    /// The lowest position of a live computed (non-leaf) node, or `u32::MAX`:
    /// only nodes from there on can depend on a leaf.
    lowest_computed: u32,
}

/// An empty history, without even its first segment: it allocates nothing,
/// so a dropped tape can leave it behind for free. [`History::clear`] makes
/// it ready for a tape.
impl Default for History {
    fn default() -> Self {
        History {
            segments: None,
            starts: Vec::new(),
            open: SegmentKey::default(),
            opened: 0,
            lowest_computed: u32::MAX,
        }
    }
}

impl History {
    /// Empties the history, keeping its memory, and opens the segment the
    /// first nodes join.
    pub(crate) fn clear(&mut self) {
        self.segments.get_or_insert_with(SlotMap::with_key).clear();
        self.starts.clear();
        self.opened = 0;
        self.lowest_computed = u32::MAX;
        self.open_segment(0);
    }

    #[inline]
    fn segments(&self) -> &SlotMap<SegmentKey, Segment> {
        self.segments
            .as_ref()
            .expect("internal error: a tape's history was cleared before use")
    }

    fn segments_mut(&mut self) -> &mut SlotMap<SegmentKey, Segment> {
        self.segments
            .as_mut()
            .expect("internal error: a tape's history was cleared before use")
    }

    /// Whether the node at `index` of `segment` is still live.
    #[inline]
    pub(crate) fn is_live(&self, segment: SegmentKey, index: u32) -> bool {
        // Every node of the open segment is live: nothing has cut it yet.
        self.open == segment
            || self
                .segments()
                .get(segment)
                .is_some_and(|segment| index < segment.end)
    }

    /// The ordinal of the segment of the node at `index` of `segment`, if
    /// that node is still live.
    #[inline]
    pub(crate) fn ordinal(&self, segment: SegmentKey, index: u32) -> Option<u64> {
        if self.open == segment {
            return Some(self.opened - 1);
        }
        self.segments()
            .get(segment)
            .filter(|segment| index < segment.end)
            .map(|segment| segment.ordinal)
    }

    /// Notes a node appended at `position` and returns the segment it joins.
    #[inline(always)]
    pub(crate) fn append(&mut self, position: u32, computed: bool) -> SegmentKey {
        // Positions only grow between cuts, so the first computed node
        // after a cut is the lowest; the ones after it change nothing.
        if computed && self.lowest_computed == u32::MAX {
            self.lowest_computed = position;
        }
        self.open
    }

    /// Opens the segment the nodes from `start` on join.
    fn open_segment(&mut self, start: u32) {
        let ordinal = self.opened;
        let segment = self.segments_mut().insert(Segment {
            end: u32::MAX,
            ordinal,
        });
        self.opened += 1;
        self.starts.push((start, segment));
        self.open = segment;
    }

    /// The segment of the live node at `position`.
    pub(crate) fn segment_at(&self, position: u32) -> SegmentKey {
        let after = self.starts.partition_point(|&(start, _)| start <= position);
        self.starts[after - 1].1
    }

    /// This moment, for a tape holding `len` nodes.
    pub(crate) fn now(&self, len: usize) -> Moment {
        Moment {
            len: len as u32,
            segments_opened: self.opened,
            last: len
                .checked_sub(1)
                .map_or(SegmentKey::default(), |last| self.segment_at(last as u32)),
        }
    }

    /// Whether every one of the first `moment.len` nodes of a tape holding
    /// `len` is still the one that was there at `moment`; false when a
    /// rewind dropped some of them since (and others took their places).
    pub(crate) fn intact_since(&self, moment: Moment, len: usize) -> bool {
        // If the last of them is still live, so is every node below it: a
        // rewind that dropped one of those would have dropped it too.
        match moment.len.checked_sub(1) {
            None => true,
            Some(last) => (last as usize) < len && self.is_live(moment.last, last),
        }
    }

    /// Drops the history of every node from `cut` on.
    pub(crate) fn cut(&mut self, cut: u32) {
        // Segments wholly above the cut go (their keys turn stale); the one
        // the cut runs through ends there. New nodes join a new segment.
        while let Some(&(start, segment)) = self.starts.last() {
            if start < cut {
                let kept = &mut self.segments_mut()[segment];
                kept.end = kept.end.min(cut);
                break;
            }
            self.segments_mut().remove(segment);
            self.starts.pop();
        }
        self.open_segment(cut);
        if self.lowest_computed >= cut {
            self.lowest_computed = u32::MAX;
        }
    }

    /// The rule behind [`Tape::set_value`](crate::Tape::set_value): the
    /// first live node computed directly from the leaf at `leaf`, which
    /// stops the leaf from changing.
    ///
    /// Direct children suffice: a live node that depends on the leaf through
    /// others has a direct child of the leaf below it, and that child is
    /// live too (a rewind drops a whole suffix). In a training loop, which
    /// rewinds before it updates, no computed node is live above the
    /// parameters and this costs one comparison.
    #[inline]
    pub(crate) fn first_dependent(&self, arena: &Arena, leaf: u32) -> Option<u32> {
        let from = self.lowest_computed.max(leaf + 1) as usize;
        if from >= arena.len() {
            return None;
        }
        Self::first_child(arena, leaf, from)
    }

    /// The first node from `from` on with `leaf` among its parents.
    #[inline(never)]
    fn first_child(arena: &Arena, leaf: u32, from: usize) -> Option<u32> {
        let first_edge = arena.nodes[from].edge_start as usize;
        let edge = first_edge + arena.edges[first_edge..].iter().position(|&p| p == leaf)?;
        // The node owning that edge: the last one whose parents start at or
        // before it (a leaf sharing its start has no parents).
        let after = arena.nodes[from..].partition_point(|n| n.edge_start as usize <= edge);
        Some((from + after - 1) as u32)
    }

    #[cfg(test)]
    pub(crate) fn segment_count(&self) -> usize {
        debug_assert_eq!(self.segments().len(), self.starts.len());
        self.segments().len()
    }
}
