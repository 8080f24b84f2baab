//! The reverse sweep's contract: the gradient of every node upstream of the
//! output, zero elsewhere, and no state carried between calls.

use autograd::{Op, Tape};

#[test]
fn backward_twice_is_identical() {
    let tape = Tape::new();
    let x = tape.var(0.7);
    let y = tape.var(-1.3);
    let h = (x * y).tanh() + x.exp() / (1.0 + y * y);
    let z = h.sigmoid() * h;
    let (first, second) = (z.backward(), z.backward());
    for node in [x, y, h, z] {
        assert_eq!(first.wrt(node).to_bits(), second.wrt(node).to_bits());
    }
}

#[test]
fn nodes_not_upstream_get_zero() {
    let tape = Tape::new();
    let x = tape.var(2.0);
    let unrelated = tape.var(5.0) * 3.0;
    let y = x * x;
    let after = y + 1.0; // downstream of y, not upstream
    let grads = y.backward();
    assert_eq!(grads.wrt(unrelated), 0.0);
    assert_eq!(grads.wrt(after), 0.0);
    assert_eq!(grads.wrt(y), 1.0);
    assert_eq!(grads.wrt(x), 4.0);
}

#[test]
fn constants_and_constant_subgraphs_get_no_gradient() {
    let tape = Tape::new();
    let x = tape.var(2.0);
    let c = tape.constant(3.0);
    let folded = c * c + 1.0;
    let y = x * folded;
    assert!(!folded.requires_grad());
    let grads = y.backward();
    assert_eq!(grads.get(c), None);
    assert_eq!(grads.get(folded), None);
    assert_eq!(grads.wrt(folded), 0.0);
    assert_eq!(grads[folded], 0.0);
    assert_eq!(grads.get(x), Some(10.0));
}

#[test]
fn fan_out_accumulates() {
    // y = x·x·x + x recorded as four uses of x; dy/dx = 3x² + 1
    let tape = Tape::new();
    let x = tape.var(1.5);
    let y = x * x * x + x;
    assert_eq!(y.backward().wrt(x), 3.0 * 1.5 * 1.5 + 1.0);
}

#[test]
fn every_operator_form_records_itself() {
    let tape = Tape::new();
    let (a, b) = (tape.var(2.0), tape.var(3.0));
    let cases = [
        (a + b, Op::Add),
        (a - b, Op::Sub),
        (a * b, Op::Mul),
        (a / b, Op::Div),
        (a + 1.0, Op::AddScalar(1.0)),
        (1.0 + a, Op::ScalarAdd(1.0)),
        (a - 1.0, Op::SubScalar(1.0)),
        (1.0 - a, Op::ScalarSub(1.0)),
        (a * 2.0, Op::MulScalar(2.0)),
        (2.0 * a, Op::ScalarMul(2.0)),
        (a / 2.0, Op::DivScalar(2.0)),
        (2.0 / a, Op::ScalarDiv(2.0)),
        (-a, Op::Neg),
        (a.pow(b), Op::Pow),
        (a.powf(0.5), Op::Powf(0.5)),
        (a.powi(3), Op::Powi(3)),
        (a.exp(), Op::Exp),
        (a.ln(), Op::Ln),
        (a.sqrt(), Op::Sqrt),
        (a.sigmoid(), Op::Sigmoid),
        (a.tanh(), Op::Tanh),
        (a.relu(), Op::Relu),
        ([a, b].into_iter().sum(), Op::Sum),
        (tape.dot(&[a], &[b]), Op::Dot),
    ];
    for (node, op) in cases {
        assert_eq!(node.op(), op);
    }
}

#[test]
fn compound_assignment_records_the_operator() {
    let tape = Tape::new();
    let x = tape.var(4.0);
    let mut y = x;
    y += 1.0;
    y *= x;
    y -= x;
    y /= 2.0;
    // y = ((x + 1)·x - x) / 2 = x² / 2; dy/dx = x
    assert_eq!(y.value(), 8.0);
    assert_eq!(y.op(), Op::DivScalar(2.0));
    assert_eq!(y.backward().wrt(x), 4.0);
}

#[test]
fn nested_sums_inside_a_sum_keep_their_own_terms() {
    let tape = Tape::new();
    let xs: Vec<_> = (1..=3).map(|k| tape.var(f64::from(k))).collect();
    // Each outer term is itself a sum, recorded while the outer sum collects.
    let total = tape.sum(xs.iter().map(|&x| tape.sum([x, x * 10.0])));
    assert_eq!(total.value(), 66.0);
    assert_eq!(total.parents().len(), 3);
    for x in &xs {
        assert_eq!(total.backward().wrt(*x), 11.0);
    }
}

#[test]
fn backward_into_reuses_a_store() {
    let tape = Tape::new();
    let x = tape.var(2.0);
    let mark = tape.mark();
    let mut grads = autograd::Gradients::new();
    for step in 1..=3 {
        let y = x.powi(step);
        y.backward_into(&mut grads);
        assert_eq!(grads.wrt(x), f64::from(step) * 2f64.powi(step - 1));
        tape.rewind(mark);
    }
}
