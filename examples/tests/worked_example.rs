//! The worked-example binary, run as a user runs it.

use std::process::Command;

use nn::blog;
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

#[test]
fn json_reports_all_32_figures_agreeing() {
    let (status, stdout, _) = run(&["--json"]);
    assert_eq!(status, 0);
    let json: Value = serde_json::from_str(&stdout).expect("--json prints JSON");
    let figures = json["figures"].as_array().expect("a figures array");
    assert_eq!(figures.len(), blog::FIGURES.len());
    for (figure, printed) in blog::FIGURES.iter().zip(figures) {
        let row = figure.row;
        assert_eq!(printed["row"], row);
        assert_eq!(printed["name"], figure.name, "row {row}");
        assert_eq!(printed["published"], figure.published, "row {row}");
        assert_eq!(printed["agrees"], true, "row {row}: {printed}");
        let engine = printed["engine"].as_f64().expect("a number");
        assert!(
            figure.is_exact(engine),
            "row {row}: {engine} vs {}",
            figure.exact
        );
        match figure.true_gradient_descent {
            Some(exact) => {
                let tgd = printed["true_gradient_descent"].as_f64().expect("a number");
                assert!(
                    figure.is_true_gradient_descent(tgd),
                    "row {row}: {tgd} vs {exact}"
                );
            }
            None => assert!(printed.get("true_gradient_descent").is_none()),
        }
    }
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

#[test]
fn json_and_trace_are_refused_together() {
    // JSON has no place for the trace: asking for both is a mistake, not a
    // request to drop one silently.
    let (status, stdout, stderr) = run(&["--json", "--trace"]);
    assert_eq!(status, 2, "{stdout}");
    assert!(
        stderr.contains("--json") && stderr.contains("--trace"),
        "{stderr}"
    );
}

#[test]
fn one_update_is_counted_in_the_singular() {
    let (status, stdout, _) = run(&["--iterations", "1"]);
    assert_eq!(status, 0);
    for wrong in ["1 updates", "1 training steps"] {
        assert!(!stdout.contains(wrong), "{wrong:?} in\n{stdout}");
    }
    assert!(stdout.contains("1 training step."), "{stdout}");
    assert!(stdout.contains("E_total after 1 update "), "{stdout}");
    assert!(stdout.contains("out_o1 after 1 update "), "{stdout}");
    let (_, stdout, _) = run(&["--iterations", "2"]);
    assert!(stdout.contains("2 training steps."), "{stdout}");
    assert!(stdout.contains("out_o1 after 2 updates "), "{stdout}");
}

/// The cells of the report's table rows (a row number, then at least three
/// more cells), split at runs of two or more spaces.
fn table_rows(report: &str) -> Vec<Vec<&str>> {
    report
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|first| first.parse::<u32>().is_ok())
        })
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|cells| cells.len() >= 4)
        .collect()
}

/// Asserts that `cell` is a number printed as `autograd::Shortest` prints
/// it: the shortest digits that read back as the same f64, in scientific
/// notation outside [1e-4, 1e16).
fn assert_shortest(cell: &str, context: &str) {
    let x: f64 = cell
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {cell:?} in {context}"));
    assert_eq!(autograd::Shortest(x).to_string(), cell, "in {context}");
}

#[test]
fn every_engine_value_prints_in_shortest_form() {
    let (status, stdout, _) = run(&[]);
    assert_eq!(status, 0);
    let rows = table_rows(&stdout);
    assert_eq!(rows.len(), 32, "{stdout}");
    for row in &rows {
        let training = row[0].parse::<u32>().unwrap() >= 29;
        let columns: &[usize] = if training { &[2, 3] } else { &[2] };
        for &c in columns {
            assert_shortest(row[c], &row.join(" | "));
        }
    }
    // E_total after 10,000 updates is below 1e-4: scientific notation.
    let row_30 = &rows[29];
    assert!(row_30[2].ends_with("e-5"), "{row_30:?}");
    assert!(blog::figure(30).is_exact(row_30[2].parse().unwrap()));
}

#[test]
fn a_huge_learning_rate_prints_short_numbers() {
    let (status, stdout, _) = run(&["--learning-rate", "1e300", "--iterations", "2"]);
    assert_eq!(status, 0);
    assert!(stdout.contains("Learning rate η = 1e300,"), "{stdout}");
    for row in table_rows(&stdout) {
        assert!(row[2].len() <= 24, "{row:?}");
        assert_shortest(row[2], &row.join(" | "));
    }
    let longest = stdout.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 120, "a line of {longest} characters");
}

#[test]
fn absurd_iteration_counts_are_refused_with_the_limit() {
    // u32::MAX updates would take hours; it used to abort at once, trying
    // to allocate 34 GB for a loss history nothing drew.
    let (status, stdout, stderr) = run(&["--iterations", "4294967295"]);
    assert_eq!(status, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("--iterations") && stderr.contains("at most 100000000"),
        "{stderr}"
    );
}
