//! `--at NAME=VALUE,...`: one recording compiled and replayed at many
//! points gives, to the bit, what `grad` gives at each point; mistakes
//! point into the option's text.

mod common;

use common::{float, grad};
use serde_json::Value;

const NETWORK: &str = include_str!("../../../examples/programs/blog.grad");

/// The blog's network with `w5` and `w6` set to `a` and `b` in its text.
fn network_at(a: &str, b: &str) -> String {
    NETWORK
        .replace("w5 = 0.40", &format!("w5 = {a}"))
        .replace("w6 = 0.45", &format!("w6 = {b}"))
}

#[test]
fn every_row_is_what_grad_prints_at_that_point() {
    let (a, b) = (["0.4", "0.1", "-2.5", "7"], ["0.45", "0", "1e-3", "-0.25"]);
    assert!(NETWORK.contains("w5 = 0.40") && NETWORK.contains("w6 = 0.45"));
    let (status, out, err) = grad(&[
        "--json",
        "--at",
        &format!("w5={}", a.join(",")),
        "--at",
        &format!("w6={}", b.join(",")),
        NETWORK,
    ]);
    assert_eq!(status, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    let points = doc["points"].as_array().expect("points");
    assert_eq!(points.len(), 4);
    for (k, point) in points.iter().enumerate() {
        let (status, single, err) = grad(&["--json", &network_at(a[k], b[k])]);
        assert_eq!(status, 0, "{err}");
        let single: Value = serde_json::from_str(&single).expect("JSON");
        assert_eq!(
            float(&point["value"]).to_bits(),
            float(&single["value"]).to_bits(),
            "point {k}"
        );
        for (input, g) in single["gradients"].as_object().expect("gradients") {
            assert_eq!(
                float(&point["gradients"][input]).to_bits(),
                float(g).to_bits(),
                "point {k}, ∂/∂{input}"
            );
        }
        assert_eq!(float(&point["at"]["w5"]), a[k].parse::<f64>().unwrap());
    }
}

#[test]
fn the_plain_table_has_a_row_per_point() {
    let (status, out, err) = grad(&["--at", "x=0,0.5,1", "x = 0; b = 2; y = sin(x)*x + b^2"]);
    assert_eq!(status, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("y at 3 points (compiled once into "),
        "{out}"
    );
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["x", "b", "y", "∂y/∂x", "∂y/∂b"]
    );
    let row: Vec<&str> = lines[3].split_whitespace().collect();
    let x = 0.5f64;
    assert_eq!(row[0], "0.5");
    assert_eq!(row[2].parse::<f64>().unwrap(), x.sin() * x + 4.0);
    assert_eq!(row[3].parse::<f64>().unwrap(), x.cos() * x + x.sin());
    assert_eq!(row[4], "4");
    assert_eq!(lines.len(), 5, "{out}");
}

#[test]
fn mistakes_point_into_the_option() {
    let cases: [(&[&str], &str); 6] = [
        (&["--at", "z=1"], "unknown input `z`"),
        (&["--at", "x=1,a"], "`a` is not a finite number"),
        (
            &["--at", "x=1,2", "--at", "b=1"],
            "`b` has 1 value and `x` has 2",
        ),
        (&["--at", "x=1", "--at", "x=2"], "`x` is given twice"),
        (&["--at", "x"], "`x` has no `=`"),
        (&["--at", "x=1,,2"], "an empty value"),
    ];
    for (args, says) in cases {
        let mut all = args.to_vec();
        all.push("x = 0; b = 1; y = exp(x)*b");
        let (status, _, err) = grad(&all);
        assert_eq!(status, 2, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(err.contains("of --at"), "{args:?}: {err}");
    }
    let (status, _, err) = grad(&["--at", "x=1", "x = 1; y = 2*x; z = x; output y, z"]);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("--at evaluates one output"), "{err}");
    let (status, _, err) = grad(&["--at", "x=1", "--trace", "x = 1; y = 2*x"]);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("cannot be used with"), "{err}");
}
