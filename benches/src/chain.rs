//! W3: the chain x ← 0.999999·x + 1e-6, a million steps (two million
//! operations) from x₀ = 0.5, forward and backward.

use autograd::{Gradients, Tape, Var};

/// Steps of the chain.
pub const STEPS: usize = 1_000_000;
const A: f64 = 0.999_999;
const B: f64 = 1e-6;
const X0: f64 = 0.5;

/// What every version computes: x after the chain, and ∂x/∂x₀.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Output {
    /// The final value.
    pub value: f64,
    /// ∂x/∂x₀.
    pub gradient: f64,
}

/// The closed forms: x_n = 1 + (x₀ - 1)·aⁿ and ∂x_n/∂x₀ = aⁿ.
pub fn closed_form() -> Output {
    closed_form_with_steps(STEPS)
}

/// [`closed_form`] for a chain of `steps` steps.
pub fn closed_form_with_steps(steps: usize) -> Output {
    let n = i32::try_from(steps).expect("fewer than 2^31 steps");
    Output {
        value: 1.0 + (X0 - 1.0) * A.powi(n),
        gradient: A.powi(n),
    }
}

fn chain(x0: Var<'_>, steps: usize) -> Var<'_> {
    let mut x = x0;
    for _ in 0..steps {
        x = A * x + B;
    }
    x
}

/// Nodes the engine records per run (the input not counted).
pub fn nodes_per_run() -> usize {
    2 * STEPS
}

/// The engine, tuned: one tape rewound after each run, one reused gradient store.
pub fn engine() -> impl FnMut() -> Output {
    let tape: &'static Tape = Box::leak(Box::new(Tape::new()));
    let x0 = tape.var(X0);
    let mark = tape.mark();
    let mut grads = Gradients::new();
    move || {
        let x = chain(x0, STEPS);
        x.backward_into(&mut grads);
        let out = Output {
            value: x.value(),
            gradient: grads.wrt(x0),
        };
        tape.rewind(mark);
        out
    }
}

/// The chain compiled once into a [`Program`](autograd::Program) of x₀,
/// replayed for each run.
pub fn replay() -> impl FnMut() -> Output {
    let mut program = program();
    let mut gradient = [0.0];
    move || {
        let value = program.gradient(&[X0], &mut gradient);
        Output {
            value,
            gradient: gradient[0],
        }
    }
}

/// The compiled chain.
pub fn program() -> autograd::Program {
    let tape = Tape::new();
    let x0 = tape.var(X0);
    let x = chain(x0, STEPS);
    tape.compile(&[x0], x)
}

/// The engine as a user writes it first: a fresh tape for each run.
pub fn engine_fresh() -> Output {
    engine_with_steps(STEPS)
}

/// A fresh tape, a chain of `steps` steps (two nodes each), one backward.
pub fn engine_with_steps(steps: usize) -> Output {
    let tape = Tape::new();
    let x0 = tape.var(X0);
    let x = chain(x0, steps);
    Output {
        value: x.value(),
        gradient: x.backward().wrt(x0),
    }
}

/// Hand-written: the recurrence, then the product of its derivatives.
pub fn handwritten() -> Output {
    let mut x = X0;
    for _ in 0..STEPS {
        x = A * x + B;
    }
    let mut gradient = 1.0;
    for _ in 0..STEPS {
        gradient *= A;
    }
    Output { value: x, gradient }
}

/// The `reverse` crate, one tape cleared for each run.
pub fn reverse() -> impl FnMut() -> Output {
    use reverse::Gradient as _;
    let tape: &'static reverse::Tape = Box::leak(Box::new(reverse::Tape::new()));
    move || {
        tape.clear();
        let x0 = tape.add_var(X0);
        let mut x = x0;
        for _ in 0..STEPS {
            x = x * A + B;
        }
        Output {
            value: x.val(),
            gradient: x.grad().wrt(&x0),
        }
    }
}

/// The `echidna` crate's reverse mode.
pub fn echidna() -> Output {
    let mut value = 0.0;
    let gradient = echidna::grad(
        |x| {
            let mut v = x[0];
            for _ in 0..STEPS {
                v = v * A + B;
            }
            value = num_traits::ToPrimitive::to_f64(&v).unwrap_or(f64::NAN);
            v
        },
        &[X0],
    );
    Output {
        value,
        gradient: gradient[0],
    }
}
