//! Training steps: record, backpropagate, update, rewind, with no allocation
//! after the first step.

use autograd::{Gradients, Mark, Tape, Var};

use crate::loss::Loss;
use crate::mlp::{Forward, Mlp};
use crate::sgd::Sgd;

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
    /// for one sample per step.
    Sequential,
}

/// Trains an [`Mlp`] step by step: each step records the forward pass and
/// the loss, backpropagates, rewinds the tape to where it was when the
/// trainer was made, and updates the parameters.
///
/// The trainer reuses its buffers (inputs, activations, gradients), and the
/// tape reuses its memory across rewinds, so a step allocates nothing after
/// the first one.
///
/// # Examples
///
/// ```
/// use autograd::Tape;
/// use nn::{Activation, LayerSpec, Loss, Mlp, Sgd, Trainer};
///
/// let tape = Tape::new();
/// let mlp = Mlp::new(&tape, 1, &[LayerSpec::new(1, Activation::Identity)], 1);
/// let mut trainer = Trainer::new(&mlp, Loss::MeanSquaredError, Sgd::new(0.1));
/// let mut loss = f64::INFINITY;
/// for _ in 0..500 {
///     // y = 3x - 1 on two points
///     loss = trainer.step_batch(&mlp, [(&[0.0][..], &[-1.0][..]), (&[1.0][..], &[2.0][..])]);
/// }
/// assert!(loss < 1e-12);
/// let nodes_per_model = mlp.parameters().count();
/// assert_eq!(tape.len(), nodes_per_model); // the tape did not grow
/// ```
#[derive(Debug)]
pub struct Trainer<'t> {
    tape: &'t Tape,
    mark: Mark,
    loss: Loss,
    sgd: Sgd,
    order: UpdateOrder,
    grads: Gradients,
    inputs: Vec<Var<'t>>,
    forward: Forward<'t>,
    losses: Vec<Var<'t>>,
    /// Parameter updates the sequential order computes before applying any.
    pending: Vec<(Var<'t>, f64)>,
    /// ∂L/∂net of the layer above, for the sequential order.
    deltas: Vec<f64>,
}

impl<'t> Trainer<'t> {
    /// A trainer for `mlp`, in the [`UpdateOrder::Simultaneous`] order.
    ///
    /// Each step rewinds the tape to where it is now: make the trainer right
    /// after the network, before recording anything else you want to keep.
    pub fn new(mlp: &Mlp<'t>, loss: Loss, sgd: Sgd) -> Self {
        let tape = mlp.tape();
        Trainer {
            tape,
            mark: tape.mark(),
            loss,
            sgd,
            order: UpdateOrder::Simultaneous,
            grads: Gradients::new(),
            inputs: Vec::new(),
            forward: Forward::new(),
            losses: Vec::new(),
            pending: Vec::new(),
            deltas: Vec::new(),
        }
    }

    /// The same trainer with the given update order.
    #[must_use]
    pub fn with_update_order(mut self, order: UpdateOrder) -> Self {
        self.order = order;
        self
    }

    /// One step on one sample; returns the loss before the update.
    ///
    /// # Panics
    ///
    /// If `input` or `target` does not match the network's size.
    pub fn step(&mut self, mlp: &Mlp<'t>, input: &[f64], target: &[f64]) -> f64 {
        self.step_batch(mlp, [(input, target)])
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
        mlp: &Mlp<'t>,
        samples: impl IntoIterator<Item = (&'s [f64], &'s [f64])>,
    ) -> f64 {
        self.losses.clear();
        for (input, target) in samples {
            mlp.inputs_into(input, &mut self.inputs);
            mlp.forward_into(&self.inputs, &mut self.forward);
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
                self.tape.rewind(self.mark);
                self.sgd.step(mlp.trainable_parameters(), &self.grads);
            }
            UpdateOrder::Sequential => {
                assert!(
                    self.losses.len() == 1,
                    "UpdateOrder::Sequential is defined for one sample per step, got {}",
                    self.losses.len()
                );
                self.sequential_update(mlp);
            }
        }
        value
    }

    /// The gradients of the last step's loss (of the last layer's parameters,
    /// in the sequential order).
    pub fn gradients(&self) -> &Gradients {
        &self.grads
    }

    /// Updates layer by layer from the top, each layer's gradient taken
    /// through the already-updated weights of the layer above.
    fn sequential_update(&mut self, mlp: &Mlp<'t>) {
        let layers = mlp.layers();
        let top = layers.len() - 1;
        self.pending.clear();
        for p in layers[top].trainable_parameters() {
            self.pending.push((p, self.sgd.updated(p, &self.grads)));
        }
        self.deltas.clear();
        let grads = &self.grads;
        self.deltas
            .extend(self.forward.nets(top).iter().map(|&net| grads.wrt(net)));

        for below in (0..top).rev() {
            let above = &layers[below + 1];
            let step = if above.weights_frozen() {
                0.0
            } else {
                self.sgd.learning_rate()
            };
            // Z = Σ_k δ_k · Σ_j w'_kj · out_j, with δ and the updated weights w'
            // as constants: ∂Z/∂(anything below) backpropagates the deltas
            // through the updated weights and the original forward pass.
            let outs = self.forward.outs(below);
            let grads = &self.grads;
            let surrogate = self.tape.sum(above.neurons().iter().zip(&self.deltas).map(
                |(neuron, &delta)| {
                    let weighted = neuron.weights().iter().zip(outs).map(|(&w, &out)| {
                        let updated = w.value() - step * grads.wrt(w);
                        updated * out
                    });
                    delta * self.tape.sum(weighted)
                },
            ));
            surrogate.backward_into(&mut self.grads);
            for p in layers[below].trainable_parameters() {
                self.pending.push((p, self.sgd.updated(p, &self.grads)));
            }
            self.deltas.clear();
            let grads = &self.grads;
            self.deltas
                .extend(self.forward.nets(below).iter().map(|&net| grads.wrt(net)));
        }
        self.tape.rewind(self.mark);
        for &(p, value) in &self.pending {
            self.tape.set_value(p, value);
        }
    }
}
