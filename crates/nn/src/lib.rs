//! Neurons, layers, multi-layer perceptrons, losses and SGD, built only from
//! `autograd`'s public API.
//!
//! Nothing in this crate knows a derivative: a network records its forward
//! pass with ordinary autograd operations, and every gradient comes from
//! one generic reverse sweep ([`autograd::Var::backward`]). Backpropagation
//! is not implemented here; it falls out.
//!
//! # Examples
//!
//! The worked example's network, one step of gradient descent, and the
//! gradient the blog derives by hand for `w5`:
//!
//! ```
//! use autograd::Tape;
//! use nn::{UpdateOrder, blog};
//!
//! let tape = Tape::new();
//! let mlp = blog::network(&tape);
//! let mark = tape.mark();
//! let pass = blog::forward(&mlp);
//! let grads = pass.total.backward();
//! let w5 = mlp.parameters().find(|w| w.name().as_deref() == Some("w5")).unwrap();
//! assert!(blog::figure(12).is_exact(grads.wrt(w5))); // ∂E_total/∂w5
//!
//! // The trainer rewinds to where the tape is when it is made, so drop this
//! // pass first: the weights cannot change while nodes computed from them live.
//! tape.rewind(mark);
//! let mut trainer = blog::trainer(&mlp, blog::LEARNING_RATE, UpdateOrder::Simultaneous);
//! let before = trainer.step(&mlp, &blog::INPUTS, &blog::TARGETS);
//! assert!(blog::figure(9).is_exact(before)); // E_total
//! assert!(blog::figure(13).is_exact(w5.value())); // w5⁺
//! ```
#![deny(missing_docs)]

mod activation;
pub mod blog;
mod init;
mod layer;
mod loss;
mod mlp;
mod neuron;
mod sgd;
mod trainer;

pub use activation::Activation;
pub use layer::{Bias, Layer, LayerSpec};
pub use loss::{Loss, one_hot};
pub use mlp::{Forward, Mlp};
pub use neuron::Neuron;
pub use sgd::Sgd;
pub use trainer::{Trainer, UpdateOrder};

/// The README's code blocks, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
