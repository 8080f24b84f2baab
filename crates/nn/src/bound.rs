//! A model bound to a tape: its parameters as leaves, forward passes as
//! recorded nodes, gradients read back by parameter.

use std::sync::Arc;

use autograd::{Gradients, Name, Tape, Var};

use crate::layer::Layer;
use crate::mlp::{Mlp, Names};
use crate::neuron;

/// An [`Mlp`] bound to a [`Tape`] by [`Mlp::bind`]: every parameter is a
/// leaf of the tape, in the model's order, and a forward pass records the
/// network's nodes over it.
///
/// It holds a copy of the model's shape and names, not a borrow of the
/// model, so a [`Trainer`](crate::Trainer) can own both. After a backward
/// sweep, [`BoundMlp::gradients`] gives the gradient by parameter, in the
/// model's order, for an optimiser to apply to the model.
///
/// # Examples
///
/// ```
/// use autograd::Tape;
/// use nn::blog;
///
/// let tape = Tape::new();
/// let net = blog::network().bind(&tape);
/// let pass = blog::forward(&net);
/// let gradient = net.gradients(&pass.total.backward());
/// let w5 = blog::network().parameter_index("w5").unwrap();
/// assert!(blog::figure(12).is_exact(gradient[w5])); // ∂E_total/∂w5
/// ```
#[derive(Clone, Debug)]
pub struct BoundMlp<'t> {
    tape: &'t Tape,
    n_inputs: usize,
    layers: Vec<Layer>,
    names: Option<Names>,
    parameters: Vec<Var<'t>>,
}

/// The nodes one forward pass recorded: each layer's net inputs and outputs.
///
/// Reuse one with [`BoundMlp::forward_into`] to record a pass without
/// allocating.
#[derive(Clone, Debug, Default)]
pub struct Forward<'t> {
    nets: Vec<Vec<Var<'t>>>,
    outs: Vec<Vec<Var<'t>>>,
}

impl<'t> Forward<'t> {
    /// An empty record, to fill with [`BoundMlp::forward_into`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The network's outputs: the last layer's activations.
    ///
    /// # Panics
    ///
    /// If no pass was recorded into it.
    pub fn outputs(&self) -> &[Var<'t>] {
        self.outs
            .last()
            .expect("Forward::outputs: no forward pass was recorded into this Forward")
    }

    /// Layer `layer`'s net inputs (before the activation).
    pub fn nets(&self, layer: usize) -> &[Var<'t>] {
        &self.nets[layer]
    }

    /// Layer `layer`'s outputs (after the activation).
    pub fn outs(&self, layer: usize) -> &[Var<'t>] {
        &self.outs[layer]
    }

    /// Number of layers recorded.
    pub fn n_layers(&self) -> usize {
        self.outs.len()
    }
}

impl<'t> BoundMlp<'t> {
    pub(crate) fn new(tape: &'t Tape, mlp: &Mlp) -> Self {
        let names = mlp.names().cloned();
        let parameters = mlp
            .parameters()
            .iter()
            .enumerate()
            .map(|(i, &value)| match &names {
                Some(names) => tape.var_named(&names.parameters[i], value),
                None => tape.var(value),
            })
            .collect();
        BoundMlp {
            tape,
            n_inputs: mlp.n_inputs(),
            layers: mlp.layers().to_vec(),
            names,
            parameters,
        }
    }

    /// The tape the parameters live on.
    pub fn tape(&self) -> &'t Tape {
        self.tape
    }

    /// Number of inputs.
    pub fn n_inputs(&self) -> usize {
        self.n_inputs
    }

    /// Number of outputs: the last layer's size.
    pub fn n_outputs(&self) -> usize {
        self.layers.last().map_or(0, Layer::len)
    }

    /// The layers' shapes, as the model had them when it was bound.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// Every parameter's leaf, in the model's order.
    pub fn parameters(&self) -> &[Var<'t>] {
        &self.parameters
    }

    /// The leaf of the parameter named `name` (see
    /// [`Mlp::parameter_names`]), if there is one.
    pub fn parameter(&self, name: &str) -> Option<Var<'t>> {
        let index = match &self.names {
            Some(names) => names.parameters.iter().position(|n| &**n == name)?,
            None => {
                // The model's own naming rule, on a model of this shape.
                let specs: Vec<_> = self.layers.iter().map(Layer::spec).collect();
                Mlp::zeros(self.n_inputs, &specs).parameter_index(name)?
            }
        };
        Some(self.parameters[index])
    }

    /// Layer `layer`'s weight leaves, neuron by neuron.
    pub fn weights(&self, layer: usize) -> &[Var<'t>] {
        &self.parameters[self.layers[layer].weight_range()]
    }

    /// Layer `layer`'s bias leaves: one per neuron, or the single shared one.
    pub fn biases(&self, layer: usize) -> &[Var<'t>] {
        &self.parameters[self.layers[layer].bias_range()]
    }

    /// The gradient of each parameter in `grads`, in the model's order.
    ///
    /// # Panics
    ///
    /// As [`Gradients::wrt`].
    pub fn gradients(&self, grads: &Gradients) -> Vec<f64> {
        let mut gradient = Vec::with_capacity(self.parameters.len());
        self.gradients_into(grads, &mut gradient);
        gradient
    }

    /// [`BoundMlp::gradients`] into a reused buffer.
    ///
    /// # Panics
    ///
    /// As [`Gradients::wrt`].
    pub fn gradients_into(&self, grads: &Gradients, gradient: &mut Vec<f64>) {
        gradient.resize(self.parameters.len(), 0.0);
        grads.wrt_into(&self.parameters, gradient);
    }

    /// Gives every parameter's leaf the model's value, as after an
    /// optimiser's step.
    ///
    /// # Panics
    ///
    /// If the model's shape is not the binding's, or as
    /// [`Tape::set_values`]: no live node may have been computed from a
    /// parameter whose value changes (rewind first).
    pub fn load(&self, mlp: &Mlp) {
        assert_eq!(
            mlp.parameters().len(),
            self.parameters.len(),
            "BoundMlp::load: the network has {} parameters, the binding {}",
            mlp.parameters().len(),
            self.parameters.len()
        );
        // Parameters that keep their bits (frozen ones) are left alone.
        self.tape.set_values(&self.parameters, mlp.parameters());
    }

    /// Records the input values as constants (named `i1, i2, ...` in a named
    /// network).
    ///
    /// # Panics
    ///
    /// If `values` does not have one value per input.
    pub fn inputs(&self, values: &[f64]) -> Vec<Var<'t>> {
        let mut inputs = Vec::with_capacity(values.len());
        self.inputs_into(values, &mut inputs);
        inputs
    }

    /// [`BoundMlp::inputs`] into a reused buffer.
    ///
    /// # Panics
    ///
    /// As [`BoundMlp::inputs`].
    pub fn inputs_into(&self, values: &[f64], inputs: &mut Vec<Var<'t>>) {
        assert_eq!(
            values.len(),
            self.n_inputs,
            "Mlp::inputs: the network takes {} inputs but got {} values",
            self.n_inputs,
            values.len()
        );
        inputs.clear();
        for (k, &v) in values.iter().enumerate() {
            let input = self.tape.constant(v);
            inputs.push(match &self.names {
                Some(names) => input.named(Name::from(Arc::clone(&names.inputs[k]))),
                None => input,
            });
        }
    }

    /// Records a forward pass over `inputs`.
    ///
    /// # Panics
    ///
    /// If `inputs` does not have one value per input.
    pub fn forward(&self, inputs: &[Var<'t>]) -> Forward<'t> {
        let mut forward = Forward::new();
        self.forward_into(inputs, &mut forward);
        forward
    }

    /// Records a forward pass into `forward`, reusing its buffers: after the
    /// first pass this allocates nothing.
    ///
    /// # Panics
    ///
    /// If `inputs` does not have one value per input.
    pub fn forward_into(&self, inputs: &[Var<'t>], forward: &mut Forward<'t>) {
        assert_eq!(
            inputs.len(),
            self.n_inputs,
            "Mlp::forward: the network takes {} inputs but got {}",
            self.n_inputs,
            inputs.len()
        );
        forward.nets.resize_with(self.layers.len(), Vec::new);
        forward.outs.resize_with(self.layers.len(), Vec::new);
        for (number, layer) in self.layers.iter().enumerate() {
            let (done, rest) = forward.outs.split_at_mut(number);
            let layer_inputs = done.last().map_or(inputs, Vec::as_slice);
            let (nets, outs) = (&mut forward.nets[number], &mut rest[0]);
            nets.clear();
            outs.clear();
            let weights = self.weights(number);
            for k in 0..layer.len() {
                let n = layer.n_inputs();
                let (mut net, mut out) = neuron::record(
                    &weights[k * n..(k + 1) * n],
                    self.parameters[layer.bias_index(k)],
                    layer.activation(),
                    layer_inputs,
                );
                if let Some(names) = &self.names {
                    let (net_name, out_name) = &names.nodes[number][k];
                    net = net.named(Name::from(Arc::clone(net_name)));
                    // An identity activation makes out the same node as net.
                    if out != net {
                        out = out.named(Name::from(Arc::clone(out_name)));
                    }
                }
                nets.push(net);
                outs.push(out);
            }
        }
    }
}
