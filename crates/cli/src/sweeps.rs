//! The derivatives `grad` shows: one reverse sweep per output, each giving
//! every node's gradient (the Jacobian is their input entries), and one
//! forward sweep along the `--forward` direction.
//!
//! The Jacobian is always taken by reverse sweeps, even where forward
//! sweeps would be fewer: each row is then exactly the gradients that
//! listing its output alone prints, and the plain output, `--trace` and
//! `--json` agree to the last bit.

use std::ops::Range;

use autograd::{Gradients, Tangents};

use crate::direction::Direction;
use crate::note::NoteKind;
use crate::parser::Program;

/// The sweeps' results.
pub(crate) struct Derivatives<'t> {
    /// Every node's gradient, one store per output, in the program's order.
    pub(crate) grads: Vec<Gradients>,
    /// The `--forward` direction and every node's tangent along it.
    pub(crate) forward: Option<(Direction<'t>, Tangents)>,
}

impl Derivatives<'_> {
    /// `∂output/∂input` for output number `output` and input number
    /// `input` of `program`.
    pub(crate) fn jacobian(&self, program: &Program<'_>, output: usize, input: usize) -> f64 {
        self.grads[output].wrt(program.inputs[input].1)
    }
}

/// A value that is not finite under `--detect-anomaly`: where, what, and
/// the help.
pub(crate) type Anomaly = (Range<usize>, String, &'static str);

/// Runs the sweeps for `program` (whose text is `source`): the reverse
/// sweeps, and the forward sweep when `direction` is given.
///
/// # Errors
///
/// With `detect_anomaly`, the first value that is not finite: a number
/// computed from numbers alone while reading, else the first anomalous
/// node of the first output that has one.
pub(crate) fn run<'t>(
    program: &Program<'t>,
    direction: Option<Direction<'t>>,
    detect_anomaly: bool,
    source: &str,
) -> Result<Derivatives<'t>, Anomaly> {
    let grads = if detect_anomaly {
        gradients_without_anomaly(program, source)?
    } else {
        program.outputs.iter().map(|o| o.node.backward()).collect()
    };
    let forward = direction.map(|direction| {
        let tangents = program
            .outputs
            .first()
            .expect("a program has an output")
            .node
            .tape()
            .tangents(&direction.seeds());
        (direction, tangents)
    });
    Ok(Derivatives { grads, forward })
}

/// The gradients of every output, or the first value that is not finite.
fn gradients_without_anomaly(
    program: &Program<'_>,
    source: &str,
) -> Result<Vec<Gradients>, Anomaly> {
    if let Some(note) = program
        .notes
        .iter()
        .find(|n| n.kind() == NoteKind::NotFinite)
    {
        return Err((
            note.span.clone(),
            format!("anomaly while reading: {}", note.message(source)),
            "the first number computed from numbers alone that is not finite; \
             without --detect-anomaly this is a warning",
        ));
    }
    program
        .outputs
        .iter()
        .map(|output| {
            output.node.try_backward().map_err(|anomaly| {
                let span = program
                    .origins
                    .iter()
                    .find(|(node, _)| *node == anomaly.node)
                    .map_or(0..source.len(), |(_, span)| span.clone());
                (
                    span,
                    anomaly.to_string(),
                    "the first node whose value or gradient is not finite; \
                     without --detect-anomaly this is a warning",
                )
            })
        })
        .collect()
}
