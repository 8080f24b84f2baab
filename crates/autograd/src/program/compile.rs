//! From a recorded graph to a [`Program`]: what the output needs, what is
//! constant, one draft instruction per remaining node, then fusion:
//!
//! - a sum of products whose products feed nothing else becomes one `dot`
//!   (`w1 * x1 + w2 * x2` is three nodes, one instruction);
//! - scalar steps on an instruction's result that nothing else reads
//!   (`+ c`, `- c`, `c - `, `-`, `* c`, `/ c`) run as its tail
//!   (`0.999999 * x + 1e-6` is one instruction);
//! - a one-operand op on such a result (`sigmoid`, `tanh`, `exp`, ...)
//!   runs after the tail as the instruction's post op, with a tail of its
//!   own of ±1 steps (`0.01 - sigmoid(w5 * h1 + w6 * h2 + 0.6)` is one
//!   instruction): the replay turns the adjoint into the post op's share
//!   first, as the engine's sweep passes it down, then into the operands'.
//!
//! Fusion never changes a bit. Values are computed by the same rules in
//! the same order. Each operand's share of the adjoint is the engine's:
//! a fused step either has derivative ±1 (`g · ±1` is exact) or is the one
//! non-unit factor on a group whose other derivatives are ±1, so the share
//! is the same one product or quotient. And the shares reach each slot in
//! the engine's order: a tail's group adds its shares where its first
//! instruction did; a `dot` fuses only products recorded right before its
//! sum, so nothing adds to any slot in between, and not when its operands
//! repeat a slot (whose two shares would be added in another order).

use std::collections::HashMap;

use smallvec::SmallVec;

use super::listing::Origins;
use super::{Finish, Flow, Instruction, Kind, NEEDED, Program};
use crate::op::Code;
use crate::rules;
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
    /// Draft instruction number `k`: it depends on an input.
    Instruction(u32),
}

/// An operand of a draft instruction.
#[derive(Clone, Copy, PartialEq)]
enum Ref {
    Input(u32),
    /// A constant's value, and the node it came from (none for a factor
    /// of 1 that fusion adds).
    Constant(f64, Option<u32>),
    /// Draft instruction number `k`'s result.
    Draft(u32),
}

/// An instruction before slots are given out.
struct Draft {
    code: Code,
    scalar: f64,
    operands: SmallVec<[Ref; 4]>,
    needs_grad: bool,
    tail: SmallVec<[(Code, f64); 2]>,
    negate: bool,
    /// The one non-unit factor of the tail, `(c, divides)`.
    scale: Option<(f64, bool)>,
    /// A one-operand op fused after the tail, and the ±1 steps fused after
    /// it, with whether they flip the sign.
    post: Option<Code>,
    post_tail: SmallVec<[(Code, f64); 2]>,
    post_negate: bool,
    /// The nodes it computes, the result last.
    nodes: SmallVec<[u32; 4]>,
    /// How many draft operands read its result.
    consumers: u32,
    /// Fused into another draft.
    gone: bool,
}

/// Ops whose derivative with respect to every operand is ±1.
fn unit_partials(code: Code) -> bool {
    matches!(
        code,
        Code::Add
            | Code::Sub
            | Code::AddScalar
            | Code::ScalarAdd
            | Code::SubScalar
            | Code::ScalarSub
            | Code::Neg
            | Code::Sum
    )
}

/// Ops whose derivatives depend on no value, so a program fixes them once.
fn fixed_partials(code: Code) -> bool {
    unit_partials(code)
        || matches!(
            code,
            Code::MulScalar | Code::ScalarMul | Code::DivScalar | Code::Mean
        )
}

/// A scalar step's effect on the derivative: `None` for ±1 (with whether
/// it flips the sign), else the factor and whether it divides.
fn step_factor(code: Code, c: f64) -> Option<Result<bool, (f64, bool)>> {
    match code {
        Code::AddScalar | Code::ScalarAdd | Code::SubScalar => Some(Ok(false)),
        Code::ScalarSub | Code::Neg => Some(Ok(true)),
        Code::MulScalar | Code::ScalarMul => Some(Err((c, false))),
        Code::DivScalar => Some(Err((c, true))),
        _ => None,
    }
}

/// Compiles the graph of `output` over the inputs at `inputs` (live
/// positions of `state`'s tape).
#[track_caller]
pub(super) fn compile(state: &State, inputs: &[u32], output: u32) -> Program {
    let arena = &state.arena;
    let end = output as usize + 1;
    let mut roles = vec![Role::Unused; end];
    let mut seen: HashMap<u32, usize> = HashMap::with_capacity(inputs.len());
    for (k, &position) in inputs.iter().enumerate() {
        let p = position as usize;
        assert!(
            arena.nodes[p].code == Code::Var,
            "Tape::compile: input {k} is {}, not a leaf made by Tape::var; a program's \
             inputs are the leaves it is evaluated at",
            state.label(position)
        );
        if let Some(first) = seen.insert(position, k) {
            panic!(
                "Tape::compile: {} is given twice as an input (inputs {first} and {k})",
                state.label(position)
            );
        }
        if p < end {
            roles[p] = Role::Input(k as u32);
        }
    }
    assert!(
        inputs.len() < NEEDED as usize,
        "Tape::compile: too many inputs"
    );

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

    // One draft per needed node that depends on an input, bottom up.
    let mut drafts: Vec<Draft> = Vec::with_capacity(needed.iter().filter(|&&n| n).count());
    let reference = |roles: &[Role], q: u32| match roles[q as usize] {
        Role::Input(k) => Ref::Input(k),
        Role::Instruction(k) => Ref::Draft(k),
        Role::Constant | Role::Unused => Ref::Constant(arena.nodes[q as usize].value, Some(q)),
    };
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
        let parents = arena.parents(p);
        let varies = parents
            .iter()
            .any(|&q| matches!(roles[q as usize], Role::Input(_) | Role::Instruction(_)));
        if !varies {
            roles[p] = Role::Constant;
            continue;
        }
        let operands: SmallVec<[Ref; 4]> = parents.iter().map(|&q| reference(&roles, q)).collect();
        for operand in &operands {
            if let Ref::Draft(k) = *operand {
                drafts[k as usize].consumers += 1;
            }
        }
        roles[p] = Role::Instruction(drafts.len() as u32);
        drafts.push(Draft {
            code: node.code,
            scalar: node.scalar(),
            operands,
            needs_grad: node.needs_grad,
            tail: SmallVec::new(),
            negate: false,
            scale: None,
            post: None,
            post_tail: SmallVec::new(),
            post_negate: false,
            nodes: SmallVec::from_slice(&[p as u32]),
            consumers: 0,
            gone: false,
        });
    }
    let output_draft = match roles[output as usize] {
        Role::Instruction(k) => Some(k),
        _ => None,
    };
    fuse_dots(&mut drafts, output_draft);
    let group_of = fuse_tails(&mut drafts, output_draft);
    assemble(state, inputs, output, &roles, &drafts, &group_of)
}

/// Whether draft `k` can disappear into the draft right after it: it is
/// not the output, only that draft reads it, and nothing was fused into it.
fn absorbable(drafts: &[Draft], k: u32, output: Option<u32>) -> bool {
    let draft = &drafts[k as usize];
    Some(k) != output
        && draft.consumers == 1
        && !draft.gone
        && draft.tail.is_empty()
        && draft.post.is_none()
}

/// Sums (and adds) of products that nothing else reads, the products
/// recorded right before the sum, become one `dot`; so does a sum whose
/// first term is such a `dot` (`tape.dot(w, x) + b`), whose pairs then come
/// first, as its partial sum came first.
fn fuse_dots(drafts: &mut [Draft], output: Option<u32>) {
    for a in 0..drafts.len() {
        let draft = &drafts[a];
        if !matches!(draft.code, Code::Add | Code::Sum) || draft.operands.is_empty() {
            continue;
        }
        // What it absorbs: each product it reads that only it reads, and a
        // dot in first place.
        let absorbs = |position: usize, k: u32| {
            let code = drafts[k as usize].code;
            absorbable(drafts, k, output)
                && (matches!(code, Code::Mul | Code::MulScalar | Code::ScalarMul)
                    || (position == 0 && code == Code::Dot))
        };
        let mut absorbed: Vec<u32> = draft
            .operands
            .iter()
            .enumerate()
            .filter_map(|(position, r)| match *r {
                Ref::Draft(k) if absorbs(position, k) => Some(k),
                _ => None,
            })
            .collect();
        // They must be the drafts right before it, so that nothing adds to
        // an adjoint between their shares in the engine's sweep.
        let n = absorbed.len();
        absorbed.sort_unstable();
        absorbed.dedup();
        let consecutive = n > 0
            && n <= a
            && absorbed.len() == n
            && absorbed[0] as usize == a - n
            && absorbed[n - 1] as usize == a - 1;
        if !consecutive {
            continue;
        }
        // One operand pair per term: a product's factors, a dot's pairs, or
        // term × 1.
        let mut operands: SmallVec<[Ref; 4]> = SmallVec::new();
        for r in &drafts[a].operands {
            match *r {
                Ref::Draft(k) if absorbed.binary_search(&k).is_ok() => {
                    let inner = &drafts[k as usize];
                    match inner.code {
                        Code::Mul | Code::Dot => operands.extend(inner.operands.iter().copied()),
                        Code::MulScalar | Code::ScalarMul => {
                            operands.push(inner.operands[0]);
                            operands.push(Ref::Constant(inner.scalar, None));
                        }
                        _ => unreachable!("internal error: only products fuse into a dot"),
                    }
                }
                other => {
                    operands.push(other);
                    operands.push(Ref::Constant(1.0, None));
                }
            }
        }
        // Each slot that receives a share must receive one only, so that the
        // order of the shares inside the instruction does not matter.
        let mut varying: Vec<(u8, u32)> = operands
            .iter()
            .filter_map(|r| match *r {
                Ref::Input(k) => Some((0, k)),
                Ref::Draft(k) => Some((1, k)),
                Ref::Constant(..) => None,
            })
            .collect();
        let count = varying.len();
        varying.sort_unstable();
        varying.dedup();
        if varying.len() != count {
            continue;
        }
        let mut nodes: SmallVec<[u32; 4]> = SmallVec::new();
        for &k in &absorbed {
            nodes.extend(drafts[k as usize].nodes.iter().copied());
            drafts[k as usize].gone = true;
        }
        nodes.extend(drafts[a].nodes.iter().copied());
        let draft = &mut drafts[a];
        draft.code = Code::Dot;
        draft.scalar = 0.0;
        draft.operands = operands;
        draft.nodes = nodes;
    }
}

/// Scalar steps on the result of an instruction that only they read run
/// as its tail, where the derivative stays one exact product (see the
/// module docs). The group takes the instruction's place: its shares to
/// its operands are added where the instruction's were, and nothing
/// recorded between the instruction and the step can read the step.
/// Returns, per draft, the draft whose result is its value.
fn fuse_tails(drafts: &mut [Draft], output: Option<u32>) -> Vec<u32> {
    let mut group_of: Vec<u32> = (0..drafts.len() as u32).collect();
    for t in 0..drafts.len() {
        if drafts[t].gone {
            continue;
        }
        if let Some(base) = fuse_tail(drafts, &group_of, t, output)
            .or_else(|| fuse_post(drafts, &group_of, t, output))
        {
            group_of[t] = base as u32;
        }
    }
    group_of
}

/// Fuses draft `t` onto the group that computes its operand, if it is a
/// scalar step that keeps every share exact; returns the group.
fn fuse_tail(
    drafts: &mut [Draft],
    group_of: &[u32],
    t: usize,
    output: Option<u32>,
) -> Option<usize> {
    let step = &drafts[t];
    let factor = step_factor(step.code, step.scalar)?;
    let Ref::Draft(b) = step.operands[0] else {
        return None;
    };
    let base = group_of[b as usize] as usize;
    let group = &drafts[base];
    let tail = if group.post.is_some() {
        &group.post_tail
    } else {
        &group.tail
    };
    if Some(b) == output
        || group.consumers != 1
        || group.needs_grad != step.needs_grad
        || tail.len() == usize::from(u8::MAX)
    {
        return None;
    }
    let (code, scalar, node, consumers) = (step.code, step.scalar, step.nodes[0], step.consumers);
    if group.post.is_some() {
        // After a post op, whose derivative is not ±1, only ±1 steps keep
        // the share one product.
        let Ok(flip) = factor else {
            return None;
        };
        let group = &mut drafts[base];
        group.post_tail.push((code, scalar));
        group.post_negate ^= flip;
        group.nodes.push(node);
        group.consumers = consumers;
        drafts[t].gone = true;
        return Some(base);
    }
    let (negate, scale) = match factor {
        Ok(flip) => (group.negate ^ flip, group.scale),
        Err((c, divides)) => {
            let exact = c.is_finite() && c != 0.0;
            if !exact || group.scale.is_some() || !unit_partials(group.code) {
                return None;
            }
            (group.negate, Some((c, divides)))
        }
    };
    let group = &mut drafts[base];
    group.tail.push((code, scalar));
    group.negate = negate;
    group.scale = scale;
    group.nodes.push(node);
    group.consumers = consumers;
    drafts[t].gone = true;
    Some(base)
}

/// One-operand ops a group can run after its tail: built-in functions of
/// one operand with no scalar operand, whose value and factor a replay
/// computes (not `detach`, which passes no gradient).
fn post_op(code: Code) -> bool {
    code.is_plain_function() && code.passes_gradient()
}

/// Fuses draft `t` onto the group that computes its operand as the
/// group's post op, if it is one and only it reads that group; returns
/// the group. The engine's sweep passes the adjoint of `t` to the group
/// as one share (`g · f` or `g / f`, `f` its factor), and the group has
/// no other consumer, so the replay forms that share and goes on with it
/// as the group's adjoint: the same bits, the group skipped where the
/// share is 0 as the sweep skips a node whose adjoint is 0.
fn fuse_post(
    drafts: &mut [Draft],
    group_of: &[u32],
    t: usize,
    output: Option<u32>,
) -> Option<usize> {
    let step = &drafts[t];
    if !post_op(step.code) || step.operands.len() != 1 {
        return None;
    }
    let Ref::Draft(b) = step.operands[0] else {
        return None;
    };
    let base = group_of[b as usize] as usize;
    let group = &drafts[base];
    if Some(b) == output
        || group.consumers != 1
        || group.needs_grad != step.needs_grad
        || group.post.is_some()
    {
        return None;
    }
    let (code, node, consumers) = (step.code, step.nodes[0], step.consumers);
    let group = &mut drafts[base];
    group.post = Some(code);
    group.nodes.push(node);
    group.consumers = consumers;
    drafts[t].gone = true;
    Some(base)
}

/// Gives out slots and lays the drafts out as a program.
fn assemble(
    state: &State,
    inputs: &[u32],
    output: u32,
    roles: &[Role],
    drafts: &[Draft],
    group_of: &[u32],
) -> Program {
    let arena = &state.arena;
    let n_inputs = inputs.len();
    let mut values: Vec<f64> = vec![0.0; n_inputs];
    let mut origins = Origins::new(state, inputs);
    // Constants: every one an instruction reads (or the output), once per
    // node it came from; a fused factor of 1 once.
    let mut constant_slots: HashMap<(Option<u32>, u64), u32> = HashMap::new();
    let mut constant =
        |value: f64, node: Option<u32>, values: &mut Vec<f64>, origins: &mut Origins| {
            // A node's constant once; a factor fusion added, once per value.
            let key = (node, if node.is_some() { 0 } else { value.to_bits() });
            *constant_slots.entry(key).or_insert_with(|| {
                values.push(value);
                origins.constant(state, node);
                (values.len() - 1) as u32
            })
        };
    let live: Vec<usize> = (0..drafts.len()).filter(|&k| !drafts[k].gone).collect();
    let mut operand_slots: Vec<SmallVec<[u32; 4]>> = Vec::with_capacity(live.len());
    for &k in &live {
        let slots = drafts[k]
            .operands
            .iter()
            .map(|r| match *r {
                Ref::Constant(value, node) => constant(value, node, &mut values, &mut origins),
                _ => u32::MAX,
            })
            .collect();
        operand_slots.push(slots);
    }
    let output_constant = match roles[output as usize] {
        Role::Constant => Some(constant(
            arena.nodes[output as usize].value,
            Some(output),
            &mut values,
            &mut origins,
        )),
        _ => None,
    };
    let n_constants = values.len() - n_inputs;
    // Instruction slots, in order.
    let first = values.len() as u32;
    let mut slot_of_draft = vec![u32::MAX; drafts.len()];
    for (i, &k) in live.iter().enumerate() {
        slot_of_draft[k] = first + i as u32;
    }
    let slot = |r: Ref| match r {
        Ref::Input(k) => k,
        Ref::Draft(k) => slot_of_draft[group_of[k as usize] as usize],
        Ref::Constant(..) => u32::MAX,
    };

    let mut instructions = Vec::with_capacity(live.len());
    let mut tails = Vec::new();
    let mut operands = Vec::new();
    let mut flows = Vec::new();
    let mut factors = Vec::new();
    let mut customs = Vec::new();
    for (i, &k) in live.iter().enumerate() {
        let draft = &drafts[k];
        let result = *draft.nodes.last().expect("a draft computes a node");
        values.push(arena.nodes[result as usize].value);
        origins.instruction(state, &draft.nodes);
        let scalar = if draft.code == Code::Custom {
            customs.push(arena.custom(&arena.nodes[draft.nodes[0] as usize]).clone());
            (customs.len() - 1) as f64
        } else {
            draft.scalar
        };
        let start = operands.len();
        for (r, &constant_slot) in draft.operands.iter().zip(&operand_slots[i]) {
            // A gradient flows back to an operand that varies and needs one,
            // as the engine's sweep passes it only through such nodes.
            let needs = draft.needs_grad
                && match *r {
                    Ref::Input(_) => true,
                    Ref::Draft(d) => drafts[group_of[d as usize] as usize].needs_grad,
                    Ref::Constant(..) => false,
                };
            let s = match r {
                Ref::Constant(..) => constant_slot,
                _ => slot(*r),
            };
            operands.push(s | if needs { NEEDED } else { 0 });
            flows.push(Flow::None);
            factors.push(0.0);
        }
        if matches!(draft.code, Code::Mul | Code::Dot) && draft.needs_grad {
            // A product's share always flows as g times the other factor;
            // the replay writes only the factors.
            for k in start..operands.len() {
                if operands[k] & NEEDED != 0 {
                    flows[k] = Flow::Times;
                }
            }
        }
        let fixed = draft.scale.is_some() || fixed_partials(draft.code);
        if fixed && draft.needs_grad {
            fix_partials(
                draft,
                &operands[start..],
                &mut flows[start..],
                &mut factors[start..],
            );
        }
        if draft.post.is_some() {
            // The post op's entry: its flow and factor, written by each
            // forward replay (the slot is the instruction's own).
            operands.push(first + i as u32);
            flows.push(Flow::None);
            factors.push(0.0);
        }
        tails.extend(draft.tail.iter().copied());
        tails.extend(draft.post_tail.iter().copied());
        instructions.push(Instruction {
            scalar,
            width: (draft.operands.len() + usize::from(draft.post.is_some())) as u32,
            code: draft.code,
            needs_grad: draft.needs_grad,
            fixed,
            negate: draft.negate,
            tail: u8::try_from(draft.tail.len()).expect("tails stop at 255 steps"),
            kind: Kind::of(draft.code, draft.operands.len(), fixed, draft.needs_grad),
            post: draft.post,
            post_tail: u8::try_from(draft.post_tail.len()).expect("tails stop at 255 steps"),
            post_negate: draft.post_negate,
            finish: match (draft.tail.len(), draft.post) {
                (0, None) => Finish::Nothing,
                (1, None) => Finish::OneStep,
                _ => Finish::Rest,
            },
        });
    }
    let output_slot = match roles[output as usize] {
        Role::Input(k) => k,
        Role::Instruction(k) => slot_of_draft[group_of[k as usize] as usize],
        _ => output_constant.expect("a constant output has a slot"),
    };
    assert!(
        values.len() < NEEDED as usize,
        "Tape::compile: a program holds fewer than 2^31 slots (inputs, constants and \
         instructions); this one needs {}",
        values.len()
    );
    let adjoints = vec![0.0; values.len()];
    Program {
        n_inputs,
        n_constants,
        instructions,
        tails,
        operands,
        flows,
        factors,
        output: output_slot,
        customs,
        values,
        adjoints,
        scratch: Vec::new(),
        origins,
    }
}

/// The factors of an instruction whose derivatives are constants, with
/// its tail's sign and scale.
fn fix_partials(draft: &Draft, operands: &[u32], flows: &mut [Flow], factors: &mut [f64]) {
    let arity = draft.operands.len();
    rules::vjp(
        draft.code,
        draft.scalar,
        arity,
        // These rules read no value.
        |_| f64::NAN,
        |k| operands[k] & NEEDED != 0,
        || operands.iter().all(|&o| o & NEEDED != 0),
        f64::NAN,
        |k, partial| {
            if operands[k] & NEEDED == 0 {
                return;
            }
            let (mut factor, mut divides) = partial.factor();
            if let Some((c, over)) = draft.scale {
                // The base's derivative is ±1: the share is g times or over
                // ±c.
                factor *= c;
                divides = over;
            }
            if draft.negate {
                factor = -factor;
            }
            flows[k] = if divides { Flow::Over } else { Flow::Times };
            factors[k] = factor;
        },
    );
}
