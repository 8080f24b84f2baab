//! The network a walkthrough works through and a learner's numbers are
//! checked against, as the quantities a learner names: every node from the
//! inputs and weights to `E_total`, with its network-level parents and its
//! position on the engine's tape.
//!
//! The names and positions are read from a pass the engine records, so any
//! network the `nn` crate names (`w1..`, `net_h1..`, `out_o1..`) gives its
//! own table; the blog's is [`Network::blog`].

use autograd::{Tape, Var};
use nn::{Activation, BoundMlp, Mlp};

use crate::lang::{Catalogue, fill};
use crate::loss::ErrorFunction;

/// Where a node sits in [`Network::nodes`], which is the order of the
/// engine's tape.
pub(crate) type NodeId = usize;

/// What a node of the network is, and what it is computed from.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind {
    /// Input `k` (`i1` is 0).
    Input(usize),
    /// Parameter `index` of the model, in the model's order.
    Parameter {
        /// Its index among the model's parameters.
        index: usize,
        /// Whether it is a bias (`b1`), rather than a weight.
        bias: bool,
        /// Whether training changes it (the blog's biases stay fixed).
        trainable: bool,
    },
    /// A neuron's net input `Σ w·x + b`.
    Net {
        /// The layer, 0 for the first hidden layer.
        layer: usize,
        /// `(weight, input)` pairs, the input a node of the layer below.
        terms: Vec<(NodeId, NodeId)>,
        /// The bias.
        bias: NodeId,
    },
    /// A neuron's output, `activation(net)`.
    Out {
        /// The net input it reads.
        net: NodeId,
        /// The activation.
        activation: Activation,
    },
    /// The error of output `k` (`½ (target - out)²` in the blog).
    Error {
        /// Which output (0 for the first).
        output: usize,
        /// The output node.
        out: NodeId,
    },
    /// `E_total`, the sum of the errors.
    Total(Vec<NodeId>),
}

/// One quantity of the network a learner can name.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    /// Its name: `w5`, `net_h1`, `E_total`.
    pub(crate) name: String,
    /// What it is.
    pub(crate) kind: Kind,
}

impl Node {
    /// The nodes it is computed from, in the order its formula reads them.
    pub(crate) fn parents(&self) -> Vec<NodeId> {
        match &self.kind {
            Kind::Input(_) | Kind::Parameter { .. } => Vec::new(),
            Kind::Net { terms, bias, .. } => terms
                .iter()
                .flat_map(|&(w, x)| [w, x])
                .chain([*bias])
                .collect(),
            Kind::Out { net, .. } => vec![*net],
            Kind::Error { out, .. } => vec![*out],
            Kind::Total(errors) => errors.clone(),
        }
    }

    /// Whether it is one of the model's parameters.
    pub(crate) fn is_parameter(&self) -> bool {
        matches!(self.kind, Kind::Parameter { .. })
    }
}

/// A network with one training sample, its error function and its
/// learning rate: what a learner works through by hand.
#[derive(Clone, Debug)]
pub(crate) struct Network {
    /// The model, with its starting parameters.
    pub(crate) model: Mlp,
    /// The sample's inputs.
    pub(crate) inputs: Vec<f64>,
    /// The sample's targets, one per output.
    pub(crate) targets: Vec<f64>,
    /// The learning rate η.
    pub(crate) learning_rate: f64,
    /// The error of each output; E_total is their sum.
    pub(crate) loss: ErrorFunction,
    /// Whether it is the blog's network (and is called so).
    pub(crate) is_blog: bool,
    /// Every node, in the order of the engine's tape (parameters, inputs,
    /// then each neuron's net and out layer by layer, the errors, E_total).
    pub(crate) nodes: Vec<Node>,
}

impl Network {
    /// The blog's 2-2-2 network, its sample and η = 0.5.
    pub(crate) fn blog() -> Self {
        let mut network = Network::new(
            nn::blog::network(),
            nn::blog::INPUTS.to_vec(),
            nn::blog::TARGETS.to_vec(),
            nn::blog::LEARNING_RATE,
        );
        network.is_blog = true;
        network
    }

    /// The table of `model` (a named model: see `Mlp::with_names`) on one
    /// sample, with the half-squared error (see [`Network::with_loss`]).
    ///
    /// # Panics
    ///
    /// If the model is not named, or the sample does not fit it.
    pub(crate) fn new(model: Mlp, inputs: Vec<f64>, targets: Vec<f64>, learning_rate: f64) -> Self {
        assert!(
            model.is_named(),
            "internal error: check needs a named model"
        );
        let tape = Tape::new();
        let loss = ErrorFunction::default();
        let pass = record(&model.bind(&tape), &inputs, &targets, loss);
        // The kinds in the order `record` lays the pass out.
        let mut kinds: Vec<Kind> = model
            .trainable()
            .enumerate()
            .map(|(index, trainable)| Kind::Parameter {
                index,
                bias: model
                    .layers()
                    .iter()
                    .any(|layer| layer.bias_range().contains(&index)),
                trainable,
            })
            .collect();
        let mut below: Vec<NodeId> = Vec::with_capacity(inputs.len());
        for k in 0..inputs.len() {
            below.push(kinds.len());
            kinds.push(Kind::Input(k));
        }
        for (number, layer) in model.layers().iter().enumerate() {
            let n = layer.n_inputs();
            let mut outs = Vec::with_capacity(layer.len());
            for k in 0..layer.len() {
                // Parameters come first, so a parameter's node is its index.
                let first = layer.weight_range().start + k * n;
                let bias = match layer.bias_mode() {
                    nn::Bias::Shared => layer.bias_range().start,
                    nn::Bias::PerNeuron => layer.bias_range().start + k,
                };
                let net = kinds.len();
                kinds.push(Kind::Net {
                    layer: number,
                    terms: (0..n).map(|j| (first + j, below[j])).collect(),
                    bias,
                });
                outs.push(kinds.len());
                kinds.push(Kind::Out {
                    net,
                    activation: layer.activation(),
                });
            }
            below = outs;
        }
        let errors: Vec<NodeId> = below
            .iter()
            .enumerate()
            .map(|(output, &out)| {
                kinds.push(Kind::Error { output, out });
                kinds.len() - 1
            })
            .collect();
        kinds.push(Kind::Total(errors));
        assert_eq!(
            kinds.len(),
            pass.len(),
            "internal error: the table has a kind for every node of the pass"
        );
        let nodes = pass
            .iter()
            .zip(kinds)
            .map(|(v, kind)| Node {
                name: v
                    .name()
                    .expect("internal error: every node of a named model's pass is named"),
                kind,
            })
            .collect();
        Network {
            model,
            inputs,
            targets,
            learning_rate,
            loss,
            is_blog: false,
            nodes,
        }
    }

    /// The same network with another error function. The table is the
    /// same: every error function gives one node per output.
    #[must_use]
    pub(crate) fn with_loss(mut self, loss: ErrorFunction) -> Self {
        self.loss = loss;
        self
    }

    /// The engine's pass on this network at its starting parameters (see
    /// [`record`]).
    pub(crate) fn record<'t>(&self, bound: &BoundMlp<'t>) -> Vec<Var<'t>> {
        record(bound, &self.inputs, &self.targets, self.loss)
    }

    /// The node named `name`.
    pub(crate) fn find(&self, name: &str) -> Option<NodeId> {
        self.nodes.iter().position(|n| n.name == name)
    }

    /// `E_total`, the last node.
    pub(crate) fn total(&self) -> NodeId {
        self.nodes.len() - 1
    }

    /// The nodes that read `node`.
    pub(crate) fn consumers(&self, node: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        (node + 1..self.nodes.len()).filter(move |&c| self.nodes[c].parents().contains(&node))
    }

    /// Whether each node is upstream of `of` (`of` depends on it), `of`
    /// itself included.
    pub(crate) fn upstream(&self, of: NodeId) -> Vec<bool> {
        let mut upstream = vec![false; self.nodes.len()];
        upstream[of] = true;
        for n in (0..=of).rev() {
            if upstream[n] {
                for p in self.nodes[n].parents() {
                    upstream[p] = true;
                }
            }
        }
        upstream
    }

    /// Each node's depth: the most steps from it to E_total (E_total 0,
    /// each error 1, each output 2, ...). Every node that reads a node is
    /// less deep than it.
    pub(crate) fn depths(&self) -> Vec<usize> {
        let mut depth = vec![0; self.nodes.len()];
        for n in (0..self.nodes.len()).rev() {
            for p in self.nodes[n].parents() {
                depth[p] = depth[p].max(depth[n] + 1);
            }
        }
        depth
    }

    /// The suffix a neuron's nodes share (`o1` for `net_o1` and `out_o1`).
    pub(crate) fn neuron_label(&self, node: NodeId) -> Option<&str> {
        let name = &self.nodes[node].name;
        name.strip_prefix("net_")
            .or_else(|| name.strip_prefix("out_"))
    }

    /// Its layer sizes from the inputs to the outputs: `2-3-2`.
    pub(crate) fn shape(&self) -> String {
        let sizes: Vec<String> = std::iter::once(self.model.n_inputs())
            .chain(self.model.layers().iter().map(nn::Layer::len))
            .map(|n| n.to_string())
            .collect();
        sizes.join("-")
    }

    /// What it is, its shape and learning rate: `the blog's network, 2-2-2,
    /// η = 0.5`.
    pub(crate) fn describe(&self, t: &Catalogue) -> String {
        let title = if self.is_blog {
            t.network_blog
        } else {
            t.network_other
        };
        fill(
            t.network_description,
            &[
                ("title", &title),
                ("shape", &self.shape()),
                ("rate", &autograd::Shortest(self.learning_rate)),
            ],
        )
    }
}

/// Records the engine's pass on `bound`: the parameters, the inputs as
/// leaves that get gradients (so `dE_total/di1` is the engine's too), every
/// net and out, the errors (`loss` of each output) and E_total, each named;
/// in tape order.
pub(crate) fn record<'t>(
    bound: &BoundMlp<'t>,
    inputs: &[f64],
    targets: &[f64],
    loss: ErrorFunction,
) -> Vec<Var<'t>> {
    let tape = bound.tape();
    let leaves: Vec<Var<'t>> = inputs
        .iter()
        .enumerate()
        .map(|(k, &x)| tape.var_named(format!("i{}", k + 1), x))
        .collect();
    let forward = bound.forward(&leaves);
    let outputs = forward.outputs();
    let errors: Vec<Var<'t>> = outputs
        .iter()
        .zip(targets)
        .map(|(&out, &t)| {
            let label = out
                .name()
                .and_then(|n| n.strip_prefix("out_").map(str::to_owned))
                .unwrap_or_default();
            loss.term(out, t).named(format!("E_{label}"))
        })
        .collect();
    let total = tape.sum(errors.iter().copied()).named("E_total");
    let mut pass: Vec<Var<'t>> = bound.parameters().to_vec();
    pass.extend(leaves);
    for layer in 0..forward.n_layers() {
        for (&net, &out) in forward.nets(layer).iter().zip(forward.outs(layer)) {
            pass.push(net);
            pass.push(out);
        }
    }
    pass.extend(errors);
    pass.push(total);
    pass
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blogs_network_has_its_names_in_tape_order() {
        let network = Network::blog();
        let names: Vec<&str> = network.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "w1", "w2", "w3", "w4", "b1", "w5", "w6", "w7", "w8", "b2", "i1", "i2", "net_h1",
                "out_h1", "net_h2", "out_h2", "net_o1", "out_o1", "net_o2", "out_o2", "E_o1",
                "E_o2", "E_total"
            ]
        );
    }

    #[test]
    fn nodes_know_their_parents() {
        let network = Network::blog();
        let id = |name| network.find(name).unwrap();
        let names = |node| -> Vec<&str> {
            network.nodes[id(node)]
                .parents()
                .iter()
                .map(|&p| network.nodes[p].name.as_str())
                .collect()
        };
        assert_eq!(names("net_o1"), ["w5", "out_h1", "w6", "out_h2", "b2"]);
        assert_eq!(names("net_h2"), ["w3", "i1", "w4", "i2", "b1"]);
        assert_eq!(names("out_h1"), ["net_h1"]);
        assert_eq!(names("E_o2"), ["out_o2"]);
        assert_eq!(names("E_total"), ["E_o1", "E_o2"]);
        assert_eq!(
            network.nodes[id("b2")].kind,
            Kind::Parameter {
                index: 9,
                bias: true,
                trainable: false
            }
        );
        let consumers: Vec<usize> = network.consumers(id("out_h1")).collect();
        assert_eq!(consumers, [id("net_o1"), id("net_o2")]);
        assert!(matches!(
            network.nodes[id("net_o2")].kind,
            Kind::Net { layer: 1, .. }
        ));
        let en = crate::lang::Lang::En.texts();
        assert_eq!(network.describe(en), "the blog's network, 2-2-2, η = 0.5");
    }
}
