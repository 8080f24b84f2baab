//! `--explain`: every derivative of each output's reverse sweep, as the
//! chain rule made it (autograd's [`Explanation`](autograd::explain::Explanation)),
//! after a blank line; an output without a name of its own is called
//! `output`, as everywhere else.

use std::io::{self, Write};

use crate::parser::Program;

/// Writes a blank line, then the explanation of each output's sweep, a
/// blank line between two.
pub(crate) fn write(out: &mut dyn Write, program: &Program<'_>) -> io::Result<()> {
    for output in &program.outputs {
        let explanation = output.node.explain().with_output_label(output.label());
        writeln!(out)?;
        write!(out, "{explanation}")?;
    }
    Ok(())
}
