//! The modes against each other: Jacobians of an `n`-to-`m` map by reverse
//! mode (a sweep per output), forward mode (a sweep per input) and the
//! automatic choice; Hessian-vector products by forward over reverse and
//! by reverse over reverse.

use autograd::{Tape, Var};

/// The Jacobian shapes compared: `(inputs, outputs)`.
pub const SHAPES: [(usize, usize); 3] = [(1, 100), (100, 1), (10, 10)];

/// Hidden units of the map.
const HIDDEN: usize = 20;

/// A smooth map from `inputs.len()` inputs to `outputs` outputs through a
/// hidden layer of tanh units, with fixed weights recorded as constants:
/// `yᵢ = Σₖ uᵢₖ tanh(Σⱼ wₖⱼ xⱼ + bₖ)`.
pub fn map<'t>(tape: &'t Tape, inputs: &[Var<'t>], outputs: usize) -> Vec<Var<'t>> {
    let weight = |a: usize, b: usize, salt: usize| {
        // A fixed, varied pattern in [-1, 1].
        (((a * 7919 + b * 104_729 + salt * 1_299_709) % 2001) as f64 / 1000.0) - 1.0
    };
    let hidden: Vec<Var<'t>> = (0..HIDDEN)
        .map(|k| {
            let w: Vec<Var<'t>> = (0..inputs.len())
                .map(|j| tape.constant(weight(k, j, 1)))
                .collect();
            (tape.dot(&w, inputs) + weight(k, 0, 2)).tanh()
        })
        .collect();
    (0..outputs)
        .map(|i| {
            let u: Vec<Var<'t>> = (0..HIDDEN)
                .map(|k| tape.constant(weight(i, k, 3)))
                .collect();
            tape.dot(&u, &hidden)
        })
        .collect()
}

/// The point the map is differentiated at, for `n` inputs.
pub fn point(n: usize) -> Vec<f64> {
    (0..n)
        .map(|j| ((j * 37 % 11) as f64 - 5.0) / 10.0)
        .collect()
}

/// Which Jacobian to compute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// [`autograd::jacobian_rev`].
    Reverse,
    /// [`autograd::jacobian_fwd`].
    Forward,
    /// [`autograd::jacobian`], which picks one.
    Auto,
}

/// The Jacobian of [`map`] with `n` inputs and `m` outputs, recorded and
/// swept by `mode`.
pub fn jacobian(n: usize, m: usize, mode: Mode) -> Vec<Vec<f64>> {
    let f = autograd::vector_function(move |tape, x| map(tape, x, m));
    let x = point(n);
    match mode {
        Mode::Reverse => autograd::jacobian_rev(f, &x),
        Mode::Forward => autograd::jacobian_fwd(f, &x),
        Mode::Auto => autograd::jacobian(f, &x),
    }
}

/// Variables of the Hessian-vector product's function.
pub const HVP_INPUTS: usize = 100;

/// The extended Rosenbrock function `Σ 100(xᵢ₊₁ - xᵢ²)² + (1 - xᵢ)²`.
pub fn rosenbrock<'t>(tape: &'t Tape, x: &[Var<'t>]) -> Var<'t> {
    tape.sum(
        x.windows(2)
            .map(|w| 100.0 * (w[1] - w[0] * w[0]).powi(2) + (1.0 - w[0]).powi(2)),
    )
}

/// The direction of the Hessian-vector product.
pub fn direction(n: usize) -> Vec<f64> {
    (0..n)
        .map(|j| if j % 2 == 0 { 1.0 } else { -0.5 })
        .collect()
}

/// `H·v` of [`rosenbrock`] at [`point`], by forward over reverse
/// ([`autograd::hvp`]).
pub fn hvp_forward_over_reverse() -> Vec<f64> {
    let n = HVP_INPUTS;
    autograd::hvp(rosenbrock, &point(n), &direction(n))
}

/// `H·v` of [`rosenbrock`] at [`point`], by reverse over reverse.
pub fn hvp_reverse_over_reverse() -> Vec<f64> {
    let n = HVP_INPUTS;
    autograd::hvp_reverse_over_reverse(rosenbrock, &point(n), &direction(n))
}

/// `H·v` of [`rosenbrock`] written by hand, to check both.
pub fn hvp_handwritten() -> Vec<f64> {
    let (x, v) = (point(HVP_INPUTS), direction(HVP_INPUTS));
    let mut hv = vec![0.0; x.len()];
    for i in 0..x.len() - 1 {
        // The term 100(b - a²)² + (1 - a)² with a = xᵢ, b = xᵢ₊₁.
        let (a, b) = (x[i], x[i + 1]);
        let haa = 1200.0 * a * a - 400.0 * b + 2.0;
        let hab = -400.0 * a;
        let hbb = 200.0;
        hv[i] += haa * v[i] + hab * v[i + 1];
        hv[i + 1] += hab * v[i] + hbb * v[i + 1];
    }
    hv
}
