//! Compiled programs: a recorded graph turned into a flat function of its
//! inputs, replayed at new inputs without recording (CppAD's ADFun).

mod compile;
mod listing;
mod run;

use crate::custom::CustomOp;
use crate::op::Code;
use crate::tape::Tape;
use crate::var::Var;

/// A recorded computation compiled into a flat program of its inputs, to
/// evaluate and differentiate again and again at new inputs without
/// recording: [`Program::value`], [`Program::gradient`] (the value with
/// it). Made by [`Tape::compile`].
///
/// Compiling keeps only what the output needs: nodes it does not depend on
/// are dropped, nodes that depend on no input are folded into constants
/// (their values as recorded), and the remaining nodes become instructions
/// in recording order, fused where that changes no bit: a sum of products
/// that nothing else reads becomes one `dot` (`w1 * x1 + w2 * x2`),
/// scalar steps (`+ c`, `* c`, `c - `, ...) run as the tail of the
/// instruction they follow (`0.999999 * x + 1e-6` is one instruction), and
/// a one-operand op on an instruction's result that nothing else reads
/// runs after it (a neuron, `sigmoid(w1 * x1 + w2 * x2 + b)`, is one
/// instruction).
/// Local derivatives that are constants are fixed when compiling; the rest
/// are computed in the forward replay beside the values, so the reverse
/// replay is one loop of multiply-adds over flat arrays, without a
/// dispatch on the op. After the first call neither allocates.
///
/// **Same bits as recording afresh.** Each value comes from the same rule
/// as the engine's, each contribution to an adjoint is formed and added in
/// the same order as [`Var::backward`] adds it, so a replay at any inputs
/// gives, bit for bit, the value and gradient that recording the same
/// operations at those inputs and sweeping would give.
///
/// **What a replay cannot see.** A program is the operations that were
/// recorded. If the code that recorded them branched on a value (`if
/// x.value() > 0.0 { ... }`), the program keeps the branch taken at the
/// recording's inputs: at inputs that would take the other branch, record
/// again. Ops that branch inside (`relu`, `abs`, `max`, ...) are fine: they
/// are evaluated afresh.
///
/// A program prints as a numbered listing ([`Program`]'s `Display`): each
/// instruction with the node of the original graph it came from.
///
/// # Examples
///
/// ```
/// use autograd::Tape;
///
/// let tape = Tape::new();
/// let (x, y) = (tape.var_named("x", 1.0), tape.var_named("y", 2.0));
/// let f = (x * y + x.sin()).named("f");
/// let mut program = tape.compile(&[x, y], f);
///
/// let mut gradient = [0.0; 2];
/// let value = program.gradient(&[0.5, 3.0], &mut gradient);
/// assert_eq!(value, 0.5 * 3.0 + 0.5f64.sin());
/// assert_eq!(gradient, [3.0 + 0.5f64.cos(), 0.5]);
///
/// // The same bits as recording at (0.5, 3.0) afresh:
/// let fresh = Tape::new();
/// let (x, y) = (fresh.var(0.5), fresh.var(3.0));
/// let f = x * y + x.sin();
/// let grads = f.backward();
/// assert_eq!((value, gradient), (f.value(), [grads.wrt(x), grads.wrt(y)]));
/// println!("{program}");
/// ```
#[derive(Clone)]
pub struct Program {
    /// How many inputs; their values sit in the first slots.
    n_inputs: usize,
    /// How many constants; they sit after the inputs, then one slot per
    /// instruction.
    n_constants: usize,
    instructions: Vec<Instruction>,
    /// The scalar steps fused onto instructions' results, in instruction
    /// order ([`Instruction::tail`] each).
    tails: Vec<(Code, f64)>,
    /// Every instruction's operands, concatenated in instruction order: the
    /// slot each reads, with [`NEEDED`] set where a gradient flows back.
    operands: Vec<u32>,
    /// Beside each operand, how the adjoint flows back along it
    /// ([`Flow`]) and by what factor: fixed when compiled for ops whose
    /// derivatives are constants, else written by each forward replay.
    flows: Vec<Flow>,
    factors: Vec<f64>,
    /// The slot of the output.
    output: u32,
    /// The custom ops instructions use, by [`Instruction::scalar`].
    customs: Vec<CustomOp>,
    /// Values of every slot: the inputs, the constants, the instructions'
    /// results.
    values: Vec<f64>,
    /// Adjoints of every slot, for the reverse replay.
    adjoints: Vec<f64>,
    /// Room for a custom op's operands and partials.
    scratch: Vec<f64>,
    /// For listings: the nodes of the original graph each slot came from,
    /// and their names.
    origins: listing::Origins,
}

/// Set in an operand's slot when a gradient flows back to it (an input, or
/// an instruction a gradient flows through; a constant's never does).
const NEEDED: u32 = 1 << 31;

/// One instruction: an op of the engine's table on operand slots, with
/// the scalar steps fused onto its result.
#[derive(Clone, Copy, Debug)]
struct Instruction {
    /// Its scalar operand, as the node kept it; a custom op's index.
    scalar: f64,
    /// How many entries of the operand arrays it takes: its operands, and
    /// one more for a post op (see [`Instruction::arity`]).
    width: u32,
    code: Code,
    /// Whether a gradient flows through it (as the node's `needs_grad`).
    needs_grad: bool,
    /// Whether its operands' factors were fixed when it was compiled, so a
    /// replay need not compute them.
    fixed: bool,
    /// Whether the fused steps flip the sign of its derivatives.
    negate: bool,
    /// How many scalar steps are fused onto its result.
    tail: u8,
    /// Which of the replay's paths runs it.
    kind: Kind,
    /// A one-operand op fused onto its result after the tail (the
    /// activation of a neuron: `sigmoid(w1 * x1 + w2 * x2 + b)`): its flow
    /// and factor sit in one more entry after the operands'.
    post: Option<Code>,
    /// How many scalar steps are fused onto the post op's result (after
    /// the instruction's tail in `tails`); each has derivative ±1.
    post_tail: u8,
    /// Whether the post op's tail flips the sign of its derivative.
    post_negate: bool,
    /// What runs after its op, for the replay to branch on once.
    finish: Finish,
}

/// What runs after an instruction's op.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Finish {
    /// Nothing.
    Nothing,
    /// One scalar step (W3's `+ b`).
    OneStep,
    /// Several steps, or a post op (with its steps).
    Rest,
}

impl Instruction {
    /// How many operands it reads.
    fn arity(&self) -> usize {
        self.width as usize - usize::from(self.post.is_some())
    }

    /// How many fused scalar steps it runs, its own and its post op's.
    fn steps(&self) -> usize {
        usize::from(self.tail) + usize::from(self.post_tail)
    }
}

/// How the replay runs an instruction, decided when compiling, so that
/// each pass branches once per instruction and the common shapes run
/// without slices of unknown length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// One operand and a scalar step whose factor was fixed when compiling
    /// (W3's `a * x + b`): only its value to compute.
    Step,
    /// One operand and a built-in op whose factor the replay computes
    /// (sigmoid, powi).
    Unary,
    /// `a·b + c·d` (a neuron of two inputs) that needs a gradient.
    Dot2,
    /// Any other product or dot that needs a gradient: its factors are its
    /// operands', pairwise swapped.
    Product,
    /// Everything else: the engine's rules through slices (sums, binary
    /// ops, custom ops, ops that need no gradient).
    General,
}

impl Kind {
    /// The path for an instruction of `code` on `arity` operands.
    fn of(code: Code, arity: usize, fixed: bool, needs_grad: bool) -> Kind {
        let product = needs_grad && matches!(code, Code::Mul | Code::Dot);
        match arity {
            1 if fixed && run::is_step(code) => Kind::Step,
            1 if code != Code::Custom => Kind::Unary,
            4 if product => Kind::Dot2,
            2.. if product => Kind::Product,
            _ => Kind::General,
        }
    }
}

/// How an instruction's adjoint `g` flows to one operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Flow {
    /// Nothing flows (a constant, or a rule that gives nothing here:
    /// relu below its kink).
    None,
    /// `g · factor`.
    Times,
    /// `g / factor`.
    Over,
}

impl Program {
    /// How many inputs it takes.
    pub fn n_inputs(&self) -> usize {
        self.n_inputs
    }

    /// How many instructions it runs.
    pub fn len(&self) -> usize {
        self.instructions.len()
    }

    /// Whether it runs no instruction (its output is an input or a
    /// constant).
    pub fn is_empty(&self) -> bool {
        self.instructions.is_empty()
    }

    /// The bytes its arrays hold: instructions and fused steps, operands
    /// with their factors, and a value and an adjoint per slot (not the
    /// listing's origins).
    pub fn bytes(&self) -> usize {
        self.instructions.capacity() * size_of::<Instruction>()
            + self.tails.capacity() * size_of::<(Code, f64)>()
            + self.operands.capacity() * size_of::<u32>()
            + self.flows.capacity() * size_of::<Flow>()
            + self.factors.capacity() * size_of::<f64>()
            + (self.values.capacity() + self.adjoints.capacity()) * size_of::<f64>()
    }

    /// The output at `inputs`.
    ///
    /// # Panics
    ///
    /// If `inputs` does not have one value per input.
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let x = tape.var(1.0);
    /// let mut square = tape.compile(&[x], x * x);
    /// assert_eq!(square.value(&[3.0]), 9.0);
    /// ```
    #[track_caller]
    pub fn value(&mut self, inputs: &[f64]) -> f64 {
        self.check_inputs(inputs.len(), "Program::value");
        self.forward::<false>(inputs);
        self.values[self.output as usize]
    }

    /// The output at `inputs`, with its gradient (one derivative per input,
    /// in order) written to `gradient`.
    ///
    /// # Panics
    ///
    /// If `inputs` or `gradient` does not have one value per input.
    #[track_caller]
    pub fn gradient(&mut self, inputs: &[f64], gradient: &mut [f64]) -> f64 {
        self.check_inputs(inputs.len(), "Program::gradient was given inputs:");
        self.check_inputs(gradient.len(), "Program::gradient was given a gradient:");
        self.forward::<true>(inputs);
        self.reverse(gradient);
        self.values[self.output as usize]
    }

    #[track_caller]
    fn check_inputs(&self, given: usize, context: &str) {
        assert!(
            given == self.n_inputs,
            "{context} {given} values for a program of {} inputs (in the order they were \
             given to Tape::compile)",
            self.n_inputs
        );
    }
}

impl Tape {
    /// Compiles the computation of `output` from `inputs` into a
    /// [`Program`], to evaluate and differentiate at other inputs without
    /// recording again.
    ///
    /// `inputs` are [`Tape::var`] leaves; every leaf `output` depends on
    /// must be one of them or a [`Tape::constant`]. Nodes that depend on no
    /// input are folded into constants with their recorded values.
    ///
    /// # Panics
    ///
    /// If an input is not a live [`Tape::var`] leaf of this tape or is
    /// given twice, `output` is not a live node of this tape, or `output`
    /// depends on a `var` that is not among `inputs` (the message names it:
    /// list it, or record it with [`Tape::constant`]).
    ///
    /// # Examples
    ///
    /// Newton's method on `x³ - 2`, recorded once:
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let x = tape.var(1.0);
    /// let mut f = tape.compile(&[x], x.powi(3) - 2.0);
    /// let (mut at, mut slope) = (1.0, [0.0]);
    /// for _ in 0..6 {
    ///     let value = f.gradient(&[at], &mut slope);
    ///     at -= value / slope[0];
    /// }
    /// assert!((at - 2f64.cbrt()).abs() < 1e-15);
    /// ```
    #[track_caller]
    pub fn compile<'t>(&'t self, inputs: &[Var<'t>], output: Var<'t>) -> Program {
        for &node in inputs.iter().chain([&output]) {
            self.check_same_tape(node, "Tape::compile was given");
        }
        let state = self.read();
        let inputs: Vec<u32> = inputs.iter().map(|&x| state.position(x)).collect();
        let output = state.position(output);
        compile::compile(&state, &inputs, output)
    }
}
