//! From a program's text to what `grad` prints: record it, differentiate
//! it, warn, and write the output the options ask for.

use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::Path;

use autograd::{Gradients, Tape};

use crate::note::NoteKind;
use crate::parser::{Program, evaluate};
use crate::{Cli, json, output, report, warnings};

/// Output is written through a buffer of this many bytes.
const OUTPUT_BUFFER: usize = 64 << 10;

/// How many warnings are shown before "and N more".
const MOST_WARNINGS: usize = 5;

/// Runs the program `source` (called `name` in messages) as `cli` asks;
/// returns the exit status.
pub(crate) fn differentiate(
    cli: &Cli,
    name: &str,
    source: &str,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    colour: bool,
) -> i32 {
    let tape = Tape::new();
    let program = match evaluate(&tape, source) {
        Ok(program) => program,
        Err(e) => {
            let _ = stderr.write_all(report::error(name, source, &e, colour).as_bytes());
            return 2;
        }
    };
    let grads = if cli.detect_anomaly {
        match gradients_without_anomaly(&program, source) {
            Ok(grads) => grads,
            Err((span, message, help)) => {
                let text = report::anomaly(name, source, &span, &message, help, colour);
                let _ = stderr.write_all(text.as_bytes());
                return 1;
            }
        }
    } else {
        program.output.backward()
    };
    for warning in warnings::warnings(source, &tape, &program, &grads, MOST_WARNINGS) {
        let text = match &warning.span {
            Some(span) => report::warning(
                name,
                source,
                span,
                &warning.message,
                &warning.labels,
                colour,
            ),
            None => format!("warning: {}\n", warning.message),
        };
        let _ = stderr.write_all(text.as_bytes());
    }
    let mut out = BufWriter::with_capacity(OUTPUT_BUFFER, stdout);
    let written = if cli.json {
        json::write(&mut out, &tape, &program, &grads)
    } else if cli.trace {
        output::trace(&mut out, &tape, &program, &grads)
    } else {
        output::plain(&mut out, &program, &grads)
    };
    if written.and_then(|()| out.flush()).is_err() {
        return 0; // a closed pipe
    }
    if let Some(path) = &cli.dot
        && let Err(e) = write_dot(path, &program, &grads)
    {
        let _ = writeln!(stderr, "grad: cannot write {}: {e}", path.display());
        return 2;
    }
    0
}

/// The gradients, or the first value that is not finite: a number computed
/// from numbers alone while reading, else the engine's first anomalous node.
/// An anomaly comes back as its span, message and help.
fn gradients_without_anomaly(
    program: &Program<'_>,
    source: &str,
) -> Result<Gradients, (Range<usize>, String, &'static str)> {
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
    program.output.try_backward().map_err(|anomaly| {
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
}

/// Writes the graph as Graphviz DOT to `path`.
fn write_dot(path: &Path, program: &Program<'_>, grads: &Gradients) -> std::io::Result<()> {
    let mut file = BufWriter::new(std::fs::File::create(path)?);
    write!(file, "{}", program.output.dot().with_gradients(grads))?;
    file.flush()
}
