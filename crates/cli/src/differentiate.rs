//! From a program's text to what `grad` prints: record it, read the
//! options against it, run the sweeps, warn, and write the output the
//! options ask for.

use std::io::{BufWriter, Write};
use std::path::Path;

use autograd::{Gradients, Tape};

use crate::names::quoted;
use crate::parser::{Program, evaluate};
use crate::sweeps::Derivatives;
use crate::{Cli, at, direction, explain, html, json, output, report, sweeps, trace, warnings};

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
    let direction = match &cli.forward {
        Some(text) => match direction::parse(text, &program) {
            Ok(direction) => Some(direction),
            Err(e) => {
                let text = report::option_error("--forward", text, &e, colour);
                let _ = stderr.write_all(text.as_bytes());
                return 2;
            }
        },
        None => None,
    };
    // --dot and --html draw the graph of one output.
    let drawing = [("--dot", cli.dot.is_some()), ("--html", cli.html.is_some())]
        .into_iter()
        .find_map(|(flag, given)| given.then_some(flag));
    if let Some(flag) = drawing
        && let Some(keyword) = &program.output_statement
        && program.outputs.len() > 1
    {
        let names: Vec<String> = program.outputs.iter().map(|o| quoted(o.label())).collect();
        let text = report::error_at(
            name,
            source,
            keyword,
            &format!(
                "{flag} draws the graph of one output, and this statement lists {}: {}",
                program.outputs.len(),
                names.join(", ")
            ),
            &format!(
                "list one name here to draw its graph with its gradients (`output y`), or leave out {flag}"
            ),
            colour,
        );
        let _ = stderr.write_all(text.as_bytes());
        return 2;
    }
    if !cli.at.is_empty() {
        return at_points(cli, name, source, &program, stdout, stderr, colour);
    }
    // --json and --trace show every node's gradient; the rest, the inputs'.
    let every_node = cli.json || cli.trace;
    let derivatives = match sweeps::run(&program, direction, every_node, cli.detect_anomaly, source)
    {
        Ok(derivatives) => derivatives,
        Err((span, message, help)) => {
            let text = report::error_at(name, source, &span, &message, help, colour);
            let _ = stderr.write_all(text.as_bytes());
            return 1;
        }
    };
    for warning in warnings::warnings(source, &tape, &program, &derivatives, MOST_WARNINGS) {
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
        json::write(&mut out, &tape, &program, &derivatives)
    } else if cli.trace {
        trace::write(&mut out, &tape, &program, &derivatives)
    } else {
        output::plain(&mut out, &program, &derivatives)
    };
    let written = if cli.explain {
        written.and_then(|()| explain::write(&mut out, &program))
    } else {
        written
    };
    if written.and_then(|()| out.flush()).is_err() {
        return 0; // a closed pipe
    }
    if let Some(path) = &cli.dot
        && let Err(e) = write_dot(path, &program, &derivatives)
    {
        let _ = writeln!(stderr, "grad: cannot write {}: {e}", path.display());
        return 2;
    }
    if let Some(path) = &cli.html
        && let Err(message) = html::write(path, name, &program)
    {
        let _ = writeln!(stderr, "grad: {message}");
        return 2;
    }
    0
}

/// `--at`: the program at every point, from one compiled recording.
fn at_points(
    cli: &Cli,
    name: &str,
    source: &str,
    program: &Program<'_>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    colour: bool,
) -> i32 {
    if program.single_output().is_none() {
        let keyword = program
            .output_statement
            .clone()
            .expect("several outputs come from an output statement");
        let text = report::error_at(
            name,
            source,
            &keyword,
            &format!(
                "--at evaluates one output, and this statement lists {}",
                program.outputs.len()
            ),
            "list one name here (`output y`), or leave out --at",
            colour,
        );
        let _ = stderr.write_all(text.as_bytes());
        return 2;
    }
    let points = match at::parse(&cli.at, program) {
        Ok(points) => points,
        Err((which, e)) => {
            let text = report::option_error("--at", &cli.at[which], &e, colour);
            let _ = stderr.write_all(text.as_bytes());
            return 2;
        }
    };
    let table = at::evaluate(program, &points);
    let mut out = BufWriter::with_capacity(OUTPUT_BUFFER, stdout);
    let written = if cli.json {
        at::json(&mut out, program, &table)
    } else {
        at::plain(&mut out, program, &table)
    };
    let _ = written.and_then(|()| out.flush());
    0
}

/// Writes the graph of the one output, with its gradients, as Graphviz DOT
/// to `path`.
fn write_dot(
    path: &Path,
    program: &Program<'_>,
    derivatives: &Derivatives<'_>,
) -> std::io::Result<()> {
    let grads: &Gradients = &derivatives.grads[0];
    let mut file = BufWriter::new(std::fs::File::create(path)?);
    write!(
        file,
        "{}",
        program.outputs[0].node.dot().with_gradients(grads)
    )?;
    file.flush()
}
