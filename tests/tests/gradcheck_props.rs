//! Property tests: on random expression graphs and random networks, every
//! gradient agrees with finite differences, and the sweep obeys the algebra
//! of derivatives.
//!
//! Run harder with `PROPTEST_CASES=10000 cargo test --release -p
//! integration-tests --test integration gradcheck_props`.

use approx::relative_eq;
use autograd::check::GradCheck;
use autograd::{Tape, Var};
use nn::{Activation, Bias, LayerSpec, Loss, Mlp};
use proptest::prelude::*;

use crate::random_graphs::{GraphSpec, graph, graph_with};

/// Equal up to the rounding of a few dozen operations.
fn close(a: f64, b: f64) -> bool {
    relative_eq!(a, b, epsilon = 1e-12, max_relative = 1e-9)
}

proptest! {
    /// (1) Every input's gradient agrees with central finite differences.
    #[test]
    fn input_gradients_agree_with_finite_differences(spec in graph()) {
        let result = GradCheck::new().inputs(
            |tape, vars| *spec.build(tape, vars).last().unwrap(),
            &spec.point(),
        );
        prop_assert!(result.is_ok(), "{}", result.unwrap_err());
    }

    /// (2) Every intermediate node's adjoint agrees with perturbing that node.
    #[test]
    fn node_adjoints_agree_with_perturbation(spec in graph()) {
        let tape = Tape::new();
        let output = *spec.build_fresh(&tape).last().unwrap();
        let result = GradCheck::new().nodes(output);
        prop_assert!(result.is_ok(), "{}", result.unwrap_err());
    }

    /// (3) Backward twice gives the same bits for every node.
    #[test]
    fn backward_twice_is_identical(spec in graph()) {
        let tape = Tape::new();
        let nodes = spec.build_fresh(&tape);
        let output = *nodes.last().unwrap();
        let (first, second) = (output.backward(), output.backward());
        for &node in &nodes {
            prop_assert_eq!(first.wrt(node).to_bits(), second.wrt(node).to_bits());
        }
    }

    /// (4) Linearity: ∇(a f + b g) = a ∇f + b ∇g, for f the output and g any
    /// other node of the same graph, at every node.
    #[test]
    fn gradients_are_linear(spec in graph(), pick in any::<prop::sample::Index>(),
                            a in -3.0..3.0f64, b in -3.0..3.0f64) {
        let tape = Tape::new();
        let nodes = spec.build_fresh(&tape);
        let f = *nodes.last().unwrap();
        let g = nodes[pick.index(nodes.len())];
        let combined = a * f + b * g;
        let (df, dg, dh) = (f.backward(), g.backward(), combined.backward());
        for &node in &nodes {
            let expected = a * df.wrt(node) + b * dg.wrt(node);
            prop_assert!(close(dh.wrt(node), expected),
                "at {node:?}: {} vs {expected}", dh.wrt(node));
        }
    }

    /// (5) Chain rule: for y = g(x) fed into f, ∂f(g(x))/∂x equals ∂f/∂y,
    /// read from f built on a fresh leaf holding y, times ∂g/∂x.
    #[test]
    fn composition_obeys_the_chain_rule(g in graph_with(20), f in graph_with(20)) {
        let f_point = f.point();
        let tape = Tape::new();
        let g_nodes = g.build_fresh(&tape);
        let g_out = *g_nodes.last().unwrap();
        // Shift g's output onto f's first variable, where f's domain was checked.
        let y = g_out + (f_point[0] - g_out.value());
        let mut f_vars: Vec<Var<'_>> = vec![y];
        f_vars.extend(f_point[1..].iter().map(|&v| tape.var(v)));
        let composite = *f.build(&tape, &f_vars).last().unwrap();
        let through = composite.backward();

        let alone = Tape::new();
        let fresh_y = alone.var(y.value());
        let mut fresh_vars = vec![fresh_y];
        fresh_vars.extend(f_point[1..].iter().map(|&v| alone.var(v)));
        let f_out = *f.build(&alone, &fresh_vars).last().unwrap();
        let df_dy = f_out.backward().wrt(fresh_y);
        let dg = g_out.backward();
        for &x in &g_nodes[..g.point().len().min(g_nodes.len())] {
            let expected = df_dy * dg.wrt(x);
            prop_assert!(close(through.wrt(x), expected),
                "at {x:?}: {} vs {expected}", through.wrt(x));
        }
    }
}

/// A random small network: sizes, activations, bias modes, weights, input,
/// target and loss.
fn network() -> impl Strategy<Value = NetworkCase> {
    let layer = (1usize..=4, 0u8..7, any::<bool>());
    (
        1usize..=3,
        prop::collection::vec(layer, 1..=3),
        any::<u64>(),
        prop::collection::vec(-2.0..2.0f64, 3),
        prop::collection::vec(-1.0..1.0f64, 4),
        any::<bool>(),
    )
        .prop_map(|(n_inputs, layers, seed, input, target, mse)| NetworkCase {
            n_inputs,
            layers: layers
                .into_iter()
                .map(|(size, activation, shared)| {
                    let activation = [
                        Activation::Sigmoid,
                        Activation::Tanh,
                        Activation::Relu,
                        Activation::Identity,
                        Activation::LeakyRelu(0.1),
                        Activation::Elu(1.0),
                        Activation::Softplus,
                    ][activation as usize];
                    let bias = if shared {
                        Bias::Shared
                    } else {
                        Bias::PerNeuron
                    };
                    LayerSpec::new(size, activation).with_bias(bias)
                })
                .collect(),
            seed,
            input: input[..n_inputs].to_vec(),
            target,
            loss: if mse {
                Loss::MeanSquaredError
            } else {
                Loss::HalfSquaredError
            },
        })
}

#[derive(Clone, Debug)]
struct NetworkCase {
    n_inputs: usize,
    layers: Vec<LayerSpec>,
    seed: u64,
    input: Vec<f64>,
    target: Vec<f64>,
    loss: Loss,
}

proptest! {
    /// (6) The gradient of a random network's loss with respect to every
    /// parameter (and every node) agrees with finite differences.
    #[test]
    fn network_gradients_agree_with_finite_differences(case in network()) {
        let tape = Tape::new();
        let mlp = Mlp::new(case.n_inputs, &case.layers, case.seed).bind(&tape);
        let forward = mlp.forward(&mlp.inputs(&case.input));
        // relu has no derivative at 0: leave out the rare case whose net
        // input lands within reach of the finite-difference step.
        for (k, spec) in case.layers.iter().enumerate() {
            if matches!(spec.activation, Activation::Relu | Activation::LeakyRelu(_) | Activation::Elu(_)) {
                prop_assume!(forward.nets(k).iter().all(|n| n.value().abs() > 1e-4));
            }
        }
        let outputs = forward.outputs();
        let loss = case.loss.apply(outputs, &case.target[..outputs.len()]);
        let report = GradCheck::new().nodes(loss);
        prop_assert!(report.is_ok(), "{}", report.unwrap_err());
        let report = report.unwrap();
        for p in mlp.parameters().iter() {
            prop_assert!(report.entries().iter().any(|e| e.index == p.index()),
                "parameter {p:?} was not checked");
        }
    }
}

#[test]
fn the_blog_loss_agrees_with_finite_differences_at_every_node() {
    let tape = Tape::new();
    let mlp = nn::blog::network().bind(&tape);
    let pass = nn::blog::forward(&mlp);
    let report = GradCheck::new()
        .nodes(pass.total)
        .expect("the blog's gradients check");
    // 10 parameters and every computed node: 4 products, 2 sums, 2 sigmoids
    // per layer, then 2 subs, 2 powi, 2 muls and the total.
    assert_eq!(report.entries().len(), 10 + 2 * 8 + 7);
    assert!(report.max_error() < 1e-9, "{report}");
}

#[test]
fn a_regression_graph_pastes_back_in() {
    use crate::random_graphs::{Binary, ScalarOp, Unary};
    // The shape a shrunk failure prints as.
    let spec = GraphSpec::new()
        .var(0.7)
        .constant(-1.5)
        .var(2.0)
        .binary(Binary::Pow, 2, 0)
        .unary(Unary::Sigmoid, 3)
        .scalar(ScalarOp::ScalarDiv, 1, 2.5)
        .powi(4, -2)
        .sum(&[5, 6, 0, 0]);
    let result = GradCheck::new().inputs(
        |tape, vars| *spec.build(tape, vars).last().unwrap(),
        &spec.point(),
    );
    assert!(result.is_ok(), "{}", result.unwrap_err());
}
