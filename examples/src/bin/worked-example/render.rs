//! Turning the figures into tables for a terminal, or into JSON.

use std::fmt::Write as _;

use autograd::Shortest;
use nn::blog::{self, Section};

use crate::figures::{Agreement, Figure, Label, Settings, Source};
use crate::lang::{Catalogue, counted, fill};
use crate::width::visible_width;

/// ANSI styling, or none.
pub(crate) struct Style {
    colour: bool,
}

impl Style {
    pub(crate) fn new(colour: bool) -> Self {
        Style { colour }
    }

    /// `text` in the ANSI style `code` (`32` green, `31` red), when in colour.
    pub(crate) fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    pub(crate) fn heading(&self, text: &str) -> String {
        self.paint("1", text)
    }

    pub(crate) fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    /// A one-character mark, padded to `width` before painting so that the
    /// escape codes do not upset the alignment.
    fn mark(&self, agreement: Agreement) -> String {
        match agreement {
            Agreement::Exact => self.paint("32", "✓"),
            Agreement::OneUnit => self.paint("33", "≈"),
            Agreement::Disagrees => self.paint("31", "✗"),
            Agreement::NotComparable => self.dim("-"),
        }
    }
}

/// The note under the hidden layer's table, on row 20.
fn row_20(t: &Catalogue) -> String {
    let row = blog::figure(20);
    let places = row.published.split_once('.').map_or(0, |(_, d)| d.len());
    fill(t.row_20, &[("value", &format!("{:.places$}", row.exact))])
}

/// The errata of the blog and its translation.
fn errata(t: &Catalogue) -> String {
    fill(
        t.errata,
        &[
            ("row20", &blog::figure(20).published),
            ("row13", &blog::figure(13).published),
            ("english30", &blog::ENGLISH_ORIGINAL_ROW_30),
            ("row30", &blog::figure(30).published),
        ],
    )
}

/// A section's heading.
pub(crate) fn section_title(t: &Catalogue, section: Section) -> &'static str {
    match section {
        Section::Forward => t.section_forward,
        Section::Error => t.section_error,
        Section::OutputLayer => t.section_output_layer,
        Section::HiddenLayer => t.section_hidden_layer,
        Section::Update => t.section_update,
        Section::Training => t.section_training,
    }
}

/// `node after 10000 updates`.
pub(crate) fn after_updates(t: &Catalogue, what: &str, updates: usize) -> String {
    let updates = counted(updates, t.updates_one, t.updates_many);
    fill(t.after_updates, &[("what", &what), ("updates", &updates)])
}

/// A figure's name as a learner reads it.
fn label(t: &Catalogue, label: Label) -> String {
    match label {
        Label::Blog(text) => text.to_owned(),
        Label::After { what, updates } => after_updates(t, what, updates),
    }
}

/// Where a figure's value was read.
fn source(t: &Catalogue, figure: &Figure) -> String {
    match figure.source {
        Source::Value => fill(t.source_value, &[("name", &label(t, figure.label))]),
        Source::Adjoint { from, of } => fill(t.source_adjoint, &[("from", &from), ("of", &of)]),
        Source::Update(name) => fill(t.source_update, &[("name", &name)]),
    }
}

/// Lays out rows of cells in columns under `header`: the first column
/// right-aligned, the others left-aligned; cells may be painted.
pub(crate) fn table(out: &mut String, header: &[&str], rows: &[Vec<String>], style: &Style) {
    let mut widths: Vec<usize> = header.iter().map(|h| visible_width(h)).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(visible_width(cell));
        }
    }
    let line = |cells: &[String]| -> String {
        let mut line = String::new();
        for (k, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            let padding = width.saturating_sub(visible_width(cell));
            if k == 0 {
                let _ = write!(line, "{}{cell}", " ".repeat(padding));
            } else {
                let _ = write!(line, "  {cell}{}", " ".repeat(padding));
            }
        }
        line.trim_end().to_owned()
    };
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    let _ = writeln!(out, "{}", style.dim(&line(&header)));
    for row in rows {
        let _ = writeln!(out, "{}", line(row));
    }
}

/// The learning rate and the number of training steps, as a sentence.
pub(crate) fn learning_rate(t: &Catalogue, rate: f64, iterations: usize) -> String {
    let steps = counted(iterations, t.training_steps_one, t.training_steps_many);
    fill(
        t.learning_rate,
        &[("rate", &Shortest(rate)), ("steps", &steps)],
    )
}

/// The full walk through the blog, section by section.
pub(crate) fn report(
    figures: &[Figure],
    settings: Settings,
    t: &Catalogue,
    style: &Style,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}\n{}\n{}\n\n{}",
        style.heading(t.report_title),
        t.report_intro,
        learning_rate(t, settings.learning_rate, settings.iterations),
        style.dim(t.legend),
    );
    for (number, section) in Section::ALL.into_iter().enumerate() {
        let _ = writeln!(
            out,
            "\n{}",
            style.heading(&format!("{}. {}", number + 1, section_title(t, section)))
        );
        let rows: Vec<&Figure> = figures
            .iter()
            .filter(|f| f.blog.section == section)
            .collect();
        if section == Section::Training {
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|f| {
                    vec![
                        f.blog.row.to_string(),
                        label(t, f.label),
                        Shortest(f.engine).to_string(),
                        f.true_gradient_descent
                            .map_or_else(String::new, |v| Shortest(v).to_string()),
                        f.published.unwrap_or("-").to_owned(),
                        style.mark(f.agreement()),
                    ]
                })
                .collect();
            let header = [
                t.column_row,
                t.column_quantity,
                t.column_sequential,
                t.column_true_gradient_descent,
                t.column_blog,
                "",
            ];
            table(&mut out, &header, &cells, style);
            let _ = writeln!(out, "\n{}", t.why_two_orders);
            continue;
        }
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|f| {
                vec![
                    f.blog.row.to_string(),
                    label(t, f.label),
                    Shortest(f.engine).to_string(),
                    f.published.unwrap_or("-").to_owned(),
                    style.mark(f.agreement()),
                    style.dim(&source(t, f)),
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                t.column_row,
                t.column_quantity,
                t.column_engine,
                t.column_blog,
                "",
                t.column_read_from,
            ],
            &cells,
            style,
        );
        if section == Section::HiddenLayer {
            let _ = writeln!(out, "\n{}", row_20(t));
        }
    }
    let _ = writeln!(out, "\n{}", style.dim(&errata(t)));
    let _ = write!(out, "\n{}", verdict(figures, t, style));
    out
}

/// One line: how many figures agree.
pub(crate) fn verdict(figures: &[Figure], t: &Catalogue, style: &Style) -> String {
    let compared: Vec<bool> = figures
        .iter()
        .filter_map(|f| f.agreement().agrees())
        .collect();
    let agree = compared.iter().filter(|&&a| a).count();
    let mut line = fill(
        t.verdict,
        &[("agree", &agree), ("compared", &compared.len())],
    );
    let skipped = figures.len() - compared.len();
    if skipped > 0 {
        line.push_str(&fill(t.verdict_skipped, &[("skipped", &skipped)]));
    }
    let colour = if agree == compared.len() { "32" } else { "31" };
    format!("{}\n", style.paint(colour, &line))
}

/// The tape after the first backward pass.
pub(crate) fn trace(trace: &str, t: &Catalogue, style: &Style) -> String {
    format!(
        "\n{}\n{}\n{trace}",
        style.heading(t.trace_title),
        style.dim(t.trace_note)
    )
}

/// Every derivative of the first backward pass, step by step.
pub(crate) fn explanation(
    explanation: &autograd::explain::Explanation,
    t: &Catalogue,
    style: &Style,
) -> String {
    format!(
        "\n{}\n{}\n\n{explanation}",
        style.heading(t.explain_title),
        style.dim(t.explain_note)
    )
}

/// `{"figures": [{"row": 1, "name": "net_h1", "engine": 0.3775, ...}, ...]}`,
/// one figure a line.
pub(crate) fn json(figures: &[Figure]) -> String {
    let rows: Vec<String> = figures
        .iter()
        .map(|f| {
            let mut row = serde_json::json!({
                "row": f.blog.row,
                "name": f.blog.name,
                "engine": f.engine,
                "published": f.published,
                "agrees": f.agreement().agrees(),
            });
            if let Some(v) = f.true_gradient_descent {
                row["true_gradient_descent"] = serde_json::json!(v);
            }
            row.to_string()
        })
        .collect();
    format!("{{\"figures\": [\n  {}\n]}}\n", rows.join(",\n  "))
}
