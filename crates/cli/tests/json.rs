//! `--json`: lossless (exact numbers, NaN and infinities apart from "no
//! gradient", scalar operands kept) and written as it is produced.

mod common;

use std::io::Write;

use common::{float, json, node};
use serde_json::json;

#[test]
fn nan_and_infinities_are_strings_and_null_is_only_no_gradient() {
    // y = inf, n = -inf, z = 0/0 + c = NaN, and dz/dx = 1/0 - 0/0 = NaN.
    let doc = json("const c = 2\nx = 0\ny = 1 / x\nn = -y\nz = x / x + c");
    assert_eq!(doc["value"], "NaN");
    assert_eq!(node(&doc, "y")["value"], "inf");
    assert_eq!(node(&doc, "n")["value"], "-inf");
    assert_eq!(doc["gradients"]["x"], "NaN");
    assert_eq!(node(&doc, "x")["grad"], "NaN");
    assert_eq!(node(&doc, "y")["grad"], 0.0);
    // null means one thing only: a constant gets no gradient.
    assert!(node(&doc, "c")["grad"].is_null());
    assert_eq!(node(&doc, "c")["value"], 2.0);
}

#[test]
fn scalar_operands_are_kept_with_their_side() {
    let doc = json("x = 2; a = x*10; b = x*3; c = 10 - x; d = x^3; e = x / 4; f = a * b");
    let scalar = |name: &str| {
        let n = node(&doc, name);
        (
            n["op"].clone(),
            n["scalar"].clone(),
            n["scalar_side"].clone(),
        )
    };
    assert_eq!(scalar("a"), (json!("mul"), json!(10.0), json!("right")));
    assert_eq!(scalar("b"), (json!("mul"), json!(3.0), json!("right")));
    assert_eq!(scalar("c"), (json!("sub"), json!(10.0), json!("left")));
    assert_eq!(scalar("d"), (json!("powi"), json!(3.0), json!("right")));
    assert_eq!(scalar("e"), (json!("div"), json!(4.0), json!("right")));
    // Nodes without a number operand have neither field.
    let f = node(&doc, "f");
    assert!(
        f.get("scalar").is_none() && f.get("scalar_side").is_none(),
        "{f}"
    );
    assert_eq!(f["parents"], json!([1, 2]));
    // Each node can be recomputed from the document alone.
    let value = |name: &str| float(&node(&doc, name)["value"]);
    assert_eq!(value("a"), value("x") * 10.0);
    assert_eq!(value("c"), 10.0 - value("x"));
}

#[test]
fn finite_numbers_read_back_exactly() {
    let doc = json(
        "x = 0.1\na = x + 0.2\nb = -0\nt = -745\ns = sigmoid(t)\n\
         m = 1.7976931348623157e308\nk = 123456789.123456789\nz = s * 3 + a + m * 0 + k + b",
    );
    let cases = [
        ("a", 0.1f64 + 0.2),
        ("b", -0.0),
        ("s", 5e-324),
        ("m", f64::MAX),
        ("k", "123456789.123456789".parse().unwrap()),
    ];
    for (name, expected) in cases {
        let read = float(&node(&doc, name)["value"]);
        assert_eq!(read.to_bits(), expected.to_bits(), "{name}: {read:?}");
    }
    // The gradient of z with respect to t is 3s(1 - s), a subnormal.
    let grad = float(&doc["gradients"]["t"]);
    assert_eq!(grad.to_bits(), float(&node(&doc, "t")["grad"]).to_bits());
    assert!(grad > 0.0 && grad < 1e-300, "{grad:e}");
}

/// A sink that remembers the largest single write.
struct Largest {
    total: usize,
    largest: usize,
}

impl Write for Largest {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.total += buf.len();
        self.largest = self.largest.max(buf.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn json_is_written_as_it_is_produced_not_built_whole() {
    let mut program = String::from("x = 0.5\n");
    for i in 0..20_000 {
        program.push_str(&format!("y{i} = sigmoid(x * 2 - 1) + x\n"));
    }
    let mut out = Largest {
        total: 0,
        largest: 0,
    };
    let status = grad_cli::run(
        ["grad", "--json", &program],
        &mut std::io::empty(),
        &mut out,
        &mut std::io::sink(),
        false,
    );
    assert_eq!(status, 0);
    assert!(out.total > 4 << 20, "{} bytes", out.total);
    assert!(
        out.largest <= 64 << 10,
        "one write of {} bytes: the document was built whole",
        out.largest
    );
}

#[test]
fn a_large_jacobian_is_written_as_it_is_produced_too() {
    // 20,000 inputs and two outputs: a Jacobian of 40,000 entries.
    let mut program = String::from("x0 = 0.5\ny = x0\n");
    for i in 1..20_000 {
        program.push_str(&format!("x{i} = {i}\ny = y + x{i} * x{i}\n"));
    }
    program.push_str("z = sigmoid(y)\noutput y, z\n");
    let mut out = Largest {
        total: 0,
        largest: 0,
    };
    let status = grad_cli::run(
        ["grad", "--json", "--forward", "x1=1", &program],
        &mut std::io::empty(),
        &mut out,
        &mut std::io::sink(),
        false,
    );
    assert_eq!(status, 0);
    assert!(out.total > 2 << 20, "{} bytes", out.total);
    assert!(
        out.largest <= 64 << 10,
        "one write of {} bytes: the document was built whole",
        out.largest
    );
}

#[test]
fn the_help_and_the_readme_say_how_nan_and_infinities_are_written() {
    let flowed = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = common::help();
    assert!(
        text.contains(r#"strings "NaN", "inf" and "-inf""#),
        "{text}"
    );
    assert!(text.contains(r#""scalar_side""#), "{text}");
    let readme = flowed(include_str!("../../../README.md"));
    assert!(readme.contains(r#"`"NaN"`, `"inf"` and `"-inf"`"#));
}
