//! The worked-example binary, run as a user runs it.

use std::process::Command;

use serde_json::Value;

fn run(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_worked-example"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the worked-example binary runs");
    (
        output.status.code().expect("exited normally"),
        String::from_utf8(output.stdout).expect("UTF-8 output"),
        String::from_utf8(output.stderr).expect("UTF-8 errors"),
    )
}

/// Exact values from shared/reference/blog-figures.md, rows 1-28 and the
/// sequential / simultaneous values of rows 29-32.
const EXACT: [f64; 28] = [
    0.377500000000,
    0.593269992107,
    0.596884378260,
    1.105905967060,
    0.751365069552,
    0.772928465321,
    0.274811083176,
    0.023560025584,
    0.298371108760,
    0.741365069552,
    0.186815601809,
    0.082167040564,
    0.358916479718,
    0.408666186076,
    0.511301270239,
    0.561370121108,
    0.138498561629,
    0.400000000000,
    0.055399424651,
    -0.019049118258,
    0.036350306393,
    0.241300708572,
    0.050000000000,
    0.000438567734,
    0.149780716133,
    0.199561432266,
    0.249751143632,
    0.299502287265,
];
const SEQUENTIAL: [f64; 4] = [
    0.291027923905442,
    3.508478629631277e-05,
    0.015912196326034,
    0.984065734485629,
];
const SIMULTANEOUS: [f64; 4] = [
    0.291027773693599,
    3.510187782978859e-05,
    0.015913620443551,
    0.984064273514624,
];

#[test]
fn json_reports_all_32_figures_agreeing() {
    let (status, stdout, _) = run(&["--json"]);
    assert_eq!(status, 0);
    let json: Value = serde_json::from_str(&stdout).expect("--json prints JSON");
    let figures = json["figures"].as_array().expect("a figures array");
    assert_eq!(figures.len(), 32);
    for (k, figure) in figures.iter().enumerate() {
        let row = k + 1;
        assert_eq!(figure["row"], row);
        assert_eq!(figure["agrees"], true, "row {row}: {figure}");
        assert!(figure["published"].is_string() && figure["name"].is_string());
        let engine = figure["engine"].as_f64().expect("a number");
        if row <= 28 {
            let exact = EXACT[k];
            assert!(
                (engine - exact).abs() <= 0.5e-12 + 1e-15,
                "row {row}: {engine} vs {exact}"
            );
            assert!(figure.get("true_gradient_descent").is_none());
        } else {
            let (seq, sim) = (SEQUENTIAL[row - 29], SIMULTANEOUS[row - 29]);
            let tgd = figure["true_gradient_descent"].as_f64().expect("a number");
            assert!(
                ((engine - seq) / seq).abs() <= 1e-9,
                "row {row}: {engine} vs {seq}"
            );
            assert!(
                ((tgd - sim) / sim).abs() <= 1e-9,
                "row {row}: {tgd} vs {sim}"
            );
        }
    }
    assert_eq!(figures[0]["name"], "net_h1");
    assert_eq!(figures[0]["published"], "0.3775");
}

#[test]
fn the_report_walks_the_blog_in_order() {
    let (status, stdout, _) = run(&[]);
    assert_eq!(status, 0);
    let sections = [
        "1. The forward pass",
        "2. The total error",
        "3. The backward pass: the output layer",
        "4. The backward pass: the hidden layer",
        "5. The update",
        "6. Training",
    ];
    let positions: Vec<usize> = sections
        .iter()
        .map(|s| stdout.find(s).unwrap_or_else(|| panic!("missing {s:?}")))
        .collect();
    assert!(positions.is_sorted(), "sections out of order");
    assert!(stdout.contains("32 of 32 figures agree with the blog"));
    assert!(!stdout.contains('\x1b'), "NO_COLOR must turn colour off");
    // Row 20 is flagged as the blog's own rounding.
    let row_20 = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("20 "))
        .unwrap();
    assert!(row_20.contains('≈'), "{row_20}");
    assert!(stdout.contains("Errata"));
}

#[test]
fn trace_prints_every_node_with_its_gradient() {
    let (status, stdout, _) = run(&["--trace"]);
    assert_eq!(status, 0);
    let trace = &stdout[stdout.find("The network's tape").expect("a trace section")..];
    for name in [
        "w1", "b1", "i1", "net_h1", "out_h1", "net_o2", "out_o2", "E_o1", "E_total",
    ] {
        assert!(
            trace
                .lines()
                .any(|l| l.split_whitespace().nth(1) == Some(name)),
            "{name} missing"
        );
    }
}

#[test]
fn quiet_prints_the_verdict_only() {
    let (status, stdout, _) = run(&["--quiet"]);
    assert_eq!(status, 0);
    assert_eq!(stdout, "32 of 32 figures agree with the blog\n");
}

#[test]
fn other_settings_are_not_compared_with_the_blog() {
    let (status, stdout, _) = run(&["--json", "--learning-rate", "0.1", "--iterations", "50"]);
    assert_eq!(status, 0);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let figures = json["figures"].as_array().unwrap();
    // The forward pass and the gradients do not depend on the settings...
    assert_eq!(figures[0]["agrees"], true);
    assert_eq!(figures[23]["agrees"], true);
    // ...the updates and training do.
    for row in [13, 25, 29, 30] {
        assert!(figures[row - 1]["agrees"].is_null(), "row {row}");
        assert!(figures[row - 1]["published"].is_null(), "row {row}");
    }
}

#[test]
fn bad_flags_get_a_clear_error() {
    let (status, _, stderr) = run(&["--iterations", "0"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("--iterations"), "{stderr}");
    let (status, _, stderr) = run(&["--learning-rate", "nan"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("finite"), "{stderr}");
}

#[test]
fn the_readme_excerpt_is_real_output() {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("```text\n4. The backward pass")
        .expect("the excerpt")
        + 8;
    let excerpt = &readme[start..start + readme[start..].find("```").unwrap()];
    let (_, stdout, _) = run(&[]);
    assert!(
        stdout.contains(excerpt),
        "README excerpt differs from the output:\n{excerpt}"
    );
}

#[test]
fn detect_anomaly_finds_nothing_in_the_blog() {
    // The blog's sigmoids keep every value and gradient finite, whatever the
    // learning rate: detection on changes nothing.
    let (status, with, _) = run(&["--json", "--detect-anomaly"]);
    assert_eq!(status, 0);
    let (_, without, _) = run(&["--json"]);
    assert_eq!(with, without);
}
