//! A walkthrough with the chain rule written out, as a learner works it,
//! under a known mistake: each node's formula evaluated on the numbers
//! found before it, each local derivative (`∂out/∂net`, `∂net/∂w`) read
//! from the engine by a backward sweep over that one formula unless the
//! mistake replaces it, and every chain-rule product and sum recorded on
//! the tape with the engine's ops. A mistake changes a formula, a local
//! derivative, a path or the update; rounding rounds every number before it
//! is used again.
//!
//! The correct numbers the check compares with come from the engine's own
//! sweep ([`super::engine`]); a test shows that this walkthrough without a
//! mistake gives the same numbers to the last bits.

use std::collections::HashMap;

use autograd::{Gradients, Tape, Var};
use nn::Activation;

use super::symbol::Symbol;
use super::walkthrough::{Mistake, Sign, Variant};
use crate::loss::ErrorFunction;
use crate::network::{Kind, Network, NodeId};

/// The walkthrough at one set of parameters.
struct Point<'t> {
    /// Each node's value, as carried on.
    values: Vec<f64>,
    /// Each node's local derivatives: the parent, and `∂node/∂parent`.
    local: Vec<Vec<(NodeId, Var<'t>)>>,
    /// The sweep from E_total: each node's `∂E_total/∂node`, `None` where
    /// no path leads.
    total: Vec<Option<Var<'t>>>,
    /// The parameters after the update, in the model's order.
    updated: Vec<f64>,
}

/// Works a walkthrough on a tape.
struct Hand<'a, 't> {
    network: &'a Network,
    variant: &'a Variant,
    tape: &'t Tape,
    targets: Vec<f64>,
    /// Each node's parents.
    parents: Vec<Vec<NodeId>>,
    /// Reused by the sweeps over single formulas.
    grads: Gradients,
}

/// The value of each of `symbols` in the walkthrough `variant`, worked by
/// hand.
pub(crate) fn values(network: &Network, variant: &Variant, symbols: &[Symbol]) -> Vec<f64> {
    let tape = Tape::new();
    let mut targets = network.targets.clone();
    if variant.mistake == Mistake::SwappedTargets {
        targets.reverse();
    }
    let mut hand = Hand {
        network,
        variant,
        tape: &tape,
        targets,
        parents: network.nodes.iter().map(|n| n.parents()).collect(),
        grads: Gradients::new(),
    };
    // Parameters come first among the nodes: parameter i is node i.
    let start: Vec<f64> = network
        .model
        .parameters()
        .iter()
        .enumerate()
        .map(|(i, &w)| hand.carry(Symbol::Value(i), w))
        .collect();
    let mut first = hand.point(&start);
    let mut sweeps: HashMap<NodeId, Vec<Option<Var<'_>>>> = HashMap::new();
    let mut answers = Vec::with_capacity(symbols.len());
    for &symbol in symbols {
        answers.push(match symbol.canonical(network) {
            Symbol::Value(n) => first.values[n],
            Symbol::Derivative { of, wrt } if wrt > of => 0.0,
            Symbol::Derivative { of, wrt } => {
                let adjoints = if of == network.total() {
                    &first.total
                } else {
                    sweeps
                        .entry(of)
                        .or_insert_with(|| hand.sweep(&mut first, of))
                };
                adjoints[wrt].map_or(0.0, |a| a.value())
            }
            Symbol::Updated(p) => first.updated[p],
            Symbol::After { .. } => f64::NAN,
            Symbol::Delta(_) => unreachable!("canonical symbols have no delta"),
        });
    }
    hand.train(first.updated, symbols, &mut answers);
    answers
}

impl<'t> Hand<'_, 't> {
    /// `x`, the value of `symbol`, as the walkthrough carries it on.
    fn carry(&self, symbol: Symbol, x: f64) -> f64 {
        match &self.variant.rounded {
            Some(precisions) => precisions.round(self.network, symbol, x),
            None => x,
        }
    }

    /// [`Hand::carry`] for a node of the tape.
    fn carry_var(&self, symbol: Symbol, v: Var<'t>) -> Var<'t> {
        match &self.variant.rounded {
            Some(precisions) => {
                self.tape
                    .constant(precisions.round(self.network, symbol, v.value()))
            }
            None => v,
        }
    }

    /// The forward pass, the local derivatives, the sweep from E_total and
    /// the update, at `parameters`.
    fn point(&mut self, parameters: &[f64]) -> Point<'t> {
        let nodes = &self.network.nodes;
        let mut values = vec![0.0; nodes.len()];
        let mut local = vec![Vec::new(); nodes.len()];
        for (id, node) in nodes.iter().enumerate() {
            let parents = &self.parents[id];
            // Each formula reads its parents' values as written: leaves.
            let leaves: Vec<Var<'t>> = parents.iter().map(|&p| self.tape.var(values[p])).collect();
            let formula = match &node.kind {
                Kind::Input(k) => {
                    values[id] = self.carry(Symbol::Value(id), self.network.inputs[*k]);
                    continue;
                }
                Kind::Parameter { index, .. } => {
                    values[id] = parameters[*index];
                    continue;
                }
                Kind::Net { .. } => {
                    let (bias, pairs) = leaves
                        .split_last()
                        .expect("internal error: a net input has a bias");
                    self.tape
                        .sum(pairs.chunks(2).map(|wx| wx[0] * wx[1]).chain([*bias]))
                }
                Kind::Out { activation, .. } => activation.apply(leaves[0]),
                Kind::Error { output, .. } => {
                    let target = self.targets[*output];
                    let loss = match (self.variant.mistake, self.network.loss) {
                        (Mistake::MissingHalf, ErrorFunction::HalfSquared) => {
                            ErrorFunction::Squared
                        }
                        (_, loss) => loss,
                    };
                    loss.term(leaves[0], target)
                }
                Kind::Total(_) => self.tape.sum(leaves.iter().copied()),
            };
            values[id] = self.carry(Symbol::Value(id), formula.value());
            formula.backward_into(&mut self.grads);
            local[id] = parents
                .iter()
                .zip(&leaves)
                .map(|(&p, &leaf)| {
                    let derivative = self
                        .mistaken_local(&node.kind, leaf)
                        .unwrap_or_else(|| self.tape.constant(self.grads.wrt(leaf)));
                    let symbol = Symbol::Derivative { of: id, wrt: p };
                    (p, self.carry_var(symbol, derivative))
                })
                .collect();
        }
        let mut point = Point {
            values,
            local,
            total: Vec::new(),
            updated: Vec::new(),
        };
        point.total = self.sweep(&mut point, self.network.total());
        point.updated = (0..parameters.len())
            .map(|p| {
                let gradient = point.total[p].unwrap_or_else(|| self.tape.constant(0.0));
                self.update(p, point.values[p], gradient)
            })
            .collect();
        point
    }

    /// The mistake's own local derivative `∂node/∂parent` (the parent's
    /// value is `leaf`), where it replaces the engine's.
    fn mistaken_local(&self, kind: &Kind, leaf: Var<'t>) -> Option<Var<'t>> {
        match (self.variant.mistake, kind) {
            // net(1 − net) where out(1 − out) belongs.
            (
                Mistake::SigmoidDerivativeOfNet,
                Kind::Out {
                    activation: Activation::Sigmoid,
                    ..
                },
            ) => Some(leaf * (1.0 - leaf)),
            // target − out where −(target − out) belongs.
            (Mistake::SignFlip(Sign::ErrorDerivative), Kind::Error { output, .. }) => {
                Some(self.targets[*output] - leaf)
            }
            _ => None,
        }
    }

    /// The backward sweep from `of`: each node's adjoint, `None` where no
    /// path leads. Each adjoint is complete when the sweep reaches its node
    /// (every node that reads it comes later on the tape), and is carried
    /// on from there.
    fn sweep(&self, point: &mut Point<'t>, of: NodeId) -> Vec<Option<Var<'t>>> {
        let mut adjoints: Vec<Option<Var<'t>>> = vec![None; of + 1];
        adjoints[of] = Some(self.tape.constant(1.0));
        for n in (0..=of).rev() {
            let Some(adjoint) = adjoints[n] else {
                continue;
            };
            let adjoint = self.carry_var(Symbol::Derivative { of, wrt: n }, adjoint);
            adjoints[n] = Some(adjoint);
            if of == self.network.total() && self.variant.mistake == Mistake::UpdatedOutputWeights {
                self.use_updated_weights(point, n, adjoint);
            }
            for &(parent, derivative) in &point.local[n] {
                let path = adjoint * derivative;
                adjoints[parent] = Some(match adjoints[parent] {
                    // The paths through several readers add up...
                    Some(sum) if self.variant.mistake != Mistake::SinglePath => sum + path,
                    // ...unless only the first reader's is kept (the sweep
                    // meets the readers last to first).
                    _ => path,
                });
            }
        }
        adjoints
    }

    /// For the net input `n` of a layer above the first, reached with
    /// adjoint `delta` by the sweep from E_total: updates its weights first
    /// and backpropagates through the updated weights, as the blog's
    /// figures after the first update do.
    fn use_updated_weights(&self, point: &mut Point<'t>, n: NodeId, delta: Var<'t>) {
        let Kind::Net { layer, terms, .. } = &self.network.nodes[n].kind else {
            return;
        };
        if *layer == 0 {
            return;
        }
        for &(w, x) in terms {
            let derivative = |p: NodeId| {
                point.local[n]
                    .iter()
                    .find(|&&(q, _)| q == p)
                    .map(|&(_, d)| d)
                    .expect("internal error: a net input has a local derivative per parent")
            };
            let total = self.network.total();
            let gradient = self.carry_var(
                Symbol::Derivative { of: total, wrt: w },
                delta * derivative(w),
            );
            let updated = self
                .tape
                .constant(self.update(w, point.values[w], gradient));
            for entry in &mut point.local[n] {
                if entry.0 == x {
                    entry.1 = updated;
                }
            }
        }
    }

    /// Parameter `p` (at `value`) after one update with `gradient`.
    fn update(&self, p: NodeId, value: f64, gradient: Var<'t>) -> f64 {
        let Kind::Parameter {
            bias, trainable, ..
        } = self.network.nodes[p].kind
        else {
            unreachable!("internal error: only parameters are updated");
        };
        let trains = trainable || (bias && self.variant.mistake == Mistake::BiasesUpdated);
        if !trains {
            return value;
        }
        let rate = match self.variant.mistake {
            Mistake::LearningRate(rate) => rate,
            _ => self.network.learning_rate,
        };
        let w = self.tape.constant(value);
        let updated = if self.variant.mistake == Mistake::SignFlip(Sign::Update) {
            w + rate * gradient
        } else {
            w - rate * gradient
        };
        self.carry(Symbol::Updated(p), updated.value())
    }

    /// Fills in the answers of the `NODE@N` symbols by working the
    /// walkthrough again after each update, from the parameters `updated`
    /// after the first, up to the largest N; the tape is rewound after each.
    fn train(&mut self, mut updated: Vec<f64>, symbols: &[Symbol], answers: &mut [f64]) {
        let wanted: Vec<(usize, NodeId, usize)> = symbols
            .iter()
            .enumerate()
            .filter_map(|(k, &s)| match s.canonical(self.network) {
                Symbol::After { node, updates } => Some((k, node, updates)),
                _ => None,
            })
            .collect();
        let most = wanted.iter().map(|&(_, _, n)| n).max().unwrap_or(0);
        for step in 1..=most {
            let mark = self.tape.mark();
            let point = self.point(&updated);
            for &(k, node, updates) in &wanted {
                if updates == step {
                    answers[k] = point.values[node];
                }
            }
            updated = point.updated;
            self.tape.rewind(mark);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::number::Digits;
    use crate::check::walkthrough::Precisions;
    use nn::blog;

    /// Every symbol of the blog's network but the values after training:
    /// every value, every derivative between two nodes, every delta and
    /// every update.
    fn every_symbol(network: &Network) -> Vec<Symbol> {
        let n = network.nodes.len();
        let mut symbols: Vec<Symbol> = (0..n).map(Symbol::Value).collect();
        for of in 0..n {
            for wrt in 0..n {
                symbols.push(Symbol::Derivative { of, wrt });
            }
        }
        for (id, node) in network.nodes.iter().enumerate() {
            match node.kind {
                Kind::Net { .. } => symbols.push(Symbol::Delta(id)),
                Kind::Parameter { .. } => symbols.push(Symbol::Updated(id)),
                _ => {}
            }
        }
        symbols
    }

    #[test]
    fn without_a_mistake_the_chain_rule_by_hand_is_the_engines_sweep() {
        let network = Network::blog();
        let mut symbols = every_symbol(&network);
        for updates in 1..=3 {
            for node in 0..network.nodes.len() {
                symbols.push(Symbol::After { node, updates });
            }
        }
        let by_hand = values(&network, &Variant::correct(), &symbols);
        let engine = crate::check::engine::values(&network, &symbols);
        for ((symbol, hand), engine) in symbols.iter().zip(by_hand).zip(engine) {
            assert!(
                (hand - engine).abs() <= 1e-15,
                "{}: by hand {hand}, engine {engine}",
                symbol.show(&network)
            );
        }
    }

    #[test]
    fn the_chain_rule_by_hand_fits_networks_of_other_shapes() {
        use nn::{Activation, LayerSpec, Mlp};
        // 2-3-2 and 2-3-3-2 with one bias per neuron, named as --network
        // would name them.
        for (hidden, names) in [(&[3][..], &["h", "o"][..]), (&[3, 3], &["g", "h", "o"])] {
            let mut specs: Vec<LayerSpec> = hidden
                .iter()
                .map(|&n| LayerSpec::new(n, Activation::Sigmoid))
                .collect();
            specs.push(LayerSpec::new(2, Activation::Sigmoid));
            let model = Mlp::new(2, &specs, 7).with_names(names);
            let network = Network::new(model, vec![0.05, 0.10], vec![0.01, 0.99], 0.5);
            assert!(network.find("net_h3").is_some() && network.find("E_o2").is_some());
            let mut symbols = every_symbol(&network);
            symbols.push(Symbol::After {
                node: network.total(),
                updates: 2,
            });
            let by_hand = values(&network, &Variant::correct(), &symbols);
            let engine = crate::check::engine::values(&network, &symbols);
            for ((symbol, hand), engine) in symbols.iter().zip(by_hand).zip(engine) {
                assert!(
                    (hand - engine).abs() <= 1e-15,
                    "{names:?} {}: by hand {hand}, engine {engine}",
                    symbol.show(&network)
                );
            }
            // Updating the layers above first is nn's sequential order.
            let tape = autograd::Tape::new();
            let mut trainer = nn::Trainer::new(
                &tape,
                network.model.clone(),
                nn::Loss::HalfSquaredError,
                nn::Sgd::new(0.5),
            )
            .with_update_order(nn::UpdateOrder::Sequential);
            for _ in 0..3 {
                trainer.step(&network.inputs, &network.targets);
            }
            let sequential = trainer.step(&network.inputs, &network.targets);
            let after = Symbol::After {
                node: network.total(),
                updates: 3,
            };
            let variant = Variant::exact(Mistake::UpdatedOutputWeights);
            let by_hand = values(&network, &variant, &[after])[0];
            assert!(
                (by_hand - sequential).abs() <= 1e-15,
                "{names:?}: by hand {by_hand}, nn {sequential}"
            );
        }
    }

    fn value(network: &Network, variant: &Variant, text: &str) -> f64 {
        let symbol = Symbol::parse(text, network).unwrap();
        values(network, variant, &[symbol])[0]
    }

    #[test]
    fn updating_the_output_weights_first_is_the_blogs_training() {
        let network = Network::blog();
        let variant = Variant::exact(Mistake::UpdatedOutputWeights);
        assert!(blog::figure(29).is_exact(value(&network, &variant, "E_total@1")));
        assert!(blog::figure(30).is_exact(value(&network, &variant, "E_total@10000")));
        assert!(blog::figure(31).is_exact(value(&network, &variant, "out_o1@10000")));
        // The update of w5..w8 is the same in both orders; w1's is not.
        let w5 = value(&network, &variant, "w5+");
        assert!(blog::figure(13).is_exact(w5));
        assert!(!blog::figure(25).is_exact(value(&network, &variant, "w1+")));
        assert_eq!(value(&network, &variant, "dnet_o1/dout_h1"), w5);
    }

    #[test]
    fn the_blog_rounded_its_intermediates_in_row_20() {
        let network = Network::blog();
        let variant = Variant {
            mistake: Mistake::None,
            rounded: Some(Precisions::uniform(Digits::Places(9))),
        };
        let row_20 = blog::figure(20);
        let rounded = value(&network, &variant, row_20.name);
        assert_eq!(format!("{rounded:.9}"), row_20.published);
        assert!(!row_20.is_exact(rounded));
    }

    #[test]
    fn each_mistake_changes_what_it_should() {
        let network = Network::blog();
        let correct = |text| value(&network, &Variant::correct(), text);
        let with = |mistake, text| value(&network, &Variant::exact(mistake), text);
        let [o1, t1] = [correct("out_o1"), network.targets[0]];
        // ∂E_o1/∂out_o1 = out_o1 − t1, negated by the sign slip.
        let slip = Mistake::SignFlip(Sign::ErrorDerivative);
        assert!((with(slip, "dE_total/dout_o1") - (t1 - o1)).abs() < 1e-15);
        assert!((with(slip, "dE_total/dw1") + correct("dE_total/dw1")).abs() < 1e-15);
        let up = Mistake::SignFlip(Sign::Update);
        let w5 = 0.40 + 0.5 * correct("dE_total/dw5");
        assert!((with(up, "w5+") - w5).abs() < 1e-15);
        assert_eq!(with(up, "dE_total/dw5"), correct("dE_total/dw5"));
        // Without the ½ the errors and the gradients double.
        for text in [
            "E_o1",
            "E_total",
            "dE_total/dw5",
            "dE_total/dw1",
            "delta_h2",
        ] {
            let ratio = with(Mistake::MissingHalf, text) / correct(text);
            assert!((ratio - 2.0).abs() < 1e-14, "{text}: {ratio}");
        }
        // σ' at the net input.
        let net = correct("net_o1");
        let wrong = with(Mistake::SigmoidDerivativeOfNet, "dout_o1/dnet_o1");
        assert!((wrong - net * (1.0 - net)).abs() < 1e-15);
        // One path: ∂E_total/∂out_h1 is ∂E_o1/∂out_h1, while ∂E_o2/∂out_h1
        // keeps its own path.
        let single = with(Mistake::SinglePath, "dE_total/dout_h1");
        assert_eq!(single, correct("dE_o1/dout_h1"));
        assert_eq!(
            with(Mistake::SinglePath, "dE_o2/dout_h1"),
            correct("dE_o2/dout_h1")
        );
        // Biases move only under biases_updated.
        let b2 = with(Mistake::BiasesUpdated, "b2+");
        let step = 0.5 * (correct("delta_o1") + correct("delta_o2"));
        assert!((b2 - (0.60 - step)).abs() < 1e-15);
        assert_eq!(correct("b2+"), 0.60);
        // Another learning rate moves the weights by as much more.
        let w5 = with(Mistake::LearningRate(0.1), "w5+");
        assert!((w5 - (0.40 - 0.1 * correct("dE_total/dw5"))).abs() < 1e-15);
        // Swapped targets.
        let e = with(Mistake::SwappedTargets, "E_o1");
        assert!((e - 0.5 * (0.99 - o1).powi(2)).abs() < 1e-15);
    }
}
