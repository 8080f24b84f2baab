//! What `grad` prints without `--json` or `--trace`: the value of each
//! output, then the gradients of one output or the Jacobian of several,
//! then the tangents along the `--forward` direction.

use std::io::{self, Write};

use autograd::{Gradients, Shortest};

use crate::parser::{Output, Program};
use crate::sweeps::Derivatives;
use crate::{jacobian, tangents};

/// What is printed in place of gradients when the program has no inputs.
const NO_INPUTS: &str = "(no inputs: a name bound to a number, like `x = 1.5` or `x = 2*3`, \
                         is an input and gets a gradient)";

/// The values; a blank line; `∂y/∂x = gradient` for each input, aligned,
/// or the Jacobian table of several outputs; then the tangents.
pub(crate) fn plain(
    out: &mut dyn Write,
    program: &Program<'_>,
    derivatives: &Derivatives<'_>,
) -> io::Result<()> {
    values(out, program)?;
    writeln!(out)?;
    if program.inputs.is_empty() {
        writeln!(out, "{NO_INPUTS}")?;
    } else if let Some(output) = program.single_output() {
        gradients(out, program, output, &derivatives.grads[0])?;
    } else {
        jacobian::table(out, program, derivatives)?;
    }
    if let Some((direction, tangents)) = &derivatives.forward {
        writeln!(out)?;
        tangents::list(out, program, direction, tangents)?;
    }
    Ok(())
}

/// `y = value` for each output, one a line, the `=` aligned.
pub(crate) fn values(out: &mut dyn Write, program: &Program<'_>) -> io::Result<()> {
    let width = program
        .outputs
        .iter()
        .map(|o| o.label().chars().count())
        .max()
        .unwrap_or(0);
    for output in &program.outputs {
        let label = output.label();
        let pad = width - label.chars().count();
        writeln!(
            out,
            "{label}{:pad$} = {}",
            "",
            Shortest(output.node.value())
        )?;
    }
    Ok(())
}

/// `∂y/∂x = gradient` for each input, aligned.
fn gradients(
    out: &mut dyn Write,
    program: &Program<'_>,
    output: &Output<'_>,
    grads: &Gradients,
) -> io::Result<()> {
    let name = output.label();
    let width = program
        .inputs
        .iter()
        .map(|(input, _)| input.chars().count())
        .max()
        .unwrap_or(0);
    for (input, var) in &program.inputs {
        let pad = width - input.chars().count();
        writeln!(
            out,
            "∂{name}/∂{input}{:pad$} = {}",
            "",
            Shortest(grads.wrt(*var))
        )?;
    }
    Ok(())
}
