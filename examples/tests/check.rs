//! `worked-example check`, run as a learner runs it: on every example file of
//! `examples/learners/` (each diagnosis, first disagreement, exit status and
//! the JSON's shape), on standard input, and on files that do not read.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Runs `worked-example` with `args` and `stdin`; returns (status, stdout,
/// stderr).
fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    common::run_with_input(args, stdin)
}

fn learners() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("learners")
}

fn example(name: &str) -> String {
    learners().join(name).display().to_string()
}

/// Every example file: its diagnosis, its first disagreement, its exit
/// status.
const EXAMPLES: [(&str, &str, Option<&str>, i32); 13] = [
    ("correct.txt", "none", None, 0),
    ("sign_flip.txt", "sign_flip", Some("dE_total/dout_o1"), 1),
    ("sign_flip_in_the_update.txt", "sign_flip", Some("w5+"), 1),
    ("missing_half.txt", "missing_half", Some("E_o1"), 1),
    (
        "sigmoid_derivative_of_net.txt",
        "sigmoid_derivative_of_net",
        Some("dout_o1/dnet_o1"),
        1,
    ),
    (
        "updated_output_weights.txt",
        "updated_output_weights",
        Some("dnet_o1/dout_h1"),
        1,
    ),
    ("single_path.txt", "single_path", Some("E_o1"), 1),
    ("biases_updated.txt", "biases_updated", Some("b2+"), 1),
    (
        "rounded_intermediates.txt",
        "rounded_intermediates",
        Some("E_total"),
        1,
    ),
    ("learning_rate.txt", "learning_rate", Some("w5+"), 1),
    ("swapped_targets.txt", "swapped_targets", Some("E_o1"), 1),
    ("unknown.txt", "unknown", Some("dE_total/dw5"), 1),
    ("malformed.txt", "", None, 2),
];

/// The symbols of a file's lines, in the file's order, as `check` prints
/// them.
fn symbols_in(path: &str) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("the example is there")
        .lines()
        .filter_map(|line| {
            let line = line.split('#').next().unwrap_or("");
            line.split_once('=').map(|(s, _)| s.trim().to_owned())
        })
        .collect()
}

#[test]
fn every_example_file_gets_its_diagnosis_and_first_disagreement() {
    for (name, id, first, status) in EXAMPLES {
        let path = example(name);
        let (code, stdout, stderr) = run(&["check", "--json", &path], "");
        assert_eq!(code, status, "{name}: {stdout}{stderr}");
        if status == 2 {
            assert!(stdout.is_empty(), "{name}: {stdout}");
            continue;
        }
        let json: Value = serde_json::from_str(&stdout).expect("--json prints JSON");
        assert_eq!(json["diagnosis"]["id"], id, "{name}: {json}");
        assert_eq!(json["first_divergence"].as_str(), first, "{name}");
        let explanation = json["diagnosis"]["explanation"].as_str().unwrap();
        assert!(explanation.ends_with('.'), "{name}: {explanation}");
        // The text report says the same, with the same status.
        let (code, text, _) = run(&["check", &path], "");
        assert_eq!(code, status, "{name}");
        assert!(text.contains(&format!("Diagnosis: {id}")), "{name}: {text}");
    }
}

#[test]
fn every_example_file_is_in_the_table_above() {
    let mut names: Vec<String> = std::fs::read_dir(learners())
        .expect("the folder is there")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".txt"))
        .collect();
    names.sort();
    let mut tested: Vec<&str> = EXAMPLES.iter().map(|(name, ..)| *name).collect();
    tested.sort_unstable();
    assert_eq!(names, tested);
}

#[test]
fn the_json_has_one_line_per_number_in_the_files_order() {
    for (name, _, _, status) in EXAMPLES {
        if status == 2 {
            continue;
        }
        let path = example(name);
        let (_, stdout, _) = run(&["check", "--json", &path], "");
        let json: Value = serde_json::from_str(&stdout).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["lines", "first_divergence", "diagnosis"], "{name}");
        let diagnosis: Vec<&str> = json["diagnosis"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(diagnosis, ["id", "explanation"], "{name}");
        let lines = json["lines"].as_array().unwrap();
        let symbols: Vec<&str> = lines
            .iter()
            .map(|l| l["symbol"].as_str().unwrap())
            .collect();
        assert_eq!(symbols, symbols_in(&path), "{name}");
        for line in lines {
            let keys: Vec<&str> = line
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(
                keys,
                ["symbol", "yours", "engine", "agrees"],
                "{name}: {line}"
            );
            assert!(line["yours"].is_f64() || line["yours"].is_i64(), "{line}");
            assert!(line["engine"].is_f64() || line["engine"].is_i64(), "{line}");
            assert!(line["agrees"].is_boolean(), "{line}");
        }
        // The first disagreement is a line that disagrees.
        if let Some(first) = json["first_divergence"].as_str() {
            let line = lines.iter().find(|l| l["symbol"] == first).unwrap();
            assert_eq!(line["agrees"], false, "{name}");
        } else {
            assert!(lines.iter().all(|l| l["agrees"] == true), "{name}");
        }
    }
}

#[test]
fn the_learning_rate_used_is_reported() {
    let (_, stdout, _) = run(&["check", "--json", &example("learning_rate.txt")], "");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let explanation = json["diagnosis"]["explanation"].as_str().unwrap();
    assert!(explanation.contains("η = 0.1"), "{explanation}");
    assert!(explanation.contains("η = 0.5"), "{explanation}");
}

#[test]
fn an_unknown_mistake_points_at_the_first_disagreement_and_its_inputs() {
    let (_, stdout, _) = run(&["check", "--json", &example("unknown.txt")], "");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let explanation = json["diagnosis"]["explanation"].as_str().unwrap();
    for part in [
        "dE_total/dw5 on line 18",
        "yours 0.082617041",
        "dE_total/dnet_o1 = 0.13849856162855698 (not in your file)",
        "dnet_o1/dw5 = 0.5932699921071872 (yours agrees)",
    ] {
        assert!(explanation.contains(part), "{part:?} in {explanation}");
    }
}

#[test]
fn the_report_shows_each_line_with_both_numbers_and_a_verdict() {
    let (status, stdout, _) = run(&["check", &example("sign_flip.txt")], "");
    assert_eq!(status, 1);
    assert!(!stdout.contains('\x1b'), "NO_COLOR turns colour off");
    let row = stdout
        .lines()
        .find(|l| l.contains("dE_total/dout_o1"))
        .expect("a row for dE_total/dout_o1");
    for cell in ["15", "-0.74136507", "0.7413650695523157", "✗"] {
        assert!(row.contains(cell), "{cell} in {row}");
    }
    let agreeing = stdout.lines().find(|l| l.contains("net_h1")).unwrap();
    assert!(agreeing.ends_with('✓'), "{agreeing}");
    assert!(stdout.contains("16 of 38 numbers agree"), "{stdout}");
    assert!(
        stdout.contains("in the order the walkthrough computes them: dE_total/dout_o1 (line 15)"),
        "{stdout}"
    );
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let input = "# two numbers\nout_h1 = 0.593269992\ndelta_o1 = 0.138498562\n";
    let (status, stdout, _) = run(&["check", "-"], input);
    assert_eq!(status, 0, "{stdout}");
    assert!(stdout.contains("Checking <stdin>"), "{stdout}");
    assert!(stdout.contains("Diagnosis: none"), "{stdout}");
}

/// Runs `check -` on a malformed `input`; returns standard error after
/// checking status 2 and nothing printed on standard output.
fn rejected(input: &str) -> String {
    let (status, stdout, stderr) = run(&["check", "-"], input);
    assert_eq!(status, 2, "{input:?} was accepted: {stdout}");
    assert!(stdout.is_empty(), "{stdout}");
    stderr
}

#[test]
fn a_malformed_file_names_the_mistake_its_line_and_column_with_a_caret() {
    let cases = [
        (
            "net_h1 = 0.3775\nout_h3 = 0.593269992\n",
            "unknown symbol `out_h3` (line 2, column 1)",
            "did you mean `out_h1`?",
        ),
        (
            "net_h1 = 0.3775\ndE_total/dw9 = 0.5\n",
            "unknown node `w9` in `dE_total/dw9` (line 2, column 10)",
            "did you mean `dE_total/dw1`?",
        ),
        (
            "net_h1 = 0.3775\nout_h1 0.593269992\n",
            "expected `=` after `out_h1` (line 2, column 8)",
            "SYMBOL = VALUE",
        ),
        (
            "net_h1 = 0.3775\nout_h1 = 0.5932.69992\n",
            "`0.5932.69992` is not a number (line 2, column 10)",
            "write a decimal number",
        ),
        (
            "out_h1 = 0,593\n",
            "`0,593` is not a number (line 1, column 10)",
            "write decimals with a point",
        ),
        (
            "",
            "the file has no `SYMBOL = VALUE` line (line 1, column 1)",
            "`#` starts a comment",
        ),
        (
            "# only comments\n\n",
            "the file has no `SYMBOL = VALUE` line (line 1, column 1)",
            "SYMBOL = VALUE",
        ),
        (
            "out_h1 = 0.593269992\nnet_h1 = 0.3775\n  out_h1 = 0.6\n",
            "`out_h1` is given twice (line 3, column 3)",
            "it was first given on line 1",
        ),
        (
            "E_total@20000 = 0.00001\n",
            "20000 updates are too many (line 1, column 9)",
            "at most 10000",
        ),
    ];
    for (input, message, help) in cases {
        let stderr = rejected(input);
        assert!(stderr.contains(message), "{input:?}: {stderr}");
        assert!(stderr.contains(help), "{input:?}: {stderr}");
        assert!(stderr.contains("Help"), "{input:?}: {stderr}");
        assert!(stderr.contains('│'), "no source shown: {stderr}");
        if !input.trim().is_empty() {
            assert!(
                stderr.contains('┬') || stderr.contains('─'),
                "no caret: {stderr}"
            );
        }
    }
}

#[test]
fn the_malformed_example_is_rejected_with_a_suggestion() {
    let (status, stdout, stderr) = run(&["check", &example("malformed.txt")], "");
    assert_eq!(status, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("unknown node `Etotal` in `dEtotal/dw5` (line 6, column 1)"),
        "{stderr}"
    );
    assert!(stderr.contains("malformed.txt:6:1"), "{stderr}");
    assert!(stderr.contains("did you mean `dE_total/dw5`?"), "{stderr}");
}

#[test]
fn a_file_that_cannot_be_read_is_status_2() {
    let (status, _, stderr) = run(&["check", "no-such-file.txt"], "");
    assert_eq!(status, 2);
    assert!(stderr.contains("cannot read no-such-file.txt"), "{stderr}");
    let (status, _, stderr) = run(&["check", "-"], "");
    assert_eq!(status, 2);
    assert!(stderr.contains("the file has no"), "{stderr}");
}

#[test]
fn the_walkthroughs_flags_do_not_mix_with_check() {
    let (status, _, stderr) = run(&["--json", "check", &example("correct.txt")], "");
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

#[test]
fn the_readmes_excerpt_is_real_output() {
    const README: &str = include_str!("../../README.md");
    let command = "worked-example -- check examples/learners/updated_output_weights.txt";
    let at = README.find(command).expect("the README runs check");
    let start = at + README[at..].find("```text\n").expect("a text block") + 8;
    let excerpt = &README[start..start + README[start..].find("```").expect("closed")];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = Command::new(env!("CARGO_BIN_EXE_worked-example"))
        .args(["check", "examples/learners/updated_output_weights.txt"])
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .expect("the worked-example binary runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    // Every line shown is a line of the output, in order; `...` skips some.
    let mut lines = stdout.lines();
    for shown in excerpt.lines().filter(|&l| l != "...") {
        assert!(
            lines.any(|line| line == shown),
            "the README shows {shown:?}, which the output lacks or has earlier:\n{stdout}"
        );
    }
}

#[test]
fn a_file_of_every_derivative_and_many_trainings_is_checked_at_once() {
    // Every dA/dB of the blog's network, and E_total after 1 to 300 updates,
    // all wrong: each variant stops at the first stage that disagrees.
    let nodes = [
        "i1", "i2", "w1", "w2", "w3", "w4", "b1", "w5", "w6", "w7", "w8", "b2", "net_h1", "out_h1",
        "net_h2", "out_h2", "net_o1", "out_o1", "net_o2", "out_o2", "E_o1", "E_o2", "E_total",
    ];
    let mut input = String::new();
    for a in nodes {
        for b in nodes {
            input.push_str(&format!("d{a}/d{b} = 0.25\n"));
        }
    }
    for n in 1..=300 {
        input.push_str(&format!("E_total@{n} = 0.25\n"));
    }
    let (status, stdout, _) = run(&["check", "--json", "-"], &input);
    assert_eq!(status, 1);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["lines"].as_array().unwrap().len(), 23 * 23 + 300);
    assert_eq!(json["diagnosis"]["id"], "unknown");
    // The first in the walkthrough's order: a derivative with respect to
    // E_total, the last node, of the first node on the tape, w1.
    assert_eq!(json["first_divergence"], "dw1/dE_total");
    let explanation = json["diagnosis"]["explanation"].as_str().unwrap();
    assert!(
        explanation.contains("It is 0: w1 does not depend on E_total"),
        "{explanation}"
    );
}
