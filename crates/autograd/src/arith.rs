//! Operator overloads: `+ - * /`, unary `-` and the compound assignments,
//! between `Var`s and with an `f64` on either side.

use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use crate::op::Code;
use crate::scalar::Scalar;
use crate::var::Var;

/// Implements one binary operator for `Var op Var`, `Var op f64` and
/// `f64 op Var`, and its compound assignment, each recording one node.
macro_rules! binary_operator {
    ($Trait:ident, $method:ident, $Assign:ident, $assign:ident, $op:expr, $var_scalar:expr, $scalar_var:expr) => {
        impl<'t> $Trait for Var<'t> {
            type Output = Var<'t>;
            #[inline]
            #[track_caller]
            fn $method(self, rhs: Var<'t>) -> Var<'t> {
                self.tape.binary($op, self, rhs)
            }
        }

        impl<'t> $Trait<f64> for Var<'t> {
            type Output = Var<'t>;
            #[inline]
            #[track_caller]
            fn $method(self, rhs: f64) -> Var<'t> {
                self.tape.unary($var_scalar, rhs, self)
            }
        }

        impl<'t> $Trait<Var<'t>> for f64 {
            type Output = Var<'t>;
            #[inline]
            #[track_caller]
            fn $method(self, rhs: Var<'t>) -> Var<'t> {
                rhs.tape.unary($scalar_var, self, rhs)
            }
        }

        impl<'t> $Assign for Var<'t> {
            #[inline]
            #[track_caller]
            fn $assign(&mut self, rhs: Var<'t>) {
                *self = $Trait::$method(*self, rhs);
            }
        }

        impl $Assign<f64> for Var<'_> {
            #[inline]
            #[track_caller]
            fn $assign(&mut self, rhs: f64) {
                *self = $Trait::$method(*self, rhs);
            }
        }
    };
}

// A scalar on the left gets an op of its own, so traces read as written.
binary_operator!(
    Add,
    add,
    AddAssign,
    add_assign,
    Code::Add,
    Code::AddScalar,
    Code::ScalarAdd
);
binary_operator!(
    Sub,
    sub,
    SubAssign,
    sub_assign,
    Code::Sub,
    Code::SubScalar,
    Code::ScalarSub
);
binary_operator!(
    Mul,
    mul,
    MulAssign,
    mul_assign,
    Code::Mul,
    Code::MulScalar,
    Code::ScalarMul
);
binary_operator!(
    Div,
    div,
    DivAssign,
    div_assign,
    Code::Div,
    Code::DivScalar,
    Code::ScalarDiv
);

impl<'t> Neg for Var<'t> {
    type Output = Var<'t>;
    #[inline]
    #[track_caller]
    fn neg(self) -> Var<'t> {
        self.tape.unary(Code::Neg, 0.0, self)
    }
}

/// Records ONE n-ary [`Op::Sum`](crate::Op::Sum) node over all the terms.
///
/// # Panics
///
/// On an empty iterator, which has no tape to record on: use
/// [`Tape::sum`](crate::Tape::sum), which gives 0 for no terms.
///
/// # Examples
///
/// ```
/// let tape = autograd::Tape::new();
/// let xs: Vec<_> = (1..=4).map(|i| tape.var(f64::from(i))).collect();
/// let total: autograd::Var = xs.iter().copied().sum();
/// assert_eq!(total.value(), 10.0);
/// assert_eq!(total.parents().len(), 4);
/// ```
impl<'t> Sum for Var<'t> {
    #[track_caller]
    fn sum<I: Iterator<Item = Var<'t>>>(mut iter: I) -> Var<'t> {
        let first = iter.next().expect(
            "cannot sum an empty iterator of Vars: there is no tape to record on; \
             use Tape::sum, which gives 0 for no terms",
        );
        first.tape.sum(std::iter::once(first).chain(iter))
    }
}

/// As `Sum<Var>`, for iterators over references.
impl<'a, 't> Sum<&'a Var<'t>> for Var<'t> {
    #[track_caller]
    fn sum<I: Iterator<Item = &'a Var<'t>>>(iter: I) -> Var<'t> {
        iter.copied().sum()
    }
}

/// The derivative rules applied to recorded `Var`s record the sweep itself.
impl Scalar for Var<'_> {
    fn value(self) -> f64 {
        Var::value(&self)
    }
    fn unary(self, code: Code, c: f64) -> Self {
        self.tape.unary(code, c, self)
    }
    fn binary(self, code: Code, other: Self) -> Self {
        self.tape.binary(code, self, other)
    }
    fn stored_or(_: f64, recompute: impl FnOnce() -> Self) -> Self {
        recompute()
    }
}
