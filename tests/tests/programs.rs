//! Compiled programs: a replay gives the bits of recording afresh, on random
//! graphs and on the blog's 10,000 training steps; misuse is refused with a
//! message; the listing names where each instruction came from.

use std::panic::{AssertUnwindSafe, catch_unwind};

use autograd::{Gradients, Program, Tape, Var};
use nn::blog::{BIASES, INPUTS, LEARNING_RATE, TARGETS, WEIGHTS};
use proptest::prelude::*;

use crate::random_graphs::{GraphSpec, graph};

/// Equal bits, or both NaN.
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// The output's value and gradient by recording `spec` at `point` afresh.
fn recorded(spec: &GraphSpec, point: &[f64]) -> (f64, Vec<f64>) {
    let tape = Tape::new();
    let vars: Vec<Var<'_>> = point.iter().map(|&v| tape.var(v)).collect();
    let output = *spec.build(&tape, &vars).last().expect("an output");
    let grads = output.backward();
    (output.value(), vars.iter().map(|&v| grads.wrt(v)).collect())
}

/// `spec` compiled from a recording at its own point.
fn compiled(spec: &GraphSpec) -> Program {
    let tape = Tape::new();
    let vars: Vec<Var<'_>> = spec.point().iter().map(|&v| tape.var(v)).collect();
    let output = *spec.build(&tape, &vars).last().expect("an output");
    tape.compile(&vars, output)
}

fn assert_same(
    what: &str,
    (value, gradient): (f64, &[f64]),
    (expected, expected_gradient): (f64, &[f64]),
) -> Result<(), TestCaseError> {
    prop_assert!(same(value, expected), "{what}: value {value} vs {expected}");
    for (k, (&a, &b)) in gradient.iter().zip(expected_gradient).enumerate() {
        prop_assert!(same(a, b), "{what}: ∂/∂x{k} {a} vs {b}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// At the recording's point and at two others, a replay gives the value
    /// and gradient that recording there afresh gives, bit for bit.
    #[test]
    fn a_replay_gives_the_bits_of_recording_afresh(
        spec in graph(),
        moves in prop::collection::vec(-0.05..0.05f64, 8),
    ) {
        let mut program = compiled(&spec);
        let point = spec.point();
        let mut gradient = vec![0.0; point.len()];
        let elsewhere: Vec<f64> = point.iter().zip(&moves).map(|(x, m)| x * (1.0 + m)).collect();
        let further: Vec<f64> = point.iter().zip(&moves[4..]).map(|(x, m)| x + m).collect();
        for at in [&point, &elsewhere, &further, &point] {
            let value = program.gradient(at, &mut gradient);
            let (expected, expected_gradient) = recorded(&spec, at);
            assert_same(
                &format!("at {at:?}\n{spec:?}\n{program}"),
                (value, &gradient),
                (expected, &expected_gradient),
            )?;
            prop_assert!(same(program.value(at), expected));
        }
    }
}

/// The blog's error as a function of w1..w8 (the biases frozen, as the
/// blog trains).
fn blog_loss<'t>(w: &[Var<'t>; 8]) -> Var<'t> {
    let [i1, i2] = INPUTS;
    let [t1, t2] = TARGETS;
    let [b1, b2] = BIASES;
    let h1 = (w[0] * i1 + w[1] * i2 + b1).sigmoid();
    let h2 = (w[2] * i1 + w[3] * i2 + b1).sigmoid();
    let o1 = (w[4] * h1 + w[5] * h2 + b2).sigmoid();
    let o2 = (w[6] * h1 + w[7] * h2 + b2).sigmoid();
    0.5 * (t1 - o1).powi(2) + 0.5 * (t2 - o2).powi(2)
}

#[test]
fn the_blogs_ten_thousand_steps_replayed_give_the_recorded_bits() {
    // Recorded afresh every step.
    let tape = Tape::new();
    let w: [Var<'_>; 8] = std::array::from_fn(|k| tape.var(WEIGHTS[k]));
    let mark = tape.mark();
    let mut grads = Gradients::new();
    for _ in 0..nn::blog::TRAINING_STEPS {
        blog_loss(&w).backward_into(&mut grads);
        tape.rewind(mark);
        tape.update(w, &grads, |value, g| value - LEARNING_RATE * g);
    }
    let recorded_loss = blog_loss(&w).value();
    tape.rewind(mark);

    // Compiled once, replayed.
    let tape = Tape::new();
    let v: [Var<'_>; 8] = std::array::from_fn(|k| tape.var(WEIGHTS[k]));
    let mut program = tape.compile(&v, blog_loss(&v));
    let mut weights = WEIGHTS;
    let mut gradient = [0.0; 8];
    for _ in 0..nn::blog::TRAINING_STEPS {
        program.gradient(&weights, &mut gradient);
        for (weight, g) in weights.iter_mut().zip(gradient) {
            *weight -= LEARNING_RATE * g;
        }
    }
    for (k, (a, b)) in weights.iter().zip(&w).enumerate() {
        assert_eq!(a.to_bits(), b.value().to_bits(), "w{}", k + 1);
    }
    let loss = program.value(&weights);
    assert_eq!(loss.to_bits(), recorded_loss.to_bits());
    assert_eq!(
        Some(loss),
        nn::blog::figure(30).true_gradient_descent,
        "row 30 in true gradient descent"
    );
}

#[test]
fn unused_nodes_are_dropped_and_constant_ones_folded() {
    let tape = Tape::new();
    let (x, y) = (tape.var_named("x", 2.0), tape.var_named("y", 5.0));
    let c = tape.constant_named("c", 3.0);
    let _unused = x.exp() * y;
    let folded = (c * c).ln().named("k"); // depends on no input
    let f = (x * folded + y.sqrt()).named("f");
    let mut program = tape.compile(&[x, y], f);
    // mul, sqrt, add: the exp, the product with it and ln(c²) are gone.
    assert_eq!(program.len(), 3, "{program}");
    let listing = program.to_string();
    assert_eq!(
        listing,
        "program: 2 inputs, 1 constant, 3 instructions; output %2\n\
         \x20 x0  input 0             #0 `x`\n\
         \x20 x1  input 1             #1 `y`\n\
         \x20 c0  2.1972245773362196  #6 `k`\n\
         \x20 %0  mul(x0, c0)         #7\n\
         \x20 %1  sqrt(x1)            #8\n\
         \x20 %2  add(%0, %1)         #9 `f`\n",
        "{listing}"
    );
    let mut gradient = [0.0; 2];
    let value = program.gradient(&[1.0, 4.0], &mut gradient);
    assert_eq!(9f64.ln(), 2.1972245773362196);
    assert_eq!(value, 9f64.ln() + 2.0);
    assert_eq!(gradient, [9f64.ln(), 0.25]);
}

#[test]
fn an_output_that_is_an_input_or_a_constant_has_no_instructions() {
    let tape = Tape::new();
    let (x, y) = (tape.var(1.0), tape.var(2.0));
    let mut identity = tape.compile(&[x, y], y);
    assert!(identity.is_empty());
    let mut gradient = [9.0; 2];
    assert_eq!(identity.gradient(&[5.0, 6.0], &mut gradient), 6.0);
    assert_eq!(gradient, [0.0, 1.0]);

    let constant = tape.constant(4.0).sqrt();
    let mut program = tape.compile(&[x], constant);
    assert_eq!(program.gradient(&[3.0], &mut [7.0]), 2.0);
    let mut g = [7.0];
    program.gradient(&[3.0], &mut g);
    assert_eq!(g, [0.0]);
}

#[test]
fn detached_values_are_recomputed_but_pass_no_gradient() {
    let tape = Tape::new();
    let x = tape.var(2.0);
    let f = x * x.detach();
    let mut program = tape.compile(&[x], f);
    let mut g = [0.0];
    assert_eq!(program.gradient(&[3.0], &mut g), 9.0);
    assert_eq!(g, [3.0]); // d/dx of x · stop(x)
}

#[test]
fn custom_ops_replay_with_their_own_partials() {
    let cube = autograd::CustomOp::unary("cube", |x| x * x * x, |x, _| 3.0 * x * x);
    let tape = Tape::new();
    let x = tape.var(2.0);
    let f = cube.apply(&[x]) + x;
    let mut program = tape.compile(&[x], f);
    let mut g = [0.0];
    assert_eq!(program.gradient(&[3.0], &mut g), 30.0);
    assert_eq!(g, [28.0]);
    assert!(program.to_string().contains("cube(x0)"), "{program}");
}

/// The panic message of `f`.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("it panics");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[test]
fn misuse_is_refused_with_a_message_that_says_what_to_do() {
    let tape = Tape::new();
    let (x, b) = (tape.var_named("x", 1.0), tape.var_named("b", 2.0));
    let y = (x * b).named("y");

    let m = panic_message(|| {
        tape.compile(&[x], y);
    });
    assert!(
        m.contains("depends on #1 `b`, a var that is not among the inputs"),
        "{m}"
    );
    assert!(m.contains("Tape::constant"), "{m}");

    let m = panic_message(|| {
        tape.compile(&[x, y], y);
    });
    assert!(
        m.contains("input 1 is #2 `y`, not a leaf made by Tape::var"),
        "{m}"
    );

    let m = panic_message(|| {
        tape.compile(&[x, b, x], y);
    });
    assert!(m.contains("#0 `x` is given twice"), "{m}");

    let other = Tape::new();
    let z = other.var(1.0);
    let m = panic_message(|| {
        tape.compile(&[x, b], z);
    });
    assert!(m.contains("another Tape"), "{m}");

    let mut program = tape.compile(&[x, b], y);
    let m = panic_message(|| {
        program.value(&[1.0]);
    });
    assert!(m.contains("1 values for a program of 2 inputs"), "{m}");
    let m = panic_message(|| {
        program.gradient(&[1.0, 2.0], &mut [0.0; 3]);
    });
    assert!(
        m.contains("gradient: 3 values for a program of 2 inputs"),
        "{m}"
    );
}

/// A step of a graph built to fuse: products, scalar steps and sums of the
/// newest nodes, which are the patterns fusion looks for, with shared
/// operands and several readers mixed in, which stop it.
#[derive(Clone, Debug)]
enum Fusible {
    /// `node(a) * node(b)`, counted back from the newest node.
    Mul(usize, usize),
    /// `node(a) * c`.
    MulScalar(usize, f64),
    /// `c * node(a)`.
    ScalarMul(usize, f64),
    /// `node(a) / c`.
    DivScalar(usize, f64),
    /// `node(a) + c`.
    AddScalar(usize, f64),
    /// `c - node(a)`.
    ScalarSub(usize, f64),
    /// `-node(a)`.
    Neg(usize),
    /// `node(a) + node(b)`.
    Add(usize, usize),
    /// `node(a) - node(b)`.
    Sub(usize, usize),
    /// The sum of the `k` newest nodes.
    SumNewest(usize),
    /// `tanh(node(a))`, a post op.
    Tanh(usize),
    /// `relu(node(a))`: a post op that passes no gradient below its kink.
    Relu(usize),
    /// `sqrt(node(a))`: a post op whose adjoint is divided.
    Sqrt(usize),
    /// `input(i) * node(a)`: inputs read by many products.
    MulInput(usize, usize),
    /// `c * input(i)`.
    ScaleInput(usize, f64),
    /// `tape.dot([node(a), node(b)], [input(i), node(c)])`: an engine dot.
    Dot(usize, usize, usize, usize),
}

fn fusible_step() -> impl Strategy<Value = Fusible> {
    let back = 0usize..4;
    let c = prop_oneof![-2.0..2.0f64, Just(0.0), Just(1.0), Just(-1.0), Just(0.5)];
    prop_oneof![
        (back.clone(), back.clone()).prop_map(|(a, b)| Fusible::Mul(a, b)),
        (back.clone(), c.clone()).prop_map(|(a, c)| Fusible::MulScalar(a, c)),
        (back.clone(), c.clone()).prop_map(|(a, c)| Fusible::ScalarMul(a, c)),
        (back.clone(), c.clone()).prop_map(|(a, c)| Fusible::DivScalar(a, c)),
        (back.clone(), c.clone()).prop_map(|(a, c)| Fusible::AddScalar(a, c)),
        (back.clone(), c).prop_map(|(a, c)| Fusible::ScalarSub(a, c)),
        back.clone().prop_map(Fusible::Neg),
        (back.clone(), back.clone()).prop_map(|(a, b)| Fusible::Add(a, b)),
        (back.clone(), back.clone()).prop_map(|(a, b)| Fusible::Sub(a, b)),
        (2usize..5).prop_map(Fusible::SumNewest),
        back.clone().prop_map(Fusible::Tanh),
        back.clone().prop_map(Fusible::Relu),
        back.clone().prop_map(Fusible::Sqrt),
        (0usize..3, back.clone()).prop_map(|(i, a)| Fusible::MulInput(i, a)),
        (0usize..3, -2.0..2.0f64).prop_map(|(i, c)| Fusible::ScaleInput(i, c)),
        (back.clone(), back.clone(), 0usize..3, back)
            .prop_map(|(a, b, i, c)| Fusible::Dot(a, b, i, c)),
    ]
}

/// Records `steps` over vars at `point` (and one constant); the output is
/// the newest node.
fn record_fusible<'t>(tape: &'t Tape, vars: &[Var<'t>], steps: &[Fusible]) -> Var<'t> {
    let mut nodes: Vec<Var<'t>> = vars.to_vec();
    nodes.push(tape.constant(0.75));
    for step in steps {
        let node = |back: usize| nodes[nodes.len() - 1 - back.min(nodes.len() - 1)];
        let next = match *step {
            Fusible::Mul(a, b) => node(a) * node(b),
            Fusible::MulScalar(a, c) => node(a) * c,
            Fusible::ScalarMul(a, c) => c * node(a),
            Fusible::DivScalar(a, c) => node(a) / c,
            Fusible::AddScalar(a, c) => node(a) + c,
            Fusible::ScalarSub(a, c) => c - node(a),
            Fusible::Neg(a) => -node(a),
            Fusible::Add(a, b) => node(a) + node(b),
            Fusible::Sub(a, b) => node(a) - node(b),
            Fusible::SumNewest(k) => {
                tape.sum(nodes[nodes.len() - k.min(nodes.len())..].iter().copied())
            }
            Fusible::Tanh(a) => node(a).tanh(),
            Fusible::Relu(a) => node(a).relu(),
            Fusible::Sqrt(a) => node(a).sqrt(),
            Fusible::MulInput(i, a) => vars[i % vars.len()] * node(a),
            Fusible::ScaleInput(i, c) => c * vars[i % vars.len()],
            Fusible::Dot(a, b, i, c) => {
                tape.dot(&[node(a), node(b)], &[vars[i % vars.len()], node(c)])
            }
        };
        nodes.push(next);
    }
    *nodes.last().expect("a node")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// On graphs built to fuse (and often not to), a replay gives the bits
    /// of recording afresh, at the recording's point and elsewhere.
    #[test]
    fn fused_programs_give_the_bits_of_recording_afresh(
        point in prop::collection::vec(-2.0..2.0f64, 3),
        elsewhere in prop::collection::vec(-2.0..2.0f64, 3),
        steps in prop::collection::vec(fusible_step(), 1..40),
    ) {
        let tape = Tape::new();
        let vars: Vec<Var<'_>> = point.iter().map(|&v| tape.var(v)).collect();
        let output = record_fusible(&tape, &vars, &steps);
        let mut program = tape.compile(&vars, output);
        let mut gradient = [0.0; 3];
        for at in [&point, &elsewhere] {
            let value = program.gradient(at, &mut gradient);
            let fresh = Tape::new();
            let v: Vec<Var<'_>> = at.iter().map(|&x| fresh.var(x)).collect();
            let out = record_fusible(&fresh, &v, &steps);
            let grads = out.backward();
            let expected: Vec<f64> = v.iter().map(|&x| grads.wrt(x)).collect();
            assert_same(
                &format!("at {at:?}, {steps:?}\n{program}"),
                (value, &gradient),
                (out.value(), &expected),
            )?;
        }
    }
}

#[test]
fn chains_of_scalar_steps_and_sums_of_products_fuse() {
    // W3's step, x * a + b: two nodes, one instruction.
    let tape = Tape::new();
    let x0 = tape.var(0.5);
    let mut x = x0;
    for _ in 0..1000 {
        x = 0.999999 * x + 1e-6;
    }
    let chain = tape.compile(&[x0], x);
    assert_eq!(chain.len(), 1000, "{chain}");

    // The blog's weighted sums: two products, an add and the bias, one
    // instruction.
    let tape = Tape::new();
    let w: [Var<'_>; 8] = std::array::from_fn(|k| tape.var(WEIGHTS[k]));
    let program = tape.compile(&w, blog_loss(&w));
    let listing = program.to_string();
    // Each sigmoid runs after its weighted sum, and each `t - out` after
    // its sigmoid: 9 instructions from 27 nodes.
    assert_eq!(program.len(), 9, "{listing}");
    let line = listing
        .lines()
        .find(|l| l.contains("sub(0.01, sigmoid(add(dot(x4, %0, x5, %1), 0.6)))"))
        .unwrap_or_else(|| panic!("{listing}"));
    assert!(line.ends_with("#18 #19 #20 #21 #22 #28"), "{listing}");
    // powi has a scalar operand and 0.5 * (...) a factor that is not ±1
    // after it: neither joins.
    assert!(listing.contains("powi(%2, 2)"), "{listing}");

    // A post op takes ±1 steps after it, but not a scale, and not a second
    // post op.
    let tape = Tape::new();
    let x = tape.var(0.3);
    let y = 2.0 * (1.0 - (x * 3.0 + 1.0).tanh()).exp().sqrt();
    let post = tape.compile(&[x], y);
    let listing = post.to_string();
    assert_eq!(post.len(), 3, "{listing}");
    assert!(
        listing.contains("sub(1, tanh(add(mul(x0, 3), 1)))"),
        "{listing}"
    );

    // A product that shares an operand with its neighbour, or that another
    // node reads, stays its own instruction.
    let tape = Tape::new();
    let (x, y) = (tape.var(1.0), tape.var(2.0));
    let shared = tape.compile(&[x, y], x * y + x * 3.0);
    assert_eq!(shared.len(), 3, "{shared}");
    let p = x * y;
    let read_twice = tape.compile(&[x, y], (p + y * 2.0) * p);
    // p stays; y * 2 and the add fuse, p entering the dot as p · 1.
    assert_eq!(read_twice.len(), 3, "{read_twice}");
    assert!(
        read_twice.to_string().contains("dot(%0, c0, x1, c1)"),
        "{read_twice}"
    );
}

#[test]
fn a_sum_of_products_that_would_add_to_one_adjoint_twice_stays_apart() {
    // Fused into dot(x, y, x, z), x's two shares would be added in the
    // other order than the engine's sweep adds them: after the share from
    // the final product, (A + xz') + xy' and (A + xy') + xz' differ in the
    // last bit for about a quarter of these points.
    for i in 0..400 {
        let i = f64::from(i);
        let point = [0.1 + i * 0.37 % 3.0, 1.3 - i * 0.011, 0.7 + i.sin()];
        let tape = Tape::new();
        let [x, y, z] = point.map(|v| tape.var(v));
        let f = (x * y + x * z) * x;
        let mut program = tape.compile(&[x, y, z], f);
        assert_eq!(program.len(), 4, "{program}");
        let mut gradient = [0.0; 3];
        program.gradient(&point, &mut gradient);
        let grads = f.backward();
        assert_eq!(
            gradient.map(f64::to_bits),
            [x, y, z].map(|v| grads.wrt(v).to_bits())
        );
    }
}

#[test]
fn replays_at_zeros_infinities_nans_and_extremes_give_the_bits_of_recording_there() {
    // Graphs of every kind of step fusion takes, and ops with kinks.
    let graphs: [for<'t> fn(&'t Tape, &[Var<'t>]) -> Var<'t>; 4] = [
        |_, v| (0.999999 * v[0] + 1e-6) * v[1] - v[0] / 3.0,
        |t, v| (t.dot(&[v[0], v[1]], &[v[1], v[2]]) + v[2]).tanh() * 2.0 + 1.0,
        |_, v| (v[0] * v[1]).relu() + (v[2] - v[0]).abs() + v[1].max(v[2]),
        |_, v| ((v[0] * v[1] + v[2]).sigmoid() - 0.5).powi(2) / v[2].sqrt(),
    ];
    let special = [
        0.0,
        -0.0,
        1e-310,
        -1e-310,
        1e300,
        -1e300,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        1.0,
    ];
    for (g, graph) in graphs.iter().enumerate() {
        let tape = Tape::new();
        let vars = [tape.var(0.3), tape.var(-0.7), tape.var(1.9)];
        let mut program = tape.compile(&vars, graph(&tape, &vars));
        for &a in &special {
            for &b in &special {
                let at = [a, b, b.abs() + 0.5];
                let mut gradient = [0.0; 3];
                let value = program.gradient(&at, &mut gradient);
                let fresh = Tape::new();
                let v = at.map(|x| fresh.var(x));
                let out = graph(&fresh, &v);
                let grads = out.backward();
                assert!(same(value, out.value()), "graph {g} at {at:?}: value");
                for k in 0..3 {
                    assert!(
                        same(gradient[k], grads.wrt(v[k])),
                        "graph {g} at {at:?}: ∂/∂x{k} {} vs {}",
                        gradient[k],
                        grads.wrt(v[k])
                    );
                }
            }
        }
    }
}

#[test]
fn a_replay_that_panics_half_way_leaves_the_program_usable() {
    let picky = autograd::CustomOp::unary(
        "picky",
        |x| {
            assert!(x < 10.0, "picky: {x} is too large");
            x * x
        },
        |x, _| 2.0 * x,
    );
    let tape = Tape::new();
    let (x, y) = (tape.var(1.0), tape.var(2.0));
    let f = (picky.apply(&[x * y]) + y).sin();
    let mut program = tape.compile(&[x, y], f);
    let mut gradient = [0.0; 2];
    let m = panic_message(|| {
        program.gradient(&[20.0, 1.0], &mut gradient);
    });
    assert!(m.contains("too large"), "{m}");
    for at in [[0.5, 3.0], [1.5, -2.0]] {
        let value = program.gradient(&at, &mut gradient);
        let fresh = Tape::new();
        let (a, b) = (fresh.var(at[0]), fresh.var(at[1]));
        let g = (picky.apply(&[a * b]) + b).sin();
        let grads = g.backward();
        assert_eq!(value.to_bits(), g.value().to_bits());
        assert_eq!(
            gradient.map(f64::to_bits),
            [grads.wrt(a).to_bits(), grads.wrt(b).to_bits()]
        );
    }
}
