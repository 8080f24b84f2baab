//! A multi-layer perceptron: layers of any sizes, one after another.

use std::fmt;
use std::rc::Rc;

use autograd::{Name, Tape, Var};

use crate::init::SplitMix64;
use crate::layer::{Bias, Layer, LayerSpec};

/// A multi-layer perceptron whose parameters are leaves of a [`Tape`].
///
/// The network records its forward pass with ordinary autograd operations,
/// so every gradient comes from [`Var::backward`]; nothing here knows a
/// derivative.
///
/// # Examples
///
/// ```
/// use autograd::Tape;
/// use nn::{Activation, LayerSpec, Mlp};
///
/// let tape = Tape::new();
/// let mlp = Mlp::new(
///     &tape,
///     2,
///     &[LayerSpec::new(4, Activation::Tanh), LayerSpec::new(1, Activation::Identity)],
///     42,
/// );
/// assert_eq!(mlp.parameters().count(), 2 * 4 + 4 + 4 * 1 + 1);
/// let inputs = mlp.inputs(&[0.5, -1.0]);
/// let output = mlp.forward(&inputs).outputs()[0];
/// let grads = output.backward();
/// for w in mlp.parameters() {
///     assert!(grads.wrt(w).is_finite());
/// }
/// ```
#[derive(Clone, Debug)]
pub struct Mlp<'t> {
    tape: &'t Tape,
    n_inputs: usize,
    layers: Vec<Layer<'t>>,
    input_names: Option<Vec<Rc<str>>>,
}

/// The nodes one forward pass recorded: each layer's net inputs and outputs.
///
/// Reuse one with [`Mlp::forward_into`] to record a pass without allocating.
#[derive(Clone, Debug, Default)]
pub struct Forward<'t> {
    nets: Vec<Vec<Var<'t>>>,
    outs: Vec<Vec<Var<'t>>>,
}

impl<'t> Forward<'t> {
    /// An empty record, to fill with [`Mlp::forward_into`].
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

impl<'t> Mlp<'t> {
    /// A network over `n_inputs` inputs with the given layers, its parameters
    /// recorded on `tape` as [`Tape::var`] leaves and drawn deterministically
    /// from `seed` (uniform in ±1/√fan-in).
    ///
    /// # Panics
    ///
    /// If `layers` is empty, a layer has no neurons, or a layer's
    /// activation has a parameter that is not finite (layers are numbered
    /// from 0).
    pub fn new(tape: &'t Tape, n_inputs: usize, layers: &[LayerSpec], seed: u64) -> Self {
        assert!(
            !layers.is_empty(),
            "Mlp::new: a network needs at least one layer"
        );
        let mut rng = SplitMix64::new(seed);
        let mut fan_in = n_inputs;
        let layers = layers
            .iter()
            .enumerate()
            .map(|(k, &spec)| {
                assert!(spec.size > 0, "Mlp::new: layer {k} has no neurons");
                spec.activation.check(format_args!("Mlp::new: layer {k}"));
                let layer = Layer::random(tape, fan_in, spec, &mut rng);
                fan_in = spec.size;
                layer
            })
            .collect();
        Mlp {
            tape,
            n_inputs,
            layers,
            input_names: None,
        }
    }

    /// Names every parameter and every node a forward pass records, in the
    /// worked example's style, so traces read like the blog:
    ///
    /// - inputs `i1, i2, ...`;
    /// - weights `w1, w2, ...`, numbered through the whole network, neuron
    ///   by neuron;
    /// - a shared bias `b1, b2, ...` by layer number; a per-neuron bias
    ///   `b_<layer name><neuron number>`;
    /// - each neuron's net input `net_<layer name><k>` and output
    ///   `out_<layer name><k>`.
    ///
    /// # Panics
    ///
    /// If `layer_names` does not have one name per layer.
    ///
    /// # Examples
    ///
    /// ```
    /// use autograd::Tape;
    /// use nn::{Activation, Bias, LayerSpec, Mlp};
    ///
    /// let tape = Tape::new();
    /// let spec = LayerSpec::new(2, Activation::Sigmoid).with_bias(Bias::Shared);
    /// let mlp = Mlp::new(&tape, 2, &[spec, spec], 0).with_names(&["h", "o"]);
    /// let names: Vec<_> = mlp.parameters().map(|p| p.name().unwrap()).collect();
    /// assert_eq!(names, ["w1", "w2", "w3", "w4", "b1", "w5", "w6", "w7", "w8", "b2"]);
    /// let out = mlp.forward(&mlp.inputs(&[0.05, 0.10])).outputs()[0];
    /// assert_eq!(out.name().as_deref(), Some("out_o1"));
    /// ```
    #[must_use]
    pub fn with_names(mut self, layer_names: &[&str]) -> Self {
        assert_eq!(
            layer_names.len(),
            self.layers.len(),
            "Mlp::with_names: the network has {} layers but got {} names",
            self.layers.len(),
            layer_names.len()
        );
        let mut weight = 0;
        for (number, (layer, prefix)) in self.layers.iter_mut().zip(layer_names).enumerate() {
            for w in layer.weights() {
                weight += 1;
                w.named(format!("w{weight}"));
            }
            match layer.bias_mode() {
                Bias::Shared => {
                    for b in layer.biases() {
                        b.named(format!("b{}", number + 1));
                    }
                }
                Bias::PerNeuron => {
                    for (k, b) in layer.biases().enumerate() {
                        b.named(format!("b_{prefix}{}", k + 1));
                    }
                }
            }
            let names = (1..=layer.len())
                .map(|k| {
                    (
                        format!("net_{prefix}{k}").into(),
                        format!("out_{prefix}{k}").into(),
                    )
                })
                .collect();
            layer.set_node_names(names);
        }
        self.input_names = Some(
            (1..=self.n_inputs)
                .map(|k| format!("i{k}").into())
                .collect(),
        );
        self
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

    /// The layers, input side first.
    pub fn layers(&self) -> &[Layer<'t>] {
        &self.layers
    }

    /// The layers, for freezing.
    pub fn layers_mut(&mut self) -> &mut [Layer<'t>] {
        &mut self.layers
    }

    /// Every parameter, layer by layer: each layer's weights, then its biases.
    pub fn parameters(&self) -> impl Iterator<Item = Var<'t>> + '_ {
        self.layers.iter().flat_map(Layer::parameters)
    }

    /// The parameters an optimiser may change, in [`Mlp::parameters`] order.
    pub fn trainable_parameters(&self) -> impl Iterator<Item = Var<'t>> + '_ {
        self.layers.iter().flat_map(Layer::trainable_parameters)
    }

    /// Freezes every layer's biases (the worked example never updates them).
    pub fn freeze_biases(&mut self) {
        for layer in &mut self.layers {
            layer.freeze_biases();
        }
    }

    /// Sets every parameter, in [`Mlp::parameters`] order.
    ///
    /// # Panics
    ///
    /// If `values` does not have one value per parameter.
    pub fn set_parameters(&self, values: &[f64]) {
        let count = self.parameters().count();
        assert_eq!(
            values.len(),
            count,
            "Mlp::set_parameters: the network has {count} parameters but got {} values",
            values.len()
        );
        for (p, &v) in self.parameters().zip(values) {
            self.tape.set_value(p, v);
        }
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

    /// [`Mlp::inputs`] into a reused buffer.
    pub(crate) fn inputs_into(&self, values: &[f64], inputs: &mut Vec<Var<'t>>) {
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
            inputs.push(match &self.input_names {
                Some(names) => input.named(Name::from(names[k].clone())),
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
        for (k, layer) in self.layers.iter().enumerate() {
            let (done, rest) = forward.outs.split_at_mut(k);
            let layer_inputs = done.last().map_or(inputs, Vec::as_slice);
            let (nets, outs) = (&mut forward.nets[k], &mut rest[0]);
            nets.clear();
            outs.clear();
            layer.forward_into(layer_inputs, nets, outs);
        }
    }
}

/// One layer a paragraph, with the current parameter values.
impl fmt::Display for Mlp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MLP over {} inputs", self.n_inputs)?;
        for (k, layer) in self.layers.iter().enumerate() {
            write!(f, "\nlayer {}: {layer}", k + 1)?;
        }
        Ok(())
    }
}
