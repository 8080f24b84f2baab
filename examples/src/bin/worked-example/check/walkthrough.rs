//! A walkthrough of the network under a [`Variant`]: the correct one, or
//! one a known mistake produces, with every number carried exactly or
//! rounded as the learner rounded it. One entry point, [`values`], gives
//! every symbol's value under any variant; the correct numbers come from
//! the engine's own sweep ([`super::engine`]), the others from the chain
//! rule written out ([`super::by_hand`]).

use std::collections::HashMap;

use super::engine;
use super::number::Digits;
use super::parse::Entry;
use super::symbol::Symbol;
use crate::loss::ErrorFunction;
use crate::network::Network;

/// Where a sign goes wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sign {
    /// In the update: `w + η·∂E_total/∂w`.
    Update,
    /// In the error's derivative: `∂E/∂out = target − out`, so every
    /// gradient has the wrong sign.
    ErrorDerivative,
}

/// A known mistake, with what it needs to be reproduced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Mistake {
    /// No mistake.
    None,
    /// A sign error.
    SignFlip(Sign),
    /// `E = (target − out)²` without the ½: every error and gradient
    /// doubles.
    MissingHalf,
    /// The sigmoid's derivative taken as `net(1 − net)`, not
    /// `out(1 − out)`.
    SigmoidDerivativeOfNet,
    /// The hidden layer's deltas backpropagated through the updated
    /// weights of the layer above (what the blog's later figures do).
    UpdatedOutputWeights,
    /// At a node read by several others, only the first path followed:
    /// `∂E_total/∂out_h1` through `o1` alone.
    SinglePath,
    /// The biases trained too.
    BiasesUpdated,
    /// Another learning rate.
    LearningRate(f64),
    /// The targets of the outputs swapped.
    SwappedTargets,
}

impl Mistake {
    /// Whether the mistake can be made with the error function `loss`:
    /// the ½ and the sign of `∂E/∂out = out − target` belong to the
    /// half-squared error.
    pub(crate) fn fits(self, loss: ErrorFunction) -> bool {
        match self {
            Mistake::MissingHalf | Mistake::SignFlip(Sign::ErrorDerivative) => {
                loss == ErrorFunction::HalfSquared
            }
            _ => true,
        }
    }

    /// Its id in `--json`; a correct walkthrough whose numbers are rounded
    /// as they go is `rounded_intermediates`.
    pub(crate) fn id(self) -> &'static str {
        match self {
            Mistake::None => "none",
            Mistake::SignFlip(_) => "sign_flip",
            Mistake::MissingHalf => "missing_half",
            Mistake::SigmoidDerivativeOfNet => "sigmoid_derivative_of_net",
            Mistake::UpdatedOutputWeights => "updated_output_weights",
            Mistake::SinglePath => "single_path",
            Mistake::BiasesUpdated => "biases_updated",
            Mistake::LearningRate(_) => "learning_rate",
            Mistake::SwappedTargets => "swapped_targets",
        }
    }
}

/// The digits each number of a walkthrough is rounded to when rounded
/// intermediates are carried on: the digits the learner wrote most often,
/// or, for a symbol the learner wrote with more digits, those. (A number
/// written with fewer, `0.3775`, had its trailing zeros dropped: it was
/// carried with the usual digits all the same.)
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Precisions {
    written: HashMap<Symbol, Digits>,
    usual: Digits,
}

impl Precisions {
    /// The learner's precisions, read from their lines.
    pub(crate) fn of(entries: &[Entry], network: &Network) -> Self {
        let written = entries
            .iter()
            .map(|e| (e.symbol.canonical(network), e.written.digits))
            .collect();
        let mut counts: HashMap<Digits, usize> = HashMap::new();
        for e in entries {
            if e.written.digits != Digits::Exact {
                *counts.entry(e.written.digits).or_default() += 1;
            }
        }
        // The most frequent; among equals, the finer (more digits).
        let fineness = |d: &Digits| match *d {
            Digits::Exact => u32::MAX,
            Digits::Places(p) | Digits::Significant(p) => p,
        };
        let usual = counts
            .into_iter()
            .max_by_key(|(d, n)| (*n, fineness(d), matches!(d, Digits::Places(_))))
            .map_or(Digits::Exact, |(d, _)| d);
        Precisions { written, usual }
    }

    /// Every number rounded to `digits`.
    #[cfg(test)]
    pub(crate) fn uniform(digits: Digits) -> Self {
        Precisions {
            written: HashMap::new(),
            usual: digits,
        }
    }

    /// `x`, the value of `symbol`, rounded as the learner would write it.
    pub(crate) fn round(&self, network: &Network, symbol: Symbol, x: f64) -> f64 {
        let digits = match self.written.get(&symbol.canonical(network)) {
            // The finer of the two; exact is the finest.
            Some(&written) => match (written.last_place(x), self.usual.last_place(x)) {
                (Some(w), Some(u)) if w > u => self.usual,
                (_, None) => self.usual,
                _ => written,
            },
            None => self.usual,
        };
        digits.round(x)
    }
}

/// A walkthrough: a mistake, and whether every number is rounded before it
/// is used again.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Variant {
    /// The mistake made.
    pub(crate) mistake: Mistake,
    /// `Some`: every intermediate is rounded to these digits and carried on.
    pub(crate) rounded: Option<Precisions>,
}

impl Variant {
    /// The correct walkthrough, exact.
    pub(crate) fn correct() -> Self {
        Variant {
            mistake: Mistake::None,
            rounded: None,
        }
    }

    /// `mistake`, exact.
    #[cfg(test)]
    pub(crate) fn exact(mistake: Mistake) -> Self {
        Variant {
            mistake,
            rounded: None,
        }
    }

    /// Its id in `--json`.
    pub(crate) fn id(&self) -> &'static str {
        match (self.mistake, &self.rounded) {
            (Mistake::None, Some(_)) => "rounded_intermediates",
            (mistake, _) => mistake.id(),
        }
    }
}

/// The value of each of `symbols` in the walkthrough `variant`.
pub(crate) fn values(network: &Network, variant: &Variant, symbols: &[Symbol]) -> Vec<f64> {
    if *variant == Variant::correct() {
        engine::values(network, symbols)
    } else {
        super::by_hand::values(network, variant, symbols)
    }
}
