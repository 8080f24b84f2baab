//! The operations a tape records, each declared once in one table: its
//! name, its operands, and how a front end calls it by name. The public
//! [`Op`], the tape's compact code, the names traces print and the
//! functions of the `grad` language all come from that table.

use std::fmt;

/// Where an op's scalar operand stands relative to its node operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarSide {
    /// `c - x`, `c / x`: the scalar comes first.
    Left,
    /// `x - c`, `x * c`, `x.powf(c)`, `x.leaky_relu(alpha)`: the scalar
    /// comes second.
    Right,
}

/// How a front end calls an op by name, as [`Primitive`] lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// `name(x)`.
    Unary,
    /// `name(x, p)` with a plain number `p`, named here (`alpha`).
    UnaryWithParameter(&'static str),
    /// `name(a, b)`.
    Binary,
    /// `name(a, b, ...)`: one or more operands.
    Variadic,
}

/// How an op is written when it is no function call: as a leaf, an
/// operator, or with the operands of [`Tape::dot`](crate::Tape::dot).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    Leaf,
    /// One node operand and, at `side`, a scalar operand, or none.
    Unary(Option<ScalarSide>),
    Binary,
    /// Pairs of operands, as `Tape::dot` records them.
    Pairs,
    /// Callable by name.
    Function(Call),
    /// A user's own op ([`CustomOp`](crate::CustomOp)), called through its
    /// definition.
    Custom,
}

/// A payload an [`Op`] variant carries: its scalar operand, kept in the
/// node as an `f64`.
trait Payload: Copy {
    fn from_scalar(scalar: f64) -> Self;
    fn to_scalar(self) -> f64;
}

impl Payload for f64 {
    fn from_scalar(scalar: f64) -> Self {
        scalar
    }
    fn to_scalar(self) -> f64 {
        self
    }
}

/// A custom op's name. A node keeps the index of its definition among its
/// tape's custom ops instead, and the tape gives the name back
/// (`Arena::op`); a code alone knows no name.
impl Payload for &'static str {
    fn from_scalar(_: f64) -> Self {
        Code::Custom.name()
    }
    fn to_scalar(self) -> f64 {
        0.0
    }
}

impl Payload for i32 {
    fn from_scalar(scalar: f64) -> Self {
        // Stored exactly: every i32 is an f64.
        scalar as i32
    }
    fn to_scalar(self) -> f64 {
        f64::from(self)
    }
}

/// Declares every op from one table: the public [`Op`], the tape's compact
/// [`Code`], and each op's name and form.
macro_rules! ops {
    (@scalar) => { 0.0 };
    (@scalar $payload:ident) => { Payload::to_scalar($payload) };
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident $(($payload:ident: $ty:ty))? => $name:literal, $form:expr;
    )*) => {
        /// What a node computes from its parents.
        ///
        /// Every operation a user writes is recorded as itself: `a - b` is a
        /// [`Op::Sub`] node, `1.0 - a` is a [`Op::ScalarSub`] node, `2.0 * a`
        /// a [`Op::ScalarMul`] node, and a sum over an iterator is one n-ary
        /// [`Op::Sum`] node. An operand that is a plain `f64` is stored in
        /// the op rather than as a node of its own, so `x * 0.5` is one node.
        ///
        /// Each op is declared once, in a table in this module; its forward
        /// value and derivative live side by side in the crate's `rules`
        /// module.
        ///
        /// # Examples
        ///
        /// ```
        /// use autograd::{Op, Tape};
        ///
        /// let tape = Tape::new();
        /// let x = tape.var(3.0);
        /// assert_eq!((1.0 - x).op(), Op::ScalarSub(1.0));
        /// assert_eq!((x * x).op(), Op::Mul);
        /// assert_eq!(Op::ScalarSub(1.0).name(), "sub");
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum Op {
            $($(#[doc = $doc])* $variant $(($ty))?,)*
        }

        /// The compact form of an [`Op`] the tape stores: a one-byte code,
        /// with the scalar operand (if any) kept beside it in the node.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub(crate) enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in table order.
            pub(crate) const ALL: &[Code] = &[$(Code::$variant,)*];

            /// The public op of a node with this code and scalar operand.
            pub(crate) fn op(self, scalar: f64) -> Op {
                let _ = scalar;
                match self {
                    $(Code::$variant => Op::$variant $((<$ty as Payload>::from_scalar(scalar)))?,)*
                }
            }

            /// The name traces, pictures and the `grad` language use.
            pub(crate) fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            fn form(self) -> Form {
                use Form::*;
                use ScalarSide::*;
                match self {
                    $(Code::$variant => $form,)*
                }
            }
        }

        impl Op {
            /// The code and scalar operand that record this op.
            pub(crate) fn code(self) -> (Code, f64) {
                match self {
                    $(Op::$variant $(($payload))? => (Code::$variant, ops!(@scalar $($payload)?)),)*
                }
            }
        }
    };
}

ops! {
    /// A leaf that receives a gradient ([`Tape::var`](crate::Tape::var)).
    Var => "var", Leaf;
    /// A leaf that receives no gradient ([`Tape::constant`](crate::Tape::constant)).
    Const => "const", Leaf;
    /// `a + b`.
    Add => "add", Binary;
    /// `a - b`.
    Sub => "sub", Binary;
    /// `a * b`.
    Mul => "mul", Binary;
    /// `a / b`.
    Div => "div", Binary;
    /// `a.pow(b)`: both the base and the exponent get gradients.
    Pow => "pow", Function(Call::Binary);
    /// `x + c` for a scalar `c`.
    AddScalar(c: f64) => "add", Unary(Some(Right));
    /// `c + x` for a scalar `c`.
    ScalarAdd(c: f64) => "add", Unary(Some(Left));
    /// `x - c` for a scalar `c`.
    SubScalar(c: f64) => "sub", Unary(Some(Right));
    /// `c - x` for a scalar `c`.
    ScalarSub(c: f64) => "sub", Unary(Some(Left));
    /// `x * c` for a scalar `c`.
    MulScalar(c: f64) => "mul", Unary(Some(Right));
    /// `c * x` for a scalar `c`.
    ScalarMul(c: f64) => "mul", Unary(Some(Left));
    /// `x / c` for a scalar `c`.
    DivScalar(c: f64) => "div", Unary(Some(Right));
    /// `c / x` for a scalar `c`.
    ScalarDiv(c: f64) => "div", Unary(Some(Left));
    /// `x.powf(c)`.
    Powf(c: f64) => "powf", Unary(Some(Right));
    /// `x.powi(n)`.
    Powi(n: i32) => "powi", Unary(Some(Right));
    /// `-x`.
    Neg => "neg", Unary(None);
    /// `x.exp()`.
    Exp => "exp", Function(Call::Unary);
    /// `x.ln()`, the natural logarithm.
    Ln => "ln", Function(Call::Unary);
    /// `x.sqrt()`.
    Sqrt => "sqrt", Function(Call::Unary);
    /// `x.sigmoid()`, the logistic function `1 / (1 + e^-x)`.
    Sigmoid => "sigmoid", Function(Call::Unary);
    /// `x.tanh()`.
    Tanh => "tanh", Function(Call::Unary);
    /// `x.relu()`, `max(x, 0)`.
    Relu => "relu", Function(Call::Unary);
    /// `x.sin()`.
    Sin => "sin", Function(Call::Unary);
    /// `x.cos()`.
    Cos => "cos", Function(Call::Unary);
    /// `x.tan()`.
    Tan => "tan", Function(Call::Unary);
    /// `x.asin()`.
    Asin => "asin", Function(Call::Unary);
    /// `x.acos()`.
    Acos => "acos", Function(Call::Unary);
    /// `x.atan()`.
    Atan => "atan", Function(Call::Unary);
    /// `x.sinh()`.
    Sinh => "sinh", Function(Call::Unary);
    /// `x.cosh()`.
    Cosh => "cosh", Function(Call::Unary);
    /// `x.abs()`.
    Abs => "abs", Function(Call::Unary);
    /// `x.log1p()`, `ln(1 + x)`.
    Log1p => "log1p", Function(Call::Unary);
    /// `x.expm1()`, `e^x - 1`.
    Expm1 => "expm1", Function(Call::Unary);
    /// `x.log2()`.
    Log2 => "log2", Function(Call::Unary);
    /// `x.log10()`.
    Log10 => "log10", Function(Call::Unary);
    /// `x.softplus()`, `ln(1 + e^x)`.
    Softplus => "softplus", Function(Call::Unary);
    /// `x.recip()`, `1 / x`.
    Recip => "recip", Function(Call::Unary);
    /// `x.square()`, `x²`.
    Square => "square", Function(Call::Unary);
    /// `x.cbrt()`, the cube root.
    Cbrt => "cbrt", Function(Call::Unary);
    /// `x.leaky_relu(alpha)`: `x` above 0, `alpha · x` at and below.
    LeakyRelu(alpha: f64) => "leaky_relu", Function(Call::UnaryWithParameter("alpha"));
    /// `x.elu(alpha)`: `x` above 0, `alpha · (e^x - 1)` at and below.
    Elu(alpha: f64) => "elu", Function(Call::UnaryWithParameter("alpha"));
    /// `x.detach()`: the same value, through which no gradient flows.
    Detach => "detach", Function(Call::Unary);
    /// `a.max(b)`.
    Max => "max", Function(Call::Binary);
    /// `a.min(b)`.
    Min => "min", Function(Call::Binary);
    /// `y.atan2(x)`: the angle of the point `(x, y)`.
    Atan2 => "atan2", Function(Call::Binary);
    /// `a.hypot(b)`: `√(a² + b²)` without overflow.
    Hypot => "hypot", Function(Call::Binary);
    /// The n-ary sum of all parents, left to right.
    Sum => "sum", Function(Call::Variadic);
    /// The mean of all parents ([`Tape::mean`](crate::Tape::mean)).
    Mean => "mean", Function(Call::Variadic);
    /// `ln Σ e^xₖ` over all parents, without overflow
    /// ([`Tape::logsumexp`](crate::Tape::logsumexp)).
    Logsumexp => "logsumexp", Function(Call::Variadic);
    /// The dot product of pairs of parents, `a₀b₀ + a₁b₁ + ...`, left to
    /// right: a weighted sum as ONE node ([`Tape::dot`](crate::Tape::dot)).
    Dot => "dot", Pairs;
    /// A user's own op, by its name: a [`CustomOp`](crate::CustomOp)
    /// applied to its operands.
    Custom(name: &'static str) => "custom", Custom;
}

impl Code {
    #[inline]
    pub(crate) fn is_leaf(self) -> bool {
        matches!(self, Code::Var | Code::Const)
    }

    /// Whether a gradient flows through a node of this op to its parents:
    /// all but `detach` (and leaves, which have no parents).
    pub(crate) fn passes_gradient(self) -> bool {
        self != Code::Detach
    }

    /// Whether the op is a function of one node operand and nothing else:
    /// `exp`, `sigmoid`, `abs`, ..., `detach` (no scalar operand).
    pub(crate) fn is_plain_function(self) -> bool {
        matches!(self.form(), Form::Function(Call::Unary))
    }

    /// Where the scalar operand stands, for ops that have one.
    fn scalar_side(self) -> Option<ScalarSide> {
        match self.form() {
            Form::Unary(side) => side,
            Form::Function(Call::UnaryWithParameter(_)) => Some(ScalarSide::Right),
            _ => None,
        }
    }
}

impl Op {
    /// The short name traces and pictures show: the name of the operation as
    /// the user wrote it (`x - 1.0` and `1.0 - x` are both `"sub"`), the
    /// name a function has in the `grad` language, and a custom op's own.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Op::Custom(name) => name,
            op => op.code().0.name(),
        }
    }

    /// The name of every op a tape can record, each once, in the order of
    /// the table that declares them: what a test that means to cover every
    /// op iterates over.
    ///
    /// # Examples
    ///
    /// ```
    /// let names: Vec<&str> = autograd::Op::names().collect();
    /// assert_eq!(&names[..3], ["var", "const", "add"]);
    /// assert!(names.contains(&"dot"));
    /// ```
    pub fn names() -> impl Iterator<Item = &'static str> {
        Code::ALL
            .iter()
            .enumerate()
            .filter(|&(k, code)| Code::ALL[..k].iter().all(|c| c.name() != code.name()))
            .map(|(_, code)| code.name())
    }

    /// Whether this op is a leaf (a [`Op::Var`] or a [`Op::Const`]).
    #[must_use]
    pub fn is_leaf(self) -> bool {
        self.code().0.is_leaf()
    }

    /// The scalar operand stored in the op, and whether it stands before the
    /// node operand in the expression the user wrote (`c - x` rather than `x - c`).
    #[must_use]
    pub fn scalar_operand(self) -> Option<(f64, ScalarSide)> {
        let (code, scalar) = self.code();
        code.scalar_side().map(|side| (scalar, side))
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// An op that front ends can call by name, as the `grad` language does:
/// every function of the table above, none of the operators.
///
/// # Examples
///
/// ```
/// use autograd::{Call, Primitive, Tape};
///
/// let names: Vec<&str> = Primitive::all().map(|p| p.name()).collect();
/// assert!(names.contains(&"sigmoid") && names.contains(&"pow"));
///
/// let tape = Tape::new();
/// let x = tape.var(2.0);
/// let pow = Primitive::named("pow").unwrap();
/// assert_eq!(pow.call(), Call::Binary);
/// assert_eq!(pow.apply(&[x, x], None).value(), 4.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Primitive {
    code: Code,
    call: Call,
}

impl Primitive {
    /// Every op callable by name, in table order.
    pub fn all() -> impl Iterator<Item = Primitive> {
        Code::ALL.iter().filter_map(|&code| match code.form() {
            Form::Function(call) => Some(Primitive { code, call }),
            _ => None,
        })
    }

    /// The op callable as `name`, if there is one.
    #[must_use]
    pub fn named(name: &str) -> Option<Primitive> {
        Self::all().find(|p| p.name() == name)
    }

    /// Its name.
    #[must_use]
    pub fn name(self) -> &'static str {
        self.code.name()
    }

    /// How it is called.
    #[must_use]
    pub fn call(self) -> Call {
        self.call
    }

    /// How it reads in a signature: `exp(x)`, `leaky_relu(x, alpha)`,
    /// `pow(a, b)`, `sum(x, ...)`.
    #[must_use]
    pub fn signature(self) -> String {
        let name = self.name();
        match self.call {
            Call::Unary => format!("{name}(x)"),
            Call::UnaryWithParameter(parameter) => format!("{name}(x, {parameter})"),
            Call::Binary => format!("{name}(a, b)"),
            Call::Variadic => format!("{name}(x, ...)"),
        }
    }

    /// Records the op on the operands' tape: `args` are the node operands
    /// (one, two, or at least one, as [`Primitive::call`] says) and
    /// `parameter` the plain number of a [`Call::UnaryWithParameter`].
    ///
    /// # Panics
    ///
    /// If the number of operands or the parameter does not fit the call,
    /// or as the op's own method does (operands from another tape or
    /// dropped by a rewind).
    #[track_caller]
    pub fn apply<'t>(self, args: &[crate::Var<'t>], parameter: Option<f64>) -> crate::Var<'t> {
        match (self.call, args, parameter) {
            (Call::Unary, &[x], None) => x.tape.unary(self.code, 0.0, x),
            (Call::UnaryWithParameter(_), &[x], Some(p)) => x.tape.unary(self.code, p, x),
            (Call::Binary, &[a, b], None) => a.tape.binary(self.code, a, b),
            (Call::Variadic, [first, ..], None) => first.tape.nary(self.code, args),
            _ => panic!(
                "Primitive::apply: {} takes {}, got {} operand(s) and {} parameter",
                self.signature(),
                match self.call {
                    Call::Unary => "one operand",
                    Call::UnaryWithParameter(_) => "one operand and a parameter",
                    Call::Binary => "two operands",
                    Call::Variadic => "one or more operands",
                },
                args.len(),
                if parameter.is_some() { "a" } else { "no" }
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_op_round_trips_through_its_code() {
        for &code in Code::ALL {
            let op = code.op(2.0);
            assert_eq!(op.code().0, code, "{op:?}");
            assert_eq!(op.name(), code.name());
            if let Some((scalar, _)) = op.scalar_operand() {
                assert_eq!(scalar, 2.0, "{op:?}");
            }
        }
    }

    #[test]
    fn names_are_unique_among_functions() {
        let mut names: Vec<&str> = Primitive::all().map(Primitive::name).collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
    }
}
