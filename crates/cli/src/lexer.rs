//! Splitting a program into tokens, each with its byte span.

use std::ops::Range;

use crate::error::{ErrorKind, SyntaxError};
use crate::names::short;
use crate::note::{Note, What};

/// What a token is.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Token<'s> {
    Number(f64),
    Ident(&'s str),
    Const,
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    LParen,
    RParen,
    Comma,
    Equals,
    /// A newline or `;`: the end of a statement.
    End,
}

impl Token<'_> {
    /// How the token reads in a message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Token::Number(x) => format!("the number {}", autograd::Shortest(*x)),
            Token::Ident(name) => crate::names::quoted(name),
            Token::Const => "`const`".to_owned(),
            Token::Plus => "`+`".to_owned(),
            Token::Minus => "`-`".to_owned(),
            Token::Star => "`*`".to_owned(),
            Token::Slash => "`/`".to_owned(),
            Token::Caret => "`^`".to_owned(),
            Token::LParen => "`(`".to_owned(),
            Token::RParen => "`)`".to_owned(),
            Token::Comma => "`,`".to_owned(),
            Token::Equals => "`=`".to_owned(),
            Token::End => "the end of the statement".to_owned(),
        }
    }
}

/// A token and where it stands in the source.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Spanned<'s> {
    pub(crate) token: Token<'s>,
    pub(crate) span: Range<usize>,
}

/// Every token of `source`, in order.
///
/// # Errors
///
/// A character that starts no token, or a number that does not parse.
#[cfg(test)]
pub(crate) fn tokenize(source: &str) -> Result<Vec<Spanned<'_>>, SyntaxError> {
    let mut lexer = Lexer::new(source);
    let mut tokens = Vec::new();
    while let Some(token) = lexer.next_token()? {
        tokens.push(token);
    }
    Ok(tokens)
}

/// Reads tokens one at a time, so a large program is never held as a token
/// list.
#[derive(Clone, Debug)]
pub(crate) struct Lexer<'s> {
    source: &'s str,
    pos: usize,
    /// Notes on the numbers read so far: those that read as 0.
    pub(crate) notes: Vec<Note>,
}

impl<'s> Lexer<'s> {
    pub(crate) fn new(source: &'s str) -> Self {
        Lexer {
            source,
            pos: 0,
            notes: Vec::new(),
        }
    }

    /// A lexer that reads `source` from byte `pos`, which must start a
    /// token or the space before one: for looking ahead without disturbing
    /// the parser's own lexer.
    pub(crate) fn at(source: &'s str, pos: usize) -> Self {
        Lexer {
            source,
            pos,
            notes: Vec::new(),
        }
    }

    /// The source byte at `index`, if there is one.
    pub(crate) fn byte_at(&self, index: usize) -> Option<u8> {
        self.source.as_bytes().get(index).copied()
    }

    /// The next token, or `None` at the end of the source.
    ///
    /// # Errors
    ///
    /// A character that starts no token, or a number that does not parse.
    pub(crate) fn next_token(&mut self) -> Result<Option<Spanned<'s>>, SyntaxError> {
        let source = self.source;
        let bytes = source.as_bytes();
        let mut i = self.pos;
        let result = loop {
            if i >= bytes.len() {
                break None;
            }
            let start = i;
            let simple = |token| Some((token, start + 1));
            let token = match bytes[i] {
                b' ' | b'\t' | b'\r' => {
                    i += 1;
                    continue;
                }
                b'#' => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'\n' | b';' => simple(Token::End),
                b'+' => simple(Token::Plus),
                b'-' => simple(Token::Minus),
                b'*' => simple(Token::Star),
                b'/' => simple(Token::Slash),
                b'^' => simple(Token::Caret),
                b'(' => simple(Token::LParen),
                b')' => simple(Token::RParen),
                b',' => simple(Token::Comma),
                b'=' => simple(Token::Equals),
                b'0'..=b'9' | b'.' => {
                    let end = number_end(bytes, i);
                    let x = number(&source[start..end], start)?;
                    if reads_as_zero(&source[start..end], x) {
                        self.notes.push(Note {
                            span: start..end,
                            what: What::Underflow,
                        });
                    }
                    Some((Token::Number(x), end))
                }
                c if c.is_ascii_alphabetic() || c == b'_' => {
                    let mut end = i;
                    while end < bytes.len()
                        && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_')
                    {
                        end += 1;
                    }
                    let token = match &source[start..end] {
                        "const" => Token::Const,
                        name => Token::Ident(name),
                    };
                    Some((token, end))
                }
                _ => return Err(unexpected(source, start)),
            };
            break token.map(|(token, end)| Spanned {
                token,
                span: start..end,
            });
        };
        self.pos = result.as_ref().map_or(bytes.len(), |t| t.span.end);
        Ok(result)
    }
}

/// The error for the character at byte `start`, which starts no token.
fn unexpected(source: &str, start: usize) -> SyntaxError {
    let ch = source[start..].chars().next().unwrap_or('?');
    let error = SyntaxError::new(
        ErrorKind::UnexpectedCharacter,
        start..start + ch.len_utf8(),
        format!("unexpected character `{}`", ch.escape_debug()),
    );
    if ch == '\u{feff}' {
        error.help(
            "this is an invisible byte-order mark, allowed only as the very first character \
             of a program; delete it",
        )
    } else {
        error.help("a program uses numbers, names, + - * / ^, parentheses, `=`, `;` and # comments")
    }
}

/// The number `text`, which starts at byte `start`.
fn number(text: &str, start: usize) -> Result<f64, SyntaxError> {
    let span = start..start + text.len();
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err(SyntaxError::new(
            ErrorKind::BadNumber,
            span,
            format!("`{}` is too large for a 64-bit float", short(text)),
        )
        .help("numbers must be finite; the largest is about 1.8e308")),
        Err(_) => Err(SyntaxError::new(
            ErrorKind::BadNumber,
            span,
            format!("`{}` is not a number", short(text)),
        )
        .help("write numbers like 2, 0.05, .5 or 1e-3")),
    }
}

/// Whether the literal `text`, read as `x`, is not zero but reads as 0:
/// smaller than the smallest 64-bit float.
fn reads_as_zero(text: &str, x: f64) -> bool {
    let digits = text.split(['e', 'E']).next().unwrap_or(text);
    x == 0.0 && digits.bytes().any(|b| (b'1'..=b'9').contains(&b))
}

/// Where the number starting at `i` ends: digits and dots, then an exponent
/// if one follows. Anything number-like is taken in, so `1.2.3` is reported
/// as one bad number.
fn number_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
        i += 1;
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        let mut j = i + 1;
        if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
            j += 1;
        }
        let digits = j;
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            j += 1;
        }
        // `2e` or `2e+` is taken whole, and fails to parse; `2exp` is not an
        // exponent only when letters follow.
        if j > digits || !bytes.get(j).is_some_and(u8::is_ascii_alphabetic) {
            i = j;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(source: &str) -> Vec<Token<'_>> {
        tokenize(source)
            .unwrap()
            .into_iter()
            .map(|t| t.token)
            .collect()
    }

    #[test]
    fn numbers_names_and_operators() {
        assert_eq!(
            tokens("x = 1e-3 * .5 # note\ny^2;"),
            [
                Token::Ident("x"),
                Token::Equals,
                Token::Number(1e-3),
                Token::Star,
                Token::Number(0.5),
                Token::End,
                Token::Ident("y"),
                Token::Caret,
                Token::Number(2.0),
                Token::End,
            ]
        );
        assert_eq!(tokens("const c"), [Token::Const, Token::Ident("c")]);
    }

    #[test]
    fn bad_numbers_and_characters_are_errors_with_spans() {
        let e = tokenize("x = 1.2.3").unwrap_err();
        assert_eq!((e.kind, e.span), (ErrorKind::BadNumber, 4..9));
        let e = tokenize("y = 2e").unwrap_err();
        assert_eq!(e.kind, ErrorKind::BadNumber);
        let e = tokenize("z = 1e999").unwrap_err();
        assert!(e.message.contains("too large"));
        let e = tokenize("a = 3 $ 4").unwrap_err();
        assert_eq!((e.kind, e.span), (ErrorKind::UnexpectedCharacter, 6..7));
        let e = tokenize("a = é").unwrap_err();
        assert_eq!(e.span, 4..6);
    }

    #[test]
    fn a_literal_that_reads_as_zero_gets_a_note() {
        let mut lexer = Lexer::new("1e-400 0e-400 0.0 1e-320 00.000e5 0.0000001e-400");
        while lexer.next_token().unwrap().is_some() {}
        let spans: Vec<_> = lexer.notes.iter().map(|n| n.span.clone()).collect();
        assert_eq!(spans, [0..6, 34..48]);
        assert!(
            lexer.notes[0]
                .message("1e-400")
                .starts_with("`1e-400` reads as 0")
        );
    }
}
