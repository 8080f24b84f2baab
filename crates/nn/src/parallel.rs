//! Data-parallel batch gradients: the batch split into fixed chunks, each
//! chunk's gradient computed on a tape of its own by a worker of a rayon
//! pool, the chunks' sums added in chunk order.
//!
//! The same pattern serves autograd alone: a [`Tape`] is neither `Send`
//! nor `Sync`, so each worker makes its own (a fresh tape reuses the
//! buffers its thread's last tape left), and only plain numbers cross
//! threads.

use autograd::{Gradients, Tape, Var};
use rayon::prelude::*;

use crate::loss::Loss;
use crate::mlp::Mlp;

/// Samples per chunk: each chunk is one tape and one backward sweep.
pub const CHUNK: usize = 64;

/// The mean loss of `model` over `samples` (each an input and a target) and
/// its gradient by parameter, in the model's order, computed in chunks of
/// [`CHUNK`] samples on the current rayon pool: the global pool (every
/// core), or the pool whose [`install`](rayon::ThreadPool::install) runs
/// the call.
///
/// Why the result is the same bits for any number of threads: the chunks
/// do not depend on the thread count (every [`CHUNK`] samples in order), each
/// chunk is computed alone and always the same way (its samples' losses
/// summed in order on one tape, one backward sweep), and the chunks' losses
/// and gradients are added on the calling thread in chunk order, whichever
/// thread finished which chunk first. Threads change when a chunk is
/// computed, never what is added to what. (The result can differ in the
/// last bits from [`Trainer::step_batch`](crate::Trainer::step_batch), which
/// sums every sample on one tape.)
///
/// # Panics
///
/// If there are no samples, or a sample does not match the model's size.
///
/// # Examples
///
/// ```
/// use nn::{Activation, LayerSpec, Loss, Mlp, batch_gradient};
///
/// let model = Mlp::new(1, &[LayerSpec::new(8, Activation::Tanh), LayerSpec::new(1, Activation::Identity)], 3);
/// let samples: Vec<([f64; 1], [f64; 1])> =
///     (0..1000).map(|k| ([k as f64 / 1000.0], [(k as f64 / 100.0).sin()])).collect();
/// let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
/// let two = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
/// let a = one.install(|| batch_gradient(&model, Loss::MeanSquaredError, &samples));
/// let b = two.install(|| batch_gradient(&model, Loss::MeanSquaredError, &samples));
/// assert_eq!(a, b); // bit for bit
/// ```
pub fn batch_gradient<I, T>(model: &Mlp, loss: Loss, samples: &[(I, T)]) -> (f64, Vec<f64>)
where
    I: AsRef<[f64]> + Sync,
    T: AsRef<[f64]> + Sync,
{
    assert!(
        !samples.is_empty(),
        "batch_gradient: no samples; give at least one"
    );
    let chunks: Vec<(f64, Vec<f64>)> = samples
        .par_chunks(CHUNK)
        .map(|chunk| chunk_gradient(model, loss, chunk))
        .collect();
    let mut total = 0.0;
    let mut gradient = vec![0.0; model.parameters().len()];
    for (chunk_loss, chunk_gradient) in &chunks {
        total += chunk_loss;
        for (g, c) in gradient.iter_mut().zip(chunk_gradient) {
            *g += c;
        }
    }
    let n = samples.len() as f64;
    for g in &mut gradient {
        *g /= n;
    }
    (total / n, gradient)
}

/// The summed loss of one chunk and its gradient, on a tape of this
/// thread's own.
fn chunk_gradient<I, T>(model: &Mlp, loss: Loss, chunk: &[(I, T)]) -> (f64, Vec<f64>)
where
    I: AsRef<[f64]>,
    T: AsRef<[f64]>,
{
    let tape = Tape::new();
    let net = model.bind(&tape);
    let mut inputs: Vec<Var<'_>> = Vec::new();
    let mut forward = crate::bound::Forward::new();
    let losses: Vec<Var<'_>> = chunk
        .iter()
        .map(|(input, target)| {
            net.inputs_into(input.as_ref(), &mut inputs);
            net.forward_into(&inputs, &mut forward);
            loss.apply(forward.outputs(), target.as_ref())
        })
        .collect();
    let sum = tape.sum(losses.iter().copied());
    let mut grads = Gradients::new();
    sum.backward_into(&mut grads);
    (sum.value(), net.gradients(&grads))
}
