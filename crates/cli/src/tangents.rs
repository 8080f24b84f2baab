//! The tangents along the `--forward` direction, by name: `dy/dt` for each
//! name that moves, where each named input moves at its speed as `t` grows.

use std::io::{self, Write};

use autograd::{Shortest, Tangents};

use crate::direction::Direction;
use crate::parser::Program;

/// A heading naming the direction, then `dname/dt = tangent` for each name
/// that gets a gradient, in the order first bound, aligned. A name stands
/// for the node it is bound to at the end of the program, except an
/// output's, which stands for the output (as everywhere else in the
/// output); an output whose label is no name's (`output`, for an unnamed
/// last statement) comes last.
pub(crate) fn list(
    out: &mut dyn Write,
    program: &Program<'_>,
    direction: &Direction<'_>,
    tangents: &Tangents,
) -> io::Result<()> {
    writeln!(out, "tangents along {}:", direction.describe())?;
    let output = |label: &str| program.outputs.iter().find(|o| o.label() == label);
    let named = program.names.iter().map(|(name, var)| {
        let node = output(name).map_or(*var, |o| o.node);
        (&**name, node)
    });
    let unnamed = program
        .outputs
        .iter()
        .filter(|o| !program.names.iter().any(|(name, _)| **name == *o.label()))
        .map(|o| (o.label(), o.node));
    let lines: Vec<(&str, f64)> = named
        .chain(unnamed)
        .filter_map(|(name, node)| Some((name, tangents.get(node)?)))
        .collect();
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
