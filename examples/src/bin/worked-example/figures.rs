//! Every figure of the worked example, read from the engine: values from
//! nodes, gradients from per-node adjoints.

use autograd::{Tape, Var};
use nn::{Mlp, UpdateOrder, blog};

/// The part of the blog a figure belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Section {
    Forward,
    Error,
    OutputLayer,
    HiddenLayer,
    Update,
    Training,
}

impl Section {
    pub(crate) const ALL: [Section; 6] = [
        Section::Forward,
        Section::Error,
        Section::OutputLayer,
        Section::HiddenLayer,
        Section::Update,
        Section::Training,
    ];

    pub(crate) fn title(self) -> &'static str {
        match self {
            Section::Forward => "The forward pass",
            Section::Error => "The total error",
            Section::OutputLayer => "The backward pass: the output layer",
            Section::HiddenLayer => "The backward pass: the hidden layer",
            Section::Update => "The update",
            Section::Training => "Training",
        }
    }
}

/// One printed figure of the blog and the engine's value for it.
#[derive(Clone, Debug)]
pub(crate) struct Figure {
    pub(crate) row: u32,
    pub(crate) section: Section,
    /// ASCII name, as in the JSON output (`dE_total/dout_o1`).
    pub(crate) name: &'static str,
    /// The name as a learner reads it (`∂E_total/∂out_o1`).
    pub(crate) label: String,
    /// How the engine's value was read.
    pub(crate) source: String,
    /// The engine's value (for rows 29-32: in the order the blog's numbers use).
    pub(crate) engine: f64,
    /// The simultaneous-order value, for rows 29-32.
    pub(crate) true_gradient_descent: Option<f64>,
    /// What the blog prints, as printed; `None` when the settings differ
    /// from the blog's and the figure depends on them.
    pub(crate) published: Option<&'static str>,
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
}

impl Settings {
    fn blog_rate(&self) -> bool {
        self.learning_rate == blog::LEARNING_RATE
    }

    fn blog_iterations(&self) -> bool {
        self.iterations == 10_000
    }
}

fn parameter<'t>(mlp: &Mlp<'t>, name: &str) -> Var<'t> {
    mlp.parameters()
        .find(|p| p.name().as_deref() == Some(name))
        .expect("internal error: the blog network names w1..w8")
}

/// Everything the worked example shows.
pub(crate) struct Computed {
    pub(crate) figures: Vec<Figure>,
    /// The tape after the first backward pass, as a trace.
    pub(crate) trace: String,
    /// The same, as a DOT graph.
    pub(crate) dot: String,
    /// E_total at the start of each iteration, in the sequential and the
    /// simultaneous order.
    pub(crate) curves: [Vec<f64>; 2],
}

/// Every figure, computed on a fresh tape, plus the first backward pass as
/// a trace and a graph, and the training curves.
pub(crate) fn compute(settings: Settings) -> Computed {
    let tape = Tape::new();
    tape.set_detect_anomaly(settings.detect_anomaly);
    let mlp = blog::network(&tape);
    let pass = blog::forward(&mlp);
    let grads = pass.total.backward();
    let trace = pass.total.trace().with_gradients(&grads).to_string();
    let dot = pass.total.dot().with_gradients(&grads).to_string();

    let (nets_h, outs_h) = (pass.forward.nets(0), pass.forward.outs(0));
    let (nets_o, outs_o) = (pass.forward.nets(1), pass.forward.outs(1));
    let [e_o1, e_o2] = pass.errors;
    let eta = settings.learning_rate;
    let rate_ok = settings.blog_rate();

    let mut figures = Vec::new();
    let mut add = |row, section, name, label, source: String, engine, published: Option<_>| {
        figures.push(Figure {
            row,
            section,
            name,
            label: String::from(label),
            source,
            engine,
            true_gradient_descent: None,
            published,
        });
    };
    use Section::*;
    let value = |v: Var<'_>| v.value();
    add(
        1,
        Forward,
        "net_h1",
        "net_h1",
        "value of net_h1".into(),
        value(nets_h[0]),
        Some("0.3775"),
    );
    add(
        2,
        Forward,
        "out_h1",
        "out_h1",
        "value of out_h1".into(),
        value(outs_h[0]),
        Some("0.593269992"),
    );
    add(
        3,
        Forward,
        "out_h2",
        "out_h2",
        "value of out_h2".into(),
        value(outs_h[1]),
        Some("0.596884378"),
    );
    add(
        4,
        Forward,
        "net_o1",
        "net_o1",
        "value of net_o1".into(),
        value(nets_o[0]),
        Some("1.105905967"),
    );
    add(
        5,
        Forward,
        "out_o1",
        "out_o1",
        "value of out_o1".into(),
        value(outs_o[0]),
        Some("0.75136507"),
    );
    add(
        6,
        Forward,
        "out_o2",
        "out_o2",
        "value of out_o2".into(),
        value(outs_o[1]),
        Some("0.772928465"),
    );
    add(
        7,
        Error,
        "E_o1",
        "E_o1",
        "value of E_o1".into(),
        value(e_o1),
        Some("0.274811083"),
    );
    add(
        8,
        Error,
        "E_o2",
        "E_o2",
        "value of E_o2".into(),
        value(e_o2),
        Some("0.023560026"),
    );
    add(
        9,
        Error,
        "E_total",
        "E_total",
        "value of E_total".into(),
        value(pass.total),
        Some("0.298371109"),
    );

    let adjoint = |of: &str| format!("backward(E_total), adjoint of {of}");
    add(
        10,
        OutputLayer,
        "dE_total/dout_o1",
        "∂E_total/∂out_o1",
        adjoint("out_o1"),
        grads.wrt(outs_o[0]),
        Some("0.74136507"),
    );
    add(
        11,
        OutputLayer,
        "dout_o1/dnet_o1",
        "∂out_o1/∂net_o1",
        "backward(out_o1), adjoint of net_o1".into(),
        outs_o[0].backward().wrt(nets_o[0]),
        Some("0.186815602"),
    );
    add(
        12,
        OutputLayer,
        "dE_total/dw5",
        "∂E_total/∂w5",
        adjoint("w5"),
        grads.wrt(parameter(&mlp, "w5")),
        Some("0.082167041"),
    );
    let updates = |names: [&'static str; 4],
                   printed: [&'static str; 4],
                   first_row: u32,
                   section,
                   add: &mut dyn FnMut(
        u32,
        Section,
        &'static str,
        &'static str,
        String,
        f64,
        Option<&'static str>,
    )| {
        for (k, (name, printed)) in names.into_iter().zip(printed).enumerate() {
            let w = parameter(&mlp, &name[..2]);
            let engine = w.value() - eta * grads.wrt(w);
            let source = format!("{} - η · adjoint of {}", &name[..2], &name[..2]);
            add(
                first_row + k as u32,
                section,
                name,
                name,
                source,
                engine,
                rate_ok.then_some(printed),
            );
        }
    };
    updates(
        ["w5+", "w6+", "w7+", "w8+"],
        ["0.35891648", "0.408666186", "0.511301270", "0.561370121"],
        13,
        OutputLayer,
        &mut add,
    );

    add(
        17,
        HiddenLayer,
        "dE_total/dnet_o1",
        "δ_o1 = ∂E_total/∂net_o1",
        adjoint("net_o1"),
        grads.wrt(nets_o[0]),
        Some("0.138498562"),
    );
    add(
        18,
        HiddenLayer,
        "dnet_o1/dout_h1",
        "∂net_o1/∂out_h1",
        "backward(net_o1), adjoint of out_h1".into(),
        nets_o[0].backward().wrt(outs_h[0]),
        Some("0.40"),
    );
    add(
        19,
        HiddenLayer,
        "dE_o1/dout_h1",
        "∂E_o1/∂out_h1",
        "backward(E_o1), adjoint of out_h1".into(),
        e_o1.backward().wrt(outs_h[0]),
        Some("0.055399425"),
    );
    add(
        20,
        HiddenLayer,
        "dE_o2/dout_h1",
        "∂E_o2/∂out_h1",
        "backward(E_o2), adjoint of out_h1".into(),
        e_o2.backward().wrt(outs_h[0]),
        Some("-0.019049119"),
    );
    add(
        21,
        HiddenLayer,
        "dE_total/dout_h1",
        "∂E_total/∂out_h1",
        adjoint("out_h1"),
        grads.wrt(outs_h[0]),
        Some("0.036350306"),
    );
    add(
        22,
        HiddenLayer,
        "dout_h1/dnet_h1",
        "∂out_h1/∂net_h1",
        "backward(out_h1), adjoint of net_h1".into(),
        outs_h[0].backward().wrt(nets_h[0]),
        Some("0.241300709"),
    );
    add(
        23,
        HiddenLayer,
        "dnet_h1/dw1",
        "∂net_h1/∂w1",
        "backward(net_h1), adjoint of w1".into(),
        nets_h[0].backward().wrt(parameter(&mlp, "w1")),
        Some("0.05"),
    );
    add(
        24,
        HiddenLayer,
        "dE_total/dw1",
        "∂E_total/∂w1",
        adjoint("w1"),
        grads.wrt(parameter(&mlp, "w1")),
        Some("0.000438568"),
    );
    updates(
        ["w1+", "w2+", "w3+", "w4+"],
        ["0.149780716", "0.19956143", "0.24975114", "0.29950229"],
        25,
        Update,
        &mut add,
    );

    let (sequential, sequential_curve) = train(settings, UpdateOrder::Sequential);
    let (simultaneous, simultaneous_curve) = train(settings, UpdateOrder::Simultaneous);
    let runs = settings.iterations;
    let after = |what: &str, n: usize| format!("value of {what} after {n} updates");
    let training = [
        (
            29,
            "E_total after 1 update",
            after("E_total", 1),
            0,
            rate_ok,
            "0.291027924",
        ),
        (
            30,
            "E_total after N updates",
            after("E_total", runs),
            1,
            rate_ok && settings.blog_iterations(),
            "0.000035085",
        ),
        (
            31,
            "out_o1 after N updates",
            after("out_o1", runs),
            2,
            rate_ok && settings.blog_iterations(),
            "0.015912196",
        ),
        (
            32,
            "out_o2 after N updates",
            after("out_o2", runs),
            3,
            rate_ok && settings.blog_iterations(),
            "0.984065734",
        ),
    ];
    for (row, name, source, k, comparable, printed) in training {
        figures.push(Figure {
            row,
            section: Training,
            name,
            label: name.replace('N', &runs.to_string()),
            source,
            engine: sequential[k],
            true_gradient_descent: Some(simultaneous[k]),
            published: comparable.then_some(printed),
        });
    }
    Computed {
        figures,
        trace,
        dot,
        curves: [sequential_curve, simultaneous_curve],
    }
}

/// E_total after one update, then E_total, out_o1, out_o2 after
/// `settings.iterations` updates, in the given order; and E_total at the
/// start of every iteration.
fn train(settings: Settings, order: UpdateOrder) -> ([f64; 4], Vec<f64>) {
    let tape = Tape::new();
    tape.set_detect_anomaly(settings.detect_anomaly);
    let mlp = blog::network(&tape);
    let mut trainer = blog::trainer(&mlp, settings.learning_rate, order);
    let mut after_one = f64::NAN;
    let mut curve = Vec::with_capacity(settings.iterations);
    for step in 0..settings.iterations.max(1) {
        let error_before = trainer.step(&mlp, &blog::INPUTS, &blog::TARGETS);
        curve.push(error_before);
        if step == 1 {
            after_one = error_before;
        }
    }
    let mark = tape.mark();
    let pass = blog::forward(&mlp);
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
