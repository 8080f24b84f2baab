//! The optimisers against a few steps worked by hand from PyTorch's
//! documented update rules (torch.optim.SGD, Adam, AdamW), frozen
//! parameters, and training with them.

use std::panic;

use autograd::Tape;
use nn::{Activation, Adam, LayerSpec, Loss, Mlp, Optimizer, Sgd, Trainer, UpdateOrder, blog};

/// The gradients of three steps, for two parameters.
const GRADIENTS: [[f64; 2]; 3] = [[0.5, -2.0], [-0.3, 1.0], [0.8, 0.25]];
const START: [f64; 2] = [1.0, -0.5];

/// Runs `optimizer` over [`GRADIENTS`] from [`START`]; the parameters after
/// each step.
fn run(mut optimizer: impl Optimizer) -> Vec<[f64; 2]> {
    let mut p = START;
    GRADIENTS
        .iter()
        .map(|g| {
            optimizer.step(&mut p, g, &[true, true]);
            p
        })
        .collect()
}

#[track_caller]
fn close(actual: &[[f64; 2]], expected: &[[f64; 2]]) {
    for (t, (a, e)) in actual.iter().zip(expected).enumerate() {
        for k in 0..2 {
            assert!(
                (a[k] - e[k]).abs() <= 1e-15 * e[k].abs().max(1.0),
                "step {}, parameter {k}: {} vs {} by hand",
                t + 1,
                a[k],
                e[k]
            );
        }
    }
}

#[test]
fn plain_sgd_is_p_minus_eta_g() {
    let eta = 0.1;
    let mut expected = Vec::new();
    let mut p = START;
    for g in GRADIENTS {
        p = [p[0] - eta * g[0], p[1] - eta * g[1]];
        expected.push(p);
    }
    close(&run(Sgd::new(eta)), &expected);
}

#[test]
fn sgd_with_momentum_nesterov_dampening_and_weight_decay_by_hand() {
    // Parameter 0 only, written out step by step: η = 0.1, μ = 0.9.
    let (eta, mu) = (0.1, 0.9);
    let [g1, g2, g3] = [GRADIENTS[0][0], GRADIENTS[1][0], GRADIENTS[2][0]];
    let p0 = START[0];

    // Momentum: b₁ = g₁, bₜ = μ bₜ₋₁ + gₜ, p ← p - η b.
    let b1 = g1;
    let p1 = p0 - eta * b1;
    let b2 = mu * b1 + g2;
    let p2 = p1 - eta * b2;
    let b3 = mu * b2 + g3;
    let p3 = p2 - eta * b3;
    let got = run(Sgd::new(eta).with_momentum(mu));
    assert_eq!([got[0][0], got[1][0], got[2][0]], [p1, p2, p3]);

    // Nesterov: the same buffers, p ← p - η (g + μ b).
    let p1 = p0 - eta * (g1 + mu * b1);
    let p2 = p1 - eta * (g2 + mu * b2);
    let p3 = p2 - eta * (g3 + mu * b3);
    let got = run(Sgd::new(eta).with_momentum(mu).with_nesterov());
    assert_eq!([got[0][0], got[1][0], got[2][0]], [p1, p2, p3]);

    // Dampening τ = 0.5: b₁ = g₁ still, then bₜ = μ bₜ₋₁ + (1 - τ) gₜ.
    let tau = 0.5;
    let b1 = g1;
    let p1 = p0 - eta * b1;
    let b2 = mu * b1 + (1.0 - tau) * g2;
    let p2 = p1 - eta * b2;
    let b3 = mu * b2 + (1.0 - tau) * g3;
    let p3 = p2 - eta * b3;
    let got = run(Sgd::new(eta).with_momentum(mu).with_dampening(tau));
    assert_eq!([got[0][0], got[1][0], got[2][0]], [p1, p2, p3]);

    // Weight decay λ = 0.01 without momentum: g ← g + λ p.
    let lambda = 0.01;
    let p1 = p0 - eta * (g1 + lambda * p0);
    let p2 = p1 - eta * (g2 + lambda * p1);
    let p3 = p2 - eta * (g3 + lambda * p2);
    let got = run(Sgd::new(eta).with_weight_decay(lambda));
    assert_eq!([got[0][0], got[1][0], got[2][0]], [p1, p2, p3]);
}

/// Adam by hand for one parameter: `decay` is (λ, decoupled).
fn adam_by_hand(p0: f64, gradients: [f64; 3], eta: f64, decay: (f64, bool)) -> [f64; 3] {
    let (b1, b2, eps) = (0.9f64, 0.999f64, 1e-8);
    let (lambda, decoupled) = decay;
    let (mut m, mut v, mut p) = (0.0, 0.0, p0);
    let mut out = [0.0; 3];
    for (t, &grad) in gradients.iter().enumerate() {
        let t = t as i32 + 1;
        let mut g = grad;
        if decoupled {
            p -= eta * lambda * p;
        } else {
            g += lambda * p;
        }
        m = b1 * m + (1.0 - b1) * g;
        v = b2 * v + (1.0 - b2) * g * g;
        let m_hat = m / (1.0 - b1.powi(t));
        let v_hat = v / (1.0 - b2.powi(t));
        p -= eta * m_hat / (v_hat.sqrt() + eps);
        out[t as usize - 1] = p;
    }
    out
}

#[test]
fn adam_and_adamw_by_hand() {
    let eta = 0.01;
    for (optimizer, decay) in [
        (Adam::new(eta), (0.0, false)),
        (Adam::new(eta).with_weight_decay(0.1), (0.1, false)),
        (Adam::adamw(eta, 0.1), (0.1, true)),
    ] {
        let got = run(optimizer.clone());
        for k in 0..2 {
            let by_hand = adam_by_hand(
                START[k],
                [GRADIENTS[0][k], GRADIENTS[1][k], GRADIENTS[2][k]],
                eta,
                decay,
            );
            let engine = [got[0][k], got[1][k], got[2][k]];
            for t in 0..3 {
                assert!(
                    (engine[t] - by_hand[t]).abs() <= 1e-15,
                    "{optimizer:?}, parameter {k}, step {}: {} vs {} by hand",
                    t + 1,
                    engine[t],
                    by_hand[t]
                );
            }
        }
    }
    // Adam's L2 decay and AdamW's decoupled decay are different rules.
    assert_ne!(
        run(Adam::new(eta).with_weight_decay(0.1)),
        run(Adam::adamw(eta, 0.1))
    );
}

#[test]
fn a_frozen_parameter_neither_moves_nor_gathers_momentum() {
    let mut sgd = Sgd::new(0.1).with_momentum(0.9);
    let mut adam = Adam::new(0.1);
    for optimizer in [&mut sgd as &mut dyn Optimizer, &mut adam] {
        let mut p = [1.0, 2.0];
        for _ in 0..3 {
            optimizer.step(&mut p, &[1.0, 1.0], &[true, false]);
        }
        assert_eq!(p[1], 2.0, "{optimizer:?}");
        assert!(p[0] < 1.0, "{optimizer:?}");
    }
    // Unfrozen, its momentum buffer starts from its own first gradient, as
    // a fresh optimiser's would: nothing gathered while it was frozen.
    let mut p = [0.0, 2.0];
    sgd.step(&mut p, &[0.0, 0.5], &[false, true]);
    let mut fresh = [2.0];
    Sgd::new(0.1)
        .with_momentum(0.9)
        .step(&mut fresh, &[0.5], &[true]);
    assert_eq!(p[1], fresh[0]);
}

#[test]
fn misuse_is_refused_with_a_message_that_says_what_to_do() {
    let message = |f: Box<dyn FnOnce() + panic::UnwindSafe>| {
        let payload = panic::catch_unwind(f).expect_err("it panics");
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .expect("a text message")
    };
    let m = message(Box::new(|| {
        Sgd::new(0.1).step(&mut [1.0, 2.0], &[1.0], &[true, true]);
    }));
    assert!(m.contains("give one of each per parameter"), "{m}");
    let m = message(Box::new(|| {
        let mut adam = Adam::new(0.1);
        adam.step(&mut [1.0], &[1.0], &[true]);
        adam.step(&mut [1.0, 2.0], &[1.0, 1.0], &[true, true]);
    }));
    assert!(m.contains("use one optimiser per model"), "{m}");
    let m = message(Box::new(|| drop(Sgd::new(0.1).with_nesterov())));
    assert!(m.contains("needs a momentum"), "{m}");
    let m = message(Box::new(|| drop(Adam::new(0.1).with_betas(0.9, 1.0))));
    assert!(m.contains("must be in [0, 1)"), "{m}");
    let m = message(Box::new(|| {
        let tape = Tape::new();
        let _ = blog::trainer(&tape, blog::network(), 0.5, UpdateOrder::Simultaneous);
        let _ = Trainer::new(
            &tape,
            blog::network(),
            Loss::HalfSquaredError,
            Adam::new(0.1),
        )
        .with_update_order(UpdateOrder::Sequential);
    }));
    assert!(m.contains("defined for plain gradient descent"), "{m}");
}

/// The mean squared error after `steps` steps on a curve, with `optimizer`.
fn fit(optimizer: impl Optimizer + 'static, steps: usize) -> f64 {
    let data: Vec<([f64; 1], [f64; 1])> = (0..16)
        .map(|k| {
            let x = -1.0 + 2.0 * f64::from(k) / 15.0;
            ([x], [(3.0 * x).sin()])
        })
        .collect();
    let model = Mlp::new(
        1,
        &[
            LayerSpec::new(16, Activation::Tanh),
            LayerSpec::new(1, Activation::Identity),
        ],
        7,
    );
    let tape = Tape::new();
    let mut trainer = Trainer::new(&tape, model, Loss::MeanSquaredError, optimizer);
    let mut loss = f64::INFINITY;
    for _ in 0..steps {
        loss = trainer.step_batch(data.iter().map(|(x, t)| (&x[..], &t[..])));
    }
    loss
}

#[test]
fn momentum_and_adam_fit_a_curve_that_plain_sgd_fits_slower() {
    let steps = 300;
    let plain = fit(Sgd::new(0.05), steps);
    let momentum = fit(Sgd::new(0.05).with_momentum(0.9), steps);
    let nesterov = fit(Sgd::new(0.05).with_momentum(0.9).with_nesterov(), steps);
    let adam = fit(Adam::new(0.02), steps);
    for (name, loss) in [
        ("momentum", momentum),
        ("nesterov", nesterov),
        ("adam", adam),
    ] {
        assert!(
            loss < plain / 4.0,
            "{name}: {loss} after {steps} steps, plain SGD {plain}"
        );
    }
}
