//! Formulas as data: a node's expression or a local derivative, whose names
//! carry the values they stand for, printed with the names
//! (`out_h1 (1 - out_h1)`) or with the numbers (`0.593269992 (1 -
//! 0.593269992)`).

use std::fmt::{self, Write as _};

use crate::number::Shortest;

/// How an explanation prints its numbers.
///
/// # Examples
///
/// ```
/// use autograd::explain::Precision;
///
/// assert_eq!(Precision::Decimals(9).format(0.7413650695523157), "0.74136507");
/// assert_eq!(Precision::Significant(6).format(0.00043856773447434685), "0.000438568");
/// assert_eq!(Precision::Decimals(3).format(-2e-9), "-2e-9");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// Rounded to this many decimal places, trailing zeros dropped, as the
    /// blog prints its numbers (`0.74136507`); a number that would round to
    /// 0 keeps as many significant digits instead.
    Decimals(u32),
    /// Rounded to this many significant digits, printed as [`Shortest`]
    /// prints (scientific notation below 1e-4 and from 1e16).
    Significant(u32),
}

impl Default for Precision {
    /// Nine significant digits.
    fn default() -> Self {
        Precision::Significant(9)
    }
}

impl Precision {
    /// `x` at this precision.
    #[must_use]
    pub fn format(self, x: f64) -> String {
        if !x.is_finite() || x == 0.0 {
            return Shortest(if x == 0.0 { 0.0 } else { x }).to_string();
        }
        match self {
            Precision::Decimals(places) => {
                let text = format!("{x:.*}", places as usize);
                let text = if text.contains('.') {
                    text.trim_end_matches('0').trim_end_matches('.')
                } else {
                    &text
                };
                if text == "0" || text == "-0" {
                    Precision::Significant(places.max(1)).format(x)
                } else {
                    text.to_owned()
                }
            }
            Precision::Significant(digits) => {
                let rounded: f64 = format!("{x:.*e}", digits.max(1) as usize - 1)
                    .parse()
                    .expect("internal error: a formatted float reads back");
                Shortest(rounded).to_string()
            }
        }
    }
}

/// A formula: numbers, names (each with the value it stands for), and the
/// operations between them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Formula {
    /// A node shown by its name (or `#id`), standing for `value`.
    Name { label: String, value: f64 },
    /// A plain number.
    Number(f64),
    /// `a + b + ...`.
    Sum(Vec<Formula>),
    /// `a - b`.
    Difference(Box<Formula>, Box<Formula>),
    /// `a · b · ...`, a factor in parentheses written after the one before
    /// it without a dot: `out (1 - out)`.
    Product(Vec<Formula>),
    /// `a / b`.
    Quotient(Box<Formula>, Box<Formula>),
    /// `a^b`.
    Power(Box<Formula>, Box<Formula>),
    /// `-a`.
    Negation(Box<Formula>),
    /// `f(a, b, ...)`.
    Call(String, Vec<Formula>),
}

/// Builders that read like the formulas they build.
impl Formula {
    pub(crate) fn number(x: f64) -> Formula {
        Formula::Number(x)
    }

    pub(crate) fn difference(a: Formula, b: Formula) -> Formula {
        Formula::Difference(Box::new(a), Box::new(b))
    }

    pub(crate) fn quotient(a: Formula, b: Formula) -> Formula {
        Formula::Quotient(Box::new(a), Box::new(b))
    }

    pub(crate) fn power(a: Formula, b: Formula) -> Formula {
        Formula::Power(Box::new(a), Box::new(b))
    }

    pub(crate) fn negation(a: Formula) -> Formula {
        Formula::Negation(Box::new(a))
    }

    pub(crate) fn call(name: &str, operands: Vec<Formula>) -> Formula {
        Formula::Call(name.to_owned(), operands)
    }

    /// The product of the factors of a chain of local derivatives, without
    /// its factors of 1 (`1 · i1` is `i1`), nested products flattened;
    /// 1 when nothing is left, and 0 when a factor is 0 (a relu below its
    /// kink passes nothing, whatever the rest).
    pub(crate) fn chain(factors: Vec<Formula>) -> Formula {
        if factors
            .iter()
            .any(|f| matches!(f, Formula::Number(x) if *x == 0.0))
        {
            return Formula::Number(0.0);
        }
        let mut flat = Vec::with_capacity(factors.len());
        for factor in factors {
            match factor {
                Formula::Number(1.0) => {}
                Formula::Product(inner) => flat.extend(inner),
                other => flat.push(other),
            }
        }
        match flat.len() {
            0 => Formula::Number(1.0),
            1 => flat.pop().expect("one factor"),
            _ => Formula::Product(flat),
        }
    }

    /// `self + other`, a sum of the paths of one local derivative.
    pub(crate) fn plus(self, other: Formula) -> Formula {
        match self {
            Formula::Sum(mut terms) => {
                terms.push(other);
                Formula::Sum(terms)
            }
            first => Formula::Sum(vec![first, other]),
        }
    }

    /// Whether it is a plain number: printing it with numbers adds nothing.
    pub(crate) fn is_number(&self) -> bool {
        matches!(self, Formula::Number(_))
    }

    /// Whether it is a single name: printed with numbers, it is its value.
    pub(crate) fn is_name(&self) -> bool {
        matches!(self, Formula::Name { .. })
    }

    /// It printed with its names (`numbers` `None`) or with the values the
    /// names stand for, at that precision.
    pub(crate) fn show(&self, numbers: Option<Precision>) -> Shown<'_> {
        Shown {
            formula: self,
            numbers,
        }
    }

    /// How tightly it binds: a sum 1, a product 2, a negation 3, a power
    /// 4, a name, a call or a number that is not negative 5.
    fn binding(&self, numbers: Option<Precision>) -> u8 {
        match self {
            Formula::Sum(_) | Formula::Difference(..) => 1,
            Formula::Product(_) | Formula::Quotient(..) => 2,
            Formula::Negation(_) => 3,
            Formula::Power(..) => 4,
            Formula::Number(x) => negative_or(*x, 5),
            Formula::Name { value, .. } if numbers.is_some() => negative_or(*value, 5),
            Formula::Name { .. } | Formula::Call(..) => 5,
        }
    }

    /// Writes it, in parentheses unless it binds at least as tightly as
    /// `binding`. A leading minus sign is written bare only at the top of
    /// a formula or of a call's operand (`top`).
    fn write(
        &self,
        out: &mut String,
        numbers: Option<Precision>,
        binding: u8,
        top: bool,
    ) -> fmt::Result {
        let own = self.binding(numbers);
        let wrap = own < binding || (own == 3 && !top);
        if wrap {
            out.push('(');
        }
        match self {
            Formula::Name { label, value } => match numbers {
                Some(precision) => out.push_str(&precision.format(*value)),
                None => out.push_str(label),
            },
            Formula::Number(x) => match numbers {
                Some(precision) => out.push_str(&precision.format(*x)),
                None => write!(out, "{}", Shortest(*x))?,
            },
            Formula::Sum(terms) => {
                for (k, term) in terms.iter().enumerate() {
                    if k > 0 {
                        out.push_str(" + ");
                    }
                    term.write(out, numbers, 1, k == 0 && (top || wrap))?;
                }
            }
            Formula::Difference(a, b) => {
                a.write(out, numbers, 1, top || wrap)?;
                out.push_str(" - ");
                b.write(out, numbers, 2, false)?;
            }
            Formula::Product(factors) => {
                for (k, factor) in factors.iter().enumerate() {
                    let parenthesised = factor.binding(numbers) < 2
                        || (factor.binding(numbers) == 3 && !(k == 0 && (top || wrap)));
                    if k > 0 {
                        out.push_str(if parenthesised { " " } else { " · " });
                    }
                    factor.write(out, numbers, 2, k == 0 && (top || wrap))?;
                }
            }
            Formula::Quotient(a, b) => {
                a.write(out, numbers, 2, top || wrap)?;
                out.push_str(" / ");
                b.write(out, numbers, 4, false)?;
            }
            Formula::Power(a, b) => {
                a.write(out, numbers, 5, false)?;
                out.push('^');
                b.write(out, numbers, 5, false)?;
            }
            Formula::Negation(a) => {
                // -a · b and -a / b read alike either way: only a sum
                // needs parentheses.
                out.push('-');
                a.write(out, numbers, 2, false)?;
            }
            Formula::Call(name, operands) => {
                write!(out, "{name}(")?;
                for (k, operand) in operands.iter().enumerate() {
                    if k > 0 {
                        out.push_str(", ");
                    }
                    operand.write(out, numbers, 0, true)?;
                }
                out.push(')');
            }
        }
        if wrap {
            out.push(')');
        }
        Ok(())
    }
}

/// 3 (binds as a negation) for a negative `x`, else `otherwise`.
fn negative_or(x: f64, otherwise: u8) -> u8 {
    if x.is_sign_negative() && x != 0.0 {
        3
    } else {
        otherwise
    }
}

/// A formula as printed; see [`Formula::show`].
pub(crate) struct Shown<'f> {
    formula: &'f Formula,
    numbers: Option<Precision>,
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.formula.write(&mut out, self.numbers, 0, true)?;
        f.write_str(&out)
    }
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

    #[test]
    fn the_sigmoids_derivative_reads_as_the_blog_writes_it() {
        let out = name("out_h1", 0.5932699921071872);
        let d = Formula::Product(vec![
            out.clone(),
            Formula::difference(Formula::number(1.0), out),
        ]);
        assert_eq!(d.show(None).to_string(), "out_h1 (1 - out_h1)");
        assert_eq!(
            d.show(Some(Precision::Decimals(9))).to_string(),
            "0.593269992 (1 - 0.593269992)"
        );
    }

    #[test]
    fn negative_numbers_are_parenthesised_inside_a_formula() {
        let chain = Formula::chain(vec![
            Formula::number(0.5),
            Formula::Product(vec![
                Formula::number(2.0),
                Formula::difference(Formula::number(0.01), name("out_o1", 0.75)),
            ]),
            Formula::number(-1.0),
        ]);
        assert_eq!(chain.show(None).to_string(), "0.5 · 2 (0.01 - out_o1) (-1)");
        assert_eq!(Formula::number(-1.0).show(None).to_string(), "-1");
        let sum = Formula::number(0.5).plus(name("w", -0.25));
        assert_eq!(
            sum.show(Some(Precision::Decimals(9))).to_string(),
            "0.5 + (-0.25)"
        );
        let negated = Formula::negation(Formula::call("sin", vec![name("x", 1.0)]));
        assert_eq!(negated.show(None).to_string(), "-sin(x)");
        let quotient = Formula::quotient(
            Formula::number(1.0),
            Formula::Product(vec![Formula::number(2.0), name("y", 3.0)]),
        );
        assert_eq!(quotient.show(None).to_string(), "1 / (2 · y)");
        let power = Formula::power(
            Formula::difference(name("t", 1.0), name("o", 0.5)),
            Formula::number(2.0),
        );
        assert_eq!(power.show(None).to_string(), "(t - o)^2");
    }

    #[test]
    fn a_chain_drops_its_factors_of_one() {
        let chain = Formula::chain(vec![Formula::number(1.0), name("i1", 0.05)]);
        assert_eq!(chain, name("i1", 0.05));
        assert_eq!(Formula::chain(vec![]), Formula::number(1.0));
    }

    #[test]
    fn numbers_print_at_the_precision_asked() {
        assert_eq!(Precision::Decimals(9).format(0.40), "0.4");
        assert_eq!(
            Precision::Decimals(9).format(-0.019049118258278114),
            "-0.019049118"
        );
        assert_eq!(
            Precision::Decimals(9).format(3.5084786296312774e-5),
            "0.000035085"
        );
        assert_eq!(Precision::Decimals(9).format(1.0), "1");
        assert_eq!(Precision::Decimals(0).format(12.6), "13");
        assert_eq!(
            Precision::Significant(9).format(3.5084786296312774e-5),
            "3.50847863e-5"
        );
        assert_eq!(Precision::Significant(3).format(-1e-300), "-1e-300");
        assert_eq!(Precision::default().format(f64::NAN), "NaN");
        assert_eq!(Precision::default().format(-0.0), "0");
    }
}
