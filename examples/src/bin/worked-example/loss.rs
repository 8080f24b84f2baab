//! The error a walkthrough minimises: one term per output (`E_o1`), added
//! up into `E_total`.

use autograd::Var;

/// The error of one output, as `--loss` names it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ErrorFunction {
    /// `½ (target − out)²`, the blog's.
    #[default]
    HalfSquared,
    /// `(target − out)²`, without the ½.
    Squared,
    /// `−(target ln out + (1 − target) ln(1 − out))`, for outputs between
    /// 0 and 1 (a sigmoid output layer).
    CrossEntropy,
}

impl ErrorFunction {
    /// Its formula, with the words a learner uses for the target and the
    /// output.
    pub(crate) fn formula(self, target: &str, out: &str) -> String {
        match self {
            ErrorFunction::HalfSquared => format!("½({target} − {out})²"),
            ErrorFunction::Squared => format!("({target} − {out})²"),
            ErrorFunction::CrossEntropy => {
                format!("−({target} ln {out} + (1 − {target}) ln(1 − {out}))")
            }
        }
    }

    /// Records the error of the output `out` against `target`, each
    /// operation as a learner writes it.
    pub(crate) fn term<'t>(self, out: Var<'t>, target: f64) -> Var<'t> {
        match self {
            // The nn crate's own term, so the blog's numbers are nn's bits.
            ErrorFunction::HalfSquared => nn::Loss::HalfSquaredError.term(out, target),
            ErrorFunction::Squared => (target - out).powi(2),
            ErrorFunction::CrossEntropy => -(target * out.ln() + (1.0 - target) * (1.0 - out).ln()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorFunction;

    #[test]
    fn each_error_and_its_derivative() {
        let tape = autograd::Tape::new();
        let out = tape.var(0.75);
        let t = 0.01;
        // ½(t − o)²: ∂/∂o = o − t
        let e = ErrorFunction::HalfSquared.term(out, t);
        assert!((e.backward().wrt(out) - (0.75 - t)).abs() < 1e-15);
        // (t − o)²: ∂/∂o = 2(o − t)
        let e = ErrorFunction::Squared.term(out, t);
        assert!((e.backward().wrt(out) - 2.0 * (0.75 - t)).abs() < 1e-15);
        // cross-entropy: ∂/∂o = (o − t) / (o (1 − o))
        let e = ErrorFunction::CrossEntropy.term(out, t);
        let expected = (0.75 - t) / (0.75 * 0.25);
        assert!((e.backward().wrt(out) - expected).abs() < 1e-14);
        assert_eq!(
            ErrorFunction::CrossEntropy.formula("t", "o"),
            "−(t ln o + (1 − t) ln(1 − o))"
        );
    }
}
