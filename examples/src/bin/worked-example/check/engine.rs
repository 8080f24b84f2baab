//! The correct walkthrough, read from the engine: values from the nodes of
//! one recorded pass, every derivative `dA/dB` from a reverse sweep from
//! `A` (the adjoint of `B`), the updates from the sweep from E_total, and
//! the values after N updates from gradient descent on the engine's
//! gradients (as the `nn` crate's trainer steps, for any error function).
//! Nothing here knows a derivative.

use std::collections::HashMap;

use autograd::{Gradients, Tape};

use super::symbol::Symbol;
use crate::network::{Kind, Network, NodeId};

/// The engine's value of each of `symbols`, in order.
pub(crate) fn values(network: &Network, symbols: &[Symbol]) -> Vec<f64> {
    let tape = Tape::new();
    let bound = network.model.bind(&tape);
    let pass = network.record(&bound);
    // One sweep from each node a derivative starts at.
    let mut sweeps: HashMap<NodeId, Gradients> = HashMap::new();
    for &symbol in symbols {
        let of = match symbol.canonical(network) {
            Symbol::Derivative { of, .. } => of,
            Symbol::Updated(_) => network.total(),
            _ => continue,
        };
        sweeps.entry(of).or_insert_with(|| pass[of].backward());
    }
    let sweep = |of: NodeId| &sweeps[&of];
    let mut answers: Vec<f64> = symbols
        .iter()
        .map(|&symbol| match symbol.canonical(network) {
            Symbol::Value(n) => pass[n].value(),
            // A node recorded after `of` gets 0: `of` does not depend on it.
            Symbol::Derivative { of, wrt } => sweep(of).wrt(pass[wrt]),
            Symbol::Updated(p) => {
                let Kind::Parameter { trainable, .. } = network.nodes[p].kind else {
                    unreachable!("internal error: only parameters are updated");
                };
                let value = pass[p].value();
                if trainable {
                    value - network.learning_rate * sweep(network.total()).wrt(pass[p])
                } else {
                    value
                }
            }
            // Filled in below, by training.
            Symbol::After { .. } => f64::NAN,
            Symbol::Delta(_) => unreachable!("canonical symbols have no delta"),
        })
        .collect();
    after_training(network, symbols, &mut answers);
    answers
}

/// Fills in the answers of the `NODE@N` symbols: the `nn` trainer's
/// gradient descent (every gradient at the same point, the biases as the
/// model freezes them), one run up to the largest N.
fn after_training(network: &Network, symbols: &[Symbol], answers: &mut [f64]) {
    let wanted: Vec<(usize, NodeId, usize)> = symbols
        .iter()
        .enumerate()
        .filter_map(|(k, &s)| match s.canonical(network) {
            Symbol::After { node, updates } => Some((k, node, updates)),
            _ => None,
        })
        .collect();
    let Some(most) = wanted.iter().map(|&(_, _, n)| n).max() else {
        return;
    };
    let tape = Tape::new();
    let mut model = network.model.clone();
    let trainable: Vec<bool> = model.trainable().collect();
    let bound = model.bind(&tape);
    let mark = tape.mark();
    let mut grads = Gradients::new();
    for step in 1..=most {
        // True gradient descent, as nn's trainer steps: every gradient at
        // the same point, then each trainable parameter w − η·∂E_total/∂w.
        let total = *network
            .record(&bound)
            .last()
            .expect("internal error: a pass ends at E_total");
        total.backward_into(&mut grads);
        let gradient = bound.gradients(&grads);
        tape.rewind(mark);
        for ((p, g), &trains) in model
            .parameters_mut()
            .iter_mut()
            .zip(gradient)
            .zip(&trainable)
        {
            if trains {
                *p -= network.learning_rate * g;
            }
        }
        bound.load(&model);
        if wanted.iter().any(|&(_, _, n)| n == step) {
            let pass = network.record(&bound);
            for &(k, node, updates) in &wanted {
                if updates == step {
                    answers[k] = pass[node].value();
                }
            }
            tape.rewind(mark);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nn::blog;

    fn value(network: &Network, text: &str) -> f64 {
        let symbol = Symbol::parse(text, network).unwrap();
        values(network, &[symbol])[0]
    }

    #[test]
    fn the_engine_gives_the_blogs_figures() {
        let network = Network::blog();
        for figure in &blog::FIGURES[..28] {
            let engine = value(&network, figure.name);
            assert!(figure.is_exact(engine), "row {}: {engine}", figure.row);
        }
        let delta = value(&network, "delta_o1");
        assert!(blog::figure(17).is_exact(delta));
        let after_one = value(&network, "E_total@1");
        assert!(blog::figure(29).is_true_gradient_descent(after_one));
        assert_eq!(value(&network, "E_total@0"), value(&network, "E_total"));
    }

    #[test]
    fn a_derivative_with_respect_to_a_node_not_upstream_is_0() {
        let network = Network::blog();
        assert_eq!(value(&network, "dE_o1/dout_o2"), 0.0);
        assert_eq!(value(&network, "dout_h1/dE_total"), 0.0);
        assert_eq!(value(&network, "dw5/dw1"), 0.0);
        assert_eq!(value(&network, "dw5/dw5"), 1.0);
        assert_eq!(value(&network, "dE_total/dE_o1"), 1.0);
        // The inputs get gradients too.
        let di1 = value(&network, "dE_total/di1");
        let dw1 = value(&network, "dE_total/dw1");
        assert!(di1 != 0.0 && dw1 != 0.0);
    }

    #[test]
    fn training_is_the_nn_trainers_to_the_bit() {
        let network = Network::blog();
        let tape = Tape::new();
        let mut trainer = nn::Trainer::new(
            &tape,
            network.model.clone(),
            nn::Loss::HalfSquaredError,
            nn::Sgd::new(network.learning_rate),
        );
        for _ in 0..20 {
            trainer.step(&network.inputs, &network.targets);
        }
        let after = trainer.step(&network.inputs, &network.targets);
        assert_eq!(value(&network, "E_total@20").to_bits(), after.to_bits());
    }

    #[test]
    fn biases_stay_fixed_as_in_the_blog() {
        let network = Network::blog();
        assert_eq!(value(&network, "b1+"), blog::BIASES[0]);
        assert_eq!(value(&network, "b2@3"), blog::BIASES[1]);
    }
}
