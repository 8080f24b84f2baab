//! Turning the figures into tables for a terminal, or into JSON.

use std::fmt::Write as _;

use autograd::Shortest;
use nn::blog::{self, Section};

use crate::figures::{Agreement, Figure, Settings};

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

const INTRO: &str = "\
A 2-2-2 sigmoid network, one sample (i1 = 0.05, i2 = 0.10; targets 0.01, 0.99),
one bias shared per layer. Every number below is read from the engine: values
from nodes, derivatives from per-node gradients of one reverse sweep.";

const LEGEND: &str = "\
✓ rounds to the blog's printed digits   ≈ within one unit of its last digit
✗ disagrees                              - not comparable at these settings";

/// The note under the hidden layer's table, on row 20.
fn row_20() -> String {
    let row = blog::figure(20);
    let places = row.published.split_once('.').map_or(0, |(_, d)| d.len());
    format!(
        "Row 20 (≈): the blog rounded an intermediate; the exact value rounds to\n\
         {:.places$}. The blog also labels it w5, but it is δ_o2 · w7.",
        row.exact
    )
}

const WHY_TWO_ORDERS: &str = "\
Why two columns: the blog's text computes the hidden-layer gradients with the
ORIGINAL w5..w8 (true gradient descent, rows 24-28), but its post-update
numbers come from updating w5..w8 first and then backpropagating the same
output deltas through the UPDATED w5..w8. The engine reproduces both; the
blog's published numbers match the sequential order.";

/// The errata of the blog and its translation.
fn errata() -> String {
    format!(
        "\
Errata in the blog and its Chinese translation:
  - \"out_h1 = 1/(1+e^(net_h1))\" drops a minus sign: it is 1/(1+e^(-net_h1)).
  - The training set is ONE sample, inputs (0.05, 0.10) with targets
    (0.01, 0.99); the translation's \"two samples (0.05, 0.99), (0.10, 0.99)\"
    is a mistranslation.
  - \"For the input-layer neurons\", introducing the output layer's
    computation, means the output layer.
  - \"dE_o2/dout_h1 = w_5 = {}\": the value is δ_o2 · w7 (row 20).
  - The w6+/w7+/w8+ and w2+/w3+/w4+ lines run together without separators.
  - w5+ = {} (row 13) is printed in the English original only.
  - The English original prints E_total after 10,000 updates as {},
    which matches neither order; the translation's {} is the
    sequential order's value to 9 places.",
        blog::figure(20).published,
        blog::figure(13).published,
        blog::ENGLISH_ORIGINAL_ROW_30,
        blog::figure(30).published,
    )
}

/// Lays out rows of cells in columns under `header`: the first column
/// right-aligned, the others left-aligned; cells may be painted.
pub(crate) fn table(out: &mut String, header: &[&str], rows: &[Vec<String>], style: &Style) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(visible_len(cell));
        }
    }
    let line = |cells: &[String]| -> String {
        let mut line = String::new();
        for (k, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            let padding = width.saturating_sub(visible_len(cell));
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

/// Characters that show, leaving out ANSI escape sequences.
fn visible_len(text: &str) -> usize {
    let mut len = 0;
    let mut escaped = false;
    for c in text.chars() {
        match (escaped, c) {
            (false, '\x1b') => escaped = true,
            (true, 'm') => escaped = false,
            (true, _) => {}
            (false, _) => len += 1,
        }
    }
    len
}

/// The full walk through the blog, section by section.
pub(crate) fn report(figures: &[Figure], settings: Settings, style: &Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}\n{INTRO}\nLearning rate η = {}, {}.\n\n{}",
        style.heading(
            "A Step by Step Backpropagation Example (Matt Mazur), reproduced by the engine"
        ),
        Shortest(settings.learning_rate),
        pictures::text::counted(settings.iterations, "training step"),
        style.dim(LEGEND),
    );
    for (number, section) in Section::ALL.into_iter().enumerate() {
        let _ = writeln!(
            out,
            "\n{}",
            style.heading(&format!("{}. {}", number + 1, section.title()))
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
                        f.label.clone(),
                        Shortest(f.engine).to_string(),
                        f.true_gradient_descent
                            .map_or_else(String::new, |v| Shortest(v).to_string()),
                        f.published.unwrap_or("-").to_owned(),
                        style.mark(f.agreement()),
                    ]
                })
                .collect();
            let header = [
                "row",
                "quantity",
                "sequential order",
                "true gradient descent",
                "blog",
                "",
            ];
            table(&mut out, &header, &cells, style);
            let _ = writeln!(out, "\n{WHY_TWO_ORDERS}");
            continue;
        }
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|f| {
                vec![
                    f.blog.row.to_string(),
                    f.label.clone(),
                    Shortest(f.engine).to_string(),
                    f.published.unwrap_or("-").to_owned(),
                    style.mark(f.agreement()),
                    style.dim(&f.source),
                ]
            })
            .collect();
        table(
            &mut out,
            &["row", "quantity", "engine", "blog", "", "read from"],
            &cells,
            style,
        );
        if section == Section::HiddenLayer {
            let _ = writeln!(out, "\n{}", row_20());
        }
    }
    let _ = writeln!(out, "\n{}", style.dim(&errata()));
    let _ = write!(out, "\n{}", verdict(figures, style));
    out
}

/// One line: how many figures agree.
pub(crate) fn verdict(figures: &[Figure], style: &Style) -> String {
    let compared: Vec<bool> = figures
        .iter()
        .filter_map(|f| f.agreement().agrees())
        .collect();
    let agree = compared.iter().filter(|&&a| a).count();
    let mut line = format!("{agree} of {} figures agree with the blog", compared.len());
    let skipped = figures.len() - compared.len();
    if skipped > 0 {
        let _ = write!(line, " ({skipped} not comparable at these settings)");
    }
    let colour = if agree == compared.len() { "32" } else { "31" };
    format!("{}\n", style.paint(colour, &line))
}

/// The tape after the first backward pass.
pub(crate) fn trace(trace: &str, style: &Style) -> String {
    format!(
        "\n{}\n{}\n{trace}",
        style.heading("The network's tape after the first backward pass"),
        style.dim("(grad is ∂E_total/∂node; constants get none)")
    )
}

/// The width explanations are wrapped to.
const WIDTH: usize = 78;

/// `text` wrapped at [`WIDTH`] columns, each line indented by `indent`.
pub(crate) fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty()
            && indent.len() + line.chars().count() + 1 + word.chars().count() > WIDTH
        {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
    out
}

/// Every derivative of the first backward pass, step by step.
pub(crate) fn explanation(explanation: &autograd::explain::Explanation, style: &Style) -> String {
    format!(
        "\n{}\n{}\n\n{explanation}",
        style.heading("Every derivative of the first backward pass, by the chain rule"),
        style.dim(
            "(each gradient ∂E_total/∂x is the sum, over the nodes c that read x, of\n\
             ∂E_total/∂c · ∂c/∂x; each local derivative ∂c/∂x with its formula)"
        )
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

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn explanations_wrap_at_78_columns() {
        let text = "word ".repeat(40);
        let wrapped = wrap(&text, "  ");
        assert!(
            wrapped
                .lines()
                .all(|l| l.chars().count() <= 78 && l.starts_with("  "))
        );
        assert_eq!(wrapped.split_whitespace().count(), 40);
    }
}
