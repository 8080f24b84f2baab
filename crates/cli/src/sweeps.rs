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
    /// `∂output/∂input`: a row per output, a column per input, in the
    /// program's orders.
    pub(crate) jacobian: Vec<Vec<f64>>,
    /// Every node's gradient, one store per output, in the program's
    /// order: kept when [`run`] is asked to keep them, and for a program
    /// of one output; else empty, so that many outputs cost the Jacobian's
    /// memory, not a store of every node each.
    pub(crate) grads: Vec<Gradients>,
    /// The `--forward` direction and every node's tangent along it.
    pub(crate) forward: Option<(Direction<'t>, Tangents)>,
}

impl Derivatives<'_> {
    /// `∂output/∂input` for output number `output` and input number
    /// `input`.
    pub(crate) fn jacobian(&self, output: usize, input: usize) -> f64 {
        self.jacobian[output][input]
    }
}

/// A value that is not finite under `--detect-anomaly`: where, what, and
/// the help.
pub(crate) type Anomaly = (Range<usize>, String, &'static str);

/// Runs the sweeps for `program` (whose text is `source`): a reverse sweep
/// per output, keeping every node's gradients when `every_node`, and the
/// forward sweep when `direction` is given.
///
/// # Errors
///
/// With `detect_anomaly`, the first value that is not finite: a number
/// computed from numbers alone while reading, else the first anomalous
/// node of the first output that has one.
pub(crate) fn run<'t>(
    program: &Program<'t>,
    direction: Option<Direction<'t>>,
    every_node: bool,
    detect_anomaly: bool,
    source: &str,
) -> Result<Derivatives<'t>, Anomaly> {
    if detect_anomaly {
        not_finite_while_reading(program, source)?;
    }
    let keep = every_node || program.outputs.len() == 1;
    let mut jacobian = Vec::with_capacity(program.outputs.len());
    let mut kept = Vec::new();
    let mut store = Gradients::new();
    for output in &program.outputs {
        let grads = if detect_anomaly {
            store = output
                .node
                .try_backward()
                .map_err(|anomaly| at_its_node(program, source, &anomaly))?;
            &store
        } else {
            output.node.backward_into(&mut store);
            &store
        };
        jacobian.push(
            program
                .inputs
                .iter()
                .map(|&(_, var)| grads.wrt(var))
                .collect(),
        );
        if keep {
            kept.push(std::mem::take(&mut store));
        }
    }
    let forward = direction.map(|direction| {
        let tangents = program.outputs[0].node.tape().tangents(&direction.seeds());
        (direction, tangents)
    });
    Ok(Derivatives {
        jacobian,
        grads: kept,
        forward,
    })
}

/// The first number computed from numbers alone while reading that is not
/// finite, as an anomaly.
fn not_finite_while_reading(program: &Program<'_>, source: &str) -> Result<(), Anomaly> {
    match program
        .notes
        .iter()
        .find(|n| n.kind() == NoteKind::NotFinite)
    {
        Some(note) => Err((
            note.span.clone(),
            format!("anomaly while reading: {}", note.message(source)),
            "the first number computed from numbers alone that is not finite; \
             without --detect-anomaly this is a warning",
        )),
        None => Ok(()),
    }
}

/// The engine's anomaly, at the spot its node was written.
fn at_its_node(program: &Program<'_>, source: &str, anomaly: &autograd::Anomaly) -> Anomaly {
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
}
