//! Printing the walkthrough of any network: the network, its starting
//! parameters (in the form `--weights` reads), and each part's quantities
//! with the engine's value and the symbol `check` reads; or all of it as
//! JSON.

use std::fmt::Write as _;

use autograd::Shortest;

use crate::check::symbol::Symbol;
use crate::general::{Part, Row};
use crate::lang::{Catalogue, counted, fill};
use crate::network::Network;
use crate::options::Origin;
use crate::render::{Style, after_updates, table};
use crate::width::wrap;

/// How a quantity reads: `∂E_total/∂out_o1`, `δ_o1 = ∂E_total/∂net_o1`,
/// `w5+`, `E_total after 10,000 updates`.
pub(crate) fn label(network: &Network, symbol: Symbol, t: &Catalogue) -> String {
    let name = |n: usize| network.nodes[n].name.as_str();
    match symbol {
        Symbol::Value(n) => name(n).to_owned(),
        Symbol::Derivative { of, wrt } => format!("∂{}/∂{}", name(of), name(wrt)),
        Symbol::Delta(net) => format!(
            "δ_{} = ∂E_total/∂{}",
            network.neuron_label(net).unwrap_or("?"),
            name(net)
        ),
        Symbol::Updated(p) => format!("{}+", name(p)),
        Symbol::After { node, updates } => after_updates(t, name(node), updates),
    }
}

/// A part's heading.
fn title(part: &Part, t: &Catalogue) -> String {
    match part {
        Part::Forward => t.section_forward.to_owned(),
        Part::Error => t.section_error.to_owned(),
        Part::OutputLayer => t.section_output_layer.to_owned(),
        Part::HiddenLayer(name) => fill(t.section_hidden_layer_named, &[("name", name)]),
        Part::Update => t.section_update.to_owned(),
        Part::Training => t.section_training.to_owned(),
    }
}

/// A part's id in `--json`, the same in every language.
fn id(part: &Part) -> String {
    match part {
        Part::Forward => "forward".to_owned(),
        Part::Error => "error".to_owned(),
        Part::OutputLayer => "output_layer".to_owned(),
        Part::HiddenLayer(name) => format!("hidden_layer_{name}"),
        Part::Update => "update".to_owned(),
        Part::Training => "training".to_owned(),
    }
}

/// What the network is, its sample and its error, in a few lines.
fn intro(network: &Network, origin: &Origin, iterations: usize, t: &Catalogue) -> String {
    let model = &network.model;
    let names: Vec<&str> = model.layer_names().map_or_else(Vec::new, Iterator::collect);
    let last = model.layers().len() - 1;
    let layers: Vec<String> = model
        .layers()
        .iter()
        .zip(&names)
        .enumerate()
        .map(|(k, (layer, name))| {
            let activation = layer.activation();
            let neurons = fill(
                if layer.len() == 1 {
                    t.neurons_one
                } else {
                    t.neurons_many
                },
                &[("n", &layer.len()), ("activation", &activation)],
            );
            let which = if k == last {
                t.output_layer
            } else {
                t.hidden_layer
            };
            fill(which, &[("name", name), ("neurons", &neurons)])
        })
        .collect();
    let bias = match model.layers()[0].bias_mode() {
        nn::Bias::Shared => t.bias_shared,
        nn::Bias::PerNeuron => t.bias_per_neuron,
    };
    let inputs: Vec<String> = network
        .inputs
        .iter()
        .enumerate()
        .map(|(k, x)| format!("i{} = {}", k + 1, Shortest(*x)))
        .collect();
    let targets: Vec<String> = network
        .targets
        .iter()
        .map(|t| Shortest(*t).to_string())
        .collect();
    let steps = counted(iterations, t.training_steps_one, t.training_steps_many);
    let origin = match origin {
        Origin::Seed(seed) => fill(t.origin_seed, &[("seed", seed)]),
        Origin::File(name) => fill(t.origin_file, &[("name", name)]),
        Origin::Blog => t.network_blog.to_owned(),
    };
    let text = fill(
        t.network_intro,
        &[
            ("layers", &layers.join(t.semicolon)),
            ("bias", &bias),
            ("inputs", &inputs.join(t.comma)),
            ("targets", &targets.join(t.comma)),
            ("error", &network.loss.formula(t.word_target, t.word_out)),
            ("rate", &Shortest(network.learning_rate)),
            ("steps", &steps),
            ("origin", &origin),
        ],
    );
    // The first layer's description starts the sentence.
    let mut chars = text.chars();
    let text: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    wrap(&text, "")
}

/// The whole walkthrough, for a reader.
pub(crate) fn text(
    network: &Network,
    origin: &Origin,
    iterations: usize,
    walk: &[(Part, Vec<Row>)],
    t: &Catalogue,
    style: &Style,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}\n{}\n{}\n{}",
        style.heading(&fill(t.network_title, &[("shape", &network.shape())])),
        intro(network, origin, iterations, t),
        style.heading(t.parameters_title),
        style.dim(t.parameters_note),
    );
    for (index, name) in network.model.parameter_names().enumerate() {
        let _ = writeln!(
            out,
            "{name} = {}",
            Shortest(network.model.parameters()[index])
        );
    }
    let mut row_number = 0;
    for (number, (part, rows)) in walk.iter().enumerate() {
        let _ = writeln!(
            out,
            "\n{}",
            style.heading(&format!("{}. {}", number + 1, title(part, t)))
        );
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|row| {
                row_number += 1;
                vec![
                    row_number.to_string(),
                    label(network, row.symbol, t),
                    Shortest(row.value).to_string(),
                    style.dim(&row.symbol.show(network)),
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                t.column_row,
                t.column_quantity,
                t.column_engine,
                t.column_check_symbol,
            ],
            &cells,
            style,
        );
    }
    out
}

/// `{"network": "2-3-2", "parameters": {"w1": ...}, "rows": [{"part",
/// "id", "symbol", "value"}, ...]}`, one row a line; the same in every
/// language (`id` names the part: `forward`, `hidden_layer_h`, ...).
pub(crate) fn json(network: &Network, walk: &[(Part, Vec<Row>)]) -> String {
    let parameters: serde_json::Map<String, serde_json::Value> = network
        .model
        .parameter_names()
        .zip(network.model.parameters())
        .map(|(name, &value)| (name.into_owned(), serde_json::json!(value)))
        .collect();
    let rows: Vec<String> = walk
        .iter()
        .enumerate()
        .flat_map(|(k, (part, rows))| {
            rows.iter().map(move |row| {
                serde_json::json!({
                    "part": k + 1,
                    "id": id(part),
                    "symbol": row.symbol.show(network),
                    "value": row.value,
                })
                .to_string()
            })
        })
        .collect();
    format!(
        "{{\"network\": {}, \"parameters\": {}, \"rows\": [\n  {}\n]}}\n",
        serde_json::json!(network.shape()),
        serde_json::Value::Object(parameters),
        rows.join(",\n  ")
    )
}
