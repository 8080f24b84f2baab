//! Numbers as a page carries them: exactly, as `--json` writes them, for
//! the test hooks and the details; and short, as the pictures print them,
//! for the boxes of the graph.

/// `x` exactly, as `grad --json` and `worked-example --json` write it: the
/// shortest digits that read back as the same `f64` (serde_json's), and
/// `NaN`, `inf` and `-inf` for what JSON has no number for.
pub(crate) fn exact(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_owned()
    } else if x == f64::INFINITY {
        "inf".to_owned()
    } else if x == f64::NEG_INFINITY {
        "-inf".to_owned()
    } else {
        serde_json::to_string(&x).expect("internal error: a finite f64 is valid JSON")
    }
}

/// `x` with up to 6 significant digits, as the graph pictures label their
/// boxes (`Var::dot`): `0.59327`, `0.000438568`, `1.23457e6`.
pub(crate) fn short(x: f64) -> String {
    // As the pictures, but a negative zero reads as 0 on the page.
    autograd::Short(if x == 0.0 { 0.0 } else { x }).to_string()
}

#[cfg(test)]
mod tests {
    use super::{exact, short};

    #[test]
    fn exact_numbers_read_back_as_the_same_f64() {
        for x in [
            0.1 + 0.2,
            0.00043856773447434685,
            3.5084786296312774e-5,
            1.0,
            -0.0,
        ] {
            assert_eq!(exact(x).parse::<f64>().unwrap().to_bits(), x.to_bits());
        }
        assert_eq!(exact(f64::NAN), "NaN");
        assert_eq!(exact(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn short_numbers_are_the_pictures_own() {
        // The same cases as autograd's dot.rs.
        assert_eq!(short(0.593269992107187), "0.59327");
        assert_eq!(short(0.000438567734474), "0.000438568");
        assert_eq!(short(-0.019049118258278), "-0.0190491");
        assert_eq!(short(1.0), "1");
        assert_eq!(short(1234567.0), "1.23457e6");
        assert_eq!(short(3.5e-5), "3.50000e-5");
        assert_eq!(short(f64::INFINITY), "inf");
        assert_eq!(short(-1e-300 * 1e-300), "0");
    }
}
