//! The tangents along the `--forward` direction, by name: `dy/dt` for each
//! name that moves, where each named input moves at its speed as `t` grows.

use std::io::{self, Write};

use autograd::{Shortest, Tangents};

use crate::direction::Direction;
use crate::parser::Program;

/// A heading naming the direction, then `dname/dt = tangent` for each name
/// (as bound at the end of the program, in the order first bound) that
/// gets a gradient, and for each output not shown under its name already,
/// aligned.
pub(crate) fn list(
    out: &mut dyn Write,
    program: &Program<'_>,
    direction: &Direction<'_>,
    tangents: &Tangents,
) -> io::Result<()> {
    writeln!(out, "tangents along {}:", direction.describe())?;
    let mut lines: Vec<(&str, f64)> = program
        .names
        .iter()
        .filter_map(|(name, var)| Some((&**name, tangents.get(*var)?)))
        .collect();
    for output in &program.outputs {
        let label = output.label();
        let shown = program
            .names
            .iter()
            .any(|(name, var)| &**name == label && var.index() == output.node.index());
        if !shown && let Some(tangent) = tangents.get(output.node) {
            lines.push((label, tangent));
        }
    }
    let width = lines
        .iter()
        .map(|(name, _)| name.chars().count())
        .max()
        .unwrap_or(0);
    for (name, tangent) in lines {
        let pad = width - name.chars().count();
        writeln!(out, "d{name}/dt{:pad$} = {}", "", Shortest(tangent))?;
    }
    Ok(())
}
