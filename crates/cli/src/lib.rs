//! The `grad` command: build any expression graph from text, then see its
//! value, the gradient with respect to every input, and every node.
//!
//! The binary is a thin shell around [`run`], which the tests call in
//! process.
//!
//! # Examples
//!
//! ```
//! let mut out = Vec::new();
//! let mut err = Vec::new();
//! let status = grad_cli::run(["grad", "x = 3; y = x^2 + 2*x"], &mut std::io::empty(), &mut out, &mut err, false);
//! assert_eq!(status, 0);
//! let text = String::from_utf8(out).unwrap();
//! assert!(text.contains("y = 15"));
//! assert!(text.contains("∂y/∂x = 8"));
//! ```
#![deny(missing_docs)]

mod error;
mod json;
mod lexer;
mod names;
mod output;
mod parser;
mod report;
mod warnings;

use std::ffi::OsString;
use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;

use autograd::Tape;
use clap::Parser;

pub use error::{ErrorKind, SyntaxError};
pub use parser::{MAX_DEPTH, Program, evaluate};

/// The language, shown by `grad --help`.
const LANGUAGE: &str = r#"THE LANGUAGE
  Statements are separated by newlines or `;`; `#` starts a comment.
  name = 1.5          an input: a name bound to a number gets a gradient
  const c = 2         a constant: no gradient
  name = expr         binds the expression's node to the name
  expr                an expression statement
  The last statement is the output. Rebinding a name (c = c + 1) reads its
  previous value.

  Expressions: numbers (2, 0.05, 1e-3), names, + - * /, unary -, ^ (right
  associative, binding tighter than unary minus: -x^2 is -(x^2), 2^3^2 is
  512), parentheses, and the functions sigmoid exp ln tanh relu sqrt and
  pow(a, b).

EXAMPLES
  grad 'x = 3; y = x^2 + 2*x'
  grad --trace 'w = 0.4; b = 0.6; const x = 0.59; out = sigmoid(w*x + b)'
  echo 'a = 2; b = 3; pow(a, b)' | grad --json
  grad -f network.txt --dot graph.dot

JSON OUTPUT (--json)
  {"value": V, "gradients": {"x": G, ...}, "nodes": [NODE, ...]}, each NODE
  {"id", "name", "op", "parents", "value", "grad"}: "parents" are node ids
  in operand order; an op with a number operand also has "scalar" and
  "scalar_side" ("left" or "right"): x*10 is {"op": "mul", "parents": [0],
  "scalar": 10, "scalar_side": "right"}. Numbers are exact: each reads back
  as the same 64-bit float. JSON has no NaN or infinity, so those are the
  strings "NaN", "inf" and "-inf"; null is only an unnamed node's "name" and
  the "grad" of a node that gets none (a constant).

EXIT STATUS
  0 on success; 2 on bad input (the message shows the line, the column and
  the spot). inf and NaN values are not errors: they are reported as warnings
  naming the node that produced them, unless --detect-anomaly makes the first
  of them an error (exit status 1)."#;

/// Differentiates a program given as text: prints its value and the
/// gradient of the output with respect to every input.
#[derive(Parser, Debug)]
#[command(name = "grad", version, about, after_long_help = LANGUAGE)]
struct Cli {
    /// The program text; read from standard input when neither this nor
    /// --file is given.
    program: Option<String>,
    /// Read the program from FILE (`-` for standard input).
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        conflicts_with = "program"
    )]
    file: Option<PathBuf>,
    /// Print the whole tape: every node's id, name, op, parents, value and gradient.
    #[arg(long)]
    trace: bool,
    /// Print one JSON object: value, gradients and every node (see JSON
    /// OUTPUT below).
    #[arg(long, conflicts_with = "trace")]
    json: bool,
    /// Also write the graph as Graphviz DOT to FILE.
    #[arg(long, value_name = "FILE")]
    dot: Option<PathBuf>,
    /// Stop at the first node whose value or gradient is NaN or infinite,
    /// with an error pointing at it (exit status 1), instead of warning.
    #[arg(long)]
    detect_anomaly: bool,
}

/// Runs `grad` with `args` (the first is the program name): reads the
/// program, prints to `stdout`, reports problems to `stderr` (in colour when
/// `colour`), and returns the exit status: 0 on success, 2 on bad input.
pub fn run<I, T>(
    args: I,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    colour: bool,
) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let text = if colour {
                e.render().ansi().to_string()
            } else {
                e.render().to_string()
            };
            let sink: &mut dyn Write = if e.use_stderr() { stderr } else { stdout };
            let _ = sink.write_all(text.as_bytes());
            return e.exit_code();
        }
    };
    let (name, source) = match read_program(&cli, stdin) {
        Ok(read) => read,
        Err(message) => {
            let _ = writeln!(stderr, "grad: {message}");
            return 2;
        }
    };
    let tape = Tape::new();
    let program = match evaluate(&tape, &source) {
        Ok(program) => program,
        Err(e) => {
            let _ = stderr.write_all(report::error(&name, &source, &e, colour).as_bytes());
            return 2;
        }
    };
    let grads = if cli.detect_anomaly {
        match program.output.try_backward() {
            Ok(grads) => grads,
            Err(anomaly) => {
                let span = program
                    .origins
                    .iter()
                    .find(|(node, _)| *node == anomaly.node)
                    .map_or(0..source.len(), |(_, span)| span.clone());
                let text = report::anomaly(&name, &source, &span, &anomaly.to_string(), colour);
                let _ = stderr.write_all(text.as_bytes());
                return 1;
            }
        }
    } else {
        program.output.backward()
    };
    for warning in warnings::warnings(&tape, &program, &grads, 5) {
        let text = match &warning.span {
            Some(span) => report::warning(&name, &source, span, &warning.message, colour),
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

/// Output is written through a buffer of this many bytes.
const OUTPUT_BUFFER: usize = 64 << 10;

/// Writes the graph as Graphviz DOT to `path`.
fn write_dot(
    path: &std::path::Path,
    program: &Program<'_>,
    grads: &autograd::Gradients,
) -> std::io::Result<()> {
    let mut file = BufWriter::new(std::fs::File::create(path)?);
    write!(file, "{}", program.output.dot().with_gradients(grads))?;
    file.flush()
}

/// The program's name for messages and its text.
fn read_program(cli: &Cli, stdin: &mut dyn Read) -> Result<(String, String), String> {
    if let Some(text) = &cli.program {
        return Ok(("<argument>".to_owned(), text.clone()));
    }
    let (name, bytes) = match &cli.file {
        Some(path) if path.as_os_str() != "-" => {
            let bytes =
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            (path.display().to_string(), bytes)
        }
        _ => {
            let mut bytes = Vec::new();
            stdin
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            ("<stdin>".to_owned(), bytes)
        }
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{name} is not UTF-8 text (the first bad byte is at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok((name, text))
}
