//! `Var`, the handle to one recorded node: its math methods and its inspection.

use std::fmt;

use smallvec::SmallVec;

use crate::anomaly::{self, Anomaly};
use crate::gradients::Gradients;
use crate::history::SegmentKey;
use crate::name::Name;
use crate::number::Shortest;
use crate::op::{Code, Op};
use crate::tape::Tape;
use crate::trace::Trace;

/// A handle to one node of a [`Tape`]: a leaf, or the result of an operation.
///
/// `Var` is `Copy` and small (32 bytes): a tape reference, the node's
/// position, the generational key that proves the node still exists, and,
/// for a computed node, its value, which never changes while the node lives.
/// Arithmetic reads like math: `+ - * /` and unary `-` work between two
/// `Var`s and between a `Var` and an `f64` on either side, and each records
/// one node. The methods below add the elementary functions, and inspect
/// the node: its [`op`](Var::op), [`parents`](Var::parents),
/// [`value`](Var::value) and [`name`](Var::name).
///
/// # Panics
///
/// Every method panics, naming the mistake, if the node was dropped by
/// [`Tape::rewind`]; combining `Var`s from two tapes panics too. Neither
/// ever yields a wrong number.
///
/// # Examples
///
/// The first neuron of the worked example, and the derivative the blog calls
/// `∂out_h1/∂net_h1`:
///
/// ```
/// use autograd::Tape;
///
/// let tape = Tape::new();
/// let (w1, w2, b1) = (tape.var(0.15), tape.var(0.20), tape.var(0.35));
/// let (i1, i2) = (tape.constant(0.05), tape.constant(0.10));
/// let net_h1 = tape.sum([w1 * i1, w2 * i2, b1]).named("net_h1");
/// let out_h1 = net_h1.sigmoid().named("out_h1");
/// assert!((net_h1.value() - 0.3775).abs() < 1e-15);
/// assert!((out_h1.value() - 0.593269992).abs() < 1e-9);
/// let d = out_h1.backward().wrt(net_h1);
/// assert!((d - 0.241300709).abs() < 1e-9);
/// ```
#[derive(Clone, Copy)]
pub struct Var<'t> {
    pub(crate) tape: &'t Tape,
    pub(crate) segment: SegmentKey,
    pub(crate) index: u32,
    /// Whether the node depends on a [`Tape::var`] leaf (never changes).
    pub(crate) needs_grad: bool,
    /// Whether `value` is the node's: a computed node's value never
    /// changes while it is live, a leaf's can (`Tape::set_value`).
    pub(crate) fixed: bool,
    /// The node's value when `fixed`, else 0. Carried so that an op reads
    /// its operands from registers, not from the record just written: in
    /// a chain of ops every step would wait for that store (see `Tape::unary`).
    pub(crate) value: f64,
}

impl<'t> Var<'t> {
    /// The handle to `node`, live at `index` of `segment`.
    pub(crate) fn new(
        tape: &'t Tape,
        segment: SegmentKey,
        index: u32,
        node: &crate::arena::Node,
    ) -> Self {
        let fixed = !node.code.is_leaf();
        Var {
            tape,
            segment,
            index,
            needs_grad: node.needs_grad,
            fixed,
            value: if fixed { node.value } else { 0.0 },
        }
    }

    /// The node's value.
    #[must_use]
    #[inline]
    pub fn value(&self) -> f64 {
        let state = self.tape.read();
        state.arena.nodes[state.position(*self) as usize].value
    }

    /// The gradient of this node with respect to every node of the tape:
    /// one reverse sweep from here down to the first node.
    ///
    /// Every node upstream of this one gets its adjoint, inputs and
    /// intermediates alike; every other node gets 0. Each call starts from
    /// scratch, so calling it twice gives the same answer. A node whose
    /// adjoint is exactly 0 passes nothing on, so a zero gradient times an
    /// infinite local derivative stays 0 rather than turning into NaN.
    ///
    /// To accumulate over several samples, either sum their losses into one
    /// node (`tape.sum(losses)`) and call `backward` once, or add each
    /// sample's `grads.wrt(w)` into your own total per parameter.
    ///
    /// # Panics
    ///
    /// If the node was dropped by a rewind; with anomaly detection on, at
    /// the first node that passes a non-finite gradient (see
    /// [`Tape::set_detect_anomaly`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let x = tape.var(0.5);
    /// let h = x.exp().named("h");
    /// let y = h * h; // y = e^(2x)
    /// let grads = y.backward();
    /// assert_eq!(grads.wrt(h), 2.0 * h.value()); // an intermediate node
    /// assert!((grads.wrt(x) - 2.0 * y.value()).abs() < 1e-12);
    /// ```
    pub fn backward(&self) -> Gradients {
        let mut grads = Gradients::new();
        self.backward_into(&mut grads);
        grads
    }

    /// [`Var::backward`] into an existing gradient store, reusing its memory:
    /// a training loop that keeps one `Gradients` allocates nothing per step.
    ///
    /// # Panics
    ///
    /// As [`Var::backward`].
    #[inline]
    #[track_caller]
    pub fn backward_into(&self, grads: &mut Gradients) {
        let state = self.tape.read();
        let output = state.position(*self) as usize;
        if !state.detect {
            grads.sweep::<false>(self.tape.id(), &state, output);
            return;
        }
        if let Some((node, flow)) = grads.sweep::<true>(self.tape.id(), &state, output) {
            let anomaly = anomaly::backward_at(&state.arena, node, flow);
            drop(state);
            panic!("{anomaly}");
        }
    }

    /// [`Var::backward`], checked: the first node upstream of this one whose
    /// value is NaN or infinite although its parents' are finite, or the
    /// first that passes a NaN or infinite gradient to a parent while its
    /// own is finite, is returned as an [`Anomaly`] instead. Works whether
    /// or not [`Tape::set_detect_anomaly`] is on, and never panics for it.
    ///
    /// # Errors
    ///
    /// The [`Anomaly`], naming the node, its op, its parents' values and,
    /// when it was recorded with detection on, where.
    ///
    /// # Panics
    ///
    /// As [`Var::backward`] for a dropped node.
    ///
    /// # Examples
    ///
    /// ```
    /// use autograd::{Pass, Tape};
    ///
    /// let tape = Tape::new();
    /// let x = tape.var_named("x", 0.0);
    /// let y = x.sqrt() * 2.0; // √x has an infinite slope at 0
    /// let anomaly = y.try_backward().unwrap_err();
    /// assert_eq!(anomaly.pass, Pass::Backward);
    /// assert_eq!(anomaly.node, 1); // the sqrt node
    /// assert!(anomaly.to_string().contains("passes inf to its parent #0"));
    /// ```
    #[track_caller]
    pub fn try_backward(&self) -> Result<Gradients, Box<Anomaly>> {
        let state = self.tape.read();
        let output = state.position(*self) as usize;
        let reached = crate::trace::upstream(&state.arena, output);
        if let Some(anomaly) = (0..=output)
            .filter(|&i| reached[i])
            .find_map(|i| anomaly::forward_at(&state.arena, i))
        {
            return Err(Box::new(anomaly));
        }
        let mut grads = Gradients::new();
        match grads.sweep::<true>(self.tape.id(), &state, output) {
            Some((node, flow)) => Err(Box::new(anomaly::backward_at(&state.arena, node, flow))),
            None => Ok(grads),
        }
    }

    /// Every derivative of the reverse sweep from this node, as the chain
    /// rule computed it: for each node it depends on, the sum over the nodes
    /// that read it of their adjoint times the local derivative, each local
    /// derivative with its formula; see [`Explanation`](crate::explain::Explanation).
    ///
    /// # Panics
    ///
    /// If the node was dropped by a rewind.
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let x = tape.var_named("x", 3.0);
    /// let y = (x.powi(2) + 2.0 * x).named("y"); // dy/dx = 2x + 2
    /// assert_eq!(y.explain().to_string(), "∂y/∂x = 2 · x + 2 = 2 · 3 + 2 = 8\n");
    /// ```
    #[must_use]
    pub fn explain(&self) -> crate::explain::Explanation {
        crate::explain::explain(*self)
    }

    /// Gives the node a name that traces and pictures show, and returns it
    /// for chaining.
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let x = tape.var(1.0);
    /// let y = (x + 1.0).named("y");
    /// assert_eq!(y.name().as_deref(), Some("y"));
    /// ```
    #[track_caller]
    pub fn named(self, name: impl Into<Name>) -> Self {
        let name = name.into();
        let mut state = self.tape.write();
        let position = state.position(self);
        state.arena.set_name(position, name);
        self
    }

    /// The node's name, if it was given one.
    #[must_use]
    pub fn name(&self) -> Option<String> {
        let state = self.tape.read();
        state
            .arena
            .name(state.position(*self) as usize)
            .map(str::to_owned)
    }

    /// What the node computes.
    #[must_use]
    pub fn op(&self) -> Op {
        let state = self.tape.read();
        state.arena.op(state.position(*self) as usize)
    }

    /// The nodes this one was computed from, in operand order (empty for a leaf).
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let (a, b) = (tape.var(1.0), tape.var(2.0));
    /// let c = a - b;
    /// assert_eq!(c.parents().as_slice(), &[a, b]);
    /// ```
    #[must_use]
    pub fn parents(&self) -> SmallVec<[Var<'t>; 2]> {
        let state = self.tape.read();
        let position = state.position(*self) as usize;
        state
            .arena
            .parents(position)
            .iter()
            .map(|&p| state.var(self.tape, p))
            .collect()
    }

    /// The node's position in the recording order: the id traces show.
    #[must_use]
    pub fn index(&self) -> usize {
        self.tape.read().position(*self) as usize
    }

    /// Whether a gradient flows to this node: it is a [`Tape::var`] leaf or
    /// depends on one.
    #[must_use]
    pub fn requires_grad(&self) -> bool {
        let state = self.tape.read();
        state.arena.nodes[state.position(*self) as usize].needs_grad
    }

    /// The tape the node lives on.
    #[must_use]
    pub fn tape(&self) -> &'t Tape {
        self.tape
    }

    /// The subgraph upstream of this node as a numbered trace; see [`Trace`].
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let x = tape.var_named("x", 2.0);
    /// let _unrelated = tape.var_named("z", 7.0);
    /// let y = (x * x).named("y");
    /// let text = y.trace().with_gradients(&y.backward()).to_string();
    /// assert!(text.contains("y") && !text.contains("z"));
    /// ```
    #[must_use]
    pub fn trace(&self) -> Trace<'t> {
        Trace::new(self.tape, Some(*self))
    }

    /// The subgraph upstream of this node as a Graphviz DOT picture; see
    /// [`Dot`](crate::Dot).
    #[must_use]
    pub fn dot(&self) -> crate::Dot<'t> {
        crate::Dot::new(*self)
    }

    /// `self` to the power `exponent`, a plain number.
    ///
    /// A negative base to a fractional power is NaN, as in IEEE arithmetic;
    /// so is its derivative.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn powf(self, exponent: f64) -> Self {
        self.tape.unary(Code::Powf, exponent, self)
    }

    /// `self` to the power `exponent`, an integer.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn powi(self, exponent: i32) -> Self {
        self.tape.unary(Code::Powi, f64::from(exponent), self)
    }

    /// `self` to the power `exponent`, another `Var`: both get gradients.
    ///
    /// `∂/∂exponent = self^exponent · ln(self)`, which is NaN for a negative
    /// base and taken as 0 at a zero base with a non-negative exponent.
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let (a, b) = (tape.var(2.0), tape.var(3.0));
    /// let grads = a.pow(b).backward(); // a^b = 8
    /// assert_eq!(grads.wrt(a), 12.0); // b a^(b-1)
    /// assert_eq!(grads.wrt(b), 8.0 * 2f64.ln()); // a^b ln a
    /// ```
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn pow(self, exponent: Var<'t>) -> Self {
        self.tape.binary(Code::Pow, self, exponent)
    }

    /// The logistic function `1 / (1 + e^-x)`, evaluated without overflow
    /// for any input: at ±1000 both its value and its gradient are finite.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn sigmoid(self) -> Self {
        self.tape.unary(Code::Sigmoid, 0.0, self)
    }

    /// `e^self`.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn exp(self) -> Self {
        self.tape.unary(Code::Exp, 0.0, self)
    }

    /// The natural logarithm. Of 0 it is -inf; of a negative number NaN, as
    /// in IEEE arithmetic.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn ln(self) -> Self {
        self.tape.unary(Code::Ln, 0.0, self)
    }

    /// The hyperbolic tangent.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn tanh(self) -> Self {
        self.tape.unary(Code::Tanh, 0.0, self)
    }

    /// `max(self, 0)`. Its derivative is 1 above 0 and 0 at or below it
    /// (`relu'(0) = 0`, as in PyTorch).
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn relu(self) -> Self {
        self.tape.unary(Code::Relu, 0.0, self)
    }

    /// The square root. Of a negative number it is NaN; at 0 its derivative
    /// is +inf.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn sqrt(self) -> Self {
        self.tape.unary(Code::Sqrt, 0.0, self)
    }

    /// The sine.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn sin(self) -> Self {
        self.tape.unary(Code::Sin, 0.0, self)
    }

    /// The cosine.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn cos(self) -> Self {
        self.tape.unary(Code::Cos, 0.0, self)
    }

    /// The tangent; its derivative is `1 + tan²`, huge near the poles.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn tan(self) -> Self {
        self.tape.unary(Code::Tan, 0.0, self)
    }

    /// The arcsine, on `[-1, 1]` (NaN outside); its derivative
    /// `1 / √(1 - x²)` is +inf at ±1 and computed without cancellation
    /// near them.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn asin(self) -> Self {
        self.tape.unary(Code::Asin, 0.0, self)
    }

    /// The arccosine, on `[-1, 1]` (NaN outside); its derivative
    /// `-1 / √(1 - x²)` is -inf at ±1.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn acos(self) -> Self {
        self.tape.unary(Code::Acos, 0.0, self)
    }

    /// The arctangent; its derivative `1 / (1 + x²)` does not overflow for
    /// huge `x`.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn atan(self) -> Self {
        self.tape.unary(Code::Atan, 0.0, self)
    }

    /// The hyperbolic sine.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn sinh(self) -> Self {
        self.tape.unary(Code::Sinh, 0.0, self)
    }

    /// The hyperbolic cosine.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn cosh(self) -> Self {
        self.tape.unary(Code::Cosh, 0.0, self)
    }

    /// The absolute value. Its derivative is the sign: 1 above 0, -1 below
    /// and 0 at 0 (`abs'(0) = 0`, as in PyTorch).
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let (a, z) = (tape.var(-2.0), tape.var(0.0));
    /// assert_eq!(a.abs().backward().wrt(a), -1.0);
    /// assert_eq!(z.abs().backward().wrt(z), 0.0);
    /// ```
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn abs(self) -> Self {
        self.tape.unary(Code::Abs, 0.0, self)
    }

    /// `ln(1 + x)`, exact for tiny `x`; -inf at -1 and NaN below.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn log1p(self) -> Self {
        self.tape.unary(Code::Log1p, 0.0, self)
    }

    /// `e^x - 1`, exact for tiny `x`.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn expm1(self) -> Self {
        self.tape.unary(Code::Expm1, 0.0, self)
    }

    /// The base-2 logarithm; -inf at 0 and NaN below.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn log2(self) -> Self {
        self.tape.unary(Code::Log2, 0.0, self)
    }

    /// The base-10 logarithm; -inf at 0 and NaN below.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn log10(self) -> Self {
        self.tape.unary(Code::Log10, 0.0, self)
    }

    /// `ln(1 + e^x)`, the smooth relu, evaluated as
    /// `max(x, 0) + ln(1 + e^-|x|)` so that it neither overflows nor loses
    /// its digits: `softplus(1000)` is 1000 with gradient 1, and
    /// `softplus(-1000)` is 0 with gradient `σ(-1000)`. Its derivative is
    /// the sigmoid.
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let x = tape.var(1000.0);
    /// let y = x.softplus();
    /// assert_eq!((y.value(), y.backward().wrt(x)), (1000.0, 1.0));
    /// ```
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn softplus(self) -> Self {
        self.tape.unary(Code::Softplus, 0.0, self)
    }

    /// `1 / x`; inf at 0, with derivative `-1 / x²`.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn recip(self) -> Self {
        self.tape.unary(Code::Recip, 0.0, self)
    }

    /// `x²`, recorded as one node.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn square(self) -> Self {
        self.tape.unary(Code::Square, 0.0, self)
    }

    /// The cube root, defined for negative `x` too; its derivative
    /// `1 / (3 ∛x²)` is +inf at 0.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn cbrt(self) -> Self {
        self.tape.unary(Code::Cbrt, 0.0, self)
    }

    /// `x` above 0 and `alpha · x` at and below it. Its derivative at 0 is
    /// `alpha`, as in PyTorch.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn leaky_relu(self, alpha: f64) -> Self {
        self.tape.unary(Code::LeakyRelu, alpha, self)
    }

    /// `x` above 0 and `alpha · (e^x - 1)` at and below it. Its derivative
    /// at 0 is `alpha`, as in PyTorch, and below 0 `alpha · e^x`, computed
    /// without cancellation.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn elu(self, alpha: f64) -> Self {
        self.tape.unary(Code::Elu, alpha, self)
    }

    /// The same value, through which no gradient flows: PyTorch's
    /// `detach`, JAX's `stop_gradient`. The node shows as `detach` in
    /// traces, and everything computed only through it needs no gradient.
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let x = tape.var(3.0);
    /// let y = x * x.detach(); // x · (x held constant)
    /// assert_eq!(y.value(), 9.0);
    /// assert_eq!(y.backward().wrt(x), 3.0);
    /// ```
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn detach(self) -> Self {
        self.tape.unary(Code::Detach, 0.0, self)
    }

    /// The larger of `self` and `other`; NaN if either is (unlike
    /// `f64::max`). At a tie each gets half the gradient, as in PyTorch's
    /// `maximum`.
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let (a, b) = (tape.var(2.0), tape.var(2.0));
    /// let grads = a.max(b).backward();
    /// assert_eq!((grads.wrt(a), grads.wrt(b)), (0.5, 0.5));
    /// ```
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn max(self, other: Var<'t>) -> Self {
        self.tape.binary(Code::Max, self, other)
    }

    /// The smaller of `self` and `other`; NaN if either is. At a tie each
    /// gets half the gradient, as in PyTorch's `minimum`.
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn min(self, other: Var<'t>) -> Self {
        self.tape.binary(Code::Min, self, other)
    }

    /// The angle of the point `(x, self)`, in `(-π, π]`, as `f64::atan2`.
    /// Its gradient `(x, -self) / (x² + self²)` is computed without
    /// overflow and is NaN at the origin, where the angle has none.
    ///
    /// # Examples
    ///
    /// ```
    /// let tape = autograd::Tape::new();
    /// let (y, x) = (tape.var(1.0), tape.var(1.0));
    /// let angle = y.atan2(x);
    /// assert_eq!(angle.value(), std::f64::consts::FRAC_PI_4);
    /// let grads = angle.backward();
    /// assert_eq!((grads.wrt(y), grads.wrt(x)), (0.5, -0.5));
    /// ```
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn atan2(self, x: Var<'t>) -> Self {
        self.tape.binary(Code::Atan2, self, x)
    }

    /// `√(self² + other²)` without overflow or underflow, as `f64::hypot`.
    /// Its gradient `(self, other) / hypot` is finite everywhere but at the
    /// origin, where it is NaN (0 / 0).
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn hypot(self, other: Var<'t>) -> Self {
        self.tape.binary(Code::Hypot, self, other)
    }
}

/// Two `Var`s are equal when they are the same node of the same tape.
impl PartialEq for Var<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.tape, other.tape)
            && self.index == other.index
            && self.segment == other.segment
    }
}

impl Eq for Var<'_> {}

impl fmt::Debug for Var<'_> {
    /// `Var(#5 net_h1 = 0.3775)`, or `Var(dropped)` for a rewound node.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(state) = self.tape.try_read() else {
            return write!(f, "Var(#{} on a busy tape)", self.index);
        };
        if state.history.is_live(self.segment, self.index) {
            let position = self.index as usize;
            write!(f, "Var(#{position}")?;
            if let Some(name) = state.arena.name(position) {
                write!(f, " {name}")?;
            }
            write!(f, " = {})", Shortest(state.arena.nodes[position].value))
        } else {
            f.write_str("Var(dropped)")
        }
    }
}

/// `net_h1 = sum(...) = 0.3775`-style: the node's name (or `#id`), op and value.
impl fmt::Display for Var<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.tape.read();
        let position = state.position(*self) as usize;
        match state.arena.name(position) {
            Some(name) => write!(f, "{name}")?,
            None => write!(f, "#{position}")?,
        }
        write!(
            f,
            " = {} = {}",
            crate::trace::Expr::new(&state.arena, position),
            Shortest(state.arena.nodes[position].value)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Var;

    /// A `Var` is passed by value everywhere and stored by models; it
    /// carries a computed node's value and flags in what were 24 bytes of
    /// tape reference, key and position plus padding.
    #[test]
    fn a_var_is_32_bytes() {
        assert_eq!(size_of::<Var<'_>>(), 32);
    }
}
