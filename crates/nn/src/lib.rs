//! Neurons, layers, multi-layer perceptrons, losses and optimisers, built
//! only from `autograd`'s public API.
//!
//! - A model ([`Mlp`]) owns its parameters as plain numbers: it can be
//!   returned, stored, cloned, compared, sent to a thread, and saved
//!   ([`Mlp::save`], [`Mlp::load`]: JSON, bit for bit).
//! - [`Mlp::bind`] records the parameters on a tape for a pass; a
//!   [`Trainer`] keeps a model and writes each update back, with any
//!   [`Optimizer`] ([`Sgd`] with momentum or Nesterov, [`Adam`]/AdamW).
//! - [`Trainer::step_parallel`] and [`batch_gradient`] use every core, with
//!   the same bits for any number of threads.
//!
//! Nothing in this crate knows a derivative: a network records its forward
//! pass with ordinary autograd operations, and every gradient comes from
//! one generic reverse sweep ([`autograd::Var::backward`]). Backpropagation
//! is not implemented here; it falls out.
//!
//! # Examples
//!
//! The worked example's network, the gradient the blog derives by hand for
//! `w5`, and one step of gradient descent:
//!
//! ```
//! use autograd::Tape;
//! use nn::{UpdateOrder, blog};
//!
//! // A model is plain numbers; binding it to a tape records them as leaves.
//! let model = blog::network();
//! let tape = Tape::new();
//! let net = model.bind(&tape);
//! let pass = blog::forward(&net);
//! let grads = pass.total.backward();
//! let w5 = net.parameter("w5").unwrap();
//! assert!(blog::figure(12).is_exact(grads.wrt(w5))); // ∂E_total/∂w5
//!
//! // A trainer keeps the model and trains it on a tape of its own.
//! let tape = Tape::new();
//! let mut trainer = blog::trainer(&tape, model, blog::LEARNING_RATE, UpdateOrder::Simultaneous);
//! let before = trainer.step(&blog::INPUTS, &blog::TARGETS);
//! assert!(blog::figure(9).is_exact(before)); // E_total
//! let trained = trainer.into_model();
//! let w5 = trained.parameter_index("w5").unwrap();
//! assert!(blog::figure(13).is_exact(trained.parameters()[w5])); // w5⁺
//! ```
#![deny(missing_docs)]

mod activation;
mod adam;
pub mod blog;
mod bound;
mod compiled;
mod init;
mod layer;
mod loss;
mod mlp;
mod neuron;
mod optimizer;
mod parallel;
mod save;
mod sgd;
mod trainer;

pub use activation::Activation;
pub use adam::Adam;
pub use bound::{BoundMlp, Forward};
pub use compiled::CompiledLoss;
pub use layer::{Bias, Layer, LayerSpec};
pub use loss::{Loss, one_hot};
pub use mlp::Mlp;
pub use neuron::Neuron;
pub use optimizer::Optimizer;
pub use parallel::{CHUNK, batch_gradient};
pub use save::{ModelFileError, ModelFileErrorKind};
pub use sgd::Sgd;
pub use trainer::{Trainer, UpdateOrder};

/// The README's code blocks, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
