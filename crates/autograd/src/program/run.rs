//! Replaying a program: the forward pass computes each instruction's value
//! and local derivatives with the engine's rules; the reverse pass is a
//! loop of multiply-adds with no dispatch on the op.

use super::{Finish, Flow, Instruction, Kind, NEEDED, Program};
use crate::custom::CustomOp;
use crate::gradients::inline_common;
use crate::op::Code;
use crate::rules;

impl Program {
    /// Computes every slot's value at `inputs`, and with `PARTIALS` every
    /// operand's local derivative that is not fixed.
    pub(super) fn forward<const PARTIALS: bool>(&mut self, inputs: &[f64]) {
        let Program {
            n_inputs,
            n_constants,
            instructions,
            tails,
            operands,
            flows,
            factors,
            customs,
            values,
            scratch,
            ..
        } = self;
        // Slices, not vectors: their bounds stay in registers, where a
        // vector's would be read again after every store.
        let (operands, flows, factors) = (&operands[..], &mut flows[..], &mut factors[..]);
        let (tails, values) = (&tails[..], &mut values[..]);
        values[..*n_inputs].copy_from_slice(inputs);
        let first = *n_inputs + *n_constants;
        let (mut at, mut tail_at) = (0, 0);
        // The last result and its slot: a step that reads it takes it from
        // here, not through a store and a load it would wait on.
        let (mut last, mut last_slot) = (0.0, usize::MAX);
        for (i, instruction) in instructions.iter().enumerate() {
            // One operand's value, from the last result if it is that.
            let one = |values: &[f64]| {
                let slot = (operands[at] & !NEEDED) as usize;
                if slot == last_slot {
                    last
                } else {
                    values[slot]
                }
            };
            let mut y = match instruction.kind {
                Kind::Step => scalar_step(instruction.code, instruction.scalar, one(values)),
                Kind::Unary => {
                    // One-element slices, the value read once.
                    let x = one(values);
                    let ops = std::slice::from_ref(&operands[at]);
                    let out = (
                        std::slice::from_mut(&mut flows[at]),
                        std::slice::from_mut(&mut factors[at]),
                    );
                    let step = |code, (flows, factors): (&mut [Flow], &mut [f64])| {
                        execute::<PARTIALS>(code, instruction, ops, flows, factors, |_| x)
                    };
                    inline_common!(
                        instruction.code,
                        step(out),
                        execute_out_of_line::<PARTIALS>(instruction, ops, out.0, out.1, &|_| x)
                    )
                }
                Kind::Dot2 => dot2_and_factors(
                    four(operands, at),
                    four_mut(factors, at),
                    values,
                    instruction.negate,
                ),
                Kind::Product => dot_and_factors(
                    &operands[at..at + instruction.arity()],
                    &mut factors[at..at + instruction.arity()],
                    values,
                    instruction.negate,
                ),
                Kind::General => {
                    let n = instruction.arity();
                    let ops = &operands[at..at + n];
                    let flows = &mut flows[at..at + n];
                    let factors = &mut factors[at..at + n];
                    let known = &values[..first + i];
                    let read = |k: usize| known[(ops[k] & !NEEDED) as usize];
                    if instruction.code == Code::Custom {
                        custom::<PARTIALS>(
                            &customs[instruction.scalar as usize],
                            instruction,
                            ops,
                            flows,
                            factors,
                            read,
                            scratch,
                        )
                    } else {
                        let out = (flows, factors);
                        let step = |code, (flows, factors): (&mut [Flow], &mut [f64])| {
                            execute::<PARTIALS>(code, instruction, ops, flows, factors, read)
                        };
                        inline_common!(
                            instruction.code,
                            step(out),
                            execute_out_of_line::<PARTIALS>(instruction, ops, out.0, out.1, &read)
                        )
                    }
                }
            };
            match instruction.finish {
                Finish::Nothing => {}
                Finish::OneStep => {
                    let (code, c) = tails[tail_at];
                    y = scalar_step(code, c, y);
                    tail_at += 1;
                }
                Finish::Rest => {
                    let tail = usize::from(instruction.tail);
                    for &(code, c) in &tails[tail_at..tail_at + tail] {
                        y = scalar_step(code, c, y);
                    }
                    tail_at += tail;
                    if let Some(code) = instruction.post {
                        // The post op's entry, after the operands'.
                        let k = at + instruction.width as usize - 1;
                        y = post::<PARTIALS>(code, instruction, y, &mut flows[k], &mut factors[k]);
                        let tail = usize::from(instruction.post_tail);
                        for &(code, c) in &tails[tail_at..tail_at + tail] {
                            y = scalar_step(code, c, y);
                        }
                        tail_at += tail;
                    }
                }
            }
            values[first + i] = y;
            (last, last_slot) = (y, first + i);
            at += instruction.width as usize;
        }
    }

    /// Every input's adjoint of the output, into `gradient`, from the
    /// local derivatives of the last forward pass: each instruction from
    /// the last, its adjoint times (or over) each operand's factor added to
    /// the operand's, in the order the engine's sweep adds them.
    ///
    /// Adjoints are all 0 between calls: each instruction's is cleared once
    /// read, the inputs' once copied out, so no pass clears them.
    pub(super) fn reverse(&mut self, gradient: &mut [f64]) {
        let Program {
            n_inputs,
            n_constants,
            instructions,
            operands,
            flows,
            factors,
            adjoints,
            output,
            ..
        } = self;
        let first = *n_inputs + *n_constants;
        let (operands, flows, factors) = (&operands[..], &flows[..], &factors[..]);
        let adjoints = &mut adjoints[..];
        adjoints[*output as usize] = 1.0;
        let mut at = operands.len();
        // A one-operand instruction's share to the instruction right below
        // it is the last that slot receives before it is read (nothing in
        // between is left to add to it): kept here and added on reading, the
        // same addition in the same order, without the store and load a
        // chain would wait on. (With more operands, two could reach that
        // slot, and their order would matter.)
        let mut carried: Option<f64> = None;
        for (i, instruction) in instructions.iter().enumerate().rev() {
            at -= instruction.width as usize;
            let mut g = std::mem::take(&mut adjoints[first + i]);
            if let Some(share) = carried.take() {
                g += share;
            }
            // As the engine's sweep: nothing flows from a zero adjoint or a
            // node that needs no gradient.
            if g == 0.0 || !instruction.needs_grad {
                continue;
            }
            if instruction.post.is_some() {
                // The post op's share is the adjoint of the rest (its only
                // reader), which the sweep would skip at 0.
                let k = at + instruction.width as usize - 1;
                g = match flows[k] {
                    Flow::Times => g * factors[k],
                    Flow::Over => g / factors[k],
                    Flow::None => continue,
                };
                if g == 0.0 {
                    continue;
                }
            }
            let below = (first + i).wrapping_sub(1);
            match instruction.kind {
                Kind::Step | Kind::Unary => {
                    let slot = (operands[at] & !NEEDED) as usize;
                    let share = match flows[at] {
                        Flow::Times => g * factors[at],
                        Flow::Over => g / factors[at],
                        Flow::None => continue,
                    };
                    if i > 0 && slot == below {
                        carried = Some(share);
                    } else {
                        adjoints[slot] += share;
                    }
                }
                // A product's shares all flow as g times a factor, to the
                // operands that need one (its flows say no more; no fused
                // step scales a product, so none is fixed).
                Kind::Dot2 => {
                    debug_assert!(!instruction.fixed);
                    let (ops, factors) = (four(operands, at), four(factors, at));
                    for (&operand, &factor) in ops.iter().zip(factors) {
                        if operand & NEEDED != 0 {
                            adjoints[(operand & !NEEDED) as usize] += g * factor;
                        }
                    }
                }
                Kind::Product => {
                    debug_assert!(!instruction.fixed);
                    let n = instruction.arity();
                    let edges = operands[at..at + n].iter().zip(&factors[at..at + n]);
                    for (&operand, &factor) in edges {
                        if operand & NEEDED != 0 {
                            adjoints[(operand & !NEEDED) as usize] += g * factor;
                        }
                    }
                }
                Kind::General => {
                    let n = instruction.arity();
                    let edges = operands[at..at + n]
                        .iter()
                        .zip(&flows[at..at + n])
                        .zip(&factors[at..at + n]);
                    for ((&operand, &flow), &factor) in edges {
                        let slot = (operand & !NEEDED) as usize;
                        let share = match flow {
                            Flow::Times => g * factor,
                            Flow::Over => g / factor,
                            Flow::None => continue,
                        };
                        if n == 1 && i > 0 && slot == below {
                            carried = Some(share);
                        } else {
                            adjoints[slot] += share;
                        }
                    }
                }
            }
        }
        gradient.copy_from_slice(&adjoints[..*n_inputs]);
        adjoints[..*n_inputs].fill(0.0);
        // A constant output's seed (an instruction's was cleared above).
        adjoints[*output as usize] = 0.0;
    }
}

/// A post op's value on `x`, the result of the rest of `instruction`,
/// and with `PARTIALS` its flow and factor (with the sign of its tail), by
/// the engine's rules.
#[inline(always)]
fn post<const PARTIALS: bool>(
    code: Code,
    instruction: &Instruction,
    x: f64,
    flow: &mut Flow,
    factor: &mut f64,
) -> f64 {
    let rule = |code, (flow, factor): (&mut Flow, &mut f64)| {
        post_rule::<PARTIALS>(code, instruction, x, flow, factor)
    };
    inline_common!(
        code,
        rule((flow, factor)),
        post_out_of_line::<PARTIALS>(code, instruction, x, flow, factor)
    )
}

/// [`post`] for one code: a post op has no scalar operand, and its operand
/// (the rest of the instruction) needs a gradient where the instruction
/// does.
#[inline(always)]
fn post_rule<const PARTIALS: bool>(
    code: Code,
    instruction: &Instruction,
    x: f64,
    flow: &mut Flow,
    factor: &mut f64,
) -> f64 {
    let (y, kept) = rules::eval(code, 0.0, 1, |_| x);
    if PARTIALS && instruction.needs_grad {
        // A rule gives no share where the derivative is identically 0
        // (relu below its kink): nothing flows then.
        *flow = Flow::None;
        rules::vjp(
            code,
            kept,
            1,
            |_| x,
            |_| true,
            || true,
            y,
            |_, partial: rules::Partial<f64>| {
                let (f, divides) = partial.factor();
                *factor = if instruction.post_negate { -f } else { f };
                *flow = if divides { Flow::Over } else { Flow::Times };
            },
        );
    }
    y
}

/// [`post_rule`] for the less common ops, out of the loop.
#[inline(never)]
#[cold]
fn post_out_of_line<const PARTIALS: bool>(
    code: Code,
    instruction: &Instruction,
    x: f64,
    flow: &mut Flow,
    factor: &mut f64,
) -> f64 {
    post_rule::<PARTIALS>(code, instruction, x, flow, factor)
}

/// The four elements of `slice` from `at`.
#[inline(always)]
fn four<T>(slice: &[T], at: usize) -> &[T; 4] {
    slice[at..at + 4]
        .try_into()
        .expect("internal error: a slice of four is four")
}

/// The four elements of `slice` from `at`, to write.
#[inline(always)]
fn four_mut<T>(slice: &mut [T], at: usize) -> &mut [T; 4] {
    (&mut slice[at..at + 4])
        .try_into()
        .expect("internal error: a slice of four is four")
}

/// [`dot_and_factors`] for two pairs, without a loop: `a·b + c·d`, summed
/// as `rules::eval` sums a dot.
#[inline(always)]
fn dot2_and_factors(ops: &[u32; 4], factors: &mut [f64; 4], known: &[f64], negate: bool) -> f64 {
    let [a, b, c, d] = ops.map(|operand| known[(operand & !NEEDED) as usize]);
    let total = a * b + c * d;
    *factors = if negate {
        [-b, -a, -d, -c]
    } else {
        [b, a, d, c]
    };
    total
}

/// Whether `code` is a scalar step [`scalar_step`] computes.
pub(super) fn is_step(code: Code) -> bool {
    matches!(
        code,
        Code::AddScalar
            | Code::ScalarAdd
            | Code::SubScalar
            | Code::ScalarSub
            | Code::MulScalar
            | Code::ScalarMul
            | Code::DivScalar
            | Code::Neg
    )
}

/// A fused scalar step, as [`rules::eval`] computes it (the programs' tests
/// compare every replay with the recording, bit for bit).
#[inline(always)]
fn scalar_step(code: Code, c: f64, y: f64) -> f64 {
    match code {
        Code::AddScalar => y + c,
        Code::ScalarAdd => c + y,
        Code::SubScalar => y - c,
        Code::ScalarSub => c - y,
        Code::MulScalar => y * c,
        Code::ScalarMul => c * y,
        Code::DivScalar => y / c,
        Code::Neg => -y,
        // Compiling makes tails and `Kind::Step` of these codes only.
        _ => unreachable!("internal error: {code:?} is not a scalar step"),
    }
}

/// A dot product's value and its operands' factors in one pass, each
/// operand read once: the products summed in order, as `rules::eval` sums
/// them (the programs' tests compare every replay with the recording, bit
/// for bit), each operand's factor the other of its pair (negated with the
/// instruction's fused sign). Its flows were set when compiling.
#[inline(always)]
fn dot_and_factors(ops: &[u32], factors: &mut [f64], known: &[f64], negate: bool) -> f64 {
    let mut total = 0.0;
    let pairs = ops.chunks_exact(2).zip(factors.chunks_exact_mut(2));
    for (k, (pair, out)) in pairs.enumerate() {
        let a = known[(pair[0] & !NEEDED) as usize];
        let b = known[(pair[1] & !NEEDED) as usize];
        let product = a * b;
        total = if k == 0 { product } else { total + product };
        out[0] = b;
        out[1] = a;
    }
    if negate {
        factors.iter_mut().for_each(|factor| *factor = -*factor);
    }
    total
}

/// One instruction's value, and with `PARTIALS` its operands' flows and
/// factors unless they are fixed.
#[inline(always)]
fn execute<const PARTIALS: bool>(
    code: Code,
    instruction: &Instruction,
    ops: &[u32],
    flows: &mut [Flow],
    factors: &mut [f64],
    read: impl Fn(usize) -> f64,
) -> f64 {
    let arity = ops.len();
    let (y, kept) = rules::eval(code, instruction.scalar, arity, &read);
    if PARTIALS && instruction.needs_grad && matches!(code, Code::Mul | Code::Dot) {
        // Products: each factor's derivative is the other factor (the rule
        // `rules::vjp` gives for mul and dot, always `Times`, whose flows
        // were set when compiling); written here without the rule's
        // closures, as these are most of a network's operands.
        for pair in 0..arity / 2 {
            let (a, b) = (read(2 * pair), read(2 * pair + 1));
            let (a, b) = if instruction.negate { (-a, -b) } else { (a, b) };
            factors[2 * pair] = b;
            factors[2 * pair + 1] = a;
        }
        return y;
    }
    if PARTIALS && instruction.needs_grad && !instruction.fixed {
        // A rule gives no share where the derivative is identically 0
        // (relu below its kink), and nothing from an earlier replay may
        // stay behind there: up to 64 operands, a mask of those given one
        // says which to clear; past that, all are cleared first.
        let many = arity > 64;
        if many {
            flows.fill(Flow::None);
        }
        let mut given: u64 = 0;
        rules::vjp(
            code,
            kept,
            arity,
            &read,
            |k| ops[k] & NEEDED != 0,
            || ops.iter().all(|&o| o & NEEDED != 0),
            y,
            |k, partial: rules::Partial<f64>| {
                if ops[k] & NEEDED != 0 {
                    let (factor, divides) = partial.factor();
                    factors[k] = if instruction.negate { -factor } else { factor };
                    flows[k] = if divides { Flow::Over } else { Flow::Times };
                    given |= 1 << (k % 64);
                }
            },
        );
        if !many && given.count_ones() as usize != arity {
            for (k, flow) in flows.iter_mut().enumerate() {
                if given & (1 << k) == 0 {
                    *flow = Flow::None;
                }
            }
        }
    }
    y
}

/// [`execute`] for the less common ops, out of the loop (see
/// `gradients::node_vjp_out_of_line`).
#[inline(never)]
#[cold]
fn execute_out_of_line<const PARTIALS: bool>(
    instruction: &Instruction,
    ops: &[u32],
    flows: &mut [Flow],
    factors: &mut [f64],
    read: &impl Fn(usize) -> f64,
) -> f64 {
    execute::<PARTIALS>(instruction.code, instruction, ops, flows, factors, read)
}

/// A custom op's value, and with `PARTIALS` its operands' factors, as the
/// engine's sweep takes them (the adjoint times each).
#[inline(never)]
fn custom<const PARTIALS: bool>(
    op: &CustomOp,
    instruction: &Instruction,
    ops: &[u32],
    flows: &mut [Flow],
    factors: &mut [f64],
    read: impl Fn(usize) -> f64,
    scratch: &mut Vec<f64>,
) -> f64 {
    let arity = ops.len();
    scratch.clear();
    scratch.extend((0..arity).map(read));
    scratch.resize(2 * arity, 0.0);
    let (x, d) = scratch.split_at_mut(arity);
    let y = op.value_at(x);
    if PARTIALS && instruction.needs_grad {
        op.partials_into(x, y, d);
        for k in 0..arity {
            let needed = ops[k] & NEEDED != 0;
            flows[k] = if needed { Flow::Times } else { Flow::None };
            factors[k] = if instruction.negate { -d[k] } else { d[k] };
        }
    }
    y
}
