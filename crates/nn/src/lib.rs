//! Neural networks built only from `autograd` primitives.
#![deny(missing_docs)]

/// The README's code blocks, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
