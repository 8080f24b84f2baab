//! What a store of per-node numbers computed by one sweep knows about its
//! tape: which tape, which nodes (those recorded before the sweep), and how
//! many leaf changes the tape had seen. [`Gradients`](crate::Gradients) and
//! [`Tangents`](crate::Tangents) read through it, so both answer and refuse
//! alike.

use crate::history::Moment;
use crate::tape::State;
use crate::var::Var;

/// The tape and moment of one sweep.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Snapshot {
    /// The tape swept; 0 for a store no sweep has filled (tape ids start at 1).
    pub(crate) tape_id: u64,
    /// When the sweep ran: the nodes it describes were recorded before.
    pub(crate) moment: Moment,
    /// The tape's count of leaf value changes when the sweep ran.
    pub(crate) changes: u64,
}

/// How a store names itself in its panics.
pub(crate) struct Store {
    /// The type, as users know it: "Gradients".
    pub(crate) name: &'static str,
    /// What fills an empty one: "Var::backward_into".
    pub(crate) fill: &'static str,
    /// What to call again for a newer node: "backward again on the current output".
    pub(crate) computed: &'static str,
}

impl Store {
    /// The panic for a node recorded after the sweep.
    #[cold]
    #[track_caller]
    pub(crate) fn refuse_newer(&self, position: u32) -> ! {
        panic!(
            "node #{position} was recorded after these {} were computed, so they know \
             nothing about it; call {}",
            self.name, self.computed
        )
    }
}

/// What a store holds for one node.
pub(crate) enum Reading<'v> {
    /// The node's number: its adjoint, or its tangent.
    Value(&'v f64),
    /// The node receives no gradient (a constant, or computed only from
    /// constants), and so has no tangent either.
    NoGradient,
    /// The node was recorded after the sweep, which knows nothing of it.
    RecordedAfter,
}

impl Snapshot {
    /// The moment of a sweep about to run over `state`.
    pub(crate) fn taken(tape_id: u64, state: &State) -> Self {
        Snapshot {
            tape_id,
            moment: state.moment(),
            changes: state.changes,
        }
    }

    /// Panics unless a sweep on the tape `tape_id` filled the store.
    #[inline]
    #[track_caller]
    pub(crate) fn check_tape(&self, tape_id: u64, store: &Store) {
        assert!(
            self.tape_id != 0,
            "these {} are empty; fill them with {} before reading",
            store.name,
            store.fill
        );
        assert!(
            tape_id == self.tape_id,
            "these {} were computed on another Tape than this Var's; read them for a Var of \
             the tape they were computed on",
            store.name
        );
    }

    /// What `values`, one per node from position 0, hold for the live node
    /// `var` of the swept tape, whose state is given.
    ///
    /// # Panics
    ///
    /// If `var` was dropped by a rewind.
    #[inline]
    #[track_caller]
    pub(crate) fn read<'v>(&self, state: &State, var: Var<'_>, values: &'v [f64]) -> Reading<'v> {
        let position = var.index as usize;
        match state.history.ordinal(var.segment, var.index) {
            None => crate::tape::dropped(),
            Some(ordinal) if !self.moment.covers(var.index, ordinal) => {
                return Reading::RecordedAfter;
            }
            Some(_) => {}
        }
        if !state.arena.nodes[position].needs_grad {
            return Reading::NoGradient;
        }
        Reading::Value(values.get(position).unwrap_or(&0.0))
    }
}
