//! The parser's view of the tokens: a few read ahead, and line ends inside
//! parentheses skipped.

use std::ops::Range;

use crate::error::SyntaxError;
use crate::lexer::{Lexer, Spanned, Token};
use crate::note::Note;

/// Tokens read one at a time from a [`Lexer`], with lookahead.
pub(crate) struct Tokens<'s> {
    lexer: Lexer<'s>,
    source_len: usize,
    /// Tokens read ahead, next first.
    ahead: Vec<Spanned<'s>>,
    /// The span of the last token consumed, for errors at the end.
    last_span: Range<usize>,
    /// The spans of the `(` still open; inside them a newline is whitespace.
    pub(crate) parens: Vec<Range<usize>>,
}

impl<'s> Tokens<'s> {
    pub(crate) fn new(source: &'s str) -> Self {
        Tokens {
            lexer: Lexer::new(source),
            source_len: source.len(),
            ahead: Vec::new(),
            last_span: 0..0,
            parens: Vec::new(),
        }
    }

    /// The token `n` ahead (0 = next), skipping line ends inside parentheses.
    pub(crate) fn peek_at(&mut self, n: usize) -> Result<Option<&Spanned<'s>>, SyntaxError> {
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
    fn is_newline(&self, token: &Spanned<'_>) -> bool {
        // Newlines and `;` both end statements, but only a newline may sit
        // inside parentheses; the source byte under the token tells which.
        self.lexer.byte_at(token.span.start) == Some(b'\n')
    }

    /// The next token.
    pub(crate) fn peek(&mut self) -> Result<Option<&Token<'s>>, SyntaxError> {
        Ok(self.peek_at(0)?.map(|t| &t.token))
    }

    /// Consumes the next token.
    pub(crate) fn advance(&mut self) -> Result<Option<Spanned<'s>>, SyntaxError> {
        self.peek_at(0)?;
        if self.ahead.is_empty() {
            return Ok(None);
        }
        let token = self.ahead.remove(0);
        self.last_span = token.span.clone();
        Ok(Some(token))
    }

    /// A zero-width span at the end of the source, or the last token's.
    pub(crate) fn end_span(&self) -> Range<usize> {
        if self.last_span.end > 0 {
            self.last_span.clone()
        } else {
            self.source_len..self.source_len
        }
    }

    /// The length of the source.
    pub(crate) fn source_len(&self) -> usize {
        self.source_len
    }

    /// The lexer's notes (numbers that read as 0), taken out.
    pub(crate) fn take_notes(&mut self) -> Vec<Note> {
        std::mem::take(&mut self.lexer.notes)
    }
}
