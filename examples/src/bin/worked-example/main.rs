//! The worked example: Matt Mazur's "A Step by Step Backpropagation Example"
//! reproduced figure by figure from the engine's node values and per-node
//! gradients.
//!
//! Exit status 1 if any figure disagrees with the blog, so CI catches a
//! regression.

mod figures;
mod render;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use figures::{Agreement, Settings};

/// Reproduces "A Step by Step Backpropagation Example" (Matt Mazur), every
/// printed figure, from the autograd engine's node values and gradients.
#[derive(Parser, Debug)]
#[command(version, about, long_about = None)]
struct Cli {
    /// Gradient-descent steps for the training figures (rows 30-32).
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    iterations: u32,
    /// The learning rate η.
    #[arg(long, default_value_t = nn::blog::LEARNING_RATE, value_parser = finite)]
    learning_rate: f64,
    /// Print only the verdict line.
    #[arg(long, conflicts_with_all = ["json", "trace"])]
    quiet: bool,
    /// Also print the network's whole tape after the first backward pass:
    /// every node's value and its gradient dE_total/d(node).
    #[arg(long)]
    trace: bool,
    /// Print the figures as one JSON object instead of tables.
    #[arg(long)]
    json: bool,
}

fn finite(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(x) => Err(format!("the learning rate must be finite, got {x}")),
        Err(e) => Err(format!("not a number: {e}")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = Settings {
        iterations: cli.iterations as usize,
        learning_rate: cli.learning_rate,
    };
    let (figures, trace) = figures::compute(settings);
    let disagreeing = figures
        .iter()
        .filter(|f| f.agreement() == Agreement::Disagrees)
        .count();

    let colour =
        io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let style = render::Style::new(colour);
    let text = if cli.json {
        render::json(&figures)
    } else if cli.quiet {
        render::verdict(&figures, &style)
    } else {
        let mut text = render::report(&figures, settings, &style);
        if cli.trace {
            text.push_str(&render::trace(&trace, &style));
        }
        text
    };
    let mut stdout = io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    if disagreeing > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
