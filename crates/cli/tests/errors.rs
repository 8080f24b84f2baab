//! Bad input gets a message with the line, the column and a caret under the
//! spot, on standard error, with exit status 2; never a panic. Hostile input
//! is bounded.

mod common;

use std::time::{Duration, Instant};

use common::{grad, grad_binary, grad_with_input};

/// Runs a bad program; returns its stderr after checking status 2 and an
/// empty stdout.
fn rejected(program: &str) -> String {
    let (status, out, err) = grad(&[program]);
    assert_eq!(status, 2, "{program:?} was accepted: {out}");
    assert!(out.is_empty());
    err
}

#[test]
fn each_mistake_names_itself_with_line_column_and_caret() {
    let cases = [
        (
            "x = 1\ny = foo(x)",
            "unknown function `foo`",
            "line 2, column 5",
        ),
        ("x = 1\ny = z + 1", "unknown name `z`", "line 2, column 5"),
        (
            "x = 1\ny = (x + 1",
            "this `(` is never closed",
            "line 2, column 5",
        ),
        (
            "x = 1\ny = x + 1)",
            "this `)` has no matching `(`",
            "line 2, column 10",
        ),
        (
            "x = 1\ny = x *",
            "`*` has no operand after it",
            "line 2, column 7",
        ),
        ("", "the program has no statement", "line 1, column 1"),
        ("x = 1.2.3", "`1.2.3` is not a number", "line 1, column 5"),
        (
            "x = 1; exp(x, x)",
            "exp takes 1 argument, got 2",
            "line 1, column 8",
        ),
        (
            "x = 1; pow(x)",
            "pow takes 2 arguments, got 1",
            "line 1, column 8",
        ),
    ];
    for (program, message, position) in cases {
        let err = rejected(program);
        assert!(err.contains(message), "{program:?}: {err}");
        assert!(err.contains(position), "{program:?}: {err}");
        assert!(
            err.contains('│') && (err.contains('┬') || err.contains('─')),
            "no caret: {err}"
        );
        assert!(err.contains("Help"), "no help: {err}");
    }
}

#[test]
fn did_you_mean() {
    let err = rejected("weight = 1; y = wieght * 2");
    assert!(err.contains("did you mean `weight`?"), "{err}");
}

#[test]
fn empty_input_on_stdin_is_an_error() {
    let (status, _, err) = grad_with_input(&[], "\n  # nothing\n");
    assert_eq!(status, 2);
    assert!(err.contains("no statement"), "{err}");
}

#[test]
fn a_missing_file_is_an_error() {
    let (status, _, err) = grad(&["-f", "/nonexistent/program.txt"]);
    assert_eq!(status, 2);
    assert!(
        err.contains("cannot read /nonexistent/program.txt"),
        "{err}"
    );
}

#[test]
fn the_binary_exits_2_on_bad_input_and_explains_the_language() {
    let out = grad_binary(&["x = (1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("never closed"), "{err}");
    let help = grad_binary(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8(help.stdout).unwrap();
    for part in ["THE LANGUAGE", "const c = 2", "2^3^2 is", "EXAMPLES"] {
        assert!(text.contains(part), "--help lacks {part:?}");
    }
    // Every function the engine can call by name, from its one table.
    for function in autograd::Primitive::all() {
        let signature = function.signature();
        assert!(text.contains(&signature), "--help lacks {signature}");
    }
}

/// Hostile inputs finish within a few seconds (release builds: 10 MB; the
/// debug suite runs a tenth of it).
fn within_seconds(program: &str) -> (i32, String) {
    let start = Instant::now();
    let (status, _, err) = grad(&[program]);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(20), "took {took:?}");
    (status, err)
}

const MEGABYTES: usize = if cfg!(debug_assertions) { 1 } else { 10 };

#[test]
fn hostile_inputs_are_bounded() {
    // 100,000 nested parentheses: a clear error, not a stack overflow.
    let nested = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let (status, err) = within_seconds(&nested);
    assert_eq!(status, 2);
    assert!(err.contains("nests deeper than 256 levels"), "{err}");
    assert!(
        err.len() < 4_000,
        "a {}-byte message: long lines are excerpted",
        err.len()
    );
    // A 100,000-term sum: a result.
    let sum = format!("x = 1\ny = x{}", " + x".repeat(100_000));
    assert_eq!(within_seconds(&sum).0, 0);
    // A program of many megabytes: a result.
    // (Each input is bound once: binding `x = 0.5` again would be an error.)
    let line = "y = sigmoid(x * 2 - 1) + y0\n";
    let mut big = String::from("x = 0.5\ny0 = 1\n");
    while big.len() < MEGABYTES << 20 {
        big.push_str(line);
        big.push_str("y0 = y\n");
    }
    assert_eq!(within_seconds(&big).0, 0);
    // 100,000 unary minuses and 100,000 chained powers: errors.
    assert_eq!(
        within_seconds(&format!("x = 1; {}x", "-".repeat(100_000))).0,
        2
    );
    assert_eq!(
        within_seconds(&format!("x = 1; x{}", "^x".repeat(100_000))).0,
        2
    );
}

/// Runs `grad` on `program` in another thread and returns its status and
/// standard error; fails the test instead of hanging it when `grad` has not
/// finished after a minute (a release build takes well under a second).
fn finishes(program: String) -> (i32, String) {
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (status, _, err) = grad(&[&program]);
        let _ = done.send((status, err));
    });
    result
        .recv_timeout(Duration::from_secs(60))
        .expect("grad did not finish within a minute")
}

#[test]
fn a_long_unknown_name_gets_a_prompt_short_message_and_a_suggestion() {
    let long = "a".repeat(MEGABYTES << 20);
    let length = long.len();
    // A typo of a long bound name: "did you mean" compares the two.
    let (status, err) = finishes(format!("{long} = 1\ny = {long}b * 2"));
    assert_eq!(status, 2);
    let shortened = format!("`{}…{}`", "a".repeat(20), "a".repeat(20));
    let head = format!("`{}…{}b`", "a".repeat(20), "a".repeat(19));
    assert!(
        err.contains(&format!(
            "unknown name {head} (a name of {} characters) (line 2, column 5)",
            length + 1
        )),
        "{}",
        &err[..err.len().min(2_000)]
    );
    assert!(
        err.contains(&format!(
            "did you mean {shortened} (a name of {length} characters)?"
        )),
        "{}",
        &err[..err.len().min(2_000)]
    );
    assert!(err.len() < 4_000, "a {}-byte message", err.len());
    // Used undefined, with nothing bound.
    let (status, err) = finishes(format!("y = {long}"));
    assert_eq!(status, 2);
    assert!(err.contains("unknown name") && err.contains("bind it before using it"));
    assert!(err.len() < 4_000, "a {}-byte message", err.len());
    // Many long bound names of the same length as the unknown one.
    let names: Vec<String> = (0..1_000)
        .map(|i| format!("{i:0>1000}").replace('0', "n"))
        .collect();
    let mut program: String = names.iter().map(|n| format!("{n} = 1\n")).collect();
    program.push_str(&format!("y = {}z", &names[7][1..]));
    let (status, err) = finishes(program);
    assert_eq!(status, 2);
    assert!(
        err.contains("did you mean"),
        "{}",
        &err[..err.len().min(2_000)]
    );
}

#[test]
fn a_spot_deep_in_a_long_program_is_shown_with_its_own_lines() {
    let lines = MEGABYTES << 20;
    let (status, err) = finishes(format!(
        "{}y = z + 1\n{}",
        "\n".repeat(lines),
        "\n".repeat(lines)
    ));
    assert_eq!(status, 2);
    let line = lines + 1;
    assert!(
        err.contains(&format!("unknown name `z` (line {line}, column 5)")),
        "{err}"
    );
    assert!(
        err.contains(&format!("(an excerpt from line {line})")),
        "{err}"
    );
    assert!(err.contains("y = z + 1"), "{err}");
    assert!(err.len() < 2_000, "a {}-byte message", err.len());
}

#[test]
fn binding_an_input_name_to_another_number_is_an_error() {
    for (program, column) in [
        ("x = 1; x = 2; y = x*x", 8),
        ("x = 1; const x = 2", 14),
        ("x = 1; x = x + 1; x = 5", 19),
    ] {
        let err = rejected(program);
        assert!(
            err.contains(&format!(
                "`x` is already an input (line 1, column {column})"
            )),
            "{program}: {err}"
        );
        assert!(
            err.contains("it was bound to a number on line 1, column 1"),
            "{program}: {err}"
        );
        assert!(err.contains("like `x2`"), "{program}: {err}");
    }
    // Rebinding an input's name to an expression reads the input, as before.
    assert_eq!(grad(&["x = 1; x = x * 2; x"]).0, 0);
    let help = common::help();
    assert!(
        help.contains("Each input needs a name of its own"),
        "{help}"
    );
}

/// `depth` levels of `open`, around `x`, closed by `close`.
fn nested(open: &str, depth: usize, close: &str) -> String {
    format!("x = 0.5; {}x{}", open.repeat(depth), close.repeat(depth))
}

#[test]
fn parentheses_and_calls_each_nest_one_level_up_to_the_limit() {
    assert_eq!(grad_cli::MAX_DEPTH, 256);
    for (open, close) in [
        ("(", ")"),
        ("tanh(", ")"),
        ("pow(", ", 1)"),
        ("-", ""),
        ("(-", ")"),
    ] {
        // (-x) is two levels.
        let levels = open.matches(['(', '-']).count();
        let at_limit = nested(open, 256 / levels, close);
        let (status, err) = finishes(at_limit);
        assert_eq!(status, 0, "{open}: {err}");
        let past = nested(open, 256 / levels + 1, close);
        let (status, err) = finishes(past);
        assert_eq!(status, 2, "{open}");
        assert!(
            err.contains("the expression nests deeper than 256 levels"),
            "{open}: {err}"
        );
    }
    // `^` is right-associative: x^1^1^...^1 nests once per `^`.
    let chain = |n: usize| format!("x = 0.5; x{}", "^1".repeat(n));
    assert_eq!(finishes(chain(256)).0, 0);
    assert_eq!(finishes(chain(257)).0, 2);
    // The 257th level is the one pointed at.
    let err = finishes(nested("(", 257, ")")).1;
    assert!(err.contains("line 1, column 266"), "{err}");
    let help = common::help();
    assert!(
        help.contains("They nest at most 256 levels deep: each `(`, each call, each unary minus and each `^` opens one level"),
        "{help}"
    );
}

#[test]
fn a_byte_order_mark_that_starts_the_program_is_skipped_without_shifting_columns() {
    let path = std::env::temp_dir().join(format!("grad-bom-{}.grad", std::process::id()));
    let run_file = |text: &str| {
        std::fs::write(&path, text).unwrap();
        let result = grad(&["-f", path.to_str().unwrap()]);
        std::fs::remove_file(&path).unwrap();
        result
    };
    // Editors on Windows write one: the program reads as if it were not there.
    let (status, out, err) = run_file("\u{feff}x = 3\ny = x^2");
    assert_eq!((status, err.as_str()), (0, ""));
    assert_eq!(out, "y = 9\n\n∂y/∂x = 6\n");
    // Errors count columns from the first real character.
    let (status, _, err) = run_file("\u{feff}y = z");
    assert_eq!(status, 2);
    assert!(err.contains("unknown name `z` (line 1, column 5)"), "{err}");
    assert!(
        err.contains(":1:5 ]") && err.contains(" 1 │ y = z"),
        "{err}"
    );
    assert!(!err.contains('\u{feff}'), "{err}");
    let (_, _, err) = run_file("\u{feff}x = 1\ny = (x + 1");
    assert!(err.contains("line 2, column 5"), "{err}");
    // The same on standard input and as an argument.
    let (status, out, _) = grad_with_input(&[], "\u{feff}x = 3\ny = x^2");
    assert_eq!((status, out.as_str()), (0, "y = 9\n\n∂y/∂x = 6\n"));
    assert_eq!(grad(&["\u{feff}x = 3; x"]).0, 0);
    // Anywhere else it is a mistake, and the message says what it is.
    let err = rejected("x = 1;\u{feff} y = x");
    assert!(
        err.contains("unexpected character `\\u{feff}` (line 1, column 7)"),
        "{err}"
    );
    assert!(err.contains("byte-order mark"), "{err}");
    assert!(
        common::help().contains("A byte-order mark at the very start of the program is skipped")
    );
}

#[test]
fn a_huge_number_literal_gets_a_short_message() {
    let digits = "1".repeat(MEGABYTES << 20);
    for (program, message) in [
        (format!("x = {digits}"), "is too large for a 64-bit float"),
        (format!("x = {digits}.2.3"), "is not a number"),
    ] {
        let (status, err) = finishes(program);
        assert_eq!(status, 2);
        assert!(err.contains(message), "{}", &err[..err.len().min(2_000)]);
        assert!(err.len() < 4_000, "a {}-byte message", err.len());
    }
}

#[test]
fn millions_of_warnings_are_found_quickly_and_a_few_are_shown() {
    let count = MEGABYTES * 100_000;
    // (line, warnings beyond those of the lines: x/x also has a NaN slope)
    for (line, beyond) in [
        ("y{i} = 0/0\n", 0),
        ("y{i} = x / x\n", 1),
        ("y{i} = x * 1e-400\n", 0),
    ] {
        let mut program = String::from("x = 0\n");
        for i in 0..count {
            program.push_str(&line.replace("{i}", &i.to_string()));
        }
        let (status, err) = finishes(program);
        assert_eq!(status, 0, "{line}");
        assert_eq!(err.matches("Warning:").count(), 5, "{line}: {err}");
        assert!(
            err.contains(&format!("and {} more warnings", count + beyond - 5)),
            "{line}: {err}"
        );
    }
}
