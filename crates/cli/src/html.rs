//! `--html FILE`: the program's graph as a page that steps through the
//! forward and the backward pass (see [`crate::page`]).

use std::path::Path;

use crate::page::Page;
use crate::parser::Program;

/// Writes the page of `program`'s one output (the program is called
/// `name` in messages) to `path`.
///
/// # Errors
///
/// The message to report, when the graph is too large for a page or the
/// file cannot be written.
pub(crate) fn write(path: &Path, name: &str, program: &Program<'_>) -> Result<(), String> {
    let output = &program.outputs[0];
    let page = Page::new(format!("{}: backpropagation step by step", output.label()), output.node)
        .map_err(|e| format!("cannot draw {}: {e}", path.display()))?
        .with_intro(format!(
            "The graph of {} in {name}, recorded by grad: step through the forward pass, then the backward pass.",
            output.label()
        ));
    page.write(path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
