//! micrograd's classic demo with this project's crates: a 2-16-16-1 MLP
//! learns to separate two interleaved half-moons, with a hinge loss (or,
//! with `--loss cross-entropy`, binary cross-entropy over its output as a
//! logit) and L2 regularisation, and draws its decision boundary.
//!
//! `cargo run --release --bin moons -- --svg moons.svg`

use std::f64::consts::PI;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use autograd::{Gradients, Shortest, Tape, Var};
use clap::{Parser, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use nn::{Activation, Adam, BoundMlp, LayerSpec, Loss, Mlp, Optimizer, Sgd};

/// Trains a 2-16-16-1 MLP on 100 two-moons points (hinge or cross-entropy
/// loss, L2 regularisation; SGD, momentum or Adam) and reports its training
/// accuracy.
#[derive(Parser, Debug)]
#[command(long_about = None)]
struct Cli {
    /// Training steps.
    #[arg(long, default_value_t = 100)]
    steps: usize,
    /// The data loss, averaged over the points.
    #[arg(long, value_enum, default_value_t = DataLoss::Hinge)]
    loss: DataLoss,
    /// The update rule. Each has its own first learning rate, which decays
    /// linearly to a tenth of itself over the steps.
    #[arg(long, value_enum, default_value_t = Rule::Sgd)]
    optimizer: Rule,
    /// Seed for the data's noise and the initial weights.
    #[arg(long, default_value_t = 1337)]
    seed: u64,
    /// Draw the decision boundary and the points as an SVG picture to FILE.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Start from the model in FILE (written by --save) instead of fresh
    /// weights: a 2-16-16-1 MLP with relu hidden layers. With --steps 0,
    /// only evaluate it.
    #[arg(long, value_name = "FILE")]
    load: Option<PathBuf>,
    /// Save the trained model to FILE as JSON (nn's model file: the
    /// architecture and every parameter by name, bit for bit).
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
}

/// What the model's score is trained against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum DataLoss {
    /// max(0, 1 - y·score) with labels y = ±1, as micrograd's demo.
    Hinge,
    /// Binary cross-entropy with the score as a logit and labels 0 and 1
    /// (nn's Loss::BinaryCrossEntropyWithLogits), at twice the hinge's
    /// learning rate.
    CrossEntropy,
}

impl DataLoss {
    /// The learning rate of the first step. At the decision boundary the
    /// cross-entropy's gradient, σ(0) - t = ±½, is half the hinge's, so it
    /// takes twice the step to learn at the same pace.
    fn first_rate(self) -> f64 {
        match self {
            DataLoss::Hinge => 1.0,
            DataLoss::CrossEntropy => 2.0,
        }
    }
}

/// The optimiser `--optimizer` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Rule {
    /// Plain gradient descent, as micrograd's demo.
    Sgd,
    /// SGD with momentum 0.9, at a tenth of plain SGD's learning rate (its
    /// steps build up to ten times the gradient).
    Momentum,
    /// SGD with Nesterov momentum 0.9, at a tenth of plain SGD's learning
    /// rate.
    Nesterov,
    /// Adam with PyTorch's defaults, at a learning rate of 0.05.
    Adam,
}

impl Rule {
    /// The optimiser, at the first step's learning rate for `loss`.
    fn make(self, loss: DataLoss) -> Box<dyn Optimizer> {
        let sgd_rate = loss.first_rate();
        match self {
            Rule::Sgd => Box::new(Sgd::new(sgd_rate)),
            Rule::Momentum => Box::new(Sgd::new(sgd_rate / 10.0).with_momentum(0.9)),
            Rule::Nesterov => {
                Box::new(Sgd::new(sgd_rate / 10.0).with_momentum(0.9).with_nesterov())
            }
            Rule::Adam => Box::new(Adam::new(0.05)),
        }
    }
}

/// L2 regularisation strength, as in micrograd's demo.
const ALPHA: f64 = 1e-4;

/// xorshift64*: small, deterministic noise for the data set.
struct Noise(u64);

impl Noise {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let bits = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        (bits as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// A standard normal sample (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * PI * v).cos()
    }
}

/// Two interleaved half-moons, 50 points each, with Gaussian noise of
/// standard deviation 0.1 (as scikit-learn's `make_moons`): the upper moon
/// is class -1, the lower class +1.
fn moons(seed: u64) -> Vec<pictures::Point> {
    let mut noise = Noise(seed | 1);
    let half = 50;
    let mut points = Vec::with_capacity(2 * half);
    for k in 0..half {
        let t = PI * k as f64 / (half - 1) as f64;
        points.push((t.cos(), t.sin(), -1.0));
        points.push((1.0 - t.cos(), 0.5 - t.sin(), 1.0));
    }
    for p in &mut points {
        p.0 += 0.1 * noise.normal();
        p.1 += 0.1 * noise.normal();
    }
    points
}

/// The model's raw score for one point.
fn score<'t>(mlp: &BoundMlp<'t>, x: f64, y: f64) -> Var<'t> {
    mlp.forward(&mlp.inputs(&[x, y])).outputs()[0]
}

/// The mean data loss plus L2 regularisation, and how many points the
/// model classifies correctly (a positive score is class +1, whichever the
/// loss).
fn loss<'t>(
    tape: &'t Tape,
    mlp: &BoundMlp<'t>,
    points: &[pictures::Point],
    data: DataLoss,
) -> (Var<'t>, usize) {
    let scores: Vec<Var<'t>> = points.iter().map(|&(x, y, _)| score(mlp, x, y)).collect();
    let data_loss = match data {
        DataLoss::Hinge => {
            // hinge: max(0, 1 - y·score)
            let hinge = tape.sum(
                scores
                    .iter()
                    .zip(points)
                    .map(|(&s, p)| (1.0 - p.2 * s).relu()),
            );
            hinge / points.len() as f64
        }
        DataLoss::CrossEntropy => {
            // Each score is the logit of class +1; the loss is the mean
            // over the points, labels -1 and +1 mapped to 0 and 1.
            let labels: Vec<f64> = points
                .iter()
                .map(|p| if p.2 > 0.0 { 1.0 } else { 0.0 })
                .collect();
            Loss::BinaryCrossEntropyWithLogits.apply(&scores, &labels)
        }
    };
    let l2 = ALPHA * tape.sum(mlp.parameters().iter().map(|&p| p * p));
    let correct = scores
        .iter()
        .zip(points)
        .filter(|(s, p)| (s.value() > 0.0) == (p.2 > 0.0))
        .count();
    (data_loss + l2, correct)
}

/// `correct` of `points` as a percentage.
fn percent(correct: usize, points: usize) -> Shortest {
    Shortest(100.0 * correct as f64 / points as f64)
}

/// The result line: the loss and the training accuracy of the trained
/// model.
fn summary(steps: usize, loss: f64, correct: usize, points: usize) -> String {
    format!(
        "after {}: loss {}, training accuracy {}% ({correct} of {points} points)",
        pictures::text::counted(steps, "step"),
        Shortest(loss),
        percent(correct, points),
    )
}

/// The picture's title; the loss is named when it is not the default.
fn title(steps: usize, data: DataLoss) -> String {
    let steps = pictures::text::counted(steps, "step");
    match data {
        DataLoss::Hinge => format!("Two moons: a 2-16-16-1 MLP after {steps}"),
        DataLoss::CrossEntropy => {
            format!("Two moons: a 2-16-16-1 MLP after {steps} of cross-entropy")
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let points = moons(cli.seed);
    let tape = Tape::new();
    let mut model = Mlp::new(
        2,
        &[
            LayerSpec::new(16, Activation::Relu),
            LayerSpec::new(16, Activation::Relu),
            LayerSpec::new(1, Activation::Identity),
        ],
        cli.seed,
    );
    if let Some(path) = &cli.load
        && let Err(e) = model.load_parameters(path)
    {
        eprintln!("moons: {e}");
        return ExitCode::from(2);
    }
    let mlp = model.bind(&tape);
    let trainable: Vec<bool> = model.trainable().collect();
    let mark = tape.mark();
    let mut grads = Gradients::new();
    let mut gradient = Vec::new();
    let mut optimizer = cli.optimizer.make(cli.loss);
    let first_rate = optimizer.learning_rate();
    let bar = ProgressBar::new(cli.steps as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} steps  {msg}")
            .expect("a valid template"),
    );
    for step in 0..cli.steps {
        let (total, correct) = loss(&tape, &mlp, &points, cli.loss);
        total.backward_into(&mut grads);
        mlp.gradients_into(&grads, &mut gradient);
        let before = total.value();
        tape.rewind(mark);
        // The learning rate decays to a tenth of the first, as in
        // micrograd's demo (from 1.0 to 0.1 with SGD and the hinge loss).
        optimizer.set_learning_rate(first_rate * (1.0 - 0.9 * step as f64 / cli.steps as f64));
        optimizer.step(model.parameters_mut(), &gradient, &trainable);
        mlp.load(&model);
        bar.set_message(format!(
            "loss {}  accuracy {}%",
            Shortest(before),
            percent(correct, points.len())
        ));
        bar.inc(1);
    }
    bar.finish_and_clear();
    // The trained model's loss and accuracy: after 0 steps, the untrained
    // model's.
    let (total, correct) = loss(&tape, &mlp, &points, cli.loss);
    let final_loss = total.value();
    tape.rewind(mark);
    // A reader that went away (`| head`) does not stop the picture.
    let printed = writeln!(
        io::stdout(),
        "{}",
        summary(cli.steps, final_loss, correct, points.len())
    );
    if let Some(path) = &cli.save
        && let Err(e) = model.save(path)
    {
        eprintln!("moons: cannot save the model: {e}");
        return ExitCode::from(2);
    }
    if let Some(path) = &cli.svg {
        let drawn =
            pictures::decision_boundary(path, &title(cli.steps, cli.loss), &points, |x, y| {
                let s = score(&mlp, x, y).value();
                tape.rewind(mark);
                s
            });
        match drawn {
            Ok(()) => {}
            Err(e @ pictures::PictureError::Write { .. }) => {
                eprintln!("moons: {e}");
                return ExitCode::from(2);
            }
            Err(e) => {
                eprintln!("moons: cannot draw {}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
    }
    pictures::text::exit_status("moons", printed, ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::summary;

    #[test]
    fn the_summary_prints_numbers_in_shortest_form() {
        assert_eq!(
            summary(100, 1.2345e300, 98, 100),
            "after 100 steps: loss 1.2345e300, training accuracy 98% (98 of 100 points)"
        );
        assert_eq!(
            summary(1, 0.012345678901234, 1, 3),
            "after 1 step: loss 0.012345678901234, training accuracy 33.333333333333336% (1 of 3 points)"
        );
    }
}
