//! Warnings: where a value first stops being finite (a node, or a number
//! computed from numbers alone), literals that read as 0, and inputs whose
//! gradient is not finite.

use std::ops::Range;

use autograd::{Gradients, ScalarSide, Shortest, Tape, Var};

use crate::parser::Program;
use crate::report::line_column;

/// A problem worth a warning.
#[derive(Debug, PartialEq)]
pub(crate) struct Warning {
    pub(crate) message: String,
    /// Where it is, when it is somewhere in the source.
    pub(crate) span: Option<Range<usize>>,
    /// More spots to point at, with what to say at each.
    pub(crate) labels: Vec<(Range<usize>, String)>,
}

/// Every warning about `program` in source order, then the inputs whose
/// gradient is not finite; at most `limit`, and a last one saying how many
/// more there were.
pub(crate) fn warnings(
    source: &str,
    tape: &Tape,
    program: &Program<'_>,
    grads: &Gradients,
    limit: usize,
) -> Vec<Warning> {
    // A note on a number operand is told with its node, not on its own.
    let mut told = vec![false; program.notes.len()];
    let mut found = Vec::new();
    for (index, span) in &program.origins {
        let Some(node) = tape.node(*index) else {
            continue;
        };
        if let Some(warning) = node_warning(source, program, node, span, &mut told) {
            found.push(warning);
        }
    }
    for (note, told) in program.notes.iter().zip(told) {
        if !told {
            found.push(Warning {
                message: note.message.clone(),
                span: Some(note.span.clone()),
                labels: Vec::new(),
            });
        }
    }
    found.sort_by_key(|w| w.span.as_ref().map(|s| s.start));
    for (name, var) in &program.inputs {
        let g = grads.wrt(*var);
        if !g.is_finite() {
            found.push(Warning {
                message: format!(
                    "the gradient with respect to `{}` is {}",
                    crate::names::short(name),
                    Shortest(g)
                ),
                span: None,
                labels: Vec::new(),
            });
        }
    }
    let extra = found.len().saturating_sub(limit);
    found.truncate(limit);
    if extra > 0 {
        found.push(Warning {
            message: if extra == 1 {
                "and 1 more warning".to_owned()
            } else {
                format!("and {extra} more warnings")
            },
            span: None,
            labels: Vec::new(),
        });
    }
    found
}

/// A warning about `node` (written at `span`) if it is where inf or NaN
/// first appears: its value is not finite and its parents' are. When that
/// comes from a number operand that is not finite, the warning says which
/// operand and where it came from, and marks that note as `told`.
fn node_warning(
    source: &str,
    program: &Program<'_>,
    node: Var<'_>,
    span: &Range<usize>,
    told: &mut [bool],
) -> Option<Warning> {
    let value = node.value();
    let parents = node.parents();
    if value.is_finite() || !parents.iter().all(|p| p.value().is_finite()) {
        return None;
    }
    let op = node.op();
    let mut operands: Vec<String> = parents
        .iter()
        .map(|p| Shortest(p.value()).to_string())
        .collect();
    let scalar = op.scalar_operand();
    match scalar {
        Some((c, ScalarSide::Left)) => operands.insert(0, Shortest(c).to_string()),
        Some((c, ScalarSide::Right)) => operands.push(Shortest(c).to_string()),
        None => {}
    }
    let what = format!(
        "this is {} (node #{}, `{}` of {})",
        Shortest(value),
        node.index(),
        op.name(),
        operands.join(", ")
    );
    let Some((c, side)) = scalar.filter(|(c, _)| !c.is_finite()) else {
        return Some(Warning {
            message: format!("{what}; everything computed from it is not finite either"),
            span: Some(span.clone()),
            labels: Vec::new(),
        });
    };
    let side = match side {
        ScalarSide::Left => "left",
        ScalarSide::Right => "right",
    };
    let odd = program
        .odd_operands
        .binary_search_by_key(&node.index(), |o| o.node)
        .ok()
        .map(|i| &program.odd_operands[i]);
    let note = odd.and_then(|o| Some((o.note?, program.notes.get(o.note?)?)));
    let (message, labels) = match (odd, note) {
        (_, Some((index, note))) => {
            told[index] = true;
            let (line, column) = line_column(source, note.span.start);
            (
                format!(
                    "its {side} operand is {} ({}, at line {line}, column {column}), so {what}",
                    Shortest(c),
                    note.message
                ),
                vec![(note.span.clone(), note.message.clone())],
            )
        }
        (Some(odd), None) => (
            format!("its {side} operand is {}, so {what}", Shortest(c)),
            vec![(odd.span.clone(), format!("this is {}", Shortest(c)))],
        ),
        (None, None) => (
            format!("its {side} operand is {}, so {what}", Shortest(c)),
            Vec::new(),
        ),
    };
    Some(Warning {
        message,
        span: Some(span.clone()),
        labels,
    })
}
