//! Warnings: values that stop being finite, said where they start, and
//! literals that read as 0. They go to standard error; the output is still
//! printed and the exit status is 0.

mod common;

use common::grad;

/// Runs a program that must succeed; returns its standard error.
fn warned(program: &str) -> String {
    let (status, out, err) = grad(&[program]);
    assert_eq!(status, 0, "{program}: {err}");
    assert!(!out.is_empty());
    err
}

#[test]
fn numbers_alone_that_give_nan_or_inf_are_warned_about() {
    for (program, message) in [
        ("y = 0/0", "0 / 0 is NaN (line 1, column 5)"),
        ("y = 1/0", "1 / 0 is inf (line 1, column 5)"),
        ("y = 2 * (0/0)", "0 / 0 is NaN (line 1, column 10)"),
        (
            "x = 1; y = x * 2; z = ln(-1)",
            "ln(-1) is NaN (line 1, column 23)",
        ),
        ("y = 0^-1", "0 ^ -1 is inf (line 1, column 5)"),
    ] {
        let err = warned(program);
        assert!(
            err.contains(&format!("Warning: {message}")),
            "{program}: {err}"
        );
    }
    // Only where it starts: 0/0 - 1 is one warning.
    let err = warned("y = 0/0 - 1");
    assert_eq!(err.matches("Warning").count(), 1, "{err}");
}

#[test]
fn a_literal_that_underflows_to_zero_is_warned_about() {
    let err = warned("x = 2; y = x * 1e-400");
    assert!(
        err.contains("`1e-400` reads as 0: it is smaller than the smallest 64-bit float"),
        "{err}"
    );
    assert!(err.contains("(line 1, column 16)"), "{err}");
    // Zero written as zero, and tiny numbers that are not 0, are fine.
    for program in ["x = 0e-400", "x = 0.000", "x = 1e-320", "x = 5e-324"] {
        assert_eq!(warned(program), "", "{program}");
    }
}

#[test]
fn a_warning_names_the_number_operand_that_is_not_finite() {
    let err = warned("x = 1; y = x*(1e308*10)");
    assert!(
        err.contains(
            "its right operand is inf (1e308 * 10 is inf, at line 1, column 15), \
             so this is inf (node #1, `mul` of 1, inf)"
        ),
        "{err}"
    );
    // The operand's own spot is labelled, and not warned about again.
    assert!(
        err.contains("╰─── 1e308 * 10 is inf") || err.contains("── 1e308 * 10 is inf"),
        "{err}"
    );
    assert_eq!(err.matches("Warning:").count(), 1, "{err}");
    let err = warned("x = 1; y = (0/0) - x");
    assert!(
        err.contains("its left operand is NaN (0 / 0 is NaN, at line 1, column 13)"),
        "{err}"
    );
}

#[test]
fn past_five_warnings_the_rest_are_counted() {
    let err = warned("a = 0/0; b = 0/0; c = 0/0; d = 0/0; e = 0/0; f = 0/0; x = 1; x");
    assert_eq!(err.matches("Warning:").count(), 5, "{err}");
    assert!(err.ends_with("warning: and 1 more warning\n"), "{err}");
    let err = warned("a = 0/0; b = 0/0; c = 0/0; d = 0/0; e = 0/0; f = 0/0; g = 0/0; x = 1; x");
    assert!(err.ends_with("warning: and 2 more warnings\n"), "{err}");
}
