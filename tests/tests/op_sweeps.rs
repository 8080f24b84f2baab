//! Each op's derivative against finite differences at hundreds of points
//! spread over its domain, deterministically.

use autograd::Var;
use autograd::check::GradCheck;

/// `count` points evenly spread over `[lo, hi]`.
fn sweep(lo: f64, hi: f64, count: usize) -> impl Iterator<Item = f64> {
    (0..count).map(move |k| lo + (hi - lo) * k as f64 / (count - 1) as f64)
}

/// Checks `op` at every point; collects every failure into one message.
fn check_unary(
    name: &str,
    op: impl for<'t> Fn(Var<'t>) -> Var<'t>,
    points: impl Iterator<Item = f64>,
) {
    let mut failures = Vec::new();
    let mut checked = 0;
    for x in points {
        checked += 1;
        if let Err(e) = GradCheck::new().inputs(|_, v| op(v[0]), &[x]) {
            failures.push(format!("{name} at {x}: {e}"));
        }
    }
    assert!(checked >= 200, "{name}: only {checked} points");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn check_binary(
    name: &str,
    op: impl for<'t> Fn(Var<'t>, Var<'t>) -> Var<'t>,
    a: &[f64],
    b: &[f64],
) {
    let mut failures = Vec::new();
    for &x in a {
        for &y in b {
            if let Err(e) = GradCheck::new().inputs(|_, v| op(v[0], v[1]), &[x, y]) {
                failures.push(format!("{name} at ({x}, {y}): {e}"));
            }
        }
    }
    assert!(a.len() * b.len() >= 200, "{name}: too few points");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn elementary_functions() {
    check_unary("exp", |x| x.exp(), sweep(-20.0, 5.0, 300));
    check_unary("ln", |x| x.ln(), sweep(0.01, 100.0, 300));
    check_unary("sqrt", |x| x.sqrt(), sweep(0.01, 100.0, 300));
    check_unary("sigmoid", |x| x.sigmoid(), sweep(-40.0, 40.0, 301));
    check_unary("tanh", |x| x.tanh(), sweep(-20.0, 20.0, 301));
    check_unary("neg", |x| -x, sweep(-50.0, 50.0, 300));
    // relu away from its kink at 0, farther than the step.
    check_unary(
        "relu",
        |x| x.relu(),
        sweep(-5.0, 5.0, 300).filter(|x| x.abs() > 1e-3),
    );
}

#[test]
fn powers() {
    check_unary("powf(2.5)", |x| x.powf(2.5), sweep(0.01, 10.0, 300));
    check_unary("powf(-1.5)", |x| x.powf(-1.5), sweep(0.05, 10.0, 300));
    check_unary("powf(1/3)", |x| x.powf(1.0 / 3.0), sweep(0.01, 10.0, 300));
    check_unary("powi(3)", |x| x.powi(3), sweep(-10.0, 10.0, 300));
    check_unary("powi(-2)", |x| x.powi(-2), sweep(0.05, 10.0, 300));
    check_unary("powi(0)", |x| x.powi(0), sweep(-10.0, 10.0, 300));
    let bases: Vec<f64> = sweep(0.05, 5.0, 20).collect();
    let exponents: Vec<f64> = sweep(-3.0, 3.0, 15).collect();
    check_binary("pow", |a, b| a.pow(b), &bases, &exponents);
}

#[test]
fn arithmetic() {
    let xs: Vec<f64> = sweep(-10.0, 10.0, 20).collect();
    let nonzero: Vec<f64> = sweep(-5.0, 5.0, 21).filter(|y| y.abs() > 0.05).collect();
    check_binary("add", |a, b| a + b, &xs, &xs);
    check_binary("sub", |a, b| a - b, &xs, &xs);
    check_binary("mul", |a, b| a * b, &xs, &xs);
    check_binary("div", |a, b| a / b, &xs, &nonzero);
    check_unary("x + c", |x| x + 1.7, sweep(-10.0, 10.0, 200));
    check_unary("c + x", |x| 1.7 + x, sweep(-10.0, 10.0, 200));
    check_unary("x - c", |x| x - 1.7, sweep(-10.0, 10.0, 200));
    check_unary("c - x", |x| 1.7 - x, sweep(-10.0, 10.0, 200));
    check_unary("x * c", |x| x * -2.3, sweep(-10.0, 10.0, 200));
    check_unary("c * x", |x| -2.3 * x, sweep(-10.0, 10.0, 200));
    check_unary("x / c", |x| x / 0.3, sweep(-10.0, 10.0, 200));
    check_unary("c / x", |x| 0.3 / x, sweep(0.05, 10.0, 200));
    check_unary(
        "sum",
        |x| x.tape().sum([x, x * x, x]),
        sweep(-10.0, 10.0, 200),
    );
}
