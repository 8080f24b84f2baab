//! The model file's schema, version 1, as serde types: what is written is
//! exactly these fields, and reading refuses any other.
//!
//! The types mirror the model's own ([`Activation`], [`Bias`]) rather than
//! deriving serde on them, so the file format changes only when this
//! module does.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::activation::Activation;
use crate::layer::{Bias, LayerSpec};

/// What a model file says it is, in its `format` field.
pub(crate) const FORMAT: &str = "nn.Mlp";

/// The schema version this crate writes and reads.
pub(crate) const VERSION: u64 = 1;

/// A whole file.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ModelFile {
    pub(crate) format: String,
    pub(crate) version: u64,
    pub(crate) inputs: usize,
    /// The names [`Mlp::with_names`](crate::Mlp::with_names) was given,
    /// for a named model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) layer_names: Option<Vec<String>>,
    pub(crate) layers: Vec<LayerEntry>,
    pub(crate) parameters: Parameters,
}

/// One layer's shape and frozen flags.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LayerEntry {
    pub(crate) size: usize,
    pub(crate) activation: ActivationEntry,
    #[serde(default)]
    pub(crate) bias: BiasEntry,
    #[serde(default)]
    pub(crate) weights_frozen: bool,
    #[serde(default)]
    pub(crate) biases_frozen: bool,
}

impl LayerEntry {
    pub(crate) fn spec(&self) -> LayerSpec {
        LayerSpec::new(self.size, self.activation.into()).with_bias(self.bias.into())
    }
}

/// An activation: `"sigmoid"`, or `{"leaky_relu": 0.01}` with its
/// parameter.
#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ActivationEntry {
    Sigmoid,
    Tanh,
    Relu,
    Identity,
    LeakyRelu(f64),
    Elu(f64),
    Softplus,
}

impl From<Activation> for ActivationEntry {
    fn from(activation: Activation) -> Self {
        match activation {
            Activation::Sigmoid => Self::Sigmoid,
            Activation::Tanh => Self::Tanh,
            Activation::Relu => Self::Relu,
            Activation::Identity => Self::Identity,
            Activation::LeakyRelu(slope) => Self::LeakyRelu(slope),
            Activation::Elu(alpha) => Self::Elu(alpha),
            Activation::Softplus => Self::Softplus,
        }
    }
}

impl From<ActivationEntry> for Activation {
    fn from(entry: ActivationEntry) -> Self {
        match entry {
            ActivationEntry::Sigmoid => Self::Sigmoid,
            ActivationEntry::Tanh => Self::Tanh,
            ActivationEntry::Relu => Self::Relu,
            ActivationEntry::Identity => Self::Identity,
            ActivationEntry::LeakyRelu(slope) => Self::LeakyRelu(slope),
            ActivationEntry::Elu(alpha) => Self::Elu(alpha),
            ActivationEntry::Softplus => Self::Softplus,
        }
    }
}

/// `"per_neuron"` (the default) or `"shared"`.
#[derive(Clone, Copy, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum BiasEntry {
    #[default]
    PerNeuron,
    Shared,
}

impl From<Bias> for BiasEntry {
    fn from(bias: Bias) -> Self {
        match bias {
            Bias::PerNeuron => Self::PerNeuron,
            Bias::Shared => Self::Shared,
        }
    }
}

impl From<BiasEntry> for Bias {
    fn from(entry: BiasEntry) -> Self {
        match entry {
            BiasEntry::PerNeuron => Self::PerNeuron,
            BiasEntry::Shared => Self::Shared,
        }
    }
}

/// The parameters by name, in the file's order: a JSON object from name
/// to number. Reading refuses a name given twice (a JSON object would
/// otherwise keep the last silently).
pub(crate) struct Parameters(pub(crate) Vec<(String, f64)>);

impl Serialize for Parameters {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Parameters {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ParametersVisitor)
    }
}

struct ParametersVisitor;

impl<'de> Visitor<'de> for ParametersVisitor {
    type Value = Parameters;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object from parameter name to number")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parameters, A::Error> {
        let mut entries: Vec<(String, f64)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        while let Some(name) = map.next_key::<String>()? {
            let value = map.next_value::<f64>()?;
            if !seen.insert(name.clone()) {
                return Err(de::Error::custom(format_args!(
                    "the parameter `{name}` is given twice"
                )));
            }
            entries.push((name, value));
        }
        Ok(Parameters(entries))
    }
}
