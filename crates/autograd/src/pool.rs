//! Buffers a dropped tape leaves for the next one made on the same thread,
//! so that a fresh tape per step costs no allocation.

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
