//! Parsing a program and recording it on a tape in one pass.
//!
//! A Pratt parser that evaluates as it parses: each operator records its
//! node as soon as both operands are known, so there is no syntax tree to
//! walk (or to overflow the stack on), and a sum of 100,000 terms is a loop.
//! Nesting (parentheses, unary minus, `^`, calls) recurses, up to a limit.

use std::collections::HashMap;
use std::ops::Range;

use autograd::{Tape, Var};

use crate::error::{ErrorKind, SyntaxError};
use crate::lexer::{Lexer, Spanned, Token};
use crate::names::{self, quoted, short};

/// How deep parentheses, unary minus, `^` and calls may nest.
pub const MAX_DEPTH: usize = 256;

/// The functions the language knows, with their argument counts.
const FUNCTIONS: [(&str, usize); 7] = [
    ("sigmoid", 1),
    ("exp", 1),
    ("ln", 1),
    ("tanh", 1),
    ("relu", 1),
    ("sqrt", 1),
    ("pow", 2),
];

fn arity(name: &str) -> Option<usize> {
    FUNCTIONS.iter().find(|(f, _)| *f == name).map(|(_, n)| *n)
}

/// A program recorded on a tape.
#[derive(Debug)]
pub struct Program<'t> {
    /// The last statement's value: what the gradients are of.
    pub output: Var<'t>,
    /// The name the last statement bound, if it bound one.
    pub output_name: Option<String>,
    /// Every input variable (`name = number`), in the order bound.
    pub inputs: Vec<(String, Var<'t>)>,
    /// Where in the source each computed node was written: `(node index,
    /// span)`.
    pub origins: Vec<(usize, Range<usize>)>,
}

/// A value while parsing: a plain number, or a node on the tape.
#[derive(Clone, Copy, Debug)]
enum Value<'t> {
    Number(f64),
    Node(Var<'t>),
}

/// Parses `source` and records it on `tape`.
///
/// # Errors
///
/// The first mistake in the program, with its span.
pub fn evaluate<'t>(tape: &'t Tape, source: &str) -> Result<Program<'t>, SyntaxError> {
    Parser {
        tape,
        lexer: Lexer::new(source),
        source_len: source.len(),
        ahead: Vec::new(),
        last_span: 0..0,
        parens: Vec::new(),
        depth: 0,
        bindings: HashMap::new(),
        inputs: Vec::new(),
        origins: Vec::new(),
    }
    .program()
}

struct Parser<'t, 's> {
    tape: &'t Tape,
    lexer: Lexer<'s>,
    source_len: usize,
    /// Tokens read ahead, next first.
    ahead: Vec<Spanned>,
    /// The span of the last token consumed, for errors at the end.
    last_span: Range<usize>,
    /// The spans of the `(` still open; inside them a newline is whitespace.
    parens: Vec<Range<usize>>,
    depth: usize,
    bindings: HashMap<String, Value<'t>>,
    inputs: Vec<(String, Var<'t>)>,
    origins: Vec<(usize, Range<usize>)>,
}

impl<'t> Parser<'t, '_> {
    /// The token `n` ahead (0 = next), skipping line ends inside parentheses.
    fn peek_at(&mut self, n: usize) -> Result<Option<&Spanned>, SyntaxError> {
        while self.ahead.len() <= n {
            match self.lexer.next_token()? {
                Some(t)
                    if t.token == Token::End && !self.parens.is_empty() && self.is_newline(&t) => {}
                Some(t) => self.ahead.push(t),
                None => return Ok(None),
            }
        }
        Ok(self.ahead.get(n))
    }

    /// Whether an end-of-statement token is a newline (not a `;`).
    fn is_newline(&self, token: &Spanned) -> bool {
        // Newlines and `;` both end statements, but only a newline may sit
        // inside parentheses; the source byte under the token tells which.
        self.lexer.byte_at(token.span.start) == Some(b'\n')
    }

    fn peek(&mut self) -> Result<Option<&Token>, SyntaxError> {
        Ok(self.peek_at(0)?.map(|t| &t.token))
    }

    fn advance(&mut self) -> Result<Option<Spanned>, SyntaxError> {
        self.peek_at(0)?;
        if self.ahead.is_empty() {
            return Ok(None);
        }
        let token = self.ahead.remove(0);
        self.last_span = token.span.clone();
        Ok(Some(token))
    }

    /// The span of the next token, or [`Parser::end_span`] at the end.
    fn next_span(&mut self) -> Result<Range<usize>, SyntaxError> {
        let end = self.end_span();
        Ok(self.peek_at(0)?.map_or(end, |t| t.span.clone()))
    }

    /// A zero-width span at the end of the source, or the last token's.
    fn end_span(&self) -> Range<usize> {
        if self.last_span.end > 0 {
            self.last_span.clone()
        } else {
            self.source_len..self.source_len
        }
    }

    fn program(mut self) -> Result<Program<'t>, SyntaxError> {
        let mut last = None;
        while self.peek()?.is_some() {
            if let Some(statement) = self.statement()? {
                last = Some(statement);
            }
        }
        let Some((value, name)) = last else {
            return Err(SyntaxError::new(
                ErrorKind::Empty,
                0..self.source_len,
                "the program has no statement".to_owned(),
            )
            .help("write an expression, for example: x = 2; y = x^2 + 3*x"));
        };
        let output = match value {
            Value::Node(v) => v,
            Value::Number(x) => {
                let c = self.tape.constant(x);
                match &name {
                    Some(name) => c.named(name.clone()),
                    None => c,
                }
            }
        };
        Ok(Program {
            output,
            output_name: name,
            inputs: self.inputs,
            origins: self.origins,
        })
    }

    /// One statement, and the end of it; `None` for an empty one.
    fn statement(&mut self) -> Result<Option<(Value<'t>, Option<String>)>, SyntaxError> {
        let binding = matches!(self.peek()?, Some(Token::Ident(_)))
            && matches!(self.peek_at(1)?, Some(t) if t.token == Token::Equals);
        let result = match self.peek()? {
            Some(Token::End) => {
                self.advance()?;
                return Ok(None);
            }
            Some(Token::Const) => {
                self.advance()?;
                let (name, _) = self.binding_name()?;
                self.expect_equals(&name)?;
                let Some(value) = self.literal()? else {
                    let span = self.next_span()?;
                    return Err(SyntaxError::new(
                        ErrorKind::ConstNeedsNumber,
                        span,
                        format!("`const {}` must be bound to a number", short(&name)),
                    )
                    .help(format!(
                        "write `const {} = 2.5`; for an expression leave out `const`",
                        short(&name)
                    )));
                };
                let node = self.tape.constant_named(name.clone(), value);
                self.bindings.insert(name.clone(), Value::Node(node));
                (Value::Node(node), Some(name))
            }
            Some(Token::Ident(_)) if binding => {
                let (name, _) = self.binding_name()?;
                self.advance()?; // `=`
                let value = match self.literal()? {
                    Some(x) => {
                        let input = self.tape.var_named(name.clone(), x);
                        self.inputs.push((name.clone(), input));
                        Value::Node(input)
                    }
                    None => match self.expression(0)?.0 {
                        Value::Node(v) => {
                            if v.name().is_none() {
                                v.named(name.clone());
                            }
                            Value::Node(v)
                        }
                        Value::Number(x) => Value::Node(self.tape.constant_named(name.clone(), x)),
                    },
                };
                self.bindings.insert(name.clone(), value);
                (value, Some(name))
            }
            _ => (self.expression(0)?.0, None),
        };
        self.end_of_statement()?;
        Ok(Some(result))
    }

    /// The name being bound, which must not be a function's.
    fn binding_name(&mut self) -> Result<(String, Range<usize>), SyntaxError> {
        match self.advance()? {
            Some(Spanned {
                token: Token::Ident(name),
                span,
            }) => {
                if arity(&name).is_some() {
                    return Err(SyntaxError::new(
                        ErrorKind::FunctionAsValue,
                        span,
                        format!("`{name}` is a function and cannot be bound"),
                    )
                    .help("choose another name"));
                }
                Ok((name, span))
            }
            Some(other) => Err(SyntaxError::new(
                ErrorKind::UnexpectedToken,
                other.span,
                format!(
                    "expected a name after `const`, found {}",
                    other.token.describe()
                ),
            )
            .help("write `const c = 2.5`")),
            None => Err(SyntaxError::new(
                ErrorKind::UnexpectedToken,
                self.end_span(),
                "expected a name after `const`".to_owned(),
            )
            .help("write `const c = 2.5`")),
        }
    }

    fn expect_equals(&mut self, name: &str) -> Result<(), SyntaxError> {
        match self.advance()? {
            Some(Spanned {
                token: Token::Equals,
                ..
            }) => Ok(()),
            other => Err(SyntaxError::new(
                ErrorKind::UnexpectedToken,
                other.map_or(self.end_span(), |t| t.span),
                format!("expected `=` after `const {}`", short(name)),
            )
            .help(format!("write `const {} = 2.5`", short(name)))),
        }
    }

    /// A number literal, optionally negative, standing alone as the whole
    /// right-hand side: `x = 3` or `x = -0.5`. Consumes it only then.
    fn literal(&mut self) -> Result<Option<f64>, SyntaxError> {
        let (sign, at) = match self.peek()? {
            Some(Token::Minus) => (-1.0, 1),
            _ => (1.0, 0),
        };
        let Some(Token::Number(x)) = self.peek_at(at)?.map(|t| t.token.clone()) else {
            return Ok(None);
        };
        if !matches!(
            self.peek_at(at + 1)?,
            None | Some(Spanned {
                token: Token::End,
                ..
            })
        ) {
            return Ok(None);
        }
        for _ in 0..=at {
            self.advance()?;
        }
        Ok(Some(sign * x))
    }

    fn end_of_statement(&mut self) -> Result<(), SyntaxError> {
        match self.advance()? {
            None
            | Some(Spanned {
                token: Token::End, ..
            }) => Ok(()),
            Some(Spanned {
                token: Token::RParen,
                span,
            }) => Err(SyntaxError::new(
                ErrorKind::UnbalancedParentheses,
                span,
                "this `)` has no matching `(`".to_owned(),
            )
            .help("remove it, or add the `(` it closes")),
            Some(Spanned { token, span }) => Err(SyntaxError::new(
                ErrorKind::UnexpectedToken,
                span,
                format!("expected an operator or the end of the statement, found {}", token.describe()),
            )
            .help("put an operator between operands (`2 * x`, not `2 x`), and end statements with a newline or `;`")),
        }
    }

    fn enter(&mut self, span: Range<usize>) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SyntaxError::new(
                ErrorKind::TooDeep,
                span,
                format!("the expression nests deeper than {MAX_DEPTH} levels"),
            )
            .help("parentheses, unary minus, `^` and calls may nest 256 deep; split the expression into statements"));
        }
        Ok(())
    }

    /// An expression whose operators bind at least as tightly as `min_bp`.
    fn expression(&mut self, min_bp: u8) -> Result<(Value<'t>, Range<usize>), SyntaxError> {
        let here = self.next_span()?;
        self.enter(here)?;
        let (mut lhs, mut span) = self.prefix()?;
        loop {
            // (left binding power, right binding power): `^` is
            // right-associative and binds tighter than unary minus (5).
            let (left, right) = match self.peek()? {
                Some(Token::Plus | Token::Minus) => (1, 2),
                Some(Token::Star | Token::Slash) => (3, 4),
                Some(Token::Caret) => (7, 6),
                _ => break,
            };
            if left < min_bp {
                break;
            }
            let operator = self.advance()?.expect("peeked");
            let (rhs, rhs_span) = self.operand_after(&operator, right)?;
            span = span.start..rhs_span.end;
            lhs = self.binary(&operator.token, lhs, rhs, span.clone());
        }
        self.depth -= 1;
        Ok((lhs, span))
    }

    /// The right-hand operand of `operator`, or an error naming it.
    fn operand_after(
        &mut self,
        operator: &Spanned,
        min_bp: u8,
    ) -> Result<(Value<'t>, Range<usize>), SyntaxError> {
        if matches!(self.peek()?, None | Some(Token::End)) {
            return Err(SyntaxError::new(
                ErrorKind::ExpectedOperand,
                operator.span.clone(),
                format!("{} has no operand after it", operator.token.describe()),
            )
            .help("finish the expression, or remove the operator"));
        }
        self.expression(min_bp)
    }

    fn prefix(&mut self) -> Result<(Value<'t>, Range<usize>), SyntaxError> {
        let Some(token) = self.advance()? else {
            return Err(SyntaxError::new(
                ErrorKind::ExpectedOperand,
                self.end_span(),
                "expected an operand at the end of the input".to_owned(),
            )
            .help("finish the expression"));
        };
        match token.token {
            Token::Number(x) => Ok((Value::Number(x), token.span)),
            Token::Minus => {
                let (operand, span) = self.operand_after(&token, 5)?;
                let span = token.span.start..span.end;
                let value = match operand {
                    Value::Number(x) => Value::Number(-x),
                    Value::Node(v) => Value::Node(self.record(-v, span.clone())),
                };
                Ok((value, span))
            }
            Token::LParen => {
                self.parens.push(token.span.clone());
                let (inner, _) = if matches!(self.peek()?, Some(Token::RParen)) {
                    return Err(SyntaxError::new(
                        ErrorKind::ExpectedOperand,
                        token.span,
                        "empty parentheses".to_owned(),
                    )
                    .help("put an expression between them"));
                } else {
                    self.expression(0)?
                };
                let open = self.parens.pop().expect("pushed above");
                match self.advance()? {
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
            Token::Ident(name) => {
                if matches!(self.peek()?, Some(Token::LParen)) {
                    return self.call(name, token.span);
                }
                if arity(&name).is_some() {
                    return Err(SyntaxError::new(
                        ErrorKind::FunctionAsValue,
                        token.span,
                        format!("`{name}` is a function"),
                    )
                    .help(format!("call it: `{name}(x)`")));
                }
                match self.bindings.get(&name) {
                    Some(&value) => Ok((value, token.span)),
                    None => Err(self.unknown_name(&name, token.span)),
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

    fn unknown_name(&self, name: &str, span: Range<usize>) -> SyntaxError {
        let error = SyntaxError::new(
            ErrorKind::UnknownName,
            span,
            format!("unknown name {}", quoted(name)),
        );
        match names::closest(name, self.bindings.keys().map(String::as_str)) {
            Some(known) => error.help(format!("did you mean {}?", quoted(known))),
            None => error.help(format!(
                "bind it before using it, for example `{} = 1.5`",
                short(name)
            )),
        }
    }

    fn call(
        &mut self,
        name: String,
        name_span: Range<usize>,
    ) -> Result<(Value<'t>, Range<usize>), SyntaxError> {
        let Some(expected) = arity(&name) else {
            return Err(SyntaxError::new(
                ErrorKind::UnknownFunction,
                name_span,
                format!("unknown function {}", quoted(&name)),
            )
            .help("the functions are sigmoid, exp, ln, tanh, relu, sqrt and pow(a, b)"));
        };
        self.enter(name_span.clone())?;
        let open = self.advance()?.expect("peeked `(`");
        self.parens.push(open.span.clone());
        let mut args = Vec::new();
        if !matches!(self.peek()?, Some(Token::RParen)) {
            loop {
                args.push(self.expression(0)?.0);
                if matches!(self.peek()?, Some(Token::Comma)) {
                    self.advance()?;
                } else {
                    break;
                }
            }
        }
        self.parens.pop();
        let close = match self.advance()? {
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
        if args.len() != expected {
            let plural = if expected == 1 {
                "argument"
            } else {
                "arguments"
            };
            return Err(SyntaxError::new(
                ErrorKind::WrongArgumentCount,
                span,
                format!("{name} takes {expected} {plural}, got {}", args.len()),
            )
            .help(if expected == 1 {
                format!("write `{name}(x)`")
            } else {
                format!("write `{name}(a, b)`")
            }));
        }
        self.depth -= 1;
        let value = if name == "pow" {
            self.power(args[0], args[1], span.clone())
        } else {
            let x = self.node(args[0]);
            let y = match name.as_str() {
                "sigmoid" => x.sigmoid(),
                "exp" => x.exp(),
                "ln" => x.ln(),
                "tanh" => x.tanh(),
                "relu" => x.relu(),
                "sqrt" => x.sqrt(),
                _ => unreachable!("internal error: arity() knows only these"),
            };
            Value::Node(self.record(y, span.clone()))
        };
        Ok((value, span))
    }

    /// A value as a node: a number becomes a constant.
    fn node(&mut self, value: Value<'t>) -> Var<'t> {
        match value {
            Value::Node(v) => v,
            Value::Number(x) => self.tape.constant(x),
        }
    }

    /// Notes where a node was written, for warnings; returns it.
    fn record(&mut self, node: Var<'t>, span: Range<usize>) -> Var<'t> {
        self.origins.push((node.index(), span));
        node
    }

    fn binary(
        &mut self,
        operator: &Token,
        a: Value<'t>,
        b: Value<'t>,
        span: Range<usize>,
    ) -> Value<'t> {
        use Value::{Node, Number};
        if *operator == Token::Caret {
            return self.power(a, b, span);
        }
        let node = match (operator, a, b) {
            (Token::Plus, Number(x), Number(y)) => return Number(x + y),
            (Token::Minus, Number(x), Number(y)) => return Number(x - y),
            (Token::Star, Number(x), Number(y)) => return Number(x * y),
            (Token::Slash, Number(x), Number(y)) => return Number(x / y),
            (Token::Plus, Node(x), Number(y)) => x + y,
            (Token::Plus, Number(x), Node(y)) => x + y,
            (Token::Plus, Node(x), Node(y)) => x + y,
            (Token::Minus, Node(x), Number(y)) => x - y,
            (Token::Minus, Number(x), Node(y)) => x - y,
            (Token::Minus, Node(x), Node(y)) => x - y,
            (Token::Star, Node(x), Number(y)) => x * y,
            (Token::Star, Number(x), Node(y)) => x * y,
            (Token::Star, Node(x), Node(y)) => x * y,
            (Token::Slash, Node(x), Number(y)) => x / y,
            (Token::Slash, Number(x), Node(y)) => x / y,
            (Token::Slash, Node(x), Node(y)) => x / y,
            _ => unreachable!("internal error: only + - * / ^ are binary operators"),
        };
        Node(self.record(node, span))
    }

    /// `a ^ b`: an integer exponent is `powi`, another number `powf`, a
    /// node `pow` (which differentiates the exponent too).
    fn power(&mut self, base: Value<'t>, exponent: Value<'t>, span: Range<usize>) -> Value<'t> {
        let node = match (base, exponent) {
            (Value::Number(x), Value::Number(y)) => return Value::Number(x.powf(y)),
            (Value::Node(x), Value::Number(n))
                if n.fract() == 0.0 && n.abs() <= f64::from(i32::MAX) =>
            {
                x.powi(n as i32)
            }
            (Value::Node(x), Value::Number(p)) => x.powf(p),
            (base, Value::Node(e)) => {
                let base = self.node(base);
                base.pow(e)
            }
        };
        Value::Node(self.record(node, span))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(source: &str) -> (f64, Vec<(String, f64)>) {
        let tape = Tape::new();
        let program = evaluate(&tape, source).unwrap();
        let grads = program.output.backward();
        let inputs = program
            .inputs
            .iter()
            .map(|(n, v)| (n.clone(), grads.wrt(*v)))
            .collect();
        (program.output.value(), inputs)
    }

    fn error(source: &str) -> SyntaxError {
        let tape = Tape::new();
        evaluate(&tape, source).unwrap_err()
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(run("2^3^2").0, 512.0);
        assert_eq!(run("x = 3; -x^2").0, -9.0);
        assert_eq!(run("x = 3; (-x)^2").0, 9.0);
        assert_eq!(run("1 + 2 * 3 - 4 / 2").0, 5.0);
        assert_eq!(run("10 - 4 - 3").0, 3.0);
        assert_eq!(run("2 ^ -1").0, 0.5);
        assert_eq!(run("x = 2; x * -3").0, -6.0);
    }

    #[test]
    fn gradients_of_inputs_only() {
        // y = x²·c + ln x; dy/dx = 2xc + 1/x
        let (value, grads) = run("x = 2\nconst c = 3\ny = x^2 * c + ln(x)");
        assert_eq!(value, 12.0 + 2f64.ln());
        assert_eq!(grads, [("x".to_owned(), 2.0 * 2.0 * 3.0 + 0.5)]);
    }

    #[test]
    fn rebinding_reads_the_previous_value() {
        // c = x + 1, then c = c·c: (x + 1)², derivative 2(x + 1)
        let (value, grads) = run("x = 1; c = x + 1; c = c * c");
        assert_eq!(value, 4.0);
        assert_eq!(grads[0].1, 4.0);
    }

    #[test]
    fn newlines_inside_parentheses_continue_the_statement() {
        assert_eq!(run("x = 1\ny = (x +\n  2)\n").0, 3.0);
    }

    #[test]
    fn every_error_kind_points_at_its_spot() {
        let cases = [
            ("", ErrorKind::Empty),
            ("# only a comment\n", ErrorKind::Empty),
            ("y = foo(2)", ErrorKind::UnknownFunction),
            ("y = x + 1", ErrorKind::UnknownName),
            ("y = (1 + 2", ErrorKind::UnbalancedParentheses),
            ("y = 1 + 2)", ErrorKind::UnbalancedParentheses),
            ("y = 1 +", ErrorKind::ExpectedOperand),
            ("y = * 2", ErrorKind::ExpectedOperand),
            ("y = 1.2.3", ErrorKind::BadNumber),
            ("y = exp(1, 2)", ErrorKind::WrongArgumentCount),
            ("y = pow(2)", ErrorKind::WrongArgumentCount),
            ("const c = x", ErrorKind::ConstNeedsNumber),
            ("exp = 2", ErrorKind::FunctionAsValue),
            ("y = exp + 1", ErrorKind::FunctionAsValue),
            ("y = 2 3", ErrorKind::UnexpectedToken),
            ("y = ()", ErrorKind::ExpectedOperand),
        ];
        for (source, kind) in cases {
            let e = error(source);
            assert_eq!(e.kind, kind, "{source:?}: {e:?}");
            assert!(e.span.end <= source.len().max(1), "{source:?}: {e:?}");
            assert!(e.help.is_some(), "{source:?} has no help");
        }
        assert_eq!(error("y = (1 + 2").span, 4..5);
        assert_eq!(error("a = 1\nb = a +").span, 12..13);
        assert_eq!(
            error("xs = 1; y = x + 1").help.as_deref(),
            Some("did you mean `xs`?")
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let source = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(error(&source).kind, ErrorKind::TooDeep);
        let minus = format!("x = 1; {}x", "-".repeat(100_000));
        assert_eq!(error(&minus).kind, ErrorKind::TooDeep);
        // Nesting within the limit works.
        let fine = format!("x = 2; {}x{}", "(".repeat(200), ")".repeat(200));
        assert_eq!(run(&fine).0, 2.0);
    }

    #[test]
    fn long_sums_are_a_loop() {
        let source = format!("x = 1; y = x{}", " + x".repeat(100_000));
        let (value, grads) = run(&source);
        assert_eq!(value, 100_001.0);
        assert_eq!(grads[0].1, 100_001.0);
    }

    #[test]
    fn origins_point_at_the_operator_expression() {
        let tape = Tape::new();
        let program = evaluate(&tape, "x = 4\ny = ln(x - 5)").unwrap();
        let spans: Vec<_> = program.origins.iter().map(|(_, s)| s.clone()).collect();
        assert_eq!(spans, [13..18, 10..19]);
    }
}
