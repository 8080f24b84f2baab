//! `worked-example check FILE`: a learner's own numbers for the walkthrough
//! (`SYMBOL = VALUE`, one a line), each compared with the engine's at the
//! precision the learner wrote it, the first that disagrees in the order
//! the walkthrough computes them, and a diagnosis: the known mistake whose
//! walkthrough, worked in full, reproduces every number.
//!
//! The modules, one job each ([`crate::network`], outside, names the
//! quantities): [`symbol`] reads and orders the symbols, [`number`] reads numbers and decides
//! agreement, [`parse`] reads the file, [`engine`] gives the correct
//! numbers, [`by_hand`] works a walkthrough with a mistake, [`walkthrough`]
//! picks between the two, [`diagnose`] finds the mistake, [`explain`] says
//! what it is, and [`report`] prints.

mod by_hand;
mod diagnose;
pub(crate) mod engine;
mod explain;
mod number;
mod parse;
mod report;
pub(crate) mod symbol;
mod walkthrough;

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use symbol::Symbol;

/// The help after `worked-example check --help`'s options.
pub(crate) const HELP: &str = "\
THE FILE
  One number a line, SYMBOL = VALUE; `#` starts a comment; blank lines are
  skipped. Write as many or as few numbers as you have. Symbols:
    net_h1, out_h1, out_o1, E_o1, E_total, w5, i1, ...   a node's value
    dE_total/dw5, dout_o1/dnet_o1, dE_o2/dout_h1         dA/dB: the derivative
        of node A with respect to node B (0 when A does not depend on B)
    delta_o1, delta_h1         δ = ∂E_total/∂net, as the blog defines it
    w5+, b1+                   a weight or bias after one update
    E_total@N, out_o1@N        a node's value after N updates (N ≤ 10000)
  Values are decimals (0.593269992, -0.019, 3.5e-5).

ANOTHER NETWORK
  Numbers for another network than the blog's are checked with the options
  that printed its walkthrough: `worked-example --network 2-3-2 --seed 1`
  walks through it, `worked-example check --network 2-3-2 --seed 1 FILE`
  checks your numbers for it, with the symbols its walkthrough shows.

AGREEMENT
  A number agrees when the engine's value is within half a unit of its last
  digit, plus a tenth of a unit for a number rounded twice: 0.0363503 agrees
  with anything within 0.55e-7 of it, 3.5e-5 within 0.55e-6. A whole number
  without a point (1, 0) is exact.

DIAGNOSES (the ids of --json)
  sign_flip, missing_half, sigmoid_derivative_of_net, updated_output_weights,
  single_path, biases_updated, rounded_intermediates, learning_rate,
  swapped_targets; none when every number agrees; unknown when no single
  known mistake reproduces your numbers.

JSON OUTPUT (--json)
  {\"lines\": [{\"symbol\", \"yours\", \"engine\", \"agrees\"}, ...],
   \"first_divergence\": SYMBOL or null, \"diagnosis\": {\"id\", \"explanation\"}}

EXIT STATUS
  0 when every number agrees, 1 when one does not, 2 for a file that does
  not read (the message shows the line, the column and the spot).";

/// The arguments of `worked-example check`.
#[derive(clap::Args, Debug)]
#[command(after_long_help = HELP)]
pub(crate) struct CheckArgs {
    /// Your numbers: a file of `SYMBOL = VALUE` lines (`-` for standard
    /// input).
    file: PathBuf,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
    /// The language of the report and the diagnosis: en, or zh (the
    /// terms of the blog's Chinese translation).
    #[arg(long, value_enum, default_value = "en")]
    lang: crate::lang::Lang,
    /// The network the numbers are for: the blog's, or the one
    /// `--network` and the options beside it describe, as the walkthrough
    /// given the same options prints it.
    #[command(flatten)]
    network: crate::options::NetworkArgs,
}

/// Runs the check; the exit status is 0 when every number agrees, 1 when
/// one does not, 2 when the file cannot be read or does not parse.
pub(crate) fn run(args: &CheckArgs) -> ExitCode {
    let (name, source) = match read(args) {
        Ok(read) => read,
        Err(message) => {
            eprintln!("worked-example check: {message}");
            return ExitCode::from(2);
        }
    };
    // A byte-order mark (which Windows editors write) is not part of the
    // text: skipped, so that columns count from the first character.
    let source = source.strip_prefix('\u{feff}').unwrap_or(&source);
    let network = match args.network.build() {
        Ok((network, _)) => network,
        Err(e) => {
            e.print("worked-example check");
            return ExitCode::from(2);
        }
    };
    let entries = match parse::parse(source, &network) {
        Ok(entries) => entries,
        Err(e) => {
            let colour = io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let report =
                grad_cli::error_report(&name, source, e.span, &e.message, Some(&e.help), colour);
            eprint!("{report}");
            return ExitCode::from(2);
        }
    };
    let symbols: Vec<Symbol> = entries.iter().map(|e| e.symbol).collect();
    let engine = engine::values(&network, &symbols);
    let agrees: Vec<bool> = entries
        .iter()
        .zip(&engine)
        .map(|(e, &v)| e.written.agrees(v))
        .collect();
    let first = diagnose::first_divergence(&network, &entries, &agrees);
    let diagnosis = diagnose::diagnose(&network, &entries, &agrees);
    let t = args.lang.texts();
    let explanation = explain::explain(&network, &diagnosis, &entries, first, t);
    let outcome = report::Outcome {
        entries: &entries,
        engine,
        agrees,
        first,
        diagnosis,
        explanation,
    };
    let colour =
        io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let text = if args.json {
        report::json(&network, &outcome)
    } else {
        report::text(
            &network,
            &name,
            &outcome,
            t,
            &crate::render::Style::new(colour),
        )
    };
    let mut stdout = io::stdout().lock();
    let printed = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    let verdict = if outcome.first.is_some() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    };
    pictures::text::exit_status("worked-example", printed, verdict)
}

/// The file's name for messages, and its text.
fn read(args: &CheckArgs) -> Result<(String, String), String> {
    let (name, bytes) = if args.file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        ("<stdin>".to_owned(), bytes)
    } else {
        let bytes = std::fs::read(&args.file)
            .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
        (args.file.display().to_string(), bytes)
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{name} is not UTF-8 text (the first bad byte is at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok((name, text))
}
