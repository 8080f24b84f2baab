//! Notes taken while reading a program, for warnings: a number literal that
//! reads as 0, and a number computed from numbers alone that is not finite.

use std::ops::Range;

/// Something worth a warning, found while reading the program.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// What kind of note.
    pub kind: NoteKind,
    /// The bytes of the source it is about.
    pub span: Range<usize>,
    /// What happened, in one line: `1 / 0 is inf`.
    pub message: String,
}

/// The kinds of [`Note`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteKind {
    /// A literal too small for a 64-bit float, which reads as 0 (`1e-400`).
    Underflow,
    /// Arithmetic or a call on numbers alone whose finite operands gave inf
    /// or NaN (`1 / 0`, `0 / 0`, `exp(1000)`).
    NotFinite,
}
