//! A learner's number as written: its value, the precision its digits
//! claim, whether another value agrees with it to that precision, and
//! rounding to it.
//!
//! # When a value agrees with a written number
//!
//! A number written with its last digit in the place of 10^k claims to be
//! the true value rounded there, so the true value lies within half a unit
//! of that place: `0.0363503` claims `|x − 0.0363503| ≤ 0.5e-7`. The check
//! allows a tenth of a unit more, `0.55 · 10^k`, for a value rounded twice
//! (a calculator's display rounds once, the page again): that is the most
//! double rounding can add when the display shows at least one more digit.
//! Scientific notation counts the same way (`3.5e-5` has its last digit at
//! 10^-6). A whole number written without a point or an exponent (`1`,
//! `0`) is exact: learners write `1` and `0` for derivatives that are
//! exactly that, and `0` must not pass for 0.4.

use std::fmt;

/// The tolerance, in units of the last written digit: half a unit, and a
/// tenth more for a number rounded twice.
pub(crate) const TOLERANCE: f64 = 0.55;

/// How precisely a number is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Digits {
    /// A whole number without a point or an exponent (`1`, `0`, `-2`):
    /// exact.
    Exact,
    /// A decimal with this many digits after the point (`0.593269992`: 9).
    Places(u32),
    /// Scientific notation with this many significant digits in the
    /// mantissa (`3.5085e-5`: 5).
    Significant(u32),
}

impl Digits {
    /// The power of ten of the last digit of `x` written with these digits
    /// (`Places(9)`: -9; `Significant(3)` of 0.0123: -4); `None` for exact.
    pub(crate) fn last_place(self, x: f64) -> Option<i32> {
        match self {
            Digits::Exact => None,
            Digits::Places(places) => Some(-(places as i32)),
            Digits::Significant(digits) => {
                let magnitude = if x == 0.0 || !x.is_finite() {
                    0
                } else {
                    x.abs().log10().floor() as i32
                };
                Some(magnitude - digits as i32 + 1)
            }
        }
    }

    /// `x` rounded to these digits (the nearest decimal with this many
    /// places or significant digits, as `format!` rounds); `x` itself when
    /// exact or not finite.
    pub(crate) fn round(self, x: f64) -> f64 {
        if !x.is_finite() {
            return x;
        }
        let text = match self {
            Digits::Exact => return x,
            Digits::Places(places) => format!("{x:.*}", places as usize),
            Digits::Significant(digits) => format!("{x:.*e}", digits.max(1) as usize - 1),
        };
        text.parse()
            .expect("internal error: a formatted float reads back")
    }
}

/// A number as the learner wrote it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Written {
    /// Its value.
    pub(crate) value: f64,
    /// Its text, as written.
    pub(crate) text: String,
    /// How precisely it is written.
    pub(crate) digits: Digits,
    /// The power of ten of its last digit (`0.0363503`: -7); 0 for an
    /// exact number.
    pub(crate) last_place: i32,
}

/// Why a text is not a number the check reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumberError {
    /// Not a decimal number at all.
    NotANumber,
    /// A number too large or too small (the exponent beyond ±300).
    OutOfRange,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NumberError::NotANumber => "not a number",
            NumberError::OutOfRange => "out of range",
        })
    }
}

impl std::error::Error for NumberError {}

/// The largest exponent a written number may have, either way.
const MAX_EXPONENT: i32 = 300;

impl Written {
    /// Reads `text`: an optional sign (`+`, `-` or `−`), digits with an
    /// optional point, and an optional exponent (`e-5`, `E+3`).
    ///
    /// # Errors
    ///
    /// [`NumberError::NotANumber`] for anything else (`1,5`, `1.2.3`,
    /// `inf`), [`NumberError::OutOfRange`] when the exponent is beyond
    /// ±300.
    pub(crate) fn parse(text: &str) -> Result<Self, NumberError> {
        let (negative, body) = match text.chars().next() {
            Some('-' | '−') => (true, &text[text.chars().next().map_or(0, char::len_utf8)..]),
            Some('+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match body.find(['e', 'E']) {
            Some(at) => (&body[..at], Some(&body[at + 1..])),
            None => (body, None),
        };
        let (whole, fraction) = match mantissa.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (mantissa, None),
        };
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole)
            || !fraction.is_none_or(digits)
            || whole.len() + fraction.map_or(0, str::len) == 0
        {
            return Err(NumberError::NotANumber);
        }
        let power = match exponent {
            None => 0,
            Some(e) => {
                let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
                if unsigned.is_empty() || !digits(unsigned) {
                    return Err(NumberError::NotANumber);
                }
                match e.parse::<i32>() {
                    Ok(p) if p.abs() <= MAX_EXPONENT => p,
                    _ => return Err(NumberError::OutOfRange),
                }
            }
        };
        let places = fraction.map_or(0, str::len) as i32;
        let ascii = format!("{}{mantissa}e{power}", if negative { "-" } else { "" });
        let value: f64 = ascii.parse().map_err(|_| NumberError::NotANumber)?;
        let significant = whole
            .bytes()
            .chain(fraction.unwrap_or("").bytes())
            .skip_while(|&b| b == b'0')
            .count() as u32;
        let leading = power + whole.trim_start_matches('0').len() as i32;
        if !value.is_finite() || leading.abs() > MAX_EXPONENT {
            return Err(NumberError::OutOfRange);
        }
        let (digits, last_place) = match (exponent, fraction) {
            (None, None) => (Digits::Exact, 0),
            (None, Some(_)) => (Digits::Places(places as u32), -places),
            (Some(_), _) => (Digits::Significant(significant.max(1)), power - places),
        };
        Ok(Written {
            value,
            text: text.to_owned(),
            digits,
            last_place,
        })
    }

    /// One unit of the last written digit (`0.0363503`: 1e-7); 0 for an
    /// exact number.
    pub(crate) fn unit(&self) -> f64 {
        match self.digits {
            Digits::Exact => 0.0,
            _ => 10f64.powi(self.last_place),
        }
    }

    /// Whether `x` agrees with this number to the precision it is written
    /// in: within [`TOLERANCE`] units of its last digit (see the module
    /// docs); for an exact number, equal but for float rounding.
    pub(crate) fn agrees(&self, x: f64) -> bool {
        self.within(x, TOLERANCE)
    }

    /// Whether `x` is within `units` units of the last written digit (for
    /// an exact number: equal but for float rounding).
    pub(crate) fn within(&self, x: f64, units: f64) -> bool {
        // Decimal text and binary floats differ in the last bits.
        let float = 1e-12 * self.value.abs().max(x.abs()).max(1e-300);
        x.is_finite() && (x - self.value).abs() <= units * self.unit() + float
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(text: &str) -> Written {
        Written::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn the_precision_is_the_place_of_the_last_digit() {
        let cases = [
            ("0.0363503", Digits::Places(7), -7),
            ("0.40", Digits::Places(2), -2),
            ("-0.019049119", Digits::Places(9), -9),
            ("−0.5", Digits::Places(1), -1),
            (".5", Digits::Places(1), -1),
            ("5.", Digits::Places(0), 0),
            ("1", Digits::Exact, 0),
            ("0", Digits::Exact, 0),
            ("3.5e-5", Digits::Significant(2), -6),
            ("3.5085E-5", Digits::Significant(5), -9),
            ("0.35e-4", Digits::Significant(2), -6),
            ("4e-5", Digits::Significant(1), -5),
            ("+2.50e+1", Digits::Significant(3), -1),
        ];
        for (text, digits, place) in cases {
            let w = written(text);
            assert_eq!((w.digits, w.last_place), (digits, place), "{text}");
        }
        assert_eq!(written("−0.5").value, -0.5);
        assert_eq!(written("3.5e-5").value, 3.5e-5);
    }

    #[test]
    fn a_value_agrees_within_half_a_unit_and_a_tenth() {
        // 0.0363503 claims [0.03635025, 0.03635035]; a tenth of a unit more
        // for a number rounded twice.
        let w = written("0.0363503");
        assert!(w.agrees(0.03635030639314468));
        assert!(w.agrees(0.036350349));
        assert!(w.agrees(0.036350354));
        assert!(!w.agrees(0.036350356));
        assert!(!w.agrees(0.0363505));
        let sci = written("3.5e-5");
        assert!(sci.agrees(3.5084786296312774e-5));
        assert!(!sci.agrees(3.6e-5));
        // Row 20 of the blog: the blog rounded an intermediate.
        assert!(!written("-0.019049119").agrees(-0.019049118258278114));
        assert!(written("-0.019049119").within(-0.019049118258278114, 1.0));
    }

    #[test]
    fn whole_numbers_are_exact() {
        assert!(written("1").agrees(1.0000000000000002));
        assert!(written("0").agrees(0.0));
        assert!(!written("0").agrees(0.4));
        assert!(!written("1").agrees(0.9));
        assert!(!written("1").agrees(f64::NAN));
    }

    #[test]
    fn anything_else_is_refused() {
        for text in [
            "", "-", ".", "1,5", "1.2.3", "inf", "NaN", "e5", "1e", "1e+", "0x10", "1/3", "½",
        ] {
            assert_eq!(
                Written::parse(text),
                Err(NumberError::NotANumber),
                "{text:?}"
            );
        }
        for text in ["1e400", "1e-400", "1e99999999999"] {
            assert_eq!(
                Written::parse(text),
                Err(NumberError::OutOfRange),
                "{text:?}"
            );
        }
    }

    #[test]
    fn rounding_follows_the_written_digits() {
        assert_eq!(Digits::Places(9).round(0.5932699921071872), 0.593269992);
        assert_eq!(Digits::Places(4).round(-0.019049118258), -0.019);
        assert_eq!(Digits::Significant(3).round(3.5084786e-5), 3.51e-5);
        assert_eq!(Digits::Exact.round(0.123), 0.123);
        assert!(Digits::Places(2).round(f64::NAN).is_nan());
        assert_eq!(Digits::Places(9).last_place(0.5), Some(-9));
        assert_eq!(Digits::Significant(3).last_place(0.0123), Some(-4));
        assert_eq!(Digits::Exact.last_place(0.5), None);
    }
}
