//! `--forward NAME=SPEED,...`: one forward sweep gives every node's
//! tangent, the outputs' being the Jacobian times the direction; printed,
//! traced and in `--json` exactly. Mistakes point into the option's text.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use autograd::Shortest;
use common::{float, grad, json, json_with, node};
use proptest::prelude::*;
use serde_json::Value;

const POLAR: &str = "r = 2; theta = 0.3; x = r*cos(theta); y = r*sin(theta); output x, y";

const NETWORK: &str = include_str!("../../../examples/programs/blog.grad");

/// Runs `grad` with `args`, which must succeed; returns standard output.
fn printed(args: &[&str]) -> String {
    let (status, out, err) = grad(args);
    assert_eq!(status, 0, "{args:?}: {err}");
    out
}

/// The part of a plain output from the `tangents along` heading on.
fn tangent_section(out: &str) -> &str {
    let at = out.find("tangents along").expect("a tangents section");
    &out[at..]
}

/// `Σ_j J[output][input_j] · speed_j` from a `--json` document, with the
/// sum of the terms' magnitudes, for a rounding bound.
fn jacobian_times(doc: &Value, output: &str) -> (f64, f64) {
    let mut sum = 0.0;
    let mut size = 0.0;
    for (input, entry) in doc["jacobian"][output].as_object().unwrap() {
        let term = float(entry) * float(&doc["direction"][input]);
        sum += term;
        size += term.abs();
    }
    (sum, size)
}

#[test]
fn polar_tangents_along_theta_are_the_jacobians_theta_column() {
    let out = printed(&["--forward", "theta=1", POLAR]);
    let theta: f64 = 0.3;
    assert_eq!(
        tangent_section(&out),
        format!(
            "tangents along theta = 1:\n\
             dr/dt     = 0\n\
             dtheta/dt = 1\n\
             dx/dt     = {}\n\
             dy/dt     = {}\n",
            Shortest(-2.0 * theta.sin()),
            Shortest(2.0 * theta.cos())
        )
    );
    // The rest is the output without --forward, then a blank line.
    let without = printed(&[POLAR]);
    assert_eq!(out, format!("{without}\n{}", tangent_section(&out)));
    // Along r: the r column, cos θ and sin θ.
    let out = printed(&["--forward", "r=1", POLAR]);
    assert!(
        tangent_section(&out).contains(&format!("dx/dt     = {}\n", Shortest(theta.cos()))),
        "{out}"
    );
}

#[test]
fn tangents_are_the_jacobian_times_the_direction() {
    let network = format!("{NETWORK}output E_o1, E_o2, E_total\n");
    let directions = [
        "w1=1",
        "w1=0.5,w2=-1.25,w3=3,w4=1e-3,w5=-0.7,w6=2,w7=0.1,w8=-4",
        "w8=-2, w5=7",
    ];
    for direction in directions {
        let doc = json_with(&["--forward", direction], &network);
        for output in ["E_o1", "E_o2", "E_total"] {
            let tangent = float(&doc["tangents"][output]);
            let (jv, size) = jacobian_times(&doc, output);
            assert!(
                (tangent - jv).abs() <= 8.0 * f64::EPSILON * size,
                "{direction}: d{output}/dt = {tangent}, J·v = {jv}"
            );
        }
        // Each input's own tangent is its speed, 0 for those not named.
        for w in 1..=8 {
            let name = format!("w{w}");
            assert_eq!(
                float(&node(&doc, &name)["tangent"]).to_bits(),
                float(&doc["direction"][&name]).to_bits(),
                "{direction}: {name}"
            );
        }
    }
    let doc = json_with(&["--forward", "r=1, theta=-0.5"], POLAR);
    assert_eq!(
        doc["direction"],
        serde_json::json!({"r": 1.0, "theta": -0.5})
    );
    for output in ["x", "y"] {
        let (jv, size) = jacobian_times(&doc, output);
        let tangent = float(&doc["tangents"][output]);
        assert!(
            (tangent - jv).abs() <= 4.0 * f64::EPSILON * size,
            "{output}"
        );
    }
}

#[test]
fn a_unit_speed_gives_a_column_of_the_jacobian() {
    let network = format!("{NETWORK}output E_o1, E_o2\n");
    let doc = json(&network);
    for w in 1..=8 {
        let input = format!("w{w}");
        let along = json_with(&["--forward", &format!("{input}=1")], &network);
        for output in ["E_o1", "E_o2"] {
            let entry = float(&doc["jacobian"][output][&input]);
            let tangent = float(&along["tangents"][output]);
            assert!(
                (tangent - entry).abs() <= 4.0 * f64::EPSILON * entry.abs(),
                "∂{output}/∂{input}: {entry} by a reverse sweep, {tangent} by a forward one"
            );
        }
    }
}

#[test]
fn the_plain_output_lists_every_name_that_moves_as_bound_at_the_end() {
    // c is rebound: its last node is listed; k never moves; the unnamed
    // output is listed as `output`.
    let out = printed(&[
        "--forward",
        "x=1",
        "x = 3; const k = 2; c = x + 1; c = c * c; c * k",
    ]);
    assert_eq!(
        out,
        "output = 32\n\n∂output/∂x = 16\n\n\
         tangents along x = 1:\n\
         dx/dt      = 1\n\
         dc/dt      = 8\n\
         doutput/dt = 16\n"
    );
    // An output's name stands for the output, as in the rest of the
    // output, even where the name is bound again after it.
    let out = printed(&["--forward", "a=1", "a = 1; b = a * 2; output b; b = b * 10"]);
    assert!(out.starts_with("b = 2\n"), "{out}");
    assert_eq!(
        tangent_section(&out),
        "tangents along a = 1:\nda/dt = 1\ndb/dt = 2\n"
    );
    // Speeds of 0 hold everything still.
    let out = printed(&["--forward", "x=0", "x = 3; y = x^2"]);
    assert_eq!(
        tangent_section(&out),
        "tangents along x = 0:\ndx/dt = 0\ndy/dt = 0\n"
    );
}

#[test]
fn trace_gains_a_tangent_column() {
    let out = printed(&[
        "--trace",
        "--forward",
        "x=1",
        "x = 3; const c = 2; y = c*x^2",
    ]);
    assert_eq!(
        out,
        "y = 18\n\n\
         #  name  op     operands  value  grad  tangent\n\
         0  x     var              3      12    1\n\
         1  c     const            2\n\
         2        powi   x, 2      9      2     6\n\
         3  y     mul    c, #2     18     1     12\n"
    );
    let out = printed(&["--trace", "--forward", "theta=1", POLAR]);
    let header = out.lines().nth(3).unwrap();
    assert!(
        header.ends_with("grad x               grad y               tangent"),
        "{out}"
    );
}

#[test]
fn json_tangents_round_trip_exactly() {
    let program = "x = 0.1; const c = 3; y = sin(x) * c + x^3";
    let doc = json_with(&["--forward", "x=0.7"], program);
    // One output: "tangent" beside "value", and the fields it always had.
    let tangent = float(&doc["tangent"]);
    assert_eq!(
        tangent.to_bits(),
        float(&node(&doc, "y")["tangent"]).to_bits()
    );
    assert_eq!(doc["direction"], serde_json::json!({"x": 0.7}));
    for field in ["value", "gradients", "nodes"] {
        assert!(doc.get(field).is_some(), "{field}");
    }
    // A constant gets no tangent: null, as its gradient.
    assert!(node(&doc, "c")["tangent"].is_null());
    assert!(node(&doc, "c")["grad"].is_null());
    // The plain output prints the same number, exactly.
    let out = printed(&["--forward", "x=0.7", program]);
    let line = out.lines().find(|l| l.starts_with("dy/dt")).unwrap();
    let printed: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert_eq!(printed.to_bits(), tangent.to_bits());
    // 0.7 · (c cos x + 3x²), to rounding.
    let expected = 0.7 * (3.0 * 0.1f64.cos() + 3.0 * 0.01);
    assert!((tangent - expected).abs() <= 4.0 * f64::EPSILON * expected);
    // Several outputs: "tangents" beside "values", every input in
    // "direction".
    let doc = json_with(&["--forward", "theta=1"], POLAR);
    assert_eq!(
        doc["direction"],
        serde_json::json!({"r": 0.0, "theta": 1.0})
    );
    let keys: Vec<&String> = doc["tangents"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["x", "y"]);
    assert_eq!(
        float(&doc["tangents"]["x"]).to_bits(),
        float(&doc["jacobian"]["x"]["theta"]).to_bits()
    );
    // Without --forward there are no tangents anywhere.
    let doc = json(POLAR);
    assert!(doc.get("tangents").is_none() && doc.get("direction").is_none());
    assert!(node(&doc, "x").get("tangent").is_none());
}

#[test]
fn a_tangent_that_is_not_finite_is_a_warning() {
    let (status, out, err) = grad(&["--forward", "a=1", "a = 0; b = sqrt(a)"]);
    assert_eq!(status, 0);
    assert!(out.contains("db/dt = inf"), "{out}");
    assert!(
        err.contains("warning: the tangent of `b` along a = 1 is inf"),
        "{err}"
    );
}

/// Runs `grad --forward DIRECTION PROGRAM`, which must fail; returns its
/// standard error after checking status 2, an empty output, a caret under
/// the spot and a help.
fn rejected(direction: &str, program: &str) -> String {
    let (status, out, err) = grad(&["--forward", direction, program]);
    assert_eq!(status, 2, "{direction:?} was accepted: {out}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("╭─[ --forward:1:"), "{err}");
    assert!(err.contains("Help: "), "{err}");
    err
}

#[test]
fn forward_mistakes_point_into_the_option() {
    let program = "r = 2; theta = 0.3; const k = 3; kk = k * 2; x = r*cos(theta)*k; \
                   y = r*sin(theta); output x, y";
    let cases = [
        (
            "thta=1",
            "unknown input `thta` (column 1 of --forward)",
            "did you mean `theta`?",
        ),
        (
            "zzzzzz=1",
            "unknown input `zzzzzz` (column 1 of --forward)",
            "--forward moves inputs, and the inputs are `r`, `theta`",
        ),
        (
            "r=1,k=1",
            "`k` is a constant, which does not move (column 5 of --forward)",
            "bind it without `const` (`k = ...`), which makes it an input",
        ),
        (
            "kk=1",
            "`kk` is computed from constants alone, so it does not move (column 1 of --forward)",
            "the inputs are `r`, `theta`",
        ),
        (
            "x=1",
            "`x` is not an input: it is computed from the inputs (column 1 of --forward)",
            "--forward moves inputs (names bound to numbers)",
        ),
        (
            "r",
            "`r` has no speed (column 1 of --forward)",
            "write NAME=SPEED pairs separated by commas, as in `--forward x=1,y=0.5`",
        ),
        (
            "r=",
            "`r` has no speed after `=` (column 2 of --forward)",
            "write NAME=SPEED pairs",
        ),
        (
            "=1",
            "a speed with no name (column 1 of --forward)",
            "write NAME=SPEED pairs",
        ),
        (
            "r=1,,theta=2",
            "a `,` with no pair before it (column 5 of --forward)",
            "write NAME=SPEED pairs",
        ),
        (
            "r=1, ",
            "a `,` with no pair after it (column 4 of --forward)",
            "write NAME=SPEED pairs",
        ),
        (
            "  ",
            "--forward names no input (column 1 of --forward)",
            "write NAME=SPEED pairs",
        ),
        (
            "r=abc",
            "the speed `abc` is not a number (column 3 of --forward)",
            "a speed is a finite number, like 1, -0.5 or 2e-3",
        ),
        (
            "r=1,theta=inf",
            "the speed `inf` is not a finite number (column 11 of --forward)",
            "a speed is a finite number",
        ),
        (
            "r=NaN",
            "the speed `NaN` is not a finite number (column 3 of --forward)",
            "a speed is a finite number",
        ),
        (
            "r=1e999",
            "the speed `1e999` is too large for a 64-bit float (column 3 of --forward)",
            "a speed is a finite number",
        ),
        (
            "r=1,theta=2,r=3",
            "`r` is named twice (column 13 of --forward)",
            "it is named already at column 1; give each input one speed",
        ),
    ];
    for (direction, message, help) in cases {
        let err = rejected(direction, program);
        assert!(
            err.contains(&format!("Error: {message}")),
            "{direction:?}: {err}"
        );
        assert!(err.contains(help), "{direction:?}: {err}");
    }
    // A program without inputs says what makes one.
    let err = rejected("c=1", "const c = 2; c * 3");
    assert!(
        err.contains(
            "this program has no inputs: a name bound to a number, like `x = 1.5`, is one"
        ),
        "{err}"
    );
    // The program's own mistakes come first.
    let (status, _, err) = grad(&["--forward", "nope", "x = (1"]);
    assert_eq!(status, 2);
    assert!(err.contains("never closed"), "{err}");
}

proptest! {
    #[test]
    fn any_direction_is_read_or_rejected_with_a_message(direction in "[rthea=,.0-9 +-]{0,24}") {
        // `--forward=...`, so that a direction starting with `-` is not
        // read as an option.
        let option = format!("--forward={direction}");
        let outcome = catch_unwind(AssertUnwindSafe(|| grad(&[&option, POLAR])));
        let Ok((status, out, err)) = outcome else {
            return Err(TestCaseError::fail(format!("grad panicked on --forward {direction:?}")));
        };
        prop_assert!(status == 0 || status == 2, "status {status} for {direction:?}");
        if status == 2 {
            prop_assert!(err.contains("of --forward)"), "{direction:?}: {err}");
            prop_assert!(out.is_empty());
        } else {
            prop_assert!(out.contains("tangents along"), "{direction:?}: {out}");
        }
    }
}

#[test]
fn the_help_explains_forward_mode() {
    let help = common::help();
    for phrase in [
        "FORWARD MODE (--forward NAME=SPEED,...)",
        "One forward sweep gives every node's tangent",
        "The outputs' tangents are the Jacobian times the direction",
        "Only inputs can be named, each once, with a finite speed",
        r#"--forward adds "direction": {"x": SPEED, ...} (every input; 0 for those not named)"#,
        r#""tangents": {"y": T, "z": T} beside "values") and each NODE's "tangent""#,
        "grad --forward theta=1 \\ 'r = 2; theta = 0.3; x = r*cos(theta); y = r*sin(theta); output x, y'",
    ] {
        assert!(help.contains(phrase), "--help lacks {phrase:?}");
    }
}
