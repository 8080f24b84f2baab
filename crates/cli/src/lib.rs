//! The `grad` command: build any expression graph from text, then see its
//! value, the gradient with respect to every input, and every node; or,
//! for several outputs, their Jacobian; and every node's tangent along a
//! direction in the inputs.
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

mod at;
mod differentiate;
mod direction;
mod error;
mod excerpt;
mod explain;
mod fold;
mod html;
mod jacobian;
mod json;
mod lexer;
mod names;
mod note;
mod output;
pub mod page;
mod parser;
mod report;
mod sweeps;
mod table;
mod tangents;
mod tokens;
mod trace;
mod warnings;

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::PathBuf;

use clap::Parser;

pub use error::{ErrorKind, SyntaxError};
pub use names::did_you_mean;
pub use note::{Note, NoteKind, What};
pub use parser::{MAX_DEPTH, OddOperand, Output, Program, evaluate};
pub use report::error_report;

/// The language, shown by `grad --help`; `{FUNCTIONS}` stands for the
/// engine's list of functions.
const LANGUAGE: &str = r#"THE LANGUAGE
  Statements are separated by newlines or `;`; `#` starts a comment. A
  byte-order mark at the very start of the program is skipped.
  x = 1.5             an input: a name bound to a number gets a gradient;
                      so does a name bound to numbers alone (x = -2^2,
                      x = 1/3, x = sqrt(2)). Each input needs a name of its
                      own: binding an input's name to another number is an
                      error.
  const c = 2         a constant, of a number or numbers alone: no gradient
  name = expr         binds the expression's node to the name
  expr                an expression statement
  output y, z         the outputs, by name: names bound before this
                      statement, each read where it stands (as any use of
                      a name is), each listed once; one such statement at
                      most, anywhere after its names
  Without an `output` statement the last statement is the output; with
  one, the names it lists are the outputs and the last statement is just a
  statement. One output gets its value and its gradient with respect to
  every input; several get their values and the Jacobian: a table with a
  row per output and a column per input, holding ∂y/∂x where row ∂y meets
  column ∂x (wide tables are split into blocks of columns). Each row is
  computed by a reverse sweep of its own, so it is exactly what `output y`
  alone prints. `output` is a keyword only at the start of a statement and
  before a name: `output = 2` binds a name. Rebinding a name to an
  expression (c = c + 1) reads its previous value.

  Expressions: numbers (2, 0.05, 1e-3), names, + - * /, unary -, ^ (right
  associative, binding tighter than unary minus: -x^2 is -(x^2), 2^3^2 is
  512), parentheses, and these functions, whose names and derivatives are
  the engine's own:
{FUNCTIONS}
  They nest at most 256 levels deep: each `(`, each call, each
  unary minus and each `^` opens one level until its operand ends, so
  ((x)), exp(exp(x)), --x and x^2^2 are each two levels.

FORWARD MODE (--forward NAME=SPEED,...)
  One forward sweep gives every node's tangent: how fast it changes while
  each input named moves at its speed and the other inputs stay still
  (x=1 alone gives every node's derivative with respect to x). The
  outputs' tangents are the Jacobian times the direction. Only inputs can
  be named, each once, with a finite speed. The output gains a section
  `tangents along x = 1, y = 0.5:` with a line `dname/dt = T` for each
  name that gets a gradient (the node it is bound to at the end of the
  program; an output's name, the output) and for an unnamed output;
  --trace gains a tangent column, and --json the fields below.

EXAMPLES
  grad 'x = 3; y = x^2 + 2*x'
  grad --trace 'w = 0.4; b = 0.6; const x = 0.59; out = sigmoid(w*x + b)'
  echo 'a = 2; b = 3; pow(a, b)' | grad --json
  grad -f network.txt --dot graph.dot
  grad 'r = 2; theta = 0.3; x = r*cos(theta); y = r*sin(theta); output x, y'
  grad --forward theta=1 \
      'r = 2; theta = 0.3; x = r*cos(theta); y = r*sin(theta); output x, y'
  { cat examples/programs/blog.grad; echo 'output E_o1, E_o2'; } | grad
      (the blog network's two errors against its eight weights)

JSON OUTPUT (--json)
  {"value": V, "gradients": {"x": G, ...}, "nodes": [NODE, ...]}, each NODE
  {"id", "name", "op", "parents", "value", "grad"}: "parents" are node ids
  in operand order; an op with a number operand also has "scalar" and
  "scalar_side" ("left" or "right"): x*10 is {"op": "mul", "parents": [0],
  "scalar": 10, "scalar_side": "right"}. Numbers are exact: each reads back
  as the same 64-bit float. JSON has no NaN or infinity, so those are the
  strings "NaN", "inf" and "-inf"; null is only an unnamed node's "name" and
  the "grad" of a node that gets none (a constant), and below its "grads"
  and "tangent".
  With several outputs (output y, z) the document is {"outputs": ["y", "z"],
  "inputs": ["x", ...], "values": {"y": V, "z": V}, "jacobian": {"y": {"x":
  J, ...}, "z": {...}}, "nodes": [NODE, ...]}, where "jacobian"["y"]["x"]
  is ∂y/∂x, and each NODE has "grads": {"y": G, "z": G}, the gradient of
  each output with respect to it (null for a node that gets none), in
  place of "grad".
  --forward adds "direction": {"x": SPEED, ...} (every input; 0 for those
  not named), the outputs' tangents ("tangent": T beside "value", or
  "tangents": {"y": T, "z": T} beside "values") and each NODE's "tangent"
  (null for a node that gets no gradient).

EXPLAIN (--explain)
  After the usual output, a blank line and, for each output y, every
  derivative of its reverse sweep as the chain rule made it, from the
  output down, each step after the steps whose numbers it uses:
    ∂y/∂x = ∂y/∂c · ∂c/∂x + ... = (each ∂y/∂c × ∂c/∂x) = ∂y/∂x's value
  summed over the nodes c that read x (a sum over paths: one line for
  each, the products, their sum, the total), then each local derivative
  ∂c/∂x with its formula, written with names and with their values:
    ∂out/∂net = out (1 - out) = 0.593269992 (1 - 0.593269992) = 0.241300709
  Every name, every input and every node read by more than one node is
  explained; an unnamed node read by one node is written into that node's
  formula (w*x + b: ∂net/∂w = x). Numbers have 9 significant digits and
  are the sweep's own: its adjoints and local derivatives.

AT MANY POINTS (--at NAME=VALUE,...)
  grad --at x=0,0.5,1 'x = 0; y = sin(x)*x' prints `y at 3 points`, then a
  table with a row per point: every input's value, the output's value and
  its gradient with respect to every input. The program is recorded once at
  its own values, compiled (autograd's Program: unused nodes dropped,
  constants folded, sums of products and scalar steps fused) and replayed
  at each point, which gives the same numbers, to the bit, as running grad
  at that point. With --json: {"output": "y", "inputs": ["x"], "points":
  [{"at": {"x": 0}, "value": V, "gradients": {"x": G}}, ...]}.

WARNINGS AND EXIT STATUS
  0 on success; 2 on bad input (the message shows the line, the column and
  the spot; for --forward, the column in its text). inf and NaN values are
  not errors: they are reported as warnings naming the node, or the
  arithmetic on numbers (1/0, 0/0), that produced them, as are gradients
  and tangents that are not finite. --detect-anomaly makes the first value
  or gradient that is not finite an error instead (exit status 1; tangents
  stay warnings). A number too small for a 64-bit float (1e-400) reads as
  0, with a warning."#;

/// The text of `grad --help` after the options: [`LANGUAGE`] with the
/// functions the engine can call by name, wrapped at 76 columns.
fn language() -> String {
    let mut lines = Vec::new();
    let mut line = String::from("   ");
    for signature in autograd::Primitive::all().map(autograd::Primitive::signature) {
        if line.len() + signature.len() + 2 > 78 {
            lines.push(line);
            line = String::from("   ");
        }
        line.push(' ');
        line.push_str(&signature);
    }
    lines.push(line);
    LANGUAGE.replace("{FUNCTIONS}", &lines.join("\n"))
}

/// Differentiates a program given as text: prints its value and the
/// gradient of the output with respect to every input, or the values and
/// the Jacobian of several outputs.
#[derive(Parser, Debug)]
#[command(name = "grad", version, about, after_long_help = language())]
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
    /// Print the whole tape: every node's id, name, op, parents, value and
    /// gradient (a column per output: `grad y`), and tangent with --forward.
    #[arg(long)]
    trace: bool,
    /// Print one JSON object: the values, the gradients or the Jacobian,
    /// and every node (see JSON OUTPUT below).
    #[arg(long, conflicts_with = "trace")]
    json: bool,
    /// Also print every derivative of each output's reverse sweep as the
    /// chain rule made it: each node's gradient as the sum, over the nodes
    /// that read it, of their gradient times the local derivative, each
    /// local derivative with its formula and numbers (see EXPLAIN below).
    #[arg(long, conflicts_with = "json")]
    explain: bool,
    /// Also print every node's tangent along a direction in the inputs, by
    /// one forward sweep: each input named moves at its speed, the others
    /// stay still (e.g. --forward x=1,y=0.5; see FORWARD MODE below).
    #[arg(long, value_name = "NAME=SPEED,...")]
    forward: Option<String>,
    /// Evaluate and differentiate the program at many points: input NAME
    /// takes each VALUE in turn (give --at once per input that changes,
    /// each with as many values; the other inputs keep theirs). The
    /// program is recorded once, compiled, and replayed at each point; one
    /// output only. Prints a row per point (see AT MANY POINTS below).
    #[arg(
        long,
        value_name = "NAME=VALUE,...",
        conflicts_with_all = ["trace", "forward", "dot", "html", "detect_anomaly", "explain"]
    )]
    at: Vec<String>,
    /// Also write the graph as Graphviz DOT to FILE (of a program with one
    /// output).
    #[arg(long, value_name = "FILE")]
    dot: Option<PathBuf>,
    /// Also write a web page to FILE that steps through the forward pass
    /// and then the backward pass node by node, with every node's value,
    /// gradient and chain rule: one self-contained HTML file (of a program
    /// with one output).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Stop at the first value or gradient that is NaN or infinite, with an
    /// error pointing at it (exit status 1), instead of warning.
    #[arg(long)]
    detect_anomaly: bool,
}

/// Runs `grad` with `args` (the first is the program name): reads the
/// program, prints to `stdout`, reports problems to `stderr` (in colour when
/// `colour`), and returns the exit status: 0 on success, 1 for an anomaly
/// under `--detect-anomaly`, 2 on bad input. The work runs on a thread of
/// its own, with a stack large enough for any nesting the language allows.
pub fn run<I, T>(
    args: I,
    stdin: &mut dyn Read,
    stdout: &mut (dyn Write + Send),
    stderr: &mut (dyn Write + Send),
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
        // A byte-order mark (which Windows editors write) is not part of
        // the program: skipped, so that columns count from the first
        // character a reader sees.
        Ok((name, source)) => match source.strip_prefix('\u{feff}') {
            Some(rest) => (name, rest.to_owned()),
            None => (name, source),
        },
        Err(message) => {
            let _ = writeln!(stderr, "grad: {message}");
            return 2;
        }
    };
    // Expressions nest by recursion; a thread with a stack of its own
    // makes the nesting limit independent of the caller's stack.
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("grad".to_owned())
            .stack_size(STACK)
            .spawn_scoped(scope, || {
                differentiate::differentiate(&cli, &name, &source, stdout, stderr, colour)
            });
        match worker {
            Ok(worker) => worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(e) => {
                eprintln!("grad: cannot start a thread: {e}");
                2
            }
        }
    })
}

/// The stack of the thread that does the work: room for [`MAX_DEPTH`]
/// levels of nesting in a debug build, with a wide margin. Only the pages
/// used are ever touched.
const STACK: usize = 64 << 20;

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
