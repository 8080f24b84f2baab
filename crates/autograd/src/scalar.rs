//! The arithmetic the derivative rules are written in, so that one rule serves
//! both plain `f64` sweeps and, later, sweeps recorded as tape operations.

use std::ops::{Add, Div, Mul, Neg, Sub};

/// A number the derivative rules can compute with: `f64` for the ordinary
/// reverse sweep, a recorded tape variable when the sweep itself is recorded.
pub(crate) trait Scalar:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
    + Sub<f64, Output = Self>
{
    /// The plain value, for rules that branch on where they are evaluated.
    fn value(self) -> f64;
    /// `1 - self`, written as the subtraction it is.
    fn one_minus(self) -> Self;
    /// The natural logarithm.
    fn ln(self) -> Self;
    /// `self` to a scalar power.
    fn powf(self, exponent: f64) -> Self;
    /// `self` to an integer power.
    fn powi(self, exponent: i32) -> Self;
    /// `self` to a power that is itself a scalar of this kind.
    fn pow(self, exponent: Self) -> Self;
}

impl Scalar for f64 {
    #[inline]
    fn value(self) -> f64 {
        self
    }
    #[inline]
    fn one_minus(self) -> Self {
        1.0 - self
    }
    #[inline]
    fn ln(self) -> Self {
        f64::ln(self)
    }
    #[inline]
    fn powf(self, exponent: f64) -> Self {
        f64::powf(self, exponent)
    }
    #[inline]
    fn powi(self, exponent: i32) -> Self {
        f64::powi(self, exponent)
    }
    #[inline]
    fn pow(self, exponent: Self) -> Self {
        f64::powf(self, exponent)
    }
}
