//! Which walkthrough a learner's numbers come from: the correct one, one
//! with a known mistake (its intermediates carried exactly or rounded as
//! the learner rounded them), or none that is known. Every candidate is
//! worked in full by [`walkthrough::values`] and compared with every number
//! the learner wrote, at the learner's precision.

use super::engine;
use super::number::TOLERANCE;
use super::parse::Entry;
use super::symbol::Symbol;
use super::walkthrough::{self, Mistake, Precisions, Sign, Variant};
use crate::network::{Kind, Network};

/// How far, in units of the learner's last digit, a walkthrough that rounds
/// as it goes may be from a number and still reproduce it: the learner may
/// have rounded in another order than the walkthrough does, which moves a
/// number by one unit.
const ROUNDED_TOLERANCE: f64 = 1.0 + (TOLERANCE - 0.5);

/// What the learner's numbers show.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Diagnosis {
    /// Every number agrees.
    None,
    /// A known mistake reproduces every number.
    Mistake {
        /// The walkthrough that does.
        variant: Variant,
        /// The ids of other mistakes that reproduce them as well.
        also: Vec<&'static str>,
    },
    /// No single known mistake reproduces them.
    Unknown,
}

impl Diagnosis {
    /// Its id in `--json`.
    pub(crate) fn id(&self) -> &'static str {
        match self {
            Diagnosis::None => "none",
            Diagnosis::Mistake { variant, .. } => variant.id(),
            Diagnosis::Unknown => "unknown",
        }
    }
}

/// The entry that disagrees first in the order the walkthrough computes the
/// symbols (not the file's order): the one the later ones usually inherit.
pub(crate) fn first_divergence<'e>(
    network: &Network,
    entries: &'e [Entry],
    agrees: &[bool],
) -> Option<&'e Entry> {
    entries
        .iter()
        .zip(agrees)
        .filter(|(_, agrees)| !**agrees)
        .map(|(entry, _)| entry)
        .min_by_key(|entry| entry.symbol.order(network))
}

/// The known mistakes, in the order they are tried, without the learning
/// rate (whose rate is read from the learner's numbers).
const MISTAKES: [Mistake; 8] = [
    Mistake::SignFlip(Sign::Update),
    Mistake::SignFlip(Sign::ErrorDerivative),
    Mistake::MissingHalf,
    Mistake::SigmoidDerivativeOfNet,
    Mistake::UpdatedOutputWeights,
    Mistake::SinglePath,
    Mistake::BiasesUpdated,
    Mistake::SwappedTargets,
];

/// The diagnosis of `entries`, whose agreement with the engine is
/// `agrees`.
///
/// The explanations are tried from the simplest: one mistake with every
/// number carried exactly; then no mistake but rounded intermediates; then
/// one mistake with rounded intermediates. The first kind that reproduces
/// every number gives the diagnosis (in the order of [`MISTAKES`], the
/// learning rate last); the others of that kind that do too are named
/// beside it. A mistake whose numbers differ from the correct ones only in
/// lines the learner did not write cannot be told apart from them, so it
/// is never the diagnosis of a line that disagrees.
pub(crate) fn diagnose(network: &Network, entries: &[Entry], agrees: &[bool]) -> Diagnosis {
    if agrees.iter().all(|&a| a) {
        return Diagnosis::None;
    }
    let precisions = Precisions::of(entries, network);
    let rates = learning_rates(network, entries);
    let with = |rounded: Option<&Precisions>| -> Vec<Variant> {
        let variant = |mistake| Variant {
            mistake,
            rounded: rounded.cloned(),
        };
        let mut found: Vec<Variant> = MISTAKES
            .into_iter()
            .filter(|m| m.fits(network.loss))
            .map(variant)
            .filter(|v| reproduces(network, entries, v))
            .collect();
        // The simplest rate that reproduces the numbers: 0.1 rather than
        // 0.1000003.
        found.extend(
            rates
                .iter()
                .map(|&rate| variant(Mistake::LearningRate(rate)))
                .find(|v| reproduces(network, entries, v)),
        );
        found
    };
    let rounded_only = || {
        let variant = Variant {
            mistake: Mistake::None,
            rounded: Some(precisions.clone()),
        };
        if reproduces(network, entries, &variant) {
            vec![variant]
        } else {
            Vec::new()
        }
    };
    let mut found = with(None);
    // Rounding is read from the numbers written on the way; a file of
    // values after training alone shows none.
    let intermediates = entries
        .iter()
        .any(|e| !matches!(e.symbol.canonical(network), Symbol::After { .. }));
    if found.is_empty() && intermediates {
        found = rounded_only();
    }
    if found.is_empty() && intermediates {
        found = with(Some(&precisions));
    }
    let mut found = found.into_iter();
    match found.next() {
        Some(variant) => {
            let mut also: Vec<&'static str> = found
                .map(|v| v.id())
                .filter(|&id| id != variant.id())
                .collect();
            also.dedup();
            Diagnosis::Mistake { variant, also }
        }
        None => Diagnosis::Unknown,
    }
}

/// Whether the walkthrough `variant` gives every entry's number at the
/// learner's precision. Training costs a walkthrough per update, so the
/// numbers are checked in three stages, each only when the one before
/// agrees: those before training, those after the fewest updates written,
/// then all the others (one training run up to the most).
fn reproduces(network: &Network, entries: &[Entry], variant: &Variant) -> bool {
    let tolerance = if variant.rounded.is_some() {
        ROUNDED_TOLERANCE
    } else {
        TOLERANCE
    };
    let updates = |e: &Entry| match e.symbol.canonical(network) {
        Symbol::After { updates, .. } => updates,
        _ => 0,
    };
    let fewest = entries
        .iter()
        .map(updates)
        .filter(|&n| n > 0)
        .min()
        .unwrap_or(0);
    let stage = |e: &Entry| match updates(e) {
        0 => 0,
        n if n == fewest => 1,
        _ => 2,
    };
    (0..3).all(|k| {
        let part: Vec<&Entry> = entries.iter().filter(|e| stage(e) == k).collect();
        let symbols: Vec<Symbol> = part.iter().map(|e| e.symbol).collect();
        let values = walkthrough::values(network, variant, &symbols);
        part.iter()
            .zip(values)
            .all(|(e, v)| e.written.within(v, tolerance))
    })
}

/// The learning rates to try, simplest first: the rate the learner's
/// updated weights imply, rounded to 1, 2, 3 and 4 significant digits, and
/// as it is. It is read from the updated weight whose gradient is largest
/// (the best conditioned): `η = (w − w+) / ∂E_total/∂w`, the gradient the
/// engine's. A negative rate is a sign flip, found as such.
fn learning_rates(network: &Network, entries: &[Entry]) -> Vec<f64> {
    let updated: Vec<(&Entry, usize)> = entries
        .iter()
        .filter_map(|e| match e.symbol.canonical(network) {
            Symbol::Updated(p)
                if matches!(
                    network.nodes[p].kind,
                    Kind::Parameter {
                        trainable: true,
                        ..
                    }
                ) =>
            {
                Some((e, p))
            }
            _ => None,
        })
        .collect();
    let symbols: Vec<Symbol> = updated
        .iter()
        .map(|&(_, p)| Symbol::Derivative {
            of: network.total(),
            wrt: p,
        })
        .collect();
    let gradients = engine::values(network, &symbols);
    let Some((entry, p, gradient)) = updated
        .iter()
        .zip(gradients)
        .map(|(&(e, p), g)| (e, p, g))
        .filter(|&(_, _, g)| g != 0.0)
        .max_by(|a, b| a.2.abs().total_cmp(&b.2.abs()))
    else {
        return Vec::new();
    };
    let rate = (network.model.parameters()[p] - entry.written.value) / gradient;
    if !(rate > 0.0 && rate.is_finite()) {
        return Vec::new();
    }
    let mut rates: Vec<f64> = (1..=4)
        .map(|digits| super::number::Digits::Significant(digits).round(rate))
        .chain([rate])
        .filter(|&r| r != network.learning_rate)
        .collect();
    rates.dedup();
    rates
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::parse::parse;

    fn diagnosis(source: &str) -> Diagnosis {
        let network = Network::blog();
        let entries = parse(source, &network).unwrap();
        let symbols: Vec<Symbol> = entries.iter().map(|e| e.symbol).collect();
        let engine = engine::values(&network, &symbols);
        let agrees: Vec<bool> = entries
            .iter()
            .zip(&engine)
            .map(|(e, &v)| e.written.agrees(v))
            .collect();
        diagnose(&network, &entries, &agrees)
    }

    #[test]
    fn numbers_that_agree_have_no_mistake() {
        assert_eq!(diagnosis("out_h1 = 0.593269992\n"), Diagnosis::None);
    }

    #[test]
    fn the_learning_rate_is_found_from_an_updated_weight() {
        // w5+ with η = 0.1: 0.4 − 0.1 × 0.082167041
        let d = diagnosis("dE_total/dw5 = 0.082167041\nw5+ = 0.391783296\n");
        let Diagnosis::Mistake { variant, .. } = d else {
            panic!("{d:?}");
        };
        assert_eq!(variant.mistake, Mistake::LearningRate(0.1));
    }

    #[test]
    fn the_blogs_own_row_20_is_a_rounded_intermediate() {
        let d = diagnosis("dE_o2/dout_h1 = -0.019049119\n");
        assert_eq!(d.id(), "rounded_intermediates");
    }

    #[test]
    fn a_slip_no_mistake_explains_is_unknown() {
        assert_eq!(diagnosis("out_h1 = 0.6933\n"), Diagnosis::Unknown);
    }
}
