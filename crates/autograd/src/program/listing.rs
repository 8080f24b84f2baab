//! A program as a numbered listing, each line naming the node of the
//! original graph it came from.

use std::fmt;

use super::Program;
use crate::number::Shortest;
use crate::op::{Code, ScalarSide};
use crate::tape::State;

/// Where each slot of a program came from: the node's position in the
/// recorded graph, and its name if it had one.
#[derive(Clone, Debug, Default)]
pub(super) struct Origins {
    /// Per slot (inputs, constants, instructions), the node's position.
    nodes: Vec<u32>,
    /// The slots whose nodes were named, with their names, by slot.
    names: Vec<(u32, Box<str>)>,
}

impl Origins {
    /// The inputs' origins.
    pub(super) fn new(state: &State, inputs: &[u32]) -> Self {
        let mut origins = Origins::default();
        for &position in inputs {
            origins.push(state, position);
        }
        origins
    }

    /// The next constant's.
    pub(super) fn constant(&mut self, state: &State, position: u32) {
        self.push(state, position);
    }

    /// The next instruction's.
    pub(super) fn instruction(&mut self, state: &State, position: u32) {
        self.push(state, position);
    }

    fn push(&mut self, state: &State, position: u32) {
        let slot = self.nodes.len() as u32;
        self.nodes.push(position);
        if let Some(name) = state.arena.name(position as usize) {
            self.names.push((slot, name.into()));
        }
    }

    fn name(&self, slot: u32) -> Option<&str> {
        self.names
            .binary_search_by_key(&slot, |(s, _)| *s)
            .ok()
            .map(|i| &*self.names[i].1)
    }

    /// `#5 `net_h1``, or `#5`.
    fn label(&self, slot: u32) -> String {
        let position = self.nodes[slot as usize];
        match self.name(slot) {
            Some(name) => format!("#{position} `{name}`"),
            None => format!("#{position}"),
        }
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

    /// Instruction `i` as written: `mul(x0, x1)`, `add_scalar(%3, 0.5)`.
    fn expression(&self, i: usize) -> String {
        let instruction = &self.instructions[i];
        let start = instruction.start as usize;
        let end = self
            .instructions
            .get(i + 1)
            .map_or(self.operands.len(), |next| next.start as usize);
        let mut items: Vec<String> = self.operands[start..end]
            .iter()
            .map(|operand| self.slot_name(operand.slot))
            .collect();
        let name = if instruction.code == Code::Custom {
            self.customs[instruction.scalar as usize].name()
        } else {
            let op = instruction.code.op(instruction.scalar);
            match op.scalar_operand() {
                Some((c, ScalarSide::Left)) => items.insert(0, Shortest(c).to_string()),
                Some((c, ScalarSide::Right)) => items.push(Shortest(c).to_string()),
                None => {}
            }
            op.name()
        };
        format!("{name}({})", items.join(", "))
    }
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
        for slot in 0..self.values.len() {
            let what = if slot < self.n_inputs {
                format!("input {slot}")
            } else if slot < first {
                Shortest(self.values[slot]).to_string()
            } else {
                self.expression(slot - first)
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
