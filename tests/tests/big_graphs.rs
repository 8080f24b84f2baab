//! Deep graphs: the reverse sweep is iterative, so depth costs memory, not stack.
//!
//! The debug suite runs a million-node chain; `cargo test --release` (run by
//! `.ci/run`) runs ten million.

use autograd::Tape;

/// Nodes in the chain: ten million in release builds, one million in debug.
const NODES: usize = if cfg!(debug_assertions) {
    1_000_000
} else {
    10_000_000
};

/// x ← a·x + b, two nodes a step. With x₀ = 0.5 the closed forms are
/// x_n = 1 + (x₀ - 1)·aⁿ (the fixed point is b / (1 - a) = 1) and
/// ∂x_n/∂x₀ = aⁿ.
#[test]
fn chain_gradient_matches_closed_form() {
    let (a, b, x0) = (0.999_999, 1e-6, 0.5);
    let steps = NODES / 2;
    let tape = Tape::with_capacity(NODES + 1);
    let input = tape.var(x0);
    let mut x = input;
    for _ in 0..steps {
        x = a * x + b;
    }
    assert_eq!(tape.len(), NODES + 1);
    let grads = x.backward();

    let n = i32::try_from(steps).unwrap();
    // Each of the n steps rounds once forward and once in the sweep, so the
    // relative error is bounded by about n·ε.
    let tolerance = steps as f64 * f64::EPSILON;
    let gradient = a.powi(n);
    let value = 1.0 + (x0 - 1.0) * a.powi(n);
    assert!(
        ((grads.wrt(input) - gradient) / gradient).abs() < tolerance,
        "∂x/∂x0 = {}, closed form {gradient}",
        grads.wrt(input)
    );
    assert!(
        ((x.value() - value) / value).abs() < tolerance,
        "x = {}, closed form {value}",
        x.value()
    );
    // Every intermediate node has its adjoint: halfway down the chain,
    // ∂x_n/∂x_(n/2) = a^(n/2).
    let halfway = {
        let mut node = x;
        for _ in 0..steps / 2 {
            node = node.parents()[0].parents()[0];
        }
        node
    };
    let expected = a.powi(n / 2);
    assert!(((grads.wrt(halfway) - expected) / expected).abs() < tolerance);
}

/// One n-ary sum over a million terms is one node, and each term's gradient
/// is its coefficient.
#[test]
fn wide_sum_is_one_node() {
    let terms = NODES / 10;
    let tape = Tape::new();
    let xs: Vec<_> = (0..terms).map(|k| tape.var(k as f64)).collect();
    let total = tape.sum(xs.iter().enumerate().map(|(k, &x)| (k % 7) as f64 * x));
    assert_eq!(total.parents().len(), terms);
    assert_eq!(tape.len(), 2 * terms + 1);
    let grads = total.backward();
    for (k, &x) in xs.iter().enumerate().step_by(9973) {
        assert_eq!(grads.wrt(x), (k % 7) as f64);
    }
}

/// A training loop over a deep graph rewinds without growing the tape, and
/// each step's gradient matches the hand-derived recurrence.
#[test]
fn rewinding_a_deep_graph_reuses_the_tape() {
    // x ← x + 1e-4·tanh x, three nodes a layer; dx'/dx = 1 + 1e-4·(1 - tanh² x)
    let layers = NODES / 100;
    let tape = Tape::new();
    let w = tape.var(0.3);
    let mark = tape.mark();
    for step in 0..3 {
        let mut x = w;
        for _ in 0..layers {
            x = x + 1e-4 * x.tanh();
        }
        let engine = x.backward().wrt(w);
        let (mut hand_x, mut hand_gradient) = (w.value(), 1.0);
        for _ in 0..layers {
            let t = hand_x.tanh();
            hand_gradient *= 1.0 + 1e-4 * (1.0 - t * t);
            hand_x += 1e-4 * t;
        }
        assert_eq!(x.value(), hand_x);
        let tolerance = 4.0 * layers as f64 * f64::EPSILON;
        assert!(
            ((engine - hand_gradient) / hand_gradient).abs() < tolerance,
            "step {step}: engine {engine}, hand {hand_gradient}"
        );
        assert_eq!(tape.len(), 1 + 3 * layers);
        tape.rewind(mark);
        assert_eq!(tape.len(), 1);
        tape.set_value(w, w.value() + 0.1);
    }
}
