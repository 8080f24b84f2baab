//! The `output` statement: `output a, b` lists the outputs by name, each
//! read where the statement stands, as any use of a name is.
//!
//! `output` is a keyword only at the start of a statement and followed by a
//! name (or by something that can only be a mistaken list); `output = 2`
//! still binds a name, and a bound name `output` still reads as itself.

use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use super::{Output, Parser, Value};
use crate::error::{ErrorKind, SyntaxError};
use crate::lexer::{Lexer, Spanned, Token};
use crate::names::{self, quoted, short};
use crate::report::line_column;

/// The word that starts an `output` statement.
pub(super) const KEYWORD: &str = "output";

/// How to output an expression, for the help of errors that find one where
/// a name should be.
const BIND_FIRST: &str = "`output` lists names bound earlier, separated by commas; to output an \
                          expression, bind it to a name first: `y = 2*x + 1; output y`";

impl<'t, 's> Parser<'t, 's> {
    /// Whether the next statement is an `output` statement: `output`
    /// followed by a name, a number or a comma, or by nothing when `output`
    /// is not itself a bound name.
    pub(super) fn at_output_statement(&mut self) -> Result<bool, SyntaxError> {
        if !matches!(self.tokens.peek()?, Some(Token::Ident(KEYWORD))) {
            return Ok(false);
        }
        Ok(match self.tokens.peek_at(1)?.map(|t| &t.token) {
            Some(Token::Ident(_) | Token::Number(_) | Token::Comma) => true,
            None | Some(Token::End) => !self.bindings.contains_key(KEYWORD),
            Some(_) => false,
        })
    }

    /// `output a, b, ...`, and the end of the statement: the nodes the names
    /// are bound to here, in order.
    ///
    /// # Errors
    ///
    /// A second `output` statement; no names; something other than a name
    /// in the list; a name that is unknown, a function's, or listed twice.
    pub(super) fn output_statement(&mut self) -> Result<(), SyntaxError> {
        let keyword = self.tokens.advance()?.expect("peeked `output`").span;
        if let Some((first, _)) = &self.outputs {
            return Err(output_twice(self.source, &keyword, first.start));
        }
        let mut listed: Vec<Output<'t>> = Vec::new();
        // Where each name listed so far is, to find one listed twice.
        let mut seen: HashMap<&'s str, usize> = HashMap::new();
        // What the next name follows: the keyword, then each comma.
        let mut after = (Token::Ident(KEYWORD), keyword.clone());
        loop {
            let (name, span) = self.listed_name(&after)?;
            if let Some(&first) = seen.get(name) {
                return Err(listed_twice(self.source, name, &span, first));
            }
            let Some(binding) = self.bindings.get(name) else {
                return Err(self.unknown_output(name, span));
            };
            let Value::Node(node) = binding.value else {
                unreachable!("internal error: every name is bound to a node");
            };
            listed.push(Output {
                name: Some(Rc::clone(&binding.name)),
                node,
            });
            seen.insert(name, span.start);
            match self.tokens.peek_at(0)? {
                None
                | Some(Spanned {
                    token: Token::End, ..
                }) => break,
                Some(Spanned {
                    token: Token::Comma,
                    ..
                }) => {
                    let comma = self.tokens.advance()?.expect("peeked `,`");
                    after = (comma.token, comma.span);
                }
                Some(Spanned { token, span: at }) => {
                    let help = if matches!(token, Token::Ident(_)) {
                        "separate the names with commas: `output a, b`"
                    } else {
                        BIND_FIRST
                    };
                    return Err(SyntaxError::new(
                        ErrorKind::OutputNeedsNames,
                        at.clone(),
                        format!(
                            "expected `,` or the end of the statement after the output {}, found {}",
                            quoted(listed.last().map_or("", Output::label)),
                            token.describe()
                        ),
                    )
                    .help(help));
                }
            }
        }
        self.end_of_statement()?;
        self.outputs = Some((keyword, listed));
        Ok(())
    }

    /// The name that comes after `after` (the keyword or a comma), or
    /// the error for what stands there instead.
    fn listed_name(
        &mut self,
        (after, after_span): &(Token<'_>, Range<usize>),
    ) -> Result<(&'s str, Range<usize>), SyntaxError> {
        let keyword = matches!(after, Token::Ident(_));
        match self.tokens.advance()? {
            Some(Spanned {
                token: Token::Ident(name),
                span,
            }) => {
                if super::expression::is_function(name) {
                    return Err(SyntaxError::new(
                        ErrorKind::FunctionAsValue,
                        span,
                        format!("`{name}` is a function, not a name bound to a value"),
                    )
                    .help(BIND_FIRST));
                }
                Ok((name, span))
            }
            None
            | Some(Spanned {
                token: Token::End, ..
            }) if keyword => Err(SyntaxError::new(
                ErrorKind::OutputNeedsNames,
                after_span.clone(),
                "`output` lists no names".to_owned(),
            )
            .help(
                "list the outputs by name, as in `output y`, or `output a, b` for the Jacobian \
                 of several",
            )),
            None
            | Some(Spanned {
                token: Token::End, ..
            }) => Err(SyntaxError::new(
                ErrorKind::OutputNeedsNames,
                after_span.clone(),
                "expected the name of an output after `,`".to_owned(),
            )
            .help("remove the last `,`, or list another name after it")),
            Some(Spanned { token, span }) => Err(SyntaxError::new(
                ErrorKind::OutputNeedsNames,
                span,
                format!(
                    "expected the name of an output after {}, found {}",
                    after.describe(),
                    token.describe()
                ),
            )
            .help(if token == Token::Comma {
                "remove this `,`: a comma stands between two names, as in `output a, b`"
            } else {
                BIND_FIRST
            })),
        }
    }

    /// The error for an unknown name `name` listed at `span`: a name bound
    /// later gets told to move the statement, a typo gets a suggestion.
    fn unknown_output(&self, name: &str, span: Range<usize>) -> SyntaxError {
        let error = SyntaxError::new(
            ErrorKind::UnknownName,
            span.clone(),
            format!("unknown name {}", quoted(name)),
        );
        if let Some(at) = bound_later(self.source, name, span.end) {
            let (line, column) = line_column(self.source, at);
            return error.help(format!(
                "{} is bound later, at line {line}, column {column}, and `output` reads the names \
                 bound before it: move the `output` statement after that binding, for example to \
                 the end of the program",
                quoted(name)
            ));
        }
        match names::closest(name, self.names.iter().map(|k| &**k)) {
            Some(known) => error.help(format!("did you mean {}?", quoted(known))),
            None => error.help(format!(
                "bind it before the `output` statement, for example `{} = 1.5`",
                short(name)
            )),
        }
    }
}

/// Where `name` is bound (`name = ...` or `const name = ...`) in `source`
/// after byte `from`, if it is: read with a lexer of its own, which stops
/// at the first token it cannot read.
fn bound_later(source: &str, name: &str, from: usize) -> Option<usize> {
    let mut lexer = Lexer::at(source, from);
    let mut previous: Option<Spanned<'_>> = None;
    while let Ok(Some(token)) = lexer.next_token() {
        if token.token == Token::Equals
            && let Some(Spanned {
                token: Token::Ident(bound),
                span,
            }) = &previous
            && *bound == name
        {
            return Some(span.start);
        }
        previous = Some(token);
    }
    None
}

/// The error for a second `output` statement (its keyword at `span`) when
/// the first one's keyword is at byte `first`.
fn output_twice(source: &str, span: &Range<usize>, first: usize) -> SyntaxError {
    let (line, column) = line_column(source, first);
    SyntaxError::new(
        ErrorKind::OutputTwice,
        span.clone(),
        "a second `output` statement".to_owned(),
    )
    .help(format!(
        "the first is on line {line}, column {column}; list every output in one statement, \
         as in `output a, b`"
    ))
}

/// The error for `name` listed again at `span` when it was first listed at
/// byte `first`.
fn listed_twice(source: &str, name: &str, span: &Range<usize>, first: usize) -> SyntaxError {
    let (_, column) = line_column(source, first);
    SyntaxError::new(
        ErrorKind::OutputListedTwice,
        span.clone(),
        format!("{} is listed twice", quoted(name)),
    )
    .help(format!(
        "it is listed already at column {column}; list each output once: the Jacobian has one \
         row per output"
    ))
}
