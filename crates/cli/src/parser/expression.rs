//! Expressions: operators by binding power, operands, calls, and the
//! nesting limit. Numbers alone fold to a number; anything with a node in
//! it records nodes.

use std::ops::Range;

use autograd::{Call, Primitive, ScalarSide, Var};

use super::{OddOperand, Parser, Value};
use crate::error::{ErrorKind, SyntaxError};
use crate::fold::{Folder, Num};
use crate::lexer::{Spanned, Token};
use crate::names::{self, quoted, short};

/// How many levels deep expressions may nest. Each `(`, each function
/// call, each unary minus and each `^` opens one level until its operand
/// ends: `((x))` is two levels, `exp(exp(x))` two, `--x` two, and `x^2^2`
/// (which is `x^(2^2)`) two.
pub const MAX_DEPTH: usize = 256;

/// Whether `name` is a function of the language: every op the engine
/// can call by name ([`Primitive`]).
pub(super) fn is_function(name: &str) -> bool {
    Primitive::named(name).is_some()
}

/// Every function with its arguments, for messages and `--help`:
/// `sigmoid(x), exp(x), ..., pow(a, b), sum(x, ...)`.
fn function_list() -> String {
    let signatures: Vec<String> = Primitive::all().map(Primitive::signature).collect();
    signatures.join(", ")
}

/// An operand and where it was written.
type Operand<'t> = (Value<'t>, Range<usize>);

impl<'t, 's> Parser<'t, 's> {
    /// Opens a level of nesting at `span`.
    fn enter(&mut self, span: &Range<usize>) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SyntaxError::new(
                ErrorKind::TooDeep,
                span.clone(),
                format!("the expression nests deeper than {MAX_DEPTH} levels"),
            )
            .help(format!(
                "each `(`, call, unary minus and `^` opens a level until its operand ends, \
                 and at most {MAX_DEPTH} may be open; split the expression into statements"
            )));
        }
        Ok(())
    }

    /// Closes a level of nesting.
    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// An expression whose operators bind at least as tightly as `min_bp`.
    pub(super) fn expression(&mut self, min_bp: u8) -> Result<Operand<'t>, SyntaxError> {
        let (mut lhs, mut span) = self.prefix()?;
        loop {
            // (left binding power, right binding power): `^` is
            // right-associative and binds tighter than unary minus (5).
            let (left, right) = match self.tokens.peek()? {
                Some(Token::Plus | Token::Minus) => (1, 2),
                Some(Token::Star | Token::Slash) => (3, 4),
                Some(Token::Caret) => (7, 6),
                _ => break,
            };
            if left < min_bp {
                break;
            }
            let operator = self.tokens.advance()?.expect("peeked");
            let nests = operator.token == Token::Caret;
            if nests {
                self.enter(&operator.span)?;
            }
            let (rhs, rhs_span) = self.operand_after(&operator, right)?;
            if nests {
                self.leave();
            }
            let whole = span.start..rhs_span.end;
            lhs = self.binary(&operator.token, (lhs, span), (rhs, rhs_span), whole.clone());
            span = whole;
        }
        Ok((lhs, span))
    }

    /// The right-hand operand of `operator`, or an error naming it.
    fn operand_after(
        &mut self,
        operator: &Spanned<'_>,
        min_bp: u8,
    ) -> Result<Operand<'t>, SyntaxError> {
        if matches!(self.tokens.peek()?, None | Some(Token::End)) {
            return Err(SyntaxError::new(
                ErrorKind::ExpectedOperand,
                operator.span.clone(),
                format!("{} has no operand after it", operator.token.describe()),
            )
            .help("finish the expression, or remove the operator"));
        }
        self.expression(min_bp)
    }

    fn prefix(&mut self) -> Result<Operand<'t>, SyntaxError> {
        let Some(token) = self.tokens.advance()? else {
            return Err(SyntaxError::new(
                ErrorKind::ExpectedOperand,
                self.tokens.end_span(),
                "expected an operand at the end of the input".to_owned(),
            )
            .help("finish the expression"));
        };
        match token.token {
            Token::Number(x) => Ok((Value::Number(Num::literal(x)), token.span)),
            Token::Minus => {
                self.enter(&token.span)?;
                let (operand, span) = self.operand_after(&token, 5)?;
                self.leave();
                let span = token.span.start..span.end;
                let value = match operand {
                    Value::Number(x) => Value::Number(Folder::negate(x)),
                    Value::Node(v) => Value::Node(self.record(-v, span.clone())),
                };
                Ok((value, span))
            }
            Token::LParen => self.parenthesised(token.span),
            Token::Ident(name) => {
                if matches!(self.tokens.peek()?, Some(Token::LParen)) {
                    return self.call(name, token.span);
                }
                if is_function(name) {
                    return Err(SyntaxError::new(
                        ErrorKind::FunctionAsValue,
                        token.span,
                        format!("`{name}` is a function"),
                    )
                    .help(format!("call it: `{name}(x)`")));
                }
                match self.bindings.get(name) {
                    Some(binding) => Ok((binding.value, token.span)),
                    None => Err(self.unknown_name(name, token.span)),
                }
            }
            Token::RParen => Err(SyntaxError::new(
                ErrorKind::UnbalancedParentheses,
                token.span,
                "this `)` has no matching `(`".to_owned(),
            )
            .help("remove it, or add the `(` it closes")),
            Token::End => Err(SyntaxError::new(
                ErrorKind::ExpectedOperand,
                token.span,
                "expected an operand before the end of the statement".to_owned(),
            )
            .help("finish the expression")),
            other => Err(SyntaxError::new(
                ErrorKind::ExpectedOperand,
                token.span,
                format!("expected an operand, found {}", other.describe()),
            )
            .help("an operand is a number, a name, a call like exp(x), or an expression in parentheses")),
        }
    }

    /// `( expression )`, after the `(` at `open`.
    fn parenthesised(&mut self, open: Range<usize>) -> Result<Operand<'t>, SyntaxError> {
        self.enter(&open)?;
        self.tokens.parens.push(open.clone());
        if matches!(self.tokens.peek()?, Some(Token::RParen)) {
            return Err(SyntaxError::new(
                ErrorKind::ExpectedOperand,
                open,
                "empty parentheses".to_owned(),
            )
            .help("put an expression between them"));
        }
        let (inner, _) = self.expression(0)?;
        self.tokens.parens.pop();
        self.leave();
        match self.tokens.advance()? {
            Some(Spanned {
                token: Token::RParen,
                span,
            }) => Ok((inner, open.start..span.end)),
            _ => Err(SyntaxError::new(
                ErrorKind::UnbalancedParentheses,
                open,
                "this `(` is never closed".to_owned(),
            )
            .help("add the `)` that closes it")),
        }
    }

    fn unknown_name(&self, name: &str, span: Range<usize>) -> SyntaxError {
        let error = SyntaxError::new(
            ErrorKind::UnknownName,
            span,
            format!("unknown name {}", quoted(name)),
        );
        match names::closest(name, self.names.iter().map(|k| &**k)) {
            Some(known) => error.help(format!("did you mean {}?", quoted(known))),
            None => error.help(format!(
                "bind it before using it, for example `{} = 1.5`",
                short(name)
            )),
        }
    }

    fn call(&mut self, name: &str, name_span: Range<usize>) -> Result<Operand<'t>, SyntaxError> {
        let Some(function) = Primitive::named(name) else {
            return Err(SyntaxError::new(
                ErrorKind::UnknownFunction,
                name_span,
                format!("unknown function {}", quoted(name)),
            )
            .help(format!("the functions are {}", function_list())));
        };
        let name = function.name();
        self.enter(&name_span)?;
        let open = self.tokens.advance()?.expect("peeked `(`");
        self.tokens.parens.push(open.span.clone());
        let mut args = Vec::new();
        if !matches!(self.tokens.peek()?, Some(Token::RParen)) {
            loop {
                args.push(self.expression(0)?);
                if matches!(self.tokens.peek()?, Some(Token::Comma)) {
                    self.tokens.advance()?;
                } else {
                    break;
                }
            }
        }
        self.tokens.parens.pop();
        self.leave();
        let close = match self.tokens.advance()? {
            Some(Spanned {
                token: Token::RParen,
                span,
            }) => span,
            _ => {
                return Err(SyntaxError::new(
                    ErrorKind::UnbalancedParentheses,
                    open.span,
                    format!("this `(` of {name}(...) is never closed"),
                )
                .help("add the `)` that closes it"));
            }
        };
        let span = name_span.start..close.end;
        let (fits, expected) = match function.call() {
            Call::Unary => (args.len() == 1, "1 argument"),
            Call::UnaryWithParameter(_) | Call::Binary => (args.len() == 2, "2 arguments"),
            Call::Variadic => (!args.is_empty(), "1 or more arguments"),
        };
        if !fits {
            return Err(SyntaxError::new(
                ErrorKind::WrongArgumentCount,
                span,
                format!("{name} takes {expected}, got {}", args.len()),
            )
            .help(format!("write `{}`", function.signature())));
        }
        if name == "pow" {
            let mut args = args.into_iter();
            let (first, second) = (args.next(), args.next());
            let (first, second) = first.zip(second).expect("checked the count");
            return Ok((self.power(first, second, span.clone()), span));
        }
        let parameter = match function.call() {
            Call::UnaryWithParameter(parameter) => {
                let (value, value_span) = args.pop().expect("checked the count");
                match value {
                    Value::Number(n) => Some(n.x),
                    Value::Node(_) => {
                        return Err(SyntaxError::new(
                            ErrorKind::WrongArgumentCount,
                            value_span,
                            format!("the {parameter} of {name} must be a number, not an input"),
                        )
                        .help(format!(
                            "write a number there, as in `{name}(x, 0.01)`; it gets no gradient"
                        )));
                    }
                }
            }
            _ => None,
        };
        let numbers: Option<Vec<_>> = args
            .iter()
            .map(|(value, _)| match value {
                Value::Number(n) => Some(*n),
                Value::Node(_) => None,
            })
            .collect();
        let value = match numbers {
            Some(numbers) => Value::Number(self.folder.call(function, &numbers, parameter, &span)),
            None => {
                let nodes: Vec<Var<'t>> = args
                    .into_iter()
                    .map(|(value, _)| self.node(value))
                    .collect();
                let y = function.apply(&nodes, parameter);
                Value::Node(self.record(y, span.clone()))
            }
        };
        Ok((value, span))
    }

    /// A value as a node: a number becomes a constant.
    fn node(&mut self, value: Value<'t>) -> Var<'t> {
        match value {
            Value::Node(v) => v,
            Value::Number(n) => self.tape.constant(n.x),
        }
    }

    /// Notes where a node was written, for warnings; returns it.
    fn record(&mut self, node: Var<'t>, span: Range<usize>) -> Var<'t> {
        self.origins.push((node.index(), span));
        node
    }

    /// Like [`Parser::record`], for a node with the number operand
    /// `number` written at `number_span` on `side`: one that is not finite
    /// is remembered, for warnings.
    fn record_with_number(
        &mut self,
        node: Var<'t>,
        span: Range<usize>,
        (number, number_span): (Num, Range<usize>),
        side: ScalarSide,
    ) -> Var<'t> {
        if !number.x.is_finite() {
            self.odd_operands.push(OddOperand {
                node: node.index(),
                side,
                span: number_span,
                note: number.note,
            });
        }
        self.record(node, span)
    }

    fn binary(
        &mut self,
        operator: &Token<'_>,
        (a, a_span): Operand<'t>,
        (b, b_span): Operand<'t>,
        span: Range<usize>,
    ) -> Value<'t> {
        use Value::{Node, Number};
        let symbol = match operator {
            Token::Caret => return self.power((a, a_span), (b, b_span), span),
            Token::Plus => '+',
            Token::Minus => '-',
            Token::Star => '*',
            Token::Slash => '/',
            _ => unreachable!("internal error: only + - * / ^ are binary operators"),
        };
        let node = match (a, b) {
            (Number(x), Number(y)) => {
                return Number(self.folder.binary(symbol, x, y, &span));
            }
            (Node(x), Node(y)) => {
                let node = match symbol {
                    '+' => x + y,
                    '-' => x - y,
                    '*' => x * y,
                    _ => x / y,
                };
                self.record(node, span)
            }
            (Node(x), Number(c)) => {
                let node = match symbol {
                    '+' => x + c.x,
                    '-' => x - c.x,
                    '*' => x * c.x,
                    _ => x / c.x,
                };
                self.record_with_number(node, span, (c, b_span), ScalarSide::Right)
            }
            (Number(c), Node(y)) => {
                let node = match symbol {
                    '+' => c.x + y,
                    '-' => c.x - y,
                    '*' => c.x * y,
                    _ => c.x / y,
                };
                self.record_with_number(node, span, (c, a_span), ScalarSide::Left)
            }
        };
        Node(node)
    }

    /// `a ^ b`: an integer exponent is `powi`, another number `powf`, a
    /// node `pow` (which differentiates the exponent too).
    fn power(
        &mut self,
        (base, _): Operand<'t>,
        (exponent, exponent_span): Operand<'t>,
        span: Range<usize>,
    ) -> Value<'t> {
        let node = match (base, exponent) {
            (Value::Number(x), Value::Number(y)) => {
                return Value::Number(self.folder.power(x, y, &span));
            }
            (Value::Node(x), Value::Number(n)) => {
                let node = if n.x.fract() == 0.0 && n.x.abs() <= f64::from(i32::MAX) {
                    x.powi(n.x as i32)
                } else {
                    x.powf(n.x)
                };
                return Value::Node(self.record_with_number(
                    node,
                    span,
                    (n, exponent_span),
                    ScalarSide::Right,
                ));
            }
            (base, Value::Node(e)) => {
                let base = self.node(base);
                base.pow(e)
            }
        };
        Value::Node(self.record(node, span))
    }
}
