//! Rendering errors and warnings with the source line and a caret.

use std::ops::Range;

use ariadne::{Config, IndexType, Label, Report, ReportKind, Source};

use crate::error::SyntaxError;

/// Renders an error: message, `file:line:column`, the line with the spot
/// underlined, and the help.
pub(crate) fn error(source_name: &str, source: &str, error: &SyntaxError, colour: bool) -> String {
    render(
        ReportKind::Error,
        source_name,
        source,
        &error.span,
        &error.message,
        error.help.as_deref(),
        colour,
    )
}

/// Renders a warning about the node written at `span`.
pub(crate) fn warning(
    source_name: &str,
    source: &str,
    span: &Range<usize>,
    message: &str,
    colour: bool,
) -> String {
    render(
        ReportKind::Warning,
        source_name,
        source,
        span,
        message,
        None,
        colour,
    )
}

/// Renders an anomaly (`--detect-anomaly`) as an error at the node's spot.
pub(crate) fn anomaly(
    source_name: &str,
    source: &str,
    span: &Range<usize>,
    message: &str,
    colour: bool,
) -> String {
    render(
        ReportKind::Error,
        source_name,
        source,
        span,
        message,
        Some(
            "the first node whose value or gradient is not finite; without --detect-anomaly this is a warning",
        ),
        colour,
    )
}

/// `line:column` (both from 1) of byte `offset`.
pub(crate) fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Lines longer than this are shown as an excerpt around the spot.
const LONGEST_LINE: usize = 160;

/// A spot past this line, or this many bytes in, is shown with its own
/// lines only, not the whole source before it.
const DEEPEST_LINE: usize = 1_000;
const DEEPEST_BYTE: usize = 1 << 20;

/// A span longer than this, or over more lines, is shown from its start to
/// the end of its first line.
const LONGEST_SPAN: usize = 4_096;
const MOST_SPAN_LINES: usize = 20;

/// What the report shows of the source, so that its size does not depend
/// on the size of the program: the name to show, the text, and the span
/// within it.
///
/// A short program comes back whole. From a long one, only the lines of
/// the spot, named as an excerpt; from a long line, a stretch around the
/// spot; of a long span, its start.
fn excerpt<'s>(
    source_name: &str,
    source: &'s str,
    span: &Range<usize>,
) -> (String, std::borrow::Cow<'s, str>, Range<usize>) {
    let line_start = source[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[span.start..]
        .find('\n')
        .map_or(source.len(), |i| span.start + i);
    let mut span = span.clone();
    let span_lines = source[span.clone()].matches('\n').count();
    if span.len() > LONGEST_SPAN || span_lines > MOST_SPAN_LINES {
        span.end = span.end.min(line_end);
    }
    let (line, column) = line_column(source, line_start);
    if line_end - line_start > LONGEST_LINE {
        let boundary = |mut i: usize| {
            while !source.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        // Up to 60 bytes either side of the start of the spot, and of the
        // spot itself no more than fits.
        let end = boundary(span.end.min(span.start + 60).min(line_end).max(span.start));
        let from = boundary(span.start.saturating_sub(60).max(line_start));
        let to = boundary((end + 60).min(line_end).max(end));
        let text = format!("…{}…", &source[from..to]);
        let shift = '…'.len_utf8();
        let column = column + source[line_start..from].chars().count();
        let name = format!("{source_name} (an excerpt of line {line} from column {column})");
        return (
            name,
            text.into(),
            span.start - from + shift..end - from + shift,
        );
    }
    let to = source[span.end..]
        .find('\n')
        .map_or(source.len(), |i| span.end + i);
    if line > DEEPEST_LINE || line_start > DEEPEST_BYTE {
        let name = format!("{source_name} (an excerpt from line {line})");
        let shown = &source[line_start..to];
        return (
            name,
            shown.into(),
            span.start - line_start..span.end - line_start,
        );
    }
    (source_name.to_owned(), source[..to].into(), span)
}

fn render(
    kind: ReportKind<'_>,
    source_name: &str,
    source: &str,
    span: &Range<usize>,
    message: &str,
    help: Option<&str>,
    colour: bool,
) -> String {
    // A span may sit at the very end (a dangling operator at end of input).
    let end = source.len();
    let span = span.start.min(end)..span.end.min(end).max(span.start.min(end));
    let (line, column) = line_column(source, span.start);
    let (shown_name, shown, span) = excerpt(source_name, source, &span);
    let (source_name, source) = (shown_name.as_str(), shown.as_ref());
    let mut report = Report::build(kind, (source_name, span.clone()))
        .with_config(
            Config::default()
                .with_color(colour)
                .with_index_type(IndexType::Byte),
        )
        .with_message(format!("{message} (line {line}, column {column})"))
        .with_label(Label::new((source_name, span)).with_message(message));
    if let Some(help) = help {
        report = report.with_help(help);
    }
    let mut out = Vec::new();
    let written = report
        .finish()
        .write((source_name, Source::from(source)), &mut out);
    match written {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        // Rendering into memory does not fail; if it ever did, the plain
        // message still says what is wrong and where.
        Err(_) => format!("{source_name}:{line}:{column}: {message}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_shown_as_an_excerpt_around_the_spot() {
        let source = format!("x = 1; {}y + 1", "(".repeat(10_000));
        let at = source.find('y').unwrap();
        let text = error(
            "<argument>",
            &source,
            &SyntaxError::new(
                crate::ErrorKind::UnknownName,
                at..at + 1,
                "unknown name `y`".into(),
            ),
            false,
        );
        assert!(text.len() < 2_000, "{} bytes", text.len());
        assert!(text.contains("line 1, column 10008"), "{text}");
        assert!(
            text.contains("an excerpt of line 1 from column 9948"),
            "{text}"
        );
        assert!(text.contains("…((((") && text.contains("y + 1"), "{text}");
    }

    #[test]
    fn lines_and_columns_count_from_one() {
        let source = "x = 1\ny = x +";
        assert_eq!(line_column(source, 0), (1, 1));
        assert_eq!(line_column(source, 12), (2, 7));
    }
}
