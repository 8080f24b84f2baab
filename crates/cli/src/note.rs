//! Notes taken while reading a program, for warnings: a number literal that
//! reads as 0, and a number computed from numbers alone that is not finite.
//!
//! A note keeps what happened, not its text: a program can have millions,
//! and only the first few are ever shown.

use std::ops::Range;

use autograd::Shortest;

use crate::names::short;

/// Something worth a warning, found while reading the program.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// The bytes of the source it is about.
    pub span: Range<usize>,
    /// What happened there.
    pub what: What,
}

/// What a [`Note`] is about.
#[derive(Clone, Debug, PartialEq)]
pub enum What {
    /// A literal too small for a 64-bit float, which reads as 0 (`1e-400`).
    Underflow,
    /// `a op b` (`op` one of `+ - * / ^`) on finite numbers gave `x`, inf
    /// or NaN (`1 / 0`, `0 / 0`, `0 ^ -1`).
    Arithmetic {
        /// The operator.
        op: char,
        /// The left operand.
        a: f64,
        /// The right operand.
        b: f64,
        /// The result.
        x: f64,
    },
    /// `function(a)` on a finite number gave `x`, inf or NaN
    /// (`exp(1000)`, `ln(-1)`).
    Call {
        /// The function's name.
        function: &'static str,
        /// The arguments, and the parameter last for a function that takes
        /// one.
        args: Vec<f64>,
        /// The result.
        x: f64,
    },
}

/// The kinds of [`Note`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteKind {
    /// A literal that reads as 0.
    Underflow,
    /// Arithmetic or a call on numbers alone whose finite operands gave inf
    /// or NaN.
    NotFinite,
}

impl Note {
    /// Which kind of note this is.
    #[must_use]
    pub fn kind(&self) -> NoteKind {
        match &self.what {
            What::Underflow => NoteKind::Underflow,
            What::Arithmetic { .. } | What::Call { .. } => NoteKind::NotFinite,
        }
    }

    /// What happened, in one line (`1 / 0 is inf`); `source` is the
    /// program the note was taken on.
    #[must_use]
    pub fn message(&self, source: &str) -> String {
        match &self.what {
            What::Underflow => format!(
                "`{}` reads as 0: it is smaller than the smallest 64-bit float, about 4.9e-324",
                short(source.get(self.span.clone()).unwrap_or("?"))
            ),
            What::Arithmetic { op, a, b, x } => {
                format!("{} {op} {} is {}", Shortest(*a), Shortest(*b), Shortest(*x))
            }
            What::Call { function, args, x } => {
                let args: Vec<String> = args.iter().map(|&a| Shortest(a).to_string()).collect();
                format!("{function}({}) is {}", args.join(", "), Shortest(*x))
            }
        }
    }
}
