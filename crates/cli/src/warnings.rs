//! Warnings: where a value first stops being finite (a node, or a number
//! computed from numbers alone), literals that read as 0, inputs whose
//! gradient is not finite, and outputs whose tangent is not.
//!
//! A program can have millions of them: they are found cheaply, and only
//! the few shown are put into words.

use std::ops::Range;

use autograd::{ScalarSide, Shortest, Tape, Var};

use crate::names::short;
use crate::parser::{OddOperand, Program};
use crate::report::line_column;
use crate::sweeps::Derivatives;

/// A problem worth a warning.
#[derive(Debug, PartialEq)]
pub(crate) struct Warning {
    pub(crate) message: String,
    /// Where it is, when it is somewhere in the source.
    pub(crate) span: Option<Range<usize>>,
    /// More spots to point at, with what to say at each.
    pub(crate) labels: Vec<(Range<usize>, String)>,
}

/// A warning found in the source, not yet put into words.
#[derive(Clone, Copy, Debug)]
enum Found {
    /// The node recorded at `program.origins[i]`.
    Node(usize),
    /// `program.notes[i]`.
    Note(usize),
}

/// The first `limit` warnings about `program`: those in the source in
/// source order, then inputs whose gradient is not finite (for each
/// output), then outputs whose tangent is not; and a last one saying how
/// many more there were.
pub(crate) fn warnings(
    source: &str,
    tape: &Tape,
    program: &Program<'_>,
    derivatives: &Derivatives<'_>,
    limit: usize,
) -> Vec<Warning> {
    let found = find(tape, program);
    let mut more = found.len().saturating_sub(limit);
    let mut warnings: Vec<Warning> = first(found, limit)
        .into_iter()
        .map(|found| match found {
            Found::Node(i) => {
                let (index, span) = &program.origins[i];
                let node = tape.node(*index).expect("found on this tape");
                node_warning(source, program, node, span)
            }
            Found::Note(i) => {
                let note = &program.notes[i];
                Warning {
                    message: note.message(source),
                    span: Some(note.span.clone()),
                    labels: Vec::new(),
                }
            }
        })
        .collect();
    let mut later = |message: &dyn Fn() -> String| {
        if warnings.len() < limit {
            warnings.push(Warning {
                message: message(),
                span: None,
                labels: Vec::new(),
            });
        } else {
            more += 1;
        }
    };
    let single = program.single_output().is_some();
    for (i, output) in program.outputs.iter().enumerate() {
        for (j, (name, _)) in program.inputs.iter().enumerate() {
            let g = derivatives.jacobian(i, j);
            if g.is_finite() {
                continue;
            }
            later(&|| {
                if single {
                    format!(
                        "the gradient with respect to `{}` is {}",
                        short(name),
                        Shortest(g)
                    )
                } else {
                    format!(
                        "the gradient of `{}` with respect to `{}` is {}",
                        short(output.label()),
                        short(name),
                        Shortest(g)
                    )
                }
            });
        }
    }
    if let Some((direction, tangents)) = &derivatives.forward {
        for output in &program.outputs {
            let Some(t) = tangents.get(output.node).filter(|t| !t.is_finite()) else {
                continue;
            };
            later(&|| {
                format!(
                    "the tangent of `{}` along {} is {}",
                    short(output.label()),
                    direction.describe(),
                    Shortest(t)
                )
            });
        }
    }
    if more > 0 {
        warnings.push(Warning {
            message: if more == 1 {
                "and 1 more warning".to_owned()
            } else {
                format!("and {more} more warnings")
            },
            span: None,
            labels: Vec::new(),
        });
    }
    warnings
}

/// Every warning in the source, with where it starts: the nodes where inf
/// or NaN first appears, and the notes not told with such a node.
fn find(tape: &Tape, program: &Program<'_>) -> Vec<(usize, Found)> {
    // A note on a number operand is told with its node, not on its own.
    let mut told = vec![false; program.notes.len()];
    let mut found = Vec::new();
    for (i, (index, span)) in program.origins.iter().enumerate() {
        let Some(node) = tape.node(*index) else {
            continue;
        };
        if starts_not_finite(node) {
            if let Some(note) = odd_operand(program, node).and_then(|o| o.note) {
                told[note] = true;
            }
            found.push((span.start, Found::Node(i)));
        }
    }
    for (i, note) in program.notes.iter().enumerate() {
        if !told[i] {
            found.push((note.span.start, Found::Note(i)));
        }
    }
    found
}

/// The first `n` of `found` by where they start (ties in the order found),
/// in that order, without sorting them all.
fn first(found: Vec<(usize, Found)>, n: usize) -> Vec<Found> {
    let mut keyed: Vec<((usize, usize), Found)> = found
        .into_iter()
        .enumerate()
        .map(|(order, (start, f))| ((start, order), f))
        .collect();
    if keyed.len() > n {
        if n == 0 {
            return Vec::new();
        }
        keyed.select_nth_unstable_by_key(n - 1, |&(key, _)| key);
        keyed.truncate(n);
    }
    keyed.sort_unstable_by_key(|&(key, _)| key);
    keyed.into_iter().map(|(_, f)| f).collect()
}

/// Whether inf or NaN first appears at `node`: its value is not finite and
/// its parents' values are.
fn starts_not_finite(node: Var<'_>) -> bool {
    !node.value().is_finite() && node.parents().iter().all(|p| p.value().is_finite())
}

/// The number operand of `node` that is not finite, if it has one.
fn odd_operand<'p>(program: &'p Program<'_>, node: Var<'_>) -> Option<&'p OddOperand> {
    node.op().scalar_operand().filter(|(c, _)| !c.is_finite())?;
    program
        .odd_operands
        .binary_search_by_key(&node.index(), |o| o.node)
        .ok()
        .map(|i| &program.odd_operands[i])
}

/// The warning about `node` (written at `span`), where inf or NaN first
/// appears. When that comes from a number operand that is not finite, it
/// says which operand and where that number came from.
fn node_warning(
    source: &str,
    program: &Program<'_>,
    node: Var<'_>,
    span: &Range<usize>,
) -> Warning {
    let op = node.op();
    let mut operands: Vec<String> = node
        .parents()
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
        Shortest(node.value()),
        node.index(),
        op.name(),
        operands.join(", ")
    );
    let Some((c, side)) = scalar.filter(|(c, _)| !c.is_finite()) else {
        return Warning {
            message: format!("{what}; everything computed from it is not finite either"),
            span: Some(span.clone()),
            labels: Vec::new(),
        };
    };
    let side = match side {
        ScalarSide::Left => "left",
        ScalarSide::Right => "right",
    };
    let odd = odd_operand(program, node);
    let note = odd.and_then(|o| program.notes.get(o.note?));
    let (message, labels) = match (odd, note) {
        (_, Some(note)) => {
            let (line, column) = line_column(source, note.span.start);
            let happened = note.message(source);
            (
                format!(
                    "its {side} operand is {} ({happened}, at line {line}, column {column}), so {what}",
                    Shortest(c),
                ),
                vec![(note.span.clone(), happened)],
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
    Warning {
        message,
        span: Some(span.clone()),
        labels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_few_by_position_ties_in_the_order_found() {
        let found: Vec<(usize, Found)> = [9, 3, 7, 3, 1, 8]
            .into_iter()
            .enumerate()
            .map(|(i, start)| (start, Found::Note(i)))
            .collect();
        let order = |fs: Vec<Found>| -> Vec<usize> {
            fs.into_iter()
                .map(|f| match f {
                    Found::Note(i) | Found::Node(i) => i,
                })
                .collect()
        };
        assert_eq!(order(first(found.clone(), 3)), [4, 1, 3]);
        assert_eq!(order(first(found.clone(), 10)), [4, 1, 3, 2, 5, 0]);
        assert!(first(found, 0).is_empty());
    }
}
