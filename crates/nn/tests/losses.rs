//! The cross-entropy losses against their closed forms, at huge logits,
//! against finite differences, and training a network.

use std::panic;

use autograd::Tape;
use autograd::check::GradCheck;
use nn::{Activation, LayerSpec, Loss, Mlp, Sgd, Trainer, one_hot};

/// Asserts `a` and `b` agree to a relative `1e-12` (absolute near 0).
#[track_caller]
fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-12 * b.abs().max(1.0),
        "{what}: {a} is not {b}"
    );
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn softmax(z: &[f64]) -> Vec<f64> {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|x| (x - m).exp()).collect();
    let total: f64 = e.iter().sum();
    e.iter().map(|x| x / total).collect()
}

/// A small deterministic generator of points in `[-limit, limit)`.
struct Points(u64);

impl Points {
    fn next(&mut self, limit: f64) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let unit = (self.0 >> 11) as f64 / (1u64 << 53) as f64;
        (2.0 * unit - 1.0) * limit
    }

    fn vec(&mut self, n: usize, limit: f64) -> Vec<f64> {
        (0..n).map(|_| self.next(limit)).collect()
    }
}

/// The loss and its gradient with respect to each logit, from the engine.
fn loss_and_gradient(loss: Loss, logits: &[f64], targets: &[f64]) -> (f64, Vec<f64>) {
    let tape = Tape::new();
    let z: Vec<_> = logits.iter().map(|&x| tape.var(x)).collect();
    let value = loss.apply(&z, targets);
    let grads = value.backward();
    (value.value(), z.iter().map(|&x| grads.wrt(x)).collect())
}

/// The message of the panic `f` raises.
fn panic_message(f: impl FnOnce() + panic::UnwindSafe) -> String {
    let payload = panic::catch_unwind(f).expect_err("it panics");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .expect("a text message")
}

#[test]
fn softmax_cross_entropy_is_minus_ln_softmax_with_softmax_minus_one_hot_as_its_gradient() {
    let mut points = Points(7);
    for classes in 2..=5 {
        for _ in 0..5 {
            let logits = points.vec(classes, 4.0);
            let p = softmax(&logits);
            for class in 0..classes {
                let target = one_hot(class, classes);
                let (loss, grad) = loss_and_gradient(Loss::SoftmaxCrossEntropy, &logits, &target);
                close(loss, -p[class].ln(), "loss");
                for k in 0..classes {
                    close(grad[k], p[k] - target[k], "gradient");
                }
            }
        }
    }
}

#[test]
fn softmax_cross_entropy_over_soft_targets_is_minus_their_mean_log_probability() {
    let logits = [0.5, -1.25, 2.0, 0.0];
    let p = softmax(&logits);
    // Label smoothing: 0.1 spread over the four classes, the rest on class 2.
    let smoothed = [0.025, 0.025, 0.925, 0.025];
    // Targets need not sum to 1, as in PyTorch: the gradient is (Σt)·softmax - t.
    let partial = [0.5, 0.0, 0.25, 0.0];
    for target in [smoothed, partial] {
        let (loss, grad) = loss_and_gradient(Loss::SoftmaxCrossEntropy, &logits, &target);
        let want: f64 = target.iter().zip(&p).map(|(t, p)| -t * p.ln()).sum();
        close(loss, want, "loss");
        let mass: f64 = target.iter().sum();
        for k in 0..4 {
            close(grad[k], mass * p[k] - target[k], "gradient");
        }
    }
}

#[test]
fn softmax_cross_entropy_is_finite_at_logits_of_plus_and_minus_1000_with_the_right_gradient() {
    let logits = [1000.0, -1000.0];
    let (loss, grad) = loss_and_gradient(Loss::SoftmaxCrossEntropy, &logits, &one_hot(0, 2));
    assert_eq!(loss, 0.0);
    assert_eq!(grad, [0.0, 0.0]);
    let (loss, grad) = loss_and_gradient(Loss::SoftmaxCrossEntropy, &logits, &one_hot(1, 2));
    assert_eq!(loss, 2000.0);
    assert_eq!(grad, [1.0, -1.0]);

    let (loss, grad) = loss_and_gradient(Loss::SoftmaxCrossEntropy, &[1000.0, 1000.0], &[0.0, 1.0]);
    close(loss, 2f64.ln(), "a tie at 1000");
    assert_eq!(grad, [0.5, -0.5]);
    let (loss, grad) = loss_and_gradient(
        Loss::SoftmaxCrossEntropy,
        &[-1000.0, -1000.0, -1000.0],
        &one_hot(2, 3),
    );
    close(loss, 3f64.ln(), "a tie at -1000");
    for (k, g) in grad.iter().enumerate() {
        close(*g, 1.0 / 3.0 - one_hot(2, 3)[k], "gradient at -1000");
    }
}

/// `a` and `b` within `ulps` units in the last place of `b`.
fn within_ulps(a: f64, b: f64, ulps: f64) -> bool {
    (a - b).abs() <= ulps * f64::EPSILON * b.abs()
}

#[test]
fn softmax_cross_entropy_of_a_confident_right_answer_keeps_its_digits() {
    // logsumexp([40, 0]) - 40 rounds to 0; the loss is ln(1 + e^-40).
    let e = (-40f64).exp();
    let (loss, grad) = loss_and_gradient(Loss::SoftmaxCrossEntropy, &[40.0, 0.0], &one_hot(0, 2));
    assert!(within_ulps(loss, e.ln_1p(), 2.0), "{loss}");
    assert!(within_ulps(grad[0], -e / (1.0 + e), 4.0), "{grad:?}");
    assert!(within_ulps(grad[1], e / (1.0 + e), 4.0), "{grad:?}");
    // Three classes, the right one not first, a soft target on it.
    let logits = [-3.0, 50.0, 10.0];
    let (loss, _) = loss_and_gradient(Loss::SoftmaxCrossEntropy, &logits, &[0.0, 0.5, 0.0]);
    let rest = (-53f64).exp() + (-40f64).exp();
    assert!(within_ulps(loss, 0.5 * rest.ln_1p(), 4.0), "{loss}");
}

#[test]
fn softmax_cross_entropy_keeps_its_digits_beside_huge_logits() {
    // At logits near 1000, logsumexp(z) - z₁ is off by up to half an ulp
    // of 1000 (5.7e-14), hundreds of ulps of a loss near ln 2.
    let z = [1000.0, 1000.0 - 1e-13];
    let d = z[0] - z[1]; // exact
    let (loss, grad) = loss_and_gradient(Loss::SoftmaxCrossEntropy, &z, &one_hot(1, 2));
    assert!(
        within_ulps(loss, d.exp().ln_1p(), 4.0),
        "{loss} vs {}",
        d.exp().ln_1p()
    );
    assert!(within_ulps(grad[0], sigmoid(d), 4.0), "{grad:?}");
    assert!(within_ulps(grad[1], -sigmoid(d), 4.0), "{grad:?}");
}

#[test]
fn binary_cross_entropy_with_logits_is_a_mean_of_softplus_minus_tz_with_gradient_sigma_minus_t() {
    let mut points = Points(11);
    for n in 1..=4 {
        for _ in 0..10 {
            let logits = points.vec(n, 6.0);
            let targets: Vec<f64> = points.vec(n, 1.0).iter().map(|u| (u + 1.0) / 2.0).collect();
            for targets in [targets, vec![0.0; n], vec![1.0; n]] {
                let (loss, grad) =
                    loss_and_gradient(Loss::BinaryCrossEntropyWithLogits, &logits, &targets);
                let want: f64 = logits
                    .iter()
                    .zip(&targets)
                    .map(|(&z, &t)| -(t * sigmoid(z).ln() + (1.0 - t) * (1.0 - sigmoid(z)).ln()))
                    .sum::<f64>()
                    / n as f64;
                close(loss, want, "loss");
                for k in 0..n {
                    close(
                        grad[k],
                        (sigmoid(logits[k]) - targets[k]) / n as f64,
                        "gradient",
                    );
                }
            }
        }
    }
}

#[test]
fn binary_cross_entropy_with_logits_is_finite_at_plus_and_minus_1000_with_the_right_gradient() {
    let bce = |z: f64, t: f64| loss_and_gradient(Loss::BinaryCrossEntropyWithLogits, &[z], &[t]);
    assert_eq!(bce(1000.0, 1.0), (0.0, vec![0.0]));
    assert_eq!(bce(-1000.0, 0.0), (0.0, vec![0.0]));
    assert_eq!(bce(1000.0, 0.0), (1000.0, vec![1.0]));
    assert_eq!(bce(-1000.0, 1.0), (1000.0, vec![-1.0]));
    let (loss, grad) = bce(1000.0, 0.25);
    close(loss, 750.0, "soft target at 1000");
    close(grad[0], 0.75, "its gradient");
    let (loss, grad) = bce(-1000.0, 0.75);
    close(loss, 750.0, "soft target at -1000");
    close(grad[0], -0.75, "its gradient");
}

#[test]
fn a_confident_right_answer_keeps_its_digits() {
    // softplus(40) - 40 would round to 0; the loss is e^-40 to first order.
    for (z, t) in [(40.0, 1.0), (-40.0, 0.0)] {
        let (loss, grad) = loss_and_gradient(Loss::BinaryCrossEntropyWithLogits, &[z], &[t]);
        close(loss, (-40f64).exp().ln_1p(), "loss");
        close(grad[0], sigmoid(z) - t, "gradient");
        assert!(loss > 0.0 && loss < 1e-17, "{loss}");
    }
}

#[test]
fn the_cross_entropies_agree_with_finite_differences_at_random_points() {
    let mut points = Points(2024);
    for _ in 0..20 {
        let n = 2 + (points.next(1.0).abs() * 4.0) as usize;
        let logits = points.vec(n, 3.0);
        let class = (points.next(1.0).abs() * n as f64) as usize;
        let soft: Vec<f64> = points.vec(n, 1.0).iter().map(|u| (u + 1.0) / 2.0).collect();
        let total: f64 = soft.iter().sum();
        let soft: Vec<f64> = soft.iter().map(|t| t / total).collect();
        let cases = [
            (Loss::SoftmaxCrossEntropy, one_hot(class, n)),
            (Loss::SoftmaxCrossEntropy, soft.clone()),
            (Loss::BinaryCrossEntropyWithLogits, soft),
            (Loss::BinaryCrossEntropyWithLogits, one_hot(class, n)),
        ];
        for (loss, targets) in cases {
            let report = GradCheck::new().inputs(|_, z| loss.apply(z, &targets), &logits);
            assert!(
                report.is_ok(),
                "{loss:?} at {logits:?} against {targets:?}: {}",
                report.unwrap_err()
            );
        }
    }
}

#[test]
fn a_binary_cross_entropy_term_is_the_loss_of_one_output_and_softmax_has_none() {
    let tape = Tape::new();
    let z = tape.var(-0.7);
    let term = Loss::BinaryCrossEntropyWithLogits.term(z, 0.3);
    let whole = Loss::BinaryCrossEntropyWithLogits.apply(&[z], &[0.3]);
    assert_eq!(term.value(), whole.value());
    assert!(Loss::BinaryCrossEntropyWithLogits.has_terms());
    assert!(Loss::MeanSquaredError.has_terms() && Loss::HalfSquaredError.has_terms());
    assert!(!Loss::SoftmaxCrossEntropy.has_terms());
    let message = panic_message(|| {
        let tape = Tape::new();
        let _ = Loss::SoftmaxCrossEntropy.term(tape.var(1.0), 1.0);
    });
    assert!(
        message.starts_with("Loss::term: softmax cross-entropy has no per-output term")
            && message.contains("Loss::apply"),
        "{message}"
    );
}

#[test]
fn bad_targets_and_shapes_are_refused_with_a_message_that_says_what_to_give() {
    let run = |loss: Loss, logits: &'static [f64], targets: &'static [f64]| {
        panic_message(move || {
            let tape = Tape::new();
            let z: Vec<_> = logits.iter().map(|&x| tape.var(x)).collect();
            let _ = loss.apply(&z, targets);
        })
    };
    assert_eq!(
        run(
            Loss::BinaryCrossEntropyWithLogits,
            &[0.5, 0.1],
            &[1.0, -1.0]
        ),
        "Loss::BinaryCrossEntropyWithLogits: target 1 is -1; targets are probabilities, from 0 to 1"
    );
    assert_eq!(
        run(Loss::SoftmaxCrossEntropy, &[0.5, 0.1], &[f64::NAN, 1.0]),
        "Loss::SoftmaxCrossEntropy: target 0 is NaN; targets are probabilities, from 0 to 1"
    );
    assert_eq!(
        run(Loss::SoftmaxCrossEntropy, &[0.5, 0.1, 0.2], &[2.0, 0.0]),
        "Loss::apply: got 3 outputs and 2 targets; give one target per output"
    );
    let one = run(Loss::SoftmaxCrossEntropy, &[0.5], &[1.0]);
    assert!(
        one.starts_with("Loss::SoftmaxCrossEntropy: got 1 output;")
            && one.contains("BinaryCrossEntropyWithLogits"),
        "{one}"
    );
    assert_eq!(
        panic_message(|| {
            let _ = one_hot(3, 3);
        }),
        "one_hot: class 3 is out of range for 3 classes (0 to 2)"
    );
}

/// Three clusters of six points in the plane, one per class.
fn clusters() -> Vec<([f64; 2], usize)> {
    let centres = [(0.0, 1.0), (-1.0, -0.6), (1.0, -0.6)];
    let mut points = Points(5);
    let mut data = Vec::new();
    for (class, (x, y)) in centres.into_iter().enumerate() {
        for _ in 0..6 {
            data.push(([x + points.next(0.35), y + points.next(0.35)], class));
        }
    }
    data
}

#[test]
fn an_mlp_trained_with_softmax_cross_entropy_classifies_three_clusters() {
    let data = clusters();
    let targets: Vec<Vec<f64>> = data.iter().map(|&(_, c)| one_hot(c, 3)).collect();
    let tape = Tape::new();
    let mlp = Mlp::new(
        2,
        &[
            LayerSpec::new(8, Activation::Tanh),
            LayerSpec::new(3, Activation::Identity),
        ],
        1,
    );
    let mut trainer = Trainer::new(&tape, mlp, Loss::SoftmaxCrossEntropy, Sgd::new(0.5));
    let samples = || {
        data.iter()
            .zip(&targets)
            .map(|((x, _), t)| (&x[..], &t[..]))
    };
    let first = trainer.step_batch(samples());
    assert!(
        (first - 3f64.ln()).abs() < 0.5,
        "an untrained network is near chance: {first}"
    );
    let mut loss = first;
    for _ in 0..300 {
        loss = trainer.step_batch(samples());
    }
    assert!(loss < 0.05, "cross-entropy {first} -> {loss}");
    for (x, class) in &data {
        let net = trainer.network();
        let outputs = net.forward(&net.inputs(x));
        let scores: Vec<f64> = outputs.outputs().iter().map(|z| z.value()).collect();
        let best = (0..3)
            .max_by(|&a, &b| scores[a].total_cmp(&scores[b]))
            .unwrap();
        assert_eq!(best, *class, "{x:?}: logits {scores:?}");
    }
}

#[test]
fn an_mlp_trained_with_binary_cross_entropy_with_logits_learns_xor() {
    let xor = [
        ([0.0, 0.0], [0.0]),
        ([0.0, 1.0], [1.0]),
        ([1.0, 0.0], [1.0]),
        ([1.0, 1.0], [0.0]),
    ];
    let tape = Tape::new();
    let mlp = Mlp::new(
        2,
        &[
            LayerSpec::new(4, Activation::Tanh),
            LayerSpec::new(1, Activation::Identity),
        ],
        2,
    );
    let mut trainer = Trainer::new(
        &tape,
        mlp,
        Loss::BinaryCrossEntropyWithLogits,
        Sgd::new(0.5),
    );
    let mut loss = f64::INFINITY;
    for _ in 0..2_000 {
        loss = trainer.step_batch(xor.iter().map(|(x, t)| (&x[..], &t[..])));
    }
    assert!(loss < 0.02, "binary cross-entropy stuck at {loss}");
    for (x, t) in xor {
        let net = trainer.network();
        let z = net.forward(&net.inputs(&x)).outputs()[0].value();
        assert_eq!(z > 0.0, t[0] == 1.0, "xor{x:?}: logit {z}");
    }
}
