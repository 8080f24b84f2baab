//! Numbered traces: the tape, or the subgraph under one output, one node a
//! line, to hold against a hand computation.

use std::fmt::{self, Write as _};

use crate::arena::Arena;
use crate::gradients::Gradients;
use crate::number::Shortest;
use crate::op::ScalarSide;
use crate::tape::Tape;
use crate::var::Var;

/// A printable view of a tape, one node a line in recording order: its id
/// (position), name, op, operands, value, and gradient when given one.
///
/// Made by [`Tape::trace`] (every node) or [`Var::trace`] (only the nodes the
/// output depends on); add gradients with [`Trace::with_gradients`]. Operands
/// show a parent's name, or `#id` for an unnamed one, and scalar operands
/// in place, in the order the expression was written. Values print in full
/// (the shortest decimal that reads back as the same `f64`; see [`Shortest`]).
///
/// # Examples
///
/// ```
/// use autograd::Tape;
///
/// let tape = Tape::new();
/// let x = tape.var_named("x", 3.0);
/// let y = (1.0 - x).named("y");
/// let z = (y * y).named("z");
/// let trace = z.trace().with_gradients(&z.backward()).to_string();
/// let lines: Vec<&str> = trace.lines().collect();
/// assert_eq!(lines.len(), 4); // a header and three nodes
/// assert!(lines[2].contains("sub") && lines[2].contains("1, x"));
/// assert!(lines[1].trim_end().ends_with("4")); // dz/dx = -2(1 - x) = 4
/// ```
#[derive(Clone, Copy)]
pub struct Trace<'a> {
    tape: &'a Tape,
    output: Option<Var<'a>>,
    gradients: Option<&'a Gradients>,
}

impl<'a> Trace<'a> {
    pub(crate) fn new(tape: &'a Tape, output: Option<Var<'a>>) -> Self {
        Trace {
            tape,
            output,
            gradients: None,
        }
    }

    /// Adds a gradient column. Nodes that receive no gradient (constants)
    /// and nodes recorded after the gradients were computed show none.
    ///
    /// # Panics
    ///
    /// If the gradients were computed on another tape; when printed, if a
    /// leaf shown got a new value from [`Tape::set_value`] after the
    /// gradients were computed (they would belong to another point than the
    /// values beside them).
    #[must_use]
    pub fn with_gradients(mut self, gradients: &'a Gradients) -> Self {
        assert!(
            gradients.is_empty() || gradients.tape_id() == self.tape.id(),
            "Trace::with_gradients: these Gradients were computed on another Tape"
        );
        self.gradients = Some(gradients);
        self
    }
}

impl fmt::Display for Trace<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.tape.read();
        let arena = &state.arena;
        let shown = match self.output {
            Some(output) => upstream(arena, state.position(output) as usize),
            None => vec![true; arena.len()],
        };
        let mut rows = vec![[
            "#".to_owned(),
            "name".to_owned(),
            "op".to_owned(),
            "operands".to_owned(),
            "value".to_owned(),
            if self.gradients.is_some() {
                "grad".to_owned()
            } else {
                String::new()
            },
        ]];
        for (position, _) in shown.iter().enumerate().filter(|(_, s)| **s) {
            let grad = self
                .gradients
                .and_then(|g| g.shown(self.tape, &state, position))
                .map_or_else(String::new, |g| Shortest(g).to_string());
            rows.push([
                position.to_string(),
                arena.name(position).unwrap_or("").to_owned(),
                arena.op(position).name().to_owned(),
                operands(arena, position),
                Shortest(arena.nodes[position].value).to_string(),
                grad,
            ]);
        }
        let mut widths = [0; 6];
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        for row in &rows {
            let mut line = String::new();
            for (column, (cell, width)) in row.iter().zip(widths).enumerate() {
                if column == 0 {
                    write!(line, "{cell:>width$}")?;
                } else {
                    write!(line, "  {cell:<width$}")?;
                }
            }
            writeln!(f, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

impl fmt::Debug for Trace<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Which positions up to `output` the output depends on (itself included).
pub(crate) fn upstream(nodes: &Arena, output: usize) -> Vec<bool> {
    let mut reached = vec![false; output + 1];
    reached[output] = true;
    for position in (0..=output).rev() {
        if reached[position] {
            for &parent in nodes.parents(position) {
                reached[parent as usize] = true;
            }
        }
    }
    reached
}

/// A node's operands as written: parents by name (or `#id`), scalar operands
/// in place, e.g. `1, x` for `1.0 - x`.
pub(crate) fn operands(nodes: &Arena, position: usize) -> String {
    let mut items: Vec<String> = nodes
        .parents(position)
        .iter()
        .map(|&p| match nodes.name(p as usize) {
            Some(name) => name.to_owned(),
            None => format!("#{p}"),
        })
        .collect();
    match nodes.op(position).scalar_operand() {
        Some((c, ScalarSide::Left)) => items.insert(0, Shortest(c).to_string()),
        Some((c, ScalarSide::Right)) => items.push(Shortest(c).to_string()),
        None => {}
    }
    items.join(", ")
}

/// A node as an expression, `op(operands)`, for one-line displays.
pub(crate) struct Expr<'n> {
    nodes: &'n Arena,
    position: usize,
}

impl<'n> Expr<'n> {
    pub(crate) fn new(nodes: &'n Arena, position: usize) -> Self {
        Expr { nodes, position }
    }
}

impl fmt::Display for Expr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = self.nodes.op(self.position);
        if op.is_leaf() {
            f.write_str(op.name())
        } else {
            write!(f, "{op}({})", operands(self.nodes, self.position))
        }
    }
}
