//! How numbers are printed: exactly, and readably at any magnitude.

use std::fmt;

/// An `f64` printed as the shortest decimal that reads back as the same
/// number: in plain notation from `1e-4` up to `1e16` (`0.0004385677`,
/// `123456789`), in scientific notation outside that range (`4.2e-18`,
/// `1.1805916207174113e21`), so a tiny gradient is not a 300-character
/// string. Zero, infinities and NaN print as `0`, `-0`, `inf`, `-inf` and
/// `NaN`. The ranges are those of Rust's `{:?}` for `f64`, without its
/// trailing `.0`.
///
/// Traces, pictures and anomaly reports print every number this way.
///
/// # Examples
///
/// ```
/// use autograd::Shortest;
///
/// assert_eq!(Shortest(0.5).to_string(), "0.5");
/// assert_eq!(Shortest(1.0).to_string(), "1");
/// assert_eq!(Shortest(4.2e-18).to_string(), "4.2e-18");
/// assert_eq!(Shortest(1e300).to_string(), "1e300");
/// assert_eq!(Shortest(f64::NEG_INFINITY).to_string(), "-inf");
/// // Exact: it reads back as the same f64.
/// let x = 0.1 + 0.2;
/// assert_eq!(Shortest(x).to_string().parse::<f64>().unwrap(), x);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shortest(pub f64);

impl fmt::Display for Shortest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        let magnitude = x.abs();
        let text = if x == 0.0 || !x.is_finite() || (1e-4..1e16).contains(&magnitude) {
            x.to_string()
        } else {
            format!("{x:e}")
        };
        f.pad(&text)
    }
}

/// An `f64` with up to 6 significant digits, as the graph pictures label
/// their boxes ([`Var::dot`](crate::Var::dot)): `0.59327`, `0.000438568`,
/// `1.23457e6`; zero, infinities and NaN as [`Shortest`] prints them. For
/// reading at a glance; [`Shortest`] is the exact form.
///
/// # Examples
///
/// ```
/// use autograd::Short;
///
/// assert_eq!(Short(0.593269992107187).to_string(), "0.59327");
/// assert_eq!(Short(-0.019049118258278).to_string(), "-0.0190491");
/// assert_eq!(Short(1234567.0).to_string(), "1.23457e6");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Short(pub f64);

impl fmt::Display for Short {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if x == 0.0 || x.is_nan() || x.is_infinite() {
            return f.pad(&x.to_string());
        }
        let magnitude = x.abs().log10().floor();
        let text = if (-4.0..6.0).contains(&magnitude) {
            let decimals = (5.0 - magnitude).max(0.0) as usize;
            let text = format!("{x:.decimals$}");
            let text = if text.contains('.') {
                text.trim_end_matches('0').trim_end_matches('.').to_owned()
            } else {
                text
            };
            if text == "-0" { "0".to_owned() } else { text }
        } else {
            format!("{x:.5e}")
        };
        f.pad(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::Shortest;

    #[test]
    fn readable_range_is_plain_and_the_rest_scientific() {
        let cases = [
            (0.0, "0"),
            (-0.0, "-0"),
            (1e-4, "0.0001"),
            (9.99e-5, "9.99e-5"),
            (0.00043856773447434685, "0.00043856773447434685"),
            (3.5084786296312774e-5, "3.5084786296312774e-5"),
            (123456789.0, "123456789"),
            (1e16, "1e16"),
            (9999999999999998.0, "9999999999999998"),
            (-2.5e-300, "-2.5e-300"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e308"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "inf"),
        ];
        for (x, text) in cases {
            assert_eq!(Shortest(x).to_string(), text, "{x:?}");
            if x.is_finite() {
                assert_eq!(text.parse::<f64>().unwrap().to_bits(), x.to_bits());
            }
        }
    }

    #[test]
    fn width_and_alignment_apply_to_the_whole_number() {
        assert_eq!(format!("{:>6}|", Shortest(0.5)), "   0.5|");
        assert_eq!(format!("{:<8}|", Shortest(1e-9)), "1e-9    |");
    }
}
