//! The one place where every op's forward value and local derivative live,
//! side by side.
//!
//! Both are exhaustive matches over the tape's op code ([`Code`], the
//! compact form of [`Op`](crate::Op)): a new op does not compile until it
//! has its forward rule and its derivative rule here. The derivative rules
//! are generic over [`Scalar`], so the same rule serves the `f64` sweep and
//! the sweep recorded as nodes (higher derivatives). Every derivative is
//! written in a form that does not cancel: where the textbook formula
//! subtracts nearly equal numbers (`σ(1 - σ)` for large x, `1 - tanh²`), the
//! rule computes the small factor directly.

use std::f64::consts::{LN_2, LN_10};

use crate::op::Code;
use crate::scalar::{Scalar, call};

/// The forward value of a node with code `code` and scalar operand `c`
/// applied to `arity` parents whose values `x(k)` yields, and the number
/// the node keeps beside it: the scalar operand, or for `sigmoid` the
/// complement `1 - σ(x)`, computed here without cancellation for the
/// derivative to use.
///
/// Leaves have no rule: their value is whatever was stored.
#[inline(always)]
pub(crate) fn eval(code: Code, c: f64, arity: usize, x: impl Fn(usize) -> f64) -> (f64, f64) {
    let y = match code {
        Code::Var | Code::Const => unreachable!("internal error: leaves are not evaluated"),
        Code::Custom => unreachable!("internal error: a custom op's definition gives its value"),
        Code::Add => x(0) + x(1),
        Code::Sub => x(0) - x(1),
        Code::Mul => x(0) * x(1),
        Code::Div => x(0) / x(1),
        Code::Pow => x(0).powf(x(1)),
        Code::AddScalar => x(0) + c,
        Code::ScalarAdd => c + x(0),
        Code::SubScalar => x(0) - c,
        Code::ScalarSub => c - x(0),
        Code::MulScalar => x(0) * c,
        Code::ScalarMul => c * x(0),
        Code::DivScalar => x(0) / c,
        Code::ScalarDiv => c / x(0),
        Code::Powf => x(0).powf(c),
        Code::Powi => powi(x(0), c as i32),
        Code::Neg => -x(0),
        Code::Exp => x(0).exp(),
        Code::Ln => x(0).ln(),
        Code::Sqrt => x(0).sqrt(),
        Code::Sigmoid => {
            let (y, complement) = sigmoid(x(0));
            return (y, complement);
        }
        Code::Tanh => x(0).tanh(),
        Code::Relu => relu(x(0)),
        Code::Sin => x(0).sin(),
        Code::Cos => x(0).cos(),
        Code::Tan => x(0).tan(),
        Code::Asin => x(0).asin(),
        Code::Acos => x(0).acos(),
        Code::Atan => x(0).atan(),
        Code::Sinh => x(0).sinh(),
        Code::Cosh => x(0).cosh(),
        Code::Abs => x(0).abs(),
        Code::Log1p => x(0).ln_1p(),
        Code::Expm1 => x(0).exp_m1(),
        Code::Log2 => x(0).log2(),
        Code::Log10 => x(0).log10(),
        Code::Softplus => softplus(x(0)),
        Code::Recip => 1.0 / x(0),
        Code::Square => x(0) * x(0),
        Code::Cbrt => x(0).cbrt(),
        Code::LeakyRelu => {
            let v = x(0);
            if v > 0.0 { v } else { c * v }
        }
        Code::Elu => {
            let v = x(0);
            if v > 0.0 { v } else { c * v.exp_m1() }
        }
        Code::Detach => x(0),
        Code::Max => max(x(0), x(1)),
        Code::Min => -max(-x(0), -x(1)),
        Code::Atan2 => x(0).atan2(x(1)),
        Code::Hypot => x(0).hypot(x(1)),
        // Left to right from the first term, so `a + b + c` written by hand and
        // a three-term sum give the same bits; the empty sum is 0.
        Code::Sum => sum(arity, &x),
        Code::Mean => sum(arity, &x) / arity as f64,
        Code::Logsumexp => return logsumexp(arity, &x),
        // The products one by one, summed as a sum node would sum them, so a
        // dot node gives the same bits as mul nodes under a sum node.
        Code::Dot => {
            if arity == 0 {
                return (0.0, c);
            }
            let mut total = x(0) * x(1);
            for k in 1..arity / 2 {
                total += x(2 * k) * x(2 * k + 1);
            }
            total
        }
    };
    (y, c)
}

/// The sum of `arity` values, left to right; 0 for none.
#[inline(always)]
fn sum(arity: usize, x: &impl Fn(usize) -> f64) -> f64 {
    if arity == 0 {
        return 0.0;
    }
    let mut total = x(0);
    for k in 1..arity {
        total += x(k);
    }
    total
}

/// `ln Σ e^xₖ`, shifted by the largest term `m` so that nothing overflows:
/// exact to a few ulp for terms of ±1000. NaN if a term is NaN; ±inf if the
/// largest term is; -inf for no terms. Beside it, `Σ e^(xₖ - m)`, from
/// which the derivative gets each softmax weight as `e^(xₖ - m) / Σ`,
/// without the rounding of the (large) result.
fn logsumexp(arity: usize, x: &impl Fn(usize) -> f64) -> (f64, f64) {
    let m = (0..arity).map(x).fold(f64::NEG_INFINITY, max);
    if !m.is_finite() {
        return (m, 1.0);
    }
    let total = sum(arity, &|k| (x(k) - m).exp());
    (m + total.ln(), total)
}

/// The larger of `a` and `b`, and NaN if either is (unlike `f64::max`,
/// which hides a NaN).
#[inline]
pub(crate) fn max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if b > a {
        b
    } else {
        a
    }
}

/// `x` to an integer power to within an ulp or two: `powi`'s repeated
/// squaring drifts by many ulp for large exponents (1.0000000001 to the
/// 2147483647th is off by 7.7e-10 relative), so beyond the exact small
/// cases this is libm's `pow`, which is exact for integer exponents' signs.
#[inline]
pub(crate) fn powi(x: f64, n: i32) -> f64 {
    match n {
        0 => 1.0,
        1 => x,
        2 => x * x,
        -1 => 1.0 / x,
        _ => x.powf(f64::from(n)),
    }
}

/// The logistic function and its complement `1 - σ(x) = σ(-x)`, each
/// evaluated so that neither overflows nor cancels: with `e = e^-|x|`,
/// the larger is `1 / (1 + e)` and the smaller `e / (1 + e)`.
#[inline]
pub(crate) fn sigmoid(x: f64) -> (f64, f64) {
    if x >= 0.0 {
        let e = (-x).exp();
        let y = 1.0 / (1.0 + e);
        (y, e * y)
    } else {
        let e = x.exp();
        let complement = 1.0 / (1.0 + e);
        (e * complement, complement)
    }
}

/// `ln(1 + e^x)`, as `max(x, 0) + ln(1 + e^-|x|)`: `softplus(1000)` is
/// 1000 and `softplus(-1000)` is 0, not inf or NaN.
#[inline]
fn softplus(x: f64) -> f64 {
    relu(x) + (-x.abs()).exp().ln_1p()
}

/// `max(x, 0)`, letting NaN through rather than hiding it as 0.
#[inline]
pub(crate) fn relu(x: f64) -> f64 {
    if x <= 0.0 { 0.0 } else { x }
}

/// How a node's adjoint `g` flows to one parent: times or over a local
/// factor. Division is kept where a rule divides (`d(a/b)/da = 1/b` flows as
/// `g / b`, one rounding, not `g · (1/b)`, two), and ±1 as themselves so
/// that a recorded sweep records no product for them.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Partial<S> {
    /// `g` itself: the derivative is 1.
    Pass,
    /// `-g`: the derivative is -1.
    Negated,
    /// `g · p`.
    Times(S),
    /// `g · c`, `c` a plain number.
    TimesConst(f64),
    /// `g / q`.
    Over(S),
    /// `g / c`, `c` a plain number.
    OverConst(f64),
}

impl<S: Scalar> Partial<S> {
    /// The parent's share of the adjoint `g`.
    #[inline(always)]
    pub(crate) fn apply(self, g: S) -> S {
        match self {
            Partial::Pass => g,
            Partial::Negated => -g,
            Partial::Times(p) => g * p,
            Partial::TimesConst(c) => g * c,
            Partial::Over(q) => g / q,
            Partial::OverConst(c) => g / c,
        }
    }
}

impl Partial<f64> {
    /// The factor and whether the adjoint is divided by it: `(p, false)`
    /// for `g · p`, `(q, true)` for `g / q`. `g · 1` and `g · -1` are `g`
    /// and `-g` exactly, so `Pass` and `Negated` are factors of ±1.
    #[inline(always)]
    pub(crate) fn factor(self) -> (f64, bool) {
        match self {
            Partial::Pass => (1.0, false),
            Partial::Negated => (-1.0, false),
            Partial::Times(p) | Partial::TimesConst(p) => (p, false),
            Partial::Over(q) | Partial::OverConst(q) => (q, true),
        }
    }
}

/// The local derivatives of one node, as [`Partial`]s: for a node with code
/// `code`, the number `c` it keeps (its scalar operand, or what [`eval`]
/// computed beside its value), value `y` and `arity` parents whose values
/// `x(k)` yields, calls `emit(k, partial)` for every parent `k` the node
/// depends on and that `needs(k)` a gradient (`all_need()` says that every
/// parent does, so that n-ary rules can skip asking). A sweep turns a
/// partial and the node's adjoint `g` into the parent's share with
/// [`Partial::apply`]: `g · p` or `g / q`, as each rule says, so that the
/// reverse sweep, the forward sweep, the recorded sweep and a compiled
/// program all round the same way.
///
/// A caller that asks gets no contribution for a parent that needs no
/// gradient, not even computed: the recorded sweep records nothing for a
/// constant, and the checked sweep never blames one (`∂(a^b)/∂b = a^b ln a`
/// is NaN at a negative `a`, and a constant exponent does not care). The
/// plain first-order sweep does not ask: such a parent's adjoint is written
/// and never read, which is cheaper than asking. A parent whose contribution
/// is identically zero at this point (relu below its kink, the base of
/// `x^0`) gets no call either. The sweeps only ask for the vjp of a node
/// that needs a gradient, so the one parent of a unary node always needs one.
///
/// At a kink each rule follows PyTorch: relu'(0) = 0, abs'(0) = 0,
/// leaky_relu'(0) = elu'(0) = alpha, and max and min split the gradient
/// evenly between tied operands.
#[inline(always)]
#[allow(
    clippy::too_many_arguments,
    reason = "inlined into the sweeps, where each closure folds away"
)]
pub(crate) fn vjp<S: Scalar>(
    code: Code,
    c: f64,
    arity: usize,
    x: impl Fn(usize) -> S,
    needs: impl Fn(usize) -> bool,
    all_need: impl Fn() -> bool,
    y: S,
    mut emit: impl FnMut(usize, Partial<S>),
) {
    match code {
        Code::Var | Code::Const | Code::Detach => {}
        Code::Custom => {
            unreachable!("internal error: a custom op's definition gives its derivatives")
        }
        Code::Add => {
            if needs(0) {
                emit(0, Partial::Pass);
            }
            if needs(1) {
                emit(1, Partial::Pass);
            }
        }
        Code::Sub => {
            if needs(0) {
                emit(0, Partial::Pass);
            }
            if needs(1) {
                emit(1, Partial::Negated);
            }
        }
        // d(a b) = b da + a db
        Code::Mul => {
            if needs(0) {
                emit(0, Partial::Times(x(1)));
            }
            if needs(1) {
                emit(1, Partial::Times(x(0)));
            }
        }
        // d(a / b) = da / b - (a / b²) db, and a / b² = y / b
        Code::Div => {
            let b = x(1);
            if needs(0) {
                emit(0, Partial::Over(b));
            }
            if needs(1) {
                emit(1, Partial::Times(-(y / b)));
            }
        }
        // d(a^b) = b a^(b-1) da + a^b ln(a) db. Where b = 0 the first term is 0
        // (not 0 * inf at a = 0); where a = 0 and b >= 0 the second is 0 (not
        // 0 * -inf), as in PyTorch.
        Code::Pow => {
            let (a, b) = (x(0), x(1));
            if needs(0) && b.value() != 0.0 {
                let slope = if y.value().is_normal() && a.value() != 0.0 {
                    b * y / a
                } else {
                    b * a.binary(Code::Pow, b - 1.0)
                };
                emit(0, Partial::Times(slope));
            }
            if needs(1) && !(a.value() == 0.0 && b.value() >= 0.0) {
                emit(1, Partial::Times(y * call(Code::Ln, a)));
            }
        }
        Code::AddScalar | Code::ScalarAdd | Code::SubScalar => emit(0, Partial::Pass),
        Code::ScalarSub => emit(0, Partial::Negated),
        Code::MulScalar | Code::ScalarMul => emit(0, Partial::TimesConst(c)),
        // d(x / c) = dx / c
        Code::DivScalar => emit(0, Partial::OverConst(c)),
        // d(c / x) = -(c / x²) dx = -(y / x) dx
        Code::ScalarDiv => emit(0, Partial::Times(-(y / x(0)))),
        // d(x^c) = c x^(c-1) dx, and 0 where c = 0. As (c x^c) / x where x^c
        // is a normal number: c - 1 rounds (hundreds of ulp when |ln x| is
        // large), and x^(c-1) may overflow where c x^(c-1) does not.
        Code::Powf => {
            if c != 0.0 {
                let v = x(0);
                let slope = if y.value().is_normal() && v.value() != 0.0 {
                    y * c / v
                } else {
                    v.unary(Code::Powf, c - 1.0) * c
                };
                emit(0, Partial::Times(slope));
            }
        }
        // d(x^n) = n x^(n-1) dx, and 0 where n = 0. For n = i32::MIN, n - 1
        // is no i32: the same power as a float exponent, exact in an f64.
        Code::Powi => {
            let n = c as i32;
            if n != 0 {
                let power = if n == i32::MIN {
                    x(0).unary(Code::Powf, c - 1.0)
                } else {
                    x(0).unary(Code::Powi, f64::from(n - 1))
                };
                emit(0, Partial::Times(power * c));
            }
        }
        Code::Neg => emit(0, Partial::Negated),
        // d(e^x) = e^x dx
        Code::Exp => emit(0, Partial::Times(y)),
        // d(ln x) = dx / x
        Code::Ln => emit(0, Partial::Over(x(0))),
        // d(√x) = dx / (2 √x)
        Code::Sqrt => emit(0, Partial::Over(y * 2.0)),
        // d(σ(x)) = σ(x) (1 - σ(x)) dx. Past σ = 0.8, 1 - σ would cancel, so
        // σ(-x), kept from the forward pass (recomputed as a node when the
        // sweep is recorded): within 4 ulp everywhere.
        Code::Sigmoid => {
            let complement = if y.value() <= 0.8 {
                y.unary(Code::ScalarSub, 1.0)
            } else {
                S::stored_or(c, || call(Code::Sigmoid, -x(0)))
            };
            emit(0, Partial::Times(y * complement));
        }
        // d(tanh x) = (1 - tanh² x) dx; where |tanh x| > 0.8, 1 - tanh² would
        // cancel, so 4t / (1 + t)² with t = e^-2|x|
        Code::Tanh => {
            let slope = if y.value().abs() <= 0.8 {
                (y * y).unary(Code::ScalarSub, 1.0)
            } else {
                let t = call(Code::Exp, call(Code::Abs, x(0)) * -2.0);
                let denominator = t + 1.0;
                t * 4.0 / (denominator * denominator)
            };
            emit(0, Partial::Times(slope));
        }
        // d(relu x) = dx where x > 0, else 0 (at the kink too)
        Code::Relu => {
            if x(0).value() > 0.0 {
                emit(0, Partial::Pass);
            }
        }
        // d(sin x) = cos x dx
        Code::Sin => emit(0, Partial::Times(call(Code::Cos, x(0)))),
        // d(cos x) = -sin x dx
        Code::Cos => emit(0, Partial::Times(-call(Code::Sin, x(0)))),
        // d(tan x) = (1 + tan² x) dx
        Code::Tan => emit(0, Partial::Times(y * y + 1.0)),
        // d(asin x) = dx / √(1 - x²), with 1 - x² = (1 - x)(1 + x), exact
        // near ±1
        Code::Asin => emit(0, Partial::Over(one_minus_square_root(x(0)))),
        // d(acos x) = -dx / √(1 - x²)
        Code::Acos => emit(0, Partial::Over(-one_minus_square_root(x(0)))),
        // d(atan x) = dx / (1 + x²); past |x| = 1 as r² / (1 + r²) with
        // r = 1/x, so x² cannot overflow
        Code::Atan => {
            let v = x(0);
            let slope = if v.value().abs() <= 1.0 {
                (v * v + 1.0).unary(Code::ScalarDiv, 1.0)
            } else {
                let r = v.unary(Code::ScalarDiv, 1.0);
                let r2 = r * r;
                r2 / (r2 + 1.0)
            };
            emit(0, Partial::Times(slope));
        }
        // d(sinh x) = cosh x dx
        Code::Sinh => emit(0, Partial::Times(call(Code::Cosh, x(0)))),
        // d(cosh x) = sinh x dx
        Code::Cosh => emit(0, Partial::Times(call(Code::Sinh, x(0)))),
        // d|x| = sign(x) dx, and 0 at 0 (as PyTorch); NaN stays NaN
        Code::Abs => {
            let v = x(0).value();
            if v > 0.0 {
                emit(0, Partial::Pass);
            } else if v < 0.0 {
                emit(0, Partial::Negated);
            } else if v.is_nan() {
                emit(0, Partial::TimesConst(f64::NAN));
            }
        }
        // d ln(1 + x) = dx / (1 + x); 1 + x is exact near -1
        Code::Log1p => emit(0, Partial::Over(x(0) + 1.0)),
        // d(e^x - 1) = e^x dx, from e^x itself: y + 1 would cancel for x ≪ 0
        Code::Expm1 => emit(0, Partial::Times(call(Code::Exp, x(0)))),
        // d log₂ x = dx / (x ln 2)
        Code::Log2 => emit(0, Partial::Over(x(0) * LN_2)),
        // d log₁₀ x = dx / (x ln 10)
        Code::Log10 => emit(0, Partial::Over(x(0) * LN_10)),
        // d softplus(x) = σ(x) dx
        Code::Softplus => emit(0, Partial::Times(call(Code::Sigmoid, x(0)))),
        // d(1/x) = -dx / x² = -y² dx
        Code::Recip => emit(0, Partial::Times(-(y * y))),
        // d(x²) = 2x dx
        Code::Square => emit(0, Partial::Times(x(0) * 2.0)),
        // d ∛x = dx / (3 ∛x²)
        Code::Cbrt => emit(0, Partial::Over(y * y * 3.0)),
        // d leaky_relu(x) = dx above 0, alpha dx at and below 0 (as PyTorch)
        Code::LeakyRelu => {
            if x(0).value() > 0.0 {
                emit(0, Partial::Pass);
            } else {
                emit(0, Partial::TimesConst(c));
            }
        }
        // d elu(x) = dx above 0, alpha e^x dx at and below 0 (as PyTorch);
        // from e^x itself, since y + alpha would cancel for x ≪ 0
        Code::Elu => {
            let v = x(0);
            if v.value() > 0.0 {
                emit(0, Partial::Pass);
            } else {
                emit(0, Partial::Times(call(Code::Exp, v) * c));
            }
        }
        // d max(a, b) = da where a > b, db where b > a, half of each at a tie
        // (as PyTorch's maximum); NaN where either is
        Code::Max | Code::Min => {
            let (a, b) = (x(0).value(), x(1).value());
            let first = if code == Code::Max { a > b } else { a < b };
            let second = if code == Code::Max { b > a } else { b < a };
            let (to_a, to_b) = if first {
                (Some(Partial::Pass), None)
            } else if second {
                (None, Some(Partial::Pass))
            } else if a == b {
                (
                    Some(Partial::TimesConst(0.5)),
                    Some(Partial::TimesConst(0.5)),
                )
            } else {
                (
                    Some(Partial::TimesConst(f64::NAN)),
                    Some(Partial::TimesConst(f64::NAN)),
                )
            };
            if let Some(to_a) = to_a.filter(|_| needs(0)) {
                emit(0, to_a);
            }
            if let Some(to_b) = to_b.filter(|_| needs(1)) {
                emit(1, to_b);
            }
        }
        // d atan2(u, v) = (v du - u dv) / (u² + v²); where u² + v² could
        // overflow or underflow, as (v / r) / r with r = hypot(u, v). NaN at
        // the origin.
        Code::Atan2 => {
            let (u, v) = (x(0), x(1));
            let scale = u.value().abs().max(v.value().abs());
            let (du, dv) = if (1e-150..=1e150).contains(&scale) {
                let r2 = u * u + v * v;
                (v / r2, u / r2)
            } else {
                let r = u.binary(Code::Hypot, v);
                (v / r / r, u / r / r)
            };
            if needs(0) {
                emit(0, Partial::Times(du));
            }
            if needs(1) {
                emit(1, Partial::Times(-dv));
            }
        }
        // d hypot(a, b) = (a da + b db) / hypot(a, b); NaN at the origin
        Code::Hypot => {
            if needs(0) {
                emit(0, Partial::Times(x(0) / y));
            }
            if needs(1) {
                emit(1, Partial::Times(x(1) / y));
            }
        }
        Code::Sum => {
            if all_need() {
                for k in 0..arity {
                    emit(k, Partial::Pass);
                }
            } else {
                for k in 0..arity {
                    if needs(k) {
                        emit(k, Partial::Pass);
                    }
                }
            }
        }
        // d mean(x) = Σ dxₖ / n
        Code::Mean => {
            for k in 0..arity {
                if needs(k) {
                    emit(k, Partial::OverConst(arity as f64));
                }
            }
        }
        // d logsumexp(x) = Σ e^(xₖ - y) dxₖ, the softmax, each weight as
        // e^(xₖ - m) / Σ e^(xⱼ - m) with m the largest term, since xₖ - y
        // would carry the rounding of y (an ulp of 1000 is 1e-13) into exp
        Code::Logsumexp if arity == 0 => {}
        Code::Logsumexp => {
            let m = (0..arity)
                .map(|k| x(k).value())
                .fold(f64::NEG_INFINITY, max);
            let total = S::stored_or(c, || {
                (1..arity).fold(call(Code::Exp, x(0) - m), |total, k| {
                    total + call(Code::Exp, x(k) - m)
                })
            });
            for k in 0..arity {
                if needs(k) {
                    emit(k, Partial::Times(call(Code::Exp, x(k) - m) / total));
                }
            }
        }
        // d(Σ aₖbₖ) = Σ bₖ daₖ + aₖ dbₖ
        Code::Dot => {
            if all_need() {
                for k in 0..arity / 2 {
                    emit(2 * k, Partial::Times(x(2 * k + 1)));
                    emit(2 * k + 1, Partial::Times(x(2 * k)));
                }
            } else {
                for k in 0..arity / 2 {
                    if needs(2 * k) {
                        emit(2 * k, Partial::Times(x(2 * k + 1)));
                    }
                    if needs(2 * k + 1) {
                        emit(2 * k + 1, Partial::Times(x(2 * k)));
                    }
                }
            }
        }
    }
}

/// `√(1 - x²)` as `√((1 - x)(1 + x))`, whose factors are exact near ±1.
fn one_minus_square_root<S: Scalar>(x: S) -> S {
    call(Code::Sqrt, x.unary(Code::ScalarSub, 1.0) * (x + 1.0))
}

#[cfg(test)]
mod tests {
    use crate::{Tape, Var};

    /// Equal as IEEE values: both NaN, the same infinity, or within a few ulps.
    fn assert_same(what: &str, x: f64, actual: f64, expected: f64) {
        let ok = if expected.is_nan() {
            actual.is_nan()
        } else if expected.is_infinite() || expected == 0.0 {
            actual == expected
        } else {
            ((actual - expected) / expected).abs() <= 4.0 * f64::EPSILON
        };
        assert!(ok, "{what} at x = {x}: got {actual}, expected {expected}");
    }

    /// Checks a one-argument op's value and derivative against hand-derived
    /// formulas at every point.
    fn check_unary(
        name: &str,
        op: impl for<'t> Fn(Var<'t>) -> Var<'t>,
        f: impl Fn(f64) -> f64,
        df: impl Fn(f64) -> f64,
        points: &[f64],
    ) {
        for &x0 in points {
            let tape = Tape::new();
            let x = tape.var(x0);
            let y = op(x);
            assert_same(&format!("{name} value"), x0, y.value(), f(x0));
            assert_same(&format!("{name}'"), x0, y.backward().wrt(x), df(x0));
        }
    }

    /// As [`check_unary`] for a two-argument op, with both partials.
    fn check_binary(
        name: &str,
        op: impl for<'t> Fn(Var<'t>, Var<'t>) -> Var<'t>,
        f: impl Fn(f64, f64) -> f64,
        dfa: impl Fn(f64, f64) -> f64,
        dfb: impl Fn(f64, f64) -> f64,
        points: &[(f64, f64)],
    ) {
        for &(a0, b0) in points {
            let tape = Tape::new();
            let (a, b) = (tape.var(a0), tape.var(b0));
            let y = op(a, b);
            let grads = y.backward();
            let at = a0 + b0 * 1e-3; // for the message only
            assert_same(&format!("{name}({a0}, {b0})"), at, y.value(), f(a0, b0));
            assert_same(
                &format!("∂{name}/∂a({a0}, {b0})"),
                at,
                grads.wrt(a),
                dfa(a0, b0),
            );
            assert_same(
                &format!("∂{name}/∂b({a0}, {b0})"),
                at,
                grads.wrt(b),
                dfb(a0, b0),
            );
        }
    }

    const POINTS: [f64; 9] = [-3.5, -1.0, -0.25, 0.0, 1e-9, 0.5, 1.0, 2.0, 7.25];
    const POSITIVE: [f64; 7] = [1e-12, 0.001, 0.3775, 1.0, 2.5, 10.0, 1e12];

    #[test]
    fn add_sub_mul_div() {
        let pairs = [
            (0.15, 0.05),
            (-2.0, 3.0),
            (0.0, 4.0),
            (1e10, -1e-10),
            (5.0, 0.5),
        ];
        check_binary(
            "add",
            |a, b| a + b,
            |a, b| a + b,
            |_, _| 1.0,
            |_, _| 1.0,
            &pairs,
        );
        check_binary(
            "sub",
            |a, b| a - b,
            |a, b| a - b,
            |_, _| 1.0,
            |_, _| -1.0,
            &pairs,
        );
        // y = ab; ∂y/∂a = b, ∂y/∂b = a
        check_binary(
            "mul",
            |a, b| a * b,
            |a, b| a * b,
            |_, b| b,
            |a, _| a,
            &pairs,
        );
        // y = a/b; ∂y/∂a = 1/b, ∂y/∂b = -a/b²
        check_binary(
            "div",
            |a, b| a / b,
            |a, b| a / b,
            |_, b| 1.0 / b,
            |a, b| -a / (b * b),
            &pairs,
        );
    }

    #[test]
    fn division_by_zero_follows_ieee() {
        // 1/0 = inf; ∂/∂a = 1/0 = inf; ∂/∂b = -(1 · inf)/0 = -inf
        check_binary(
            "div",
            |a, b| a / b,
            |a, b| a / b,
            |_, _| f64::INFINITY,
            |_, _| f64::NEG_INFINITY,
            &[(1.0, 0.0)],
        );
    }

    #[test]
    fn pow_in_both_arguments() {
        // y = a^b; ∂y/∂a = b a^(b-1), ∂y/∂b = a^b ln a
        let pairs = [(2.0, 3.0), (0.5, -1.5), (3.0, 0.5), (1.0, 7.0), (10.0, 0.0)];
        check_binary(
            "pow",
            |a, b| a.pow(b),
            f64::powf,
            |a, b| if b == 0.0 { 0.0 } else { b * a.powf(b - 1.0) },
            |a, b| a.powf(b) * a.ln(),
            &pairs,
        );
        // At a zero base ∂/∂b is taken as 0 (not 0 · -inf); ∂/∂a = 0^0 rule.
        check_binary(
            "pow",
            |a, b| a.pow(b),
            f64::powf,
            |_, b| if b == 1.0 { 1.0 } else { 0.0 },
            |_, _| 0.0,
            &[(0.0, 2.0), (0.0, 1.0), (0.0, 0.0)],
        );
        // A negative base: ln is NaN, so ∂/∂b is NaN; ∂/∂a is ordinary.
        check_binary(
            "pow",
            |a, b| a.pow(b),
            f64::powf,
            |a, b| b * a.powf(b - 1.0),
            |_, _| f64::NAN,
            &[(-2.0, 3.0)],
        );
    }

    #[test]
    fn scalar_operands_on_either_side() {
        let c = 0.7;
        check_unary("x+c", |x| x + c, |x| x + c, |_| 1.0, &POINTS);
        check_unary("c+x", |x| c + x, |x| c + x, |_| 1.0, &POINTS);
        check_unary("x-c", |x| x - c, |x| x - c, |_| 1.0, &POINTS);
        check_unary("c-x", |x| c - x, |x| c - x, |_| -1.0, &POINTS);
        check_unary("x*c", |x| x * c, |x| x * c, |_| c, &POINTS);
        check_unary("c*x", |x| c * x, |x| c * x, |_| c, &POINTS);
        check_unary("x/c", |x| x / c, |x| x / c, |_| 1.0 / c, &POINTS);
        // y = c/x; y' = -c/x²
        check_unary("c/x", |x| c / x, |x| c / x, |x| -c / (x * x), &POSITIVE);
        check_unary("-x", |x| -x, |x| -x, |_| -1.0, &POINTS);
    }

    #[test]
    fn powers() {
        // y = x^2.5; y' = 2.5 x^1.5
        check_unary(
            "powf",
            |x| x.powf(2.5),
            |x| x.powf(2.5),
            |x| 2.5 * x.powf(1.5),
            &POSITIVE,
        );
        // y = x^-2; y' = -2 x^-3
        check_unary(
            "powi",
            |x| x.powi(-2),
            |x| x.powi(-2),
            |x| -2.0 * x.powi(-3),
            &POINTS,
        );
        // y = x^3; y' = 3x²
        check_unary(
            "powi",
            |x| x.powi(3),
            |x| x.powi(3),
            |x| 3.0 * x * x,
            &POINTS,
        );
        // x^0 = 1 everywhere, with derivative 0 (also at 0, not 0 · inf)
        check_unary("powi0", |x| x.powi(0), |_| 1.0, |_| 0.0, &POINTS);
        check_unary("powf0", |x| x.powf(0.0), |_| 1.0, |_| 0.0, &POINTS);
        // A negative base to a fractional power is NaN, and so is its slope.
        check_unary("powf", |x| x.powf(0.5), |_| f64::NAN, |_| f64::NAN, &[-4.0]);
        // √x at 0: value 0, slope +inf
        check_unary("powf", |x| x.powf(0.5), |_| 0.0, |_| f64::INFINITY, &[0.0]);
    }

    // Issue case: n - 1 overflowed for n = i32::MIN, giving -3.9e102 at
    // x = 1.0000001 (true -1.2e-84) and -inf at x = 2 (true -0) in release
    // builds and a panic in debug builds.
    #[test]
    fn powi_at_the_smallest_exponent_has_the_true_derivative() {
        let n = i32::MIN;
        for (x0, expected) in [
            // d(x^n) = n x^(n-1), computed with the float exponent
            (
                1.0000001,
                f64::from(n) * 1.0000001f64.powf(f64::from(n) - 1.0),
            ),
            (2.0, -0.0),
            (-1.0, -f64::from(n)), // (-1)^(n-1) = -1: n - 1 is odd
        ] {
            let tape = Tape::new();
            let x = tape.var(x0);
            let y = x.powi(n);
            let slope = y.backward().wrt(x);
            // Adjoints sum from +0, so an exact -0 contribution reads as 0.
            assert_same("powi(i32::MIN)'", x0, slope, expected);
            // libm's pow, exact to an ulp; f64::powi drifts at this exponent
            assert_eq!(y.value(), x0.powf(f64::from(n)));
            // Second order: d²(x^n) = n (n-1) x^(n-2)
            let d2 = y.second_derivative(x);
            let exact = f64::from(n) * (f64::from(n) - 1.0) * x0.powf(f64::from(n) - 2.0);
            assert!(
                d2 == exact || ((d2 - exact) / exact).abs() < 1e-9,
                "{d2} vs {exact}"
            );
        }
        let tape = Tape::new();
        let x = tape.var(1.0000001);
        let slope = x.powi(n).backward().wrt(x);
        assert!(
            slope < 0.0 && slope > -1.3e-84 && slope < -1.1e-84,
            "{slope}"
        );
    }

    #[test]
    fn exp_ln_sqrt() {
        // y = e^x; y' = e^x
        check_unary("exp", |x| x.exp(), f64::exp, f64::exp, &POINTS);
        // y = ln x; y' = 1/x
        check_unary("ln", |x| x.ln(), f64::ln, |x| 1.0 / x, &POSITIVE);
        check_unary(
            "ln",
            |x| x.ln(),
            |_| f64::NEG_INFINITY,
            |_| f64::INFINITY,
            &[0.0],
        );
        check_unary("ln", |x| x.ln(), |_| f64::NAN, |_| -1.0, &[-1.0]);
        // y = √x; y' = 1/(2√x)
        check_unary(
            "sqrt",
            |x| x.sqrt(),
            f64::sqrt,
            |x| 0.5 / x.sqrt(),
            &POSITIVE,
        );
        check_unary("sqrt", |x| x.sqrt(), |_| 0.0, |_| f64::INFINITY, &[0.0]);
        check_unary("sqrt", |x| x.sqrt(), |_| f64::NAN, |_| f64::NAN, &[-1.0]);
    }

    #[test]
    fn sigmoid_tanh_relu() {
        let sigma = |x: f64| 1.0 / (1.0 + (-x).exp());
        // y = σ(x); y' = σ(x)(1 - σ(x)) = σ(x)σ(-x), the form whose factors
        // are both accurate (1 - σ(x) loses digits for x > 0)
        check_unary(
            "sigmoid",
            |x| x.sigmoid(),
            sigma,
            |x| sigma(x) * sigma(-x),
            &POINTS,
        );
        // y = tanh x; y' = 1 - tanh² x = 1 / cosh² x, the form that does not
        // cancel for large |x|
        check_unary(
            "tanh",
            |x| x.tanh(),
            f64::tanh,
            |x| 1.0 / (x.cosh() * x.cosh()),
            &POINTS,
        );
        // relu' is 1 above 0 and 0 at and below it.
        check_unary(
            "relu",
            |x| x.relu(),
            |x| x.max(0.0),
            |x| if x > 0.0 { 1.0 } else { 0.0 },
            &POINTS,
        );
    }

    #[test]
    fn sigmoid_is_finite_far_out() {
        for x0 in [-1000.0, -745.0, -40.0, 40.0, 745.0, 1000.0] {
            let tape = Tape::new();
            let x = tape.var(x0);
            let y = x.sigmoid();
            let slope = y.backward().wrt(x);
            assert!(y.value().is_finite() && (0.0..=1.0).contains(&y.value()));
            assert!(slope.is_finite() && slope >= 0.0, "σ'({x0}) = {slope}");
        }
        let tape = Tape::new();
        assert_eq!(tape.var(1000.0).sigmoid().value(), 1.0);
        assert_eq!(tape.var(-1000.0).sigmoid().value(), 0.0);
        // Far below 0 the value is tiny but not flushed to 0 too early.
        let tiny = tape.var(-700.0).sigmoid().value();
        assert!(tiny > 0.0 && (tiny / (-700f64).exp() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn relu_passes_nan_through() {
        let tape = Tape::new();
        assert!(tape.var(f64::NAN).relu().value().is_nan());
    }

    #[test]
    fn sum_is_left_to_right_and_every_term_gets_the_adjoint() {
        let tape = Tape::new();
        let xs = [0.1, 0.2, 0.3, 1e16, -1e16].map(|x| tape.var(x));
        let total = tape.sum(xs);
        assert_eq!(total.value(), 0.1 + 0.2 + 0.3 + 1e16 - 1e16);
        let grads = total.backward();
        for x in xs {
            assert_eq!(grads.wrt(x), 1.0);
        }
        // One term used twice gets both contributions.
        let twice = tape.sum([xs[0], xs[0], xs[1]]);
        assert_eq!(twice.backward().wrt(xs[0]), 2.0);
    }

    #[test]
    fn dot_matches_muls_under_a_sum_bit_for_bit() {
        // y = Σ aₖbₖ; ∂y/∂aₖ = bₖ, ∂y/∂bₖ = aₖ
        let tape = Tape::new();
        let a = [0.15, -2.5, 1e-3, 7.0].map(|v| tape.var(v));
        let b = [0.05, 0.3, 1e8, -0.7].map(|v| tape.var(v));
        let dot = tape.dot(&a, &b);
        let sum = tape.sum(a.iter().zip(&b).map(|(&x, &y)| x * y));
        assert_eq!(dot.value().to_bits(), sum.value().to_bits());
        let (gd, gs) = (dot.backward(), sum.backward());
        for v in a.iter().chain(&b) {
            assert_eq!(gd.wrt(*v).to_bits(), gs.wrt(*v).to_bits());
        }
        // A term paired with itself: d(x·x) = 2x dx.
        let square = tape.dot(&[a[1]], &[a[1]]);
        assert_eq!(square.backward().wrt(a[1]), 2.0 * -2.5);
        assert_eq!(tape.dot(&[], &[]).value(), 0.0);
    }
}
