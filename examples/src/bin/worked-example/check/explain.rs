//! What each diagnosis says: what went wrong, and the correct formula with
//! the engine's numbers, named after the network's own nodes (its first
//! output neuron, the first neuron of the layer below, the weight between).

use super::diagnose::Diagnosis;
use super::engine;
use super::parse::Entry;
use super::symbol::Symbol;
use super::walkthrough::{Mistake, Sign};
use crate::lang::{Catalogue, counted, fill};
use crate::network::{Kind, Network, NodeId};

/// A number in an explanation: 9 decimal places, as the blog prints them,
/// without trailing zeros; in parentheses when negative, for a sum.
fn number(x: f64) -> String {
    let text = format!("{x:.9}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    let text = if text == "-0" { "0" } else { text };
    if x < 0.0 && text != "0" {
        format!("({text})")
    } else {
        text.to_owned()
    }
}

/// The nodes an explanation names.
struct Names<'n> {
    network: &'n Network,
    /// The first output's error, out and net nodes.
    error: NodeId,
    out: NodeId,
    net: NodeId,
    /// The first output's first term: its weight and the node it weighs.
    weight: NodeId,
    below: NodeId,
}

impl<'n> Names<'n> {
    fn new(network: &'n Network) -> Self {
        let (error, out) = network
            .nodes
            .iter()
            .enumerate()
            .find_map(|(id, n)| match n.kind {
                Kind::Error { out, .. } => Some((id, out)),
                _ => None,
            })
            .expect("internal error: a network has an output");
        let Kind::Out { net, .. } = network.nodes[out].kind else {
            unreachable!("internal error: an error reads an out node");
        };
        let Kind::Net { ref terms, .. } = network.nodes[net].kind else {
            unreachable!("internal error: an out node reads a net node");
        };
        let (weight, below) = terms[0];
        Names {
            network,
            error,
            out,
            net,
            weight,
            below,
        }
    }

    fn name(&self, node: NodeId) -> &'n str {
        &self.network.nodes[node].name
    }

    /// The engine's value of each symbol.
    fn engine(&self, symbols: &[Symbol]) -> Vec<f64> {
        engine::values(self.network, symbols)
    }

    fn value(&self, node: NodeId) -> f64 {
        self.engine(&[Symbol::Value(node)])[0]
    }

    fn derivative(&self, of: NodeId, wrt: NodeId) -> f64 {
        self.engine(&[Symbol::Derivative { of, wrt }])[0]
    }

    fn target(&self) -> f64 {
        match self.network.nodes[self.error].kind {
            Kind::Error { output, .. } => self.network.targets[output],
            _ => unreachable!("internal error: the error node is an error"),
        }
    }

    /// `w5+ = w5 − η·∂E_total/∂w5 = 0.4 − 0.5 × 0.082167041 = 0.35891648`.
    fn correct_update(&self) -> String {
        let w = self.name(self.weight);
        let total = self.network.total();
        let [value, gradient, updated] = self.engine(&[
            Symbol::Value(self.weight),
            Symbol::Derivative {
                of: total,
                wrt: self.weight,
            },
            Symbol::Updated(self.weight),
        ])[..] else {
            unreachable!("three symbols, three values");
        };
        format!(
            "{w}+ = {w} − η·∂E_total/∂{w} = {} − {} × {} = {}",
            number(value),
            number(self.network.learning_rate),
            number(gradient),
            number(updated)
        )
    }

    /// The nodes that read `below`, each with the weight it reads it by.
    fn readers(&self) -> Vec<(NodeId, NodeId)> {
        self.network
            .consumers(self.below)
            .filter_map(|c| match &self.network.nodes[c].kind {
                Kind::Net { terms, .. } => terms
                    .iter()
                    .find(|&&(_, x)| x == self.below)
                    .map(|&(w, _)| (c, w)),
                _ => None,
            })
            .collect()
    }
}

/// The explanation of `diagnosis`: a sentence or two on what went wrong and
/// the correct formula; for `unknown`, the first number that disagrees and
/// what it is computed from.
pub(crate) fn explain(
    network: &Network,
    diagnosis: &Diagnosis,
    entries: &[Entry],
    first: Option<&Entry>,
    t: &Catalogue,
) -> String {
    let names = Names::new(network);
    match diagnosis {
        Diagnosis::None => t.diagnosis_none.to_owned(),
        Diagnosis::Unknown => unknown(&names, entries, first, t),
        Diagnosis::Mistake { variant, also } => {
            let mut text = match variant.mistake {
                Mistake::None => rounded(network, first, t),
                mistake => mistake_text(&names, mistake, t),
            };
            if variant.mistake != Mistake::None && variant.rounded.is_some() {
                text.push_str(t.also_rounded);
            }
            if !also.is_empty() {
                text.push_str(&fill(t.also_fits, &[("ids", &also.join(t.and))]));
            }
            text
        }
    }
}

/// What `mistake` is, and the correct formula.
fn mistake_text(names: &Names<'_>, mistake: Mistake, t: &Catalogue) -> String {
    let network = names.network;
    let (e, out, net, w) = (
        names.name(names.error),
        names.name(names.out),
        names.name(names.net),
        names.name(names.weight),
    );
    let target = number(names.target());
    let out_value = number(names.value(names.out));
    let total = network.total();
    match mistake {
        Mistake::None => unreachable!("no mistake is explained by rounding"),
        Mistake::SignFlip(Sign::Update) => fill(
            t.mistake_update_sign,
            &[("w", &w), ("update", &names.correct_update())],
        ),
        Mistake::SignFlip(Sign::ErrorDerivative) => fill(
            t.mistake_error_sign,
            &[
                ("e", &e),
                ("out", &out),
                ("out_value", &out_value),
                ("target", &target),
                (
                    "derivative",
                    &number(names.derivative(names.error, names.out)),
                ),
            ],
        ),
        Mistake::MissingHalf => fill(
            t.mistake_missing_half,
            &[
                ("e", &e),
                ("out", &out),
                ("error", &number(names.value(names.error))),
                (
                    "derivative",
                    &number(names.derivative(names.error, names.out)),
                ),
            ],
        ),
        Mistake::SigmoidDerivativeOfNet => fill(
            t.mistake_sigmoid_of_net,
            &[
                ("out", &out),
                ("net", &net),
                ("out_value", &out_value),
                (
                    "derivative",
                    &number(names.derivative(names.out, names.net)),
                ),
            ],
        ),
        Mistake::UpdatedOutputWeights => {
            let readers = names.readers();
            let formula: Vec<String> = readers
                .iter()
                .map(|&(c, w)| {
                    let label = network.neuron_label(c).unwrap_or("?");
                    format!("δ_{label}·{}", names.name(w))
                })
                .collect();
            let numbers: Vec<String> = readers
                .iter()
                .map(|&(c, w)| {
                    format!(
                        "{} × {}",
                        number(names.derivative(total, c)),
                        number(names.value(w))
                    )
                })
                .collect();
            fill(
                t.mistake_updated_weights,
                &[
                    ("w", &w),
                    ("below", &names.name(names.below)),
                    ("formula", &formula.join(" + ")),
                    ("numbers", &numbers.join(" + ")),
                    ("total", &number(names.derivative(total, names.below))),
                ],
            )
        }
        Mistake::SinglePath => {
            let below = names.name(names.below);
            let errors: Vec<NodeId> = network
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| matches!(n.kind, Kind::Error { .. }))
                .map(|(id, _)| id)
                .collect();
            let terms: Vec<String> = errors
                .iter()
                .map(|&k| format!("∂{}/∂{below}", names.name(k)))
                .collect();
            let values: Vec<String> = errors
                .iter()
                .map(|&k| number(names.derivative(k, names.below)))
                .collect();
            fill(
                t.mistake_single_path,
                &[
                    ("e", &e),
                    ("below", &below),
                    ("terms", &terms.join(" + ")),
                    ("values", &values.join(" + ")),
                    ("total", &number(names.derivative(total, names.below))),
                ],
            )
        }
        Mistake::BiasesUpdated => {
            let biases: Vec<String> = network
                .nodes
                .iter()
                .filter(|n| matches!(n.kind, Kind::Parameter { bias: true, .. }))
                .map(|n| {
                    let value = match n.kind {
                        Kind::Parameter { index, .. } => network.model.parameters()[index],
                        _ => unreachable!("a parameter"),
                    };
                    format!("{} = {}", n.name, number(value))
                })
                .collect();
            fill(
                t.mistake_biases,
                &[
                    ("biases", &biases.join(t.comma)),
                    ("update", &names.correct_update()),
                ],
            )
        }
        Mistake::LearningRate(rate) => fill(
            t.mistake_learning_rate,
            &[
                ("yours", &autograd::Shortest(rate)),
                ("rate", &autograd::Shortest(network.learning_rate)),
                ("update", &names.correct_update()),
            ],
        ),
        Mistake::SwappedTargets => {
            let outputs: Vec<String> = network
                .nodes
                .iter()
                .filter_map(|n| match n.kind {
                    Kind::Error { output, out } => Some(fill(
                        t.target_of,
                        &[
                            ("output", &network.neuron_label(out).unwrap_or("?")),
                            ("target", &number(network.targets[output])),
                        ],
                    )),
                    _ => None,
                })
                .collect();
            fill(
                t.mistake_swapped_targets,
                &[
                    ("targets", &outputs.join(t.comma)),
                    ("e", &e),
                    ("formula", &network.loss.formula(&target, out)),
                    ("error", &number(names.value(names.error))),
                ],
            )
        }
    }
}

/// Rounded intermediates, with the first number that drifted.
fn rounded(network: &Network, first: Option<&Entry>, t: &Catalogue) -> String {
    let mut text = t.rounded.to_owned();
    if let Some(entry) = first {
        let engine = engine::values(network, &[entry.symbol])[0];
        text.push_str(&fill(
            t.rounded_first,
            &[
                ("symbol", &entry.symbol.show(network)),
                ("yours", &entry.written.text),
                ("engine", &autograd::Shortest(engine)),
            ],
        ));
    }
    text.push_str(t.rounded_end);
    text
}

/// No known mistake: the first number that disagrees, and its inputs with
/// the engine's values and whether the learner's agree.
fn unknown(names: &Names<'_>, entries: &[Entry], first: Option<&Entry>, t: &Catalogue) -> String {
    let network = names.network;
    let mut text = t.unknown.to_owned();
    let Some(first) = first else {
        return text;
    };
    let engine = names.engine(&[first.symbol])[0];
    text.push_str(&fill(
        t.unknown_first,
        &[
            ("symbol", &first.symbol.show(network)),
            ("line", &first.line),
            ("yours", &first.written.text),
            ("engine", &autograd::Shortest(engine)),
        ],
    ));
    if let Symbol::After { updates, .. } = first.symbol.canonical(network) {
        let updates = counted(updates, t.updates_one, t.updates_many);
        text.push_str(&fill(t.unknown_after, &[("updates", &updates)]));
        return text;
    }
    let inputs = first.symbol.inputs(network);
    if inputs.is_empty() {
        let name = |n: NodeId| names.name(n);
        let sentence = match first.symbol.canonical(network) {
            Symbol::Derivative { of, wrt } if of == wrt => t.unknown_self.to_owned(),
            Symbol::Derivative { of, wrt } if !network.upstream(of)[wrt] => fill(
                t.unknown_not_upstream,
                &[("of", &name(of)), ("wrt", &name(wrt))],
            ),
            Symbol::Derivative { .. } => t.unknown_local.to_owned(),
            _ => t.unknown_given.to_owned(),
        };
        text.push_str(&sentence);
        return text;
    }
    let values = names.engine(&inputs);
    let described: Vec<String> = inputs
        .iter()
        .zip(values)
        .map(|(&input, value)| {
            let canonical = input.canonical(network);
            let yours = entries
                .iter()
                .find(|e| e.symbol.canonical(network) == canonical);
            let status = match yours {
                Some(e) if e.written.agrees(value) => t.input_agrees,
                Some(_) => t.input_disagrees,
                None => t.input_missing,
            };
            format!(
                "{} = {} ({status})",
                input.show(network),
                autograd::Shortest(value)
            )
        })
        .collect();
    text.push_str(&fill(
        t.unknown_inputs,
        &[("inputs", &described.join(t.comma))],
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_the_blog_prints_them() {
        assert_eq!(number(0.7413650695523157), "0.74136507");
        assert_eq!(number(0.4), "0.4");
        assert_eq!(number(-0.019049118258278114), "(-0.019049118)");
        assert_eq!(number(3.5084786296312774e-5), "0.000035085");
        assert_eq!(number(-1e-12), "0");
    }

    #[test]
    fn the_correct_formula_carries_the_engines_numbers() {
        let network = Network::blog();
        let names = Names::new(&network);
        assert_eq!(
            names.correct_update(),
            "w5+ = w5 − η·∂E_total/∂w5 = 0.4 − 0.5 × 0.082167041 = 0.35891648"
        );
        let en = crate::lang::Lang::En.texts();
        let single = mistake_text(&names, Mistake::SinglePath, en);
        assert!(
            single.contains(
                "∂E_total/∂out_h1 = ∂E_o1/∂out_h1 + ∂E_o2/∂out_h1 = 0.055399425 + \
                 (-0.019049118) = 0.036350306"
            ),
            "{single}"
        );
        let swapped = mistake_text(&names, Mistake::SwappedTargets, en);
        assert!(
            swapped.contains("o1's target is 0.01, o2's target is 0.99"),
            "{swapped}"
        );
    }
}
