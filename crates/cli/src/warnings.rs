//! Warnings: where a value first stops being finite, and which inputs get a
//! gradient that is not finite.

use autograd::{Gradients, Shortest, Tape};

use crate::parser::Program;

/// A problem worth a warning: a node that turned finite operands into a
/// non-finite value, or a non-finite gradient.
#[derive(Debug, PartialEq)]
pub(crate) struct Warning {
    pub(crate) message: String,
    /// Where the node was written, when known.
    pub(crate) span: Option<std::ops::Range<usize>>,
}

/// The nodes where inf or NaN first appears (at most `limit`), and inputs
/// whose gradient is not finite.
pub(crate) fn warnings(
    tape: &Tape,
    program: &Program<'_>,
    grads: &Gradients,
    limit: usize,
) -> Vec<Warning> {
    let mut found = Vec::new();
    for (index, span) in &program.origins {
        let Some(node) = tape.node(*index) else {
            continue;
        };
        let value = node.value();
        if value.is_finite() || !node.parents().iter().all(|p| p.value().is_finite()) {
            continue;
        }
        let operands: Vec<String> = node
            .parents()
            .iter()
            .map(|p| Shortest(p.value()).to_string())
            .collect();
        found.push(Warning {
            message: format!(
                "this is {} (node #{index}, `{}` of {}); everything computed from it is not finite either",
                Shortest(value),
                node.op().name(),
                operands.join(", ")
            ),
            span: Some(span.clone()),
        });
    }
    for (name, var) in &program.inputs {
        let g = grads.wrt(*var);
        if !g.is_finite() {
            found.push(Warning {
                message: format!("the gradient with respect to `{name}` is {}", Shortest(g)),
                span: None,
            });
        }
    }
    let extra = found.len().saturating_sub(limit);
    found.truncate(limit);
    if extra > 0 {
        found.push(Warning {
            message: format!("and {extra} more non-finite values"),
            span: None,
        });
    }
    found
}
