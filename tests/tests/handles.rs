//! Misuse of handles panics with a message that names the mistake; it never
//! yields a wrong number.

use autograd::Tape;

#[test]
#[should_panic(expected = "dropped by Tape::rewind")]
fn reading_a_rewound_node_panics() {
    let tape = Tape::new();
    let x = tape.var(1.0);
    let mark = tape.mark();
    let y = x * 2.0;
    tape.rewind(mark);
    let _ = tape.var(5.0); // now occupies y's old position
    let _ = y.value();
}

#[test]
#[should_panic(expected = "dropped by Tape::rewind")]
fn computing_with_a_rewound_node_panics() {
    let tape = Tape::new();
    let x = tape.var(1.0);
    let mark = tape.mark();
    let y = x * 2.0;
    tape.rewind(mark);
    let _ = y + x;
}

#[test]
#[should_panic(expected = "dropped by Tape::rewind")]
fn backward_from_a_rewound_node_panics() {
    let tape = Tape::new();
    let x = tape.var(1.0);
    let mark = tape.mark();
    let y = x * 2.0;
    tape.rewind(mark);
    let _ = y.backward();
}

#[test]
#[should_panic(expected = "from another Tape")]
fn mixing_tapes_panics() {
    let (one, other) = (Tape::new(), Tape::new());
    let _ = one.var(1.0) * other.var(2.0);
}

#[test]
#[should_panic(expected = "from another Tape")]
fn summing_across_tapes_panics() {
    let (one, other) = (Tape::new(), Tape::new());
    let _ = one.sum([one.var(1.0), other.var(2.0)]);
}

#[test]
#[should_panic(expected = "computed on another Tape")]
fn reading_gradients_with_a_foreign_var_panics() {
    let (one, other) = (Tape::new(), Tape::new());
    let x = one.var(1.0);
    let y = other.var(1.0);
    let grads = (x * x).backward();
    let _ = grads.wrt(y);
}

#[test]
#[should_panic(expected = "taken on another tape")]
fn rewinding_with_a_foreign_mark_panics() {
    let (one, other) = (Tape::new(), Tape::new());
    let _ = other.var(1.0);
    let mark = other.mark();
    one.rewind(mark);
}

#[test]
#[should_panic(expected = "an earlier rewind already dropped")]
fn rewinding_to_a_mark_past_the_end_panics() {
    let tape = Tape::new();
    let x = tape.var(1.0);
    let low = tape.mark();
    let _ = x + 1.0;
    let high = tape.mark();
    tape.rewind(low);
    tape.rewind(high);
}

#[test]
#[should_panic(expected = "only leaves made by Tape::var or Tape::constant")]
fn setting_a_computed_node_panics() {
    let tape = Tape::new();
    let x = tape.var(1.0);
    tape.set_value(x + 1.0, 3.0);
}

#[test]
#[should_panic(expected = "from another Tape")]
fn setting_a_foreign_leaf_panics() {
    let (one, other) = (Tape::new(), Tape::new());
    one.set_value(other.var(1.0), 3.0);
}

#[test]
#[should_panic(expected = "leaf #0 cannot change while node #1 = mul(#0, 3)")]
fn setting_a_leaf_a_live_node_was_computed_from_panics() {
    let tape = Tape::new();
    let w = tape.var(1.0);
    let _y = w * 3.0; // would still hold 3, not 6
    tape.set_value(w, 2.0);
}

#[test]
fn set_value_after_a_rewind_and_record_again_is_fine() {
    let tape = Tape::new();
    let (w, v) = (tape.var(1.0), tape.var(10.0));
    let mark = tape.mark();
    let _ = w * v;
    tape.rewind(mark);
    tape.set_value(w, 2.0);
    tape.set_value(v, 20.0);
    let y = w * v;
    assert_eq!(y.value(), 40.0);
    assert_eq!(y.backward().wrt(w), 20.0);
}

#[test]
#[should_panic(expected = "recorded after these Gradients were computed")]
fn gradients_refuse_a_node_recorded_after_them() {
    let tape = Tape::new();
    let x = tape.var(1.0);
    let mark = tape.mark();
    let grads = (x * x).backward();
    tape.rewind(mark);
    let y = x + 1.0; // lands where x*x was
    let _ = grads.wrt(y);
}

#[test]
fn gradients_outlive_a_rewind_for_the_nodes_that_remain() {
    let tape = Tape::new();
    let w = tape.var(3.0);
    let mark = tape.mark();
    let grads = (w * w).backward();
    tape.rewind(mark);
    let _ = w + 1.0; // new nodes above the mark do not disturb w
    assert_eq!(grads.wrt(w), 6.0);
}

#[test]
fn debug_shows_a_dropped_var_without_panicking() {
    let tape = Tape::new();
    let x = tape.var_named("x", 1.5);
    let mark = tape.mark();
    let y = x + 1.0;
    assert_eq!(format!("{x:?}"), "Var(#0 x = 1.5)");
    tape.rewind(mark);
    assert_eq!(format!("{y:?}"), "Var(dropped)");
}

#[test]
#[should_panic(expected = "these Gradients are empty")]
fn reading_an_empty_gradient_store_panics() {
    let tape = Tape::new();
    let x = tape.var(1.0);
    let _ = autograd::Gradients::new().wrt(x);
}
