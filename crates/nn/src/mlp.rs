//! A multi-layer perceptron that owns its parameters as plain numbers.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use autograd::Tape;

use crate::bound::BoundMlp;
use crate::init::SplitMix64;
use crate::layer::{Bias, Layer, LayerSpec};

/// A multi-layer perceptron: layers of any sizes, one after another, its
/// parameters plain numbers it owns.
///
/// A model is a value like any other: it can be returned from the function
/// that trained it, stored, cloned, compared, sent to another thread, and
/// saved. To compute with it, [`bind`](Mlp::bind) it to a
/// [`Tape`]: that records each parameter as a leaf and gives a
/// [`BoundMlp`], whose forward pass is ordinary autograd operations, so
/// every gradient comes from [`autograd::Var::backward`]; nothing here knows
/// a derivative. A [`Trainer`](crate::Trainer) keeps a model and its binding
/// in step.
///
/// The parameters are one flat list, layer by layer: each layer's weights
/// neuron by neuron, then its biases ([`Layer::weight_range`],
/// [`Layer::bias_range`]).
///
/// # Examples
///
/// ```
/// use autograd::Tape;
/// use nn::{Activation, LayerSpec, Mlp};
///
/// fn make() -> Mlp {
///     Mlp::new(2, &[LayerSpec::new(4, Activation::Tanh), LayerSpec::new(1, Activation::Identity)], 42)
/// }
/// let mlp = make(); // no tape involved: the model owns its numbers
/// assert_eq!(mlp.parameters().len(), 2 * 4 + 4 + 4 * 1 + 1);
///
/// let tape = Tape::new();
/// let net = mlp.bind(&tape);
/// let output = net.forward(&net.inputs(&[0.5, -1.0])).outputs()[0];
/// let gradient = net.gradients(&output.backward());
/// assert_eq!(gradient.len(), mlp.parameters().len());
/// assert!(gradient.iter().all(|g| g.is_finite()));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    n_inputs: usize,
    layers: Vec<Layer>,
    parameters: Vec<f64>,
    names: Option<Names>,
}

/// The names of a named model's inputs, parameters and nodes, shared by
/// every binding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Names {
    /// The names [`Mlp::with_names`] was given, one per layer.
    pub(crate) layers: Vec<Arc<str>>,
    pub(crate) inputs: Vec<Arc<str>>,
    pub(crate) parameters: Vec<Arc<str>>,
    /// Per layer, each neuron's net input and output node names.
    pub(crate) nodes: Vec<Vec<(Arc<str>, Arc<str>)>>,
}

impl Mlp {
    /// A network over `n_inputs` inputs with the given layers, its parameters
    /// drawn deterministically from `seed` (uniform in ±1/√fan-in).
    ///
    /// # Panics
    ///
    /// If `layers` is empty, a layer has no neurons, or a layer's
    /// activation has a parameter that is not finite (layers are numbered
    /// from 0).
    pub fn new(n_inputs: usize, layers: &[LayerSpec], seed: u64) -> Self {
        let mut mlp = Self::zeros(n_inputs, layers);
        let mut rng = SplitMix64::new(seed);
        for layer in &mlp.layers {
            let limit = 1.0 / (layer.n_inputs().max(1) as f64).sqrt();
            // Weights first, then biases, as the parameters are laid out.
            for p in &mut mlp.parameters[layer.parameter_range()] {
                *p = rng.uniform(limit);
            }
        }
        mlp
    }

    /// A network of the given shape whose parameters are all 0, to be set
    /// with [`Mlp::set_parameters`].
    ///
    /// # Panics
    ///
    /// As [`Mlp::new`].
    pub fn zeros(n_inputs: usize, layers: &[LayerSpec]) -> Self {
        let layers = layout(n_inputs, layers).unwrap_or_else(|e| panic!("Mlp::new: {e}"));
        Self::from_layers(n_inputs, layers)
    }

    /// A network of laid-out layers ([`layout`]), its parameters all 0.
    pub(crate) fn from_layers(n_inputs: usize, layers: Vec<Layer>) -> Self {
        let count = layers.last().map_or(0, |layer| layer.parameter_range().end);
        Mlp {
            n_inputs,
            layers,
            parameters: vec![0.0; count],
            names: None,
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
    /// let spec = LayerSpec::new(2, Activation::Sigmoid).with_bias(Bias::Shared);
    /// let mlp = Mlp::new(2, &[spec, spec], 0).with_names(&["h", "o"]);
    /// let names: Vec<_> = mlp.parameter_names().collect();
    /// assert_eq!(names, ["w1", "w2", "w3", "w4", "b1", "w5", "w6", "w7", "w8", "b2"]);
    /// let tape = Tape::new();
    /// let net = mlp.bind(&tape);
    /// let out = net.forward(&net.inputs(&[0.05, 0.10])).outputs()[0];
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
        let prefixes: Vec<Arc<str>> = layer_names.iter().map(|&name| Arc::from(name)).collect();
        let parameters = (0..self.parameters.len())
            .map(|i| Arc::from(parameter_name(&self.layers, Some(&prefixes), i)))
            .collect();
        let nodes = self
            .layers
            .iter()
            .zip(&prefixes)
            .map(|(layer, prefix)| {
                (1..=layer.len())
                    .map(|k| {
                        (
                            Arc::from(format!("net_{prefix}{k}")),
                            Arc::from(format!("out_{prefix}{k}")),
                        )
                    })
                    .collect()
            })
            .collect();
        let inputs = (1..=self.n_inputs)
            .map(|k| Arc::from(format!("i{k}")))
            .collect();
        self.names = Some(Names {
            layers: prefixes,
            inputs,
            parameters,
            nodes,
        });
        self
    }

    /// Records every parameter on `tape` as a [`Tape::var`] leaf (named, in
    /// a named network) and returns the network bound to them, to record
    /// forward passes with. The model is not borrowed: the binding copies
    /// the numbers, and a [`Trainer`](crate::Trainer) writes them back.
    ///
    /// # Examples
    ///
    /// ```
    /// let mlp = nn::blog::network();
    /// let tape = autograd::Tape::new();
    /// let net = mlp.bind(&tape);
    /// let w5 = net.parameter("w5").unwrap();
    /// assert_eq!(w5.value(), 0.40);
    /// ```
    pub fn bind<'t>(&self, tape: &'t Tape) -> BoundMlp<'t> {
        BoundMlp::new(tape, self)
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
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The layers, for freezing.
    pub fn layers_mut(&mut self) -> &mut [Layer] {
        &mut self.layers
    }

    /// Every parameter, layer by layer: each layer's weights neuron by
    /// neuron, then its biases.
    pub fn parameters(&self) -> &[f64] {
        &self.parameters
    }

    /// Every parameter, to change in place (an optimiser's step).
    pub fn parameters_mut(&mut self) -> &mut [f64] {
        &mut self.parameters
    }

    /// Sets every parameter, in [`Mlp::parameters`] order.
    ///
    /// # Panics
    ///
    /// If `values` does not have one value per parameter.
    pub fn set_parameters(&mut self, values: &[f64]) {
        assert_eq!(
            values.len(),
            self.parameters.len(),
            "Mlp::set_parameters: the network has {} parameters but got {} values",
            self.parameters.len(),
            values.len()
        );
        self.parameters.copy_from_slice(values);
    }

    /// Layer `layer`'s weights, neuron by neuron.
    pub fn weights(&self, layer: usize) -> &[f64] {
        &self.parameters[self.layers[layer].weight_range()]
    }

    /// Layer `layer`'s biases: one per neuron, or the single shared one.
    pub fn biases(&self, layer: usize) -> &[f64] {
        &self.parameters[self.layers[layer].bias_range()]
    }

    /// Whether the optimiser may change each parameter, in
    /// [`Mlp::parameters`] order.
    pub fn trainable(&self) -> impl Iterator<Item = bool> + '_ {
        self.layers
            .iter()
            .flat_map(|layer| layer.parameter_range().map(|i| layer.trainable(i)))
    }

    /// Freezes every layer's biases (the worked example never updates them).
    pub fn freeze_biases(&mut self) {
        for layer in &mut self.layers {
            layer.freeze_biases();
        }
    }

    /// Whether [`Mlp::with_names`] named it.
    pub fn is_named(&self) -> bool {
        self.names.is_some()
    }

    /// The layer names a [named](Mlp::with_names) network was given, input
    /// side first; `None` for an unnamed one.
    ///
    /// # Examples
    ///
    /// ```
    /// let mlp = nn::blog::network();
    /// let names: Vec<&str> = mlp.layer_names().unwrap().collect();
    /// assert_eq!(names, ["h", "o"]);
    /// ```
    pub fn layer_names(&self) -> Option<impl ExactSizeIterator<Item = &str> + '_> {
        self.names
            .as_ref()
            .map(|names| names.layers.iter().map(|name| &**name))
    }

    /// The name of every parameter, in [`Mlp::parameters`] order: the
    /// blog-style names of a [named](Mlp::with_names) network, else
    /// `l<layer>.w<neuron>.<input>` and `l<layer>.b<neuron>` (`l<layer>.b`
    /// for a shared bias), counted from 1.
    ///
    /// # Examples
    ///
    /// ```
    /// use nn::{Activation, LayerSpec, Mlp};
    ///
    /// let mlp = Mlp::new(2, &[LayerSpec::new(1, Activation::Tanh)], 0);
    /// let names: Vec<_> = mlp.parameter_names().collect();
    /// assert_eq!(names, ["l1.w1.1", "l1.w1.2", "l1.b1"]);
    /// ```
    pub fn parameter_names(&self) -> impl Iterator<Item = Cow<'_, str>> + '_ {
        (0..self.parameters.len()).map(|i| self.parameter_name(i))
    }

    /// The name of the parameter at `index` (see [`Mlp::parameter_names`]).
    ///
    /// # Panics
    ///
    /// If there is no parameter at `index`.
    pub fn parameter_name(&self, index: usize) -> Cow<'_, str> {
        if let Some(names) = &self.names {
            return Cow::Borrowed(&names.parameters[index]);
        }
        assert!(
            index < self.parameters.len(),
            "Mlp::parameter_name: the network has {} parameters, none at {index}",
            self.parameters.len()
        );
        Cow::Owned(parameter_name(&self.layers, None, index))
    }

    /// The position of the parameter named `name`, if there is one.
    pub fn parameter_index(&self, name: &str) -> Option<usize> {
        self.parameter_names().position(|n| n == name)
    }

    pub(crate) fn names(&self) -> Option<&Names> {
        self.names.as_ref()
    }
}

/// Lays out `specs` over `n_inputs` inputs: each layer's place among the
/// parameters. Refuses a network with no layers, a layer with no neurons,
/// an activation parameter that is not finite, and more parameters than
/// memory could index; layers are numbered from 0.
pub(crate) fn layout(n_inputs: usize, specs: &[LayerSpec]) -> Result<Vec<Layer>, String> {
    if specs.is_empty() {
        return Err("a network needs at least one layer".to_owned());
    }
    let mut fan_in = n_inputs;
    let mut offset: usize = 0;
    let mut layers = Vec::with_capacity(specs.len());
    for (k, &spec) in specs.iter().enumerate() {
        if spec.size == 0 {
            return Err(format!("layer {k} has no neurons"));
        }
        if let Some(p) = spec.activation.parameter().filter(|p| !p.is_finite()) {
            return Err(format!(
                "layer {k}: the activation {} needs a finite parameter, got {p}",
                spec.activation
            ));
        }
        let biases = match spec.bias {
            Bias::PerNeuron => spec.size,
            Bias::Shared => 1,
        };
        let end = spec
            .size
            .checked_mul(fan_in)
            .and_then(|weights| weights.checked_add(biases))
            .and_then(|count| count.checked_add(offset))
            .filter(|&end| end <= isize::MAX as usize / size_of::<f64>())
            .ok_or_else(|| {
                format!(
                    "layer {k} ({} neurons) makes too many parameters to hold",
                    spec.size
                )
            })?;
        layers.push(Layer::new(spec, fan_in, offset));
        fan_in = spec.size;
        offset = end;
    }
    Ok(layers)
}

/// The name of the parameter at `index` among `layers`' parameters (which
/// must hold it): with `prefixes` (one per layer), the blog's style (`w1`
/// numbered through the network, `b<layer number>` for a shared bias,
/// `b_<prefix><neuron>` for one per neuron); without,
/// `l<layer>.w<neuron>.<input>`, `l<layer>.b<neuron>` or `l<layer>.b`.
/// Counted from 1. The one naming rule, for models and the files they are
/// saved to.
pub(crate) fn parameter_name(
    layers: &[Layer],
    prefixes: Option<&[Arc<str>]>,
    index: usize,
) -> String {
    let number = layers
        .iter()
        .position(|layer| layer.parameter_range().contains(&index))
        .expect("the parameter's layer");
    let layer = &layers[number];
    let weights = layer.weight_range();
    let at = index.wrapping_sub(weights.start);
    match prefixes {
        Some(_) if weights.contains(&index) => {
            let before: usize = layers[..number]
                .iter()
                .map(|l| l.weight_range().len())
                .sum();
            format!("w{}", before + at + 1)
        }
        Some(_) if layer.bias_mode() == Bias::Shared => format!("b{}", number + 1),
        Some(prefixes) => format!(
            "b_{}{}",
            prefixes[number],
            index - layer.bias_range().start + 1
        ),
        None if weights.contains(&index) => {
            let (neuron, input) = (at / layer.n_inputs(), at % layer.n_inputs());
            format!("l{}.w{}.{}", number + 1, neuron + 1, input + 1)
        }
        None if layer.bias_mode() == Bias::Shared => format!("l{}.b", number + 1),
        None => format!("l{}.b{}", number + 1, index - layer.bias_range().start + 1),
    }
}

/// One layer a paragraph, each neuron with its current parameters:
/// `sigmoid(0.15·x1 + 0.2·x2 + 0.35)`.
impl fmt::Display for Mlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MLP over {} inputs", self.n_inputs)?;
        for (number, layer) in self.layers.iter().enumerate() {
            write!(
                f,
                "\nlayer {}: {} neurons, {}",
                number + 1,
                layer.len(),
                layer.activation()
            )?;
            if layer.bias_mode() == Bias::Shared {
                write!(f, ", shared bias")?;
            }
            let weights = self.weights(number);
            for k in 0..layer.len() {
                write!(f, "\n  {}(", layer.activation())?;
                for (j, w) in weights[k * layer.n_inputs()..(k + 1) * layer.n_inputs()]
                    .iter()
                    .enumerate()
                {
                    write!(f, "{w}·x{} + ", j + 1)?;
                }
                write!(f, "{})", self.parameters[layer.bias_index(k)])?;
            }
        }
        Ok(())
    }
}
