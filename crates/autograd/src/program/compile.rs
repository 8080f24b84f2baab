//! From a recorded graph to a [`Program`]: what the output needs, what is
//! constant, one instruction per remaining node.

use super::listing::Origins;
use super::{Flow, Instruction, Operand, Partial, Program};
use crate::op::Code;
use crate::tape::State;

/// What a node of the graph becomes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The output does not need it.
    Unused,
    /// Input number `k`.
    Input(u32),
    /// A constant: it depends on no input.
    Constant,
    /// An instruction: it depends on an input.
    Instruction,
}

/// Compiles the graph of `output` over the inputs at `inputs` (live
/// positions of `state`'s tape).
#[track_caller]
pub(super) fn compile(state: &State, inputs: &[u32], output: u32) -> Program {
    let arena = &state.arena;
    let end = output as usize + 1;
    let mut roles = vec![Role::Unused; end];
    for (k, &position) in inputs.iter().enumerate() {
        let p = position as usize;
        assert!(
            arena.nodes[p].code == Code::Var,
            "Tape::compile: input {k} is {}, not a leaf made by Tape::var; a program's \
             inputs are the leaves it is evaluated at",
            state.label(position)
        );
        if p < end {
            assert!(
                roles[p] == Role::Unused,
                "Tape::compile: {} is given twice as an input (inputs {} and {k})",
                state.label(position),
                inputs.iter().position(|&q| q == position).unwrap_or(k)
            );
            roles[p] = Role::Input(k as u32);
        } else {
            assert!(
                !inputs[..k].contains(&position),
                "Tape::compile: {} is given twice as an input",
                state.label(position)
            );
        }
    }

    // What the output needs, from the top down.
    let mut needed = vec![false; end];
    needed[output as usize] = true;
    for p in (0..end).rev() {
        if needed[p] && !matches!(roles[p], Role::Input(_)) {
            for &parent in arena.parents(p) {
                needed[parent as usize] = true;
            }
        }
    }
    // Which needed nodes depend on an input, from the bottom up.
    for p in 0..end {
        if !needed[p] || matches!(roles[p], Role::Input(_)) {
            continue;
        }
        let node = &arena.nodes[p];
        assert!(
            node.code != Code::Var,
            "Tape::compile: the output depends on {}, a var that is not among the inputs; \
             add it to the inputs, or record it with Tape::constant if it is fixed",
            state.label(p as u32)
        );
        let varies = arena
            .parents(p)
            .iter()
            .any(|&q| matches!(roles[q as usize], Role::Input(_) | Role::Instruction));
        roles[p] = if varies {
            Role::Instruction
        } else {
            Role::Constant
        };
    }

    // Slots: inputs, then constants an instruction reads (or the output),
    // then instructions in recording order.
    let n_inputs = inputs.len();
    let mut slots = vec![u32::MAX; end];
    for (p, role) in roles.iter().enumerate() {
        if let Role::Input(k) = *role {
            slots[p] = k;
        }
    }
    let mut reads_constant = vec![false; end];
    reads_constant[output as usize] = roles[output as usize] == Role::Constant;
    for p in 0..end {
        if roles[p] == Role::Instruction {
            for &q in arena.parents(p) {
                if roles[q as usize] == Role::Constant {
                    reads_constant[q as usize] = true;
                }
            }
        }
    }
    let mut values: Vec<f64> = vec![0.0; n_inputs];
    let mut origins = Origins::new(state, inputs);
    for p in 0..end {
        if reads_constant[p] {
            slots[p] = values.len() as u32;
            values.push(arena.nodes[p].value);
            origins.constant(state, p as u32);
        }
    }
    let n_constants = values.len() - n_inputs;

    let mut instructions = Vec::new();
    let mut operands = Vec::new();
    let mut customs = Vec::new();
    for p in 0..end {
        if roles[p] != Role::Instruction {
            continue;
        }
        let node = &arena.nodes[p];
        slots[p] = values.len() as u32;
        values.push(node.value);
        let scalar = if node.code == Code::Custom {
            customs.push(arena.custom(node).clone());
            (customs.len() - 1) as f64
        } else {
            node.scalar()
        };
        instructions.push(Instruction {
            code: node.code,
            needs_grad: node.needs_grad,
            scalar,
            start: operands.len() as u32,
        });
        for &q in arena.parents(p) {
            let parent = &arena.nodes[q as usize];
            // A gradient flows back to a parent that varies and needs one,
            // as the engine's sweep passes it only through such nodes.
            let needed = node.needs_grad
                && parent.needs_grad
                && matches!(roles[q as usize], Role::Input(_) | Role::Instruction);
            operands.push(Operand {
                slot: slots[q as usize],
                needed,
            });
        }
        origins.instruction(state, p as u32);
    }
    let adjoints = vec![0.0; values.len()];
    let partials = vec![
        Partial {
            flow: Flow::None,
            factor: 0.0,
        };
        operands.len()
    ];
    Program {
        n_inputs,
        n_constants,
        instructions,
        operands,
        partials,
        output: slots[output as usize],
        customs,
        values,
        adjoints,
        scratch: Vec::new(),
        origins,
    }
}
