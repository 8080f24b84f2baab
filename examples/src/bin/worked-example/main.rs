//! The worked example: Matt Mazur's "A Step by Step Backpropagation Example"
//! reproduced figure by figure from the engine's node values and per-node
//! gradients.
//!
//! Exit status 1 if any figure disagrees with the blog, so CI catches a
//! regression.
//!
//! `--network 2-3-2` (and the options beside it, [`options`]) walks
//! through any small network instead ([`general`]); `--explain` spells out
//! every derivative as the chain rule made it; `worked-example check FILE`
//! checks a learner's own numbers (see [`check`]).

mod check;
mod figures;
mod general;
mod general_report;
mod lang;
mod loss;
mod network;
mod options;
mod page;
mod render;
mod weights;
mod width;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use autograd::explain::Precision;
use figures::{Agreement, Settings};

/// Reproduces "A Step by Step Backpropagation Example" (Matt Mazur), every
/// printed figure, from the autograd engine's node values and gradients.
#[derive(Parser, Debug)]
#[command(version, about, long_about = None, args_conflicts_with_subcommands = true)]
struct Cli {
    /// Without a command, the walk through the blog.
    #[command(subcommand)]
    command: Option<Command>,
    /// Gradient-descent steps for the training figures (rows 30-32), from
    /// 1 to 100000000.
    #[arg(long, default_value_t = nn::blog::TRAINING_STEPS, value_parser = iterations)]
    iterations: usize,
    /// The network: the blog's, or another (`--network` and the options
    /// beside it).
    #[command(flatten)]
    network: options::NetworkArgs,
    /// The language of everything printed: en, or zh (the terms of the
    /// blog's Chinese translation).
    #[arg(long, value_enum, default_value = "en")]
    lang: lang::Lang,
    /// Print only the verdict line.
    #[arg(long, conflicts_with_all = ["json", "trace", "explain", "network"])]
    quiet: bool,
    /// Also print the network's whole tape after the first backward pass:
    /// every node's value and its gradient dE_total/d(node).
    #[arg(long, conflicts_with = "json")]
    trace: bool,
    /// Also print every derivative of the first backward pass as the chain
    /// rule made it: each node's gradient as the sum, over the nodes that
    /// read it, of their gradient times the local derivative, with each
    /// local derivative's formula and numbers.
    #[arg(long, conflicts_with = "json")]
    explain: bool,
    /// Print the figures as one JSON object instead of tables.
    #[arg(long)]
    json: bool,
    /// Write the network's graph after the first backward pass (every node's
    /// value and dE_total/d(node)) as Graphviz DOT to FILE.
    #[arg(long, value_name = "FILE")]
    dot: Option<PathBuf>,
    /// Write the same graph as an SVG picture to FILE (drawn by Graphviz's
    /// `dot` when installed, else by a built-in layout).
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Plot E_total against the iteration for both update orders, log scale,
    /// as an SVG picture to FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "network")]
    plot: Option<PathBuf>,
    /// Write a web page to FILE that steps through the first forward and
    /// backward pass node by node (every node's value, gradient and chain
    /// rule) and shows the training: one self-contained HTML file.
    #[arg(long, value_name = "FILE", conflicts_with = "network")]
    html: Option<PathBuf>,
    /// Stop at the first node whose value or gradient becomes NaN or
    /// infinite (in any pass, training included), naming it (exit status 1).
    #[arg(long, conflicts_with = "network")]
    detect_anomaly: bool,
}

/// What else the worked example does.
#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Check your own numbers for the walkthrough: each against the
    /// engine's, the first that disagrees, and the known mistake that
    /// explains them.
    Check(check::CheckArgs),
}

/// The most updates `--iterations` accepts: several minutes of training
/// in a release build, long after E_total has stopped changing visibly.
const MAX_ITERATIONS: usize = 100_000_000;

fn iterations(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("at least 1 update is needed".to_owned()),
        Ok(n) if n <= MAX_ITERATIONS => Ok(n),
        Ok(_) => Err(format!(
            "at most {MAX_ITERATIONS} updates are allowed \
             (several minutes of training in a release build)"
        )),
        Err(e) => Err(format!("not a whole number of updates: {e}")),
    }
}

/// Writes `text` to `path`.
fn write(path: &PathBuf, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes the graph `dot` to the files `--dot` and `--svg` ask for.
fn write_graph(cli: &Cli, dot: &str) -> Result<(), String> {
    if let Some(path) = &cli.dot {
        write(path, dot)?;
    }
    if let Some(path) = &cli.svg {
        let (svg, renderer) = pictures::svg_from_dot(dot).map_err(|e| e.to_string())?;
        write(path, &svg)?;
        if renderer == pictures::Renderer::BuiltIn {
            eprintln!("worked-example: drew {} with {renderer}", path.display());
        }
    }
    Ok(())
}

/// Writes the files `--dot`, `--svg`, `--plot` and `--html` ask for.
fn write_pictures(
    cli: &Cli,
    settings: Settings,
    computed: &figures::Computed,
) -> Result<(), String> {
    let t = cli.lang.texts();
    write_graph(cli, &computed.dot)?;
    if let Some(path) = &cli.plot {
        let [sequential, simultaneous] = computed
            .curves
            .as_ref()
            .expect("internal error: --plot keeps the training curves");
        pictures::training_plot(
            path,
            &lang::fill(
                t.plot_title,
                &[("rate", &autograd::Shortest(cli.network.learning_rate))],
            ),
            pictures::Series {
                label: t.column_true_gradient_descent,
                colour: plotters::style::RGBColor(0, 90, 181),
                curve: simultaneous,
            },
            pictures::Series {
                label: t.column_sequential,
                colour: plotters::style::RGBColor(220, 50, 32),
                curve: sequential,
            },
        )
        .map_err(|e| match e {
            pictures::PictureError::Write { .. } => e.to_string(),
            e => format!("cannot plot {}: {e}", path.display()),
        })?;
    }
    if let Some(path) = &cli.html {
        page::write(path, settings)?;
    }
    Ok(())
}

/// Whether standard output takes colour.
fn colour() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Prints `text`; the exit status is `verdict`, or 2 if printing failed.
fn print(text: &str, verdict: ExitCode) -> ExitCode {
    let mut stdout = io::stdout().lock();
    let printed = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    // A reader that went away (`| head`) ends the printing, not the
    // verdict.
    pictures::text::exit_status("worked-example", printed, verdict)
}

/// The walkthrough of the network `--network` asks for.
fn any_network(cli: &Cli) -> ExitCode {
    let (network, origin) = match cli.network.build() {
        Ok(built) => built,
        Err(e) => {
            e.print("worked-example");
            return ExitCode::from(2);
        }
    };
    let t = cli.lang.texts();
    let walk = general::walk(&network, cli.iterations);
    let tape = autograd::Tape::new();
    let pass = network.record(&network.model.bind(&tape));
    let total = *pass.last().expect("internal error: a pass ends at E_total");
    if let Err(message) = write_graph(
        cli,
        &total.dot().with_gradients(&total.backward()).to_string(),
    ) {
        eprintln!("worked-example: {message}");
        return ExitCode::from(2);
    }
    let style = render::Style::new(colour());
    let text = if cli.json {
        general_report::json(&network, &walk)
    } else {
        let mut text = general_report::text(&network, &origin, cli.iterations, &walk, t, &style);
        if cli.trace {
            let trace = total.trace().with_gradients(&total.backward()).to_string();
            text.push_str(&render::trace(&trace, t, &style));
        }
        if cli.explain {
            let explanation = total.explain().with_precision(Precision::Decimals(9));
            text.push_str(&render::explanation(&explanation, t, &style));
        }
        text
    };
    print(&text, ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Check(args)) = &cli.command {
        return check::run(args);
    }
    if cli.network.other_network() {
        return any_network(&cli);
    }
    let settings = Settings {
        iterations: cli.iterations,
        learning_rate: cli.network.learning_rate,
        detect_anomaly: cli.detect_anomaly,
        curves: cli.plot.is_some(),
    };
    let computed = if cli.detect_anomaly {
        // An anomaly panics at the spot with a message naming the node;
        // report that message alone and exit 1.
        std::panic::set_hook(Box::new(|info| {
            let message = info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| info.to_string());
            eprintln!("worked-example: {message}");
        }));
        match std::panic::catch_unwind(|| figures::compute(settings)) {
            Ok(computed) => computed,
            Err(_) => return ExitCode::FAILURE,
        }
    } else {
        figures::compute(settings)
    };
    let figures = &computed.figures;
    if let Err(message) = write_pictures(&cli, settings, &computed) {
        eprintln!("worked-example: {message}");
        return ExitCode::from(2);
    }
    let disagreeing = figures
        .iter()
        .filter(|f| f.agreement() == Agreement::Disagrees)
        .count();

    let style = render::Style::new(colour());
    let t = cli.lang.texts();
    let text = if cli.json {
        render::json(figures)
    } else if cli.quiet {
        render::verdict(figures, t, &style)
    } else {
        let mut text = render::report(figures, settings, t, &style);
        if cli.trace {
            text.push_str(&render::trace(&computed.trace, t, &style));
        }
        if cli.explain {
            text.push_str(&render::explanation(&computed.explanation, t, &style));
        }
        text
    };
    // The exit status says whether every figure agrees.
    let verdict = if disagreeing > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    };
    print(&text, verdict)
}
