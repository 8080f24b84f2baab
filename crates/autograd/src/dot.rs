//! Graphviz DOT export: the subgraph upstream of an output, one box per node.

use std::fmt::{self, Write as _};

use crate::gradients::Gradients;
use crate::op::Op;
use crate::tape::State;
use crate::trace::{operands, upstream};
use crate::var::Var;

/// The subgraph upstream of an output as a Graphviz DOT digraph: one box per
/// node with its name, op, value and (given [`Gradients`]) its gradient;
/// an edge from each parent to its child; inputs, constants and the output
/// drawn apart. Node ids are tape positions, so the text is deterministic.
///
/// Made by [`Var::dot`]; render with `dot -Tsvg graph.dot -o graph.svg`.
///
/// # Examples
///
/// ```
/// use autograd::Tape;
///
/// let tape = Tape::new();
/// let x = tape.var_named("x", 2.0);
/// let y = (x * x).named("y");
/// let dot = y.dot().with_gradients(&y.backward()).to_string();
/// assert!(dot.starts_with("digraph"));
/// assert!(dot.contains("n0 -> n1"));
/// assert!(dot.contains("grad 4"));
/// ```
#[derive(Clone, Copy)]
pub struct Dot<'a> {
    output: Var<'a>,
    gradients: Option<&'a Gradients>,
}

impl<'a> Dot<'a> {
    pub(crate) fn new(output: Var<'a>) -> Self {
        Dot {
            output,
            gradients: None,
        }
    }

    /// Adds each node's gradient to its box.
    ///
    /// # Panics
    ///
    /// If the gradients were computed on another tape; when printed, if a
    /// leaf shown got a new value after they were computed (as
    /// [`Trace::with_gradients`](crate::Trace::with_gradients)).
    #[must_use]
    pub fn with_gradients(mut self, gradients: &'a Gradients) -> Self {
        assert!(
            gradients.is_empty() || gradients.tape_id() == self.output.tape.id(),
            "Dot::with_gradients: these Gradients were computed on another Tape"
        );
        self.gradients = Some(gradients);
        self
    }
}

/// A number as the picture shows it: up to 6 significant digits.
fn short(x: f64) -> String {
    crate::number::Short(x).to_string()
}

/// Escapes a label for a double-quoted DOT string.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

impl fmt::Display for Dot<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.output.tape.read();
        let nodes = &state.arena;
        let out = state.position(self.output) as usize;
        let shown = upstream(nodes, out);
        writeln!(f, "digraph autograd {{")?;
        // Top to bottom, parents in operand order: reads like the math.
        writeln!(f, "  rankdir=TB;")?;
        writeln!(f, "  ordering=out;")?;
        writeln!(f, "  nodesep=0.25;")?;
        writeln!(f, "  ranksep=0.35;")?;
        writeln!(
            f,
            "  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Helvetica\", fontsize=11];"
        )?;
        writeln!(f, "  edge [color=\"#555555\"];")?;
        for position in (0..=out).filter(|&p| shown[p]) {
            let label = self.label(&state, position);
            let op = nodes.op(position);
            let style = if position == out {
                ", fillcolor=\"#fde2b8\", penwidth=2"
            } else {
                match op {
                    Op::Var => ", fillcolor=\"#cfe8ff\"",
                    Op::Const => ", fillcolor=\"#eeeeee\", style=\"rounded,filled,dashed\"",
                    _ => "",
                }
            };
            writeln!(f, "  n{position} [label=\"{}\"{style}];", escape(&label))?;
        }
        for position in (0..=out).filter(|&p| shown[p]) {
            for &parent in nodes.parents(position) {
                writeln!(f, "  n{parent} -> n{position};")?;
            }
        }
        writeln!(f, "}}")
    }
}

impl Dot<'_> {
    /// `name\nop(operands)\nvalue v\ngrad g`, the name line only for a named node.
    fn label(&self, state: &State, position: usize) -> String {
        let nodes = &state.arena;
        let node = nodes.nodes[position];
        let op = nodes.op(position);
        let mut label = String::new();
        if let Some(name) = nodes.name(position) {
            let _ = writeln!(label, "{name}");
        }
        let _ = write!(label, "#{position} {}", op.name());
        if !op.is_leaf() {
            let _ = write!(label, "({})", operands(nodes, position));
        }
        let _ = write!(label, "\nvalue {}", short(node.value));
        if let Some(g) = self
            .gradients
            .and_then(|g| g.shown(self.output.tape, state, position))
        {
            let _ = write!(label, "\ngrad {}", short(g));
        }
        label
    }
}

impl fmt::Debug for Dot<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Tape;

    #[test]
    fn numbers_are_short_and_readable() {
        assert_eq!(short(0.593269992107187), "0.59327");
        assert_eq!(short(0.000438567734474), "0.000438568");
        assert_eq!(short(-0.019049118258278), "-0.0190491");
        assert_eq!(short(1.0), "1");
        assert_eq!(short(1234567.0), "1.23457e6");
        assert_eq!(short(3.5e-5), "3.50000e-5");
        assert_eq!(short(f64::INFINITY), "inf");
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }

    #[test]
    fn every_upstream_node_and_edge_appears_once() {
        let tape = Tape::new();
        let a = tape.var_named("a", 1.5);
        let b = tape.constant_named("b", 2.0);
        let _unrelated = tape.var(9.0);
        let c = (a * b + a).named("c\"quoted\"");
        let text = c.dot().with_gradients(&c.backward()).to_string();
        let boxes = text.lines().filter(|l| l.contains("[label=")).count();
        assert_eq!(boxes, 4); // a, b, a*b, c; not the unrelated var
        for edge in ["n0 -> n3", "n1 -> n3", "n3 -> n4", "n0 -> n4"] {
            assert_eq!(text.matches(edge).count(), 1, "{edge} in\n{text}");
        }
        assert!(text.contains("c\\\"quoted\\\""));
        assert!(!text.contains("n2 "));
    }
}
