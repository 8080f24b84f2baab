//! Rows 1-28 of the blog's figures (`nn::blog::FIGURES`), computed by
//! building the blog's 2-2-2 network directly from autograd ops and reading
//! node values and per-node adjoints.

use approx::assert_relative_eq;
use autograd::{Tape, Var};
use nn::blog;

/// The blog's network, every node named as the blog names it.
struct Blog<'t> {
    w: [Var<'t>; 8],
    i1: Var<'t>,
    net_h1: Var<'t>,
    out_h1: Var<'t>,
    out_h2: Var<'t>,
    net_o1: Var<'t>,
    out_o1: Var<'t>,
    out_o2: Var<'t>,
    e_o1: Var<'t>,
    e_o2: Var<'t>,
    e_total: Var<'t>,
}

fn build(tape: &Tape) -> Blog<'_> {
    let names = ["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"];
    let w: [Var<'_>; 8] = std::array::from_fn(|k| tape.var_named(names[k], blog::WEIGHTS[k]));
    let b1 = tape.var_named("b1", blog::BIASES[0]);
    let b2 = tape.var_named("b2", blog::BIASES[1]);
    let i1 = tape.constant_named("i1", blog::INPUTS[0]);
    let i2 = tape.constant_named("i2", blog::INPUTS[1]);
    let t1 = tape.constant_named("t1", blog::TARGETS[0]);
    let t2 = tape.constant_named("t2", blog::TARGETS[1]);

    let net_h1 = tape.sum([w[0] * i1, w[1] * i2, b1]).named("net_h1");
    let net_h2 = tape.sum([w[2] * i1, w[3] * i2, b1]).named("net_h2");
    let out_h1 = net_h1.sigmoid().named("out_h1");
    let out_h2 = net_h2.sigmoid().named("out_h2");
    let net_o1 = tape.sum([w[4] * out_h1, w[5] * out_h2, b2]).named("net_o1");
    let net_o2 = tape.sum([w[6] * out_h1, w[7] * out_h2, b2]).named("net_o2");
    let out_o1 = net_o1.sigmoid().named("out_o1");
    let out_o2 = net_o2.sigmoid().named("out_o2");
    let e_o1 = (0.5 * (t1 - out_o1).powi(2)).named("E_o1");
    let e_o2 = (0.5 * (t2 - out_o2).powi(2)).named("E_o2");
    let e_total = (e_o1 + e_o2).named("E_total");
    Blog {
        w,
        i1,
        net_h1,
        out_h1,
        out_h2,
        net_o1,
        out_o1,
        out_o2,
        e_o1,
        e_o2,
        e_total,
    }
}

/// Asserts that the engine's value is figure `row`'s exact value: within
/// half a unit of the 12th decimal place (plus float slack). That is
/// stricter than 1e-9 relative for every row above 5e-4, and the most the
/// table can check for row 24 (4.4e-4).
fn row(row: u32, engine: f64) {
    let figure = blog::figure(row);
    assert!(
        figure.is_exact(engine),
        "row {row} ({}): the engine gives {engine}, the table {}",
        figure.name,
        figure.exact
    );
}

#[test]
fn forward_pass_rows_1_to_9() {
    let tape = Tape::new();
    let b = build(&tape);
    row(1, b.net_h1.value());
    row(2, b.out_h1.value());
    row(3, b.out_h2.value());
    row(4, b.net_o1.value());
    row(5, b.out_o1.value());
    row(6, b.out_o2.value());
    row(7, b.e_o1.value());
    row(8, b.e_o2.value());
    row(9, b.e_total.value());
}

#[test]
fn output_layer_rows_10_to_17() {
    let tape = Tape::new();
    let b = build(&tape);
    let grads = b.e_total.backward();
    row(10, grads.wrt(b.out_o1));
    // ∂out_o1/∂net_o1: a backward from out_o1, read at net_o1.
    row(11, b.out_o1.backward().wrt(b.net_o1));
    row(12, grads.wrt(b.w[4]));
    for k in 0..4 {
        let w = b.w[4 + k];
        row(
            13 + k as u32,
            w.value() - blog::LEARNING_RATE * grads.wrt(w),
        );
    }
    row(17, grads.wrt(b.net_o1));
}

#[test]
fn hidden_layer_rows_18_to_28() {
    let tape = Tape::new();
    let b = build(&tape);
    let grads = b.e_total.backward();
    // ∂net_o1/∂out_h1 = w5
    row(18, b.net_o1.backward().wrt(b.out_h1));
    // ∂E_o1/∂out_h1 and ∂E_o2/∂out_h1: a backward of each error alone.
    row(19, b.e_o1.backward().wrt(b.out_h1));
    row(20, b.e_o2.backward().wrt(b.out_h1));
    row(21, grads.wrt(b.out_h1));
    row(22, b.out_h1.backward().wrt(b.net_h1));
    // ∂net_h1/∂w1 = i1
    assert_eq!(b.net_h1.backward().wrt(b.w[0]), b.i1.value());
    row(23, b.net_h1.backward().wrt(b.w[0]));
    row(24, grads.wrt(b.w[0]));
    for k in 0..4 {
        let w = b.w[k];
        row(
            25 + k as u32,
            w.value() - blog::LEARNING_RATE * grads.wrt(w),
        );
    }
}

#[test]
fn out_h2_gradient_sums_both_output_paths() {
    // ∂E/∂out_h2 = δ_o1 w6 + δ_o2 w8: fan-out accumulates.
    let tape = Tape::new();
    let b = build(&tape);
    let grads = b.e_total.backward();
    let net_o2 = b.out_o2.parents()[0];
    let expected = grads.wrt(b.net_o1) * b.w[5].value() + grads.wrt(net_o2) * b.w[7].value();
    assert_relative_eq!(grads.wrt(b.out_h2), expected, max_relative = 1e-15);
}

#[test]
fn the_trace_reads_like_the_blog() {
    let tape = Tape::new();
    let b = build(&tape);
    let grads = b.e_total.backward();
    let trace = b.e_total.trace().with_gradients(&grads).to_string();
    for name in [
        "w1", "net_h1", "out_h1", "net_o1", "out_o1", "E_o1", "E_total",
    ] {
        assert!(
            trace
                .lines()
                .any(|line| line.split_whitespace().nth(1) == Some(name)),
            "{name} missing from\n{trace}"
        );
    }
    let e_total_line = trace.lines().last().unwrap();
    assert!(e_total_line.contains("add") && e_total_line.contains("E_o1, E_o2"));
    assert!(e_total_line.trim_end().ends_with(" 1"), "{e_total_line}");
}
