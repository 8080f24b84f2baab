//! Functions of input leaves, as [`hessian`](crate::hessian),
//! [`hvp`](crate::hvp) and [`GradCheck`](crate::check::GradCheck) take them.

use crate::tape::Tape;
use crate::var::Var;

/// Gives a closure the signature that [`hessian`](crate::hessian),
/// [`hvp`](crate::hvp) and [`GradCheck`](crate::check::GradCheck) need, so
/// that it can be stored in a `let` and passed to several of them.
///
/// Those take a function that works on a tape of *any* lifetime:
/// `for<'t> Fn(&'t Tape, &[Var<'t>]) -> Var<'t>`. A closure written right
/// in the call gets that signature from the call. A closure stored in a
/// `let` first does not: Rust infers its lifetimes from the closure alone,
/// ties them to one particular tape, and the call then fails with "one type
/// is more general than the other" or "lifetime may not live long enough".
/// No signature on the receiving side can change that inference (a closure
/// cannot name the lifetime of its result), so wrap the closure where it is
/// written, or write a `fn`.
///
/// # Examples
///
/// ```
/// use autograd::{check::GradCheck, function, hessian, hvp};
///
/// // f(x, y) = x²y + y³, stored once and used three times; H = [[2y, 2x], [2x, 6y]]
/// let f = function(|_tape, p| p[0] * p[0] * p[1] + p[1].powi(3));
/// assert_eq!(hessian(&f, &[1.0, 2.0]), [[4.0, 2.0], [2.0, 12.0]]);
/// assert_eq!(hvp(&f, &[1.0, 2.0], &[1.0, 0.0]), [4.0, 2.0]);
/// assert!(GradCheck::new().inputs(&f, &[1.0, 2.0]).is_ok());
/// ```
///
/// Without the wrapper, the same closure does not compile:
///
/// ```compile_fail
/// use autograd::{Tape, Var, hessian};
///
/// let f = |_: &Tape, p: &[Var]| p[0] * p[0];
/// let _ = hessian(f, &[1.0]);
/// ```
pub fn function<F>(f: F) -> F
where
    F: for<'t> Fn(&'t Tape, &[Var<'t>]) -> Var<'t>,
{
    f
}

/// [`function`] for functions with several outputs, as
/// [`jvp`](crate::jvp), [`jacobian`](crate::jacobian) and
/// [`GradCheck::jacobian`](crate::check::GradCheck::jacobian) take them:
/// gives a closure stored in a `let` the signature
/// `for<'t> Fn(&'t Tape, &[Var<'t>]) -> Vec<Var<'t>>`.
///
/// # Examples
///
/// ```
/// use autograd::{jacobian, jvp, vector_function};
///
/// // polar to Cartesian
/// let polar = vector_function(|_, p| vec![p[0] * p[1].cos(), p[0] * p[1].sin()]);
/// assert_eq!(jacobian(&polar, &[2.0, 0.0]), [[1.0, 0.0], [0.0, 2.0]]);
/// assert_eq!(jvp(&polar, &[2.0, 0.0], &[0.0, 1.0]).1, [0.0, 2.0]);
/// ```
pub fn vector_function<F>(f: F) -> F
where
    F: for<'t> Fn(&'t Tape, &[Var<'t>]) -> Vec<Var<'t>>,
{
    f
}
