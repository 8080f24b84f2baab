//! A layer: neurons that read the same inputs, with one bias each or one
//! bias shared by all.

use std::fmt;
use std::rc::Rc;

use autograd::{Name, Tape, Var};

use crate::activation::Activation;
use crate::init::SplitMix64;
use crate::neuron::Neuron;

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

/// A layer of neurons over the same inputs.
#[derive(Clone, Debug)]
pub struct Layer<'t> {
    neurons: Vec<Neuron<'t>>,
    bias: Bias,
    weights_frozen: bool,
    biases_frozen: bool,
    /// Names for each neuron's net input and output nodes, when the network
    /// is named.
    node_names: Option<Vec<(Rc<str>, Rc<str>)>>,
}

impl<'t> Layer<'t> {
    /// A layer of `spec.size` neurons over `n_inputs` inputs, its parameters
    /// drawn uniformly from ±1/√n_inputs.
    pub(crate) fn random(
        tape: &'t Tape,
        n_inputs: usize,
        spec: LayerSpec,
        rng: &mut SplitMix64,
    ) -> Self {
        let limit = 1.0 / (n_inputs.max(1) as f64).sqrt();
        // Weights first, then biases, so a trace lists w1..w4 before b1.
        let weights: Vec<Vec<Var<'t>>> = (0..spec.size)
            .map(|_| {
                (0..n_inputs)
                    .map(|_| tape.var(rng.uniform(limit)))
                    .collect()
            })
            .collect();
        let shared = (spec.bias == Bias::Shared).then(|| tape.var(rng.uniform(limit)));
        let neurons = weights
            .into_iter()
            .map(|weights| {
                let bias = shared.unwrap_or_else(|| tape.var(rng.uniform(limit)));
                Neuron::new(weights, bias, spec.activation)
            })
            .collect();
        Layer {
            neurons,
            bias: spec.bias,
            weights_frozen: false,
            biases_frozen: false,
            node_names: None,
        }
    }

    /// The neurons.
    pub fn neurons(&self) -> &[Neuron<'t>] {
        &self.neurons
    }

    /// Number of neurons.
    pub fn len(&self) -> usize {
        self.neurons.len()
    }

    /// Whether the layer has no neurons.
    pub fn is_empty(&self) -> bool {
        self.neurons.is_empty()
    }

    /// How the neurons get their biases.
    pub fn bias_mode(&self) -> Bias {
        self.bias
    }

    /// Every weight, neuron by neuron.
    pub fn weights(&self) -> impl Iterator<Item = Var<'t>> + '_ {
        self.neurons
            .iter()
            .flat_map(|n| n.weights().iter().copied())
    }

    /// Every bias: one per neuron, or the single shared one.
    pub fn biases(&self) -> impl Iterator<Item = Var<'t>> + '_ {
        let count = match self.bias {
            Bias::PerNeuron => self.neurons.len(),
            Bias::Shared => self.neurons.len().min(1),
        };
        self.neurons.iter().take(count).map(Neuron::bias)
    }

    /// Weights, then biases.
    pub fn parameters(&self) -> impl Iterator<Item = Var<'t>> + '_ {
        self.weights().chain(self.biases())
    }

    /// The parameters an optimiser may change: those not frozen.
    pub fn trainable_parameters(&self) -> impl Iterator<Item = Var<'t>> + '_ {
        let weights = self.weights().filter(|_| !self.weights_frozen);
        weights.chain(self.biases().filter(|_| !self.biases_frozen))
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

    /// Records every neuron on `inputs`, appending the net inputs to `nets`
    /// and the outputs to `outs`.
    pub(crate) fn forward_into(
        &self,
        inputs: &[Var<'t>],
        nets: &mut Vec<Var<'t>>,
        outs: &mut Vec<Var<'t>>,
    ) {
        for (k, neuron) in self.neurons.iter().enumerate() {
            let (mut net, mut out) = neuron.forward(inputs);
            if let Some(names) = &self.node_names {
                net = net.named(Name::from(names[k].0.clone()));
                // An identity activation makes out the same node as net.
                if out != net {
                    out = out.named(Name::from(names[k].1.clone()));
                }
            }
            nets.push(net);
            outs.push(out);
        }
    }

    pub(crate) fn set_node_names(&mut self, names: Vec<(Rc<str>, Rc<str>)>) {
        self.node_names = Some(names);
    }
}

/// `2 × sigmoid, shared bias` and each neuron on its own line.
impl fmt::Display for Layer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let activation = self.neurons.first().map(Neuron::activation);
        write!(f, "{} neurons", self.neurons.len())?;
        if let Some(activation) = activation {
            write!(f, ", {activation}")?;
        }
        if self.bias == Bias::Shared {
            write!(f, ", shared bias")?;
        }
        for neuron in &self.neurons {
            write!(f, "\n  {neuron}")?;
        }
        Ok(())
    }
}
