//! The batch workload: one gradient of a 2-16-16-1 MLP's mean loss over
//! 10,000 points, computed by `nn::batch_gradient` on one thread and on
//! every core, which must give the same bits.

use nn::{Activation, LayerSpec, Loss, Mlp, batch_gradient};
use rayon::ThreadPool;

/// Points in the batch.
pub const POINTS: usize = 10_000;

/// The model: 2-16-16-1 with tanh, seeded.
pub fn model() -> Mlp {
    Mlp::new(
        2,
        &[
            LayerSpec::new(16, Activation::Tanh),
            LayerSpec::new(16, Activation::Tanh),
            LayerSpec::new(1, Activation::Identity),
        ],
        2024,
    )
}

/// The batch: points spread over a square, with a smooth target.
pub fn data() -> Vec<([f64; 2], [f64; 1])> {
    (0..POINTS)
        .map(|k| {
            let (i, j) = ((k % 100) as f64, (k / 100) as f64);
            let (x, y) = (i / 50.0 - 1.0, j / 50.0 - 1.0);
            ([x, y], [(3.0 * x).sin() * y])
        })
        .collect()
}

/// The mean loss and its gradient by parameter, on `pool`'s threads.
pub fn gradient(pool: &ThreadPool, model: &Mlp, data: &[([f64; 2], [f64; 1])]) -> (f64, Vec<f64>) {
    pool.install(|| batch_gradient(model, Loss::MeanSquaredError, data))
}
