//! Random expression graphs for property tests: DAGs over every op of the
//! engine, with shared subexpressions, n-ary sums, and constants mixed with
//! variables, each op fed only points where it is smooth.
//!
//! A graph's `Debug` is the Rust that rebuilds it, each step commented with
//! its math, so a shrunk failure pastes straight into a regression test.

use std::fmt;

use autograd::{Call, CustomOp, Primitive, Tape, Var};
use proptest::prelude::*;

/// Ops with one node operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unary {
    Neg,
    Exp,
    Ln,
    Sqrt,
    Sigmoid,
    Tanh,
    Relu,
}

/// Ops with two node operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Binary {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

/// Ops with a node operand and a scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScalarOp {
    /// `x + c`
    AddScalar,
    /// `c + x`
    ScalarAdd,
    /// `x - c`
    SubScalar,
    /// `c - x`
    ScalarSub,
    /// `x * c`
    MulScalar,
    /// `c * x`
    ScalarMul,
    /// `x / c`
    DivScalar,
    /// `c / x`
    ScalarDiv,
    /// `x.powf(c)`
    Powf,
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Unary(Unary, usize),
    Binary(Binary, usize, usize),
    Scalar(ScalarOp, usize, f64),
    Powi(usize, i32),
    Sum(Vec<usize>),
    Dot(Vec<(usize, usize)>),
    /// A function of the engine's table or a custom op of [`custom_ops`],
    /// by name, with its operands and parameter: how every function is
    /// covered without a case of its own.
    Call(&'static str, Vec<usize>, Option<f64>),
}

/// Custom ops, smooth everywhere and with graph derivatives, so that every
/// property (second derivatives included) runs through them: the Gaussian
/// `e^(-x²)` and the smooth maximum `ln(eᵃ + eᵇ)`.
pub(crate) fn custom_ops() -> Vec<CustomOp> {
    let gauss = CustomOp::unary("gauss", |x| (-x * x).exp(), |x, y| -2.0 * x * y)
        .with_graph_derivative(|x, y| vec![x[0] * y * -2.0]);
    let smooth_max = CustomOp::binary(
        "smooth_max",
        |a, b| a.max(b) + (-(a - b).abs()).exp().ln_1p(),
        |a, b, _| {
            let s = 1.0 / (1.0 + (b - a).exp());
            [s, 1.0 / (1.0 + (a - b).exp())]
        },
    )
    .with_graph_derivative(|x, _| vec![(x[0] - x[1]).sigmoid(), (x[1] - x[0]).sigmoid()]);
    vec![gauss, smooth_max]
}

thread_local! {
    static CUSTOM_OPS: Vec<CustomOp> = custom_ops();
}

/// A function a graph calls by name: the engine's or a custom op.
#[derive(Clone, Debug)]
enum Function {
    Primitive(Primitive),
    Custom(CustomOp),
}

impl Function {
    /// Every function: the engine's table, then the custom ops.
    fn all() -> Vec<Function> {
        let mut all: Vec<Function> = Primitive::all().map(Function::Primitive).collect();
        CUSTOM_OPS.with(|ops| all.extend(ops.iter().cloned().map(Function::Custom)));
        all
    }

    fn named(name: &str) -> Function {
        Function::all()
            .into_iter()
            .find(|f| f.name() == name)
            .unwrap_or_else(|| panic!("no function {name} in the table or the custom ops"))
    }

    fn name(&self) -> &'static str {
        match self {
            Function::Primitive(p) => p.name(),
            Function::Custom(op) => op.name(),
        }
    }

    fn call(&self) -> Call {
        match self {
            Function::Primitive(p) => p.call(),
            Function::Custom(op) if op.arity() == 1 => Call::Unary,
            Function::Custom(_) => Call::Binary,
        }
    }

    fn apply<'t>(&self, args: &[Var<'t>], parameter: Option<f64>) -> Var<'t> {
        match self {
            Function::Primitive(p) => p.apply(args, parameter),
            Function::Custom(op) => op.apply(args),
        }
    }
}

/// An expression graph: leaves (variables and constants), then steps, each
/// reading earlier nodes by position. The last node is the output.
#[derive(Clone, PartialEq, Default)]
pub(crate) struct GraphSpec {
    /// `(value, is_variable)` per leaf.
    leaves: Vec<(f64, bool)>,
    steps: Vec<Step>,
}

#[allow(
    dead_code,
    reason = "the builder is for pasting shrunk failures into regression tests"
)]
impl GraphSpec {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn var(mut self, value: f64) -> Self {
        self.leaves.push((value, true));
        self
    }

    pub(crate) fn constant(mut self, value: f64) -> Self {
        self.leaves.push((value, false));
        self
    }

    pub(crate) fn unary(mut self, op: Unary, x: usize) -> Self {
        self.steps.push(Step::Unary(op, x));
        self
    }

    pub(crate) fn binary(mut self, op: Binary, a: usize, b: usize) -> Self {
        self.steps.push(Step::Binary(op, a, b));
        self
    }

    pub(crate) fn scalar(mut self, op: ScalarOp, x: usize, c: f64) -> Self {
        self.steps.push(Step::Scalar(op, x, c));
        self
    }

    pub(crate) fn powi(mut self, x: usize, n: i32) -> Self {
        self.steps.push(Step::Powi(x, n));
        self
    }

    pub(crate) fn sum(mut self, terms: &[usize]) -> Self {
        self.steps.push(Step::Sum(terms.to_vec()));
        self
    }

    pub(crate) fn dot(mut self, pairs: &[(usize, usize)]) -> Self {
        self.steps.push(Step::Dot(pairs.to_vec()));
        self
    }

    pub(crate) fn call(mut self, name: &str, args: &[usize], parameter: Option<f64>) -> Self {
        let function = Function::named(name);
        self.steps
            .push(Step::Call(function.name(), args.to_vec(), parameter));
        self
    }

    /// The values of the variable leaves, in order: the point to check at.
    pub(crate) fn point(&self) -> Vec<f64> {
        self.leaves.iter().filter(|l| l.1).map(|l| l.0).collect()
    }

    /// Number of nodes (leaves and steps).
    pub(crate) fn len(&self) -> usize {
        self.leaves.len() + self.steps.len()
    }

    /// Records the graph on `tape`, its variable leaves given by `vars` (in
    /// order) and its constants recorded here; returns every node.
    pub(crate) fn build<'t>(&self, tape: &'t Tape, vars: &[Var<'t>]) -> Vec<Var<'t>> {
        let mut vars = vars.iter();
        let mut nodes: Vec<Var<'t>> = self
            .leaves
            .iter()
            .map(|&(value, is_var)| {
                if is_var {
                    *vars.next().expect("one Var per variable leaf")
                } else {
                    tape.constant(value)
                }
            })
            .collect();
        for step in &self.steps {
            let node = record_step(step, tape, &|i| nodes[i]);
            nodes.push(node);
        }
        nodes
    }

    /// Records the graph with fresh variable leaves; returns every node.
    pub(crate) fn build_fresh<'t>(&self, tape: &'t Tape) -> Vec<Var<'t>> {
        let vars: Vec<Var<'t>> = self.point().into_iter().map(|v| tape.var(v)).collect();
        self.build(tape, &vars)
    }
}

/// Records `step` on `tape`, the node at position `i` being `node(i)`.
fn record_step<'t>(step: &Step, tape: &'t Tape, node: &dyn Fn(usize) -> Var<'t>) -> Var<'t> {
    match *step {
        Step::Unary(op, x) => apply_unary(op, node(x)),
        Step::Binary(op, a, b) => apply_binary(op, node(a), node(b)),
        Step::Scalar(op, x, c) => apply_scalar(op, node(x), c),
        Step::Powi(x, n) => node(x).powi(n),
        Step::Sum(ref terms) => tape.sum(terms.iter().map(|&t| node(t))),
        Step::Dot(ref pairs) => {
            let (a, b): (Vec<_>, Vec<_>) = pairs.iter().map(|&(a, b)| (node(a), node(b))).unzip();
            tape.dot(&a, &b)
        }
        Step::Call(name, ref args, parameter) => {
            let args: Vec<Var<'t>> = args.iter().map(|&a| node(a)).collect();
            Function::named(name).apply(&args, parameter)
        }
    }
}

/// How fast a new node built by `step` moves as the inputs move, at most:
/// `Σ |∂step/∂operand| · sensitivity(operand)` over its distinct operands,
/// its partials from the engine at the operands' `values`.
fn step_sensitivity(step: &Step, values: &[f64], sensitivity: &[f64]) -> f64 {
    let mut operands = operands(step);
    operands.sort_unstable();
    operands.dedup();
    let tape = Tape::new();
    let vars: Vec<Var<'_>> = operands.iter().map(|&i| tape.var(values[i])).collect();
    let at = |i: usize| vars[operands.binary_search(&i).expect("an operand")];
    let grads = record_step(step, &tape, &at).backward();
    operands
        .iter()
        .zip(&vars)
        .map(|(&i, &v)| (grads.wrt(v) * sensitivity[i]).abs())
        .sum()
}

fn apply_unary(op: Unary, x: Var<'_>) -> Var<'_> {
    match op {
        Unary::Neg => -x,
        Unary::Exp => x.exp(),
        Unary::Ln => x.ln(),
        Unary::Sqrt => x.sqrt(),
        Unary::Sigmoid => x.sigmoid(),
        Unary::Tanh => x.tanh(),
        Unary::Relu => x.relu(),
    }
}

fn apply_binary<'t>(op: Binary, a: Var<'t>, b: Var<'t>) -> Var<'t> {
    match op {
        Binary::Add => a + b,
        Binary::Sub => a - b,
        Binary::Mul => a * b,
        Binary::Div => a / b,
        Binary::Pow => a.pow(b),
    }
}

fn apply_scalar(op: ScalarOp, x: Var<'_>, c: f64) -> Var<'_> {
    match op {
        ScalarOp::AddScalar => x + c,
        ScalarOp::ScalarAdd => c + x,
        ScalarOp::SubScalar => x - c,
        ScalarOp::ScalarSub => c - x,
        ScalarOp::MulScalar => x * c,
        ScalarOp::ScalarMul => c * x,
        ScalarOp::DivScalar => x / c,
        ScalarOp::ScalarDiv => c / x,
        ScalarOp::Powf => x.powf(c),
    }
}

/// The graph as the Rust that rebuilds it, one step a line with its math.
impl fmt::Debug for GraphSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "GraphSpec::new()")?;
        for (k, &(value, is_var)) in self.leaves.iter().enumerate() {
            let kind = if is_var { "var" } else { "constant" };
            writeln!(f, "    .{kind}({value:?}) // n{k}")?;
        }
        for (k, step) in self.steps.iter().enumerate() {
            let n = self.leaves.len() + k;
            let (code, math) = match step {
                Step::Unary(op, x) => (
                    format!(".unary(Unary::{op:?}, {x})"),
                    format!("{}(n{x})", format!("{op:?}").to_lowercase()),
                ),
                Step::Binary(op, a, b) => (
                    format!(".binary(Binary::{op:?}, {a}, {b})"),
                    match op {
                        Binary::Add => format!("n{a} + n{b}"),
                        Binary::Sub => format!("n{a} - n{b}"),
                        Binary::Mul => format!("n{a} * n{b}"),
                        Binary::Div => format!("n{a} / n{b}"),
                        Binary::Pow => format!("n{a} ^ n{b}"),
                    },
                ),
                Step::Scalar(op, x, c) => (
                    format!(".scalar(ScalarOp::{op:?}, {x}, {c:?})"),
                    match op {
                        ScalarOp::AddScalar => format!("n{x} + {c}"),
                        ScalarOp::ScalarAdd => format!("{c} + n{x}"),
                        ScalarOp::SubScalar => format!("n{x} - {c}"),
                        ScalarOp::ScalarSub => format!("{c} - n{x}"),
                        ScalarOp::MulScalar => format!("n{x} * {c}"),
                        ScalarOp::ScalarMul => format!("{c} * n{x}"),
                        ScalarOp::DivScalar => format!("n{x} / {c}"),
                        ScalarOp::ScalarDiv => format!("{c} / n{x}"),
                        ScalarOp::Powf => format!("n{x} ^ {c}"),
                    },
                ),
                Step::Powi(x, p) => (format!(".powi({x}, {p})"), format!("n{x} ^ {p}")),
                Step::Sum(terms) => (
                    format!(".sum(&{terms:?})"),
                    terms
                        .iter()
                        .map(|t| format!("n{t}"))
                        .collect::<Vec<_>>()
                        .join(" + "),
                ),
                Step::Dot(pairs) => (
                    format!(".dot(&{pairs:?})"),
                    pairs
                        .iter()
                        .map(|(a, b)| format!("n{a} * n{b}"))
                        .collect::<Vec<_>>()
                        .join(" + "),
                ),
                Step::Call(name, args, parameter) => {
                    let mut math: Vec<String> = args.iter().map(|a| format!("n{a}")).collect();
                    math.extend(parameter.map(|p| p.to_string()));
                    (
                        format!(".call({name:?}, &{args:?}, {parameter:?})"),
                        format!("{name}({})", math.join(", ")),
                    )
                }
            };
            writeln!(f, "    {code} // n{n} = {math}")?;
        }
        Ok(())
    }
}

/// The raw material a graph is assembled from: leaf values, and per step an
/// op selector, operand picks and a scalar. Shrinking works on this.
#[derive(Clone, Debug)]
struct Raw {
    leaves: Vec<(f64, bool)>,
    steps: Vec<(u8, u16, u16, f64, Vec<u16>)>,
}

/// Deepest allowed chain of steps above a leaf.
const MAX_DEPTH: usize = 10;
/// Largest magnitude a node may take: keeps finite differences accurate.
const MAX_MAGNITUDE: f64 = 100.0;

/// The most a node may move per unit move of the inputs (the sum of its
/// derivatives' sizes along every path).
const MAX_SENSITIVITY: f64 = 100.0;

/// Turns raw material into a graph whose every op is evaluated where it is
/// smooth: an op whose operands fall outside its safe domain picks another
/// operand, or becomes `tanh`, which is smooth everywhere.
fn assemble(raw: Raw) -> GraphSpec {
    let mut spec = GraphSpec {
        leaves: raw.leaves,
        steps: Vec::new(),
    };
    let mut values: Vec<f64> = spec.leaves.iter().map(|l| l.0).collect();
    // A variable moves at speed 1 with itself, a constant not at all.
    let mut sensitivity: Vec<f64> = spec
        .leaves
        .iter()
        .map(|l| if l.1 { 1.0 } else { 0.0 })
        .collect();
    let mut depth = vec![0usize; values.len()];
    let mut used = vec![false; values.len()];
    for (selector, a, b, scalar, picks) in raw.steps {
        let n = values.len();
        let pool = Pool {
            values: &values,
            // Candidates shallow enough to build on, newest first so chains form.
            eligible: (0..n).rev().filter(|&i| depth[i] < MAX_DEPTH).collect(),
            constants: (0..spec.leaves.len())
                .filter(|&i| !spec.leaves[i].1)
                .collect(),
        };
        let (step, value) = choose(selector, a, b, scalar, &picks, &pool);
        // Within bounds, and not so steep that finite differences of the
        // composition (steps of 1e-6 to 1e-5) lose the digits the checks
        // need: x⁻³ at 0.2 feeding tan has a slope of 10⁴. tanh, the
        // fallback, is no steeper than its operand.
        let tame = |step: &Step, value: f64| {
            value.is_finite()
                && value.abs() <= MAX_MAGNITUDE
                && step_sensitivity(step, &values, &sensitivity) <= MAX_SENSITIVITY
        };
        let (step, value) = if tame(&step, value) {
            (step, value)
        } else {
            pool.tanh(a)
        };
        let speed = step_sensitivity(&step, &values, &sensitivity);
        let operands = operands(&step);
        let d = operands.iter().map(|&i| depth[i]).max().unwrap_or(0) + 1;
        for &i in &operands {
            used[i] = true;
        }
        spec.steps.push(step);
        values.push(value);
        sensitivity.push(speed);
        depth.push(d);
        used.push(false);
    }
    // The output sums every node nothing else reads, so the whole graph is
    // upstream of it.
    let unused: Vec<usize> = (0..values.len()).filter(|&i| !used[i]).collect();
    spec.steps.push(Step::Sum(unused));
    spec
}

fn operands(step: &Step) -> Vec<usize> {
    match step {
        Step::Unary(_, x) | Step::Scalar(_, x, _) | Step::Powi(x, _) => vec![*x],
        Step::Binary(_, a, b) => vec![*a, *b],
        Step::Sum(terms) => terms.clone(),
        Step::Dot(pairs) => pairs.iter().flat_map(|&(a, b)| [a, b]).collect(),
        Step::Call(_, args, _) => args.clone(),
    }
}

/// The nodes a step may read, and their values.
struct Pool<'a> {
    values: &'a [f64],
    eligible: Vec<usize>,
    /// The constant leaves: what `detach` may read, since finite
    /// differences cannot stop a gradient the way `detach` does.
    constants: Vec<usize>,
}

impl Pool<'_> {
    /// The node a raw pick selects.
    fn pick(&self, r: u16) -> usize {
        self.eligible[r as usize % self.eligible.len()]
    }

    /// The first node, from the raw pick on, whose value `ok` accepts.
    fn first_where(&self, start: u16, ok: impl Fn(f64) -> bool) -> Option<usize> {
        (0..self.eligible.len())
            .map(|k| self.eligible[(start as usize + k) % self.eligible.len()])
            .find(|&i| ok(self.values[i]))
    }

    /// tanh of the picked node: smooth everywhere, the fallback.
    fn tanh(&self, r: u16) -> (Step, f64) {
        let x = self.pick(r);
        (Step::Unary(Unary::Tanh, x), self.values[x].tanh())
    }
}

/// The step the selector asks for, with operands inside its safe domain,
/// and its value.
fn choose(
    selector: u8,
    a: u16,
    b: u16,
    scalar: f64,
    picks: &[u16],
    pool: &Pool<'_>,
) -> (Step, f64) {
    let values = pool.values;
    let pick = |r| pool.pick(r);
    let first_where = |r, ok: &dyn Fn(f64) -> bool| pool.first_where(r, ok);
    let fallback = || pool.tanh(a);
    let positive = |v: f64| (0.05..=MAX_MAGNITUDE).contains(&v);
    let base = |v: f64| (0.1..=10.0).contains(&v);
    let away_from_zero = |v: f64| v.abs() >= 0.1;
    // A scalar in [-3, 3], and one at least 0.1 from zero.
    let c = scalar * 3.0;
    let c_nonzero = if c.abs() < 0.1 {
        0.1_f64.copysign(c) + c
    } else {
        c
    };
    match selector % 24 {
        0 => {
            let x = pick(a);
            (Step::Unary(Unary::Neg, x), -values[x])
        }
        1 => match first_where(a, &|v| v <= 4.0) {
            Some(x) => (Step::Unary(Unary::Exp, x), values[x].exp()),
            None => fallback(),
        },
        2 => match first_where(a, &positive) {
            Some(x) => (Step::Unary(Unary::Ln, x), values[x].ln()),
            None => fallback(),
        },
        3 => match first_where(a, &positive) {
            Some(x) => (Step::Unary(Unary::Sqrt, x), values[x].sqrt()),
            None => fallback(),
        },
        4 => {
            let x = pick(a);
            (
                Step::Unary(Unary::Sigmoid, x),
                1.0 / (1.0 + (-values[x]).exp()),
            )
        }
        5 => fallback(),
        6 => match first_where(a, &|v| v.abs() >= 1e-3) {
            Some(x) => (Step::Unary(Unary::Relu, x), values[x].max(0.0)),
            None => fallback(),
        },
        7 => {
            let (x, y) = (pick(a), pick(b));
            (Step::Binary(Binary::Add, x, y), values[x] + values[y])
        }
        8 => {
            let (x, y) = (pick(a), pick(b));
            (Step::Binary(Binary::Sub, x, y), values[x] - values[y])
        }
        9 | 10 => {
            let (x, y) = (pick(a), pick(b));
            (Step::Binary(Binary::Mul, x, y), values[x] * values[y])
        }
        11 => match first_where(b, &away_from_zero) {
            Some(y) => {
                let x = pick(a);
                (Step::Binary(Binary::Div, x, y), values[x] / values[y])
            }
            None => fallback(),
        },
        12 => match (first_where(a, &base), first_where(b, &|v| v.abs() <= 3.0)) {
            (Some(x), Some(y)) => (Step::Binary(Binary::Pow, x, y), values[x].powf(values[y])),
            _ => fallback(),
        },
        13 => {
            let x = pick(a);
            let op = if b.is_multiple_of(2) {
                ScalarOp::AddScalar
            } else {
                ScalarOp::ScalarAdd
            };
            (Step::Scalar(op, x, c), values[x] + c)
        }
        14 => {
            let x = pick(a);
            if b.is_multiple_of(2) {
                (Step::Scalar(ScalarOp::SubScalar, x, c), values[x] - c)
            } else {
                (Step::Scalar(ScalarOp::ScalarSub, x, c), c - values[x])
            }
        }
        15 => {
            let x = pick(a);
            let op = if b.is_multiple_of(2) {
                ScalarOp::MulScalar
            } else {
                ScalarOp::ScalarMul
            };
            (Step::Scalar(op, x, c), values[x] * c)
        }
        16 => {
            let x = pick(a);
            (
                Step::Scalar(ScalarOp::DivScalar, x, c_nonzero),
                values[x] / c_nonzero,
            )
        }
        17 => match first_where(a, &away_from_zero) {
            Some(x) => (Step::Scalar(ScalarOp::ScalarDiv, x, c), c / values[x]),
            None => fallback(),
        },
        18 => match first_where(a, &base) {
            // A fractional exponent in [-2.5, 3.5].
            Some(x) => {
                let p = scalar * 3.0 + 0.5;
                (Step::Scalar(ScalarOp::Powf, x, p), values[x].powf(p))
            }
            None => fallback(),
        },
        19 => {
            let n = i32::from(b % 8) - 3; // -3..=4
            let ok = |v: f64| n >= 0 || v.abs() >= 0.1;
            match first_where(a, &ok) {
                Some(x) => (Step::Powi(x, n), values[x].powi(n)),
                None => fallback(),
            }
        }
        20 | 21 => function_step(a, b, scalar, picks, pool),
        22 => {
            // A dot product of 1 to 3 pairs, repeats allowed.
            let mut pairs: Vec<(usize, usize)> = picks
                .chunks(2)
                .map(|c| (pick(c[0]), pick(*c.last().unwrap())))
                .collect();
            pairs.push((pick(a), pick(b)));
            pairs.truncate(3);
            let value = pairs[1..]
                .iter()
                .fold(values[pairs[0].0] * values[pairs[0].1], |acc, &(x, y)| {
                    acc + values[x] * values[y]
                });
            (Step::Dot(pairs), value)
        }
        _ => {
            // An n-ary sum of 1 to 6 terms, repeats allowed.
            let mut terms: Vec<usize> = picks.iter().map(|&p| pick(p)).collect();
            terms.push(pick(a));
            let value = terms[1..]
                .iter()
                .fold(values[terms[0]], |acc, &t| acc + values[t]);
            (Step::Sum(terms), value)
        }
    }
}

/// A function of the engine's table or a custom op, the raw numbers
/// choosing which and its operands, at a point where it is smooth: its
/// finite differences at two step sizes agree with its own gradient, its
/// value, slopes and curvature are moderate. Otherwise the fallback.
fn function_step(a: u16, b: u16, scalar: f64, picks: &[u16], pool: &Pool<'_>) -> (Step, f64) {
    let functions = Function::all();
    let function = functions[usize::from(a) % functions.len()].clone();
    if function.name() == "detach" {
        // Only a constant: detaching a node that needs a gradient changes
        // the gradient from what finite differences measure, by design.
        return match pool.constants.first() {
            Some(&c) => (Step::Call("detach", vec![c], None), pool.values[c]),
            None => pool.tanh(a),
        };
    }
    let parameter = match function.call() {
        // A parameter in [0.05, 2], as a leaky slope or an elu scale.
        Call::UnaryWithParameter(_) => Some(0.05 + 1.95 * scalar.abs()),
        _ => None,
    };
    let count = match function.call() {
        Call::Unary | Call::UnaryWithParameter(_) => 1,
        Call::Binary => 2,
        Call::Variadic => 1 + picks.len() % 4,
    };
    // A few tries with different operands before giving up.
    for attempt in 0..4u16 {
        let args: Vec<usize> = (0..count)
            .map(|k| {
                let raw = picks.get(k).copied().unwrap_or(b);
                pool.pick(
                    raw.wrapping_add(attempt.wrapping_mul(7919))
                        .wrapping_add(k as u16),
                )
            })
            .collect();
        let values: Vec<f64> = args.iter().map(|&i| pool.values[i]).collect();
        if let Some(value) = smooth_at(&function, &values, parameter) {
            return (Step::Call(function.name(), args, parameter), value);
        }
    }
    pool.tanh(a)
}

/// The value of `function` at `point` if it is smooth there, else `None`.
fn smooth_at(function: &Function, point: &[f64], parameter: Option<f64>) -> Option<f64> {
    let at = |p: &[f64]| {
        let tape = Tape::new();
        let vars: Vec<Var<'_>> = p.iter().map(|&v| tape.var(v)).collect();
        function.apply(&vars, parameter).value()
    };
    let tape = Tape::new();
    let vars: Vec<Var<'_>> = point.iter().map(|&v| tape.var(v)).collect();
    let y = function.apply(&vars, parameter);
    let value = y.value();
    if !value.is_finite() || value.abs() > MAX_MAGNITUDE {
        return None;
    }
    // Finite nearby whichever way the operands move together: operands that
    // share an upstream node move together when a check perturbs it (a pow
    // at base 0 is smooth along each axis, but NaN at a negative base).
    let corners = 1usize << point.len();
    for corner in 0..corners {
        let moved: Vec<f64> = point
            .iter()
            .enumerate()
            .map(|(k, &v)| {
                if corner >> k & 1 == 1 {
                    v + 1e-3
                } else {
                    v - 1e-3
                }
            })
            .collect();
        if !at(&moved).is_finite() {
            return None;
        }
    }
    let grads = y.backward();
    for (k, &var) in vars.iter().enumerate() {
        let slope = grads.wrt(var);
        // Moderate slopes and curvature: graphs compose ops, and finite
        // differences of a composition with a steep or sharply curved op
        // (tan near a pole) lose the digits the checks need.
        if !slope.is_finite() || slope.abs() > 20.0 || y.second_derivative(var).abs() > 100.0 {
            return None;
        }
        for h in [1e-3, 1e-6] {
            let mut up = point.to_vec();
            let mut down = point.to_vec();
            up[k] += h;
            down[k] -= h;
            let numeric = (at(&up) - at(&down)) / (2.0 * h);
            if !numeric.is_finite() || (numeric - slope).abs() > 1e-4 * (1.0 + slope.abs()) {
                return None;
            }
        }
        // One-sided slopes agree too: a central difference straddling a
        // kink (a tie of min, abs at 0) averages the two sides and matches
        // the engine's tie rule, but a composition downstream need not.
        let h = 1e-6;
        let mut up = point.to_vec();
        let mut down = point.to_vec();
        up[k] += h;
        down[k] -= h;
        for one_sided in [(at(&up) - value) / h, (value - at(&down)) / h] {
            if !one_sided.is_finite() || (one_sided - slope).abs() > 1e-3 * (1.0 + slope.abs()) {
                return None;
            }
        }
    }
    Some(value)
}

/// Graphs of 1 to 4 variables, 0 to 3 constants and up to `max_steps` steps.
pub(crate) fn graph_with(max_steps: usize) -> impl Strategy<Value = GraphSpec> {
    let leaf_value = prop_oneof![-3.0..3.0, 0.1..3.0];
    let vars = prop::collection::vec(leaf_value.clone().prop_map(|v| (v, true)), 1..=4);
    let constants = prop::collection::vec(leaf_value.prop_map(|v| (v, false)), 0..=3);
    let step = (
        any::<u8>(),
        any::<u16>(),
        any::<u16>(),
        -1.0..1.0f64,
        prop::collection::vec(any::<u16>(), 0..=5),
    );
    let steps = prop::collection::vec(step, 1..=max_steps);
    (vars, constants, steps).prop_map(|(vars, constants, steps)| {
        // Constants interleave with the variables, so positions mix.
        let mut leaves = vars;
        for (k, c) in constants.into_iter().enumerate() {
            let at = (k * 2 + 1).min(leaves.len());
            leaves.insert(at, c);
        }
        assemble(Raw { leaves, steps })
    })
}

/// Graphs of up to about 60 nodes.
pub(crate) fn graph() -> impl Strategy<Value = GraphSpec> {
    graph_with(52)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    #[test]
    fn generated_graphs_use_every_op_and_stay_in_bounds() {
        let mut runner = TestRunner::deterministic();
        let mut seen = std::collections::HashMap::<&str, usize>::new();
        for _ in 0..300 {
            let spec = graph().new_tree(&mut runner).unwrap().current();
            assert!(spec.len() <= 60, "{} nodes", spec.len());
            let tape = Tape::new();
            let nodes = spec.build_fresh(&tape);
            let (output, inner) = nodes.split_last().unwrap();
            assert!(output.value().is_finite());
            for node in inner {
                assert!(node.value().abs() <= MAX_MAGNITUDE, "{node:?} in\n{spec:?}");
            }
            // A custom op counts as the table's `custom` and as itself.
            let mut ops: Vec<&str> = nodes
                .iter()
                .flat_map(|n| match n.op() {
                    autograd::Op::Custom(name) => vec!["custom", name],
                    op => vec![op.name()],
                })
                .collect();
            ops.sort_unstable();
            ops.dedup();
            for op in ops {
                *seen.entry(op).or_default() += 1;
            }
        }
        // Every op of the engine's table, in 1 graph of 100 at least (so
        // that the smoothness filter starves none): a new op fails here
        // until the generator covers it.
        let mut counts: Vec<_> = seen.iter().collect();
        counts.sort();
        eprintln!("graphs (of 300) using each op: {counts:?}");
        let customs: Vec<&str> = super::custom_ops().iter().map(|op| op.name()).collect();
        for op in autograd::Op::names().chain(customs) {
            let graphs = seen.get(op).copied().unwrap_or(0);
            assert!(
                graphs >= 3,
                "only {graphs} of 300 generated graphs used {op}"
            );
        }
    }

    #[test]
    fn debug_is_the_rust_that_rebuilds_the_graph() {
        let spec = GraphSpec::new()
            .var(0.5)
            .constant(2.0)
            .binary(Binary::Mul, 0, 1)
            .unary(Unary::Ln, 2)
            .sum(&[3, 0, 0]);
        let text = format!("{spec:?}");
        assert!(
            text.contains(".binary(Binary::Mul, 0, 1) // n2 = n0 * n1"),
            "{text}"
        );
        assert!(
            text.contains(".sum(&[3, 0, 0]) // n4 = n3 + n0 + n0"),
            "{text}"
        );
        let tape = Tape::new();
        let out = *spec.build_fresh(&tape).last().unwrap();
        assert_eq!(out.value(), 1.0f64.ln() + 0.5 + 0.5);
    }
}
