//! A program as a numbered listing, each line naming the node of the
//! original graph it came from.

use std::fmt;

use super::{Instruction, NEEDED, Program};
use crate::number::Shortest;
use crate::op::{Code, ScalarSide};
use crate::tape::State;

/// Where each slot of a program came from: the nodes of the recorded
/// graph it computes, and their names.
#[derive(Clone, Debug, Default)]
pub(super) struct Origins {
    /// Per slot (inputs, constants, instructions), where its nodes start in
    /// `nodes`; they end where the next slot's start.
    starts: Vec<u32>,
    /// The nodes' positions, slot by slot, a fused instruction's in
    /// recording order.
    nodes: Vec<u32>,
    /// The named nodes' names, by position.
    names: Vec<(u32, Box<str>)>,
}

impl Origins {
    /// The inputs' origins.
    pub(super) fn new(state: &State, inputs: &[u32]) -> Self {
        let mut origins = Origins::default();
        for &position in inputs {
            origins.push(state, &[position]);
        }
        origins
    }

    /// The next constant's: its node, or none for a factor that fusion
    /// added.
    pub(super) fn constant(&mut self, state: &State, node: Option<u32>) {
        match node {
            Some(position) => self.push(state, &[position]),
            None => self.push(state, &[]),
        }
    }

    /// The next instruction's nodes.
    pub(super) fn instruction(&mut self, state: &State, nodes: &[u32]) {
        self.push(state, nodes);
    }

    fn push(&mut self, state: &State, nodes: &[u32]) {
        self.starts.push(self.nodes.len() as u32);
        for &position in nodes {
            self.nodes.push(position);
            if let Some(name) = state.arena.name(position as usize) {
                let at = self.names.partition_point(|(p, _)| *p < position);
                if self.names.get(at).is_none_or(|(p, _)| *p != position) {
                    self.names.insert(at, (position, name.into()));
                }
            }
        }
    }

    /// `#5 `net_h1``, `#3 #4 #5 `net_h1`` for a fused instruction, or
    /// nothing for a factor fusion added.
    fn label(&self, slot: u32) -> String {
        let s = slot as usize;
        let start = self.starts[s] as usize;
        let end = self
            .starts
            .get(s + 1)
            .map_or(self.nodes.len(), |&e| e as usize);
        self.nodes[start..end]
            .iter()
            .map(
                |&position| match self.names.binary_search_by_key(&position, |(p, _)| *p) {
                    Ok(i) => format!("#{position} `{}`", self.names[i].1),
                    Err(_) => format!("#{position}"),
                },
            )
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Program {
    /// How a slot is written in a listing: `x0` for input 0, `c0` for the
    /// first constant, `%0` for the first instruction's result.
    fn slot_name(&self, slot: u32) -> String {
        let s = slot as usize;
        if s < self.n_inputs {
            format!("x{s}")
        } else if s < self.n_inputs + self.n_constants {
            format!("c{}", s - self.n_inputs)
        } else {
            format!("%{}", s - self.n_inputs - self.n_constants)
        }
    }

    /// An instruction as written, its operands starting at `operands` and
    /// its tail at `tail`: `mul(x0, x1)`, `add(mul(x0, 0.5), 1)`.
    fn expression(&self, instruction: &Instruction, operands: usize, tail: usize) -> String {
        let items: Vec<String> = self.operands[operands..operands + instruction.arity()]
            .iter()
            .map(|&operand| self.slot_name(operand & !NEEDED))
            .collect();
        let mut text = if instruction.code == Code::Custom {
            format!(
                "{}({})",
                self.customs[instruction.scalar as usize].name(),
                items.join(", ")
            )
        } else {
            applied(instruction.code, instruction.scalar, items)
        };
        for &(code, c) in &self.tails[tail..tail + usize::from(instruction.tail)] {
            text = applied(code, c, vec![text]);
        }
        if let Some(code) = instruction.post {
            text = applied(code, 0.0, vec![text]);
            let tail = tail + usize::from(instruction.tail);
            for &(code, c) in &self.tails[tail..tail + usize::from(instruction.post_tail)] {
                text = applied(code, c, vec![text]);
            }
        }
        text
    }
}

/// `op(operands)` with the op's scalar operand in place.
fn applied(code: Code, scalar: f64, mut items: Vec<String>) -> String {
    let op = code.op(scalar);
    match op.scalar_operand() {
        Some((c, ScalarSide::Left)) => items.insert(0, Shortest(c).to_string()),
        Some((c, ScalarSide::Right)) => items.push(Shortest(c).to_string()),
        None => {}
    }
    format!("{}({})", op.name(), items.join(", "))
}

/// A header, then one line per input, constant and instruction: the slot,
/// what it holds, and the node of the recorded graph it came from.
///
/// ```text
/// program: 2 inputs, 0 constants, 3 instructions; output %2
///   x0  input 0      #0 `x`
///   x1  input 1      #1 `y`
///   %0  mul(x0, x1)  #2
///   %1  sin(x0)      #3
///   %2  add(%0, %1)  #4 `f`
/// ```
impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize, what: &str| {
            if n == 1 {
                format!("1 {what}")
            } else {
                format!("{n} {what}s")
            }
        };
        writeln!(
            f,
            "program: {}, {}, {}; output {}",
            plural(self.n_inputs, "input"),
            plural(self.n_constants, "constant"),
            plural(self.instructions.len(), "instruction"),
            self.slot_name(self.output)
        )?;
        let first = self.n_inputs + self.n_constants;
        let mut rows: Vec<[String; 3]> = Vec::with_capacity(self.values.len());
        let (mut operands, mut tail) = (0, 0);
        for slot in 0..self.values.len() {
            let what = if slot < self.n_inputs {
                format!("input {slot}")
            } else if slot < first {
                Shortest(self.values[slot]).to_string()
            } else {
                let instruction = &self.instructions[slot - first];
                let text = self.expression(instruction, operands, tail);
                operands += instruction.width as usize;
                tail += instruction.steps();
                text
            };
            rows.push([
                self.slot_name(slot as u32),
                what,
                self.origins.label(slot as u32),
            ]);
        }
        let widths = [0, 1].map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0));
        for [slot, what, from] in rows {
            writeln!(
                f,
                "  {slot:<w0$}  {what:<w1$}  {from}",
                w0 = widths[0],
                w1 = widths[1]
            )?;
        }
        Ok(())
    }
}

impl fmt::Debug for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
