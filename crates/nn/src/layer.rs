//! A layer: neurons that read the same inputs, with one bias each or one
//! bias shared by all.

use std::ops::Range;

use crate::activation::Activation;

/// How a layer's neurons get their biases.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Bias {
    /// One bias per neuron, as in most networks.
    #[default]
    PerNeuron,
    /// One bias shared by every neuron of the layer, as in the worked
    /// example (`b1`, `b2`): its gradient sums the paths through all of them.
    Shared,
}

/// The shape of one layer: how many neurons, their activation, their bias.
///
/// # Examples
///
/// ```
/// use nn::{Activation, Bias, LayerSpec};
///
/// let hidden = LayerSpec::new(16, Activation::Tanh);
/// assert_eq!(hidden.bias, Bias::PerNeuron);
/// let blog = LayerSpec::new(2, Activation::Sigmoid).with_bias(Bias::Shared);
/// assert_eq!(blog.size, 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LayerSpec {
    /// Number of neurons.
    pub size: usize,
    /// The activation every neuron applies.
    pub activation: Activation,
    /// How the neurons get their biases; default [`Bias::PerNeuron`].
    pub bias: Bias,
}

impl LayerSpec {
    /// `size` neurons with `activation`, one bias per neuron.
    pub fn new(size: usize, activation: Activation) -> Self {
        LayerSpec {
            size,
            activation,
            bias: Bias::PerNeuron,
        }
    }

    /// The same layer with its biases given by `bias`.
    #[must_use]
    pub fn with_bias(mut self, bias: Bias) -> Self {
        self.bias = bias;
        self
    }
}

/// One layer of a model: its shape, where its parameters sit among the
/// model's, and whether the optimiser may change them.
///
/// The numbers themselves live in the [`Mlp`](crate::Mlp), flat and in
/// order: this layer's weights neuron by neuron, then its biases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    spec: LayerSpec,
    n_inputs: usize,
    /// Where the layer's weights start among the model's parameters; its
    /// biases follow them.
    offset: usize,
    weights_frozen: bool,
    biases_frozen: bool,
}

impl Layer {
    pub(crate) fn new(spec: LayerSpec, n_inputs: usize, offset: usize) -> Self {
        Layer {
            spec,
            n_inputs,
            offset,
            weights_frozen: false,
            biases_frozen: false,
        }
    }

    /// Its shape.
    pub fn spec(&self) -> LayerSpec {
        self.spec
    }

    /// Number of neurons.
    pub fn len(&self) -> usize {
        self.spec.size
    }

    /// Whether the layer has no neurons (a model never has such a layer).
    pub fn is_empty(&self) -> bool {
        self.spec.size == 0
    }

    /// How many inputs each neuron reads.
    pub fn n_inputs(&self) -> usize {
        self.n_inputs
    }

    /// The activation every neuron applies.
    pub fn activation(&self) -> Activation {
        self.spec.activation
    }

    /// How the neurons get their biases.
    pub fn bias_mode(&self) -> Bias {
        self.spec.bias
    }

    /// Where the layer's weights sit among the model's parameters, neuron by
    /// neuron: neuron `k`'s weight for input `j` is at
    /// `weight_range().start + k * n_inputs + j`.
    pub fn weight_range(&self) -> Range<usize> {
        self.offset..self.offset + self.spec.size * self.n_inputs
    }

    /// Where the layer's biases sit among the model's parameters: one per
    /// neuron, or the single shared one.
    pub fn bias_range(&self) -> Range<usize> {
        let start = self.weight_range().end;
        let count = match self.spec.bias {
            Bias::PerNeuron => self.spec.size,
            Bias::Shared => 1,
        };
        start..start + count
    }

    /// Where the layer's parameters sit among the model's: its weights,
    /// then its biases.
    pub fn parameter_range(&self) -> Range<usize> {
        self.offset..self.bias_range().end
    }

    /// The position among the model's parameters of neuron `k`'s bias.
    pub(crate) fn bias_index(&self, k: usize) -> usize {
        match self.spec.bias {
            Bias::PerNeuron => self.bias_range().start + k,
            Bias::Shared => self.bias_range().start,
        }
    }

    /// Whether the optimiser may change the parameter at `index`, one of
    /// this layer's.
    pub(crate) fn trainable(&self, index: usize) -> bool {
        if self.weight_range().contains(&index) {
            !self.weights_frozen
        } else {
            !self.biases_frozen
        }
    }

    /// Keeps the optimiser from changing this layer's biases. Their gradients
    /// are still computed and can be read.
    pub fn freeze_biases(&mut self) {
        self.biases_frozen = true;
    }

    /// Keeps the optimiser from changing this layer's weights.
    pub fn freeze_weights(&mut self) {
        self.weights_frozen = true;
    }

    /// Whether the biases are frozen.
    pub fn biases_frozen(&self) -> bool {
        self.biases_frozen
    }

    /// Whether the weights are frozen.
    pub fn weights_frozen(&self) -> bool {
        self.weights_frozen
    }
}
