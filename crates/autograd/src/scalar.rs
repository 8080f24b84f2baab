//! The arithmetic the derivative rules are written in, so that one rule serves
//! both plain `f64` sweeps and sweeps recorded as tape operations.

use std::ops::{Add, Div, Mul, Neg, Sub};

use crate::op::Code;
use crate::rules;

/// A number the derivative rules can compute with: `f64` for the ordinary
/// reverse sweep, a recorded tape variable when the sweep itself is recorded.
///
/// Besides arithmetic, any op of the table applies to it by its code, so a
/// rule can use every function the engine knows without this trait growing
/// a method per function.
pub(crate) trait Scalar:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
{
    /// The plain value, for rules that branch on where they are evaluated.
    fn value(self) -> f64;
    /// The one-operand op `code` with scalar operand `c` applied to `self`.
    fn unary(self, code: Code, c: f64) -> Self;
    /// The two-operand op `code` applied to `self` and `other`.
    fn binary(self, code: Code, other: Self) -> Self;
    /// A number the forward pass kept beside a node's value (as `sigmoid`
    /// keeps `1 - σ(x)`): as kept for an `f64` sweep, recomputed by
    /// `recompute` when the sweep is recorded, so that it has a gradient.
    fn stored_or(stored: f64, recompute: impl FnOnce() -> Self) -> Self;
}

/// The one-operand function `code` (no scalar operand) applied to `x`.
#[inline(always)]
pub(crate) fn call<S: Scalar>(code: Code, x: S) -> S {
    x.unary(code, 0.0)
}

impl Scalar for f64 {
    #[inline(always)]
    fn value(self) -> f64 {
        self
    }
    #[inline(always)]
    fn unary(self, code: Code, c: f64) -> Self {
        rules::eval(code, c, 1, |_| self).0
    }
    #[inline(always)]
    fn binary(self, code: Code, other: Self) -> Self {
        rules::eval(code, 0.0, 2, |k| if k == 0 { self } else { other }).0
    }
    #[inline(always)]
    fn stored_or(stored: f64, _: impl FnOnce() -> Self) -> Self {
        stored
    }
}
