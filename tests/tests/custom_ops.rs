//! Users' own ops: every sweep through them, their names wherever a node
//! shows, GradCheck on their derivatives, and the mistakes they refuse.

use std::f64::consts::PI;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use autograd::check::GradCheck;
use autograd::{CustomOp, Op, Tape, Var, hessian, hvp, jacobian_fwd, jacobian_rev};

use crate::anomaly::panic_message;

/// The error function to about 1e-7 (Abramowitz and Stegun 7.1.26): a
/// function from "another library", with its known derivative.
fn erf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    (1.0 - poly * (-x * x).exp()).copysign(x)
}

fn erf_op() -> CustomOp {
    let scale = 2.0 / PI.sqrt();
    CustomOp::unary("erf", erf, move |x, _| scale * (-x * x).exp())
        .with_graph_derivative(move |x, _| vec![(-x[0] * x[0]).exp() * scale])
}

#[test]
fn a_custom_op_goes_through_every_sweep() {
    let erf_node = erf_op();
    let scale = 2.0 / PI.sqrt();
    let slope = |x: f64| scale * (-x * x).exp();
    let tape = Tape::new();
    let x = tape.var(0.7);
    let y = erf_node.apply(&[x * 2.0]) * x;
    // y = erf(2x)·x: y' = 2 erf'(2x)·x + erf(2x)
    let expected = 2.0 * slope(1.4) * 0.7 + erf(1.4);
    assert!((y.backward().wrt(x) - expected).abs() < 1e-15);
    assert!((x.forward().of(y) - expected).abs() < 1e-15);
    // y'' = 4 erf''(2x)·x + 4 erf'(2x), erf'' = -2x erf'
    let second = 4.0 * (-2.0 * 1.4 * slope(1.4)) * 0.7 + 4.0 * slope(1.4);
    assert!((y.second_derivative(x) - second).abs() < 1e-13);
    let h = hessian(|_, v| erf_node.apply(&[v[0] * v[1]]), &[0.5, 0.8]);
    let hv = hvp(
        |_, v| erf_node.apply(&[v[0] * v[1]]),
        &[0.5, 0.8],
        &[1.0, 0.0],
    );
    assert!((h[0][0] - hv[0]).abs() < 1e-15 && (h[1][0] - hv[1]).abs() < 1e-15);
    assert!(
        GradCheck::new()
            .second_order(|_, v| erf_node.apply(&[v[0] * v[1]]), &[0.5, 0.8])
            .is_ok()
    );
}

#[test]
fn a_custom_op_in_jacobians_of_both_modes() {
    let erf = erf_op();
    let f = autograd::vector_function(|_, p| vec![erf.apply(&[p[0]]) * p[1], erf.apply(&[p[1]])]);
    let (reverse, forward) = (jacobian_rev(f, &[0.3, -0.4]), jacobian_fwd(f, &[0.3, -0.4]));
    assert_eq!(reverse, forward);
    assert!(GradCheck::new().jacobian(f, &[0.3, -0.4]).is_ok());
}

#[test]
fn gradcheck_catches_a_wrong_derivative_and_passes_the_right_one() {
    // The derivative of x³ given as 3x (a forgotten square).
    let wrong = CustomOp::unary("cube", |x| x * x * x, |x, _| 3.0 * x);
    let right = CustomOp::unary("cube", |x| x * x * x, |x, _| 3.0 * x * x);
    let error = GradCheck::new()
        .inputs(|_, v| wrong.apply(&[v[0]]).sin(), &[1.5])
        .unwrap_err();
    let failure = error.failures().next().expect("the wrong derivative fails");
    assert!((failure.numeric - 3.0 * 1.5f64.powi(2) * 3.375f64.cos()).abs() < 1e-6);
    assert!(
        GradCheck::new()
            .inputs(|_, v| right.apply(&[v[0]]).sin(), &[1.5])
            .is_ok()
    );
    // And node by node: the check perturbs through the op's own value.
    let tape = Tape::new();
    let x = tape.var(1.5);
    let y = right.apply(&[x * x]).sin();
    assert!(GradCheck::new().nodes(y).is_ok());
}

#[test]
fn a_custom_op_shows_under_its_own_name() {
    let erf = erf_op();
    let tape = Tape::new();
    let x = tape.var_named("x", 0.5);
    let y = erf.apply(&[x]).named("y");
    assert_eq!(y.op(), Op::Custom("erf"));
    assert_eq!(y.op().name(), "erf");
    let trace = tape.trace().to_string();
    assert!(trace.contains("erf"), "{trace}");
    let dot = y.dot().to_string();
    assert!(dot.contains("erf"), "{dot}");
    // Two ops of the same name stay apart.
    let other = CustomOp::unary("erf", |x| x, |_, _| 1.0);
    let z = other.apply(&[x]);
    assert_eq!(z.value(), 0.5);
    assert_ne!(z.value(), y.value());
}

#[test]
fn anomalies_in_a_custom_op_name_it() {
    let log = CustomOp::unary("my_log", f64::ln, |x, _| 1.0 / x);
    let tape = Tape::new();
    tape.set_detect_anomaly(true);
    let x = tape.var(-1.0);
    let message = panic_message(|| {
        let _ = log.apply(&[x]);
    });
    assert!(message.contains("my_log"), "{message}");
    assert_eq!(tape.len(), 1, "a refused node is not recorded");

    // A partial that is not finite from a finite value: the backward pass.
    let steep = CustomOp::unary("steep", |x| x, |_, _| f64::INFINITY);
    let tape = Tape::new();
    let x = tape.var(1.0);
    let y = steep.apply(&[x]);
    let anomaly = y.try_backward().unwrap_err();
    assert!(anomaly.to_string().contains("steep"), "{anomaly}");
}

#[test]
fn without_a_graph_derivative_second_derivatives_say_what_to_give() {
    let cube = CustomOp::unary("cube", |x| x * x * x, |x, _| 3.0 * x * x);
    assert!(!cube.has_graph_derivative());
    let message = panic_message(|| drop(hessian(|_, v| cube.apply(&[v[0]]), &[2.0])));
    assert!(message.contains("custom op `cube`"), "{message}");
    assert!(
        message.contains("CustomOp::with_graph_derivative"),
        "{message}"
    );
    // First derivatives need no graph derivative.
    let tape = Tape::new();
    let x = tape.var(2.0);
    assert_eq!(cube.apply(&[x]).backward().wrt(x), 12.0);

    let miscounted = CustomOp::unary("cube", |x| x * x * x, |x, _| 3.0 * x * x)
        .with_graph_derivative(|x, _| vec![x[0], x[0]]);
    let message = panic_message(|| drop(hessian(|_, v| miscounted.apply(&[v[0]]), &[2.0])));
    assert!(
        message.contains("gave 2 partial(s) for 1 operand(s)"),
        "{message}"
    );
}

#[test]
fn the_mistakes_a_custom_op_refuses_say_what_to_do() {
    let add = CustomOp::binary("my_add", |a, b| a + b, |_, _, _| [1.0, 1.0]);
    let tape = Tape::new();
    let x = tape.var(1.0);
    let message = panic_message(|| {
        let _ = add.apply(&[x]);
    });
    assert!(
        message.contains("CustomOp `my_add` takes 2 operand(s), got 1"),
        "{message}"
    );

    let other = Tape::new();
    let foreign = other.var(1.0);
    let message = panic_message(|| {
        let _ = add.apply(&[x, foreign]);
    });
    assert!(message.contains("another Tape"), "{message}");

    let message = panic_message(|| drop(CustomOp::unary("", |x| x, |_, _| 1.0)));
    assert!(message.contains("the name is empty"), "{message}");
    let message = panic_message(|| drop(CustomOp::new("nothing", 0, |_| 1.0, |_, _, _| {})));
    assert!(message.contains("Tape::constant"), "{message}");

    let cloned = CustomOp::unary("id", |x| x, |_, _| 1.0);
    let _keep = cloned.clone();
    let message = panic_message(|| drop(cloned.with_graph_derivative(|x, _| vec![x[0]])));
    assert!(message.contains("was cloned before"), "{message}");
}

#[test]
fn a_value_function_that_fails_or_uses_the_tape_records_nothing() {
    let tape = Tape::new();
    let x = tape.var(1.0);
    let failing = CustomOp::unary(
        "failing",
        |x| {
            assert!(x <= 0.0, "the user's value function failed");
            x
        },
        |_, _| 1.0,
    );
    let result = catch_unwind(AssertUnwindSafe(|| failing.apply(&[x])));
    assert!(result.is_err());
    assert_eq!(tape.len(), 1, "a panicking value function records nothing");
    assert_eq!((x * 2.0).backward().wrt(x), 2.0, "the tape still works");

    // A value function that records on the tape it is applied on.
    let leaked: &'static Tape = Box::leak(Box::new(Tape::new()));
    let recording = CustomOp::unary("recording", |x| leaked.constant(x).value(), |_, _| 1.0);
    let y = leaked.var(1.0);
    let message = panic_message(|| {
        let _ = recording.apply(&[y]);
    });
    assert!(
        message.contains("its value function used the tape"),
        "{message}"
    );
    assert_eq!(
        leaked.len(),
        2,
        "only the function's own node, not the op's"
    );
}

#[test]
fn a_custom_op_made_every_step_does_not_outlive_its_nodes() {
    let tape = Tape::new();
    let w = tape.var(0.5);
    let mark = tape.mark();
    let witness = Rc::new(());
    for k in 1..=50 {
        let scale = f64::from(k);
        // A new op each step, capturing this step's number and the witness.
        let held = Rc::clone(&witness);
        let scaled = CustomOp::unary(
            "scaled",
            move |x| scale * x + 0.0 * f64::from(Rc::strong_count(&held) as u32),
            move |_, _| scale,
        );
        let y = scaled.apply(&[w]);
        assert_eq!(y.backward().wrt(w), scale);
        drop(scaled);
        // The tape holds the op while its node lives...
        assert_eq!(Rc::strong_count(&witness), 2);
        tape.rewind(mark);
        // ...and lets go of it with the node.
        assert_eq!(Rc::strong_count(&witness), 1, "step {k}");
    }
}

/// A sweep cut short by a custom op whose derivative panics (the adjoint of
/// the node right below it then sits in a register, not in the store) leaves
/// nothing behind: sweeping again into the same store gives the bits of a
/// tape whose op never panicked.
#[test]
fn a_sweep_that_panics_half_way_and_is_swept_again_gives_the_right_bits() {
    let armed = Rc::new(std::cell::Cell::new(true));
    let trigger = Rc::clone(&armed);
    let trap = CustomOp::unary(
        "trap",
        |x| x * x,
        move |x, _| {
            assert!(!trigger.replace(false), "the derivative fails once");
            2.0 * x
        },
    );
    let square = CustomOp::unary("square", |x| x * x, |x, _| 2.0 * x);
    fn record<'t>(tape: &'t Tape, op: &CustomOp) -> (Var<'t>, Var<'t>, Var<'t>) {
        let x = tape.var(0.7);
        let h = (x * 3.0 + 1.0).tanh();
        (x, h, op.apply(&[h]) * h + h.exp())
    }
    let tape = Tape::new();
    let (x, h, y) = record(&tape, &trap);
    let mut grads = autograd::Gradients::new();
    assert!(catch_unwind(AssertUnwindSafe(|| y.backward_into(&mut grads))).is_err());
    assert!(!armed.get());
    y.backward_into(&mut grads);
    let reference = Tape::new();
    let (rx, rh, ry) = record(&reference, &square);
    let expected = ry.backward();
    assert_eq!(grads.wrt(x).to_bits(), expected.wrt(rx).to_bits());
    assert_eq!(grads.wrt(h).to_bits(), expected.wrt(rh).to_bits());
    assert!(grads.wrt(x) != 0.0);
}
