//! The worked example through the nn crate: all 32 figures of the blog
//! (`nn::blog::FIGURES`), both update orders.

use autograd::{Tape, Var};
use nn::{BoundMlp, Mlp, UpdateOrder, blog};

/// Asserts that the engine's value is figure `row`'s exact value, to the
/// precision of the table.
fn row(row: u32, engine: f64) {
    let figure = blog::figure(row);
    assert!(
        figure.is_exact(engine),
        "row {row} ({}): the engine gives {engine}, the table {}",
        figure.name,
        figure.exact
    );
}

fn param<'t>(net: &BoundMlp<'t>, name: &str) -> Var<'t> {
    net.parameter(name)
        .unwrap_or_else(|| panic!("no parameter named {name}"))
}

/// The value of `model`'s parameter `name`.
fn value(model: &Mlp, name: &str) -> f64 {
    model.parameters()[model
        .parameter_index(name)
        .expect("a parameter of the blog")]
}

#[test]
fn rows_1_to_28_from_the_network() {
    let tape = Tape::new();
    let mlp = blog::network().bind(&tape);
    let pass = blog::forward(&mlp);
    let (hidden, output) = (pass.forward.outs(0), pass.forward.outs(1));
    let (net_h1, net_o1) = (pass.forward.nets(0)[0], pass.forward.nets(1)[0]);
    let [e_o1, e_o2] = pass.errors;
    let grads = pass.total.backward();
    row(1, net_h1.value());
    row(2, hidden[0].value());
    row(3, hidden[1].value());
    row(4, net_o1.value());
    row(5, output[0].value());
    row(6, output[1].value());
    row(7, e_o1.value());
    row(8, e_o2.value());
    row(9, pass.total.value());
    row(10, grads.wrt(output[0]));
    row(11, output[0].backward().wrt(net_o1));
    row(12, grads.wrt(param(&mlp, "w5")));
    for k in 0..4 {
        let w = param(&mlp, &format!("w{}", k + 5));
        row(13 + k, w.value() - blog::LEARNING_RATE * grads.wrt(w));
    }
    row(17, grads.wrt(net_o1));
    row(18, net_o1.backward().wrt(hidden[0]));
    row(19, e_o1.backward().wrt(hidden[0]));
    row(20, e_o2.backward().wrt(hidden[0]));
    row(21, grads.wrt(hidden[0]));
    row(22, hidden[0].backward().wrt(net_h1));
    row(23, net_h1.backward().wrt(param(&mlp, "w1")));
    row(24, grads.wrt(param(&mlp, "w1")));
    for k in 0..4 {
        let w = param(&mlp, &format!("w{}", k + 1));
        row(25 + k, w.value() - blog::LEARNING_RATE * grads.wrt(w));
    }
}

/// Trains the blog network `steps` steps in `order`; returns E_total after
/// the last update, out_o1, out_o2 and the eight weights.
fn train(order: UpdateOrder, steps: usize) -> (f64, f64, f64, Vec<f64>) {
    let tape = Tape::new();
    let mut trainer = blog::trainer(&tape, blog::network(), blog::LEARNING_RATE, order);
    for _ in 0..steps {
        trainer.step(&blog::INPUTS, &blog::TARGETS);
    }
    let model = trainer.into_model();
    // The trained model, free of the trainer, on a tape of its own.
    let tape = Tape::new();
    let pass = blog::forward(&model.bind(&tape));
    let outputs = pass.forward.outputs();
    let weights = (0..2)
        .flat_map(|layer| model.weights(layer).to_vec())
        .collect();
    (
        pass.total.value(),
        outputs[0].value(),
        outputs[1].value(),
        weights,
    )
}

#[test]
fn rows_29_to_32_in_both_update_orders() {
    // The blog's published numbers come from the sequential order...
    let (e1, ..) = train(UpdateOrder::Sequential, 1);
    row(29, e1);
    let (e, o1, o2, w) = train(UpdateOrder::Sequential, blog::TRAINING_STEPS);
    row(30, e);
    row(31, o1);
    row(32, o2);
    // The weights after training are not printed by the blog: these are
    // this engine's values, kept to catch a change in the training itself.
    let sequential = [
        0.379919182862,
        0.659838365724,
        0.478714036130,
        0.757428072260,
        -3.892519004494,
        -3.867953043084,
        2.861489889946,
        2.925364276805,
    ];
    for (k, (&engine, &table)) in w.iter().zip(&sequential).enumerate() {
        assert!(
            (engine - table).abs() < 1e-11,
            "sequential w{}: {engine} vs {table}",
            k + 1
        );
    }
    // ...and its text describes true gradient descent.
    let true_gradient_descent = |number: u32, engine: f64| {
        let figure = blog::figure(number);
        assert!(
            figure.is_true_gradient_descent(engine),
            "row {number} ({}) in true gradient descent: the engine gives {engine}, the table {:?}",
            figure.name,
            figure.true_gradient_descent
        );
    };
    let (e1, ..) = train(UpdateOrder::Simultaneous, 1);
    true_gradient_descent(29, e1);
    let (e, o1, o2, w) = train(UpdateOrder::Simultaneous, blog::TRAINING_STEPS);
    true_gradient_descent(30, e);
    true_gradient_descent(31, o1);
    true_gradient_descent(32, o2);
    let text = [
        0.378509988350,
        0.657019976700,
        0.477300705685,
        0.754601411370,
        -3.892977198866,
        -3.868416687704,
        2.861810948620,
        2.925688966772,
    ];
    for (k, (&engine, &table)) in w.iter().zip(&text).enumerate() {
        assert!(
            (engine - table).abs() < 1e-11,
            "simultaneous w{}: {engine} vs {table}",
            k + 1
        );
    }
}

#[test]
fn biases_stay_frozen_while_training() {
    let tape = Tape::new();
    let mut trainer = blog::trainer(&tape, blog::network(), 0.5, UpdateOrder::Simultaneous);
    for _ in 0..10 {
        trainer.step(&blog::INPUTS, &blog::TARGETS);
    }
    let model = trainer.model();
    assert_eq!(value(model, "b1"), 0.35);
    assert_eq!(value(model, "b2"), 0.60);
    assert_ne!(value(model, "w1"), 0.15);
    // The leaves on the tape follow the model.
    let net = trainer.network();
    assert_eq!(param(net, "w1").value(), value(model, "w1"));
}
