//! Every op's formula and the formula of its local derivative with respect
//! to each operand, as a learner writes them: the text beside the numbers
//! of `rules::eval` and `rules::vjp`, one exhaustive match each over the
//! op code, so that a new op does not compile until it has its formulas.
//!
//! At a kink the formula is the branch the rule takes at the operand's
//! value (`relu'` is `1` above 0 and `0` at and below it), so it always
//! agrees with the number beside it.

use super::formula::Formula;
use crate::op::Code;

/// A node as its formulas see it.
pub(crate) struct Node<'a> {
    /// Its op.
    pub(crate) code: Code,
    /// Its scalar operand (`c` in `x * c`, `n` in `x.powi(n)`, `alpha`).
    pub(crate) c: f64,
    /// Its op's name (a custom op's own).
    pub(crate) name: &'a str,
    /// Its operands' formulas, in operand order.
    pub(crate) operands: &'a [Formula],
    /// Its operands' values.
    pub(crate) values: &'a [f64],
}

impl Node<'_> {
    fn x(&self, k: usize) -> Formula {
        self.operands[k].clone()
    }

    fn c(&self) -> Formula {
        Formula::number(self.c)
    }
}

fn one() -> Formula {
    Formula::number(1.0)
}

fn square(x: Formula) -> Formula {
    Formula::power(x, Formula::number(2.0))
}

/// `n x^(n - 1)`, written `2 x` for a square and `1` for `x` itself.
fn power_rule(n: f64, x: Formula) -> Formula {
    if n == 0.0 {
        return Formula::number(0.0);
    }
    let power = match n - 1.0 {
        0.0 => one(),
        1.0 => x,
        m => Formula::power(x, Formula::number(m)),
    };
    Formula::chain(vec![Formula::number(n), power])
}

/// What the node computes, written with its operands: `w1 · i1`,
/// `0.01 - out_o1`, `sigmoid(net_h1)`.
pub(crate) fn expression(node: &Node<'_>) -> Formula {
    let x = |k| node.x(k);
    let all = || node.operands.to_vec();
    match node.code {
        Code::Var | Code::Const => unreachable!("internal error: a leaf has no expression"),
        Code::Add => Formula::Sum(vec![x(0), x(1)]),
        Code::Sub => Formula::difference(x(0), x(1)),
        Code::Mul => Formula::Product(vec![x(0), x(1)]),
        Code::Div => Formula::quotient(x(0), x(1)),
        Code::Pow => Formula::power(x(0), x(1)),
        Code::AddScalar => Formula::Sum(vec![x(0), node.c()]),
        Code::ScalarAdd => Formula::Sum(vec![node.c(), x(0)]),
        Code::SubScalar => Formula::difference(x(0), node.c()),
        Code::ScalarSub => Formula::difference(node.c(), x(0)),
        Code::MulScalar => Formula::Product(vec![x(0), node.c()]),
        Code::ScalarMul => Formula::Product(vec![node.c(), x(0)]),
        Code::DivScalar => Formula::quotient(x(0), node.c()),
        Code::ScalarDiv => Formula::quotient(node.c(), x(0)),
        Code::Powf | Code::Powi => Formula::power(x(0), node.c()),
        Code::Neg => Formula::negation(x(0)),
        Code::LeakyRelu | Code::Elu => Formula::call(node.name, vec![x(0), node.c()]),
        Code::Exp
        | Code::Ln
        | Code::Sqrt
        | Code::Sigmoid
        | Code::Tanh
        | Code::Relu
        | Code::Sin
        | Code::Cos
        | Code::Tan
        | Code::Asin
        | Code::Acos
        | Code::Atan
        | Code::Sinh
        | Code::Cosh
        | Code::Abs
        | Code::Log1p
        | Code::Expm1
        | Code::Log2
        | Code::Log10
        | Code::Softplus
        | Code::Recip
        | Code::Square
        | Code::Cbrt
        | Code::Detach
        | Code::Max
        | Code::Min
        | Code::Atan2
        | Code::Hypot
        | Code::Mean
        | Code::Logsumexp
        | Code::Custom => Formula::call(node.name, all()),
        Code::Sum => Formula::Sum(all()),
        Code::Dot => Formula::Sum(
            node.operands
                .chunks(2)
                .map(|pair| Formula::Product(pair.to_vec()))
                .collect(),
        ),
    }
}

/// `∂node/∂operand k`, written with the operands and the node's own
/// formula `y` (`out_h1 (1 - out_h1)` for the sigmoid `out_h1`).
pub(crate) fn partial(node: &Node<'_>, y: &Formula, k: usize) -> Formula {
    let x = |k| node.x(k);
    let value = |k: usize| node.values[k];
    let number = Formula::number;
    let y = || y.clone();
    match node.code {
        Code::Var | Code::Const => unreachable!("internal error: a leaf has no operands"),
        Code::Add | Code::AddScalar | Code::ScalarAdd | Code::SubScalar | Code::Sum => one(),
        // d(a - b) = da - db
        Code::Sub => number(if k == 0 { 1.0 } else { -1.0 }),
        Code::ScalarSub | Code::Neg => number(-1.0),
        // d(a b) = b da + a db
        Code::Mul => x(1 - k),
        // d(a / b) = da / b - a / b² db
        Code::Div if k == 0 => Formula::quotient(one(), x(1)),
        Code::Div => Formula::negation(Formula::quotient(x(0), square(x(1)))),
        // d(a^b) = b a^(b - 1) da + a^b ln a db
        Code::Pow if k == 0 => Formula::Product(vec![
            x(1),
            Formula::power(x(0), Formula::difference(x(1), one())),
        ]),
        Code::Pow => Formula::Product(vec![y(), Formula::call("ln", vec![x(0)])]),
        Code::MulScalar | Code::ScalarMul => node.c(),
        Code::DivScalar => Formula::quotient(one(), node.c()),
        // d(c / x) = -c / x² dx
        Code::ScalarDiv => Formula::negation(Formula::quotient(node.c(), square(x(0)))),
        Code::Powf | Code::Powi => power_rule(node.c, x(0)),
        Code::Exp => y(),
        Code::Ln => Formula::quotient(one(), x(0)),
        Code::Sqrt => Formula::quotient(one(), Formula::Product(vec![number(2.0), y()])),
        // σ' = σ (1 - σ)
        Code::Sigmoid => Formula::Product(vec![y(), Formula::difference(one(), y())]),
        // tanh' = 1 - tanh²
        Code::Tanh => Formula::difference(one(), square(y())),
        Code::Relu => number(if value(0) > 0.0 { 1.0 } else { 0.0 }),
        Code::Sin => Formula::call("cos", vec![x(0)]),
        Code::Cos => Formula::negation(Formula::call("sin", vec![x(0)])),
        // tan' = 1 + tan²
        Code::Tan => Formula::Sum(vec![one(), square(y())]),
        Code::Asin | Code::Acos => {
            let slope = Formula::quotient(
                one(),
                Formula::call("sqrt", vec![Formula::difference(one(), square(x(0)))]),
            );
            if node.code == Code::Asin {
                slope
            } else {
                Formula::negation(slope)
            }
        }
        Code::Atan => Formula::quotient(one(), Formula::Sum(vec![one(), square(x(0))])),
        Code::Sinh => Formula::call("cosh", vec![x(0)]),
        Code::Cosh => Formula::call("sinh", vec![x(0)]),
        // |x|' is the sign of x, and 0 at 0
        Code::Abs => number(match value(0) {
            v if v > 0.0 => 1.0,
            v if v < 0.0 => -1.0,
            v if v.is_nan() => f64::NAN,
            _ => 0.0,
        }),
        Code::Log1p => Formula::quotient(one(), Formula::Sum(vec![one(), x(0)])),
        Code::Expm1 => Formula::call("exp", vec![x(0)]),
        Code::Log2 | Code::Log10 => {
            let base = number(if node.code == Code::Log2 { 2.0 } else { 10.0 });
            Formula::quotient(
                one(),
                Formula::Product(vec![x(0), Formula::call("ln", vec![base])]),
            )
        }
        Code::Softplus => Formula::call("sigmoid", vec![x(0)]),
        // (1/x)' = -1 / x²
        Code::Recip => Formula::negation(Formula::quotient(one(), square(x(0)))),
        Code::Square => Formula::Product(vec![number(2.0), x(0)]),
        // ∛x' = 1 / (3 ∛x²)
        Code::Cbrt => Formula::quotient(one(), Formula::Product(vec![number(3.0), square(y())])),
        Code::LeakyRelu if value(0) > 0.0 => one(),
        Code::LeakyRelu => node.c(),
        Code::Elu if value(0) > 0.0 => one(),
        Code::Elu => Formula::Product(vec![node.c(), Formula::call("exp", vec![x(0)])]),
        Code::Detach => number(0.0),
        // The larger (smaller) operand passes the gradient; a tie splits it.
        Code::Max | Code::Min => {
            let (a, b) = (value(0), value(1));
            let (mine, other) = if k == 0 { (a, b) } else { (b, a) };
            let wins = if node.code == Code::Max {
                mine > other
            } else {
                mine < other
            };
            number(if a.is_nan() || b.is_nan() {
                f64::NAN
            } else if wins {
                1.0
            } else if a == b {
                0.5
            } else {
                0.0
            })
        }
        // atan2(u, v)' = (v du - u dv) / (u² + v²)
        Code::Atan2 => {
            let denominator = Formula::Sum(vec![square(x(0)), square(x(1))]);
            if k == 0 {
                Formula::quotient(x(1), denominator)
            } else {
                Formula::negation(Formula::quotient(x(0), denominator))
            }
        }
        Code::Hypot => Formula::quotient(x(k), y()),
        Code::Mean => Formula::quotient(one(), number(node.operands.len() as f64)),
        // logsumexp' is the softmax: e^(xₖ - y)
        Code::Logsumexp => Formula::call("exp", vec![Formula::difference(x(k), y())]),
        Code::Dot => x(k ^ 1),
        Code::Custom => {
            let name = if node.operands.len() == 1 {
                format!("{}′", node.name)
            } else {
                format!("∂{}{}", subscript(k + 1), node.name)
            };
            Formula::call(&name, node.operands.to_vec())
        }
    }
}

/// `n` in subscript digits: `₁₂`.
fn subscript(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|d| char::from_u32(0x2080 + d.to_digit(10).unwrap_or(0)).unwrap_or(d))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(label: &str, value: f64) -> Formula {
        Formula::Name {
            label: label.to_owned(),
            value,
        }
    }

    fn node<'a>(code: Code, c: f64, operands: &'a [Formula], values: &'a [f64]) -> Node<'a> {
        Node {
            code,
            c,
            name: code.name(),
            operands,
            values,
        }
    }

    #[test]
    fn every_op_has_an_expression_and_a_derivative_for_each_operand() {
        let operands = [name("a", 0.5), name("b", -2.0)];
        let values = [0.5, -2.0];
        for &code in Code::ALL {
            if code.is_leaf() {
                continue;
            }
            let n = node(code, 2.0, &operands, &values);
            let text = expression(&n).show(None).to_string();
            assert!(!text.is_empty(), "{code:?}");
            for k in 0..2 {
                let d = partial(&n, &name("y", 1.0), k).show(None).to_string();
                assert!(!d.is_empty(), "{code:?}, operand {k}");
            }
        }
    }

    #[test]
    fn derivatives_read_as_a_learner_writes_them() {
        let x = [name("x", 3.0)];
        let y = name("y", 9.0);
        let show = |code, c: f64| {
            partial(&node(code, c, &x, &[3.0]), &y, 0)
                .show(None)
                .to_string()
        };
        assert_eq!(show(Code::Powi, 2.0), "2 · x");
        assert_eq!(show(Code::Powi, 3.0), "3 · x^2");
        assert_eq!(show(Code::Powf, 1.0), "1");
        assert_eq!(show(Code::Powf, 0.0), "0");
        assert_eq!(show(Code::Sigmoid, 0.0), "y (1 - y)");
        assert_eq!(show(Code::Tanh, 0.0), "1 - y^2");
        assert_eq!(show(Code::ScalarDiv, 2.0), "-2 / x^2");
        assert_eq!(show(Code::Relu, 0.0), "1");
        assert_eq!(
            partial(&node(Code::Relu, 0.0, &x, &[0.0]), &y, 0)
                .show(None)
                .to_string(),
            "0"
        );
        let ab = [name("a", 1.0), name("b", 1.0)];
        let tie = node(Code::Max, 0.0, &ab, &[1.0, 1.0]);
        assert_eq!(partial(&tie, &y, 1).show(None).to_string(), "0.5");
        let mul = node(Code::Mul, 0.0, &ab, &[1.0, 1.0]);
        assert_eq!(partial(&mul, &y, 0).show(None).to_string(), "b");
        assert_eq!(expression(&mul).show(None).to_string(), "a · b");
        let custom = Node {
            name: "cube",
            ..node(Code::Custom, 0.0, &x, &[3.0])
        };
        assert_eq!(partial(&custom, &y, 0).show(None).to_string(), "cube′(x)");
    }
}
