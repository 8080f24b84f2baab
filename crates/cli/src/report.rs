//! Rendering errors and warnings with the source line and a caret.

use std::ops::Range;

use ariadne::{Config, IndexType, Label, Report, ReportKind, Source};

use crate::error::SyntaxError;
use crate::excerpt::Excerpt;

/// Renders an error: message, `file:line:column`, the line with the spot
/// underlined, and the help.
pub(crate) fn error(source_name: &str, source: &str, error: &SyntaxError, colour: bool) -> String {
    render(
        ReportKind::Error,
        source_name,
        source,
        &error.span,
        &error.message,
        &[],
        error.help.as_deref(),
        colour,
        in_program,
    )
}

/// Renders an error in the text of the command-line option `option`
/// (`--forward`): message, column, the text with the spot underlined, and
/// the help.
pub(crate) fn option_error(option: &str, text: &str, error: &SyntaxError, colour: bool) -> String {
    render(
        ReportKind::Error,
        option,
        text,
        &error.span,
        &error.message,
        &[],
        error.help.as_deref(),
        colour,
        |_, column| format!("column {column} of {option}"),
    )
}

/// Renders a warning about the node written at `span`, with more spots
/// to point at in `labels`.
pub(crate) fn warning(
    source_name: &str,
    source: &str,
    span: &Range<usize>,
    message: &str,
    labels: &[(Range<usize>, String)],
    colour: bool,
) -> String {
    render(
        ReportKind::Warning,
        source_name,
        source,
        span,
        message,
        labels,
        None,
        colour,
        in_program,
    )
}

/// Renders an error at a spot of the program that is not a mistake in the
/// program alone: an anomaly (`--detect-anomaly`), or an option that does
/// not fit the program.
pub(crate) fn error_at(
    source_name: &str,
    source: &str,
    span: &Range<usize>,
    message: &str,
    help: &str,
    colour: bool,
) -> String {
    render(
        ReportKind::Error,
        source_name,
        source,
        span,
        message,
        &[],
        Some(help),
        colour,
        in_program,
    )
}

/// Renders an error at `span` of any text a tool reads (`source`, shown as
/// `source_name`) exactly as `grad` renders its own: the message with
/// `line L, column C`, the line with the spot underlined, and the help. For
/// other tools that read files, so that every error in the project looks
/// alike; `colour` adds ANSI colours.
///
/// # Examples
///
/// ```
/// let text = grad_cli::error_report("numbers.txt", "x = 1\ny 2\n", 8..9, "expected `=`", Some("write `y = 2`"), false);
/// assert!(text.contains("expected `=` (line 2, column 3)"));
/// assert!(text.contains("numbers.txt:2:3"));
/// assert!(text.contains("Help: write `y = 2`"));
/// ```
pub fn error_report(
    source_name: &str,
    source: &str,
    span: Range<usize>,
    message: &str,
    help: Option<&str>,
    colour: bool,
) -> String {
    render(
        ReportKind::Error,
        source_name,
        source,
        &span,
        message,
        &[],
        help,
        colour,
        in_program,
    )
}

/// How a spot of a program is told: `line L, column C`.
fn in_program(line: usize, column: usize) -> String {
    format!("line {line}, column {column}")
}

/// `line:column` (both from 1) of byte `offset`.
pub(crate) fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[allow(
    clippy::too_many_arguments,
    reason = "one renderer behind the four public kinds of report"
)]
fn render(
    kind: ReportKind<'_>,
    source_name: &str,
    source: &str,
    span: &Range<usize>,
    message: &str,
    labels: &[(Range<usize>, String)],
    help: Option<&str>,
    colour: bool,
    position: impl Fn(usize, usize) -> String,
) -> String {
    // A span may sit at the very end (a dangling operator at end of input).
    let clip = |span: &Range<usize>| {
        let end = source.len();
        span.start.min(end)..span.end.min(end).max(span.start.min(end))
    };
    let span = clip(span);
    let (line, column) = line_column(source, span.start);
    let shown = Excerpt::new(source_name, source, &span);
    let name = shown.name.as_str();
    let mut report = Report::build(kind, (name, shown.span.clone()))
        .with_config(
            Config::default()
                .with_color(colour)
                .with_index_type(IndexType::Byte),
        )
        .with_message(format!("{message} ({})", position(line, column)))
        .with_label(Label::new((name, shown.span.clone())).with_message(message));
    for (span, text) in labels {
        if let Some(span) = shown.map(&clip(span)) {
            report = report.with_label(Label::new((name, span)).with_message(text));
        }
    }
    if let Some(help) = help {
        report = report.with_help(help);
    }
    let mut out = Vec::new();
    let written = report
        .finish()
        .write((name, Source::from(shown.text.as_ref())), &mut out);
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
