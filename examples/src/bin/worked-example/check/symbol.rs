//! The symbols a learner writes (`out_h1`, `dE_total/dw5`, `delta_o1`,
//! `w5+`, `E_total@1`): what each names in a [`Network`], how it reads and
//! prints, what it is computed from, and the order in which a walkthrough
//! computes them.

use std::ops::Range;

use crate::network::{Kind, Network, NodeId};

/// The most updates `NODE@N` may ask for, the blog's own training: the
/// check retrains the network under every known mistake, up to N updates
/// each, which takes seconds at this many.
pub(crate) const MAX_UPDATES: usize = 10_000;

/// A quantity of the walkthrough.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Symbol {
    /// A node's value: `out_h1`.
    Value(NodeId),
    /// `dA/dB`: the derivative of node `of` with respect to node `wrt`, the
    /// adjoint of `wrt` in a backward sweep from `of`. It is 0 when `of`
    /// does not depend on `wrt` (`wrt` is not upstream of `of`), and 1 when
    /// they are the same node.
    Derivative {
        /// The node differentiated, `A`.
        of: NodeId,
        /// The node it is differentiated with respect to, `B`.
        wrt: NodeId,
    },
    /// `delta_o1`, the blog's δ: `∂E_total/∂net_o1`, for the net node given.
    Delta(NodeId),
    /// `w5+`: a parameter after one update.
    Updated(NodeId),
    /// `E_total@N`: a node's value after `updates` updates.
    After {
        /// The node.
        node: NodeId,
        /// How many updates.
        updates: usize,
    },
}

/// A symbol that does not read, with the spot in its text and help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SymbolError {
    /// The bytes of the symbol's text it points at.
    pub(crate) span: Range<usize>,
    /// What is wrong.
    pub(crate) message: String,
    /// How to fix it.
    pub(crate) help: String,
}

impl SymbolError {
    fn new(span: Range<usize>, message: String, help: String) -> Self {
        SymbolError {
            span,
            message,
            help,
        }
    }
}

/// What the help says when no symbol is close.
const FORMS: &str = "a symbol is a node (net_h1, out_o1, E_total, ...), a derivative dA/dB \
                     (dE_total/dw5), a delta (delta_o1), an updated parameter (w5+) or a \
                     node after N updates (E_total@1)";

impl Symbol {
    /// The derivative `delta_X` is.
    pub(crate) fn canonical(self, network: &Network) -> Symbol {
        match self {
            Symbol::Delta(net) => Symbol::Derivative {
                of: network.total(),
                wrt: net,
            },
            Symbol::After { node, updates: 0 } => Symbol::Value(node),
            Symbol::After { node, updates: 1 } if network.nodes[node].is_parameter() => {
                Symbol::Updated(node)
            }
            other => other,
        }
    }

    /// Reads a symbol's text (already trimmed).
    ///
    /// # Errors
    ///
    /// A [`SymbolError`] pointing into `text`, with a "did you mean" when a
    /// symbol is close.
    pub(crate) fn parse(text: &str, network: &Network) -> Result<Symbol, SymbolError> {
        if let Some(slash) = text.find('/') {
            return derivative(text, slash, network);
        }
        if let Some(at) = text.find('@') {
            return after(text, at, network);
        }
        if let Some(name) = text.strip_suffix('+').or_else(|| text.strip_suffix('⁺')) {
            return updated(text, name, network);
        }
        if let Some(label) = text
            .strip_prefix("delta_")
            .or_else(|| text.strip_prefix("δ_"))
        {
            let net = format!("net_{label}");
            if let Some(node) = network.find(&net) {
                return Ok(Symbol::Delta(node));
            }
        }
        if let Some(node) = network.find(text) {
            return Ok(Symbol::Value(node));
        }
        let names = simple_names(network);
        let help = match grad_cli::did_you_mean(text, names.iter().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`?"),
            None => FORMS.to_owned(),
        };
        Err(SymbolError::new(
            0..text.len(),
            format!("unknown symbol `{text}`"),
            help,
        ))
    }

    /// The symbol as the check prints it: `dE_total/dw5`, `delta_o1`.
    pub(crate) fn show(self, network: &Network) -> String {
        let name = |n: NodeId| network.nodes[n].name.as_str();
        match self {
            Symbol::Value(n) => name(n).to_owned(),
            Symbol::Derivative { of, wrt } => format!("d{}/d{}", name(of), name(wrt)),
            Symbol::Delta(net) => format!("delta_{}", network.neuron_label(net).unwrap_or("?")),
            Symbol::Updated(p) => format!("{}+", name(p)),
            Symbol::After { node, updates } => format!("{}@{updates}", name(node)),
        }
    }

    /// Where the walkthrough computes this symbol, to order symbols by:
    /// first the forward pass, in tape order; then the backward pass, layer
    /// by layer from E_total down, as the blog works it: each derivative
    /// `dA/dB` by the depth of `B` (its most steps to E_total), then the
    /// position of `B` on the tape, then of `A`; then the updates, the same
    /// way; then the values after N updates, by N. A derivative comes after
    /// every derivative it is built from: `dA/dB` sums `dA/dC · dC/dB` over
    /// the nodes `C` that read `B`, and each is less deep than `B`, or is
    /// `B` itself read by the earlier `C`.
    pub(crate) fn order(self, network: &Network) -> (u8, usize, usize, usize) {
        let depth = |n: NodeId| network.depths()[n];
        match self.canonical(network) {
            Symbol::Value(n) => (0, n, 0, 0),
            Symbol::Derivative { of, wrt } => (1, depth(wrt), wrt, of),
            Symbol::Updated(p) => (2, depth(p), p, 0),
            Symbol::After { node, updates } => (3, updates, node, 0),
            Symbol::Delta(_) => unreachable!("canonical symbols have no delta"),
        }
    }

    /// The symbols this one is computed from, in a walkthrough by hand: a
    /// node's parents; a derivative's factors along each path (`dA/dC` and
    /// `dC/dB` for each node `C` that reads `B` on the way to `A`), or for a
    /// local derivative the values its formula reads; an updated
    /// parameter's value and gradient.
    pub(crate) fn inputs(self, network: &Network) -> Vec<Symbol> {
        match self.canonical(network) {
            Symbol::Value(n) => network.nodes[n]
                .parents()
                .into_iter()
                .map(Symbol::Value)
                .collect(),
            Symbol::Derivative { of, wrt } if of == wrt => Vec::new(),
            Symbol::Derivative { of, wrt } if network.nodes[of].parents().contains(&wrt) => {
                local_inputs(network, of, wrt)
            }
            Symbol::Derivative { of, wrt } => {
                let upstream = network.upstream(of);
                network
                    .consumers(wrt)
                    .filter(|&c| c <= of && upstream[c])
                    .flat_map(|c| {
                        [
                            Symbol::Derivative { of, wrt: c },
                            Symbol::Derivative { of: c, wrt },
                        ]
                    })
                    .collect()
            }
            Symbol::Updated(p) => vec![
                Symbol::Value(p),
                Symbol::Derivative {
                    of: network.total(),
                    wrt: p,
                },
            ],
            Symbol::After { node, updates: 1 } => network
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.is_parameter())
                .map(|(p, _)| Symbol::Updated(p))
                .chain(std::iter::once(Symbol::Value(node)))
                .collect(),
            Symbol::After { node, updates } => vec![Symbol::After {
                node,
                updates: updates - 1,
            }],
            Symbol::Delta(_) => unreachable!("canonical symbols have no delta"),
        }
    }
}

/// The values the local derivative `∂of/∂wrt` reads: `∂net/∂w` is the
/// input beside `w`, `∂net/∂x` the weight beside `x`, `∂out/∂net` and
/// `∂E/∂out` read the output.
fn local_inputs(network: &Network, of: NodeId, wrt: NodeId) -> Vec<Symbol> {
    match &network.nodes[of].kind {
        Kind::Net { terms, .. } => terms
            .iter()
            .filter_map(|&(w, x)| match wrt {
                _ if wrt == w => Some(Symbol::Value(x)),
                _ if wrt == x => Some(Symbol::Value(w)),
                _ => None,
            })
            .collect(),
        Kind::Out { .. } => vec![Symbol::Value(of)],
        Kind::Error { out, .. } => vec![Symbol::Value(*out)],
        Kind::Input(_) | Kind::Parameter { .. } | Kind::Total(_) => Vec::new(),
    }
}

/// Every symbol without a `/` or an `@`, for suggestions: the nodes, the
/// deltas and the updated parameters.
fn simple_names(network: &Network) -> Vec<String> {
    let mut names = Vec::new();
    for (id, node) in network.nodes.iter().enumerate() {
        names.push(node.name.clone());
        if node.is_parameter() {
            names.push(format!("{}+", node.name));
        }
        if matches!(node.kind, Kind::Net { .. }) {
            names.push(Symbol::Delta(id).show(network));
        }
    }
    names
}

/// `dA/dB` (or `∂A/∂B`), `/` at byte `slash` of `text`.
fn derivative(text: &str, slash: usize, network: &Network) -> Result<Symbol, SymbolError> {
    let parts = [(0, &text[..slash]), (slash + 1, &text[slash + 1..])];
    let mut nodes = [0; 2];
    let mut names: [String; 2] = Default::default();
    for (k, &(start, raw)) in parts.iter().enumerate() {
        let trimmed = raw.trim();
        let start = start + (raw.len() - raw.trim_start().len());
        let span = start..start + trimmed.len();
        let name = trimmed
            .strip_prefix('d')
            .or_else(|| trimmed.strip_prefix('∂'));
        if trimmed.is_empty() {
            return Err(SymbolError::new(
                span,
                format!("`{text}` is missing a node"),
                "a derivative is written dA/dB, e.g. dE_total/dw5".to_owned(),
            ));
        }
        match name.and_then(|n| network.find(n)) {
            Some(node) => {
                nodes[k] = node;
                names[k] = network.nodes[node].name.clone();
            }
            None if network.find(trimmed).is_some() => {
                let mut fixed = [parts[0].1.trim().to_owned(), parts[1].1.trim().to_owned()];
                fixed[k] = format!("d{trimmed}");
                return Err(SymbolError::new(
                    span,
                    format!("`{trimmed}` needs a `d` in front"),
                    format!(
                        "a derivative is written dA/dB: did you mean `{}/{}`?",
                        fixed[0], fixed[1]
                    ),
                ));
            }
            None => {
                let wanted = name.unwrap_or(trimmed);
                let known = network.nodes.iter().map(|n| n.name.as_str());
                let help = match grad_cli::did_you_mean(wanted, known) {
                    Some(close) => {
                        let mut fixed =
                            [parts[0].1.trim().to_owned(), parts[1].1.trim().to_owned()];
                        fixed[k] = format!("d{close}");
                        format!("did you mean `{}/{}`?", fixed[0], fixed[1])
                    }
                    None => format!(
                        "a derivative is written dA/dB with A and B nodes: {}",
                        node_list(network)
                    ),
                };
                return Err(SymbolError::new(
                    span,
                    format!("unknown node `{wanted}` in `{text}`"),
                    help,
                ));
            }
        }
    }
    Ok(Symbol::Derivative {
        of: nodes[0],
        wrt: nodes[1],
    })
}

/// Every node's name, for help.
fn node_list(network: &Network) -> String {
    let names: Vec<&str> = network.nodes.iter().map(|n| n.name.as_str()).collect();
    names.join(", ")
}

/// `NODE@N`, `@` at byte `at` of `text`.
fn after(text: &str, at: usize, network: &Network) -> Result<Symbol, SymbolError> {
    let (name, count) = (&text[..at], &text[at + 1..]);
    let Some(node) = network.find(name) else {
        let known = network.nodes.iter().map(|n| n.name.as_str());
        let help = match grad_cli::did_you_mean(name, known) {
            Some(close) => format!("did you mean `{close}@{count}`?"),
            None => format!(
                "NODE@N is a node after N updates; the nodes are {}",
                node_list(network)
            ),
        };
        return Err(SymbolError::new(
            0..at,
            format!("unknown node `{name}` in `{text}`"),
            help,
        ));
    };
    let span = at + 1..text.len();
    if count.is_empty() || !count.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SymbolError::new(
            span,
            format!("`{count}` is not a number of updates"),
            format!("write the number of updates as a whole number: `{name}@1`"),
        ));
    }
    let updates = match count.parse::<usize>() {
        Ok(n) if n <= MAX_UPDATES => n,
        _ => {
            return Err(SymbolError::new(
                span,
                format!("{count} updates are too many"),
                format!(
                    "the check retrains the network under every known mistake: N can be at \
                     most {MAX_UPDATES}"
                ),
            ));
        }
    };
    Ok(Symbol::After { node, updates })
}

/// `w5+`: `name` is `text` without its `+`.
fn updated(text: &str, name: &str, network: &Network) -> Result<Symbol, SymbolError> {
    match network.find(name) {
        Some(node) if network.nodes[node].is_parameter() => Ok(Symbol::Updated(node)),
        Some(_) => Err(SymbolError::new(
            0..text.len(),
            format!("`{name}` is not a weight or a bias, so it has no update"),
            format!("did you mean `{name}@1`, its value after one update?"),
        )),
        None => {
            let parameters = network
                .nodes
                .iter()
                .filter(|n| n.is_parameter())
                .map(|n| n.name.as_str());
            let help = match grad_cli::did_you_mean(name, parameters) {
                Some(close) => format!("did you mean `{close}+`?"),
                None => FORMS.to_owned(),
            };
            Err(SymbolError::new(
                0..name.len(),
                format!("unknown parameter `{name}` in `{text}`"),
                help,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<String, SymbolError> {
        let network = Network::blog();
        Symbol::parse(text, &network).map(|s| s.show(&network))
    }

    #[test]
    fn every_form_reads_and_prints_back() {
        for text in [
            "net_h1",
            "E_total",
            "dE_total/dw5",
            "dout_o1/dnet_o1",
            "dE_o2/dout_h1",
            "delta_o1",
            "delta_h2",
            "w5+",
            "b1+",
            "E_total@0",
            "out_o1@10000",
        ] {
            assert_eq!(parse(text).as_deref(), Ok(text));
        }
        assert_eq!(parse("∂E_total/∂w5").as_deref(), Ok("dE_total/dw5"));
        assert_eq!(parse("dE_total / dw5").as_deref(), Ok("dE_total/dw5"));
        assert_eq!(parse("δ_o1").as_deref(), Ok("delta_o1"));
        assert_eq!(parse("w5⁺").as_deref(), Ok("w5+"));
    }

    #[test]
    fn mistakes_point_at_the_spot_with_a_suggestion() {
        let cases = [
            (
                "out_h3",
                0..6,
                "unknown symbol `out_h3`",
                "did you mean `out_h1`?",
            ),
            (
                "e_total",
                0..7,
                "unknown symbol `e_total`",
                "did you mean `E_total`?",
            ),
            (
                "dE_total/dw9",
                9..12,
                "unknown node `w9` in `dE_total/dw9`",
                "did you mean `dE_total/dw1`?",
            ),
            (
                "dE_total/w5",
                9..11,
                "`w5` needs a `d` in front",
                "did you mean `dE_total/dw5`?",
            ),
            (
                "delta_o3",
                0..8,
                "unknown symbol `delta_o3`",
                "did you mean `delta_o1`?",
            ),
            (
                "out_h1+",
                0..7,
                "`out_h1` is not a weight or a bias",
                "did you mean `out_h1@1`",
            ),
            ("w9+", 0..2, "unknown parameter `w9`", "did you mean `w1+`?"),
            (
                "E_totl@1",
                0..6,
                "unknown node `E_totl`",
                "did you mean `E_total@1`?",
            ),
            (
                "E_total@x",
                8..9,
                "`x` is not a number of updates",
                "whole number",
            ),
            (
                "E_total@10001",
                8..13,
                "10001 updates are too many",
                "at most 10000",
            ),
        ];
        for (text, span, message, help) in cases {
            let e = parse(text).unwrap_err();
            assert_eq!(e.span, span, "{text}");
            assert!(e.message.contains(message), "{text}: {}", e.message);
            assert!(e.help.contains(help), "{text}: {}", e.help);
        }
    }

    #[test]
    fn symbols_are_ordered_as_the_walkthrough_computes_them() {
        let network = Network::blog();
        let blog_order = [
            "net_h1",
            "out_h1",
            "out_h2",
            "out_o1",
            "E_o1",
            "E_total",
            "dE_total/dout_o1",
            "dout_o1/dnet_o1",
            "delta_o1",
            "dE_total/dw5",
            "dnet_o1/dout_h1",
            "dE_o1/dout_h1",
            "dE_o2/dout_h1",
            "dE_total/dout_h1",
            "dout_h1/dnet_h1",
            "dE_total/dw1",
            "w5+",
            "w1+",
            "E_total@1",
            "E_total@10000",
        ];
        let keys: Vec<_> = blog_order
            .iter()
            .map(|t| Symbol::parse(t, &network).unwrap().order(&network))
            .collect();
        for (pair, names) in keys.windows(2).zip(blog_order.windows(2)) {
            assert!(
                pair[0] < pair[1],
                "{} should come before {}",
                names[0],
                names[1]
            );
        }
    }

    #[test]
    fn a_derivative_is_computed_from_its_factors_along_each_path() {
        let network = Network::blog();
        let show = |text: &str| -> Vec<String> {
            let symbol = Symbol::parse(text, &network).unwrap();
            symbol
                .inputs(&network)
                .iter()
                .map(|s| s.show(&network))
                .collect()
        };
        assert_eq!(
            show("dE_total/dout_h1"),
            [
                "dE_total/dnet_o1",
                "dnet_o1/dout_h1",
                "dE_total/dnet_o2",
                "dnet_o2/dout_h1"
            ]
        );
        assert_eq!(show("dE_o2/dout_h1"), ["dE_o2/dnet_o2", "dnet_o2/dout_h1"]);
        assert_eq!(show("dnet_o1/dw5"), ["out_h1"]);
        assert_eq!(show("dout_o1/dnet_o1"), ["out_o1"]);
        assert_eq!(show("w5+"), ["w5", "dE_total/dw5"]);
        assert_eq!(show("net_h1"), ["w1", "i1", "w2", "i2", "b1"]);
    }
}
