//! The tape's state model, and every hole a new user found in the one
//! before it: no value, trace or gradient ever mixes old and new values, a
//! node that does not depend on a changed leaf never panics, and a caught
//! panic leaves the tape exactly as it was.

use autograd::{Op, Tape, Var};

use crate::anomaly::panic_message;

/// Every node's op, parents, value and name: the tape as a user can see it.
fn snapshot(tape: &Tape) -> Vec<(Op, Vec<usize>, u64, Option<String>)> {
    (0..tape.len())
        .filter_map(|i| tape.node(i))
        .map(|v| {
            let parents = v.parents().iter().map(Var::index).collect();
            (v.op(), parents, v.value().to_bits(), v.name())
        })
        .collect()
}

// Case 1: Tape::sum over an iterator that rewinds part-way returned 22, with
// term 0 dropped and its slot reused by term 1.
#[test]
fn a_sum_whose_terms_were_rewound_meanwhile_panics_instead_of_adding_other_nodes() {
    let t = Tape::new();
    let x = t.var(1.0);
    let m = t.mark();
    let before = snapshot(&t);
    let message = panic_message(|| {
        let _ = t.sum((0..2).map(|i| {
            if i == 1 {
                t.rewind(m);
            }
            x * (10.0 + f64::from(i))
        }));
    });
    assert!(
        message.contains("Tape::sum: term 0 was dropped by Tape::rewind"),
        "{message}"
    );
    // Only term 1, recorded after the rewind, is left: no sum node.
    assert_eq!(t.len(), before.len() + 1);
    assert_eq!(t.node(1).unwrap().op(), Op::MulScalar(11.0));
    // The same through Iterator::sum, which panicked with "index out of bounds".
    t.rewind(m);
    let message = panic_message(|| {
        let _: Var<'_> = (0..2)
            .map(|i| {
                if i == 1 {
                    t.rewind(m);
                }
                x * (10.0 + f64::from(i))
            })
            .sum();
    });
    assert!(message.contains("term 0 was dropped"), "{message}");
}

// Case 1: a set_value inside the iterator returned a sum mixing x = 1 and x = 5.
#[test]
fn changing_a_leaf_while_a_sum_collects_its_terms_is_refused() {
    let t = Tape::new();
    let x = t.var_named("x", 1.0);
    let m = t.mark();
    let message = panic_message(|| {
        let _ = t.sum((0..2).map(|i| {
            if i == 1 {
                t.set_value(x, 5.0);
            }
            x * (10.0 + f64::from(i))
        }));
    });
    assert!(
        message.contains("leaf #0 `x` cannot change while node #1"),
        "{message}"
    );
    assert_eq!(x.value(), 1.0);
    // Once nothing depends on x, the same sum is consistent.
    t.rewind(m);
    let s = t.sum((0..2).map(|i| x * (10.0 + f64::from(i))));
    assert_eq!(s.value(), 21.0);
    t.rewind(m);
    t.set_value(x, 5.0);
    assert_eq!(
        t.sum((0..2).map(|i| x * (10.0 + f64::from(i)))).value(),
        105.0
    );
}

// Case 2: a panic inside Tape::dot left half-pushed edges, so an earlier sum
// gained parents and ds/dx became 2.
#[test]
fn a_caught_panic_in_dot_leaves_the_tape_exactly_as_it_was() {
    let t = Tape::new();
    let (x, y) = (t.var(1.0), t.var(2.0));
    let s = t.sum([x, y]);
    let m = t.mark();
    let gone = x * 3.0;
    t.rewind(m);
    let before = snapshot(&t);
    let message = panic_message(|| {
        let _ = t.dot(&[x, gone], &[y, y]);
    });
    assert!(
        message.contains("Tape::dot: term 2 was dropped"),
        "{message}"
    );
    assert_eq!(snapshot(&t), before);
    assert_eq!(s.parents().len(), 2);
    assert_eq!(s.backward().wrt(x), 1.0);
    // A foreign term, caught, leaves nothing behind either.
    let other = Tape::new();
    let stranger = other.var(1.0);
    let message = panic_message(|| {
        let _ = t.dot(&[x, y], &[y, stranger]);
    });
    assert!(message.contains("from another Tape"), "{message}");
    assert_eq!(snapshot(&t), before);
    assert_eq!(t.dot(&[x, y], &[y, x]).parents().len(), 4);
}

#[test]
fn a_caught_panic_inside_a_sums_iterator_leaves_no_terms_behind() {
    let t = Tape::new();
    let (x, y) = (t.var(1.0), t.var(2.0));
    let _ = panic_message(|| {
        let _ = t.sum(
            [x, y]
                .into_iter()
                .chain(std::iter::once_with(|| panic!("boom"))),
        );
    });
    let s = t.sum([y]);
    assert_eq!(s.parents().as_slice(), &[y]);
    assert_eq!(s.value(), 2.0);
}

#[test]
fn a_caught_forward_anomaly_records_nothing() {
    let t = Tape::new();
    t.set_detect_anomaly(true);
    let x = t.var_named("x", -1.0);
    let before = snapshot(&t);
    let message = panic_message(|| {
        let _ = x.ln();
    });
    assert!(message.starts_with("anomaly in the forward pass: node #1 (ln) is NaN"));
    assert_eq!(snapshot(&t), before);
    assert_eq!((x * 2.0).index(), 1);
}

// Case 3: staleness was judged by position, so b + 1 panicked after
// set_value(u) although b does not depend on u.
#[test]
fn changing_a_leaf_nothing_depends_on_never_disturbs_other_nodes() {
    let t = Tape::new();
    let a = t.var(1.0);
    let u = t.var(5.0);
    let b = a * 2.0;
    t.set_value(u, 6.0);
    let c = b + 1.0;
    assert_eq!(c.value(), 3.0);
    assert_eq!(c.backward().wrt(a), 2.0);
    assert_eq!(u.value(), 6.0);
}

// Case 3: after rewind + set_value(a), a node recorded afterwards could be
// reported as "computed before set_value".
#[test]
fn a_node_recorded_after_a_change_is_never_refused() {
    let t = Tape::new();
    let a = t.var(1.0);
    let m = t.mark();
    let _ = a * 2.0;
    t.rewind(m);
    t.set_value(a, 3.0);
    let b = a * 2.0;
    let c = b + a;
    assert_eq!(c.value(), 9.0);
    assert_eq!(c.backward().wrt(a), 3.0);
    // Changing a again is refused now that b depends on it, and b stays 6.
    let message = panic_message(|| t.set_value(a, 4.0));
    assert!(message.contains("cannot change while node #1"), "{message}");
    assert_eq!((a.value(), b.value()), (3.0, 6.0));
}

// Case 4: after set_value(a, 3.0), b.trace(), b.value() and Display showed
// b = a*2 = 2 beside a = 3.
#[test]
fn no_value_or_trace_ever_shows_a_node_computed_from_an_old_leaf() {
    let t = Tape::new();
    let a = t.var_named("a", 1.0);
    let b = (a * 2.0).named("b");
    let message = panic_message(|| t.set_value(a, 3.0));
    assert!(
        message.contains("leaf #0 `a` cannot change while node #1 `b` = mul(a, 2)"),
        "{message}"
    );
    assert!(message.contains("rewind below it first"), "{message}");
    assert_eq!(a.value(), 1.0);
    assert_eq!(b.value(), 2.0);
    assert_eq!(b.to_string(), "b = mul(a, 2) = 2");
    let trace = b.trace().to_string();
    let rows: Vec<Vec<&str>> = trace
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows[1], ["0", "a", "var", "1"], "{trace}");
    assert_eq!(rows[2], ["1", "b", "mul", "a,", "2", "2"], "{trace}");
}

#[test]
fn a_trace_refuses_gradients_beside_a_leaf_that_changed_since() {
    let t = Tape::new();
    let w = t.var_named("w", 1.0);
    let m = t.mark();
    let grads = (w * w).backward();
    t.rewind(m);
    // Unchanged: the gradient still belongs beside w's value.
    assert!(t.trace().with_gradients(&grads).to_string().contains("2"));
    t.set_value(w, 5.0);
    // An optimiser still reads the snapshot...
    assert_eq!(grads.wrt(w), 2.0);
    // ...but no display shows 2 as the gradient beside w = 5.
    let message = panic_message(|| {
        let _ = t.trace().with_gradients(&grads).to_string();
    });
    assert!(
        message.contains("before Tape::set_value gave leaf #0 a new value"),
        "{message}"
    );
    let message = panic_message(|| {
        let _ = w.dot().with_gradients(&grads).to_string();
    });
    assert!(message.contains("gave leaf #0 a new value"), "{message}");
    // Setting the same value again is no change.
    let g = w.backward();
    t.set_value(w, 5.0);
    assert!(w.trace().with_gradients(&g).to_string().contains("5"));
}

#[test]
fn a_mark_whose_nodes_were_dropped_and_replaced_is_refused() {
    let t = Tape::new();
    let x = t.var(1.0);
    let low = t.mark();
    let _ = x + 1.0;
    let _ = x + 2.0;
    let high = t.mark(); // keeps 3 nodes
    t.rewind(low);
    let _ = x * 5.0;
    let _ = x * 6.0;
    let _ = x * 7.0; // the tape holds 4 nodes again, two of them new
    let before = snapshot(&t);
    let message = panic_message(|| t.rewind(high));
    assert!(
        message.contains("an earlier rewind already dropped nodes that this mark"),
        "{message}"
    );
    assert_eq!(snapshot(&t), before);
}

// Case 7: a Tape::update closure that read a Var panicked with "RefCell
// already mutably borrowed".
#[test]
fn an_update_step_that_uses_the_tape_is_told_so() {
    let t = Tape::new();
    let (a, b) = (t.var(1.0), t.var(2.0));
    let scale = t.constant(0.5);
    let m = t.mark();
    let grads = (a * b).backward();
    t.rewind(m);
    let message = panic_message(|| {
        t.update([a, b], &grads, |value, gradient| {
            value - scale.value() * gradient
        });
    });
    assert!(message.contains("a Tape::update step"), "{message}");
    assert!(
        message.contains("read the values you need before"),
        "{message}"
    );
    assert!(!message.contains("RefCell"), "{message}");
    // Read first, and the same update works; the tape is usable after the panic.
    let rate = scale.value();
    t.update([a, b], &grads, |value, gradient| value - rate * gradient);
    assert_eq!((a.value(), b.value()), (0.0, 1.5));
}

#[test]
fn calling_back_into_a_busy_tape_names_the_mistake() {
    use std::fmt::Write;

    /// A writer that records on the tape whose trace is printed into it.
    struct Recording<'t>(Var<'t>);
    impl Write for Recording<'_> {
        fn write_str(&mut self, _: &str) -> std::fmt::Result {
            let _ = self.0 + 1.0;
            Ok(())
        }
    }
    let t = Tape::new();
    let x = t.var(1.0);
    let message = panic_message(|| {
        let _ = write!(Recording(x), "{}", t.trace());
    });
    assert!(message.contains("this Tape is in use"), "{message}");
    assert!(!message.contains("RefCell"), "{message}");
    // The tape works afterwards.
    assert_eq!((x + 1.0).value(), 2.0);
}

#[test]
fn leaves_set_in_a_training_loop_never_see_a_refusal() {
    let t = Tape::new();
    let w: Vec<Var<'_>> = (0..20).map(|i| t.var(f64::from(i) * 0.1)).collect();
    let m = t.mark();
    for _ in 0..50 {
        let loss = t.sum(w.iter().map(|&v| (v - 1.0).powi(2)));
        let grads = loss.backward();
        t.rewind(m);
        t.update(w.iter().copied(), &grads, |v, g| v - 0.1 * g);
    }
    assert!(w.iter().all(|v| (v.value() - 1.0).abs() < 1e-4));
}

// A `Var` carries its computed node's value, so that ops read operands
// from registers: a copy of a leaf's handle made before the leaf changed
// must still read the new value, and a handle to a dropped node must never
// lend its carried value to the node recorded in its place.
#[test]
fn handles_copied_before_a_change_or_a_rewind_never_use_an_old_value() {
    let t = Tape::new();
    let w = t.var(1.0);
    let c = t.constant(10.0);
    let (w_copy, c_copy) = (w, c);
    let m = t.mark();
    let old = (w * 2.0) + c; // 12
    assert_eq!(old.value(), 12.0);
    let old_position = old.index();
    t.rewind(m);
    t.set_value(w, 5.0);
    t.set_value(c, 20.0);
    // Every op kind reads the leaves' new values through the old copies.
    assert_eq!((w_copy * 2.0).value(), 10.0);
    assert_eq!((w_copy * c_copy).value(), 100.0);
    assert_eq!(t.sum([w_copy, c_copy]).value(), 25.0);
    assert_eq!(t.dot(&[w_copy], &[c_copy]).value(), 100.0);
    t.rewind(m);
    let new = (w_copy * 2.0) + c_copy; // 30, at the position `old` had
    assert_eq!(new.index(), old_position);
    assert_eq!(new.value(), 30.0);
    let message = panic_message(|| {
        let _ = old * 1.0;
    });
    assert!(message.contains("rewind"), "{message}");
    // A handle found by position carries the node's value too.
    let found = t.node(new.index()).unwrap();
    assert_eq!((found + 1.0).value(), 31.0);
    assert_eq!(found.backward().wrt(w), 2.0);
}

// The batched reads and writes an optimiser uses answer as the one-at-a-time
// calls do, and refuse what they refuse.
#[test]
fn gradients_read_together_are_the_ones_read_one_by_one() {
    let t = Tape::new();
    let (a, b, c) = (t.var(3.0), t.var(-2.0), t.constant(7.0));
    let m = t.mark();
    let y = (a * b).sin() + c * a;
    let grads = y.backward();
    let mut together = [f64::NAN; 4];
    grads.wrt_into(&[a, b, c, y], &mut together);
    let one_by_one = [a, b, c, y].map(|node| grads.wrt(node));
    assert_eq!(together.map(f64::to_bits), one_by_one.map(f64::to_bits));
    let message = panic_message(|| grads.wrt_into(&[a, b], &mut [0.0; 3]));
    assert!(
        message.contains("was given 2 nodes and 3 places"),
        "{message}"
    );
    // A node dropped by a rewind is refused as `wrt` refuses it.
    t.rewind(m);
    let message = panic_message(|| grads.wrt_into(&[a, y], &mut [0.0; 2]));
    let alone = panic_message(|| {
        let _ = grads.wrt(y);
    });
    assert!(message.contains("dropped"), "{message}");
    assert_eq!(message, alone);
}

#[test]
fn values_set_together_are_the_ones_set_one_by_one() {
    let t = Tape::new();
    let (w, b) = (t.var_named("w", 1.0), t.var_named("b", 0.5));
    let m = t.mark();
    let y = (w * 3.0 + b).named("y");
    // Given back its own bits, a leaf with live dependents is left alone.
    t.set_values(&[b, w], &[0.5, 1.0]);
    assert_eq!(y.value(), 3.5);
    // A leaf whose value changes is refused while y depends on it, with the
    // leaves before it already set (b keeps its bits here).
    let message = panic_message(|| t.set_values(&[b, w], &[0.5, 2.0]));
    assert!(
        message.contains("Tape::set_values: leaf #0 `w` cannot change while node"),
        "{message}"
    );
    assert_eq!((w.value(), y.value()), (1.0, 3.5));
    // Computed nodes are refused even with their own bits.
    let message = panic_message(|| t.set_values(&[y], &[3.5]));
    assert!(message.contains("computed from other nodes"), "{message}");
    let message = panic_message(|| t.set_values(&[w, b], &[1.0]));
    assert!(message.contains("2 leaves and 1 values"), "{message}");
    // After a rewind, the same values as set_value gives one at a time.
    t.rewind(m);
    t.set_values(&[w, b], &[-4.0, 0.25]);
    let twin = Tape::new();
    let (w2, b2) = (twin.var(1.0), twin.var(0.5));
    twin.set_value(w2, -4.0);
    twin.set_value(b2, 0.25);
    assert_eq!((w.value(), b.value()), (w2.value(), b2.value()));
    assert_eq!((w * 3.0 + b).value(), (w2 * 3.0 + b2).value());
}

// Sums collect up to eight terms on the stack and move longer ones to the
// tape's scratch, where sums nested in the iterator stack theirs above.
#[test]
fn long_and_nested_sums_add_their_own_terms_left_to_right() {
    let t = Tape::new();
    let x = t.var(0.1);
    for n in [0, 1, 7, 8, 9, 20] {
        let inner = |i: usize| t.sum((0..i % 11).map(|j| x * (j as f64 + 0.3)));
        let outer = t.sum((0..n).map(|i| inner(i) + x * (i as f64)));
        let by_hand = (0..n)
            .map(|i| {
                let inner = (0..i % 11).map(|j| 0.1 * (j as f64 + 0.3));
                let inner = inner.reduce(|a, b| a + b).unwrap_or(0.0);
                inner + 0.1 * (i as f64)
            })
            .reduce(|a, b| a + b)
            .unwrap_or(0.0);
        assert_eq!(outer.value().to_bits(), by_hand.to_bits(), "{n} terms");
        assert_eq!(outer.parents().len(), n);
        let grads = outer.backward();
        let slope: f64 = (0..n)
            .map(|i| (0..i % 11).map(|j| j as f64 + 0.3).sum::<f64>() + i as f64)
            .sum();
        assert!((grads.wrt(x) - slope).abs() <= 1e-12 * slope.abs().max(1.0));
    }
    // A rewind part-way through a long sum is caught as in a short one.
    let m = t.mark();
    let message = panic_message(|| {
        let _ = t.sum((0..20).map(|i| {
            if i == 12 {
                t.rewind(m);
            }
            x * (i as f64)
        }));
    });
    assert!(message.contains("term 0 was dropped"), "{message}");
}
