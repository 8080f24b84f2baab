//! Every function of the engine's table: value and derivative against
//! closed forms at ordinary points and at the edges of its domain, second
//! derivatives through the recorded sweep, and finite differences over a
//! sweep of its domain.

use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, LN_2, PI};

use autograd::check::GradCheck;
use autograd::{Tape, Var};

/// Equal as IEEE values: both NaN, the same infinity or zero, or within
/// `ulps` relative steps of each other.
fn same(actual: f64, expected: f64, ulps: f64) -> bool {
    if expected.is_nan() {
        actual.is_nan()
    } else if expected.is_infinite() || expected == 0.0 {
        actual == expected
    } else {
        ((actual - expected) / expected).abs() <= ulps * f64::EPSILON
    }
}

/// One-operand function `op` at each point: value `f`, derivative `df`,
/// second derivative `d2f` (through `grad_graph`), each within a few ulp.
fn check(
    name: &str,
    op: impl for<'t> Fn(Var<'t>) -> Var<'t>,
    f: impl Fn(f64) -> f64,
    df: impl Fn(f64) -> f64,
    d2f: impl Fn(f64) -> f64,
    points: &[f64],
) {
    for &x0 in points {
        let tape = Tape::new();
        let x = tape.var(x0);
        let y = op(x);
        assert!(
            same(y.value(), f(x0), 4.0),
            "{name}({x0}) = {}, expected {}",
            y.value(),
            f(x0)
        );
        let slope = y.backward().wrt(x);
        assert!(
            same(slope, df(x0), 8.0),
            "{name}'({x0}) = {slope}, expected {}",
            df(x0)
        );
        let second = y.second_derivative(x);
        assert!(
            same(second, d2f(x0), 64.0),
            "{name}''({x0}) = {second}, expected {}",
            d2f(x0)
        );
    }
}

/// Finite differences over `points`, away from kinks and poles.
fn sweep(name: &str, op: impl for<'t> Fn(Var<'t>) -> Var<'t>, points: impl Iterator<Item = f64>) {
    let failures: Vec<String> = points
        .filter_map(|x| {
            GradCheck::new()
                .inputs(|_, v| op(v[0]), &[x])
                .err()
                .map(|e| format!("{name} at {x}: {e}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `count` points evenly over `[lo, hi]`.
fn evenly(lo: f64, hi: f64, count: usize) -> impl Iterator<Item = f64> {
    (0..count).map(move |k| lo + (hi - lo) * k as f64 / (count - 1) as f64)
}

#[test]
fn trigonometric_functions() {
    let points = [-3.0, -1.0, -0.25, 0.0, 0.5, 1.0, 2.5, 100.0];
    // sin' = cos, sin'' = -sin
    check(
        "sin",
        |x| x.sin(),
        f64::sin,
        f64::cos,
        |x| -x.sin(),
        &points,
    );
    // cos' = -sin, cos'' = -cos
    check(
        "cos",
        |x| x.cos(),
        f64::cos,
        |x| -x.sin(),
        |x| -x.cos(),
        &points,
    );
    // tan' = 1 + tan², tan'' = 2 tan (1 + tan²)
    let sec2 = |x: f64| 1.0 / (x.cos() * x.cos());
    check(
        "tan",
        |x| x.tan(),
        f64::tan,
        sec2,
        |x| 2.0 * x.tan() * sec2(x),
        &[-1.2, -0.3, 0.0, 0.7, 1.5],
    );
    sweep("sin", |x| x.sin(), evenly(-10.0, 10.0, 201));
    sweep("cos", |x| x.cos(), evenly(-10.0, 10.0, 201));
    sweep("tan", |x| x.tan(), evenly(-1.5, 1.5, 201));
}

#[test]
fn inverse_trigonometric_functions_and_their_edges() {
    let inside = [-0.999, -0.5, 0.0, 0.3, 0.9, 0.999_999];
    // asin' = 1/√(1 - x²), asin'' = x / (1 - x²)^(3/2)
    let root = |x: f64| ((1.0 - x) * (1.0 + x)).sqrt();
    check(
        "asin",
        |x| x.asin(),
        f64::asin,
        |x| 1.0 / root(x),
        |x| x / root(x).powi(3),
        &inside,
    );
    check(
        "acos",
        |x| x.acos(),
        f64::acos,
        |x| -1.0 / root(x),
        |x| -x / root(x).powi(3),
        &inside,
    );
    // At ±1 the slope is infinite; outside, NaN.
    let tape = Tape::new();
    for (x0, asin, slope) in [
        (1.0, FRAC_PI_2, f64::INFINITY),
        (-1.0, -FRAC_PI_2, f64::INFINITY),
    ] {
        let x = tape.var(x0);
        let y = x.asin();
        assert_eq!((y.value(), y.backward().wrt(x)), (asin, slope));
    }
    let x = tape.var(1.5);
    assert!(x.asin().value().is_nan() && x.acos().backward().wrt(x).is_nan());
    // Near 1 the slope keeps its digits: 1 - x² would cancel.
    let near = 1.0 - 1e-12;
    let x = tape.var(near);
    let slope = x.asin().backward().wrt(x);
    assert!(
        same(slope, 1.0 / ((1.0 - near) * (1.0 + near)).sqrt(), 4.0),
        "{slope}"
    );
    // atan' = 1/(1 + x²), atan'' = -2x/(1 + x²)²; for huge x, no overflow.
    let d = |x: f64| 1.0 / (1.0 + x * x);
    check(
        "atan",
        |x| x.atan(),
        f64::atan,
        d,
        |x| -2.0 * x * d(x) * d(x),
        &[-50.0, -1.0, 0.0, 0.5, 3.0],
    );
    // 1/(1 + 1e400) is below the smallest subnormal: 0, not NaN or inf.
    let x = tape.var(1e200);
    assert_eq!(x.atan().backward().wrt(x), 0.0);
    let x = tape.var(1e100);
    assert!(same(x.atan().backward().wrt(x), 1e-200, 4.0));
    sweep("asin", |x| x.asin(), evenly(-0.99, 0.99, 201));
    sweep("acos", |x| x.acos(), evenly(-0.99, 0.99, 201));
    sweep("atan", |x| x.atan(), evenly(-20.0, 20.0, 201));
}

#[test]
fn hyperbolic_functions() {
    let points = [-5.0, -1.0, 0.0, 0.5, 3.0, 20.0];
    check(
        "sinh",
        |x| x.sinh(),
        f64::sinh,
        f64::cosh,
        f64::sinh,
        &points,
    );
    check(
        "cosh",
        |x| x.cosh(),
        f64::cosh,
        f64::sinh,
        f64::cosh,
        &points,
    );
    sweep("sinh", |x| x.sinh(), evenly(-5.0, 5.0, 201));
    sweep("cosh", |x| x.cosh(), evenly(-5.0, 5.0, 201));
}

#[test]
fn logarithms_and_exponentials_near_their_edges() {
    // log1p' = 1/(1 + x), log1p'' = -1/(1 + x)²
    let points = [-0.999_999, -0.5, -1e-10, 0.0, 1e-10, 3.0, 1e10];
    check(
        "log1p",
        |x| x.log1p(),
        f64::ln_1p,
        |x| 1.0 / (1.0 + x),
        |x| -1.0 / ((1.0 + x) * (1.0 + x)),
        &points,
    );
    let tape = Tape::new();
    let x = tape.var(-1.0);
    let y = x.log1p();
    assert_eq!(
        (y.value(), y.backward().wrt(x)),
        (f64::NEG_INFINITY, f64::INFINITY)
    );
    // expm1' = e^x, also where e^x - 1 rounds to -1
    let points = [-800.0, -40.0, -1e-10, 0.0, 1e-10, 1.0, 20.0];
    check(
        "expm1",
        |x| x.expm1(),
        f64::exp_m1,
        f64::exp,
        f64::exp,
        &points,
    );
    let x = tape.var(-40.0);
    assert!(same(x.expm1().backward().wrt(x), (-40f64).exp(), 2.0));
    // log2' = 1/(x ln 2), log10' = 1/(x ln 10)
    let points = [1e-300, 0.5, 1.0, 2.0, 1e300];
    check(
        "log2",
        |x| x.log2(),
        f64::log2,
        |x| 1.0 / (x * LN_2),
        |x| -1.0 / (x * x * LN_2),
        &points,
    );
    check(
        "log10",
        |x| x.log10(),
        f64::log10,
        |x| 1.0 / (x * std::f64::consts::LN_10),
        |x| -1.0 / (x * x * std::f64::consts::LN_10),
        &points,
    );
    sweep("log1p", |x| x.log1p(), evenly(-0.9, 10.0, 201));
    sweep("expm1", |x| x.expm1(), evenly(-10.0, 5.0, 201));
    sweep("log2", |x| x.log2(), evenly(0.05, 10.0, 201));
    sweep("log10", |x| x.log10(), evenly(0.05, 10.0, 201));
}

#[test]
fn softplus_is_stable_at_both_ends() {
    let sigma = |x: f64| {
        if x >= 0.0 {
            1.0 / (1.0 + (-x).exp())
        } else {
            x.exp() / (1.0 + x.exp())
        }
    };
    // softplus = ln(1 + e^x), softplus' = σ(x), softplus'' = σ(x)σ(-x)
    let f = |x: f64| x.max(0.0) + (-x.abs()).exp().ln_1p();
    let points = [-745.0, -40.0, -1.0, 0.0, 1.0, 40.0, 700.0];
    check(
        "softplus",
        |x| x.softplus(),
        f,
        sigma,
        |x| sigma(x) * sigma(-x),
        &points,
    );
    let tape = Tape::new();
    let x = tape.var(1000.0);
    let y = x.softplus();
    assert_eq!((y.value(), y.backward().wrt(x)), (1000.0, 1.0));
    let x = tape.var(-1000.0);
    let y = x.softplus();
    assert_eq!(y.value(), 0.0);
    assert!(y.backward().wrt(x).is_finite());
    sweep("softplus", |x| x.softplus(), evenly(-20.0, 20.0, 201));
}

#[test]
fn sigmoid_and_tanh_slopes_keep_their_digits_when_saturated() {
    let tape = Tape::new();
    // σ'(40) = e^-40 / (1 + e^-40)² ≈ 4.25e-18; y(1 - y) would give 0.
    let x = tape.var(40.0);
    let slope = x.sigmoid().backward().wrt(x);
    let e = (-40f64).exp();
    assert!(same(slope, e / ((1.0 + e) * (1.0 + e)), 4.0), "{slope}");
    // exp(40) σ(x) at 40 has slope e^40 σ(40) σ(-40) ≈ 1 (times σ(40)), not 0.
    let y = x.sigmoid() * 40f64.exp();
    assert!((y.backward().wrt(x) - 1.0).abs() < 1e-15);
    // tanh'(21) = 1/cosh²(21) ≈ 2.3e-18; 1 - tanh² would give 0.
    let x = tape.var(21.0);
    let slope = x.tanh().backward().wrt(x);
    assert!(
        same(slope, 1.0 / (21f64.cosh() * 21f64.cosh()), 8.0),
        "{slope}"
    );
    let x = tape.var(-21.0);
    assert!(same(x.tanh().backward().wrt(x), slope, 0.0));
    // Their second derivatives too, through the recorded sweep.
    let x = tape.var(30.0);
    let s = x.sigmoid().second_derivative(x);
    let e = (-30f64).exp();
    // σ'' = σ'(1 - 2σ) ≈ -e^-30 at 30
    assert!(same(s, e * (e - 1.0) / (1.0 + e).powi(3), 64.0), "{s}");
}

#[test]
fn powers_stay_within_an_ulp_for_any_exponent() {
    let tape = Tape::new();
    let x = tape.var(1.000_000_000_1);
    let y = x.powi(2_147_483_647);
    // libm's pow is within an ulp; repeated squaring drifted by 7.7e-10.
    let exact = 1.000_000_000_1f64.powf(2_147_483_647.0);
    assert!(same(y.value(), exact, 2.0), "{} vs {exact}", y.value());
    let slope = y.backward().wrt(x);
    let exact_slope = 2_147_483_647.0 * 1.000_000_000_1f64.powf(2_147_483_646.0);
    assert!(same(slope, exact_slope, 4.0), "{slope} vs {exact_slope}");
}

#[test]
fn abs_recip_square_cbrt() {
    check(
        "abs",
        |x| x.abs(),
        f64::abs,
        f64::signum,
        |_| 0.0,
        &[-2.0, -0.1, 0.3, 7.0],
    );
    let tape = Tape::new();
    let x = tape.var(0.0);
    assert_eq!(x.abs().backward().wrt(x), 0.0); // abs'(0) = 0, as PyTorch
    // recip' = -1/x², recip'' = 2/x³
    check(
        "recip",
        |x| x.recip(),
        |x| 1.0 / x,
        |x| -1.0 / (x * x),
        |x| 2.0 / (x * x * x),
        &[-3.0, -0.5, 0.25, 4.0],
    );
    let y = x.recip();
    assert_eq!(
        (y.value(), y.backward().wrt(x)),
        (f64::INFINITY, f64::NEG_INFINITY)
    );
    // square' = 2x, square'' = 2
    check(
        "square",
        |x| x.square(),
        |x| x * x,
        |x| 2.0 * x,
        |_| 2.0,
        &[-3.0, 0.0, 0.5, 1e100],
    );
    // cbrt' = 1/(3 x^(2/3)), cbrt'' = -2/(9 x^(5/3)); defined below 0
    let c = |x: f64| x.cbrt();
    check(
        "cbrt",
        |x| x.cbrt(),
        f64::cbrt,
        |x| 1.0 / (3.0 * c(x) * c(x)),
        |x| -2.0 / (9.0 * c(x).powi(5)),
        &[-8.0, -0.001, 0.125, 27.0],
    );
    assert_eq!(x.cbrt().backward().wrt(x), f64::INFINITY);
    sweep(
        "abs",
        |x| x.abs(),
        evenly(-5.0, 5.0, 200).filter(|x| x.abs() > 1e-3),
    );
    sweep("recip", |x| x.recip(), evenly(0.1, 10.0, 201));
    sweep("square", |x| x.square(), evenly(-10.0, 10.0, 201));
    sweep("cbrt", |x| x.cbrt(), evenly(0.05, 10.0, 201));
}

#[test]
fn leaky_relu_and_elu_follow_pytorch_at_their_kink() {
    let alpha = 0.1;
    let leaky = |x: f64| if x > 0.0 { x } else { alpha * x };
    let leaky_slope = |x: f64| if x > 0.0 { 1.0 } else { alpha };
    check(
        "leaky_relu",
        |x| x.leaky_relu(alpha),
        leaky,
        leaky_slope,
        |_| 0.0,
        &[-3.0, 0.0, 2.0],
    );
    let elu = |x: f64| if x > 0.0 { x } else { alpha * x.exp_m1() };
    let elu_slope = |x: f64| if x > 0.0 { 1.0 } else { alpha * x.exp() };
    let elu_second = |x: f64| if x > 0.0 { 0.0 } else { alpha * x.exp() };
    check(
        "elu",
        |x| x.elu(alpha),
        elu,
        elu_slope,
        elu_second,
        &[-50.0, -1.0, 0.0, 2.0],
    );
    // Far below 0, elu' = alpha e^x keeps its digits (y + alpha would cancel).
    let tape = Tape::new();
    let x = tape.var(-40.0);
    assert!(same(
        x.elu(alpha).backward().wrt(x),
        alpha * (-40f64).exp(),
        2.0
    ));
    sweep(
        "leaky_relu",
        |x| x.leaky_relu(0.2),
        evenly(-5.0, 5.0, 200).filter(|x| x.abs() > 1e-3),
    );
    sweep(
        "elu",
        |x| x.elu(1.5),
        evenly(-5.0, 5.0, 200).filter(|x| x.abs() > 1e-3),
    );
}

#[test]
fn max_and_min_split_a_tie() {
    let tape = Tape::new();
    for (a0, b0, to_a, to_b) in [
        (3.0, 1.0, 1.0, 0.0),
        (1.0, 3.0, 0.0, 1.0),
        (2.0, 2.0, 0.5, 0.5),
    ] {
        let (a, b) = (tape.var(a0), tape.var(b0));
        let m = a.max(b);
        assert_eq!(m.value(), a0.max(b0));
        let grads = m.backward();
        assert_eq!((grads.wrt(a), grads.wrt(b)), (to_a, to_b));
        let m = a.min(b);
        assert_eq!(m.value(), a0.min(b0));
        let grads = m.backward();
        assert_eq!((grads.wrt(a), grads.wrt(b)), (to_b, to_a));
    }
    // NaN is not hidden, unlike f64::max.
    let (a, b) = (tape.var(f64::NAN), tape.var(1.0));
    assert!(a.max(b).value().is_nan() && b.min(a).value().is_nan());
    assert!(a.max(b).backward().wrt(b).is_nan());
}

#[test]
fn atan2_on_every_axis_and_quadrant() {
    let tape = Tape::new();
    for (y0, x0) in [
        (0.0, 1.0),
        (1.0, 0.0),
        (0.0, -1.0),
        (-1.0, 0.0),
        (1.0, 1.0),
        (1.0, -1.0),
        (-1.0, -1.0),
        (-1.0, 1.0),
        (3.0, -4.0),
        (1e200, 1e200),
        (1e-200, -1e-200),
    ] {
        let (y, x) = (tape.var(y0), tape.var(x0));
        let angle = y.atan2(x);
        assert_eq!(angle.value(), y0.atan2(x0));
        let grads = angle.backward();
        // ∂/∂y = x/(x² + y²), ∂/∂x = -y/(x² + y²), scaled to avoid overflow
        let r = x0.hypot(y0);
        assert!(
            same(grads.wrt(y), x0 / r / r, 4.0),
            "({y0}, {x0}): {}",
            grads.wrt(y)
        );
        assert!(
            same(grads.wrt(x), -y0 / r / r, 4.0),
            "({y0}, {x0}): {}",
            grads.wrt(x)
        );
    }
    let (y, x) = (tape.var(1.0), tape.var(-1.0));
    assert_eq!(y.atan2(x).value(), 3.0 * FRAC_PI_4);
    let (y, x) = (tape.var(0.0), tape.var(-1.0));
    assert_eq!(y.atan2(x).value(), PI);
    // At the origin the angle has no gradient: NaN, said plainly.
    let (y, x) = (tape.var(0.0), tape.var(0.0));
    let grads = y.atan2(x).backward();
    assert!(grads.wrt(x).is_nan() && grads.wrt(y).is_nan());
    // Second derivative: ∂²atan2/∂y² = -2xy/(x² + y²)²
    let (y, x) = (tape.var(0.5), tape.var(2.0));
    let d2 = y.atan2(x).second_derivative(y);
    assert!(same(d2, -2.0 * 2.0 * 0.5 / (4.25f64 * 4.25), 16.0), "{d2}");
}

#[test]
fn hypot_is_finite_but_at_the_origin() {
    let tape = Tape::new();
    for (a0, b0) in [
        (3.0, 4.0),
        (-3.0, 4.0),
        (1e300, 1e300),
        (1e-300, 2e-300),
        (0.0, 5.0),
    ] {
        let (a, b) = (tape.var(a0), tape.var(b0));
        let h = a.hypot(b);
        assert_eq!(h.value(), a0.hypot(b0));
        let grads = h.backward();
        assert!(same(grads.wrt(a), a0 / a0.hypot(b0), 2.0));
        assert!(same(grads.wrt(b), b0 / a0.hypot(b0), 2.0));
    }
    let (a, b) = (tape.var(0.0), tape.var(0.0));
    let grads = a.hypot(b).backward();
    assert!(grads.wrt(a).is_nan() && grads.wrt(b).is_nan());
}

#[test]
fn logsumexp_and_mean() {
    let tape = Tape::new();
    // logsumexp at ±1000: no overflow, the softmax as its gradient.
    for (values, expected) in [
        (vec![1000.0, 1000.0], 1000.0 + LN_2),
        (vec![-1000.0, -1000.0], -1000.0 + LN_2),
        (vec![1000.0, -1000.0], 1000.0),
        (vec![0.0, 0.0, 0.0], 3f64.ln()),
    ] {
        let xs: Vec<Var<'_>> = values.iter().map(|&v| tape.var(v)).collect();
        let y = tape.logsumexp(xs.iter().copied());
        assert!(same(y.value(), expected, 2.0), "{values:?}: {}", y.value());
        let grads = y.backward();
        let m = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let total: f64 = values.iter().map(|v| (v - m).exp()).sum();
        for (&x, &v) in xs.iter().zip(&values) {
            assert!(
                same(grads.wrt(x), (v - m).exp() / total, 2.0),
                "{values:?}: {}",
                grads.wrt(x)
            );
        }
    }
    let none = tape.logsumexp([]);
    assert_eq!(none.value(), f64::NEG_INFINITY);
    // mean = Σx/n, gradient 1/n each; no terms: NaN, as PyTorch.
    let xs = [tape.var(1.0), tape.var(2.0), tape.var(6.0)];
    let m = tape.mean(xs);
    assert_eq!(m.value(), 3.0);
    let grads = m.backward();
    assert!(xs.iter().all(|&x| grads.wrt(x) == 1.0 / 3.0));
    assert!(tape.mean([]).value().is_nan());
    // Second derivatives of logsumexp: diag(s) - s sᵀ.
    let (a, b) = (tape.var(0.3), tape.var(-0.2));
    let y = tape.logsumexp([a, b]);
    let s = 1.0 / (1.0 + (-0.5f64).exp());
    assert!(same(y.second_derivative(a), s * (1.0 - s), 16.0));
}

#[test]
fn detach_stops_the_gradient_and_shows_as_itself() {
    let tape = Tape::new();
    let x = tape.var_named("x", 3.0);
    let held = x.detach();
    assert_eq!(held.op().name(), "detach");
    assert!(!held.requires_grad());
    let y = x * held;
    assert_eq!(y.value(), 9.0);
    assert_eq!(y.backward().wrt(x), 3.0);
    assert_eq!(y.backward().get(held), None);
    assert!(y.trace().to_string().contains("detach"));
    // Its second derivative: d/dx (x · c) = c, d²/dx² = 0.
    assert_eq!(y.second_derivative(x), 0.0);
}
