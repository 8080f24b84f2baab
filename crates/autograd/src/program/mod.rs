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
/// (their values as recorded), and each remaining node becomes one
/// instruction, in recording order. Each instruction's local derivatives
/// are computed in the forward replay beside its value, so the reverse
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
    /// Every instruction's operands, concatenated: the slot each reads.
    operands: Vec<Operand>,
    /// Beside each operand, the local derivative the forward replay last
    /// computed for it.
    partials: Vec<Partial>,
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
    /// For listings: each input's, constant's and instruction's node in
    /// the original graph, and names of the named ones.
    origins: listing::Origins,
}

/// One instruction: an op of the engine's table on operand slots.
#[derive(Clone, Copy, Debug)]
struct Instruction {
    code: Code,
    /// Whether a gradient flows through it (as the node's `needs_grad`).
    needs_grad: bool,
    /// Its scalar operand, as the node kept it; a custom op's index.
    scalar: f64,
    /// Where its operands start in [`Program::operands`]; they end where
    /// the next instruction's start.
    start: u32,
}

/// One operand of an instruction.
#[derive(Clone, Copy, Debug)]
struct Operand {
    /// The slot read.
    slot: u32,
    /// Whether a gradient flows back to the slot (an input, or an
    /// instruction a gradient flows through); a constant's never does.
    needed: bool,
}

/// The derivative flowing back along one operand, as the forward replay
/// last found it.
#[derive(Clone, Copy, Debug)]
struct Partial {
    /// How the adjoint flows back.
    flow: Flow,
    /// The factor: the adjoint is multiplied or divided by it.
    factor: f64,
}

/// How an instruction's adjoint `g` flows to one operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

    /// The bytes its arrays hold: instructions, operands, and a value and
    /// an adjoint per slot.
    pub fn bytes(&self) -> usize {
        self.instructions.capacity() * size_of::<Instruction>()
            + self.operands.capacity() * size_of::<Operand>()
            + self.partials.capacity() * size_of::<Partial>()
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
        self.reverse();
        gradient.copy_from_slice(&self.adjoints[..self.n_inputs]);
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
