//! What a report shows of the source: enough around the spot, however
//! large the program.

use std::borrow::Cow;
use std::ops::Range;

use crate::report::line_column;

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

/// The part of a source a report shows, so that the report's size and cost
/// do not grow with the program.
///
/// A short program is shown whole, up to the end of the spot's lines. Of a
/// long one, only the lines of the spot, named as an excerpt; of a long
/// line, a stretch around the spot; of a long span, its start.
pub(crate) struct Excerpt<'s> {
    /// The name to show: the source's, plus what the excerpt is.
    pub(crate) name: String,
    /// The text shown.
    pub(crate) text: Cow<'s, str>,
    /// The spot, in `text`.
    pub(crate) span: Range<usize>,
    /// The source bytes `from..to` are shown, starting at byte `shift` of
    /// `text`.
    from: usize,
    to: usize,
    shift: usize,
}

impl<'s> Excerpt<'s> {
    /// What to show of `source` (called `source_name`) for the spot `span`.
    pub(crate) fn new(source_name: &str, source: &'s str, span: &Range<usize>) -> Self {
        let line_start = source[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[span.start..]
            .find('\n')
            .map_or(source.len(), |i| span.start + i);
        let mut span = span.clone();
        let span_lines = source[span.clone()].matches('\n').count();
        if span.len() > LONGEST_SPAN || span_lines > MOST_SPAN_LINES {
            span.end = span.end.min(line_end);
        }
        let (line, _) = line_column(source, line_start);
        if line_end - line_start > LONGEST_LINE {
            return Self::long_line(source_name, source, span, line_start..line_end, line);
        }
        let to = source[span.end..]
            .find('\n')
            .map_or(source.len(), |i| span.end + i);
        let from = if line > DEEPEST_LINE || line_start > DEEPEST_BYTE {
            line_start
        } else {
            0
        };
        let name = if from > 0 {
            format!("{source_name} (an excerpt from line {line})")
        } else {
            source_name.to_owned()
        };
        Excerpt {
            name,
            text: source[from..to].into(),
            span: span.start - from..span.end - from,
            from,
            to,
            shift: 0,
        }
    }

    /// Up to 60 bytes either side of the start of the spot on the long line
    /// `line` (its bytes `bounds`), and no more of the spot than fits.
    fn long_line(
        source_name: &str,
        source: &'s str,
        span: Range<usize>,
        bounds: Range<usize>,
        line: usize,
    ) -> Self {
        let boundary = |mut i: usize| {
            while !source.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let end = boundary(
            span.end
                .min(span.start + 60)
                .min(bounds.end)
                .max(span.start),
        );
        let from = boundary(span.start.saturating_sub(60).max(bounds.start));
        let to = boundary((end + 60).min(bounds.end).max(end));
        let shift = '…'.len_utf8();
        let column = source[bounds.start..from].chars().count() + 1;
        Excerpt {
            name: format!("{source_name} (an excerpt of line {line} from column {column})"),
            text: format!("…{}…", &source[from..to]).into(),
            span: span.start - from + shift..end - from + shift,
            from,
            to,
            shift,
        }
    }

    /// Where `span` of the source is in the text shown, if it is shown.
    pub(crate) fn map(&self, span: &Range<usize>) -> Option<Range<usize>> {
        (self.from <= span.start && span.end <= self.to)
            .then(|| span.start - self.from + self.shift..span.end - self.from + self.shift)
    }
}
