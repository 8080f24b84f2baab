//! Parsing a program and recording it on a tape in one pass: the program
//! and its statements. Expressions are in [`expression`].
//!
//! A Pratt parser that evaluates as it parses: each operator records its
//! node as soon as both operands are known, so there is no syntax tree to
//! walk (or to overflow the stack on), and a sum of 100,000 terms is a loop.
//! Nesting (parentheses, calls, unary minus, `^`) recurses, up to a limit.

mod expression;
mod outputs;

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ops::Range;
use std::rc::Rc;

use autograd::{ScalarSide, Tape, Var};

use crate::error::{ErrorKind, SyntaxError};
use crate::fold::{Folder, Num};
use crate::lexer::{Spanned, Token};
use crate::names::{quoted, short};
use crate::note::Note;
use crate::report::line_column;
use crate::tokens::Tokens;

pub use expression::MAX_DEPTH;

/// A program recorded on a tape.
#[derive(Debug)]
pub struct Program<'t> {
    /// What the derivatives are of, never empty: the names an `output`
    /// statement lists, in its order; without one, the last statement's
    /// value alone.
    pub outputs: Vec<Output<'t>>,
    /// Where the keyword of the `output` statement is, if there is one.
    pub output_statement: Option<Range<usize>>,
    /// Every input variable (a name bound to a number), in the order bound.
    pub inputs: Vec<(Rc<str>, Var<'t>)>,
    /// Every name with the node it is bound to at the end of the program,
    /// in the order first bound.
    pub names: Vec<(Rc<str>, Var<'t>)>,
    /// Where in the source each computed node was written: `(node index,
    /// span)`.
    pub origins: Vec<(usize, Range<usize>)>,
    /// The nodes with a number operand that is not finite, in node order.
    pub odd_operands: Vec<OddOperand>,
    /// What was noted while reading: literals that read as 0, and numbers
    /// computed from numbers alone that are not finite.
    pub notes: Vec<Note>,
}

/// An output of a program: a node, and the name it was listed or bound by.
#[derive(Clone, Debug)]
pub struct Output<'t> {
    /// The name; `None` for a last statement that binds none (`x^2`).
    pub name: Option<Rc<str>>,
    /// The node.
    pub node: Var<'t>,
}

impl Output<'_> {
    /// The name the output is shown by: its own, or `output`.
    #[must_use]
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or("output")
    }
}

impl<'t> Program<'t> {
    /// The output when there is only one: the one name of an `output`
    /// statement, or the last statement's value.
    #[must_use]
    pub fn single_output(&self) -> Option<&Output<'t>> {
        match self.outputs.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }
}

/// A number operand that is not finite (`x * (1e308*10)`), and where it
/// came from.
#[derive(Clone, Debug, PartialEq)]
pub struct OddOperand {
    /// The node's index.
    pub node: usize,
    /// Whether the number stands left or right of the node operand.
    pub side: ScalarSide,
    /// Where the number was written.
    pub span: Range<usize>,
    /// The index in [`Program::notes`] of the note on where it stopped being
    /// finite.
    pub note: Option<usize>,
}

/// A value while parsing: a number, or a node on the tape.
#[derive(Clone, Copy, Debug)]
enum Value<'t> {
    Number(Num),
    Node(Var<'t>),
}

/// What a name is bound to.
#[derive(Clone, Debug)]
struct Binding<'t> {
    /// The name, shared with the table's key and the nodes named by it.
    name: Rc<str>,
    value: Value<'t>,
    /// Where the name was bound to an input, if it ever was.
    input_at: Option<usize>,
}

/// Parses `source` and records it on `tape`.
///
/// A name bound to a number, or to an expression of numbers alone
/// (`x = -2^2`, `x = sqrt(2)`), is an input; `const` binds such a number as
/// a constant. The outputs are the names an `output` statement lists, else
/// the last statement's value.
///
/// Nesting recurses: [`MAX_DEPTH`] levels take a few MiB of stack in a
/// debug build, more than a test thread has; [`run`](crate::run) parses on
/// a thread with room for them.
///
/// # Errors
///
/// The first mistake in the program, with its span.
pub fn evaluate<'t>(tape: &'t Tape, source: &str) -> Result<Program<'t>, SyntaxError> {
    Parser {
        tape,
        source,
        tokens: Tokens::new(source),
        depth: 0,
        folder: Folder::new(),
        bindings: HashMap::with_capacity(most_bindings(source)),
        names: Vec::new(),
        inputs: Vec::new(),
        origins: Vec::new(),
        odd_operands: Vec::new(),
        outputs: None,
    }
    .program()
}

struct Parser<'t, 's> {
    tape: &'t Tape,
    source: &'s str,
    tokens: Tokens<'s>,
    /// How many levels of nesting are open.
    depth: usize,
    folder: Folder,
    bindings: HashMap<Rc<str>, Binding<'t>>,
    /// Every name bound, in the order first bound: what "did you mean"
    /// reads, in memory order rather than the table's scattered order.
    names: Vec<Rc<str>>,
    inputs: Vec<(Rc<str>, Var<'t>)>,
    origins: Vec<(usize, Range<usize>)>,
    odd_operands: Vec<OddOperand>,
    /// The `output` statement's keyword and outputs, once read.
    outputs: Option<(Range<usize>, Vec<Output<'t>>)>,
}

impl<'t, 's> Parser<'t, 's> {
    fn program(mut self) -> Result<Program<'t>, SyntaxError> {
        let mut last = None;
        while self.tokens.peek()?.is_some() {
            if let Some(statement) = self.statement()? {
                last = Some(statement);
            }
        }
        let Some((value, name)) = last else {
            return Err(SyntaxError::new(
                ErrorKind::Empty,
                0..self.tokens.source_len(),
                "the program has no statement".to_owned(),
            )
            .help("write an expression, for example: x = 2; y = x^2 + 3*x"));
        };
        let (outputs, output_statement) = match self.outputs.take() {
            Some((keyword, outputs)) => (outputs, Some(keyword)),
            None => {
                let node = match value {
                    Value::Node(v) => v,
                    Value::Number(n) => self.tape.constant(n.x),
                };
                let name = name.map(Rc::from);
                (vec![Output { name, node }], None)
            }
        };
        let mut notes = std::mem::take(&mut self.folder.notes);
        notes.extend(self.tokens.take_notes());
        let names = self
            .names
            .iter()
            .filter_map(|name| match self.bindings[name].value {
                Value::Node(node) => Some((Rc::clone(name), node)),
                Value::Number(_) => None,
            })
            .collect();
        Ok(Program {
            outputs,
            output_statement,
            inputs: self.inputs,
            names,
            origins: self.origins,
            odd_operands: self.odd_operands,
            notes,
        })
    }

    /// One statement, and the end of it; `None` for an empty one and for
    /// the `output` statement.
    fn statement(&mut self) -> Result<Option<(Value<'t>, Option<&'s str>)>, SyntaxError> {
        if self.at_output_statement()? {
            self.output_statement()?;
            return Ok(None);
        }
        let binding = matches!(self.tokens.peek()?, Some(Token::Ident(_)))
            && matches!(self.tokens.peek_at(1)?, Some(t) if t.token == Token::Equals);
        let result = match self.tokens.peek()? {
            Some(Token::End) => {
                self.tokens.advance()?;
                return Ok(None);
            }
            Some(Token::Const) => {
                self.tokens.advance()?;
                let (name, name_span) = self.binding_name()?;
                self.expect_equals(name)?;
                let (value, span) = self.expression(0)?;
                let Value::Number(number) = value else {
                    return Err(SyntaxError::new(
                        ErrorKind::ConstNeedsNumber,
                        span,
                        format!(
                            "`const {}` must be bound to a number, and this expression uses a name",
                            short(name)
                        ),
                    )
                    .help(format!(
                        "write a number or numbers alone, like `const {0} = 2.5` or `const {0} = 1/3`; \
                         for an expression of names leave out `const`",
                        short(name)
                    )));
                };
                let node = self.tape.constant(number.x);
                let key = self.bind(name, &name_span, Value::Node(node), Bound::Constant)?;
                (Value::Node(node.named(key)), Some(name))
            }
            Some(Token::Ident(_)) if binding => {
                let (name, name_span) = self.binding_name()?;
                self.tokens.advance()?; // `=`
                // Nodes recorded from here on are this statement's, and unnamed.
                let fresh = self.tape.len();
                let value = match self.expression(0)?.0 {
                    Value::Number(number) => {
                        let input = self.tape.var(number.x);
                        let key = self.bind(name, &name_span, Value::Node(input), Bound::Input)?;
                        self.inputs.push((Rc::clone(&key), input.named(key)));
                        Value::Node(input)
                    }
                    Value::Node(v) => {
                        let key = self.bind(name, &name_span, Value::Node(v), Bound::Expression)?;
                        if v.index() >= fresh {
                            v.named(key);
                        }
                        Value::Node(v)
                    }
                };
                (value, Some(name))
            }
            _ => (self.expression(0)?.0, None),
        };
        self.end_of_statement()?;
        Ok(Some(result))
    }

    /// Binds `name` (written at `span`) to `value`. A name once bound to an
    /// input remembers where.
    ///
    /// # Errors
    ///
    /// Binding a number to a name that was bound to an input: the two
    /// gradients would have the same label.
    /// Returns the name, shared with the bindings table, to name nodes with.
    fn bind(
        &mut self,
        name: &str,
        span: &Range<usize>,
        value: Value<'t>,
        bound: Bound,
    ) -> Result<Rc<str>, SyntaxError> {
        let input_at = (bound == Bound::Input).then_some(span.start);
        // One probe of the table, for an Rc that a known name then drops.
        match self.bindings.entry(Rc::from(name)) {
            Entry::Occupied(mut entry) => {
                let binding = entry.get_mut();
                if let (Bound::Input | Bound::Constant, Some(at)) = (bound, binding.input_at) {
                    return Err(input_bound_twice(self.source, name, span, at));
                }
                binding.value = value;
                binding.input_at = binding.input_at.or(input_at);
                Ok(Rc::clone(&binding.name))
            }
            Entry::Vacant(entry) => {
                let key = Rc::clone(entry.key());
                self.names.push(Rc::clone(&key));
                entry.insert(Binding {
                    name: Rc::clone(&key),
                    value,
                    input_at,
                });
                Ok(key)
            }
        }
    }

    /// The name being bound, which must not be a function's.
    fn binding_name(&mut self) -> Result<(&'s str, Range<usize>), SyntaxError> {
        match self.tokens.advance()? {
            Some(Spanned {
                token: Token::Ident(name),
                span,
            }) => {
                if expression::is_function(name) {
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
                self.tokens.end_span(),
                "expected a name after `const`".to_owned(),
            )
            .help("write `const c = 2.5`")),
        }
    }

    fn expect_equals(&mut self, name: &str) -> Result<(), SyntaxError> {
        match self.tokens.advance()? {
            Some(Spanned {
                token: Token::Equals,
                ..
            }) => Ok(()),
            other => Err(SyntaxError::new(
                ErrorKind::UnexpectedToken,
                other.map_or(self.tokens.end_span(), |t| t.span),
                format!("expected `=` after `const {}`", short(name)),
            )
            .help(format!("write `const {} = 2.5`", short(name)))),
        }
    }

    fn end_of_statement(&mut self) -> Result<(), SyntaxError> {
        match self.tokens.advance()? {
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
}

/// What a name is being bound to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bound {
    /// A number, as an input.
    Input,
    /// A number, as a constant.
    Constant,
    /// An expression's node.
    Expression,
}

/// The error for binding a number to `name` at `span` when `name` was
/// bound to an input at byte `at` of `source`.
fn input_bound_twice(source: &str, name: &str, span: &Range<usize>, at: usize) -> SyntaxError {
    let (line, column) = line_column(source, at);
    SyntaxError::new(
        ErrorKind::InputBoundTwice,
        span.clone(),
        format!("{} is already an input", quoted(name)),
    )
    .help(format!(
        "it was bound to a number on line {line}, column {column}; each input needs a name \
         of its own, so that its gradient has a label of its own: choose another name here, \
         like `{}2`, or remove the earlier binding",
        short(name)
    ))
}

/// How many names `source` may bind, at most: one per `=`, and a binding
/// takes at least four bytes (`a=1;`). The bindings table is made this
/// large at once, so it never grows by rehashing every name.
fn most_bindings(source: &str) -> usize {
    let equals = source.bytes().filter(|&b| b == b'=').count();
    equals.min(source.len() / 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(source: &str) -> (f64, Vec<(String, f64)>) {
        let tape = Tape::new();
        let program = evaluate(&tape, source).unwrap();
        let output = program.single_output().unwrap().node;
        let grads = output.backward();
        let inputs = program
            .inputs
            .iter()
            .map(|(n, v)| (n.to_string(), grads.wrt(*v)))
            .collect();
        (output.value(), inputs)
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
            ("x = 1; const c = x", ErrorKind::ConstNeedsNumber),
            ("x = 1; x = 2", ErrorKind::InputBoundTwice),
            ("exp = 2", ErrorKind::FunctionAsValue),
            ("y = exp + 1", ErrorKind::FunctionAsValue),
            ("y = 2 3", ErrorKind::UnexpectedToken),
            ("y = ()", ErrorKind::ExpectedOperand),
            ("x = 1; output", ErrorKind::OutputNeedsNames),
            ("x = 1; output 2", ErrorKind::OutputNeedsNames),
            ("x = 1; output x,", ErrorKind::OutputNeedsNames),
            ("x = 1; output x + 1", ErrorKind::OutputNeedsNames),
            ("x = 1; output y", ErrorKind::UnknownName),
            ("x = 1; output exp", ErrorKind::FunctionAsValue),
            ("x = 1; output x, x", ErrorKind::OutputListedTwice),
            ("x = 1; output x; output x", ErrorKind::OutputTwice),
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
    fn an_output_statement_lists_the_outputs_in_its_order() {
        let tape = Tape::new();
        let program = evaluate(&tape, "a = 1; b = a * 2; c = b + a; output c, a\nd = c").unwrap();
        let labels: Vec<&str> = program.outputs.iter().map(Output::label).collect();
        assert_eq!(labels, ["c", "a"]);
        assert_eq!(program.outputs[1].node.index(), program.inputs[0].1.index());
        assert_eq!(program.output_statement, Some(29..35));
        assert!(program.single_output().is_none());
        // Without one, the last statement is the output, named or not.
        let program = evaluate(&tape, "a = 1; a * 2").unwrap();
        assert_eq!(program.single_output().unwrap().label(), "output");
        assert!(program.single_output().unwrap().name.is_none());
        // Every name, as bound at the end, in the order first bound.
        let program = evaluate(&tape, "a = 1; const k = 2; b = a * k; a = b + 1").unwrap();
        let names: Vec<(&str, f64)> = program
            .names
            .iter()
            .map(|(name, var)| (&**name, var.value()))
            .collect();
        assert_eq!(names, [("a", 3.0), ("k", 2.0), ("b", 2.0)]);
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
