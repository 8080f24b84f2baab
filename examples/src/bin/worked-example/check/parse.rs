//! Reading a learner's file: one `SYMBOL = VALUE` a line, `#` comments and
//! blank lines; any mistake in it is a [`ParseError`] pointing at the spot.

use std::collections::HashMap;
use std::ops::Range;

use super::number::{NumberError, Written};
use super::symbol::Symbol;
use crate::network::Network;

/// One line of the learner's file.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entry {
    /// The quantity.
    pub(crate) symbol: Symbol,
    /// The learner's number.
    pub(crate) written: Written,
    /// Its line, from 1.
    pub(crate) line: usize,
}

/// A mistake in the file: what, where (bytes of the source) and how to fix
/// it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParseError {
    /// The bytes of the source it points at.
    pub(crate) span: Range<usize>,
    /// What is wrong, in one line.
    pub(crate) message: String,
    /// How to fix it.
    pub(crate) help: String,
}

/// How a line is written, for help.
const FORM: &str = "write one number a line as `SYMBOL = VALUE`, e.g. `out_h1 = 0.593269992`; \
                    `#` starts a comment";

/// Reads every line of `source`.
///
/// # Errors
///
/// The first malformed line's [`ParseError`]: a missing `=`, symbol or
/// number, an unknown symbol (with a "did you mean"), a bad number, a
/// symbol given twice; or a file without a single number.
pub(crate) fn parse(source: &str, network: &Network) -> Result<Vec<Entry>, ParseError> {
    let mut entries: Vec<Entry> = Vec::new();
    // Each symbol's first line, to find one given twice.
    let mut seen: HashMap<Symbol, usize> = HashMap::new();
    let mut start = 0;
    for (index, raw) in source.split('\n').enumerate() {
        let line_start = start;
        start += raw.len() + 1;
        let text = raw.split('#').next().unwrap_or("");
        let text = text.strip_suffix('\r').unwrap_or(text);
        if text.trim().is_empty() {
            continue;
        }
        let (entry, span) = line(text, line_start, index + 1, network)?;
        if let Some(first) = seen.insert(entry.symbol, entry.line) {
            return Err(ParseError {
                span,
                message: format!("`{}` is given twice", entry.symbol.show(network)),
                help: format!("it was first given on line {first}; keep the one you mean"),
            });
        }
        entries.push(entry);
    }
    if entries.is_empty() {
        return Err(ParseError {
            span: 0..0,
            message: "the file has no `SYMBOL = VALUE` line".to_owned(),
            help: FORM.to_owned(),
        });
    }
    Ok(entries)
}

/// The span of `part`, a slice of `text`, in the source (`text` starts at
/// byte `offset`).
fn span_of(text: &str, part: &str, offset: usize) -> Range<usize> {
    let start = offset + (part.as_ptr() as usize - text.as_ptr() as usize);
    start..start + part.len()
}

/// One line with a number (`text`, without its comment, starting at byte
/// `offset` of the source); the entry and its symbol's span.
fn line(
    text: &str,
    offset: usize,
    number: usize,
    network: &Network,
) -> Result<(Entry, Range<usize>), ParseError> {
    let error = |part: &str, message: String, help: &str| ParseError {
        span: span_of(text, part, offset),
        message,
        help: help.to_owned(),
    };
    let Some(equals) = text.find('=') else {
        let trimmed = text.trim();
        let (symbol, rest) = trimmed
            .split_once(char::is_whitespace)
            .map_or((trimmed, ""), |(s, r)| (s, r.trim_start()));
        return Err(if rest.is_empty() {
            error(
                symbol,
                format!("`{symbol}` has no `= VALUE` after it"),
                FORM,
            )
        } else {
            error(rest, format!("expected `=` after `{symbol}`"), FORM)
        });
    };
    let symbol_text = text[..equals].trim();
    let value_text = text[equals + 1..].trim();
    let equals_sign = &text[equals..equals + 1];
    if symbol_text.is_empty() {
        return Err(error(
            equals_sign,
            "expected a symbol before `=`".to_owned(),
            FORM,
        ));
    }
    let symbol_span = span_of(text, symbol_text, offset);
    let symbol = Symbol::parse(symbol_text, network).map_err(|e| ParseError {
        span: symbol_span.start + e.span.start..symbol_span.start + e.span.end,
        message: e.message,
        help: e.help,
    })?;
    if value_text.is_empty() {
        return Err(error(
            equals_sign,
            "`=` has no number after it".to_owned(),
            FORM,
        ));
    }
    if let Some((value, extra)) = value_text.split_once(char::is_whitespace) {
        return Err(error(
            extra.trim_start(),
            format!("unexpected `{}` after the number `{value}`", extra.trim()),
            "one number a line; `#` starts a comment",
        ));
    }
    let written = Written::parse(value_text).map_err(|e| {
        let help = if value_text.contains(',') {
            "write decimals with a point: 0.593269992"
        } else {
            "write a decimal number: 0.593269992, -0.019049118, 3.5e-5"
        };
        let message = match e {
            NumberError::NotANumber => format!("`{value_text}` is not a number"),
            NumberError::OutOfRange => {
                format!("`{value_text}` is out of range: the exponent is beyond ±300")
            }
        };
        error(value_text, message, help)
    })?;
    Ok((
        Entry {
            symbol,
            written,
            line: number,
        },
        symbol_span,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(source: &str) -> ParseError {
        parse(source, &Network::blog()).unwrap_err()
    }

    #[test]
    fn lines_comments_and_blank_lines() {
        let source = "# my numbers\n\nnet_h1 = 0.3775   # given\r\n  dE_total/dw5=0.082167041\n";
        let entries = parse(source, &Network::blog()).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!((entries[0].line, entries[0].written.value), (3, 0.3775));
        assert_eq!(entries[1].line, 4);
    }

    #[test]
    fn each_mistake_points_at_its_spot() {
        let cases = [
            ("out_h1 0.59\n", 7..11, "expected `=` after `out_h1`"),
            ("out_h1\n", 0..6, "`out_h1` has no `= VALUE`"),
            ("= 0.5\n", 0..1, "expected a symbol before `=`"),
            ("out_h1 =\n", 7..8, "`=` has no number after it"),
            ("out_h1 = 0.5.9\n", 9..14, "`0.5.9` is not a number"),
            ("out_h1 = 0,59\n", 9..13, "`0,59` is not a number"),
            ("out_h1 = 0.5 0.6\n", 13..16, "unexpected `0.6`"),
            ("x = 1\n", 0..1, "unknown symbol `x`"),
            (
                "net_h1 = 1\n dE_total/dw9 = 1\n",
                21..24,
                "unknown node `w9`",
            ),
            (
                "out_h1 = 1\nout_h1 = 2\n",
                11..17,
                "`out_h1` is given twice",
            ),
            (
                "# nothing\n\n",
                0..0,
                "the file has no `SYMBOL = VALUE` line",
            ),
            ("", 0..0, "the file has no `SYMBOL = VALUE` line"),
        ];
        for (source, span, message) in cases {
            let e = error(source);
            assert_eq!(e.span, span, "{source:?}: {}", e.message);
            assert!(e.message.contains(message), "{source:?}: {}", e.message);
        }
        assert!(error("out_h1 = 1\nout_h1 = 2\n").help.contains("line 1"));
        assert!(error("out_h1 = 0,59\n").help.contains("point"));
    }
}
