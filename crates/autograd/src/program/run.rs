//! Replaying a program: the forward pass computes each instruction's value
//! and local derivatives with the engine's rules; the reverse pass is a
//! loop of multiply-adds with no dispatch on the op.

use super::{Flow, Instruction, Operand, Partial, Program};
use crate::custom::CustomOp;
use crate::gradients::inline_common;
use crate::op::Code;
use crate::rules;

impl Program {
    /// Computes every slot's value at `inputs`, and with `PARTIALS` every
    /// operand's local derivative.
    pub(super) fn forward<const PARTIALS: bool>(&mut self, inputs: &[f64]) {
        self.values[..self.n_inputs].copy_from_slice(inputs);
        let first = self.n_inputs + self.n_constants;
        let n_operands = self.operands.len();
        for (i, instruction) in self.instructions.iter().enumerate() {
            let start = instruction.start as usize;
            let end = self
                .instructions
                .get(i + 1)
                .map_or(n_operands, |next| next.start as usize);
            let ops = &self.operands[start..end];
            let partials = &mut self.partials[start..end];
            let values = &self.values[..first + i];
            let read = |k: usize| values[ops[k].slot as usize];
            let y = if instruction.code == Code::Custom {
                custom::<PARTIALS>(
                    &self.customs[instruction.scalar as usize],
                    ops,
                    partials,
                    read,
                    &mut self.scratch,
                )
            } else {
                let step = |code, partials: &mut [Partial]| {
                    execute::<PARTIALS>(code, instruction, ops, partials, read)
                };
                inline_common!(
                    instruction.code,
                    step(partials),
                    execute_out_of_line::<PARTIALS>(instruction, ops, partials, &read)
                )
            };
            self.values[first + i] = y;
        }
    }

    /// Every slot's adjoint of the output, from the local derivatives of
    /// the last forward pass: each instruction from the last, its adjoint
    /// times (or over) each operand's factor added to the operand's, in the
    /// order the engine's sweep adds them.
    pub(super) fn reverse(&mut self) {
        let output = self.output as usize;
        self.adjoints.fill(0.0);
        self.adjoints[output] = 1.0;
        let first = self.n_inputs + self.n_constants;
        let mut end = self.operands.len();
        for (i, instruction) in self.instructions.iter().enumerate().rev() {
            let start = instruction.start as usize;
            let g = self.adjoints[first + i];
            // As the engine's sweep: nothing flows from a zero adjoint or a
            // node that needs no gradient.
            if g != 0.0 && instruction.needs_grad {
                for (operand, partial) in self.operands[start..end]
                    .iter()
                    .zip(&self.partials[start..end])
                {
                    let share = match partial.flow {
                        Flow::Times => g * partial.factor,
                        Flow::Over => g / partial.factor,
                        Flow::None => continue,
                    };
                    self.adjoints[operand.slot as usize] += share;
                }
            }
            end = start;
        }
    }
}

/// One instruction's value, and with `PARTIALS` its operands' partials.
#[inline(always)]
fn execute<const PARTIALS: bool>(
    code: Code,
    instruction: &Instruction,
    ops: &[Operand],
    partials: &mut [Partial],
    read: impl Fn(usize) -> f64,
) -> f64 {
    let arity = ops.len();
    let (y, kept) = rules::eval(code, instruction.scalar, arity, &read);
    if PARTIALS && instruction.needs_grad {
        for partial in partials.iter_mut() {
            partial.flow = Flow::None;
        }
        rules::vjp(
            code,
            kept,
            arity,
            &read,
            |k| ops[k].needed,
            || ops.iter().all(|op| op.needed),
            y,
            |k, rule: rules::Partial<f64>| {
                if ops[k].needed {
                    let (factor, divide) = rule.factor();
                    partials[k] = Partial {
                        flow: if divide { Flow::Over } else { Flow::Times },
                        factor,
                    };
                }
            },
        );
    }
    y
}

/// [`execute`] for the less common ops, out of the loop (see
/// `gradients::node_vjp_out_of_line`).
#[inline(never)]
#[cold]
fn execute_out_of_line<const PARTIALS: bool>(
    instruction: &Instruction,
    ops: &[Operand],
    partials: &mut [Partial],
    read: &impl Fn(usize) -> f64,
) -> f64 {
    execute::<PARTIALS>(instruction.code, instruction, ops, partials, read)
}

/// A custom op's value, and with `PARTIALS` its operands' partials, as the
/// engine's sweep takes them (the adjoint times each).
#[inline(never)]
fn custom<const PARTIALS: bool>(
    op: &CustomOp,
    ops: &[Operand],
    partials: &mut [Partial],
    read: impl Fn(usize) -> f64,
    scratch: &mut Vec<f64>,
) -> f64 {
    let arity = ops.len();
    scratch.clear();
    scratch.extend((0..arity).map(read));
    scratch.resize(2 * arity, 0.0);
    let (x, d) = scratch.split_at_mut(arity);
    let y = op.value_at(x);
    if PARTIALS {
        op.partials_into(x, y, d);
        for ((partial, operand), &factor) in partials.iter_mut().zip(ops).zip(&*d) {
            *partial = Partial {
                flow: if operand.needed {
                    Flow::Times
                } else {
                    Flow::None
                },
                factor,
            };
        }
    }
    y
}
