//! Helpers shared by the `grad` tests.

#![allow(dead_code, reason = "each test binary uses a different part")]

use std::process::{Command, Output};

use serde_json::Value;

/// Runs `grad` in process; returns (status, stdout, stderr).
pub(crate) fn grad(args: &[&str]) -> (i32, String, String) {
    grad_with_input(args, "")
}

/// As [`grad`], with `input` on standard input.
pub(crate) fn grad_with_input(args: &[&str], input: &str) -> (i32, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv = std::iter::once("grad").chain(args.iter().copied());
    let status = grad_cli::run(argv, &mut input.as_bytes(), &mut out, &mut err, false);
    (
        status,
        String::from_utf8(out).expect("UTF-8 output"),
        String::from_utf8(err).expect("UTF-8 errors"),
    )
}

/// Runs the real `grad` binary.
pub(crate) fn grad_binary(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_grad"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the grad binary runs")
}

/// `grad --json PROGRAM`, parsed.
pub(crate) fn json(program: &str) -> Value {
    let (status, out, err) = grad(&["--json", program]);
    assert_eq!(status, 0, "{program}\n{err}");
    serde_json::from_str(&out).expect("--json prints JSON")
}

/// A JSON number or one of the strings that stand for NaN and infinities,
/// read back as an `f64`.
pub(crate) fn float(value: &Value) -> f64 {
    match value {
        Value::String(s) if s == "NaN" => f64::NAN,
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        other => other
            .as_f64()
            .unwrap_or_else(|| panic!("not a number: {other}")),
    }
}

/// `grad --json` with the options `args` before the program, parsed.
pub(crate) fn json_with(args: &[&str], program: &str) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    all.push(program);
    let (status, out, err) = grad(&all);
    assert_eq!(status, 0, "{program}\n{err}");
    serde_json::from_str(&out).expect("--json prints JSON")
}

/// The node named `name` in a `--json` document (the last one bound).
pub(crate) fn node<'a>(document: &'a Value, name: &str) -> &'a Value {
    document["nodes"]
        .as_array()
        .expect("a nodes array")
        .iter()
        .rev()
        .find(|n| n["name"] == name)
        .unwrap_or_else(|| panic!("no node named {name}"))
}

/// `grad --help`, with each run of whitespace made one space, so that a
/// phrase reads the same wherever the text wraps.
pub(crate) fn help() -> String {
    let out = grad_binary(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout)
        .expect("UTF-8 help")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
