//! What `grad` prints: the value and gradients, the trace, or JSON; and
//! warnings about non-finite values.

use std::fmt::Write as _;

use autograd::{Gradients, Shortest, Tape, Var};
use serde_json::{Map, Value, json};

use crate::parser::Program;

/// The output's display name: the name it was bound to, or `output`.
fn output_name(program: &Program<'_>) -> String {
    program
        .output_name
        .clone()
        .unwrap_or_else(|| "output".to_owned())
}

/// `y = value`, a blank line, then `∂y/∂x = gradient` for each input,
/// aligned.
pub(crate) fn plain(program: &Program<'_>, grads: &Gradients) -> String {
    let name = output_name(program);
    let mut out = format!("{name} = {}\n", Shortest(program.output.value()));
    if program.inputs.is_empty() {
        out.push_str("\n(no inputs: bind one with a number, like `x = 1.5`, to see gradients)\n");
        return out;
    }
    out.push('\n');
    let labels: Vec<String> = program
        .inputs
        .iter()
        .map(|(input, _)| format!("∂{name}/∂{input}"))
        .collect();
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    for (label, (_, var)) in labels.iter().zip(&program.inputs) {
        let pad = width - label.chars().count();
        let _ = writeln!(
            out,
            "{label}{} = {}",
            " ".repeat(pad),
            Shortest(grads.wrt(*var))
        );
    }
    out
}

/// The value line, then the whole tape with every node's gradient.
pub(crate) fn trace(tape: &Tape, program: &Program<'_>, grads: &Gradients) -> String {
    format!(
        "{} = {}\n\n{}",
        output_name(program),
        Shortest(program.output.value()),
        tape.trace().with_gradients(grads)
    )
}

/// A number as JSON; JSON has no NaN or infinity, so those are null.
fn number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// `{"value", "gradients": {input: gradient}, "nodes": [...]}`.
pub(crate) fn json(tape: &Tape, program: &Program<'_>, grads: &Gradients) -> String {
    let mut gradients = Map::new();
    for (name, var) in &program.inputs {
        // A rebound input keeps both entries apart by node id.
        let key = if gradients.contains_key(name) {
            format!("{name}#{}", var.index())
        } else {
            name.clone()
        };
        gradients.insert(key, number(grads.wrt(*var)));
    }
    let nodes: Vec<Value> = (0..tape.len())
        .filter_map(|i| tape.node(i))
        .map(|node| {
            let parents: Vec<usize> = node.parents().iter().map(Var::index).collect();
            json!({
                "id": node.index(),
                "name": node.name(),
                "op": node.op().name(),
                "parents": parents,
                "value": number(node.value()),
                "grad": grads.get(node).map_or(Value::Null, number),
            })
        })
        .collect();
    let document = json!({
        "value": number(program.output.value()),
        "gradients": gradients,
        "nodes": nodes,
    });
    format!("{document}\n")
}

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
