//! What a node computes, written as a learner writes it: `w1 × i1`,
//! `#12 + #13 + b1`, `0.01 - out_o1`, `#28^2`, `sigmoid(net_h1)`. The
//! text is read off the op the tape recorded (its name, its scalar operand
//! and where that stands); operators are written between their operands,
//! everything else as a call by the op's name.

use autograd::{Op, ScalarSide, Shortest};

/// The expression of a node of op `op` whose node operands read
/// `operands` (names, `#id`s or numbers), in operand order.
pub(crate) fn expression(op: Op, operands: &[String]) -> String {
    // An operand that starts with a minus sign is bracketed between
    // operators, so that `0.01 - -0.74` reads `0.01 - (-0.74)`.
    let term = |k: usize| -> String {
        let text = &operands[k];
        if text.starts_with('-') {
            format!("({text})")
        } else {
            text.clone()
        }
    };
    let infix = |symbol: &str| -> Option<String> {
        match (operands.len(), op.scalar_operand()) {
            (2, None) => Some(format!("{} {symbol} {}", term(0), term(1))),
            (1, Some((c, ScalarSide::Left))) => {
                Some(format!("{} {symbol} {}", Shortest(c), term(0)))
            }
            (1, Some((c, ScalarSide::Right))) => {
                Some(format!("{} {symbol} {}", term(0), Shortest(c)))
            }
            _ => None,
        }
    };
    let written = match op.name() {
        "add" => infix("+"),
        "sub" => infix("-"),
        "mul" => infix("×"),
        "div" => infix("/"),
        "neg" if operands.len() == 1 => Some(format!("-{}", term(0))),
        "powi" | "powf" => match (operands.len(), op.scalar_operand()) {
            (1, Some((c, _))) => Some(format!("{}^{}", term(0), Shortest(c))),
            _ => None,
        },
        "sum" if !operands.is_empty() => Some(
            (0..operands.len())
                .map(term)
                .collect::<Vec<_>>()
                .join(" + "),
        ),
        "dot" if operands.len().is_multiple_of(2) && !operands.is_empty() => Some(
            (0..operands.len())
                .step_by(2)
                .map(|k| format!("{}·{}", term(k), term(k + 1)))
                .collect::<Vec<_>>()
                .join(" + "),
        ),
        _ => None,
    };
    written.unwrap_or_else(|| call(op, operands))
}

/// `name(a, b)`, with a scalar parameter last: `leaky_relu(x, 0.01)`.
fn call(op: Op, operands: &[String]) -> String {
    let mut arguments = operands.to_vec();
    if let Some((c, _)) = op.scalar_operand() {
        arguments.push(Shortest(c).to_string());
    }
    format!("{}({})", op.name(), arguments.join(", "))
}

#[cfg(test)]
mod tests {
    use super::expression;
    use autograd::Tape;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn operators_stand_between_their_operands() {
        let tape = Tape::new();
        let (a, b) = (tape.var(1.0), tape.var(2.0));
        let ab = names(&["a", "b"]);
        let a_only = names(&["a"]);
        assert_eq!(expression((a * b).op(), &ab), "a × b");
        assert_eq!(expression((a - b).op(), &ab), "a - b");
        assert_eq!(expression((0.01 - a).op(), &a_only), "0.01 - a");
        assert_eq!(expression((a / 4.0).op(), &a_only), "a / 4");
        assert_eq!(expression((-a).op(), &a_only), "-a");
        assert_eq!(expression(a.powi(2).op(), &a_only), "a^2");
        assert_eq!(
            expression(tape.sum([a, b, a]).op(), &names(&["a", "b", "a"])),
            "a + b + a"
        );
        assert_eq!(
            expression(
                tape.dot(&[a, b], &[b, a]).op(),
                &names(&["a", "b", "b", "a"])
            ),
            "a·b + b·a"
        );
    }

    #[test]
    fn functions_are_called_by_name() {
        let tape = Tape::new();
        let (a, b) = (tape.var(1.0), tape.var(2.0));
        assert_eq!(expression(a.sigmoid().op(), &names(&["a"])), "sigmoid(a)");
        assert_eq!(expression(a.max(b).op(), &names(&["a", "b"])), "max(a, b)");
        assert_eq!(
            expression(a.leaky_relu(0.01).op(), &names(&["a"])),
            "leaky_relu(a, 0.01)"
        );
    }

    #[test]
    fn negative_numbers_are_bracketed_between_operators() {
        let tape = Tape::new();
        let a = tape.var(1.0);
        assert_eq!(
            expression((0.01 - a).op(), &names(&["-0.741365"])),
            "0.01 - (-0.741365)"
        );
        assert_eq!(expression(a.exp().op(), &names(&["-2"])), "exp(-2)");
    }
}
