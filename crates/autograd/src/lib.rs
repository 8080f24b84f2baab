//! Scalar, tape-based, reverse-mode automatic differentiation, with the
//! gradient of an output with respect to EVERY node.
//!
//! A [`Tape`] records each operation as a node, in order. [`Var`] is a small
//! `Copy` handle to a node, with arithmetic that reads like math. One call to
//! [`Var::backward`] runs a single reverse sweep over the tape and returns
//! [`Gradients`]: the derivative of that output with respect to every node
//! upstream of it, inputs and intermediates alike. Every node can be
//! inspected ([`Var::op`], [`Var::parents`], [`Var::value`], [`Var::name`])
//! and the whole computation printed as a numbered [`Trace`].
//!
//! # Examples
//!
//! The output neuron `o1` of Matt Mazur's "A Step by Step Backpropagation
//! Example", and the gradients the blog computes by hand:
//!
//! ```
//! use autograd::Tape;
//!
//! let tape = Tape::new();
//! let out_h1 = tape.constant_named("out_h1", 0.593269992107187);
//! let out_h2 = tape.constant_named("out_h2", 0.596884378259767);
//! let w5 = tape.var_named("w5", 0.40);
//! let w6 = tape.var_named("w6", 0.45);
//! let b2 = tape.var_named("b2", 0.60);
//! let net_o1 = tape.sum([w5 * out_h1, w6 * out_h2, b2]).named("net_o1");
//! let out_o1 = net_o1.sigmoid().named("out_o1");
//! let e_o1 = (0.5 * (0.01 - out_o1).powi(2)).named("E_o1");
//!
//! let grads = e_o1.backward();
//! // ∂E/∂out_o1 = out_o1 - target
//! assert!((grads.wrt(out_o1) - 0.741365069552).abs() < 1e-12);
//! // ∂E/∂net_o1, the blog's δ_o1
//! assert!((grads.wrt(net_o1) - 0.138498561629).abs() < 1e-12);
//! // ∂E/∂w5
//! assert!((grads.wrt(w5) - 0.082167040564).abs() < 1e-12);
//! println!("{}", e_o1.trace().with_gradients(&grads));
//! ```
//!
//! [`Var::explain`] spells out the same sweep as the chain rule: every
//! derivative as the sum, over the nodes that read it, of their gradient
//! times the local derivative, each local derivative with its formula
//! (`∂out_o1/∂net_o1 = out_o1 (1 - out_o1) = 0.186815602`), the numbers the
//! sweep's own (see [`explain::Explanation`]).
//!
//! # Modes
//!
//! - **Reverse**: [`Var::backward`], the derivative of one node with
//!   respect to every node, in one sweep.
//! - **Forward**: [`Var::forward`] and [`Tape::tangents`], the derivative of
//!   every node along one direction (with respect to one node, or a
//!   combination), in one sweep in recording order; [`jvp`] for a function.
//!   Both sweeps use the same derivative rules.
//! - **Jacobians** of several outputs: [`jacobian`] (and [`Tape::jacobian`]
//!   for any nodes, intermediates included) runs one reverse sweep per
//!   output or one forward sweep per input, whichever is fewer;
//!   [`jacobian_rev`] and [`jacobian_fwd`] force one.
//! - **Higher derivatives**: [`Var::grad_graph`] records the reverse sweep
//!   as nodes, to differentiate again; [`hessian`] and [`hvp`].
//! - **Your own ops**: [`CustomOp`] adds a function with its derivatives
//!   without touching this crate, as `torch.autograd.Function` does.
//!
//! ```
//! // polar to Cartesian: the Jacobian, and one column of it by forward mode
//! let tape = autograd::Tape::new();
//! let (r, theta) = (tape.var(2.0), tape.var(0.0));
//! let (x, y) = (r * theta.cos(), r * theta.sin());
//! assert_eq!(tape.jacobian(&[x, y], &[r, theta]), [[1.0, 0.0], [0.0, 2.0]]);
//! let turning = theta.forward();
//! assert_eq!((turning.of(x), turning.of(y)), (0.0, 2.0));
//! ```
//!
//! # Threads
//!
//! A [`Tape`] and its [`Var`]s belong to one thread (see the [`Tape`]
//! docs). To use every core, give each thread a tape of its own and let
//! only plain numbers cross: inputs in, values and gradients out (a fresh
//! tape on a thread reuses the buffers that thread's last tape left). For results that
//! do not depend on the number of threads, split the work into pieces that
//! do not depend on it either, and add the pieces' results in piece order
//! on one thread: floating-point addition is not associative, so adding in
//! the order the threads finish would move the last bits from run to run.
//! (`nn::batch_gradient` does this for a network over a batch, with rayon.)
//!
//! ```
//! use autograd::Tape;
//!
//! // d/dx of sum over k of sin(k x), at x = 0.5: one piece per thread
//! let x0 = 0.5;
//! let pieces: Vec<std::ops::Range<u32>> = vec![1..50, 50..100];
//! let gradients: Vec<f64> = std::thread::scope(|scope| {
//!     let workers: Vec<_> = pieces
//!         .iter()
//!         .map(|ks| {
//!             let ks = ks.clone();
//!             scope.spawn(move || {
//!                 let tape = Tape::new(); // this thread's own
//!                 let x = tape.var(x0);
//!                 let y = tape.sum(ks.map(|k| (f64::from(k) * x).sin()));
//!                 y.backward().wrt(x) // a plain number leaves the thread
//!             })
//!         })
//!         .collect();
//!     workers.into_iter().map(|w| w.join().unwrap()).collect()
//! });
//! let total: f64 = gradients.iter().sum(); // in piece order, every run
//! let exact: f64 = (1..100).map(|k| f64::from(k) * (f64::from(k) * x0).cos()).sum();
//! assert!((total - exact).abs() < 1e-9);
//! ```
//!
//! # Design
//!
//! - Nodes live densely in recording order, which is a topological order:
//!   backward is one iterative reverse sweep, so a chain of ten million
//!   nodes differentiates like a chain of ten.
//! - Handles are generational keys: a [`Var`] whose node was dropped by
//!   [`Tape::rewind`] panics when used instead of reading another node's
//!   data, and so does a [`Var`] used with another tape's nodes.
//! - Every op's forward value and derivative rule live in one place, one
//!   exhaustive match over the tape's op code (the compact form of [`Op`]).
//! - One state model, stated in the [`Tape`] docs: a node's value is fixed
//!   when it is recorded, and a leaf cannot change while a live node was
//!   computed from it, so no value is ever out of date.
//! - Values follow IEEE arithmetic outside an op's domain: `ln` of a negative
//!   number is NaN, of 0 is -inf, and so on; each op's method says so.
//!
//! # Adding an op
//!
//! An op is declared once. Adding one touches four places:
//!
//! 1. a row of the table in `op.rs`: the [`Op`] variant (with its scalar
//!    payload, if any), its name, and its form: a function called by name
//!    ([`Call`]), an operator, or a leaf;
//! 2. its forward rule in `rules::eval` and its derivative rule in
//!    `rules::vjp`, side by side. The derivative is written on the generic
//!    `Scalar`, so the recorded sweep (higher derivatives) replays it, and in
//!    a form that does not cancel; and both as formulas a learner reads, in
//!    `explain::rule` (`expression` and `partial`), which
//!    [`Var::explain`] prints beside the rules' numbers;
//! 3. its method on [`Var`] (or [`Tape`] for an n-ary op), with its domain
//!    and its choice at kinks in the docs;
//! 4. its tests: value, derivative and second derivative against closed
//!    forms, edges included (`tests/tests/functions.rs`), and about 1,000
//!    points against a 50-digit reference (a line in
//!    `tests/reference/generate.py`, the table it writes, a row in
//!    `tests/tests/reference.rs`; a test fails until the op has one).
//!
//! Everything else follows from the table: [`Op`], names in traces and
//! pictures, [`Primitive`] (the functions the `grad` language calls and
//! lists in `grad --help`), and the random graphs of the property tests,
//! which cover every function of the table and fail a test until they
//! cover a new operator.
#![deny(missing_docs)]

mod anomaly;
mod arena;
mod arith;
pub mod check;
mod custom;
mod dot;
mod dual;
pub mod explain;
mod forward;
mod function;
mod gradients;
mod higher;
mod history;
mod jacobian;
mod name;
mod number;
mod op;
mod pool;
mod program;
mod rules;
mod scalar;
mod snapshot;
mod tape;
mod trace;
mod var;

pub use anomaly::{Anomaly, Flow, Parent, Pass};
pub use custom::CustomOp;
pub use dot::Dot;
pub use forward::{Tangents, jvp};
pub use function::{function, vector_function};
pub use gradients::Gradients;
pub use higher::{hessian, hvp, hvp_reverse_over_reverse};
pub use jacobian::{jacobian, jacobian_fwd, jacobian_rev};
pub use name::Name;
pub use number::{Short, Shortest};
pub use op::{Call, Op, Primitive, ScalarSide};
pub use program::Program;
pub use tape::{Mark, Tape};
pub use trace::Trace;
pub use var::Var;
