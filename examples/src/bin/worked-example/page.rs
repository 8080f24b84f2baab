//! `--html FILE`: the blog's network as one self-contained page (see
//! `grad_cli::page`): its first forward and backward pass node by node,
//! and the training, E_total against the step in both update orders and
//! the graph's numbers at steps a slider moves through.

use std::path::Path;

use autograd::Tape;
use grad_cli::page::{Page, Snapshot, Training};
use nn::UpdateOrder;
use nn::blog;

use crate::figures::Settings;

/// Every step up to here is recorded for the slider.
const DENSE: usize = 100;
/// Past [`DENSE`], a step is recorded when it is at least this much further
/// along than the last one recorded: about 60 more up to 10,000, so the
/// page stays well under a megabyte.
const RATIO: f64 = 1.08;

const INTRO: &str = "Matt Mazur's \"A Step by Step Backpropagation Example\": a 2-2-2 \
sigmoid network, one sample (i1 = 0.05, i2 = 0.10; targets 0.01 and 0.99), one bias \
per layer, not trained. Step through the first forward pass and the backward pass \
node by node; the Training button shows the training.";

const DESCRIPTION: &str = "The graph and the weights follow true gradient descent: \
every gradient of an update is taken at the same weights. The blog's numbers after \
the first update follow the sequential order (w5..w8 updated first, and the hidden \
layer's gradients taken through the updated weights); its E_total is shown beside.";

/// The steps the slider can show: every one up to [`DENSE`], then each at
/// least [`RATIO`] times the last, and the last of `steps`.
pub(crate) fn recorded_steps(steps: usize) -> Vec<usize> {
    let mut recorded: Vec<usize> = (0..=steps.min(DENSE)).collect();
    let mut last = recorded.last().copied().unwrap_or(0);
    while last < steps {
        last = ((last as f64 * RATIO).ceil() as usize)
            .max(last + 1)
            .min(steps);
        recorded.push(last);
    }
    recorded
}

/// The page for the settings' learning rate and number of updates.
pub(crate) fn page(settings: Settings) -> Page {
    let tape = Tape::new();
    let mlp = blog::network().bind(&tape);
    let pass = blog::forward(&mlp);
    let page = Page::new(
        "The blog's network: backpropagation step by step",
        pass.total,
    )
    .expect("internal error: the blog's network fits on a page")
    .with_intro(INTRO);
    page.with_training(training(settings))
}

/// Both orders trained side by side: E_total after every update (as the
/// plot draws it), and the true gradient descent's graph at the recorded
/// steps, with the sequential order's E_total beside it.
fn training(settings: Settings) -> Training {
    let steps = settings.iterations;
    let recorded = recorded_steps(steps);
    let rate = settings.learning_rate;
    // A tape each: a trainer rewinds its tape to below what it recorded.
    let (tape, other) = (Tape::new(), Tape::new());
    let mut simultaneous = blog::trainer(&tape, blog::network(), rate, UpdateOrder::Simultaneous);
    let mut sequential = blog::trainer(&other, blog::network(), rate, UpdateOrder::Sequential);
    let mut curves = [
        pictures::Curve::new(steps + 1),
        pictures::Curve::new(steps + 1),
    ];
    let mut training = Training::new(steps).with_description(DESCRIPTION);
    let mut next = recorded.iter().peekable();
    for n in 0..=steps {
        if next.next_if_eq(&&n).is_some() {
            let blog_order = error(&other, &sequential);
            let mark = tape.mark();
            let pass = blog::forward(simultaneous.network());
            let snapshot = Snapshot::record(n, pass.total)
                .with_note("E_total, true gradient descent", pass.total.value())
                .with_note("E_total, sequential order (the blog's)", blog_order);
            training = training.with_snapshot(snapshot);
            tape.rewind(mark);
        }
        if n == steps {
            // E_total after the last update, which no step returns.
            curves[0].push(error(&tape, &simultaneous));
            curves[1].push(error(&other, &sequential));
        } else {
            curves[0].push(simultaneous.step(&blog::INPUTS, &blog::TARGETS));
            curves[1].push(sequential.step(&blog::INPUTS, &blog::TARGETS));
        }
    }
    // A curve counts from 1; the plot counts updates from 0.
    let points =
        |curve: &pictures::Curve| curve.points().iter().map(|&(i, v)| (i - 1, v)).collect();
    training
        .with_series("true gradient descent", points(&curves[0]))
        .with_series("sequential order (the blog's numbers)", points(&curves[1]))
}

/// E_total of `trainer`'s network now, recorded on its `tape` and dropped.
fn error(tape: &Tape, trainer: &nn::Trainer<'_>) -> f64 {
    let mark = tape.mark();
    let value = blog::forward(trainer.network()).total.value();
    tape.rewind(mark);
    value
}

/// Writes the page to `path`.
///
/// # Errors
///
/// The message to report when the file cannot be written.
pub(crate) fn write(path: &Path, settings: Settings) -> Result<(), String> {
    page(settings)
        .write(path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::recorded_steps;

    #[test]
    fn every_early_step_is_recorded_then_fewer_and_the_last() {
        let steps = recorded_steps(10_000);
        assert_eq!(&steps[..101], (0..=100).collect::<Vec<_>>().as_slice());
        assert_eq!(steps.last(), Some(&10_000));
        assert!(steps.len() < 170, "{}", steps.len());
        assert!(steps.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(recorded_steps(3), [0, 1, 2, 3]);
        assert_eq!(recorded_steps(1), [0, 1]);
    }
}
