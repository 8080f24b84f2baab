//! Forward mode and Jacobians: closed forms, the blog's Jacobian, both modes
//! against each other, and the mistakes they refuse.

use autograd::check::GradCheck;
use autograd::{Tape, Var, jacobian, jacobian_fwd, jacobian_rev, jvp, vector_function};
use proptest::prelude::*;

use crate::anomaly::panic_message;
use crate::random_graphs::{GraphSpec, graph};

/// Relative agreement to `1e-12` (absolute near 0).
#[track_caller]
fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-12 * b.abs().max(1.0),
        "{what}: {a} is not {b}"
    );
}

#[track_caller]
fn close_matrices(a: &[Vec<f64>], b: &[Vec<f64>], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: rows");
    for (i, (ra, rb)) in a.iter().zip(b).enumerate() {
        assert_eq!(ra.len(), rb.len(), "{what}: row {i}");
        for (j, (&x, &y)) in ra.iter().zip(rb).enumerate() {
            close(x, y, &format!("{what} [{i}][{j}]"));
        }
    }
}

#[test]
fn polar_to_cartesian_has_the_textbook_jacobian_both_ways() {
    let polar = vector_function(|_, p| vec![p[0] * p[1].cos(), p[0] * p[1].sin()]);
    for &(r, theta) in &[(2.0, 0.3), (0.5, -2.0), (3.0, 3.0)] {
        let (c, s) = (f64::cos(theta), f64::sin(theta));
        let expected = vec![vec![c, -r * s], vec![s, r * c]];
        close_matrices(&jacobian_rev(polar, &[r, theta]), &expected, "reverse");
        close_matrices(&jacobian_fwd(polar, &[r, theta]), &expected, "forward");
        close_matrices(&jacobian(polar, &[r, theta]), &expected, "auto");
    }
}

#[test]
fn softmax_has_jacobian_diag_p_minus_p_p_transposed() {
    let softmax = vector_function(|tape, z| {
        let lse = tape.logsumexp(z.iter().copied());
        z.iter().map(|&zi| (zi - lse).exp()).collect()
    });
    let z = [0.5, -1.0, 2.0, 0.0];
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let total: f64 = z.iter().map(|x| (x - m).exp()).sum();
    let p: Vec<f64> = z.iter().map(|x| (x - m).exp() / total).collect();
    let expected: Vec<Vec<f64>> = (0..4)
        .map(|i| {
            (0..4)
                .map(|j| {
                    if i == j {
                        p[i] - p[i] * p[j]
                    } else {
                        -p[i] * p[j]
                    }
                })
                .collect()
        })
        .collect();
    close_matrices(&jacobian_rev(softmax, &z), &expected, "reverse");
    close_matrices(&jacobian_fwd(softmax, &z), &expected, "forward");
}

#[test]
fn the_blogs_two_errors_have_rows_12_and_24_in_their_jacobian() {
    let tape = Tape::new();
    let mlp = nn::blog::network().bind(&tape);
    let pass = nn::blog::forward(&mlp);
    let weights: Vec<Var<'_>> = mlp
        .parameters()
        .iter()
        .copied()
        .filter(|p| p.name().is_some_and(|n| n.starts_with('w')))
        .collect();
    assert_eq!(weights.len(), 8);
    for j in [
        tape.jacobian_rev(&pass.errors, &weights),
        tape.jacobian_fwd(&pass.errors, &weights),
    ] {
        // E_o2 does not depend on w5: ∂E_total/∂w5 = ∂E_o1/∂w5, row 12.
        assert_eq!(j[1][4], 0.0);
        assert!(nn::blog::figure(12).is_exact(j[0][4]), "{}", j[0][4]);
        // ∂E_total/∂w1 = ∂E_o1/∂w1 + ∂E_o2/∂w1, row 24.
        assert!(nn::blog::figure(24).is_exact(j[0][0] + j[1][0]), "{:?}", j);
    }
    // Rows 19 and 20 are one column: both errors against out_h1.
    let out_h1 = pass.forward.outs(0)[0];
    for column in [
        tape.jacobian_rev(&pass.errors, &[out_h1]),
        tape.jacobian_fwd(&pass.errors, &[out_h1]),
    ] {
        assert!(nn::blog::figure(19).is_exact(column[0][0]), "{column:?}");
        assert!(nn::blog::figure(20).is_exact(column[1][0]), "{column:?}");
    }
}

#[test]
fn a_tangent_is_the_jacobian_times_the_direction() {
    let f = vector_function(|tape, p| {
        let h = (p[0] * p[1]).tanh();
        vec![
            h + p[2].exp(),
            tape.sum([h, p[0], p[2]]) * p[1],
            p[0].powi(3),
        ]
    });
    let point = [0.3, -1.2, 0.7];
    let direction = [0.5, 2.0, -1.0];
    let j = jacobian(f, &point);
    let (values, tangents) = jvp(f, &point, &direction);
    assert_eq!(values.len(), 3);
    for (i, row) in j.iter().enumerate() {
        let product: f64 = row.iter().zip(&direction).map(|(a, b)| a * b).sum();
        close(tangents[i], product, &format!("output {i}"));
    }
}

#[test]
fn seeding_an_intermediate_node_adds_to_what_its_parents_give_it() {
    // Seeds add up, so the tangent is Σ speed · (the reverse-mode adjoint),
    // an intermediate seed counting its effect through its descendants.
    let tape = Tape::new();
    let x = tape.var(1.5);
    let h = x.sin();
    let y = h * x;
    let tangents = tape.tangents(&[(x, 2.0), (h, 3.0)]);
    let grads = y.backward();
    close(tangents.of(y), 2.0 * grads.wrt(x) + 3.0 * grads.wrt(h), "y");
    close(tangents.of(h), 2.0 * 1.5f64.cos() + 3.0, "h");
}

#[test]
fn nodes_no_seed_reaches_and_constants_have_zero_tangents() {
    let tape = Tape::new();
    let (x, y) = (tape.var(2.0), tape.var(3.0));
    let c = tape.constant(4.0);
    let a = x * c;
    let b = y * c;
    let stopped = (x * 5.0).detach() + y;
    let t = x.forward();
    assert_eq!(t.of(a), 4.0);
    assert_eq!(t.of(b), 0.0);
    assert_eq!(t.of(y), 0.0);
    assert_eq!((t.of(c), t.get(c)), (0.0, None));
    assert_eq!(t.of(stopped), 0.0);
    // A constant's column in a Jacobian is zero, in both modes.
    assert_eq!(
        tape.jacobian_fwd(&[a, b], &[c, x]),
        [[0.0, 4.0], [0.0, 0.0]]
    );
    assert_eq!(
        tape.jacobian_rev(&[a, b], &[c, x]),
        [[0.0, 4.0], [0.0, 0.0]]
    );
}

#[test]
fn a_zero_speed_passes_nothing_not_even_nan() {
    // √x at 0 has an infinite slope; moving only y must not give 0·inf.
    let tape = Tape::new();
    let (x, y) = (tape.var(0.0), tape.var(1.0));
    let z = x.sqrt() + y;
    let t = tape.tangents(&[(x, 0.0), (y, 1.0)]);
    assert_eq!(t.of(z), 1.0);
    // Moving x itself gives the infinite slope.
    assert_eq!(x.forward().of(z), f64::INFINITY);
}

#[test]
fn the_mistakes_forward_mode_refuses_say_what_to_do() {
    let tape = Tape::new();
    let x = tape.var(1.0);
    let c = tape.constant_named("c", 2.0);
    let message = panic_message(|| drop(tape.tangents(&[(c, 1.0)])));
    assert!(message.contains("#1 `c` receives no gradient"), "{message}");
    assert!(message.contains("Tape::var"), "{message}");

    let other = Tape::new();
    let foreign = other.var(1.0);
    let message = panic_message(|| drop(tape.tangents(&[(foreign, 1.0)])));
    assert!(message.contains("another Tape"), "{message}");
    let message = panic_message(|| drop(tape.jacobian(&[x], &[foreign])));
    assert!(
        message.contains("Tape::jacobian was given a Var from another Tape"),
        "{message}"
    );

    let t = x.forward();
    let later = x * 2.0;
    let message = panic_message(|| {
        let _ = t.of(later);
    });
    assert!(
        message.contains("recorded after these Tangents were computed"),
        "{message}"
    );
    let message = panic_message(|| {
        let _ = autograd::Tangents::new().of(x);
    });
    assert!(message.contains("these Tangents are empty"), "{message}");

    let message = panic_message(|| drop(jvp(|_, p| vec![p[0]], &[1.0], &[1.0, 2.0])));
    assert!(message.contains("give one speed per input"), "{message}");
}

#[test]
fn a_tangent_store_is_reused_and_answers_after_a_rewind() {
    let tape = Tape::new();
    let x = tape.var(2.0);
    let mark = tape.mark();
    let mut tangents = autograd::Tangents::new();
    for k in 1..=3 {
        let y = x.powi(k);
        tape.tangents_into(&[(x, 1.0)], &mut tangents);
        close(tangents.of(y), f64::from(k) * 2f64.powi(k - 1), "d x^k");
        tape.rewind(mark);
        assert_eq!(tangents.of(x), 1.0);
    }
}

/// `a` and `b` agree to `1e-12` relative to `scale`.
fn agree(a: f64, b: f64, scale: f64) -> bool {
    a == b || (a - b).abs() <= 1e-12 * scale
}

/// For each output `i` and input `j` of `spec`, the size of the partial
/// sums the entry `∂outputᵢ/∂inputⱼ` is computed through: the largest
/// adjoint of output `i` at any node times the largest tangent along input
/// `j`. A sweep's rounding in the adjoint of a node `n` (a sum of its
/// children's contributions, which may cancel: `x / x` sends `1/x` and
/// `-1/x`) reaches the entry times `n`'s tangent, so this is the scale of
/// the two modes' rounding, also where the entry itself is small.
fn sweep_scales(spec: &GraphSpec, count: usize) -> Vec<Vec<f64>> {
    let tape = Tape::new();
    let nodes = spec.build_fresh(&tape);
    let largest =
        |value: &dyn Fn(Var<'_>) -> f64| nodes.iter().map(|&n| value(n).abs()).fold(0.0, f64::max);
    let tangents: Vec<f64> = nodes
        .iter()
        .filter(|n| n.op() == autograd::Op::Var)
        .map(|x| {
            let t = x.forward();
            largest(&|n| t.of(n))
        })
        .collect();
    let k = count.min(nodes.len());
    nodes[nodes.len() - k..]
        .iter()
        .map(|output| {
            let grads = output.backward();
            let adjoint = largest(&|n| grads.wrt(n));
            tangents.iter().map(|t| adjoint * t).collect()
        })
        .collect()
}

proptest! {
    /// Several outputs of a random graph: the forward and reverse Jacobians
    /// agree to 1e-12 relative to the partial sums the sweeps add,
    /// both agree with finite differences, and a forward sweep along any
    /// direction is the Jacobian times it.
    #[test]
    fn jacobians_of_random_graphs_agree_both_ways_and_with_finite_differences(
        spec in graph(),
        count in 1usize..=4,
        direction in prop::collection::vec(-2.0..2.0f64, 4),
    ) {
        let f = vector_function(|tape, vars| {
            let nodes = spec.build(tape, vars);
            let k = count.min(nodes.len());
            nodes[nodes.len() - k..].to_vec()
        });
        let point = spec.point();
        let (reverse, forward) = (jacobian_rev(f, &point), jacobian_fwd(f, &point));
        let scales = sweep_scales(&spec, count);
        for (i, (r, w)) in reverse.iter().zip(&forward).enumerate() {
            for (j, (&a, &b)) in r.iter().zip(w).enumerate() {
                prop_assert!(
                    agree(a, b, scales[i][j]),
                    "[{i}][{j}]: reverse {a}, forward {b}, partial sums up to {}\n{spec:?}",
                    scales[i][j]
                );
            }
        }
        let report = GradCheck::new().jacobian(f, &point);
        prop_assert!(report.is_ok(), "{}\n{spec:?}", report.unwrap_err());
        let direction = &direction[..point.len()];
        let (_, tangents) = jvp(f, &point, direction);
        for (i, row) in reverse.iter().enumerate() {
            let product: f64 = row.iter().zip(direction).map(|(a, v)| a * v).sum();
            let scale: f64 = scales[i].iter().zip(direction).map(|(s, v)| (s * v).abs()).sum();
            prop_assert!(
                agree(tangents[i], product, scale),
                "output {i}: {} vs {product}\n{spec:?}",
                tangents[i]
            );
        }
    }
}
