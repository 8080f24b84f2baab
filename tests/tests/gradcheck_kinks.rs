//! Gradient checking at kinks: where a function has no derivative, only a
//! derivative from each side, the engine's convention (one side, or a value
//! between them) passes and the point is reported as a kink; smooth points
//! are judged by the central difference as before.

use autograd::Tape;
use autograd::check::GradCheck;

#[test]
fn relu_at_zero_passes_as_a_kink_whose_analytic_value_is_the_left_quotient() {
    let report = GradCheck::new()
        .inputs(|_, v| v[0].relu(), &[0.0])
        .expect("relu'(0) = 0 is relu's derivative from the left");
    let e = &report.entries()[0];
    assert!(e.kink);
    assert_eq!((e.analytic, e.left, e.right), (0.0, 0.0, 1.0));
    assert_eq!(e.numeric, 0.5);
    assert_eq!(e.error, 0.0);
    assert_eq!(report.kinks().count(), 1);
}

#[test]
fn abs_built_from_relus_passes_at_zero_with_the_analytic_value_between_the_quotients() {
    let report = GradCheck::new()
        .inputs(|_, v| v[0].relu() + (-v[0]).relu(), &[0.0])
        .expect("0 lies between the slopes -1 and 1");
    let e = &report.entries()[0];
    assert!(e.kink);
    assert_eq!((e.analytic, e.left, e.right), (0.0, -1.0, 1.0));
}

#[test]
fn a_wrong_derivative_outside_the_one_sided_quotients_fails_at_a_kink() {
    // The constant hides from the engine that 3x depends on x: the analytic
    // derivative is relu'(0) = 0, the slopes on either side 3 and 4.
    let error = GradCheck::new()
        .inputs(
            |tape, v| v[0].relu() + 3.0 * tape.constant(v[0].value()),
            &[0.0],
        )
        .unwrap_err();
    let e = error.failures().next().unwrap();
    assert!(e.kink);
    assert_eq!((e.analytic, e.left, e.right), (0.0, 3.0, 4.0));
    assert_eq!(e.error, 3.0);
    assert_eq!(error.report().kinks().count(), 1);
    let text = error.to_string();
    assert!(
        text.contains("input 0: analytic 0, at a kink between left 3 and right 4"),
        "{text}"
    );
}

#[test]
fn a_kink_on_a_curved_function_passes_within_the_one_sided_quotients_own_error() {
    // 0.001·relu(x) - 50x² at 0: the one-sided derivatives are 0 and 0.001,
    // but the quotients over eps = 1e-6 are 5e-5 and 0.00095, off by
    // h·f''/2 = 5e-5, over four times atol + rtol·0.00095; the drift between the
    // steps 2·eps and eps measures that error and widens the tolerance.
    let report = GradCheck::new()
        .inputs(|_, v| v[0].relu() * 0.001 - v[0].powi(2) * 50.0, &[0.0])
        .expect("relu'(0) = 0 is the derivative from the left");
    let e = &report.entries()[0];
    assert!(e.kink);
    assert_eq!(e.analytic, 0.0);
    assert!((e.left - 5e-5).abs() < 1e-9, "{e:?}");
    assert!((e.error - 5e-5).abs() < 1e-9, "{e:?}");
    assert!(e.error > 1e-5 + 1e-3 * e.right.abs(), "{e:?}");
}

#[test]
fn a_smooth_function_with_large_curvature_is_not_a_kink_and_is_judged_by_the_central_difference() {
    // x² at 0 with a step of 1e-3: the one-sided quotients -1e-3 and 1e-3
    // disagree far beyond atol = 1e-5, but only by h·f''.
    let checker = GradCheck::new().with_eps(1e-3);
    let report = checker.inputs(|_, v| v[0].powi(2), &[0.0]).unwrap();
    let e = &report.entries()[0];
    assert!((e.right - e.left).abs() > 2.0 * e.tolerance);
    assert!(!e.kink);
    assert_eq!(e.error, (e.analytic - e.numeric).abs());

    // tanh(50x) at 0.01: f'' ≈ -1800, the quotients 40.2 and 38.4 disagree
    // beyond the tolerance 0.039; the central difference 39.31 agrees with
    // the analytic 39.32.
    let report = checker
        .inputs(|_, v| (v[0] * 50.0).tanh(), &[0.01])
        .unwrap();
    let e = &report.entries()[0];
    assert!((e.right - e.left).abs() > 2.0 * e.tolerance);
    assert!(!e.kink);
    assert_eq!(report.kinks().count(), 0);
    assert!(!report.to_string().contains("kink"));
}

#[test]
fn a_smooth_function_the_central_difference_fails_still_fails_and_is_not_a_kink() {
    // x³ at 1 with a step of 1: (8 - 0)/2 = 4, not 3; the quotients 1 and 7
    // differ by curvature, not by a corner.
    let error = GradCheck::new()
        .with_eps(1.0)
        .inputs(|_, v| v[0].powi(3), &[1.0])
        .unwrap_err();
    let e = error.failures().next().unwrap();
    assert!(!e.kink);
    assert_eq!((e.left, e.right, e.numeric), (1.0, 7.0, 4.0));
}

#[test]
fn a_step_steeper_than_the_finite_difference_step_is_not_a_kink_and_fails() {
    // A ramp from 0 to 1 over 1e-9, a jump in value at the resolution of
    // eps = 1e-6: the quotient from the right grows like 1/eps.
    let error = GradCheck::new()
        .inputs(
            |_, v| (v[0] * 1e9).relu() - (v[0] * 1e9 - 1.0).relu(),
            &[0.0],
        )
        .unwrap_err();
    let e = error.failures().next().unwrap();
    assert!(!e.kink);
    assert_eq!(e.numeric, 5e5);
}

#[test]
fn a_kink_within_a_sixth_of_the_step_is_reported_at_the_point() {
    // relu at 1e-7 with eps = 1e-6: the derivative there is 1, the quotient
    // from the left straddles the corner.
    let report = GradCheck::new()
        .inputs(|_, v| v[0].relu(), &[1e-7])
        .unwrap();
    let e = &report.entries()[0];
    assert!(e.kink);
    assert!((e.left - 0.1).abs() < 1e-9 && (e.right - 1.0).abs() < 1e-9);
}

#[test]
fn a_kink_half_a_step_away_is_not_detected_and_fails_as_before() {
    // The documented blind spot: a corner between eps/6 and eps from the
    // point bends both kinds of quotient; the central difference 0.75 is
    // compared with relu'(5e-7) = 1.
    let error = GradCheck::new()
        .inputs(|_, v| v[0].relu(), &[5e-7])
        .unwrap_err();
    let e = error.failures().next().unwrap();
    assert!(!e.kink);
    assert!((e.numeric - 0.75).abs() < 1e-9);
}

#[test]
fn the_node_check_reports_the_nodes_a_relu_at_zero_has_a_kink_in() {
    let tape = Tape::new();
    let x = tape.var_named("x", 1.0);
    let d = (x - 1.0).named("d");
    let h = d.relu().named("h");
    let y = (h * 3.0).named("y");
    let report = GradCheck::new().nodes(y).expect("relu'(0) = 0 is accepted");
    // The output bends at x = 1 and at d = 0; it is linear in h and in y.
    let kinks: Vec<_> = report.kinks().map(|e| e.name.as_deref()).collect();
    assert_eq!(kinks, [Some("x"), Some("d")]);
    let d_entry = &report.entries()[1];
    assert_eq!(
        (d_entry.analytic, d_entry.left, d_entry.right),
        (0.0, 0.0, 3.0)
    );
}

#[test]
fn the_report_marks_each_kink_row_with_its_one_sided_quotients() {
    let report = GradCheck::new()
        .inputs(|_, v| v[0].relu() + v[1] * 2.0, &[0.0, 0.0])
        .unwrap();
    let text = report.to_string();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(rows[0].ends_with("yes  kink: left 0, right 1"), "{text}");
    assert!(rows[1].ends_with("yes"), "{text}");
}

// f = x·relu(x): f' = 2·relu(x) has a corner at 0, where the engine's
// second derivative (2·relu'(0) = 0) is the left one-sided quotient of f'.
#[test]
fn a_kink_of_the_gradient_passes_the_second_order_check_as_a_kink() {
    let report = GradCheck::new()
        .second_order(|_, x| x[0] * x[0].relu(), &[0.0])
        .expect("the second derivative at the corner is one-sided");
    assert_eq!(report.kinks().count(), 1);
    let entry = &report.entries()[0];
    assert_eq!((entry.analytic, entry.kink), (0.0, true));
    assert!(
        entry.left.abs() < 1e-6 && (entry.right - 2.0).abs() < 1e-6,
        "{entry:?}"
    );
}
