//! `--forward NAME=SPEED,...`: the direction of a forward sweep, read
//! against the program's inputs. Mistakes point into the option's text.
//!
//! Only inputs can be named: the tangents are then the directional
//! derivatives of the program as a function of its inputs (the Jacobian
//! times the direction), the same inputs the gradients are taken with
//! respect to. An input not named stays still.

use std::ops::Range;
use std::rc::Rc;

use autograd::{Shortest, Var};

use crate::error::{ErrorKind, SyntaxError};
use crate::names::{self, quoted, short};
use crate::parser::Program;

/// How to write a direction, for the help of malformed ones.
const HOW: &str = "write NAME=SPEED pairs separated by commas, as in `--forward x=1,y=0.5`; \
                   inputs not named stay still";

/// At most this many inputs are listed in a message.
const MOST_LISTED: usize = 8;

/// A direction in the inputs: how fast each moves.
#[derive(Debug)]
pub(crate) struct Direction<'t> {
    /// Every input, in the program's order, with its speed: 0 for an input
    /// not named.
    pub(crate) speeds: Vec<(Rc<str>, Var<'t>, f64)>,
    /// The named inputs and their speeds, in the order given.
    pub(crate) given: Vec<(Rc<str>, f64)>,
}

impl<'t> Direction<'t> {
    /// The seeds of the forward sweep: the named inputs with their speeds.
    pub(crate) fn seeds(&self) -> Vec<(Var<'t>, f64)> {
        self.speeds
            .iter()
            .filter(|(_, _, speed)| *speed != 0.0)
            .map(|&(_, var, speed)| (var, speed))
            .collect()
    }

    /// The direction as given, `x = 1, y = 0.5`, for headings.
    pub(crate) fn describe(&self) -> String {
        let pairs: Vec<String> = self
            .given
            .iter()
            .map(|(name, speed)| format!("{name} = {}", Shortest(*speed)))
            .collect();
        pairs.join(", ")
    }
}

/// Reads `text`, the value of `--forward`, against `program`'s inputs.
///
/// # Errors
///
/// The first mistake, with its span in `text`: no pair, an empty pair, a
/// pair without `=`, a name or speed missing, a name that is not an input,
/// a speed that is not a finite number, or an input named twice.
pub(crate) fn parse<'t>(text: &str, program: &Program<'t>) -> Result<Direction<'t>, SyntaxError> {
    let error = |span: Range<usize>, message: String| {
        SyntaxError::new(ErrorKind::BadDirection, span, message)
    };
    if text.trim().is_empty() {
        return Err(error(0..text.len(), "--forward names no input".to_owned()).help(HOW));
    }
    let mut speeds: Vec<(Rc<str>, Var<'t>, f64)> = program
        .inputs
        .iter()
        .map(|(name, var)| (Rc::clone(name), *var, 0.0))
        .collect();
    // Where each input was named, by its index in `speeds`.
    let mut named: Vec<Option<usize>> = vec![None; speeds.len()];
    let mut given = Vec::new();
    for (pair, comma) in pairs(text) {
        let Some(pair) = trimmed(text, pair.clone()) else {
            return Err(match comma {
                Some(comma) => error(comma, "a `,` with no pair before it".to_owned()),
                None => error(
                    pair.start.saturating_sub(1)..pair.start,
                    "a `,` with no pair after it".to_owned(),
                ),
            }
            .help(HOW));
        };
        let Some(equals) = text[pair.clone()].find('=').map(|i| pair.start + i) else {
            return Err(error(
                pair.clone(),
                format!("`{}` has no speed", short(&text[pair])),
            )
            .help(HOW));
        };
        let Some(name_span) = trimmed(text, pair.start..equals) else {
            return Err(error(equals..equals + 1, "a speed with no name".to_owned()).help(HOW));
        };
        let name = &text[name_span.clone()];
        let Some(speed_span) = trimmed(text, equals + 1..pair.end) else {
            return Err(error(
                equals..equals + 1,
                format!("{} has no speed after `=`", quoted(name)),
            )
            .help(HOW));
        };
        let Some(index) = speeds.iter().position(|(input, _, _)| &**input == name) else {
            return Err(not_an_input(
                program,
                name,
                name_span,
                "--forward moves inputs",
            ));
        };
        let speed = number(&text[speed_span.clone()]).map_err(|message| {
            error(speed_span, message)
                .help("a speed is a finite number, like 1, -0.5 or 2e-3; 0 holds the input still")
        })?;
        if let Some(first) = named[index] {
            return Err(
                error(name_span, format!("{} is named twice", quoted(name))).help(format!(
                    "it is named already at column {}; give each input one speed",
                    text[..first].chars().count() + 1
                )),
            );
        }
        named[index] = Some(name_span.start);
        speeds[index].2 = speed;
        given.push((Rc::clone(&speeds[index].0), speed));
    }
    Ok(Direction { speeds, given })
}

/// The pairs of `text` between commas: each one's span, and the span of
/// the comma that ends it (none for the last).
fn pairs(text: &str) -> Vec<(Range<usize>, Option<Range<usize>>)> {
    let mut pairs = Vec::new();
    let mut start = 0;
    for (at, _) in text.match_indices(',') {
        pairs.push((start..at, Some(at..at + 1)));
        start = at + 1;
    }
    pairs.push((start..text.len(), None));
    pairs
}

/// `span` of `text` without the spaces around it, or `None` when nothing
/// else is left.
pub(crate) fn trimmed(text: &str, span: Range<usize>) -> Option<Range<usize>> {
    let part = &text[span.clone()];
    let start = span.start + (part.len() - part.trim_start().len());
    let end = span.end - (part.len() - part.trim_end().len());
    (start < end).then_some(start..end)
}

/// A speed: a finite number, or what is wrong with it.
fn number(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(x) if x.is_nan() || text.to_ascii_lowercase().contains("inf") => Err(format!(
            "the speed `{}` is not a finite number",
            short(text)
        )),
        Ok(_) => Err(format!(
            "the speed `{}` is too large for a 64-bit float",
            short(text)
        )),
        Err(_) => Err(format!("the speed `{}` is not a number", short(text))),
    }
}

/// The error for naming `name` (at `span`), which is not an input of
/// `program`: a constant, a name bound to an expression, or unknown.
/// `doing` says what the option does with inputs (`--forward moves
/// inputs`).
pub(crate) fn not_an_input(
    program: &Program<'_>,
    name: &str,
    span: Range<usize>,
    doing: &str,
) -> SyntaxError {
    let inputs = || {
        let listed: Vec<&str> = program
            .inputs
            .iter()
            .take(MOST_LISTED)
            .map(|(name, _)| &**name)
            .collect();
        let more = program.inputs.len() - listed.len();
        let list = listed
            .iter()
            .map(|name| quoted(name))
            .collect::<Vec<_>>()
            .join(", ");
        match (program.inputs.len(), more) {
            (0, _) => "this program has no inputs: a name bound to a number, like `x = 1.5`, \
                       is one"
                .to_owned(),
            (1, _) => format!("the input is {list}"),
            (_, 0) => format!("the inputs are {list}"),
            (_, more) => format!("the inputs are {list} and {more} more"),
        }
    };
    let bound = program
        .names
        .iter()
        .find(|(bound, _)| &**bound == name)
        .map(|&(_, var)| var);
    let (message, help) = match bound {
        Some(var) if !var.requires_grad() && var.op().is_leaf() => (
            format!("{} is a constant, which does not move", quoted(name)),
            format!(
                "{doing}, and {}; to change it, bind it without `const` \
                 (`{} = ...`), which makes it an input",
                inputs(),
                short(name)
            ),
        ),
        Some(var) if !var.requires_grad() => (
            format!(
                "{} is computed from constants alone, so it does not move",
                quoted(name)
            ),
            format!("{doing}, and {}", inputs()),
        ),
        Some(_) => (
            format!(
                "{} is not an input: it is computed from the inputs",
                quoted(name)
            ),
            format!(
                "{doing} (names bound to numbers), and {}; {} is computed from them",
                inputs(),
                quoted(name)
            ),
        ),
        None => {
            let help = match names::closest(name, program.inputs.iter().map(|(n, _)| &**n)) {
                Some(known) => format!("did you mean {}?", quoted(known)),
                None => format!("{doing}, and {}", inputs()),
            };
            (format!("unknown input {}", quoted(name)), help)
        }
    };
    SyntaxError::new(ErrorKind::BadDirection, span, message).help(help)
}
