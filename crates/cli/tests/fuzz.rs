//! Random strings and random mutations of valid programs: `grad` never
//! panics, exits 0 or 2, and says something whenever it exits 2.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use proptest::prelude::*;

const VALID: [&str; 5] = [
    "x = 2; y = x^2 + 3*x",
    "r = 2; theta = 0.3\nx = r*cos(theta); y = r*sin(theta)\noutput x, y",
    "w = 0.4\nb = 0.6\nconst x = 0.59\nout = sigmoid(w*x + b)\nE = 0.5 * (0.01 - out)^2",
    "a = 2; b = 3; c = pow(a, b) / (ln(a) + sqrt(b)); c = tanh(c) - relu(-a)",
    "x = -1.5e-3\ny = exp(-x^2) # comment\ny * y",
];

fn check(program: &str) -> Result<(), TestCaseError> {
    let outcome = catch_unwind(AssertUnwindSafe(|| common::grad(&[program])));
    let Ok((status, out, err)) = outcome else {
        return Err(TestCaseError::fail(format!("grad panicked on {program:?}")));
    };
    prop_assert!(
        status == 0 || status == 2,
        "status {status} for {program:?}"
    );
    if status == 2 {
        prop_assert!(
            !err.trim().is_empty(),
            "exit 2 without a message for {program:?}"
        );
    } else {
        prop_assert!(!out.is_empty());
    }
    Ok(())
}

/// A mutation: an edit at a position.
#[derive(Clone, Debug)]
enum Edit {
    Delete(usize),
    Insert(usize, char),
    Replace(usize, char),
    Duplicate(usize, usize),
}

fn apply(program: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = program.chars().collect();
    for edit in edits {
        let n = chars.len().max(1);
        match *edit {
            Edit::Delete(i) => {
                if !chars.is_empty() {
                    chars.remove(i % n);
                }
            }
            Edit::Insert(i, c) => chars.insert(i % (n + 1), c),
            Edit::Replace(i, c) => {
                if !chars.is_empty() {
                    chars[i % n] = c;
                }
            }
            Edit::Duplicate(i, len) => {
                let start = i % n;
                let end = (start + len).min(chars.len());
                let piece: Vec<char> = chars[start..end].to_vec();
                for (k, c) in piece.into_iter().enumerate() {
                    chars.insert(end + k, c);
                }
            }
        }
    }
    chars.into_iter().collect()
}

fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::sample::select(vec![
            '(', ')', '+', '-', '*', '/', '^', '=', ';', '\n', ',', '#', '.', 'e', 'x', '0', '9',
            ' ', 'é', '∂', '\t', '$'
        ]),
        any::<char>(),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), interesting_char()).prop_map(|(i, c)| Edit::Insert(i, c)),
        (any::<usize>(), interesting_char()).prop_map(|(i, c)| Edit::Replace(i, c)),
        (any::<usize>(), 1usize..12).prop_map(|(i, n)| Edit::Duplicate(i, n)),
    ]
}

proptest! {
    #[test]
    fn random_strings(program in "\\PC{0,80}") {
        check(&program)?;
    }

    #[test]
    fn random_token_soup(program in "[xyz0-9.e()+*/^=;,\\n -]{0,60}") {
        check(&program)?;
    }

    #[test]
    fn mutations_of_valid_programs(
        base in prop::sample::select(VALID.to_vec()),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        check(&apply(base, &edits))?;
    }
}

#[test]
fn the_valid_programs_are_valid() {
    for program in VALID {
        assert_eq!(common::grad(&[program]).0, 0, "{program}");
    }
}
