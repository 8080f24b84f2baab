//! `--trace`: the values, then the whole tape, one node a line: id, name,
//! op, operands, value, a gradient column per output (`grad` for one,
//! `grad y` for output `y` of several), and the tangent along the
//! `--forward` direction. Laid out as the engine's own trace
//! (`Tape::trace`), which it reproduces exactly for one output.

use std::io::{self, Write};

use autograd::{ScalarSide, Shortest, Tape, Var};

use crate::output::values;
use crate::parser::Program;
use crate::sweeps::Derivatives;
use crate::table::{self, First};

/// Writes the values, a blank line and the table of every node.
pub(crate) fn write(
    out: &mut dyn Write,
    tape: &Tape,
    program: &Program<'_>,
    derivatives: &Derivatives<'_>,
) -> io::Result<()> {
    values(out, program)?;
    writeln!(out)?;
    let mut header: Vec<String> = ["#", "name", "op", "operands", "value"]
        .map(str::to_owned)
        .to_vec();
    match program.single_output() {
        Some(_) => header.push("grad".to_owned()),
        None => header.extend(
            program
                .outputs
                .iter()
                .map(|o| format!("grad {}", o.label())),
        ),
    }
    let tangents = derivatives.forward.as_ref().map(|(_, t)| t);
    if tangents.is_some() {
        header.push("tangent".to_owned());
    }
    let mut rows = Vec::with_capacity(tape.len() + 1);
    rows.push(header);
    let shown = |x: Option<f64>| x.map_or_else(String::new, |x| Shortest(x).to_string());
    for index in 0..tape.len() {
        let Some(node) = tape.node(index) else {
            continue;
        };
        let mut row = vec![
            index.to_string(),
            node.name().unwrap_or_default(),
            node.op().name().to_owned(),
            operands(node),
            Shortest(node.value()).to_string(),
        ];
        row.extend(derivatives.grads.iter().map(|g| shown(g.get(node))));
        if let Some(tangents) = tangents {
            row.push(shown(tangents.get(node)));
        }
        rows.push(row);
    }
    let widths = table::widths(&rows);
    let columns: Vec<usize> = (0..widths.len()).collect();
    table::write(out, &rows, &widths, &columns, First::Right)
}

/// A node's operands as written: parents by name (or `#id`), a number
/// operand in place: `1, x` for `1 - x`.
fn operands(node: Var<'_>) -> String {
    let mut items: Vec<String> = node
        .parents()
        .iter()
        .map(|parent| {
            parent
                .name()
                .unwrap_or_else(|| format!("#{}", parent.index()))
        })
        .collect();
    match node.op().scalar_operand() {
        Some((c, ScalarSide::Left)) => items.insert(0, Shortest(c).to_string()),
        Some((c, ScalarSide::Right)) => items.push(Shortest(c).to_string()),
        None => {}
    }
    items.join(", ")
}
