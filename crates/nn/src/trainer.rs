//! Training steps: record, backpropagate, update, rewind, with no allocation
//! after the first step.

use autograd::{Gradients, Mark, Tape, Var};

use crate::bound::{BoundMlp, Forward};
use crate::compiled::CompiledLoss;
use crate::loss::Loss;
use crate::mlp::Mlp;
use crate::optimizer::Optimizer;

/// In which order a step's gradients are computed and applied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UpdateOrder {
    /// True gradient descent: every gradient is taken at the same point, then
    /// every parameter moves. This is what the worked example's text
    /// describes ("we use the original weights, not the updated weights").
    #[default]
    Simultaneous,
    /// The order behind the worked example's published post-update numbers:
    /// the last layer is updated first, and each layer below takes its
    /// gradient through the ALREADY-UPDATED weights of the layer above, with
    /// the same forward pass and the same output deltas.
    ///
    /// Built with the generic engine: the deltas of the layer above are held
    /// as constants and backpropagated through its updated weights. Defined
    /// for one sample per step and plain gradient descent (an [`Sgd`] with
    /// no momentum and no weight decay), the blog's.
    ///
    /// [`Sgd`]: crate::Sgd
    Sequential,
}

/// Trains the model it keeps, step by step: each step records the forward
/// pass and the loss on the tape, backpropagates, rewinds the tape to where
/// it was when the trainer was made, and moves the model's parameters (and
/// their leaves on the tape with them).
///
/// The trainer binds the model to the tape once ([`Mlp::bind`]) and reuses
/// its buffers, and the tape reuses its memory across rewinds, so a step
/// allocates nothing after the first one. When training is done,
/// [`Trainer::into_model`] gives the model back, free of the tape.
///
/// # Examples
///
/// ```
/// use autograd::Tape;
/// use nn::{Activation, LayerSpec, Loss, Mlp, Sgd, Trainer};
///
/// // A function that trains a model and returns it: the tape stays inside.
/// fn fit_line() -> Mlp {
///     let tape = Tape::new();
///     let model = Mlp::new(1, &[LayerSpec::new(1, Activation::Identity)], 1);
///     let mut trainer = Trainer::new(&tape, model, Loss::MeanSquaredError, Sgd::new(0.1));
///     for _ in 0..500 {
///         // y = 3x - 1 on two points
///         trainer.step_batch([(&[0.0][..], &[-1.0][..]), (&[1.0][..], &[2.0][..])]);
///     }
///     assert_eq!(tape.len(), 2); // the tape did not grow: two parameters
///     trainer.into_model()
/// }
/// let line = fit_line();
/// assert!((line.parameters()[0] - 3.0).abs() < 1e-6); // the weight
/// assert!((line.parameters()[1] + 1.0).abs() < 1e-6); // the bias
/// ```
#[derive(Debug)]
pub struct Trainer<'t> {
    tape: &'t Tape,
    model: Mlp,
    net: BoundMlp<'t>,
    mark: Mark,
    loss: Loss,
    optimizer: Box<dyn Optimizer>,
    order: UpdateOrder,
    trainable: Vec<bool>,
    grads: Gradients,
    /// The last step's gradient, by parameter.
    gradient: Vec<f64>,
    inputs: Vec<Var<'t>>,
    forward: Forward<'t>,
    losses: Vec<Var<'t>>,
    /// ∂L/∂net of the layer above, for the sequential order.
    deltas: Vec<f64>,
    /// The parameters' new values, for the sequential order.
    updated: Vec<f64>,
    /// The workers of [`Trainer::step_parallel`], if not rayon's global pool.
    pool: Option<rayon::ThreadPool>,
}

impl<'t> Trainer<'t> {
    /// A trainer that keeps `model` and trains it on `tape` with
    /// `optimizer` ([`Sgd`](crate::Sgd), [`Adam`](crate::Adam), or yours),
    /// in the [`UpdateOrder::Simultaneous`] order.
    ///
    /// It records the model's parameters on the tape now, and each step
    /// rewinds the tape to just after them: make the trainer before
    /// recording anything else you want to keep on that tape.
    pub fn new(
        tape: &'t Tape,
        model: Mlp,
        loss: Loss,
        optimizer: impl Optimizer + 'static,
    ) -> Self {
        let net = model.bind(tape);
        let trainable = model.trainable().collect();
        Trainer {
            tape,
            mark: tape.mark(),
            net,
            model,
            loss,
            optimizer: Box::new(optimizer),
            order: UpdateOrder::Simultaneous,
            trainable,
            grads: Gradients::new(),
            gradient: Vec::new(),
            inputs: Vec::new(),
            forward: Forward::new(),
            losses: Vec::new(),
            deltas: Vec::new(),
            updated: Vec::new(),
            pool: None,
        }
    }

    /// The same trainer, its [`Trainer::step_parallel`] run by `threads`
    /// worker threads of its own (by default, rayon's global pool: every
    /// core).
    ///
    /// # Panics
    ///
    /// If `threads` is 0, or the threads cannot be started.
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        assert!(
            threads > 0,
            "Trainer::with_threads: give at least one thread"
        );
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap_or_else(|e| {
                panic!("Trainer::with_threads: cannot start {threads} threads: {e}")
            });
        self.pool = Some(pool);
        self
    }

    /// The same trainer with the given update order.
    ///
    /// # Panics
    ///
    /// For [`UpdateOrder::Sequential`] with an optimiser other than plain
    /// gradient descent.
    #[must_use]
    pub fn with_update_order(mut self, order: UpdateOrder) -> Self {
        assert!(
            order == UpdateOrder::Simultaneous || self.optimizer.plain_learning_rate().is_some(),
            "UpdateOrder::Sequential is defined for plain gradient descent (Sgd with no momentum \
             and no weight decay), the worked example's; this trainer has {:?}",
            self.optimizer
        );
        self.order = order;
        self
    }

    /// The model, as the last step left it.
    pub fn model(&self) -> &Mlp {
        &self.model
    }

    /// The trained model, free of the tape.
    pub fn into_model(self) -> Mlp {
        self.model
    }

    /// The model bound to the tape, its leaves holding the model's current
    /// parameters: to record a pass with them (the next step rewinds it).
    pub fn network(&self) -> &BoundMlp<'t> {
        &self.net
    }

    /// The last step's gradient by parameter, in the model's order (of the
    /// loss before the update; in the sequential order, each layer's through
    /// the updated layers above it).
    pub fn gradient(&self) -> &[f64] {
        &self.gradient
    }

    /// One step on one sample; returns the loss before the update.
    ///
    /// # Panics
    ///
    /// If `input` or `target` does not match the network's size.
    pub fn step(&mut self, input: &[f64], target: &[f64]) -> f64 {
        self.step_batch([(input, target)])
    }

    /// One step on the mean loss over several samples; returns that loss
    /// before the update.
    ///
    /// # Panics
    ///
    /// If there are no samples, a sample does not match the network's size,
    /// or the order is [`UpdateOrder::Sequential`] with more than one sample.
    pub fn step_batch<'s>(
        &mut self,
        samples: impl IntoIterator<Item = (&'s [f64], &'s [f64])>,
    ) -> f64 {
        self.losses.clear();
        for (input, target) in samples {
            self.net.inputs_into(input, &mut self.inputs);
            self.net.forward_into(&self.inputs, &mut self.forward);
            self.losses
                .push(self.loss.apply(self.forward.outputs(), target));
        }
        let loss = match self.losses.as_slice() {
            [] => panic!("Trainer::step_batch: no samples; give at least one"),
            [single] => *single,
            many => self.tape.sum(many.iter().copied()) / many.len() as f64,
        };
        loss.backward_into(&mut self.grads);
        let value = loss.value();
        match self.order {
            UpdateOrder::Simultaneous => {
                self.net.gradients_into(&self.grads, &mut self.gradient);
                self.tape.rewind(self.mark);
                self.optimizer
                    .step(self.model.parameters_mut(), &self.gradient, &self.trainable);
            }
            UpdateOrder::Sequential => {
                assert!(
                    self.losses.len() == 1,
                    "UpdateOrder::Sequential is defined for one sample per step, got {}",
                    self.losses.len()
                );
                self.sequential_update();
            }
        }
        self.net.load(&self.model);
        value
    }

    /// One step on the mean loss over `samples`, its gradient computed on
    /// every worker thread by [`batch_gradient`](crate::batch_gradient):
    /// the batch in chunks of [`CHUNK`](crate::CHUNK) samples, one tape
    /// each, the chunks added in order, so the step is the same, bit for
    /// bit, for any number of threads. Returns the loss before the update.
    /// The workers are the trainer's ([`Trainer::with_threads`]) or
    /// rayon's global pool. Unlike [`Trainer::step_batch`], it allocates
    /// (tapes' first buffers on each worker, the chunks' gradients).
    ///
    /// # Panics
    ///
    /// If there are no samples, a sample does not match the network's size,
    /// or the order is [`UpdateOrder::Sequential`].
    ///
    /// # Examples
    ///
    /// ```
    /// use autograd::Tape;
    /// use nn::{Activation, LayerSpec, Loss, Mlp, Sgd, Trainer};
    ///
    /// let samples: Vec<([f64; 1], [f64; 1])> =
    ///     (0..500).map(|k| ([k as f64 / 500.0], [2.0 * k as f64 / 500.0])).collect();
    /// let model = Mlp::new(1, &[LayerSpec::new(1, Activation::Identity)], 0);
    /// let train = |threads| {
    ///     let tape = Tape::new();
    ///     let mut trainer = Trainer::new(&tape, model.clone(), Loss::MeanSquaredError, Sgd::new(0.5))
    ///         .with_threads(threads);
    ///     for _ in 0..200 {
    ///         trainer.step_parallel(&samples);
    ///     }
    ///     trainer.into_model()
    /// };
    /// let (one, two) = (train(1), train(2));
    /// assert_eq!(one, two); // the same bits
    /// assert!((one.parameters()[0] - 2.0).abs() < 1e-3);
    /// ```
    pub fn step_parallel<I, T>(&mut self, samples: &[(I, T)]) -> f64
    where
        I: AsRef<[f64]> + Sync,
        T: AsRef<[f64]> + Sync,
    {
        assert!(
            self.order == UpdateOrder::Simultaneous,
            "Trainer::step_parallel takes every gradient at the same point; \
             UpdateOrder::Sequential is defined for Trainer::step"
        );
        let (model, loss) = (&self.model, self.loss);
        let gradient = || crate::parallel::batch_gradient(model, loss, samples);
        let (value, gradient) = match &self.pool {
            Some(pool) => pool.install(gradient),
            None => gradient(),
        };
        self.gradient = gradient;
        self.optimizer
            .step(self.model.parameters_mut(), &self.gradient, &self.trainable);
        self.net.load(&self.model);
        value
    }

    /// One step on a loss compiled with [`Mlp::compile_loss`] (a fixed
    /// batch, replayed rather than recorded): the same step, to the bit, as
    /// [`Trainer::step_batch`] on the batch it was compiled for, and
    /// allocation-free. Returns the loss before the update.
    ///
    /// # Panics
    ///
    /// If the loss was compiled for a model of another shape, or the order is [`UpdateOrder::Sequential`] (whose
    /// layer-by-layer update needs a recording).
    ///
    /// # Examples
    ///
    /// ```
    /// use autograd::Tape;
    /// use nn::{Loss, Sgd, Trainer, UpdateOrder, blog};
    ///
    /// let model = blog::network();
    /// let mut loss = model.compile_loss(Loss::HalfSquaredError, &[(blog::INPUTS, blog::TARGETS)]);
    /// let tape = Tape::new();
    /// let mut trainer = blog::trainer(&tape, model, blog::LEARNING_RATE, UpdateOrder::Simultaneous);
    /// for _ in 0..blog::TRAINING_STEPS {
    ///     trainer.step_compiled(&mut loss);
    /// }
    /// let after = loss.value(trainer.model().parameters());
    /// assert_eq!(Some(after), blog::figure(30).true_gradient_descent); // row 30, to the bit
    /// ```
    pub fn step_compiled(&mut self, loss: &mut CompiledLoss) -> f64 {
        assert!(
            self.order == UpdateOrder::Simultaneous,
            "Trainer::step_compiled takes every gradient at the same point; \
             UpdateOrder::Sequential is defined for Trainer::step"
        );
        assert!(
            loss.fits(&self.model),
            "Trainer::step_compiled: the loss was compiled for a model of another shape \
             ({} parameters; this model has {}); compile it with this model's Mlp::compile_loss",
            loss.program().n_inputs(),
            self.model.parameters().len()
        );
        let n = self.model.parameters().len();
        self.gradient.resize(n, 0.0);
        let value = loss.gradient(self.model.parameters(), &mut self.gradient);
        self.optimizer
            .step(self.model.parameters_mut(), &self.gradient, &self.trainable);
        self.net.load(&self.model);
        value
    }

    /// Updates layer by layer from the top, each layer's gradient taken
    /// through the already-updated weights of the layer above.
    fn sequential_update(&mut self) {
        let layers = self.net.layers();
        let top = layers.len() - 1;
        let rate = self
            .optimizer
            .plain_learning_rate()
            .expect("with_update_order checked that the optimiser is plain gradient descent");
        let parameters = self.model.parameters();
        self.updated.clear();
        self.updated.extend_from_slice(parameters);
        self.gradient.clear();
        self.gradient.resize(parameters.len(), 0.0);
        // The gradient of layer `layer`'s parameters, from the last sweep,
        // and their new values.
        let take = |layer: usize, grads: &Gradients, gradient: &mut [f64], updated: &mut [f64]| {
            for i in layers[layer].parameter_range() {
                gradient[i] = grads.wrt(self.net.parameters()[i]);
                if self.trainable[i] {
                    updated[i] = parameters[i] - rate * gradient[i];
                }
            }
        };
        take(top, &self.grads, &mut self.gradient, &mut self.updated);
        self.deltas.clear();
        let grads = &self.grads;
        self.deltas
            .extend(self.forward.nets(top).iter().map(|&net| grads.wrt(net)));

        for below in (0..top).rev() {
            let above = &layers[below + 1];
            // Z = Σ_k δ_k · Σ_j w'_kj · out_j, with δ and the updated weights w'
            // as constants: ∂Z/∂(anything below) backpropagates the deltas
            // through the updated weights and the original forward pass.
            let outs = self.forward.outs(below);
            let weights = &self.updated[above.weight_range()];
            let n = above.n_inputs();
            let surrogate = self
                .tape
                .sum(self.deltas.iter().enumerate().map(|(k, &delta)| {
                    let weighted = weights[k * n..(k + 1) * n]
                        .iter()
                        .zip(outs)
                        .map(|(&w, &out)| w * out);
                    delta * self.tape.sum(weighted)
                }));
            surrogate.backward_into(&mut self.grads);
            take(below, &self.grads, &mut self.gradient, &mut self.updated);
            self.deltas.clear();
            let grads = &self.grads;
            self.deltas
                .extend(self.forward.nets(below).iter().map(|&net| grads.wrt(net)));
        }
        self.tape.rewind(self.mark);
        self.model.set_parameters(&self.updated);
    }
}
