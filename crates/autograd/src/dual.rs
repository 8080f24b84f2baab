//! Forward over reverse: the reverse sweep run on dual numbers, whose second
//! part carries each number's tangent along a direction `v`, gives the
//! Hessian-vector product `H·v` in the tangents of the adjoints, without
//! recording anything.
//!
//! A dual number applies an op through the rules themselves: its value by
//! `rules::eval`, its tangent by the partial derivatives `rules::vjp` hands
//! out for an adjoint of 1. No rule is written twice.

use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub};

use crate::arena::Arena;
use crate::op::Code;
use crate::rules;
use crate::scalar::Scalar;

/// A number and its tangent: `v + d·ε` with `ε² = 0`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Dual {
    v: f64,
    d: f64,
}

impl Dual {
    /// The op `code` with kept number `c` applied to `x`: its value, and its
    /// tangent `Σ ∂y/∂xₖ · ẋₖ` over the operands that have one.
    #[inline(always)]
    fn apply<const N: usize>(code: Code, c: f64, x: [Dual; N]) -> Dual {
        let (v, kept) = rules::eval(code, c, N, |k| x[k].v);
        let mut d = 0.0;
        if x.iter().any(|xk| xk.d != 0.0) {
            rules::vjp::<f64>(
                code,
                kept,
                N,
                |k| x[k].v,
                |k| x[k].d != 0.0,
                || false,
                v,
                // A unary rule does not ask `needs`: a zero tangent times
                // an infinite partial must not make NaN.
                |k, partial| {
                    if x[k].d != 0.0 {
                        d += partial.apply(x[k].d);
                    }
                },
            );
        }
        Dual { v, d }
    }
}

/// The arithmetic of dual numbers, each operator through its op's rules.
macro_rules! dual_operator {
    ($Trait:ident, $method:ident, $op:expr, $with_scalar:expr) => {
        impl $Trait for Dual {
            type Output = Dual;
            #[inline(always)]
            fn $method(self, rhs: Dual) -> Dual {
                Dual::apply($op, 0.0, [self, rhs])
            }
        }
        impl $Trait<f64> for Dual {
            type Output = Dual;
            #[inline(always)]
            fn $method(self, rhs: f64) -> Dual {
                Dual::apply($with_scalar, rhs, [self])
            }
        }
    };
}

dual_operator!(Add, add, Code::Add, Code::AddScalar);
dual_operator!(Sub, sub, Code::Sub, Code::SubScalar);
dual_operator!(Mul, mul, Code::Mul, Code::MulScalar);
dual_operator!(Div, div, Code::Div, Code::DivScalar);

impl Neg for Dual {
    type Output = Dual;
    #[inline(always)]
    fn neg(self) -> Dual {
        Dual::apply(Code::Neg, 0.0, [self])
    }
}

impl AddAssign for Dual {
    #[inline(always)]
    fn add_assign(&mut self, rhs: Dual) {
        *self = *self + rhs;
    }
}

impl Scalar for Dual {
    #[inline(always)]
    fn value(self) -> f64 {
        self.v
    }
    #[inline(always)]
    fn unary(self, code: Code, c: f64) -> Self {
        Dual::apply(code, c, [self])
    }
    #[inline(always)]
    fn binary(self, code: Code, other: Self) -> Self {
        Dual::apply(code, 0.0, [self, other])
    }
    #[inline(always)]
    fn stored_or(_: f64, recompute: impl FnOnce() -> Self) -> Self {
        // What the forward pass kept has no tangent.
        recompute()
    }
}

/// The reverse sweep from `output` on dual numbers whose tangents are
/// `tangents` (every node's, along `v`): returns each node's adjoint
/// tangent, `(H·v)ᵢ` at an input `i`.
///
/// The arena holds no custom op (whose second derivatives only its graph
/// derivative knows).
pub(crate) fn hessian_vector_sweep(arena: &Arena, output: usize, tangents: &[f64]) -> Vec<f64> {
    let nodes = &arena.nodes;
    let mut adjoints = vec![Dual::default(); output + 1];
    adjoints[output].v = 1.0;
    for i in (0..=output).rev() {
        let g = adjoints[i];
        let node = &nodes[i];
        if g == Dual::default() || !node.needs_grad || node.code.is_leaf() {
            continue;
        }
        debug_assert!(
            node.code != Code::Custom,
            "custom ops take the recorded sweep"
        );
        let parents = arena.parents(i);
        let dual = |p: u32| Dual {
            v: nodes[p as usize].value,
            d: tangents[p as usize],
        };
        rules::vjp::<Dual>(
            node.code,
            node.scalar(),
            parents.len(),
            |k| dual(parents[k]),
            |k| nodes[parents[k] as usize].needs_grad,
            || parents.iter().all(|&p| nodes[p as usize].needs_grad),
            dual(i as u32),
            |k, partial| adjoints[parents[k] as usize] += partial.apply(g),
        );
    }
    adjoints.into_iter().map(|a| a.d).collect()
}
