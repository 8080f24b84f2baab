//! The network of Matt Mazur's "A Step by Step Backpropagation Example":
//! its exact weights, input and target, with the blog's names; and
//! [`FIGURES`], every number the blog prints, the one table that the worked
//! example and every test comparing with the blog read.

use autograd::{Tape, Var};

use crate::activation::Activation;
use crate::bound::{BoundMlp, Forward};
use crate::layer::{Bias, LayerSpec};
use crate::loss::Loss;
use crate::mlp::Mlp;
use crate::sgd::Sgd;
use crate::trainer::{Trainer, UpdateOrder};

/// The inputs `i1, i2`.
pub const INPUTS: [f64; 2] = [0.05, 0.10];
/// The targets `t1, t2` (one sample).
pub const TARGETS: [f64; 2] = [0.01, 0.99];
/// The weights `w1..w8`: `w1, w2` into h1, `w3, w4` into h2, `w5, w6` into
/// o1, `w7, w8` into o2.
pub const WEIGHTS: [f64; 8] = [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55];
/// The biases `b1` (shared by h1 and h2) and `b2` (shared by o1 and o2).
pub const BIASES: [f64; 2] = [0.35, 0.60];
/// The learning rate η.
pub const LEARNING_RATE: f64 = 0.5;

/// The blog's 2-2-2 sigmoid network on `tape`: one bias shared per layer,
/// biases frozen (the blog never updates them), and every parameter and
/// node named as the blog names it (`w1..w8`, `b1`, `b2`, `i1`, `net_h1`,
/// `out_h1`, ..., `out_o2`).
///
/// # Examples
///
/// ```
/// let tape = autograd::Tape::new();
/// let net = nn::blog::network().bind(&tape);
/// let pass = nn::blog::forward(&net);
/// assert!(nn::blog::figure(9).is_exact(pass.total.value()));
/// assert_eq!(pass.total.name().as_deref(), Some("E_total"));
/// ```
pub fn network() -> Mlp {
    let spec = LayerSpec::new(2, Activation::Sigmoid).with_bias(Bias::Shared);
    let mut mlp = Mlp::zeros(2, &[spec, spec]).with_names(&["h", "o"]);
    let [w1, w2, w3, w4, w5, w6, w7, w8] = WEIGHTS;
    let [b1, b2] = BIASES;
    mlp.set_parameters(&[w1, w2, w3, w4, b1, w5, w6, w7, w8, b2]);
    mlp.freeze_biases();
    mlp
}

/// One forward pass of the blog network and its error, every node named.
#[derive(Clone, Debug)]
pub struct BlogPass<'t> {
    /// `i1, i2`.
    pub inputs: Vec<Var<'t>>,
    /// The nets and outputs of both layers (`net_h1 ... out_o2`).
    pub forward: Forward<'t>,
    /// `E_o1, E_o2`: `½ (target - out)²` for each output.
    pub errors: [Var<'t>; 2],
    /// `E_total = E_o1 + E_o2`.
    pub total: Var<'t>,
}

/// Records the blog's forward pass and error on the bound network (made by
/// [`network`]).
pub fn forward<'t>(mlp: &BoundMlp<'t>) -> BlogPass<'t> {
    let inputs = mlp.inputs(&INPUTS);
    let forward = mlp.forward(&inputs);
    let outputs = forward.outputs();
    let errors = [
        Loss::HalfSquaredError
            .term(outputs[0], TARGETS[0])
            .named("E_o1"),
        Loss::HalfSquaredError
            .term(outputs[1], TARGETS[1])
            .named("E_o2"),
    ];
    let total = mlp.tape().sum(errors).named("E_total");
    BlogPass {
        inputs,
        forward,
        errors,
        total,
    }
}

/// A trainer for the blog network `mlp` on `tape`: half squared error, SGD
/// with the given learning rate, in the given update order.
pub fn trainer(tape: &Tape, mlp: Mlp, learning_rate: f64, order: UpdateOrder) -> Trainer<'_> {
    Trainer::new(tape, mlp, Loss::HalfSquaredError, Sgd::new(learning_rate))
        .with_update_order(order)
}

/// The number of updates after which the blog prints rows 30-32.
pub const TRAINING_STEPS: usize = 10_000;

/// Row 30 as the English original prints it, which matches neither update
/// order; [`FIGURES`] has the Chinese translation's `0.000035085`, the
/// sequential order's value to 9 places.
pub const ENGLISH_ORIGINAL_ROW_30: &str = "0.0000351085";

/// The part of the blog a figure belongs to, in the blog's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Section {
    /// Rows 1-6: the nets and outputs of both layers.
    Forward,
    /// Rows 7-9: the errors.
    Error,
    /// Rows 10-16: the output layer's gradients and updated weights.
    OutputLayer,
    /// Rows 17-24: the hidden layer's gradients.
    HiddenLayer,
    /// Rows 25-28: the hidden layer's updated weights.
    Update,
    /// Rows 29-32: the error and outputs after training.
    Training,
}

impl Section {
    /// Every section, in the blog's order.
    pub const ALL: [Section; 6] = [
        Section::Forward,
        Section::Error,
        Section::OutputLayer,
        Section::HiddenLayer,
        Section::Update,
        Section::Training,
    ];

    /// The section's heading (`The forward pass`).
    pub fn title(self) -> &'static str {
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

/// One number the blog prints, with the exact value behind it.
///
/// # Examples
///
/// ```
/// use nn::blog;
///
/// let tape = autograd::Tape::new();
/// let pass = blog::forward(&blog::network().bind(&tape));
/// let row_9 = blog::figure(9);
/// assert_eq!((row_9.name, row_9.published), ("E_total", "0.298371109"));
/// assert!(row_9.is_exact(pass.total.value()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Figure {
    /// The figure's number, 1 to 32, in the order the blog prints them.
    pub row: u32,
    /// The part of the blog it belongs to.
    pub section: Section,
    /// Its name in ASCII (`dE_total/dout_o1`, `w5+`); in rows 30-32 `N`
    /// stands for the number of updates.
    pub name: &'static str,
    /// Its name as a learner reads it (`∂E_total/∂out_o1`); in rows 30-32
    /// `N` stands for the number of updates.
    pub label: &'static str,
    /// What the blog prints, exactly as printed (`0.40`, `0.000035085`).
    pub published: &'static str,
    /// The update order the published number follows: `None` when it does
    /// not depend on one (no update yet, or the update of `w5..w8`, which
    /// both orders make alike).
    pub order: Option<UpdateOrder>,
    /// The exact value, in `order`: to 12 decimal places in rows 1-28, to
    /// full precision in rows 29-32. Every row rounds to `published` at the
    /// blog's precision except row 20, where the blog rounded an
    /// intermediate and printed the last digit one unit off.
    pub exact: f64,
    /// Rows 29-32: the same quantity under true gradient descent
    /// ([`UpdateOrder::Simultaneous`]), the order the blog's text
    /// describes; `None` in rows 1-28.
    pub true_gradient_descent: Option<f64>,
}

impl Figure {
    /// Whether `value` is [`exact`](Figure::exact) to the precision the
    /// table gives: within half a unit of the 12th decimal place in rows
    /// 1-28, within 1e-9 relative in rows 29-32 (10,000 updates amplify the
    /// last bits' rounding).
    pub fn is_exact(&self, value: f64) -> bool {
        self.close(self.exact, value)
    }

    /// Whether `value` is the [true gradient descent
    /// value](Figure::true_gradient_descent), to the same precision as
    /// [`is_exact`](Figure::is_exact); false in rows 1-28, which have none.
    pub fn is_true_gradient_descent(&self, value: f64) -> bool {
        self.true_gradient_descent
            .is_some_and(|reference| self.close(reference, value))
    }

    fn close(&self, reference: f64, value: f64) -> bool {
        if self.section == Section::Training {
            ((value - reference) / reference).abs() <= 1e-9
        } else {
            (value - reference).abs() <= 0.5e-12 + 1e-15
        }
    }
}

/// Figure `row` (1 to 32) of [`FIGURES`].
///
/// # Panics
///
/// If `row` is not between 1 and 32.
pub fn figure(row: u32) -> &'static Figure {
    row.checked_sub(1)
        .and_then(|k| FIGURES.get(k as usize))
        .unwrap_or_else(|| panic!("blog::figure({row}): the blog prints rows 1 to 32"))
}

/// A name that reads the same in ASCII and as a label.
const fn same(name: &'static str) -> (&'static str, &'static str) {
    (name, name)
}

/// A figure of rows 1-28.
const fn before_training(
    row: u32,
    section: Section,
    (name, label): (&'static str, &'static str),
    published: &'static str,
    order: Option<UpdateOrder>,
    exact: f64,
) -> Figure {
    Figure {
        row,
        section,
        name,
        label,
        published,
        order,
        exact,
        true_gradient_descent: None,
    }
}

/// A figure of rows 29-32: its value in the sequential order (the blog's
/// numbers) and under true gradient descent.
const fn after_training(
    row: u32,
    name: &'static str,
    published: &'static str,
    sequential: f64,
    simultaneous: f64,
) -> Figure {
    Figure {
        row,
        section: Section::Training,
        name,
        label: name,
        published,
        order: Some(UpdateOrder::Sequential),
        exact: sequential,
        true_gradient_descent: Some(simultaneous),
    }
}

/// Every number the blog prints, in its order: the forward pass, the
/// errors, the gradients and updated weights of both layers, and the error
/// and outputs after training. The exact values of rows 1-28 come from the
/// blog's formulas in f64 arithmetic; those of rows 29-32 from training in
/// both update orders.
///
/// The blog's text describes true gradient descent, but its numbers after
/// training follow [`UpdateOrder::Sequential`]; rows 29-32 give both.
/// Row 30 is the Chinese translation's (see [`ENGLISH_ORIGINAL_ROW_30`]).
pub const FIGURES: [Figure; 32] = {
    use Section::*;
    const NONE: Option<UpdateOrder> = None;
    const TRUE_GD: Option<UpdateOrder> = Some(UpdateOrder::Simultaneous);
    [
        before_training(1, Forward, same("net_h1"), "0.3775", NONE, 0.377500000000),
        before_training(
            2,
            Forward,
            same("out_h1"),
            "0.593269992",
            NONE,
            0.593269992107,
        ),
        before_training(
            3,
            Forward,
            same("out_h2"),
            "0.596884378",
            NONE,
            0.596884378260,
        ),
        before_training(
            4,
            Forward,
            same("net_o1"),
            "1.105905967",
            NONE,
            1.105905967060,
        ),
        before_training(
            5,
            Forward,
            same("out_o1"),
            "0.75136507",
            NONE,
            0.751365069552,
        ),
        before_training(
            6,
            Forward,
            same("out_o2"),
            "0.772928465",
            NONE,
            0.772928465321,
        ),
        before_training(7, Error, same("E_o1"), "0.274811083", NONE, 0.274811083176),
        before_training(8, Error, same("E_o2"), "0.023560026", NONE, 0.023560025584),
        before_training(
            9,
            Error,
            same("E_total"),
            "0.298371109",
            NONE,
            0.298371108760,
        ),
        before_training(
            10,
            OutputLayer,
            ("dE_total/dout_o1", "∂E_total/∂out_o1"),
            "0.74136507",
            NONE,
            0.741365069552,
        ),
        before_training(
            11,
            OutputLayer,
            ("dout_o1/dnet_o1", "∂out_o1/∂net_o1"),
            "0.186815602",
            NONE,
            0.186815601809,
        ),
        before_training(
            12,
            OutputLayer,
            ("dE_total/dw5", "∂E_total/∂w5"),
            "0.082167041",
            NONE,
            0.082167040564,
        ),
        // w5+ is printed in the English original only.
        before_training(
            13,
            OutputLayer,
            same("w5+"),
            "0.35891648",
            NONE,
            0.358916479718,
        ),
        before_training(
            14,
            OutputLayer,
            same("w6+"),
            "0.408666186",
            NONE,
            0.408666186076,
        ),
        before_training(
            15,
            OutputLayer,
            same("w7+"),
            "0.511301270",
            NONE,
            0.511301270239,
        ),
        before_training(
            16,
            OutputLayer,
            same("w8+"),
            "0.561370121",
            NONE,
            0.561370121108,
        ),
        before_training(
            17,
            HiddenLayer,
            ("dE_total/dnet_o1", "δ_o1 = ∂E_total/∂net_o1"),
            "0.138498562",
            NONE,
            0.138498561629,
        ),
        before_training(
            18,
            HiddenLayer,
            ("dnet_o1/dout_h1", "∂net_o1/∂out_h1"),
            "0.40",
            NONE,
            0.400000000000,
        ),
        before_training(
            19,
            HiddenLayer,
            ("dE_o1/dout_h1", "∂E_o1/∂out_h1"),
            "0.055399425",
            NONE,
            0.055399424651,
        ),
        // The blog rounded an intermediate: one unit off in the last digit.
        before_training(
            20,
            HiddenLayer,
            ("dE_o2/dout_h1", "∂E_o2/∂out_h1"),
            "-0.019049119",
            NONE,
            -0.019049118258,
        ),
        before_training(
            21,
            HiddenLayer,
            ("dE_total/dout_h1", "∂E_total/∂out_h1"),
            "0.036350306",
            NONE,
            0.036350306393,
        ),
        before_training(
            22,
            HiddenLayer,
            ("dout_h1/dnet_h1", "∂out_h1/∂net_h1"),
            "0.241300709",
            NONE,
            0.241300708572,
        ),
        before_training(
            23,
            HiddenLayer,
            ("dnet_h1/dw1", "∂net_h1/∂w1"),
            "0.05",
            NONE,
            0.050000000000,
        ),
        before_training(
            24,
            HiddenLayer,
            ("dE_total/dw1", "∂E_total/∂w1"),
            "0.000438568",
            NONE,
            0.000438567734,
        ),
        // The hidden layer's gradients through the original w5..w8.
        before_training(
            25,
            Update,
            same("w1+"),
            "0.149780716",
            TRUE_GD,
            0.149780716133,
        ),
        before_training(
            26,
            Update,
            same("w2+"),
            "0.19956143",
            TRUE_GD,
            0.199561432266,
        ),
        before_training(
            27,
            Update,
            same("w3+"),
            "0.24975114",
            TRUE_GD,
            0.249751143632,
        ),
        before_training(
            28,
            Update,
            same("w4+"),
            "0.29950229",
            TRUE_GD,
            0.299502287265,
        ),
        after_training(
            29,
            "E_total after 1 update",
            "0.291027924",
            0.291027923905442,
            0.291027773693599,
        ),
        after_training(
            30,
            "E_total after N updates",
            "0.000035085",
            3.508478629631277e-05,
            3.510187782978859e-05,
        ),
        after_training(
            31,
            "out_o1 after N updates",
            "0.015912196",
            0.015912196326034,
            0.015913620443551,
        ),
        after_training(
            32,
            "out_o2 after N updates",
            "0.984065734",
            0.984065734485629,
            0.984064273514624,
        ),
    ]
};

#[cfg(test)]
mod tests {
    use super::{ENGLISH_ORIGINAL_ROW_30, FIGURES, Section, figure};

    #[test]
    fn every_exact_value_rounds_to_what_the_blog_prints_but_row_20() {
        for f in &FIGURES {
            let places = f.published.split_once('.').map_or(0, |(_, d)| d.len());
            let rounded = format!("{:.*}", places, f.exact);
            let printed: f64 = f.published.parse().unwrap();
            if f.row == 20 {
                assert_ne!(rounded, f.published);
                let unit = 10f64.powi(-(places as i32));
                assert!((f.exact - printed).abs() <= unit, "row 20: {}", f.exact);
            } else {
                assert_eq!(rounded, f.published, "row {}", f.row);
            }
        }
    }

    #[test]
    fn the_english_originals_row_30_matches_neither_order() {
        let row = figure(30);
        let places = ENGLISH_ORIGINAL_ROW_30.len() - 2;
        for value in [row.exact, row.true_gradient_descent.unwrap()] {
            assert_ne!(format!("{value:.places$}"), ENGLISH_ORIGINAL_ROW_30);
        }
    }

    #[test]
    fn rows_run_from_1_to_32_through_the_sections_in_order() {
        for (k, f) in FIGURES.iter().enumerate() {
            assert_eq!(f.row as usize, k + 1);
            assert_eq!(figure(f.row), f);
        }
        let sections: Vec<usize> = FIGURES
            .iter()
            .map(|f| Section::ALL.iter().position(|&s| s == f.section).unwrap())
            .collect();
        assert!(sections.is_sorted());
        let mut names: Vec<&str> = FIGURES.iter().map(|f| f.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 32, "names are unique");
        for f in &FIGURES {
            assert_eq!(
                f.true_gradient_descent.is_some(),
                f.section == Section::Training
            );
        }
    }

    #[test]
    #[should_panic(expected = "blog::figure(33): the blog prints rows 1 to 32")]
    fn asking_for_row_33_names_the_range() {
        let _ = figure(33);
    }
}
