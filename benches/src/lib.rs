//! The three performance workloads, each written four ways: with this
//! engine, as hand-written closed-form `f64` code (forward and hand-derived
//! backward), and with the `reverse` and `echidna` crates. Every version
//! returns what it computed, so the runner checks they all agree. Besides
//! them, [`modes`] sets the engine's modes against each other, and
//! [`batch`] one thread against every core.
#![deny(missing_docs)]

pub mod batch;
pub mod blog;
pub mod chain;
pub mod mlp;
pub mod modes;
