//! Second and higher derivatives: closed forms, finite differences of the
//! first derivative on random graphs, and Hessian symmetry.
//!
//! Second-order checks use a step of 1e-5 with atol 1e-4 and rtol 1e-3:
//! a central difference of the gradient has truncation error ~eps²·f⁗ and
//! cancellation error ~1e-16·|∇f|/eps, so a larger step than first order's
//! keeps the second term small for gradients up to ~1e5, the largest the
//! random graphs produce.

use autograd::check::GradCheck;
use autograd::{Tape, Var, hessian, hvp};
use proptest::prelude::*;

use crate::random_graphs::graph_with;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

/// d²f/dx² at each point, against the closed form.
fn second(f: impl for<'t> Fn(Var<'t>) -> Var<'t>, f2: impl Fn(f64) -> f64, points: &[f64]) {
    for &x0 in points {
        let tape = Tape::new();
        let x = tape.var(x0);
        let engine = f(x).second_derivative(x);
        assert!(close(engine, f2(x0)), "at {x0}: {engine} vs {}", f2(x0));
    }
}

const POINTS: [f64; 6] = [-2.0, -0.5, 0.1, 0.7, 1.5, 3.0];

#[test]
fn closed_forms() {
    let sigma = |x: f64| 1.0 / (1.0 + (-x).exp());
    // σ'' = σ(1 - σ)(1 - 2σ)
    second(
        |x| x.sigmoid(),
        |x| sigma(x) * (1.0 - sigma(x)) * (1.0 - 2.0 * sigma(x)),
        &POINTS,
    );
    // tanh'' = -2 tanh (1 - tanh²)
    second(
        |x| x.tanh(),
        |x| -2.0 * x.tanh() * (1.0 - x.tanh().powi(2)),
        &POINTS,
    );
    // (x³)'' = 6x
    second(|x| x.powi(3), |x| 6.0 * x, &POINTS);
    second(|x| x * x * x, |x| 6.0 * x, &POINTS);
    // (e^tanh x)'' = e^t ((1 - t²)² - 2t(1 - t²)), t = tanh x
    second(
        |x| x.tanh().exp(),
        |x| {
            let t = x.tanh();
            let d = 1.0 - t * t;
            t.exp() * (d * d - 2.0 * t * d)
        },
        &POINTS,
    );
    // (ln x)'' = -1/x², (√x)'' = -x^(-3/2)/4, (1/x)'' = 2/x³
    let positive = [0.1, 0.7, 1.5, 3.0];
    second(|x| x.ln(), |x| -1.0 / (x * x), &positive);
    second(|x| x.sqrt(), |x| -0.25 * x.powf(-1.5), &positive);
    second(|x| 1.0 / x, |x| 2.0 / x.powi(3), &positive);
    // relu'' = 0 away from the kink
    second(|x| x.relu() * 3.0, |_| 0.0, &POINTS);
}

#[test]
fn pow_in_both_arguments() {
    // f = x^y: f_xx = y(y-1)x^(y-2), f_yy = x^y ln²x, f_xy = x^(y-1)(1 + y ln x)
    for (x0, y0) in [(1.5, 2.5), (0.7, -1.2), (3.0, 0.5)] {
        let h = hessian(|_, v| v[0].pow(v[1]), &[x0, y0]);
        let xy: f64 = x0.powf(y0);
        assert!(
            close(h[0][0], y0 * (y0 - 1.0) * x0.powf(y0 - 2.0)),
            "f_xx {h:?}"
        );
        assert!(close(h[1][1], xy * x0.ln().powi(2)), "f_yy {h:?}");
        let mixed = x0.powf(y0 - 1.0) * (1.0 + y0 * x0.ln());
        assert!(close(h[0][1], mixed) && close(h[1][0], mixed), "f_xy {h:?}");
    }
}

#[test]
fn any_order() {
    // y = x⁵: y''' = 60x², y'''' = 120x
    let tape = Tape::new();
    let x = tape.var(1.5);
    let mut d = x.powi(5);
    for _ in 0..3 {
        d = d.grad_graph(&[x])[0];
    }
    assert!(close(d.value(), 60.0 * 1.5 * 1.5));
    assert!(close(d.backward().wrt(x), 120.0 * 1.5));
}

#[test]
fn second_derivative_of_an_intermediate_node() {
    // y = h², h = x³: d²y/dh² = 2 whatever x is
    let tape = Tape::new();
    let x = tape.var(0.8);
    let h = x.powi(3);
    let y = h * h;
    assert!(close(y.second_derivative(h), 2.0));
    // d²y/dx² = 30x⁴
    assert!(close(y.second_derivative(x), 30.0 * 0.8f64.powi(4)));
}

#[test]
fn a_node_the_output_does_not_depend_on_has_zero_derivatives() {
    let tape = Tape::new();
    let (x, z) = (tape.var(1.0), tape.var(2.0));
    let y = x.exp();
    let g = y.grad_graph(&[x, z]);
    assert_eq!(g[1].value(), 0.0);
    assert_eq!(g[1].backward().wrt(z), 0.0);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: ProptestConfig::default().cases / 2,
        ..ProptestConfig::default()
    })]

    /// Every second derivative of a random graph agrees with central
    /// differences of its gradient.
    #[test]
    fn second_derivatives_agree_with_finite_differences(spec in graph_with(24)) {
        let checker = GradCheck::new().with_eps(1e-5).with_atol(1e-4).with_rtol(1e-3);
        let result = checker.second_order(|tape, vars| *spec.build(tape, vars).last().unwrap(), &spec.point());
        prop_assert!(result.is_ok(), "{}", result.unwrap_err());
    }

    /// The Hessian-vector product by forward over reverse (dual numbers,
    /// nothing recorded) agrees with reverse over reverse (the gradient
    /// recorded and differentiated again) and with the Hessian times the
    /// vector, to the rounding of the sums involved.
    #[test]
    fn hessian_vector_products_agree_three_ways(
        spec in graph_with(24),
        direction in prop::collection::vec(-2.0..2.0f64, 4),
    ) {
        let f = autograd::function(|tape, vars| *spec.build(tape, vars).last().unwrap());
        let point = spec.point();
        let v = &direction[..point.len()];
        let (dual, recorded) = (hvp(f, &point, v), autograd::hvp_reverse_over_reverse(f, &point, v));
        let h = hessian(f, &point);
        for (i, row) in h.iter().enumerate() {
            let product: f64 = row.iter().zip(v).map(|(a, b)| a * b).sum();
            let scale: f64 = row.iter().zip(v).map(|(a, b)| (a * b).abs()).sum::<f64>().max(1.0);
            for (what, value) in [("forward over reverse", dual[i]), ("reverse over reverse", recorded[i])] {
                prop_assert!((value - product).abs() <= 1e-9 * scale,
                    "{what} [{i}] = {value}, H·v = {product}\n{spec:?}");
            }
        }
    }

    /// The Hessian is symmetric.
    #[test]
    fn hessians_are_symmetric(spec in graph_with(24)) {
        let h = hessian(|tape, vars| *spec.build(tape, vars).last().unwrap(), &spec.point());
        for (i, row) in h.iter().enumerate() {
            for (j, &a) in row.iter().enumerate().take(i) {
                let b = h[j][i];
                prop_assert!((a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
                    "H[{i}][{j}] = {a}, H[{j}][{i}] = {b}");
            }
        }
    }
}
