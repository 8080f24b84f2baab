//! The worked example through the nn crate: all 32 figures of
//! `shared/reference/blog-figures.md`, both update orders.

use autograd::{Tape, Var};
use nn::{Mlp, UpdateOrder, blog};

/// Asserts a figure to 1e-9 relative, naming the row.
fn row(number: u32, engine: f64, exact: f64) {
    assert!(
        ((engine - exact) / exact).abs() <= 1e-9,
        "row {number}: the engine gives {engine}, blog-figures.md {exact}"
    );
}

fn param<'t>(mlp: &Mlp<'t>, name: &str) -> Var<'t> {
    mlp.parameters()
        .find(|p| p.name().as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no parameter named {name}"))
}

#[test]
fn rows_1_to_28_from_the_network() {
    let tape = Tape::new();
    let mlp = blog::network(&tape);
    let pass = blog::forward(&mlp);
    let (hidden, output) = (pass.forward.outs(0), pass.forward.outs(1));
    let (net_h1, net_o1) = (pass.forward.nets(0)[0], pass.forward.nets(1)[0]);
    let [e_o1, e_o2] = pass.errors;
    let grads = pass.total.backward();
    // Rows 1-9 and the gradient rows are given to 12 places: within half a
    // unit of the 12th place (stricter than 1e-9 relative above 5e-4).
    let exact = |number: u32, engine: f64, table: f64| {
        assert!(
            (engine - table).abs() <= 0.5e-12 + 1e-15,
            "row {number}: the engine gives {engine}, blog-figures.md {table}"
        );
    };
    exact(1, net_h1.value(), 0.377500000000);
    exact(2, hidden[0].value(), 0.593269992107);
    exact(3, hidden[1].value(), 0.596884378260);
    exact(4, net_o1.value(), 1.105905967060);
    exact(5, output[0].value(), 0.751365069552);
    exact(6, output[1].value(), 0.772928465321);
    exact(7, e_o1.value(), 0.274811083176);
    exact(8, e_o2.value(), 0.023560025584);
    exact(9, pass.total.value(), 0.298371108760);
    exact(10, grads.wrt(output[0]), 0.741365069552);
    exact(11, output[0].backward().wrt(net_o1), 0.186815601809);
    exact(12, grads.wrt(param(&mlp, "w5")), 0.082167040564);
    for (k, table) in [
        0.358916479718,
        0.408666186076,
        0.511301270239,
        0.561370121108,
    ]
    .into_iter()
    .enumerate()
    {
        let w = param(&mlp, &format!("w{}", k + 5));
        exact(13 + k as u32, w.value() - 0.5 * grads.wrt(w), table);
    }
    exact(17, grads.wrt(net_o1), 0.138498561629);
    exact(18, net_o1.backward().wrt(hidden[0]), 0.40);
    exact(19, e_o1.backward().wrt(hidden[0]), 0.055399424651);
    exact(20, e_o2.backward().wrt(hidden[0]), -0.019049118258);
    exact(21, grads.wrt(hidden[0]), 0.036350306393);
    exact(22, hidden[0].backward().wrt(net_h1), 0.241300708572);
    exact(23, net_h1.backward().wrt(param(&mlp, "w1")), 0.05);
    exact(24, grads.wrt(param(&mlp, "w1")), 0.000438567734);
    for (k, table) in [
        0.149780716133,
        0.199561432266,
        0.249751143632,
        0.299502287265,
    ]
    .into_iter()
    .enumerate()
    {
        let w = param(&mlp, &format!("w{}", k + 1));
        exact(25 + k as u32, w.value() - 0.5 * grads.wrt(w), table);
    }
}

/// Trains the blog network `steps` steps in `order`; returns E_total after
/// the last update, out_o1, out_o2 and the eight weights.
fn train(order: UpdateOrder, steps: usize) -> (f64, f64, f64, Vec<f64>) {
    let tape = Tape::new();
    let mlp = blog::network(&tape);
    let mut trainer = blog::trainer(&mlp, blog::LEARNING_RATE, order);
    for _ in 0..steps {
        trainer.step(&mlp, &blog::INPUTS, &blog::TARGETS);
    }
    let mark = tape.mark();
    let pass = blog::forward(&mlp);
    let outputs = pass.forward.outputs();
    let result = (
        pass.total.value(),
        outputs[0].value(),
        outputs[1].value(),
        mlp.layers()
            .iter()
            .flat_map(|l| l.weights())
            .map(|w| w.value())
            .collect(),
    );
    tape.rewind(mark);
    result
}

#[test]
fn rows_29_to_32_in_both_update_orders() {
    // The blog's published numbers come from the sequential order...
    let (e1, ..) = train(UpdateOrder::Sequential, 1);
    row(29, e1, 0.291027923905442);
    let (e, o1, o2, w) = train(UpdateOrder::Sequential, 10_000);
    row(30, e, 3.508478629631277e-05);
    row(31, o1, 0.015912196326034);
    row(32, o2, 0.984065734485629);
    let published = [
        0.379919182862,
        0.659838365724,
        0.478714036130,
        0.757428072260,
        -3.892519004494,
        -3.867953043084,
        2.861489889946,
        2.925364276805,
    ];
    for (k, (&engine, &table)) in w.iter().zip(&published).enumerate() {
        assert!(
            (engine - table).abs() < 1e-11,
            "sequential w{}: {engine} vs {table}",
            k + 1
        );
    }
    // ...and its text describes true gradient descent.
    let (e1, ..) = train(UpdateOrder::Simultaneous, 1);
    row(29, e1, 0.291027773693599);
    let (e, o1, o2, w) = train(UpdateOrder::Simultaneous, 10_000);
    row(30, e, 3.510187782978859e-05);
    row(31, o1, 0.015913620443551);
    row(32, o2, 0.984064273514624);
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
    let mlp = blog::network(&tape);
    let mut trainer = blog::trainer(&mlp, 0.5, UpdateOrder::Simultaneous);
    for _ in 0..10 {
        trainer.step(&mlp, &blog::INPUTS, &blog::TARGETS);
    }
    assert_eq!(param(&mlp, "b1").value(), 0.35);
    assert_eq!(param(&mlp, "b2").value(), 0.60);
    assert_ne!(param(&mlp, "w1").value(), 0.15);
}
