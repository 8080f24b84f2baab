//! What `grad` prints without `--json`: the value and gradients, or the
//! trace. Both are written straight to the output.

use std::io::{self, Write};

use autograd::{Gradients, Shortest, Tape};

use crate::parser::Program;

/// The output's display name: the name it was bound to, or `output`.
fn output_name<'p>(program: &'p Program<'_>) -> &'p str {
    program.output_name.as_deref().unwrap_or("output")
}

/// `y = value`, a blank line, then `∂y/∂x = gradient` for each input,
/// aligned.
pub(crate) fn plain(
    out: &mut dyn Write,
    program: &Program<'_>,
    grads: &Gradients,
) -> io::Result<()> {
    let name = output_name(program);
    writeln!(out, "{name} = {}", Shortest(program.output.value()))?;
    if program.inputs.is_empty() {
        return writeln!(
            out,
            "\n(no inputs: a name bound to a number, like `x = 1.5` or `x = 2*3`, is an input \
             and gets a gradient)"
        );
    }
    writeln!(out)?;
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

/// The value line, then the whole tape with every node's gradient.
pub(crate) fn trace(
    out: &mut dyn Write,
    tape: &Tape,
    program: &Program<'_>,
    grads: &Gradients,
) -> io::Result<()> {
    write!(
        out,
        "{} = {}\n\n{}",
        output_name(program),
        Shortest(program.output.value()),
        tape.trace().with_gradients(grads)
    )
}
