//! Input errors: what is wrong, where, and how to fix it.

use std::fmt;
use std::ops::Range;

/// The kinds of mistake a program can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The program has no statement.
    Empty,
    /// A character that starts no token.
    UnexpectedCharacter,
    /// A number that does not parse, or overflows.
    BadNumber,
    /// A name used before it is bound.
    UnknownName,
    /// A call of a function the language does not have.
    UnknownFunction,
    /// A function called with too few or too many arguments.
    WrongArgumentCount,
    /// An operator with no operand after it, or a token where an operand
    /// should be.
    ExpectedOperand,
    /// A `(` never closed, or a `)` never opened.
    UnbalancedParentheses,
    /// Something left over after a complete statement.
    UnexpectedToken,
    /// `const` bound to an expression that uses a name.
    ConstNeedsNumber,
    /// A number bound to a name that already named an input.
    InputBoundTwice,
    /// A function's name used as a value or bound.
    FunctionAsValue,
    /// Parentheses, calls, unary minus or `^` nested past the limit.
    TooDeep,
    /// An `output` statement that lists no names, or lists something other
    /// than a name.
    OutputNeedsNames,
    /// A name listed twice in an `output` statement.
    OutputListedTwice,
    /// A second `output` statement.
    OutputTwice,
    /// A bad `--forward` direction: a malformed `NAME=SPEED` pair, a name
    /// that is not an input, a speed that is not a finite number, or an
    /// input given twice. Its span points into the option's text.
    BadDirection,
}

/// An error in a program's text, with the span it points at.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    /// What kind of mistake.
    pub kind: ErrorKind,
    /// The bytes of the source it points at.
    pub span: Range<usize>,
    /// What is wrong, in one line.
    pub message: String,
    /// How to fix it, when there is something to say.
    pub help: Option<String>,
}

impl SyntaxError {
    pub(crate) fn new(kind: ErrorKind, span: Range<usize>, message: String) -> Self {
        SyntaxError {
            kind,
            span,
            message,
            help: None,
        }
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyntaxError {}
