//! Anomaly detection: the first NaN or infinite value or gradient, named
//! with its node, op, parents' values and the line that recorded it.

use std::panic::{AssertUnwindSafe, catch_unwind};

use autograd::{Op, Pass, Tape};

/// The panic message of `f`, which must panic.
pub(crate) fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("it should panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .expect("a text message")
}

#[test]
fn the_forward_pass_stops_at_the_first_non_finite_value() {
    let tape = Tape::new();
    tape.set_detect_anomaly(true);
    let x = tape.var_named("x", 4.0);
    let shifted = (x - 5.0).named("shifted");
    let line = line!() + 2; // the line of the ln below
    let message = panic_message(|| {
        let _ = shifted.ln();
    });
    assert!(
        message.starts_with("anomaly in the forward pass: node #2 (ln) is NaN"),
        "{message}"
    );
    assert!(
        message.contains("its parents: #1 `shifted` = -1"),
        "{message}"
    );
    // The location is the user's line, not the engine's.
    assert!(
        message.contains(&format!("tests/tests/anomaly.rs:{line}")),
        "{message}"
    );
}

#[test]
fn operators_report_their_own_line() {
    let tape = Tape::new();
    tape.set_detect_anomaly(true);
    let (a, zero) = (tape.var(1.0), tape.var(0.0));
    let line = line!() + 2; // the line of the division below
    let message = panic_message(|| {
        let _ = a / zero;
    });
    assert!(message.contains("(div) is inf"), "{message}");
    assert!(message.contains(&format!("anomaly.rs:{line}")), "{message}");
}

#[test]
fn the_backward_pass_stops_at_the_first_non_finite_gradient() {
    let tape = Tape::new();
    tape.set_detect_anomaly(true);
    let x = tape.var_named("x", 0.0);
    let root = x.sqrt().named("root"); // finite value 0, infinite slope
    let y = root * 3.0;
    let line = line!() - 2;
    let message = panic_message(|| {
        let _ = y.backward();
    });
    assert!(
        message.starts_with("anomaly in the backward pass: node #1 `root` (sqrt)"),
        "{message}"
    );
    assert!(
        message.contains("has gradient 3 and passes inf to its parent #0"),
        "{message}"
    );
    assert!(message.contains(&format!("anomaly.rs:{line}")), "{message}");
}

#[test]
fn off_by_default_and_nothing_stops() {
    let tape = Tape::new();
    assert!(!tape.detect_anomaly());
    let x = tape.var(-1.0);
    let y = x.ln() * 2.0;
    assert!(y.value().is_nan());
    assert!(y.backward().wrt(x).is_finite()); // d/dx 2 ln x = 2/x = -2
}

#[test]
fn try_backward_finds_the_origin_without_panicking() {
    let tape = Tape::new();
    let x = tape.var_named("x", -1.0);
    let l = x.ln().named("l"); // the origin: NaN from a finite parent
    let y = (l * 2.0).exp() + x; // NaN from here on, not reported
    let anomaly = y.try_backward().expect_err("ln(-1) is NaN");
    assert_eq!(anomaly.pass, Pass::Forward);
    assert_eq!(anomaly.node, l.index());
    assert_eq!(anomaly.op, Op::Ln);
    assert_eq!(anomaly.name.as_deref(), Some("l"));
    assert_eq!(anomaly.parents.len(), 1);
    assert_eq!(anomaly.parents[0].value, -1.0);
    assert!(anomaly.location.is_none(), "recorded with detection off");
}

#[test]
fn try_backward_is_backward_when_all_is_finite() {
    let tape = Tape::new();
    let x = tape.var(0.7);
    let y = (x * x).tanh().sigmoid();
    let (checked, plain) = (y.try_backward().unwrap(), y.backward());
    assert_eq!(checked.wrt(x).to_bits(), plain.wrt(x).to_bits());
}

#[test]
fn a_nan_input_is_its_own_origin() {
    let tape = Tape::new();
    tape.set_detect_anomaly(true);
    let message = panic_message(|| {
        let _ = tape.var(f64::NAN);
    });
    assert!(
        message.contains("node #0 (var) is NaN; it is a leaf"),
        "{message}"
    );
}

#[test]
fn detection_can_be_turned_off_again() {
    let tape = Tape::new();
    tape.set_detect_anomaly(true);
    tape.set_detect_anomaly(false);
    let x = tape.var(0.0);
    assert!((1.0 / x).value().is_infinite());
}

// Issue case 6: `x.pow(constant 3)` at x = -2 reported "passes NaN to its
// parent" for the exponent, which needs no gradient: ∂(a^b)/∂b = a^b ln a
// is NaN there, but it is never needed, so never computed or blamed.
#[test]
fn a_constant_exponent_at_a_negative_base_is_no_anomaly() {
    let tape = Tape::new();
    tape.set_detect_anomaly(true);
    let x = tape.var_named("x", -2.0);
    let n = tape.constant_named("n", 3.0);
    let y = x.pow(n);
    assert_eq!(y.value(), -8.0);
    let grads = y.try_backward().expect("no anomaly");
    assert_eq!(grads.wrt(x), 12.0); // 3x²
    assert_eq!(grads.get(n), None);
    assert_eq!(y.backward().wrt(x), 12.0);
    // Second order: the recorded sweep records no ln of the negative base.
    let before = tape.len();
    let dy = y.grad_graph(&[x])[0];
    assert_eq!(dy.value(), 12.0);
    let new_ops: Vec<_> = (before..tape.len())
        .map(|i| tape.node(i).unwrap().op())
        .collect();
    assert!(!new_ops.contains(&autograd::Op::Ln), "{new_ops:?}");
    assert_eq!(dy.backward().wrt(x), -12.0); // 6x
}

#[test]
fn an_exponent_that_needs_a_gradient_at_a_negative_base_is_still_reported() {
    let tape = Tape::new();
    let x = tape.var_named("x", -2.0);
    let n = tape.var_named("n", 3.0);
    let anomaly = x.pow(n).try_backward().unwrap_err();
    assert_eq!(anomaly.pass, Pass::Backward);
    assert_eq!(anomaly.flow.unwrap().parent, 1);
}
