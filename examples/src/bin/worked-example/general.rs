//! The walkthrough of any network (`--network 2-3-2`): the blog's sections
//! for its own quantities, each read from the engine and shown with the
//! symbol `check` reads it by, so a learner can work a bigger example by
//! hand and check it.

use crate::check::engine;
use crate::check::symbol::Symbol;
use crate::network::{Kind, Network, NodeId};

/// A part of the walkthrough, in the blog's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// The nets and outputs of every layer.
    Forward,
    /// The errors and E_total.
    Error,
    /// The output layer's derivatives and updated weights.
    OutputLayer,
    /// A hidden layer's derivatives, by its name (`h`).
    HiddenLayer(String),
    /// The hidden layers' updated weights.
    Update,
    /// E_total and the outputs after training.
    Training,
}

/// One quantity of the walkthrough.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Row {
    /// What it is, as `check` reads it.
    pub(crate) symbol: Symbol,
    /// The engine's value.
    pub(crate) value: f64,
}

/// A neuron: its net and out nodes and the `(weight, input)` pairs of its
/// net.
struct Neuron {
    net: NodeId,
    out: NodeId,
    weights: Vec<NodeId>,
}

/// The neurons of each layer, from the first hidden layer to the outputs.
fn layers(network: &Network) -> Vec<Vec<Neuron>> {
    let mut layers: Vec<Vec<Neuron>> = Vec::new();
    for (out, node) in network.nodes.iter().enumerate() {
        let Kind::Out { net, .. } = node.kind else {
            continue;
        };
        let Kind::Net {
            layer, ref terms, ..
        } = network.nodes[net].kind
        else {
            unreachable!("internal error: an out node reads a net node");
        };
        if layers.len() <= layer {
            layers.resize_with(layer + 1, Vec::new);
        }
        layers[layer].push(Neuron {
            net,
            out,
            weights: terms.iter().map(|&(w, _)| w).collect(),
        });
    }
    layers
}

/// The symbols of each part: the forward pass in tape order; the errors;
/// per output neuron `∂E_total/∂out`, `∂out/∂net`, `δ` and `∂E_total/∂w`
/// for its weights, then the layer's updated weights; the same for each
/// hidden layer from the top down, their updated weights in "The update";
/// E_total after one update and after `iterations`, and the outputs then.
pub(crate) fn parts(network: &Network, iterations: usize) -> Vec<(Part, Vec<Symbol>)> {
    let layers = layers(network);
    let total = network.total();
    let names = network.model.layer_names().map_or_else(Vec::new, |names| {
        names.map(str::to_owned).collect::<Vec<String>>()
    });
    let forward: Vec<Symbol> = layers
        .iter()
        .flatten()
        .flat_map(|n| [Symbol::Value(n.net), Symbol::Value(n.out)])
        .collect();
    let errors: Vec<NodeId> = network
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.kind, Kind::Error { .. }))
        .map(|(id, _)| id)
        .collect();
    let error = errors
        .iter()
        .map(|&e| Symbol::Value(e))
        .chain([Symbol::Value(total)])
        .collect();
    let backward = |layer: &[Neuron]| -> Vec<Symbol> {
        layer
            .iter()
            .flat_map(|n| {
                [
                    Symbol::Derivative {
                        of: total,
                        wrt: n.out,
                    },
                    Symbol::Derivative {
                        of: n.out,
                        wrt: n.net,
                    },
                    Symbol::Delta(n.net),
                ]
                .into_iter()
                .chain(
                    n.weights
                        .iter()
                        .map(|&w| Symbol::Derivative { of: total, wrt: w }),
                )
            })
            .collect()
    };
    let updates = |layer: &[Neuron]| -> Vec<Symbol> {
        layer
            .iter()
            .flat_map(|n| n.weights.iter().map(|&w| Symbol::Updated(w)))
            .collect()
    };
    let (output_layer, hidden) = layers
        .split_last()
        .expect("internal error: a network has an output layer");
    let mut parts = vec![
        (Part::Forward, forward),
        (Part::Error, error),
        (
            Part::OutputLayer,
            backward(output_layer)
                .into_iter()
                .chain(updates(output_layer))
                .collect(),
        ),
    ];
    for (k, layer) in hidden.iter().enumerate().rev() {
        let name = names.get(k).cloned().unwrap_or_default();
        parts.push((Part::HiddenLayer(name), backward(layer)));
    }
    if !hidden.is_empty() {
        parts.push((
            Part::Update,
            hidden.iter().flat_map(|l| updates(l)).collect(),
        ));
    }
    let after = |node, updates| Symbol::After { node, updates };
    let training = std::iter::once(after(total, 1))
        .chain(std::iter::once(after(total, iterations)))
        .chain(output_layer.iter().map(|n| after(n.out, iterations)))
        .collect();
    parts.push((Part::Training, training));
    parts
}

/// The walkthrough: each part's rows, every value from the engine.
pub(crate) fn walk(network: &Network, iterations: usize) -> Vec<(Part, Vec<Row>)> {
    let parts = parts(network, iterations);
    let symbols: Vec<Symbol> = parts.iter().flat_map(|(_, s)| s.iter().copied()).collect();
    let mut values = engine::values(network, &symbols).into_iter();
    parts
        .into_iter()
        .map(|(part, symbols)| {
            let rows = symbols
                .into_iter()
                .map(|symbol| Row {
                    symbol,
                    value: values.next().expect("internal error: a value per symbol"),
                })
                .collect();
            (part, rows)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::NetworkArgs;
    use autograd::Tape;
    use autograd::check::GradCheck;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        network: NetworkArgs,
    }

    fn network(args: &[&str]) -> Network {
        let argv = std::iter::once("worked-example").chain(args.iter().copied());
        let cli = Cli::try_parse_from(argv).expect("the options parse");
        cli.network.build().expect("a network").0
    }

    #[test]
    fn the_blogs_network_walks_through_its_figures() {
        let network = Network::blog();
        let walk = walk(&network, 3);
        let find = |text: &str| {
            let symbol = Symbol::parse(text, &network).unwrap();
            walk.iter()
                .flat_map(|(_, rows)| rows)
                .find(|r| r.symbol.canonical(&network) == symbol.canonical(&network))
                .unwrap_or_else(|| panic!("{text} is not in the walkthrough"))
                .value
        };
        for row in [1, 2, 5, 7, 9, 10, 11, 12, 13, 17, 21, 22, 24, 25] {
            let figure = nn::blog::figure(row);
            assert!(figure.is_exact(find(figure.name)), "row {row}");
        }
        assert!(nn::blog::figure(29).is_true_gradient_descent(find("E_total@1")));
    }

    #[test]
    fn networks_of_other_shapes_walk_through_with_checked_gradients() {
        for (args, hidden) in [
            (&["--network", "2-3-2"][..], &["h"][..]),
            (
                &[
                    "--network",
                    "3-4-4-2",
                    "--activation",
                    "tanh,sigmoid,sigmoid",
                    "--bias",
                    "per-neuron",
                ],
                &["g", "h"],
            ),
        ] {
            let network = network(args);
            let walk = walk(&network, 2);
            let titles: Vec<Part> = walk.iter().map(|(p, _)| p.clone()).collect();
            let mut expected = vec![Part::Forward, Part::Error, Part::OutputLayer];
            expected.extend(
                hidden
                    .iter()
                    .rev()
                    .map(|h| Part::HiddenLayer((*h).to_owned())),
            );
            expected.extend([Part::Update, Part::Training]);
            assert_eq!(titles, expected, "{args:?}");
            // Every weight has its gradient and its update, every value is
            // finite.
            let rows: Vec<&Row> = walk.iter().flat_map(|(_, r)| r).collect();
            let weights = network.model.parameters().len()
                - network
                    .model
                    .layers()
                    .iter()
                    .map(|l| l.bias_range().len())
                    .sum::<usize>();
            let updated = rows
                .iter()
                .filter(|r| matches!(r.symbol, Symbol::Updated(_)))
                .count();
            assert_eq!(updated, weights, "{args:?}");
            assert!(rows.iter().all(|r| r.value.is_finite()), "{args:?}");
            // The engine's gradients of the pass agree with finite
            // differences at every node, the parameters included.
            let tape = Tape::new();
            let pass = network.record(&network.model.bind(&tape));
            let total = *pass.last().unwrap();
            let report = GradCheck::new().nodes(total);
            assert!(report.is_ok(), "{args:?}: {}", report.unwrap_err());
            // The walkthrough's gradients are those of that pass.
            let grads = total.backward();
            for row in rows {
                if let Symbol::Derivative { of, wrt } = row.symbol
                    && of == network.total()
                {
                    assert_eq!(row.value, grads.wrt(pass[wrt]));
                }
            }
        }
    }
}
