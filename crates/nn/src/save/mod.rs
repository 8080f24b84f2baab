//! Models saved to and loaded from JSON files: the architecture and every
//! parameter by name, bit for bit.

mod error;
mod schema;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::Path;

pub use error::{ModelFileError, ModelFileErrorKind};
use schema::{FORMAT, LayerEntry, ModelFile, Parameters, VERSION};

use crate::layer::{Layer, LayerSpec};
use crate::mlp::{Mlp, layout, parameter_name};

impl Mlp {
    /// Writes the model to `path` as JSON (see [`Mlp::to_json`] for the
    /// format). The file is written beside `path` under a temporary name
    /// and then renamed, so an interrupted save leaves the old file whole.
    ///
    /// # Errors
    ///
    /// If a parameter is NaN or infinite ([`ModelFileErrorKind::NotFinite`]),
    /// or the file cannot be written ([`ModelFileErrorKind::Io`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use nn::{Activation, LayerSpec, Mlp};
    ///
    /// fn train() -> Mlp {
    ///     Mlp::new(2, &[LayerSpec::new(3, Activation::Tanh), LayerSpec::new(1, Activation::Identity)], 7)
    /// }
    /// let path = std::env::temp_dir().join(format!("nn-doc-save-{}.json", std::process::id()));
    /// let model = train();
    /// model.save(&path)?;
    /// assert_eq!(Mlp::load(&path)?, model); // every bit
    /// # std::fs::remove_file(&path).unwrap();
    /// # Ok::<(), nn::ModelFileError>(())
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), ModelFileError> {
        let path = path.as_ref();
        let text = self.to_json().map_err(|e| e.at(path))?;
        write_whole(path, text.as_bytes())
            .map_err(|e| ModelFileError::new(ModelFileErrorKind::Io(e)).at(path))
    }

    /// Reads a model that [`Mlp::save`] wrote: its architecture, names,
    /// frozen flags and parameters, the same bits that were saved.
    ///
    /// # Errors
    ///
    /// If the file cannot be read, or its text is not a whole, valid model
    /// file ([`Mlp::from_json`]); the error names the file.
    pub fn load(path: impl AsRef<Path>) -> Result<Mlp, ModelFileError> {
        let path = path.as_ref();
        let text = fs::read_to_string(path)
            .map_err(|e| ModelFileError::new(ModelFileErrorKind::Io(e)).at(path))?;
        Self::from_json(&text).map_err(|e| e.at(path))
    }

    /// Sets this model's parameters from a file that [`Mlp::save`] wrote
    /// for a model of the same shape (inputs, layers, sizes, activations,
    /// biases, names), matched by name. This model's frozen flags stay.
    ///
    /// # Errors
    ///
    /// As [`Mlp::load`], and [`ModelFileErrorKind::ShapeMismatch`], naming
    /// the first difference, if the file's model has another shape. The
    /// model is unchanged on error.
    pub fn load_parameters(&mut self, path: impl AsRef<Path>) -> Result<(), ModelFileError> {
        let path = path.as_ref();
        let saved = Self::load(path)?;
        self.take_parameters_of(&saved).map_err(|e| e.at(path))
    }

    /// The model as the JSON text [`Mlp::save`] writes: version 1 of the
    /// model file format, one object with
    ///
    /// - `"format": "nn.Mlp"`, `"version": 1`;
    /// - `"inputs"`: the number of inputs;
    /// - `"layer_names"`: the names of a [named](Mlp::with_names) model's
    ///   layers (absent for an unnamed one);
    /// - `"layers"`: input side first, each `{"size", "activation", "bias",
    ///   "weights_frozen", "biases_frozen"}`; an activation is `"sigmoid"`,
    ///   `"tanh"`, `"relu"`, `"identity"`, `"softplus"`, or
    ///   `{"leaky_relu": slope}` / `{"elu": alpha}`; a bias is
    ///   `"per_neuron"` or `"shared"` (`bias` and the flags may be left out:
    ///   per neuron, not frozen);
    /// - `"parameters"`: every parameter by its [name](Mlp::parameter_names),
    ///   in [`Mlp::parameters`] order (any order reads back).
    ///
    /// Numbers are written in the shortest form that reads back as the same
    /// `f64`, so a saved model loads bit for bit.
    ///
    /// # Errors
    ///
    /// [`ModelFileErrorKind::NotFinite`] if a parameter is NaN or infinite.
    ///
    /// # Examples
    ///
    /// ```
    /// let text = nn::blog::network().to_json()?;
    /// assert!(text.contains(r#""w5": 0.4"#));
    /// assert!(text.contains(r#""bias": "shared""#));
    /// # Ok::<(), nn::ModelFileError>(())
    /// ```
    pub fn to_json(&self) -> Result<String, ModelFileError> {
        let parameters = self
            .parameter_names()
            .zip(self.parameters())
            .map(|(name, &value)| {
                if value.is_finite() {
                    Ok((name.into_owned(), value))
                } else {
                    Err(ModelFileError::new(ModelFileErrorKind::NotFinite {
                        name: name.into_owned(),
                        value,
                    }))
                }
            })
            .collect::<Result<_, _>>()?;
        let file = ModelFile {
            format: FORMAT.to_owned(),
            version: VERSION,
            inputs: self.n_inputs(),
            layer_names: self
                .layer_names()
                .map(|names| names.map(str::to_owned).collect()),
            layers: self
                .layers()
                .iter()
                .map(|layer| LayerEntry {
                    size: layer.len(),
                    activation: layer.activation().into(),
                    bias: layer.bias_mode().into(),
                    weights_frozen: layer.weights_frozen(),
                    biases_frozen: layer.biases_frozen(),
                })
                .collect(),
            parameters: Parameters(parameters),
        };
        let mut text = serde_json::to_string_pretty(&file)
            .expect("a model file of finite numbers and string keys serialises");
        text.push('\n');
        Ok(text)
    }

    /// Reads a model from the JSON text [`Mlp::to_json`] writes.
    ///
    /// # Errors
    ///
    /// A [`ModelFileError`] whose [kind](ModelFileError::kind) says what is
    /// wrong: the text cut off, not JSON, not a model file or of another
    /// version, a field missing, unknown or of the wrong type (with line and
    /// column), an architecture that cannot be built, a parameter missing,
    /// unknown or given twice.
    ///
    /// # Examples
    ///
    /// ```
    /// use nn::{Mlp, ModelFileErrorKind};
    ///
    /// let text = nn::blog::network().to_json()?.replace("\"w5\"", "\"w9\"");
    /// let error = Mlp::from_json(&text).unwrap_err();
    /// assert!(matches!(error.kind(), ModelFileErrorKind::UnknownParameter { .. }));
    /// assert!(error.to_string().contains("`w9`"));
    /// assert!(error.to_string().contains("`w5` is missing"));
    /// # Ok::<(), nn::ModelFileError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Mlp, ModelFileError> {
        // The kind and version first, so that a file of another kind or
        // version is named as such rather than by its first odd field.
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ModelFileError::from_json(&e, text))?;
        let Some(header) = value.as_object() else {
            return Err(ModelFileError::new(ModelFileErrorKind::Schema {
                line: 1,
                column: 1,
                message: format!("a model file is a JSON object, not {}", kind_of(&value)),
            }));
        };
        let format = header.get("format");
        if format.and_then(serde_json::Value::as_str) != Some(FORMAT) {
            return Err(ModelFileError::new(ModelFileErrorKind::NotAModel {
                found: format.map(ToString::to_string),
            }));
        }
        let version = header.get("version");
        if version.and_then(serde_json::Value::as_u64) != Some(VERSION) {
            return Err(ModelFileError::new(ModelFileErrorKind::Version {
                found: version.map(ToString::to_string),
            }));
        }
        // Read again as this version's schema, for errors with a line and
        // column.
        let file: ModelFile =
            serde_json::from_str(text).map_err(|e| ModelFileError::from_json(&e, text))?;
        build(file)
    }

    /// Copies `saved`'s parameters if it has this model's shape and names.
    fn take_parameters_of(&mut self, saved: &Mlp) -> Result<(), ModelFileError> {
        if let Some(difference) = shape_difference(saved, self) {
            return Err(ModelFileError::new(ModelFileErrorKind::ShapeMismatch(
                difference,
            )));
        }
        self.set_parameters(saved.parameters());
        Ok(())
    }
}

/// The model a file describes, checked: its architecture, then its
/// parameters by name.
fn build(file: ModelFile) -> Result<Mlp, ModelFileError> {
    let architecture =
        |message: String| ModelFileError::new(ModelFileErrorKind::Architecture(message));
    let specs: Vec<LayerSpec> = file.layers.iter().map(LayerEntry::spec).collect();
    let layers = layout(file.inputs, &specs).map_err(architecture)?;
    let prefixes: Option<Vec<std::sync::Arc<str>>> = match &file.layer_names {
        Some(names) if names.len() != layers.len() => {
            return Err(architecture(format!(
                "{} layer names for {} layers",
                names.len(),
                layers.len()
            )));
        }
        Some(names) => Some(names.iter().map(|name| name.as_str().into()).collect()),
        None => None,
    };
    let values = parameters_by_name(&layers, prefixes.as_deref(), file.parameters.0)?;
    let mut model = Mlp::from_layers(file.inputs, layers);
    if let Some(names) = &file.layer_names {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        model = model.with_names(&names);
    }
    model.set_parameters(&values);
    for (layer, entry) in model.layers_mut().iter_mut().zip(&file.layers) {
        if entry.weights_frozen {
            layer.freeze_weights();
        }
        if entry.biases_frozen {
            layer.freeze_biases();
        }
    }
    Ok(model)
}

/// The file's parameters in the architecture's order, each found by its
/// name. Work is bounded by the file's length, whatever sizes the
/// architecture claims.
fn parameters_by_name(
    layers: &[Layer],
    prefixes: Option<&[std::sync::Arc<str>]>,
    given: Vec<(String, f64)>,
) -> Result<Vec<f64>, ModelFileError> {
    let count = layers.last().map_or(0, |layer| layer.parameter_range().end);
    let by_name: HashMap<&str, f64> = given.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    let mut values = Vec::with_capacity(count.min(given.len()));
    let mut missing = None;
    // Past given.len() names, one of them must be missing: stop there.
    for index in 0..count.min(given.len() + 1) {
        let name = parameter_name(layers, prefixes, index);
        match by_name.get(name.as_str()) {
            Some(&value) => values.push(value),
            None => {
                missing = Some(name);
                break;
            }
        }
    }
    if missing.is_none() && values.len() == given.len() {
        return Ok(values);
    }
    // Some parameter is missing or unknown. With no more names in the
    // architecture than in the file (so listing them all is bounded by the
    // file), name an unknown one if there is one, beside the missing one
    // it probably meant; else the first missing.
    let unknown = if count <= given.len() {
        let expected: HashSet<String> = (0..count)
            .map(|index| parameter_name(layers, prefixes, index))
            .collect();
        given
            .iter()
            .find(|(name, _)| !expected.contains(name))
            .map(|(name, _)| name.clone())
    } else {
        None
    };
    Err(ModelFileError::new(match unknown {
        Some(name) => ModelFileErrorKind::UnknownParameter { name, missing },
        None => ModelFileErrorKind::MissingParameter {
            name: missing.expect("with as many names as the file, one is missing or unknown"),
        },
    }))
}

/// The first way `saved`'s shape differs from `model`'s, in words.
fn shape_difference(saved: &Mlp, model: &Mlp) -> Option<String> {
    if saved.n_inputs() != model.n_inputs() {
        return Some(format!(
            "the file's model reads {} inputs, this one {}",
            saved.n_inputs(),
            model.n_inputs()
        ));
    }
    if saved.layers().len() != model.layers().len() {
        return Some(format!(
            "the file's model has {} layers, this one {}",
            saved.layers().len(),
            model.layers().len()
        ));
    }
    for (number, (a, b)) in saved.layers().iter().zip(model.layers()).enumerate() {
        let (a, b) = (a.spec(), b.spec());
        let l = number + 1;
        if a.size != b.size {
            return Some(format!(
                "layer {l} has {} neurons in the file, {} in this model",
                a.size, b.size
            ));
        }
        if a.activation != b.activation {
            return Some(format!(
                "layer {l} applies {} in the file, {} in this model",
                a.activation, b.activation
            ));
        }
        if a.bias != b.bias {
            return Some(format!(
                "layer {l} has {:?} biases in the file, {:?} in this model",
                a.bias, b.bias
            ));
        }
    }
    let names = |m: &Mlp| m.layer_names().map(|n| n.collect::<Vec<_>>().join(", "));
    if names(saved) != names(model) {
        let say = |n: Option<String>| n.map_or("unnamed".to_owned(), |n| format!("named {n}"));
        return Some(format!(
            "the file's layers are {}, this model's {}",
            say(names(saved)),
            say(names(model))
        ));
    }
    None
}

/// What a JSON value is, for a message.
fn kind_of(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Writes `bytes` to a temporary file beside `path` and renames it over
/// `path`, so `path` is never left half-written.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the path names no file (it ends in `..` or is a root)",
        )
    })?;
    let mut temporary = name.to_owned();
    temporary.push(format!(".{}.partial", std::process::id()));
    let temporary = path.with_file_name(temporary);
    let written = fs::File::create(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    let renamed = written.and_then(|()| fs::rename(&temporary, path));
    if renamed.is_err() {
        // Nothing to do if it is already gone.
        let _ = fs::remove_file(&temporary);
    }
    renamed
}
