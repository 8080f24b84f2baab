//! The check's output: each line with the learner's number, the engine's
//! and a verdict, the first disagreement and the diagnosis; as a table for
//! a reader, or as JSON.

use std::fmt::Write as _;

use autograd::Shortest;

use super::diagnose::Diagnosis;
use super::parse::Entry;
use crate::lang::{Catalogue, counted, fill};
use crate::network::Network;
use crate::render::{Style, table};
use crate::width::wrap;

/// Everything the check found.
#[derive(Clone, Debug)]
pub(crate) struct Outcome<'e> {
    /// The learner's lines, in the file's order.
    pub(crate) entries: &'e [Entry],
    /// The engine's value of each.
    pub(crate) engine: Vec<f64>,
    /// Whether each agrees to the precision written.
    pub(crate) agrees: Vec<bool>,
    /// The first that disagrees, in the order the walkthrough computes.
    pub(crate) first: Option<&'e Entry>,
    /// What the numbers show.
    pub(crate) diagnosis: Diagnosis,
    /// What the diagnosis says.
    pub(crate) explanation: String,
}

/// The report for a reader.
pub(crate) fn text(
    network: &Network,
    source_name: &str,
    outcome: &Outcome<'_>,
    t: &Catalogue,
    style: &Style,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        style.heading(&fill(
            t.check_title,
            &[("source", &source_name), ("network", &network.describe(t))]
        ))
    );
    let rows: Vec<Vec<String>> = outcome
        .entries
        .iter()
        .zip(&outcome.engine)
        .zip(&outcome.agrees)
        .map(|((entry, &engine), &agrees)| {
            vec![
                entry.line.to_string(),
                entry.symbol.show(network),
                entry.written.text.clone(),
                Shortest(engine).to_string(),
                if agrees {
                    style.paint("32", "✓")
                } else {
                    style.paint("31", "✗")
                },
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            t.column_line,
            t.column_symbol,
            t.column_yours,
            t.column_engine,
            "",
        ],
        &rows,
        style,
    );
    let agreeing = outcome.agrees.iter().filter(|&&a| a).count();
    let numbers = counted(outcome.entries.len(), t.numbers_one, t.numbers_many);
    let _ = writeln!(
        out,
        "\n{}",
        fill(
            t.check_summary,
            &[("agreeing", &agreeing), ("numbers", &numbers)]
        )
    );
    if let Some(first) = outcome.first {
        let _ = writeln!(
            out,
            "{}",
            fill(
                t.check_first,
                &[
                    ("symbol", &first.symbol.show(network)),
                    ("line", &first.line)
                ]
            )
        );
    }
    let colour = match outcome.diagnosis {
        Diagnosis::None => "32",
        _ => "31",
    };
    let _ = write!(
        out,
        "\n{} {}\n{}",
        style.heading(t.check_diagnosis),
        style.paint(colour, outcome.diagnosis.id()),
        wrap(&outcome.explanation, "  ")
    );
    out
}

/// `{"lines": [{"symbol", "yours", "engine", "agrees"}, ...],
/// "first_divergence": SYMBOL or null, "diagnosis": {"id", "explanation"}}`,
/// one line a number.
pub(crate) fn json(network: &Network, outcome: &Outcome<'_>) -> String {
    let lines: Vec<String> = outcome
        .entries
        .iter()
        .zip(&outcome.engine)
        .zip(&outcome.agrees)
        .map(|((entry, &engine), &agrees)| {
            serde_json::json!({
                "symbol": entry.symbol.show(network),
                "yours": entry.written.value,
                "engine": engine,
                "agrees": agrees,
            })
            .to_string()
        })
        .collect();
    let first = outcome.first.map(|e| e.symbol.show(network));
    let diagnosis = serde_json::json!({
        "id": outcome.diagnosis.id(),
        "explanation": outcome.explanation,
    });
    format!(
        "{{\"lines\": [\n  {}\n], \"first_divergence\": {}, \"diagnosis\": {diagnosis}}}\n",
        lines.join(",\n  "),
        serde_json::json!(first),
    )
}
