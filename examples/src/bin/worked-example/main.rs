//! The worked example: Matt Mazur's "A Step by Step Backpropagation Example"
//! reproduced figure by figure from the engine's node values and per-node
//! gradients.
//!
//! Exit status 1 if any figure disagrees with the blog, so CI catches a
//! regression.
//!
//! `worked-example check FILE` checks a learner's own numbers instead (see
//! [`check`]).

mod check;
mod figures;
mod page;
mod render;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

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
    /// The learning rate η.
    #[arg(long, default_value_t = nn::blog::LEARNING_RATE, value_parser = finite)]
    learning_rate: f64,
    /// Print only the verdict line.
    #[arg(long, conflicts_with_all = ["json", "trace"])]
    quiet: bool,
    /// Also print the network's whole tape after the first backward pass:
    /// every node's value and its gradient dE_total/d(node).
    #[arg(long, conflicts_with = "json")]
    trace: bool,
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
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    /// Write a web page to FILE that steps through the first forward and
    /// backward pass node by node (every node's value, gradient and chain
    /// rule) and shows the training: one self-contained HTML file.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Stop at the first node whose value or gradient becomes NaN or
    /// infinite (in any pass, training included), naming it (exit status 1).
    #[arg(long)]
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

fn finite(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(x) => Err(format!("the learning rate must be finite, got {x}")),
        Err(e) => Err(format!("not a number: {e}")),
    }
}

/// Writes the files `--dot`, `--svg`, `--plot` and `--html` ask for.
fn write_pictures(
    cli: &Cli,
    settings: Settings,
    computed: &figures::Computed,
) -> Result<(), String> {
    let write = |path: &PathBuf, text: &str| {
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    if let Some(path) = &cli.dot {
        write(path, &computed.dot)?;
    }
    if let Some(path) = &cli.svg {
        let (svg, renderer) = pictures::svg_from_dot(&computed.dot).map_err(|e| e.to_string())?;
        write(path, &svg)?;
        if renderer == pictures::Renderer::BuiltIn {
            eprintln!("worked-example: drew {} with {renderer}", path.display());
        }
    }
    if let Some(path) = &cli.plot {
        let [sequential, simultaneous] = computed
            .curves
            .as_ref()
            .expect("internal error: --plot keeps the training curves");
        pictures::training_plot(
            path,
            &format!(
                "The worked example: E_total while training (η = {})",
                autograd::Shortest(cli.learning_rate)
            ),
            pictures::Series {
                label: "true gradient descent",
                colour: plotters::style::RGBColor(0, 90, 181),
                curve: simultaneous,
            },
            pictures::Series {
                label: "sequential order",
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Check(args)) = &cli.command {
        return check::run(args);
    }
    let settings = Settings {
        iterations: cli.iterations,
        learning_rate: cli.learning_rate,
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

    let colour =
        io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let style = render::Style::new(colour);
    let text = if cli.json {
        render::json(figures)
    } else if cli.quiet {
        render::verdict(figures, &style)
    } else {
        let mut text = render::report(figures, settings, &style);
        if cli.trace {
            text.push_str(&render::trace(&computed.trace, &style));
        }
        text
    };
    let mut stdout = io::stdout().lock();
    let printed = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    // A reader that went away (`| head`) ends the printing, not the
    // verdict: the exit status still says whether every figure agrees.
    let verdict = if disagreeing > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    };
    pictures::text::exit_status("worked-example", printed, verdict)
}
