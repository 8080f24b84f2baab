//! Reading a network's starting parameters from a file (`--weights FILE`):
//! one `name = value` a line, `#` comments and blank lines, every parameter
//! of the network once; any mistake is a [`WeightsError`] pointing at the
//! spot.

use std::ops::Range;

/// A mistake in a weights file: what, where (bytes of the source) and how
/// to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct WeightsError {
    /// The bytes of the source it points at.
    pub(crate) span: Range<usize>,
    /// What is wrong, in one line.
    pub(crate) message: String,
    /// How to fix it.
    pub(crate) help: String,
}

impl WeightsError {
    fn new(span: Range<usize>, message: String, help: impl Into<String>) -> Self {
        WeightsError {
            span,
            message,
            help: help.into(),
        }
    }
}

/// How a line is written, for help.
const FORM: &str = "write one parameter a line as `name = value`, e.g. `w1 = 0.15`; `#` starts a \
                    comment";

/// The value of each of `names` (the network's parameters, in order) as
/// `source` gives them.
///
/// # Errors
///
/// The first mistake: a line that is not `name = value`, an unknown name
/// (with a "did you mean"), a value that is not a finite number, a name
/// given twice; or, pointing at the end, the parameters not given.
pub(crate) fn parse(source: &str, names: &[String]) -> Result<Vec<f64>, WeightsError> {
    let mut values: Vec<Option<(f64, usize)>> = vec![None; names.len()];
    let mut start = 0;
    for (index, raw) in source.split('\n').enumerate() {
        let offset = start;
        start += raw.len() + 1;
        let text = raw.split('#').next().unwrap_or("");
        let text = text.strip_suffix('\r').unwrap_or(text);
        if text.trim().is_empty() {
            continue;
        }
        let span = |part: &str| {
            let at = offset + (part.as_ptr() as usize - text.as_ptr() as usize);
            at..at + part.len()
        };
        let Some((name, value)) = text.split_once('=') else {
            return Err(WeightsError::new(
                span(text.trim()),
                format!("expected `=` in `{}`", text.trim()),
                FORM,
            ));
        };
        let (name, value) = (name.trim(), value.trim());
        let Some(k) = names.iter().position(|n| n == name) else {
            let help = match grad_cli::did_you_mean(name, names.iter().map(String::as_str)) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("the network's parameters are {}", names.join(", ")),
            };
            let message = if name.is_empty() {
                "expected a parameter's name before `=`".to_owned()
            } else {
                format!("unknown parameter `{name}`")
            };
            let at = if name.is_empty() {
                span(&text[text.find('=').unwrap_or(0)..][..1])
            } else {
                span(name)
            };
            return Err(WeightsError::new(at, message, help));
        };
        let number = match value.parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            _ => {
                let at = if value.is_empty() {
                    span(&text[text.len()..])
                } else {
                    span(value)
                };
                return Err(WeightsError::new(
                    at,
                    format!("`{value}` is not a finite number"),
                    "write a decimal number: 0.15, -0.3, 2.5e-3",
                ));
            }
        };
        if let Some((_, line)) = values[k] {
            return Err(WeightsError::new(
                span(name),
                format!("`{name}` is given twice"),
                format!("it was first given on line {line}; keep the one you mean"),
            ));
        }
        values[k] = Some((number, index + 1));
    }
    let missing: Vec<&str> = names
        .iter()
        .zip(&values)
        .filter(|(_, v)| v.is_none())
        .map(|(n, _)| n.as_str())
        .collect();
    if !missing.is_empty() {
        let end = source.trim_end().len();
        return Err(WeightsError::new(
            end..end,
            format!("the file does not give {}", missing.join(", ")),
            "give every parameter of the network, one `name = value` a line",
        ));
    }
    Ok(values
        .into_iter()
        .map(|v| v.expect("internal error: every parameter is given").0)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        ["w1", "w2", "b1"].map(str::to_owned).to_vec()
    }

    #[test]
    fn every_parameter_once_in_any_order() {
        let source = "# mine\nb1 = 0.35\r\nw2=0.2\n\n w1 = -1.5e-1  # first\n";
        assert_eq!(parse(source, &names()), Ok(vec![-0.15, 0.2, 0.35]));
    }

    #[test]
    fn each_mistake_points_at_its_spot() {
        let cases = [
            ("w1 0.1\n", 0..6, "expected `=`"),
            ("w9 = 0.1\n", 0..2, "unknown parameter `w9`"),
            ("= 0.1\n", 0..1, "expected a parameter's name"),
            ("w1 = x\n", 5..6, "`x` is not a finite number"),
            ("w1 = inf\n", 5..8, "`inf` is not a finite number"),
            ("w1 =\n", 4..4, "`` is not a finite number"),
            ("w1 = 1\nw1 = 2\n", 7..9, "`w1` is given twice"),
            ("w1 = 1\nw2 = 2\n", 13..13, "the file does not give b1"),
        ];
        for (source, span, message) in cases {
            let e = parse(source, &names()).unwrap_err();
            assert_eq!(e.span, span, "{source:?}: {}", e.message);
            assert!(e.message.contains(message), "{source:?}: {}", e.message);
        }
        let e = parse("w9 = 0.1\n", &names()).unwrap_err();
        assert_eq!(e.help, "did you mean `w1`?");
    }
}
