//! A steady-state training step allocates nothing: the tape reuses its memory
//! across rewinds and the trainer reuses its buffers.
//!
//! A binary of its own, because it installs a counting global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use autograd::{CustomOp, Gradients, Tangents, Tape};
use nn::{Activation, Adam, LayerSpec, Loss, Mlp, Optimizer, Sgd, Trainer, UpdateOrder, blog};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counter is a thread-local Cell, which does not allocate.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: the caller upholds `alloc`'s contract, which we pass on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Allocations made on this thread while `f` runs.
fn allocations_during(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn blog_training_steps_allocate_nothing_after_the_first() {
    for order in [UpdateOrder::Simultaneous, UpdateOrder::Sequential] {
        let tape = Tape::new();
        let mlp = blog::network(); // named: every step names its nodes
        let mut trainer = blog::trainer(&tape, mlp, blog::LEARNING_RATE, order);
        trainer.step(&blog::INPUTS, &blog::TARGETS);
        let count = allocations_during(|| {
            for _ in 0..1000 {
                trainer.step(&blog::INPUTS, &blog::TARGETS);
            }
        });
        assert_eq!(count, 0, "{order:?}: {count} allocations in 1000 steps");
    }
}

#[test]
fn batch_training_steps_allocate_nothing_after_the_first() {
    let tape = Tape::new();
    let mlp = Mlp::new(
        2,
        &[
            LayerSpec::new(16, Activation::Tanh),
            LayerSpec::new(16, Activation::Tanh),
            LayerSpec::new(1, Activation::Identity),
        ],
        3,
    );
    let samples: Vec<([f64; 2], [f64; 1])> = (0..100)
        .map(|k| {
            let x = f64::from(k) / 50.0 - 1.0;
            ([x, x * x], [x.sin()])
        })
        .collect();
    let batch = || samples.iter().map(|(x, t)| (&x[..], &t[..]));
    let optimizers: [Box<dyn Fn() -> Box<dyn Optimizer>>; 3] = [
        Box::new(|| Box::new(Sgd::new(0.01))),
        Box::new(|| Box::new(Sgd::new(0.01).with_momentum(0.9).with_nesterov())),
        Box::new(|| Box::new(Adam::adamw(0.01, 0.01))),
    ];
    for optimizer in optimizers {
        let mut trainer = Trainer::new(&tape, mlp.clone(), Loss::MeanSquaredError, optimizer());
        trainer.step_batch(batch());
        let count = allocations_during(|| {
            for _ in 0..20 {
                trainer.step_batch(batch());
            }
        });
        assert_eq!(count, 0, "{count} allocations in 20 steps");
    }
}

#[test]
fn compiled_steps_and_replays_allocate_nothing_after_the_first() {
    let model = blog::network();
    let mut loss = model.compile_loss(Loss::HalfSquaredError, &[(blog::INPUTS, blog::TARGETS)]);
    let tape = Tape::new();
    let mut trainer = blog::trainer(&tape, model, blog::LEARNING_RATE, UpdateOrder::Simultaneous);
    trainer.step_compiled(&mut loss);
    let count = allocations_during(|| {
        for _ in 0..1000 {
            trainer.step_compiled(&mut loss);
        }
    });
    assert_eq!(count, 0, "{count} allocations in 1000 compiled steps");

    // A program with a custom op of many operands replays without
    // allocating either.
    let wide = CustomOp::new(
        "wide_sum",
        6,
        |x| x.iter().sum(),
        |_, _, d| d.iter_mut().for_each(|p| *p = 1.0),
    );
    let tape = Tape::new();
    let xs: Vec<_> = (0..6).map(|k| tape.var(f64::from(k))).collect();
    let mut program = tape.compile(&xs, wide.apply(&xs).sin());
    let mut gradient = [0.0; 6];
    let at = [0.5; 6];
    program.gradient(&at, &mut gradient);
    let count = allocations_during(|| {
        for _ in 0..1000 {
            program.gradient(&at, &mut gradient);
            program.value(&at);
        }
    });
    assert_eq!(count, 0, "{count} allocations in 1000 replays");
}

#[test]
fn steps_through_a_custom_op_allocate_nothing_after_the_first() {
    // A surrogate-gradient step and a smooth maximum, applied every step;
    // the op registers again after each rewind without allocating.
    let spike = CustomOp::unary(
        "spike",
        |x| if x > 0.0 { 1.0 } else { 0.0 },
        |x, _| 1.0 / (1.0 + x.abs()),
    );
    let smooth_max = CustomOp::binary(
        "smooth_max",
        |a, b| a.max(b) + (-(a - b).abs()).exp().ln_1p(),
        |a, b, _| [1.0 / (1.0 + (b - a).exp()), 1.0 / (1.0 + (a - b).exp())],
    );
    let tape = Tape::new();
    let (w, v) = (tape.var(0.3), tape.var(-0.2));
    let mark = tape.mark();
    let mut grads = Gradients::new();
    let mut tangents = Tangents::new();
    let mut step = || {
        let h = smooth_max.apply(&[w * 2.0, v]);
        let loss = (spike.apply(&[h - 0.1]) - 0.5).powi(2) + h * h;
        loss.backward_into(&mut grads);
        tape.tangents_into(&[(w, 1.0)], &mut tangents);
        let (gw, gv) = (grads.wrt(w), grads.wrt(v));
        tape.rewind(mark);
        tape.set_value(w, w.value() - 0.01 * gw);
        tape.set_value(v, v.value() - 0.01 * gv);
    };
    step();
    let count = allocations_during(|| {
        for _ in 0..1000 {
            step();
        }
    });
    assert_eq!(count, 0, "{count} allocations in 1000 steps");
}

/// The code users write first: a new tape, `backward()` and a new gradient
/// store every step. The dropped tape and store leave their memory to the
/// next ones on the thread.
#[test]
fn a_fresh_tape_and_backward_every_step_allocate_nothing_after_the_first() {
    let mut weights = [0.5, -0.25];
    let mut step = || {
        let tape = Tape::new();
        let w = [tape.var(weights[0]), tape.var(weights[1])];
        let loss = (w[0] * 3.0 + w[1]).tanh().powi(2) + tape.sum(w) * 0.5;
        let grads = loss.backward();
        for (weight, &leaf) in weights.iter_mut().zip(&w) {
            *weight -= 0.1 * grads.wrt(leaf);
        }
    };
    step();
    let count = allocations_during(|| {
        for _ in 0..1000 {
            step();
        }
    });
    assert_eq!(count, 0, "{count} allocations in 1000 fresh steps");
    assert!(weights.iter().all(|w| w.is_finite()));
}

#[test]
fn the_counter_sees_allocations() {
    let count = allocations_during(|| drop(std::hint::black_box(vec![1u8; 64])));
    assert_eq!(count, 1);
}
