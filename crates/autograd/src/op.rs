//! The operations a tape records: one enum, one variant per thing a user can write.

use std::fmt;

/// What a node computes from its parents.
///
/// Every operation a user writes is recorded as itself: `a - b` is a [`Op::Sub`]
/// node, `1.0 - a` is a [`Op::ScalarSub`] node, `2.0 * a` a [`Op::ScalarMul`] node, and a sum over an iterator is
/// one n-ary [`Op::Sum`] node. An operand that is a plain `f64` is stored in the
/// op rather than as a node of its own, so `x * 0.5` is one node.
///
/// The forward value and the derivative rule of every variant live in one
/// place, the crate's `rules` module.
///
/// # Examples
///
/// ```
/// use autograd::{Op, Tape};
///
/// let tape = Tape::new();
/// let x = tape.var(3.0);
/// assert_eq!((1.0 - x).op(), Op::ScalarSub(1.0));
/// assert_eq!((x * x).op(), Op::Mul);
/// assert_eq!(Op::ScalarSub(1.0).name(), "sub");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Op {
    /// A leaf that receives a gradient ([`Tape::var`](crate::Tape::var)).
    Var,
    /// A leaf that receives no gradient ([`Tape::constant`](crate::Tape::constant)).
    Const,
    /// `a + b`.
    Add,
    /// `a - b`.
    Sub,
    /// `a * b`.
    Mul,
    /// `a / b`.
    Div,
    /// `a.pow(b)`: both the base and the exponent get gradients.
    Pow,
    /// `x + c` for a scalar `c`.
    AddScalar(f64),
    /// `c + x` for a scalar `c`.
    ScalarAdd(f64),
    /// `x - c` for a scalar `c`.
    SubScalar(f64),
    /// `c - x` for a scalar `c`.
    ScalarSub(f64),
    /// `x * c` for a scalar `c`.
    MulScalar(f64),
    /// `c * x` for a scalar `c`.
    ScalarMul(f64),
    /// `x / c` for a scalar `c`.
    DivScalar(f64),
    /// `c / x` for a scalar `c`.
    ScalarDiv(f64),
    /// `x.powf(c)`.
    Powf(f64),
    /// `x.powi(n)`.
    Powi(i32),
    /// `-x`.
    Neg,
    /// `x.exp()`.
    Exp,
    /// `x.ln()`, the natural logarithm.
    Ln,
    /// `x.sqrt()`.
    Sqrt,
    /// `x.sigmoid()`, the logistic function `1 / (1 + e^-x)`.
    Sigmoid,
    /// `x.tanh()`.
    Tanh,
    /// `x.relu()`, `max(x, 0)`.
    Relu,
    /// The n-ary sum of all parents, left to right.
    Sum,
    /// The dot product of pairs of parents, `a₀b₀ + a₁b₁ + ...`, left to
    /// right: a weighted sum as ONE node ([`Tape::dot`](crate::Tape::dot)).
    Dot,
}

impl Op {
    /// The short name traces and pictures show: the name of the operation as
    /// the user wrote it (`x - 1.0` and `1.0 - x` are both `"sub"`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Op::Var => "var",
            Op::Const => "const",
            Op::Add | Op::AddScalar(_) | Op::ScalarAdd(_) => "add",
            Op::Sub | Op::SubScalar(_) | Op::ScalarSub(_) => "sub",
            Op::Mul | Op::MulScalar(_) | Op::ScalarMul(_) => "mul",
            Op::Div | Op::DivScalar(_) | Op::ScalarDiv(_) => "div",
            Op::Pow => "pow",
            Op::Powf(_) => "powf",
            Op::Powi(_) => "powi",
            Op::Neg => "neg",
            Op::Exp => "exp",
            Op::Ln => "ln",
            Op::Sqrt => "sqrt",
            Op::Sigmoid => "sigmoid",
            Op::Tanh => "tanh",
            Op::Relu => "relu",
            Op::Sum => "sum",
            Op::Dot => "dot",
        }
    }

    /// Whether this op is a leaf (a [`Op::Var`] or a [`Op::Const`]).
    #[must_use]
    pub fn is_leaf(self) -> bool {
        matches!(self, Op::Var | Op::Const)
    }

    /// The scalar operand stored in the op, and whether it stands before the
    /// node operand in the expression the user wrote (`c - x` rather than `x - c`).
    #[must_use]
    pub fn scalar_operand(self) -> Option<(f64, ScalarSide)> {
        match self {
            Op::AddScalar(c) | Op::SubScalar(c) | Op::MulScalar(c) | Op::DivScalar(c) => {
                Some((c, ScalarSide::Right))
            }
            Op::Powf(c) => Some((c, ScalarSide::Right)),
            Op::Powi(n) => Some((f64::from(n), ScalarSide::Right)),
            Op::ScalarAdd(c) | Op::ScalarSub(c) | Op::ScalarMul(c) | Op::ScalarDiv(c) => {
                Some((c, ScalarSide::Left))
            }
            _ => None,
        }
    }
}

/// Where an op's scalar operand stands relative to its node operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarSide {
    /// `c - x`, `c / x`: the scalar comes first.
    Left,
    /// `x - c`, `x * c`, `x.powf(c)`: the scalar comes second.
    Right,
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// The compact form of an [`Op`] the tape stores: a one-byte code, with the
/// scalar operand (if any) kept beside it in the node record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Code {
    Var,
    Const,
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    AddScalar,
    ScalarAdd,
    SubScalar,
    ScalarSub,
    MulScalar,
    ScalarMul,
    DivScalar,
    ScalarDiv,
    Powf,
    Powi,
    Neg,
    Exp,
    Ln,
    Sqrt,
    Sigmoid,
    Tanh,
    Relu,
    Sum,
    Dot,
}

impl Code {
    pub(crate) fn is_leaf(self) -> bool {
        matches!(self, Code::Var | Code::Const)
    }

    /// The public op of a node with this code and scalar operand.
    pub(crate) fn op(self, scalar: f64) -> Op {
        match self {
            Code::Var => Op::Var,
            Code::Const => Op::Const,
            Code::Add => Op::Add,
            Code::Sub => Op::Sub,
            Code::Mul => Op::Mul,
            Code::Div => Op::Div,
            Code::Pow => Op::Pow,
            Code::AddScalar => Op::AddScalar(scalar),
            Code::ScalarAdd => Op::ScalarAdd(scalar),
            Code::SubScalar => Op::SubScalar(scalar),
            Code::ScalarSub => Op::ScalarSub(scalar),
            Code::MulScalar => Op::MulScalar(scalar),
            Code::ScalarMul => Op::ScalarMul(scalar),
            Code::DivScalar => Op::DivScalar(scalar),
            Code::ScalarDiv => Op::ScalarDiv(scalar),
            Code::Powf => Op::Powf(scalar),
            // Stored exactly: every i32 is an f64.
            Code::Powi => Op::Powi(scalar as i32),
            Code::Neg => Op::Neg,
            Code::Exp => Op::Exp,
            Code::Ln => Op::Ln,
            Code::Sqrt => Op::Sqrt,
            Code::Sigmoid => Op::Sigmoid,
            Code::Tanh => Op::Tanh,
            Code::Relu => Op::Relu,
            Code::Sum => Op::Sum,
            Code::Dot => Op::Dot,
        }
    }
}
