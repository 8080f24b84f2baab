//! A model's loss over a fixed batch, recorded once and compiled into an
//! [`autograd::Program`] of its parameters, for full-batch training at
//! replay speed.

use autograd::{Program, Tape, Var};

use crate::bound::Forward;
use crate::layer::{Layer, LayerSpec};
use crate::loss::Loss;
use crate::mlp::Mlp;

/// The loss of a model of one shape over one fixed batch, as a compiled
/// function of the parameters (in [`Mlp::parameters`] order): what
/// [`Trainer::step_batch`](crate::Trainer::step_batch) computes on these
/// samples, to the bit, without recording each step. Made by
/// [`Mlp::compile_loss`]; used by
/// [`Trainer::step_compiled`](crate::Trainer::step_compiled).
///
/// # Examples
///
/// ```
/// use nn::{Activation, LayerSpec, Loss, Mlp};
///
/// let model = Mlp::new(1, &[LayerSpec::new(4, Activation::Tanh), LayerSpec::new(1, Activation::Identity)], 3);
/// let samples = [([0.0], [0.0]), ([0.5], [1.0]), ([1.0], [0.0])];
/// let mut loss = model.compile_loss(Loss::MeanSquaredError, &samples);
/// let mut gradient = vec![0.0; model.parameters().len()];
/// let value = loss.gradient(model.parameters(), &mut gradient);
/// assert!(value > 0.0 && gradient.iter().any(|&g| g != 0.0));
/// println!("{}", loss.program()); // the compiled program, instruction by instruction
/// ```
#[derive(Clone, Debug)]
pub struct CompiledLoss {
    program: Program,
    /// The shape of the model it was compiled for: its inputs and layers.
    shape: (usize, Vec<LayerSpec>),
}

impl CompiledLoss {
    /// The loss at `parameters`.
    ///
    /// # Panics
    ///
    /// If `parameters` does not have one value per parameter.
    pub fn value(&mut self, parameters: &[f64]) -> f64 {
        self.program.value(parameters)
    }

    /// The loss at `parameters`, its gradient written to `gradient`.
    ///
    /// # Panics
    ///
    /// If `parameters` or `gradient` does not have one value per parameter.
    pub fn gradient(&mut self, parameters: &[f64], gradient: &mut [f64]) -> f64 {
        self.program.gradient(parameters, gradient)
    }

    /// The compiled program, to print or inspect.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Whether it was compiled for a model of `model`'s shape (inputs,
    /// layer sizes, activations, biases).
    pub fn fits(&self, model: &Mlp) -> bool {
        let (n_inputs, layers) = &self.shape;
        *n_inputs == model.n_inputs()
            && layers.len() == model.layers().len()
            && layers
                .iter()
                .zip(model.layers())
                .all(|(a, b)| *a == b.spec())
    }
}

impl Mlp {
    /// The mean `loss` over `samples` (each an input and a target) as a
    /// function of this model's parameters, recorded once and compiled:
    /// evaluated at any parameters of a model of this shape, it gives what
    /// [`Trainer::step_batch`](crate::Trainer::step_batch) would compute on
    /// these samples, bit for bit.
    ///
    /// # Panics
    ///
    /// If there are no samples, or a sample does not match the model's size.
    pub fn compile_loss<I, T>(&self, loss: Loss, samples: &[(I, T)]) -> CompiledLoss
    where
        I: AsRef<[f64]>,
        T: AsRef<[f64]>,
    {
        assert!(
            !samples.is_empty(),
            "Mlp::compile_loss: no samples; give at least one"
        );
        let tape = Tape::new();
        let net = self.bind(&tape);
        let mut inputs: Vec<Var<'_>> = Vec::new();
        let mut forward = Forward::new();
        // As Trainer::step_batch records it.
        let losses: Vec<Var<'_>> = samples
            .iter()
            .map(|(input, target)| {
                net.inputs_into(input.as_ref(), &mut inputs);
                net.forward_into(&inputs, &mut forward);
                loss.apply(forward.outputs(), target.as_ref())
            })
            .collect();
        let total = match losses.as_slice() {
            [single] => *single,
            many => tape.sum(many.iter().copied()) / many.len() as f64,
        };
        CompiledLoss {
            program: tape.compile(net.parameters(), total),
            shape: shape(self),
        }
    }
}

/// A model's inputs and layers' shapes.
fn shape(model: &Mlp) -> (usize, Vec<LayerSpec>) {
    (
        model.n_inputs(),
        model.layers().iter().map(Layer::spec).collect(),
    )
}
