//! Every figure of the worked example, read from the engine: values from
//! nodes, gradients from per-node adjoints.

use autograd::explain::{Explanation, Precision};
use autograd::{Tape, Var};
use nn::blog::{self, Section};
use nn::{BoundMlp, UpdateOrder};

/// One figure of the blog and the engine's value for it.
#[derive(Clone, Debug)]
pub(crate) struct Figure {
    /// The blog's figure: row, section, names, the published number.
    pub(crate) blog: &'static blog::Figure,
    /// The name as a learner reads it, for this run's number of updates.
    pub(crate) label: Label,
    /// How the engine's value was read.
    pub(crate) source: Source,
    /// The engine's value (for rows 29-32: in the order the blog's numbers use).
    pub(crate) engine: f64,
    /// The simultaneous-order value, for rows 29-32.
    pub(crate) true_gradient_descent: Option<f64>,
    /// What the blog prints, as printed; `None` when the settings differ
    /// from the blog's and the figure depends on them.
    pub(crate) published: Option<&'static str>,
}

/// A figure's name as a learner reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Label {
    /// The blog's own label (`∂E_total/∂out_o1`).
    Blog(&'static str),
    /// A node after training: `E_total` after 10,000 updates.
    After {
        /// The node.
        what: &'static str,
        /// How many updates.
        updates: usize,
    },
}

/// How the engine's value of a figure was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// The value of the node the figure names.
    Value,
    /// The adjoint of `of` in a backward sweep from `from`.
    Adjoint {
        /// Where the sweep starts.
        from: &'static str,
        /// The node read.
        of: &'static str,
    },
    /// A weight after one update: the weight minus η times its adjoint.
    Update(&'static str),
}

/// How a figure compares with the blog at the blog's printed precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Agreement {
    /// The engine's value rounds to the printed digits.
    Exact,
    /// Within one unit of the last printed digit, but the blog rounded
    /// differently (it rounded an intermediate).
    OneUnit,
    /// Further off than one unit of the last printed digit.
    Disagrees,
    /// The run's settings differ from the blog's, so there is nothing to
    /// compare with.
    NotComparable,
}

impl Agreement {
    pub(crate) fn agrees(self) -> Option<bool> {
        match self {
            Agreement::Exact | Agreement::OneUnit => Some(true),
            Agreement::Disagrees => Some(false),
            Agreement::NotComparable => None,
        }
    }
}

impl Figure {
    pub(crate) fn agreement(&self) -> Agreement {
        let Some(published) = self.published else {
            return Agreement::NotComparable;
        };
        let printed: f64 = published
            .parse()
            .expect("internal error: a published figure is a number");
        let places = published.split_once('.').map_or(0, |(_, d)| d.len());
        let unit = 10f64.powi(-(places as i32));
        if format!("{:.*}", places, self.engine) == published {
            Agreement::Exact
        } else if (self.engine - printed).abs() <= unit * (1.0 + 1e-9) {
            Agreement::OneUnit
        } else {
            Agreement::Disagrees
        }
    }
}

/// The settings a run uses.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    pub(crate) iterations: usize,
    pub(crate) learning_rate: f64,
    /// Turn on the tapes' anomaly detection.
    pub(crate) detect_anomaly: bool,
    /// Keep the training curves, for a plot.
    pub(crate) curves: bool,
}

impl Settings {
    fn blog_rate(&self) -> bool {
        self.learning_rate == blog::LEARNING_RATE
    }

    fn blog_iterations(&self) -> bool {
        self.iterations == blog::TRAINING_STEPS
    }

    /// Whether `figure` can be compared with the blog at these settings:
    /// the updates depend on the learning rate, the training figures also
    /// on the number of updates.
    fn compare(&self, figure: &blog::Figure) -> bool {
        let uses_rate = figure.name.ends_with('+') || figure.section == Section::Training;
        let uses_iterations = figure.name.contains(" N ");
        (self.blog_rate() || !uses_rate) && (self.blog_iterations() || !uses_iterations)
    }
}

fn parameter<'t>(mlp: &BoundMlp<'t>, name: &str) -> Var<'t> {
    mlp.parameter(name)
        .expect("internal error: the blog network names w1..w8")
}

/// Everything the worked example shows.
pub(crate) struct Computed {
    pub(crate) figures: Vec<Figure>,
    /// The tape after the first backward pass, as a trace.
    pub(crate) trace: String,
    /// The same, as a DOT graph.
    pub(crate) dot: String,
    /// Every derivative of the first backward pass, as the chain rule made
    /// it, with the blog's 9 decimal places.
    pub(crate) explanation: Explanation,
    /// E_total at the start of each iteration, in the sequential and the
    /// simultaneous order, as a log-scale plot draws it; only when the
    /// settings ask for the curves.
    pub(crate) curves: Option<[pictures::Curve; 2]>,
}

/// Every figure, computed on a fresh tape, plus the first backward pass as
/// a trace and a graph, and the training curves.
pub(crate) fn compute(settings: Settings) -> Computed {
    let tape = Tape::new();
    tape.set_detect_anomaly(settings.detect_anomaly);
    let mlp = blog::network().bind(&tape);
    let pass = blog::forward(&mlp);
    let grads = pass.total.backward();
    let trace = pass.total.trace().with_gradients(&grads).to_string();
    let dot = pass.total.dot().with_gradients(&grads).to_string();
    let explanation = pass.total.explain().with_precision(Precision::Decimals(9));

    let (nets_h, outs_h) = (pass.forward.nets(0), pass.forward.outs(0));
    let (nets_o, outs_o) = (pass.forward.nets(1), pass.forward.outs(1));
    let [e_o1, e_o2] = pass.errors;
    let (w1, w5) = (parameter(&mlp, "w1"), parameter(&mlp, "w5"));
    let value = |v: Var<'_>| (Source::Value, v.value());
    let adjoint = |of: &'static str, v: Var<'_>| {
        (
            Source::Adjoint {
                from: "E_total",
                of,
            },
            grads.wrt(v),
        )
    };
    let backward = |from: &'static str, output: Var<'_>, of: &'static str, v: Var<'_>| {
        (Source::Adjoint { from, of }, output.backward().wrt(v))
    };
    // Rows 1-28: read from the nodes and adjoints of the first pass.
    let measure = |figure: &blog::Figure| match figure.name {
        "net_h1" => value(nets_h[0]),
        "out_h1" => value(outs_h[0]),
        "out_h2" => value(outs_h[1]),
        "net_o1" => value(nets_o[0]),
        "out_o1" => value(outs_o[0]),
        "out_o2" => value(outs_o[1]),
        "E_o1" => value(e_o1),
        "E_o2" => value(e_o2),
        "E_total" => value(pass.total),
        "dE_total/dout_o1" => adjoint("out_o1", outs_o[0]),
        "dout_o1/dnet_o1" => backward("out_o1", outs_o[0], "net_o1", nets_o[0]),
        "dE_total/dw5" => adjoint("w5", w5),
        "dE_total/dnet_o1" => adjoint("net_o1", nets_o[0]),
        "dnet_o1/dout_h1" => backward("net_o1", nets_o[0], "out_h1", outs_h[0]),
        "dE_o1/dout_h1" => backward("E_o1", e_o1, "out_h1", outs_h[0]),
        "dE_o2/dout_h1" => backward("E_o2", e_o2, "out_h1", outs_h[0]),
        "dE_total/dout_h1" => adjoint("out_h1", outs_h[0]),
        "dout_h1/dnet_h1" => backward("out_h1", outs_h[0], "net_h1", nets_h[0]),
        "dnet_h1/dw1" => backward("net_h1", nets_h[0], "w1", w1),
        "dE_total/dw1" => adjoint("w1", w1),
        // An updated weight: w5+ is w5 - η · ∂E_total/∂w5.
        updated => {
            let name = updated
                .strip_suffix('+')
                .expect("internal error: every figure of rows 1-28 is measured");
            let w = parameter(&mlp, name);
            (
                Source::Update(name),
                w.value() - settings.learning_rate * grads.wrt(w),
            )
        }
    };

    let (sequential, sequential_curve) = train(settings, UpdateOrder::Sequential);
    let (simultaneous, simultaneous_curve) = train(settings, UpdateOrder::Simultaneous);
    let runs = settings.iterations;
    let figures = blog::FIGURES
        .iter()
        .map(|figure| {
            let published = settings.compare(figure).then_some(figure.published);
            if figure.section == Section::Training {
                let k = figure.row as usize - 29;
                let (what, updates) = figure
                    .name
                    .split_once(" after ")
                    .expect("internal error: a training figure is named `X after N updates`");
                let updates = match updates {
                    "N updates" => runs,
                    "1 update" => 1,
                    other => unreachable!("internal error: a training figure after {other}"),
                };
                Figure {
                    blog: figure,
                    label: Label::After { what, updates },
                    source: Source::Value,
                    engine: sequential[k],
                    true_gradient_descent: Some(simultaneous[k]),
                    published,
                }
            } else {
                let (source, engine) = measure(figure);
                Figure {
                    blog: figure,
                    label: Label::Blog(figure.label),
                    source,
                    engine,
                    true_gradient_descent: None,
                    published,
                }
            }
        })
        .collect();
    Computed {
        figures,
        trace,
        dot,
        explanation,
        curves: sequential_curve.zip(simultaneous_curve).map(<[_; 2]>::from),
    }
}

/// E_total after one update, then E_total, out_o1, out_o2 after
/// `settings.iterations` updates, in the given order; and, if the settings
/// ask for it, E_total at the start of every iteration (as much of it as a
/// log-scale plot draws: memory does not grow with the iterations).
fn train(settings: Settings, order: UpdateOrder) -> ([f64; 4], Option<pictures::Curve>) {
    let tape = Tape::new();
    tape.set_detect_anomaly(settings.detect_anomaly);
    let mut trainer = blog::trainer(&tape, blog::network(), settings.learning_rate, order);
    let mut after_one = f64::NAN;
    let mut curve = settings
        .curves
        .then(|| pictures::Curve::new(settings.iterations.max(1)));
    for step in 0..settings.iterations.max(1) {
        let error_before = trainer.step(&blog::INPUTS, &blog::TARGETS);
        if let Some(curve) = &mut curve {
            curve.push(error_before);
        }
        if step == 1 {
            after_one = error_before;
        }
    }
    let mark = tape.mark();
    let pass = blog::forward(trainer.network());
    let outputs = pass.forward.outputs();
    let result = [
        if settings.iterations > 1 {
            after_one
        } else {
            pass.total.value()
        },
        pass.total.value(),
        outputs[0].value(),
        outputs[1].value(),
    ];
    tape.rewind(mark);
    (result, curve)
}

#[cfg(test)]
mod tests {
    use super::{Settings, compute};

    fn settings(iterations: usize, curves: bool) -> Settings {
        Settings {
            iterations,
            learning_rate: nn::blog::LEARNING_RATE,
            detect_anomaly: false,
            curves,
        }
    }

    #[test]
    fn the_loss_history_is_kept_only_for_a_plot() {
        assert!(compute(settings(300, false)).curves.is_none());
        let curves = compute(settings(300, true)).curves.expect("curves");
        for curve in &curves {
            assert_eq!(curve.len(), 300);
        }
    }

    #[test]
    fn the_plotted_history_stays_small_however_long_the_training() {
        let curves = compute(settings(30_000, true)).curves.expect("curves");
        for curve in &curves {
            assert_eq!(curve.len(), 30_000);
            assert!(
                curve.points().len() < 800,
                "{} points",
                curve.points().len()
            );
        }
    }
}
