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

/// The last number of `line`, after its last ` = `.
fn last_number(line: &str) -> f64 {
    let (_, number) = line.rsplit_once(" = ").expect("a line with `=`");
    number
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {line}"))
}

#[test]
fn explain_gives_rows_17_to_24_from_the_chain_rule_on_the_tape() {
    use autograd::explain::Precision;

    let (status, stdout, _) = run(&["--explain"]);
    assert_eq!(status, 0);
    let lines: Vec<&str> = stdout.lines().collect();
    let line = |start: &str| -> usize {
        lines
            .iter()
            .position(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no line starts with {start:?}:\n{stdout}"))
    };
    // Each number as printed: the blog's 9 decimal places of the exact value.
    let printed = |row: u32| Precision::Decimals(9).format(blog::figure(row).exact);
    let operand = |row: u32| {
        let text = printed(row);
        if text.starts_with('-') {
            format!("({text})")
        } else {
            text
        }
    };
    let agrees = |row: u32, value: f64| {
        assert!(
            (value - blog::figure(row).exact).abs() <= 0.5e-9,
            "row {row}: {value}"
        );
    };
    // Row 17: δ_o1 = ∂E_total/∂out_o1 · ∂out_o1/∂net_o1 (rows 10 and 11).
    let row_17 = lines[line("∂E_total/∂net_o1 =")];
    assert_eq!(
        row_17,
        format!(
            "∂E_total/∂net_o1 = ∂E_total/∂out_o1 · ∂out_o1/∂net_o1 = {} × {} = {}",
            printed(10),
            printed(11),
            printed(17)
        )
    );
    agrees(17, last_number(row_17));
    // Row 18: the local derivative of net_o1 with respect to out_h1 is w5.
    let row_18 = lines[line("∂net_o1/∂out_h1 =")].trim_start();
    assert_eq!(row_18, format!("∂net_o1/∂out_h1 = w5 = {}", printed(18)));
    // Rows 19-21: out_h1 feeds both outputs; the two paths add up.
    let at = line("∂E_total/∂out_h1 =");
    assert_eq!(
        lines[at],
        "∂E_total/∂out_h1 = ∂E_total/∂net_o1 · ∂net_o1/∂out_h1 + ∂E_total/∂net_o2 · ∂net_o2/∂out_h1"
    );
    let paths = lines[at + 2].trim_start();
    assert_eq!(paths, format!("= {} + {}", operand(19), operand(20)));
    let (first, second) = paths[2..].split_once(" + ").unwrap();
    agrees(19, first.parse().unwrap());
    agrees(20, second.trim_matches(['(', ')']).parse().unwrap());
    assert_eq!(lines[at + 3].trim_start(), format!("= {}", printed(21)));
    agrees(21, last_number(lines[at + 3]));
    // Row 22: the sigmoid's derivative, with its formula.
    let row_22 = lines[line("∂out_h1/∂net_h1 =")].trim_start();
    let out_h1 = printed(2);
    assert_eq!(
        row_22,
        format!(
            "∂out_h1/∂net_h1 = out_h1 (1 - out_h1) = {out_h1} (1 - {out_h1}) = {}",
            printed(22)
        )
    );
    agrees(22, last_number(row_22));
    // Rows 23 and 24.
    let row_23 = lines[line("∂net_h1/∂w1 =")].trim_start();
    assert_eq!(row_23, format!("∂net_h1/∂w1 = i1 = {}", printed(23)));
    let row_24 = lines[line("∂E_total/∂w1 =")];
    assert!(
        row_24.ends_with(&format!(" × {} = {}", printed(23), printed(24))),
        "{row_24}"
    );
    agrees(24, last_number(row_24));
}

#[test]
fn the_readme_explain_excerpt_is_real_output() {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("```text\n∂E_total/∂out_o1 =")
        .expect("the --explain excerpt")
        + 8;
    let excerpt = &readme[start..start + readme[start..].find("```").unwrap()];
    let (_, stdout, _) = run(&["--explain"]);
    for part in excerpt.split("...\n") {
        assert!(
            stdout.contains(part),
            "README excerpt differs from the output:\n{part}"
        );
    }
}
