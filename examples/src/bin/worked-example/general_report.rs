//! Printing the walkthrough of any network: the network, its starting
//! parameters (in the form `--weights` reads), and each part's quantities
//! with the engine's value and the symbol `check` reads; or all of it as
//! JSON.

use std::fmt::Write as _;

use autograd::Shortest;

use crate::check::symbol::Symbol;
use crate::general::{Part, Row};
use crate::network::Network;
use crate::render::{Style, table, wrap};

/// How a quantity reads: `∂E_total/∂out_o1`, `δ_o1 = ∂E_total/∂net_o1`,
/// `w5+`, `E_total after 10,000 updates`.
pub(crate) fn label(network: &Network, symbol: Symbol) -> String {
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
        Symbol::After { node, updates } => format!(
            "{} after {}",
            name(node),
            pictures::text::counted(updates, "update")
        ),
    }
}

/// A part's heading.
fn title(part: &Part) -> String {
    match part {
        Part::Forward => "The forward pass".to_owned(),
        Part::Error => "The total error".to_owned(),
        Part::OutputLayer => "The backward pass: the output layer".to_owned(),
        Part::HiddenLayer(name) => format!("The backward pass: hidden layer {name}"),
        Part::Update => "The update".to_owned(),
        Part::Training => "Training".to_owned(),
    }
}

/// `2-3-2`.
fn shape(network: &Network) -> String {
    let sizes: Vec<String> = std::iter::once(network.model.n_inputs())
        .chain(network.model.layers().iter().map(nn::Layer::len))
        .map(|n| n.to_string())
        .collect();
    sizes.join("-")
}

/// What the network is, its sample and its error, in a few lines.
fn intro(network: &Network, origin: &str, iterations: usize) -> String {
    let model = &network.model;
    let names: Vec<&str> = model.layer_names().map_or_else(Vec::new, Iterator::collect);
    let last = model.layers().len() - 1;
    let layers: Vec<String> = model
        .layers()
        .iter()
        .zip(&names)
        .enumerate()
        .map(|(k, (layer, name))| {
            let which = if k == last {
                "output layer"
            } else {
                "hidden layer"
            };
            format!(
                "{which} {name}: {}",
                pictures::text::counted(layer.len(), &format!("{} neuron", layer.activation()))
            )
        })
        .collect();
    let bias = match model.layers()[0].bias_mode() {
        nn::Bias::Shared => "one bias per layer, shared by its neurons",
        nn::Bias::PerNeuron => "one bias per neuron",
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
    let text = format!(
        "{}; {bias}, kept fixed as in the blog. One sample: {}; targets {}. Each \
         output's error is E = {}, and E_total is their sum. Learning rate η = {}, {}. \
         Starting parameters from {origin}. Every number below is read from the engine: \
         values from nodes, derivatives from per-node gradients of one reverse sweep. \
         Check your own with `worked-example check` and the same options.",
        layers.join("; "),
        inputs.join(", "),
        targets.join(", "),
        network.loss.formula("target", "out"),
        Shortest(network.learning_rate),
        pictures::text::counted(iterations, "training step"),
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
    origin: &str,
    iterations: usize,
    walk: &[(Part, Vec<Row>)],
    style: &Style,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}\n{}\n{}\n{}",
        style.heading(&format!(
            "A Step by Step Backpropagation Example, worked by the engine on a {} network",
            shape(network)
        )),
        intro(network, origin, iterations),
        style.heading("The starting parameters"),
        style.dim("(save these lines to a file and give it to --weights to start from them)"),
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
            style.heading(&format!("{}. {}", number + 1, title(part)))
        );
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|row| {
                row_number += 1;
                vec![
                    row_number.to_string(),
                    label(network, row.symbol),
                    Shortest(row.value).to_string(),
                    style.dim(&row.symbol.show(network)),
                ]
            })
            .collect();
        table(
            &mut out,
            &["row", "quantity", "engine", "check symbol"],
            &cells,
            style,
        );
    }
    out
}

/// `{"network": "2-3-2", "parameters": {"w1": ...}, "rows": [{"part",
/// "symbol", "value"}, ...]}`, one row a line.
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
                    "title": title(part),
                    "symbol": row.symbol.show(network),
                    "value": row.value,
                })
                .to_string()
            })
        })
        .collect();
    format!(
        "{{\"network\": {}, \"parameters\": {}, \"rows\": [\n  {}\n]}}\n",
        serde_json::json!(shape(network)),
        serde_json::Value::Object(parameters),
        rows.join(",\n  ")
    )
}
