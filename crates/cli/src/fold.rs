//! Numbers computed while parsing: an expression of numbers alone (`2*3`,
//! `-2^2`, `sqrt(2)`) is a number, not nodes, and remembers the note that
//! says where it first stopped being finite.

use autograd::{Mark, Primitive, Tape};

use crate::note::{Note, What};

/// A number known while parsing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Num {
    /// Its value.
    pub(crate) x: f64,
    /// When it is not finite, the index of the [`Note`] on the operation
    /// that first made it so.
    pub(crate) note: Option<usize>,
}

impl Num {
    /// A number written as a literal.
    pub(crate) fn literal(x: f64) -> Self {
        Num { x, note: None }
    }
}

/// Folds operations on numbers, with the engine's own arithmetic for the
/// functions, and takes notes when finite operands give inf or NaN.
pub(crate) struct Folder {
    /// A tape of its own to run the engine's functions on numbers; it is
    /// rewound after each.
    scratch: Tape,
    empty: Mark,
    /// Notes on numbers that stopped being finite, indexed by [`Num::note`].
    pub(crate) notes: Vec<Note>,
}

impl Folder {
    pub(crate) fn new() -> Self {
        let scratch = Tape::new();
        let empty = scratch.mark();
        Folder {
            scratch,
            empty,
            notes: Vec::new(),
        }
    }

    /// `a op b` for `op` one of `+ - * /`.
    pub(crate) fn binary(
        &mut self,
        op: char,
        a: Num,
        b: Num,
        span: &std::ops::Range<usize>,
    ) -> Num {
        let x = match op {
            '+' => a.x + b.x,
            '-' => a.x - b.x,
            '*' => a.x * b.x,
            '/' => a.x / b.x,
            _ => unreachable!("internal error: only + - * / fold this way"),
        };
        self.result(x, &[a, b], span, || What::Arithmetic {
            op,
            a: a.x,
            b: b.x,
            x,
        })
    }

    /// `a ^ b`, as `powf`.
    pub(crate) fn power(&mut self, a: Num, b: Num, span: &std::ops::Range<usize>) -> Num {
        let x = a.x.powf(b.x);
        self.result(x, &[a, b], span, || What::Arithmetic {
            op: '^',
            a: a.x,
            b: b.x,
            x,
        })
    }

    /// `-a`.
    pub(crate) fn negate(a: Num) -> Num {
        Num { x: -a.x, ..a }
    }

    /// `function(args)` (with `parameter` for a function that takes one)
    /// on numbers alone, with the engine's value for it.
    pub(crate) fn call(
        &mut self,
        function: Primitive,
        args: &[Num],
        parameter: Option<f64>,
        span: &std::ops::Range<usize>,
    ) -> Num {
        let x = {
            let constants: Vec<_> = args.iter().map(|a| self.scratch.constant(a.x)).collect();
            function.apply(&constants, parameter).value()
        };
        self.scratch.rewind(self.empty);
        self.result(x, args, span, || What::Call {
            function: function.name(),
            args: args.iter().map(|a| a.x).chain(parameter).collect(),
            x,
        })
    }

    /// The number `x` computed from `operands` at `span`: when it is not
    /// finite, the note of the operand that was not finite already, or a
    /// new note on `what()`.
    fn result(
        &mut self,
        x: f64,
        operands: &[Num],
        span: &std::ops::Range<usize>,
        what: impl FnOnce() -> What,
    ) -> Num {
        if x.is_finite() {
            return Num::literal(x);
        }
        if let Some(odd) = operands.iter().find(|o| !o.x.is_finite()) {
            return Num { x, note: odd.note };
        }
        self.notes.push(Note {
            span: span.clone(),
            what: what(),
        });
        Num {
            x,
            note: Some(self.notes.len() - 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finite_operands_that_give_inf_or_nan_are_noted_once() {
        let mut folder = Folder::new();
        let big = folder.binary('*', Num::literal(1e308), Num::literal(10.0), &(0..8));
        assert_eq!((big.x, big.note), (f64::INFINITY, Some(0)));
        // What is computed from it keeps pointing at the first note.
        let nan = folder.binary('-', big, big, &(0..20));
        assert!(nan.x.is_nan());
        assert_eq!(nan.note, Some(0));
        let fine = folder.binary('/', Num::literal(1.0), big, &(0..20));
        assert_eq!((fine.x, fine.note), (0.0, None));
        let ln = Primitive::named("ln").unwrap();
        let ln = folder.call(ln, &[Num::literal(-1.0)], None, &(30..36));
        assert_eq!(ln.note, Some(1));
        let messages: Vec<String> = folder.notes.iter().map(|n| n.message("")).collect();
        assert_eq!(messages, ["1e308 * 10 is inf", "ln(-1) is NaN"]);
    }

    #[test]
    fn functions_fold_with_the_engines_values() {
        let mut folder = Folder::new();
        let tape = Tape::new();
        assert_eq!(
            folder
                .call(
                    Primitive::named("sigmoid").unwrap(),
                    &[Num::literal(0.7)],
                    None,
                    &(0..1)
                )
                .x
                .to_bits(),
            tape.constant(0.7).sigmoid().value().to_bits()
        );
        assert_eq!(
            folder
                .call(
                    Primitive::named("pow").unwrap(),
                    &[Num::literal(0.7), Num::literal(3.0)],
                    None,
                    &(0..1)
                )
                .x
                .to_bits(),
            tape.constant(0.7).pow(tape.constant(3.0)).value().to_bits()
        );
    }
}
