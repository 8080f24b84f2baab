//! Explanations on random graphs: every number an explanation prints is
//! the sweep's own, each node's paths add up to its gradient, and every
//! step comes after the steps whose numbers it uses.

use autograd::{Tape, Var};
use proptest::prelude::*;

use crate::random_graphs::graph;

proptest! {
    /// Named or not (every third node named), every node a learner names
    /// gets a step whose gradient is the sweep's, bit for bit; its paths'
    /// contributions add up to it; each reader's gradient is the sweep's;
    /// and every reader's own step comes earlier.
    #[test]
    fn every_step_is_the_sweeps_own(spec in graph()) {
        let tape = Tape::new();
        let nodes = spec.build_fresh(&tape);
        for (k, node) in nodes.iter().enumerate().filter(|(k, _)| k % 3 == 0) {
            let _ = node.named(format!("n{k}"));
        }
        let output = *nodes.last().unwrap();
        let grads = output.backward();
        let explanation = output.explain();
        let by_index = |index: usize| -> Var<'_> { tape.node(index).unwrap() };
        let upstream: Vec<usize> = {
            let mut seen = vec![false; output.index() + 1];
            seen[output.index()] = true;
            for n in (0..=output.index()).rev() {
                if seen[n] {
                    for p in by_index(n).parents() {
                        seen[p.index()] = true;
                    }
                }
            }
            (0..output.index()).filter(|&n| seen[n]).collect()
        };
        for &n in &upstream {
            let node = by_index(n);
            let named = node.name().is_some() || node.op().is_leaf();
            if named && node.requires_grad() {
                prop_assert!(explanation.step(node).is_some(), "#{n} has no step");
            }
        }
        let mut position = std::collections::HashMap::new();
        for (k, step) in explanation.steps().iter().enumerate() {
            position.insert(step.index(), k);
        }
        for (k, step) in explanation.steps().iter().enumerate() {
            let node = by_index(step.index());
            prop_assert_eq!(step.gradient().to_bits(), grads.wrt(node).to_bits());
            let mut sum = 0.0;
            let mut size = 0.0;
            for term in step.terms() {
                let reader = by_index(term.consumer_index());
                prop_assert_eq!(
                    term.consumer_gradient().to_bits(),
                    grads.wrt(reader).to_bits()
                );
                if term.consumer_index() != output.index() {
                    prop_assert!(position[&term.consumer_index()] < k, "#{} after #{}",
                        term.consumer_index(), step.index());
                }
                sum += term.contribution();
                size += term.contribution().abs();
            }
            // To far more than the 9 digits printed; not to the last bit:
            // paths that meet inside a formula are added in another order
            // than the sweep adds them.
            if step.gradient().is_finite() && size.is_finite() {
                prop_assert!(
                    (sum - step.gradient()).abs() <= 1e-9 * size.max(step.gradient().abs()) + 1e-15,
                    "#{}: paths {} against {}", step.index(), sum, step.gradient()
                );
            }
        }
        // Printing never fails, whatever the graph.
        prop_assert!(!explanation.to_string().is_empty() || explanation.steps().is_empty());
    }
}
