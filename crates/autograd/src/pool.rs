//! Buffers a dropped tape leaves for the next one made on the same thread,
//! and the adjoints a dropped gradient store leaves for the next sweep, so
//! that a fresh tape and a fresh `backward()` per step cost no allocation.

use std::cell::Cell;

use crate::arena::Arena;
use crate::history::History;
use crate::tape::Scratch;

/// Buffers larger than this are freed rather than kept for the next tape.
const LIMIT_BYTES: usize = 64 << 20;

/// A tape's memory, emptied.
#[derive(Default)]
pub(crate) struct Buffers {
    pub(crate) arena: Arena,
    pub(crate) history: History,
    pub(crate) scratch: Scratch,
}

thread_local! {
    static SPARE: Cell<Option<Buffers>> = const { Cell::new(None) };
    static SPARE_ADJOINTS: Cell<Vec<f64>> = const { Cell::new(Vec::new()) };
}

/// The buffers the last tape dropped on this thread left, or new ones.
pub(crate) fn take() -> Buffers {
    let mut buffers = SPARE
        .try_with(Cell::take)
        .ok()
        .flatten()
        .unwrap_or_default();
    buffers.history.clear();
    buffers
}

/// Keeps a dropped tape's buffers for the next tape, unless they are large.
pub(crate) fn give(mut buffers: Buffers) {
    if buffers.arena.capacity_bytes() > LIMIT_BYTES {
        return;
    }
    // The history is cleared by the next take, which also opens its first
    // segment.
    buffers.arena.clear();
    buffers.scratch.clear();
    // During thread teardown the slot may be gone; then the buffers are
    // simply freed.
    let _ = SPARE.try_with(|slot| slot.set(Some(buffers)));
}

/// The adjoints the last gradient store dropped on this thread left (empty,
/// perhaps with no room).
pub(crate) fn take_adjoints() -> Vec<f64> {
    SPARE_ADJOINTS.try_with(Cell::take).unwrap_or_default()
}

/// Keeps a dropped gradient store's adjoints for the next sweep, unless
/// they are large.
pub(crate) fn give_adjoints(mut adjoints: Vec<f64>) {
    if adjoints.capacity() == 0 || adjoints.capacity() * size_of::<f64>() > LIMIT_BYTES {
        return;
    }
    adjoints.clear();
    let _ = SPARE_ADJOINTS.try_with(|slot| slot.set(adjoints));
}
