//! What each diagnosis says: what went wrong, and the correct formula with
//! the engine's numbers, named after the network's own nodes (its first
//! output neuron, the first neuron of the layer below, the weight between).

use std::fmt::Write as _;

use super::diagnose::Diagnosis;
use super::engine;
use super::parse::Entry;
use super::symbol::Symbol;
use super::walkthrough::{Mistake, Sign};
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
) -> String {
    let names = Names::new(network);
    match diagnosis {
        Diagnosis::None => {
            "Every number agrees with the engine to the precision you wrote.".to_owned()
        }
        Diagnosis::Unknown => unknown(&names, entries, first),
        Diagnosis::Mistake { variant, also } => {
            let mut text = match variant.mistake {
                Mistake::None => rounded(network, first),
                mistake => mistake_text(&names, mistake),
            };
            if variant.mistake != Mistake::None && variant.rounded.is_some() {
                text.push_str(
                    " You also rounded intermediate results and computed on with them, which \
                     moves only the last digits.",
                );
            }
            if !also.is_empty() {
                let _ = write!(
                    text,
                    " Your numbers fit {} just as well.",
                    also.join(" and ")
                );
            }
            text
        }
    }
}

/// What `mistake` is, and the correct formula.
fn mistake_text(names: &Names<'_>, mistake: Mistake) -> String {
    let network = names.network;
    let (e, out, net, w) = (
        names.name(names.error),
        names.name(names.out),
        names.name(names.net),
        names.name(names.weight),
    );
    let target = number(names.target());
    let out_value = names.value(names.out);
    match mistake {
        Mistake::None => unreachable!("no mistake is explained by rounding"),
        Mistake::SignFlip(Sign::Update) => format!(
            "Your updates climb the gradient instead of descending it: {w}+ = {w} + \
             η·∂E_total/∂{w}. Gradient descent steps against the gradient: {}.",
            names.correct_update()
        ),
        Mistake::SignFlip(Sign::ErrorDerivative) => format!(
            "Your gradients have the wrong sign: you took ∂{e}/∂{out} = target − {out}. The \
             chain rule on {e} = ½(target − {out})² brings a factor −1 from the inner \
             (target − {out}), so ∂{e}/∂{out} = {out} − target = {} − {target} = {}, and \
             every gradient after it carries the sign.",
            number(out_value),
            number(names.derivative(names.error, names.out)),
        ),
        Mistake::MissingHalf => format!(
            "You used E = (target − out)² without the ½, so every error and every gradient is \
             twice the walkthrough's. With {e} = ½(target − {out})² = {}, the ½ cancels the 2 \
             of the square: ∂{e}/∂{out} = {out} − target = {}.",
            number(names.value(names.error)),
            number(names.derivative(names.error, names.out)),
        ),
        Mistake::SigmoidDerivativeOfNet => format!(
            "You took the sigmoid's derivative at the net input, net(1 − net). The derivative \
             of out = σ(net) is σ(net)(1 − σ(net)) = out(1 − out): ∂{out}/∂{net} = {} × (1 − \
             {}) = {}.",
            number(out_value),
            number(out_value),
            number(names.derivative(names.out, names.net)),
        ),
        Mistake::UpdatedOutputWeights => {
            let below = names.name(names.below);
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
                        number(names.derivative(network.total(), c)),
                        number(names.value(w))
                    )
                })
                .collect();
            format!(
                "You backpropagated into the layer below through the updated weights ({w}+ \
                 instead of {w}), as the blog's own figures after the first update do. Every \
                 gradient of a step is taken at the weights before the update: ∂E_total/∂{below} \
                 = {} = {} = {}.",
                formula.join(" + "),
                numbers.join(" + "),
                number(names.derivative(network.total(), names.below)),
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
            format!(
                "You followed only one path: ∂E_total/∂{below} = ∂{e}/∂{below}. {below} feeds \
                 every output, and E_total depends on it along each path, so the paths add: \
                 ∂E_total/∂{below} = {} = {} = {}.",
                terms.join(" + "),
                values.join(" + "),
                number(names.derivative(network.total(), names.below)),
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
            format!(
                "You updated the biases too (b+ = b − η·∂E_total/∂b). This walkthrough, like the \
                 blog, keeps the biases fixed ({}) and updates only the weights, e.g. {}.",
                biases.join(", "),
                names.correct_update()
            )
        }
        Mistake::LearningRate(rate) => format!(
            "You used the learning rate η = {} (your updated weights give it); the walkthrough \
             uses η = {}: {}.",
            autograd::Shortest(rate),
            autograd::Shortest(network.learning_rate),
            names.correct_update()
        ),
        Mistake::SwappedTargets => {
            let outputs: Vec<String> = network
                .nodes
                .iter()
                .filter_map(|n| match n.kind {
                    Kind::Error { output, out } => Some(format!(
                        "{}'s target is {}",
                        network.neuron_label(out).unwrap_or("?"),
                        number(network.targets[output])
                    )),
                    _ => None,
                })
                .collect();
            format!(
                "You swapped the targets: {}. {e} = {} = {}.",
                outputs.join(", "),
                network.loss.formula(&target, out),
                number(names.value(names.error)),
            )
        }
    }
}

/// Rounded intermediates, with the first number that drifted.
fn rounded(network: &Network, first: Option<&Entry>) -> String {
    let mut text = "Your method is right, but you rounded intermediate results to the digits \
                    you wrote and computed on with the rounded numbers, so the last digits \
                    drift"
        .to_owned();
    if let Some(entry) = first {
        let engine = engine::values(network, &[entry.symbol])[0];
        let _ = write!(
            text,
            ": {} is {} in your file, {} in the engine",
            entry.symbol.show(network),
            entry.written.text,
            autograd::Shortest(engine)
        );
    }
    text.push_str(". Keep every digit until the end and round only what you write down.");
    text
}

/// No known mistake: the first number that disagrees, and its inputs with
/// the engine's values and whether the learner's agree.
fn unknown(names: &Names<'_>, entries: &[Entry], first: Option<&Entry>) -> String {
    let network = names.network;
    let mut text = "No single known mistake reproduces your numbers.".to_owned();
    let Some(first) = first else {
        return text;
    };
    let engine = names.engine(&[first.symbol])[0];
    let _ = write!(
        text,
        " The first that disagrees, in the order the walkthrough computes them, is {} on line \
         {}: yours {}, the engine's {}.",
        first.symbol.show(network),
        first.line,
        first.written.text,
        autograd::Shortest(engine)
    );
    if let Symbol::After { updates, .. } = first.symbol.canonical(network) {
        let _ = write!(
            text,
            " It is the value after {}: work the first update (every w+, then E_total@1) and \
             check it before training further.",
            pictures::text::counted(updates, "update")
        );
        return text;
    }
    let inputs = first.symbol.inputs(network);
    if inputs.is_empty() {
        let name = |n: NodeId| names.name(n);
        let _ = match first.symbol.canonical(network) {
            Symbol::Derivative { of, wrt } if of == wrt => {
                write!(
                    text,
                    " The derivative of a node with respect to itself is 1."
                )
            }
            Symbol::Derivative { of, wrt } if !network.upstream(of)[wrt] => write!(
                text,
                " It is 0: {} does not depend on {}, which is not on any path into it.",
                name(of),
                name(wrt)
            ),
            Symbol::Derivative { .. } => write!(
                text,
                " It is a local derivative with nothing to compute from: check how you copied \
                 it."
            ),
            _ => write!(text, " It is given, not computed: check how you copied it."),
        };
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
                Some(e) if e.written.agrees(value) => "yours agrees",
                Some(_) => "yours disagrees",
                None => "not in your file",
            };
            format!(
                "{} = {} ({status})",
                input.show(network),
                autograd::Shortest(value)
            )
        })
        .collect();
    let _ = write!(
        text,
        " It is computed from {}; so look at the step that combines them.",
        described.join(", ")
    );
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
        let single = mistake_text(&names, Mistake::SinglePath);
        assert!(
            single.contains(
                "∂E_total/∂out_h1 = ∂E_o1/∂out_h1 + ∂E_o2/∂out_h1 = 0.055399425 + \
                 (-0.019049118) = 0.036350306"
            ),
            "{single}"
        );
        let swapped = mistake_text(&names, Mistake::SwappedTargets);
        assert!(
            swapped.contains("o1's target is 0.01, o2's target is 0.99"),
            "{swapped}"
        );
    }
}
