//! What a page shows of a training run: the loss against the step for
//! each run, and the graph's numbers recorded at chosen steps, for a
//! slider to move through.

use autograd::{Op, Var};

use super::graph::upstream;

/// The training view of a [`Page`](super::Page): one curve of the loss
/// against the number of updates per run (each a [`Training::with_series`]),
/// and the graph's numbers at chosen steps (each a [`Snapshot`]), which a
/// slider moves through, showing the snapshot nearest the step it is on
/// and saying which step that is.
///
/// # Examples
///
/// ```
/// use autograd::Tape;
/// use grad_cli::page::{Page, Snapshot, Training};
///
/// let tape = Tape::new();
/// let w = tape.var_named("w", 1.0);
/// let loss = (w * w).named("loss");
/// let page = Page::new("x²", loss).unwrap().with_training(
///     Training::new(2)
///         .with_series("gradient descent", vec![(0, 1.0), (1, 0.25), (2, 0.0625)])
///         .with_snapshot(Snapshot::record(0, loss))
///         .with_description("w after each update w - 0.25 · 2w"),
/// );
/// assert!(page.html().contains("gradient descent"));
/// ```
#[derive(Clone, Debug)]
pub struct Training {
    pub(crate) steps: usize,
    pub(crate) description: String,
    pub(crate) series: Vec<Series>,
    pub(crate) snapshots: Vec<Snapshot>,
}

/// One run's loss against the number of updates.
#[derive(Clone, Debug)]
pub(crate) struct Series {
    pub(crate) label: String,
    pub(crate) points: Vec<(usize, f64)>,
}

impl Training {
    /// A training view of a run of `steps` updates, with no curves and no
    /// snapshots yet.
    pub fn new(steps: usize) -> Self {
        Training {
            steps,
            description: String::new(),
            series: Vec::new(),
            snapshots: Vec::new(),
        }
    }

    /// Adds a curve: the loss after each of the listed numbers of updates
    /// (`(0, loss)` before the first), plotted on log scales. Points whose
    /// loss is not positive and finite cannot be drawn on a log scale and
    /// are left out.
    #[must_use]
    pub fn with_series(mut self, label: impl Into<String>, points: Vec<(usize, f64)>) -> Self {
        self.series.push(Series {
            label: label.into(),
            points,
        });
        self
    }

    /// Adds the graph's numbers after a number of updates; snapshots are
    /// kept in order of their steps.
    #[must_use]
    pub fn with_snapshot(mut self, snapshot: Snapshot) -> Self {
        let at = self.snapshots.partition_point(|s| s.step < snapshot.step);
        self.snapshots.insert(at, snapshot);
        self
    }

    /// Says what the snapshots show (which run, which update rule), under
    /// the slider. Empty unless set.
    #[must_use]
    pub fn with_description(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }
}

/// The numbers of a graph after some number of updates: every node's
/// value and gradient, recorded from a graph of the same shape as the
/// page's (the same ops and names, in the same order), and any other
/// numbers worth showing beside them ([`Snapshot::with_note`]).
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub(crate) step: usize,
    pub(crate) shape: Vec<(Op, Option<String>)>,
    pub(crate) values: Vec<f64>,
    pub(crate) grads: Vec<Option<f64>>,
    pub(crate) notes: Vec<(String, f64)>,
}

impl Snapshot {
    /// The values and gradients (one reverse sweep) of every node `output`
    /// depends on, after `step` updates.
    pub fn record(step: usize, output: Var<'_>) -> Self {
        let vars = upstream(output);
        let grads = output.backward();
        Snapshot {
            step,
            shape: vars.iter().map(|v| (v.op(), v.name())).collect(),
            values: vars.iter().map(Var::value).collect(),
            grads: vars.iter().map(|&v| grads.get(v)).collect(),
            notes: Vec::new(),
        }
    }

    /// Adds a number shown beside the graph's at this step, such as the
    /// loss of another run.
    #[must_use]
    pub fn with_note(mut self, label: impl Into<String>, value: f64) -> Self {
        self.notes.push((label.into(), value));
        self
    }

    /// The number of updates it was recorded after.
    #[must_use]
    pub fn step(&self) -> usize {
        self.step
    }
}
