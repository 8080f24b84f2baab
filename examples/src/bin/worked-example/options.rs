//! The options that choose the network a walkthrough and `check` work on:
//! the blog's, or any small network (`--network 2-3-2`) with its
//! activations, sample, starting parameters, error function and learning
//! rate, named as the blog names its own.

use std::path::PathBuf;

use nn::{Activation, Bias, LayerSpec, Mlp};

use crate::loss::ErrorFunction;
use crate::network::Network;
use crate::weights::{self, WeightsError};

/// The most hidden layers a network may have: one name each, from the
/// output down, `h` to `a`.
pub(crate) const MOST_HIDDEN_LAYERS: usize = 8;

/// The most neurons in a layer (or inputs): a network to work by hand.
pub(crate) const MOST_NEURONS: usize = 32;

/// How the layers' biases are laid out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum BiasLayout {
    /// One bias per layer, shared by its neurons (`b1`, `b2`), as the blog.
    #[default]
    Shared,
    /// One bias per neuron (`b_h1`, `b_h2`, ...).
    PerNeuron,
}

/// The network options.
#[derive(clap::Args, Clone, Debug)]
pub(crate) struct NetworkArgs {
    /// Work through another network than the blog's: its layer sizes from
    /// the inputs to the outputs, e.g. 2-3-2 or 3-4-4-2 (at most 8 hidden
    /// layers, each of at most 32 neurons). The hidden layers are named
    /// from the output down h, g, f, ... and the output layer o, so one
    /// hidden layer is the blog's h.
    #[arg(long, value_name = "SIZES", value_parser = sizes)]
    pub(crate) network: Option<List<usize>>,
    /// Each layer's activation, from the first hidden layer to the
    /// outputs, comma-separated, or one for every layer: sigmoid, tanh,
    /// relu, leaky_relu (slope 0.01), elu (alpha 1), softplus, identity
    /// [default: sigmoid].
    #[arg(long, value_name = "NAME,...", requires = "network", value_parser = activations)]
    pub(crate) activation: Option<List<Activation>>,
    /// The sample's inputs, comma-separated [default: 0.05, 0.1, 0.15, ...].
    #[arg(long, value_name = "X,...", requires = "network", value_parser = numbers)]
    pub(crate) inputs: Option<List<f64>>,
    /// The targets, one per output, comma-separated [default: 0.01, 0.99,
    /// 0.01, ...].
    #[arg(long, value_name = "T,...", requires = "network", value_parser = numbers)]
    pub(crate) targets: Option<List<f64>>,
    /// Read the starting weights and biases from FILE, one `name = value` a
    /// line (`w1 = 0.15`), every parameter once; the walkthrough prints the
    /// network's parameters in this form.
    #[arg(
        long,
        value_name = "FILE",
        requires = "network",
        conflicts_with = "seed"
    )]
    pub(crate) weights: Option<PathBuf>,
    /// Draw the starting weights and biases at random from this seed,
    /// uniformly within ±1/√(the neuron's inputs) [default: 0].
    #[arg(long, requires = "network")]
    pub(crate) seed: Option<u64>,
    /// The error of each output, summed into E_total [default:
    /// half-squared, the blog's ½(target − out)²].
    #[arg(long, value_enum, requires = "network")]
    pub(crate) loss: Option<ErrorFunction>,
    /// One bias per layer, shared by its neurons as in the blog, or one per
    /// neuron [default: shared]. Biases stay fixed, as in the blog.
    #[arg(long, value_enum, requires = "network")]
    pub(crate) bias: Option<BiasLayout>,
    /// The learning rate η.
    #[arg(long, default_value_t = nn::blog::LEARNING_RATE, value_parser = finite)]
    pub(crate) learning_rate: f64,
}

/// Where a network's starting parameters come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The blog's own.
    Blog,
    /// Drawn from this seed.
    Seed(u64),
    /// Read from the file of this name.
    File(String),
}

/// A list an option gives in one value (`2-3-2`, `0.05,0.1`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct List<T>(pub(crate) Vec<T>);

/// Why the options do not give a network.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum OptionsError {
    /// A mistake in the options themselves.
    Invalid(String),
    /// The weights file cannot be read.
    Unreadable(String),
    /// The weights file does not parse: its name, its text and the mistake.
    Weights {
        name: String,
        source: String,
        error: WeightsError,
    },
}

impl OptionsError {
    /// Prints the error to standard error as `tool`'s: a weights file's
    /// with its line, column and spot, as `grad` shows errors.
    pub(crate) fn print(&self, tool: &str) {
        match self {
            OptionsError::Invalid(text) | OptionsError::Unreadable(text) => {
                eprintln!("{tool}: {text}");
            }
            OptionsError::Weights {
                name,
                source,
                error,
            } => {
                let colour = std::io::IsTerminal::is_terminal(&std::io::stderr())
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
                eprint!(
                    "{}",
                    grad_cli::error_report(
                        name,
                        source,
                        error.span.clone(),
                        &error.message,
                        Some(&error.help),
                        colour
                    )
                );
            }
        }
    }
}

impl NetworkArgs {
    /// Whether the options ask for another network than the blog's.
    pub(crate) fn other_network(&self) -> bool {
        self.network.is_some()
    }

    /// The network the options describe: the blog's, or the one
    /// `--network` asks for, at `--learning-rate`; and where its starting
    /// parameters come from (`seed 0`, a file's name, the blog).
    ///
    /// # Errors
    ///
    /// An [`OptionsError`] for options that do not fit together or a
    /// weights file that does not read.
    pub(crate) fn build(&self) -> Result<(Network, Origin), OptionsError> {
        let invalid = |text: String| Err(OptionsError::Invalid(text));
        let Some(List(sizes)) = &self.network else {
            let mut network = Network::blog();
            network.learning_rate = self.learning_rate;
            return Ok((network, Origin::Blog));
        };
        let layers = sizes.len() - 1;
        let activations = match self.activation.as_ref().map(|l| l.0.as_slice()) {
            None => vec![Activation::Sigmoid; layers],
            Some(&[one]) => vec![one; layers],
            Some(list) if list.len() == layers => list.to_vec(),
            Some(list) => {
                return invalid(format!(
                    "--activation gives {} activations for {layers} layers: give one per layer \
                     after the inputs, or one for all",
                    list.len()
                ));
            }
        };
        let loss = self.loss.unwrap_or_default();
        if loss == ErrorFunction::CrossEntropy && activations[layers - 1] != Activation::Sigmoid {
            return invalid(
                "--loss cross-entropy needs outputs between 0 and 1: give the output layer the \
                 sigmoid activation"
                    .to_owned(),
            );
        }
        let bias = match self.bias.unwrap_or_default() {
            BiasLayout::Shared => Bias::Shared,
            BiasLayout::PerNeuron => Bias::PerNeuron,
        };
        let specs: Vec<LayerSpec> = sizes[1..]
            .iter()
            .zip(&activations)
            .map(|(&n, &a)| LayerSpec::new(n, a).with_bias(bias))
            .collect();
        let names = layer_names(layers);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let seed = self.seed.unwrap_or(0);
        let mut model = Mlp::new(sizes[0], &specs, seed).with_names(&names);
        model.freeze_biases();
        let origin = match &self.weights {
            Some(path) => {
                let parameters: Vec<String> =
                    model.parameter_names().map(|n| n.into_owned()).collect();
                let name = path.display().to_string();
                let bytes = std::fs::read(path)
                    .map_err(|e| OptionsError::Unreadable(format!("cannot read {name}: {e}")))?;
                let source = String::from_utf8(bytes).map_err(|e| {
                    OptionsError::Unreadable(format!(
                        "{name} is not UTF-8 text (the first bad byte is at offset {})",
                        e.utf8_error().valid_up_to()
                    ))
                })?;
                let source = source
                    .strip_prefix('\u{feff}')
                    .unwrap_or(&source)
                    .to_owned();
                let values = weights::parse(&source, &parameters).map_err(|error| {
                    OptionsError::Weights {
                        name: name.clone(),
                        source: source.clone(),
                        error,
                    }
                })?;
                model.set_parameters(&values);
                Origin::File(name)
            }
            None => Origin::Seed(seed),
        };
        let inputs = match self.inputs.as_ref().map(|l| &l.0) {
            Some(inputs) if inputs.len() != sizes[0] => {
                return invalid(format!(
                    "--inputs gives {} numbers for a network of {} inputs",
                    inputs.len(),
                    sizes[0]
                ));
            }
            Some(inputs) => inputs.to_vec(),
            None => (1..=sizes[0]).map(|k| (5 * k) as f64 / 100.0).collect(),
        };
        let outputs = sizes[layers];
        let targets = match self.targets.as_ref().map(|l| &l.0) {
            Some(targets) if targets.len() != outputs => {
                return invalid(format!(
                    "--targets gives {} numbers for a network of {outputs} outputs",
                    targets.len()
                ));
            }
            Some(targets) => targets.to_vec(),
            None => (0..outputs)
                .map(|k| if k % 2 == 0 { 0.01 } else { 0.99 })
                .collect(),
        };
        if loss == ErrorFunction::CrossEntropy && targets.iter().any(|t| !(0.0..=1.0).contains(t)) {
            return invalid("--loss cross-entropy needs targets between 0 and 1".to_owned());
        }
        let network = Network::new(model, inputs, targets, self.learning_rate).with_loss(loss);
        Ok((network, origin))
    }
}

/// The names of `layers` layers: the hidden ones from the output down `h`,
/// `g`, `f`, ..., the output layer `o`.
pub(crate) fn layer_names(layers: usize) -> Vec<String> {
    let hidden = layers - 1;
    (0..hidden)
        .map(|k| char::from(b'h' - (hidden - 1 - k) as u8).to_string())
        .chain(std::iter::once("o".to_owned()))
        .collect()
}

/// `2-3-2`: at least two sizes (the inputs and the outputs), each from 1
/// to [`MOST_NEURONS`], at most [`MOST_HIDDEN_LAYERS`] between.
fn sizes(text: &str) -> Result<List<usize>, String> {
    let sizes = text
        .split('-')
        .map(|part| match part.trim().parse::<usize>() {
            Ok(n) if (1..=MOST_NEURONS).contains(&n) => Ok(n),
            Ok(n) => Err(format!(
                "{n} neurons: a layer has from 1 to {MOST_NEURONS}, to work by hand"
            )),
            Err(_) => Err(format!(
                "`{part}` is not a layer size: write the sizes from the inputs to the outputs, \
                 e.g. 2-3-2"
            )),
        })
        .collect::<Result<Vec<usize>, String>>()?;
    match sizes.len() {
        0 | 1 => Err("give at least the inputs and the outputs, e.g. 2-2".to_owned()),
        n if n - 2 > MOST_HIDDEN_LAYERS => Err(format!(
            "{} hidden layers: at most {MOST_HIDDEN_LAYERS} (named h down to a)",
            n - 2
        )),
        _ => Ok(List(sizes)),
    }
}

/// `sigmoid,tanh`.
fn activations(text: &str) -> Result<List<Activation>, String> {
    text.split(',')
        .map(|name| match name.trim() {
            "sigmoid" => Ok(Activation::Sigmoid),
            "tanh" => Ok(Activation::Tanh),
            "relu" => Ok(Activation::Relu),
            "leaky_relu" => Ok(Activation::LeakyRelu(0.01)),
            "elu" => Ok(Activation::Elu(1.0)),
            "softplus" => Ok(Activation::Softplus),
            "identity" => Ok(Activation::Identity),
            other => Err(format!(
                "unknown activation `{other}`: sigmoid, tanh, relu, leaky_relu, elu, softplus \
                 or identity"
            )),
        })
        .collect::<Result<_, _>>()
        .map(List)
}

/// `0.05,0.1`: finite numbers.
fn numbers(text: &str) -> Result<List<f64>, String> {
    text.split(',')
        .map(|part| match part.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x),
            _ => Err(format!("`{}` is not a finite number", part.trim())),
        })
        .collect::<Result<_, _>>()
        .map(List)
}

/// A finite learning rate.
fn finite(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(x) => Err(format!("the learning rate must be finite, got {x}")),
        Err(e) => Err(format!("not a number: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        network: NetworkArgs,
    }

    fn build(args: &[&str]) -> Result<(Network, Origin), OptionsError> {
        let argv = std::iter::once("worked-example").chain(args.iter().copied());
        Cli::try_parse_from(argv)
            .expect("the options parse")
            .network
            .build()
    }

    #[test]
    fn layers_are_named_from_the_output_down() {
        assert_eq!(layer_names(1), ["o"]);
        assert_eq!(layer_names(2), ["h", "o"]);
        assert_eq!(layer_names(3), ["g", "h", "o"]);
        assert_eq!(layer_names(9).first().map(String::as_str), Some("a"));
    }

    #[test]
    fn without_network_it_is_the_blogs() {
        let (network, origin) = build(&[]).unwrap();
        let en = crate::lang::Lang::En.texts();
        assert_eq!(network.describe(en), "the blog's network, 2-2-2, η = 0.5");
        assert_eq!(origin, Origin::Blog);
    }

    #[test]
    fn a_2_3_2_network_is_named_as_the_blog_names_its_own() {
        let (network, origin) = build(&["--network", "2-3-2", "--seed", "3"]).unwrap();
        assert_eq!(origin, Origin::Seed(3));
        for name in [
            "w1", "w9", "w12", "b1", "b2", "i2", "net_h3", "out_o2", "E_total",
        ] {
            assert!(network.find(name).is_some(), "{name}");
        }
        assert_eq!(network.inputs, [0.05, 0.1]);
        assert_eq!(network.targets, [0.01, 0.99]);
        let (deep, _) = build(&["--network", "3-4-4-2", "--bias", "per-neuron"]).unwrap();
        for name in ["net_g4", "out_h1", "b_g1", "b_o2", "w36", "i3"] {
            assert!(deep.find(name).is_some(), "{name}");
        }
        assert!(deep.find("w37").is_none(), "3·4 + 4·4 + 4·2 = 36 weights");
    }

    #[test]
    fn options_that_do_not_fit_are_refused() {
        let invalid = |args: &[&str]| match build(args) {
            Err(OptionsError::Invalid(text)) => text,
            other => panic!("{args:?}: {other:?}"),
        };
        assert!(invalid(&["--network", "2-3-2", "--inputs", "1"]).contains("--inputs"));
        assert!(invalid(&["--network", "2-3-2", "--targets", "1,2,3"]).contains("--targets"));
        assert!(
            invalid(&["--network", "2-3-2", "--activation", "tanh,tanh,tanh"])
                .contains("--activation")
        );
        assert!(
            invalid(&[
                "--network",
                "2-2",
                "--activation",
                "tanh",
                "--loss",
                "cross-entropy"
            ])
            .contains("sigmoid")
        );
        let argv = ["worked-example", "--network", "2-40-2"];
        assert!(Cli::try_parse_from(argv).is_err());
        let argv = ["worked-example", "--seed", "1"];
        assert!(Cli::try_parse_from(argv).is_err(), "--seed needs --network");
    }
}
