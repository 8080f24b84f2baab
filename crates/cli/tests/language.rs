//! Hand-derived programs covering every function and operator, precedence
//! and associativity, with their values and gradients.

mod common;

use common::json;

/// Value and ∂/∂x of a program whose input is `x`.
fn at(program: &str) -> (f64, f64) {
    let doc = json(program);
    (
        doc["value"].as_f64().expect("a finite value"),
        doc["gradients"]["x"].as_f64().expect("a finite gradient"),
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

#[test]
fn every_function() {
    let x: f64 = 0.7;
    let s = 1.0 / (1.0 + (-x).exp());
    let cases: [(&str, f64, f64); 6] = [
        // f(x), f'(x)
        ("sigmoid(x)", s, s * (1.0 - s)),
        ("exp(x)", x.exp(), x.exp()),
        ("ln(x)", x.ln(), 1.0 / x),
        ("tanh(x)", x.tanh(), 1.0 - x.tanh().powi(2)),
        ("relu(x)", x, 1.0),
        ("sqrt(x)", x.sqrt(), 0.5 / x.sqrt()),
    ];
    for (expr, f, df) in cases {
        let (value, slope) = at(&format!("x = {x}; {expr}"));
        assert!(
            close(value, f) && close(slope, df),
            "{expr}: {value}, {slope}"
        );
    }
    // relu below its kink: value 0, slope 0
    assert_eq!(at("x = -0.7; relu(x)"), (0.0, 0.0));
}

#[test]
fn every_operator() {
    // y = (x + 2)(x - 1) / x + 3x; y' = 1 + 2/x² + 3
    let (value, slope) = at("x = 2; y = (x + 2) * (x - 1) / x + 3 * x");
    assert!(close(value, 2.0 + 6.0) && close(slope, 1.0 + 0.5 + 3.0));
    // unary minus: y = -x·x; y' = -2x
    assert_eq!(at("x = 3; -x * x"), (-9.0, -6.0));
    // ^ with an integer, a fractional and a node exponent
    assert_eq!(at("x = 3; x^2"), (9.0, 6.0));
    let (value, slope) = at("x = 4; x^0.5");
    assert!(close(value, 2.0) && close(slope, 0.25));
    // x^x: d/dx = x^x (ln x + 1)
    let (value, slope) = at("x = 2; x^x");
    assert!(close(value, 4.0) && close(slope, 4.0 * (2f64.ln() + 1.0)));
    // pow(a, b) is ^
    assert_eq!(at("x = 3; pow(x, 2)"), at("x = 3; x^2"));
    // 2^x: d/dx = 2^x ln 2
    let (value, slope) = at("x = 3; 2^x");
    assert!(close(value, 8.0) && close(slope, 8.0 * 2f64.ln()));
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(at("x = 2; -x^2").0, -4.0); // -(x^2)
    assert_eq!(at("x = 2; 2^3^x").0, 2f64.powf(9.0)); // 2^(3^2)
    assert_eq!(at("x = 1; 2 + 3 * 4 - x").0, 13.0);
    assert_eq!(at("x = 1; 8 / 4 / 2 * x").0, 1.0); // left to right
    assert_eq!(at("x = 1; 10 - 3 - 2 - x").0, 4.0);
    assert_eq!(at("x = 2; (1 + x) * -x").0, -6.0);
}

#[test]
fn constants_rebinding_and_comments() {
    let doc = json("# a comment\nx = 2   # input\nconst k = 10\nx = x * k; x = x + 1\n");
    assert_eq!(doc["value"], 21.0);
    // The rebound name reads the previous node; the gradient is wrt the input.
    assert_eq!(doc["gradients"]["x"], 10.0);
    assert!(doc["gradients"].get("k").is_none());
}

#[test]
fn division_by_zero_is_a_warning_not_an_error() {
    let (status, out, err) = common::grad(&["x = 1; y = x / 0"]);
    assert_eq!(status, 0);
    assert!(out.contains("y = inf"), "{out}");
    assert!(
        err.contains("Warning") && err.contains("inf") && err.contains("node #1"),
        "{err}"
    );
    let (status, _, err) = common::grad(&["x = -1; y = ln(x)"]);
    assert_eq!(status, 0);
    assert!(err.contains("NaN") && err.contains("`ln` of -1"), "{err}");
}

#[test]
fn detect_anomaly_makes_the_first_non_finite_value_an_error() {
    let (status, out, err) = common::grad(&["--detect-anomaly", "x = 4\ny = ln(x - 5) * x"]);
    assert_eq!(status, 1);
    assert!(out.is_empty());
    assert!(
        err.contains("anomaly in the forward pass: node #2 (ln) is NaN"),
        "{err}"
    );
    assert!(err.contains("line 2, column 5"), "{err}");
    // A finite value with an infinite slope: the backward pass.
    let (status, _, err) = common::grad(&["--detect-anomaly", "x = 0\ny = sqrt(x) * 2"]);
    assert_eq!(status, 1);
    assert!(
        err.contains("anomaly in the backward pass") && err.contains("passes inf"),
        "{err}"
    );
    // Nothing to find: the normal output.
    let (status, out, _) = common::grad(&["--detect-anomaly", "x = 4; sqrt(x)"]);
    assert_eq!(status, 0);
    assert!(out.contains("output = 2"));
}

// A constant exponent needs no gradient, so its NaN slope ln(-2) · y at a
// negative base is neither computed nor reported.
#[test]
fn detect_anomaly_does_not_blame_a_constant_exponent() {
    let (status, out, err) = common::grad(&["--detect-anomaly", "x = -2; const n = 3; y = x ^ n"]);
    assert_eq!(status, 0, "{err}");
    assert!(!err.contains("anomaly"), "{err}");
    assert!(out.contains("y = -8"), "{out}");
    assert!(out.contains("∂y/∂x = 12"), "{out}");
}

#[test]
fn a_name_bound_to_numbers_alone_is_an_input() {
    // (program, x): each binds x to numbers alone, so x is an input and
    // y = x·x has the slope 2x.
    let cases = [
        ("x = 3", 3.0),
        ("x = -3", -3.0),
        ("x = (2)", 2.0),
        ("x = --2", 2.0),
        ("x = 2*3", 6.0),
        ("x = -2^2", -4.0),
        ("x = 1/4 + 1", 1.25),
        ("x = sqrt(4)", 2.0),
        ("x = pow(2, 3)", 8.0),
    ];
    for (binding, x) in cases {
        let doc = json(&format!("{binding}; y = x * x"));
        assert_eq!(doc["value"], x * x, "{binding}");
        assert_eq!(doc["gradients"]["x"], 2.0 * x, "{binding}");
        assert_eq!(common::node(&doc, "x")["op"], "var", "{binding}");
    }
    // `const` takes the same numbers, as a constant.
    let doc = json("const c = 2*3; x = 1; y = c * x");
    assert_eq!(common::node(&doc, "c")["op"], "const");
    assert_eq!(doc["gradients"]["x"], 6.0);
    assert!(doc["gradients"].get("c").is_none());
    // An expression with a name in it is a node, not an input.
    let doc = json("x = 2; y = x * 3");
    assert!(doc["gradients"].get("y").is_none());
}

#[test]
fn without_inputs_the_output_says_what_makes_one() {
    for program in ["2 * 3", "const c = 2; c * 3", "exp(1)"] {
        let (status, out, _) = common::grad(&[program]);
        assert_eq!(status, 0);
        assert!(
            out.contains(
                "(no inputs: a name bound to a number, like `x = 1.5` or `x = 2*3`, is an input and gets a gradient)"
            ),
            "{program}: {out}"
        );
    }
    let (status, _, err) = common::grad(&["x = 1; const c = x * 2"]);
    assert_eq!(status, 2);
    assert!(
        err.contains("`const c` must be bound to a number, and this expression uses a name"),
        "{err}"
    );
    let help = common::help();
    assert!(
        help.contains("so does a name bound to numbers alone (x = -2^2, x = 1/3, x = sqrt(2))"),
        "{help}"
    );
}

#[test]
fn detect_anomaly_also_stops_at_numbers_alone_that_are_not_finite() {
    let (status, out, err) = common::grad(&["--detect-anomaly", "x = 2; y = x * (1/0)"]);
    assert_eq!(status, 1);
    assert!(out.is_empty());
    assert!(
        err.contains("anomaly while reading: 1 / 0 is inf (line 1, column 17)"),
        "{err}"
    );
}

// Every function of the engine's table is in the language under its own
// name, with the engine's value and gradients: nothing is listed twice.
#[test]
fn every_function_of_the_engine_is_callable_by_its_name() {
    use autograd::{Call, Primitive, Tape};
    for function in Primitive::all() {
        let name = function.name();
        let (call, args, parameter): (String, Vec<f64>, Option<f64>) = match function.call() {
            Call::Unary => (format!("{name}(a)"), vec![0.4], None),
            Call::UnaryWithParameter(_) => (format!("{name}(a, 0.2)"), vec![-0.4], Some(0.2)),
            Call::Binary => (format!("{name}(a, b)"), vec![0.4, 0.7], None),
            Call::Variadic => (format!("{name}(a, b, a)"), vec![0.4, 0.7], None),
        };
        let program = format!(
            "a = {}; b = {}; y = {call}",
            args[0],
            args.get(1).unwrap_or(&1.0)
        );
        let document = common::json(&program);
        // The engine, directly.
        let tape = Tape::new();
        let (a, b) = (tape.var(args[0]), tape.var(*args.get(1).unwrap_or(&1.0)));
        let operands = match function.call() {
            Call::Binary => vec![a, b],
            Call::Variadic => vec![a, b, a],
            _ => vec![a],
        };
        let y = function.apply(&operands, parameter);
        let grads = y.backward();
        let value = document["value"].as_f64().unwrap_or(f64::NAN);
        assert_eq!(value.to_bits(), y.value().to_bits(), "{program}");
        let slope = document["gradients"]["a"].as_f64().unwrap_or(f64::NAN);
        assert_eq!(slope.to_bits(), grads.wrt(a).to_bits(), "{program}");
        assert_eq!(common::node(&document, "y")["op"], name, "{program}");
    }
}
