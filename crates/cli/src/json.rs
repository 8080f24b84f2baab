//! `--json`: one document, written to the output node by node as it is
//! produced, so that no copy of it is ever held in memory.
//!
//! `{"value": V, "gradients": {input: G, ...}, "nodes": [NODE, ...]}`, each
//! NODE `{"id", "name", "op", "parents", ["scalar", "scalar_side",] "value",
//! "grad"}`. Finite numbers are written exactly (the shortest digits that
//! read back as the same `f64`); NaN and the infinities, which JSON lacks,
//! as the strings `"NaN"`, `"inf"` and `"-inf"`; `null` only for what is
//! absent: an unnamed node's name, a constant's gradient.

use std::io::{self, Write};

use autograd::{Gradients, ScalarSide, Tape, Var};

use crate::parser::Program;

/// Writes the document for `program` to `out`.
pub(crate) fn write(
    out: &mut dyn Write,
    tape: &Tape,
    program: &Program<'_>,
    grads: &Gradients,
) -> io::Result<()> {
    out.write_all(b"{\"value\":")?;
    number(out, program.output.value())?;
    out.write_all(b",\"gradients\":{")?;
    for (i, (name, var)) in program.inputs.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        string(out, name)?;
        out.write_all(b":")?;
        number(out, grads.wrt(*var))?;
    }
    out.write_all(b"},\"nodes\":[")?;
    for (i, node) in (0..tape.len()).filter_map(|i| tape.node(i)).enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_node(out, node, grads)?;
    }
    out.write_all(b"]}\n")
}

/// One node's object.
fn write_node(out: &mut dyn Write, node: Var<'_>, grads: &Gradients) -> io::Result<()> {
    write!(out, "{{\"id\":{},\"name\":", node.index())?;
    match node.name() {
        Some(name) => string(out, &name)?,
        None => out.write_all(b"null")?,
    }
    let op = node.op();
    out.write_all(b",\"op\":")?;
    string(out, op.name())?;
    out.write_all(b",\"parents\":[")?;
    for (i, parent) in node.parents().iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write!(out, "{}", parent.index())?;
    }
    out.write_all(b"]")?;
    if let Some((scalar, side)) = op.scalar_operand() {
        out.write_all(b",\"scalar\":")?;
        number(out, scalar)?;
        out.write_all(match side {
            ScalarSide::Left => b",\"scalar_side\":\"left\"",
            ScalarSide::Right => b",\"scalar_side\":\"right\"",
        })?;
    }
    out.write_all(b",\"value\":")?;
    number(out, node.value())?;
    out.write_all(b",\"grad\":")?;
    match grads.get(node) {
        Some(g) => number(out, g)?,
        None => out.write_all(b"null")?,
    }
    out.write_all(b"}")
}

/// A number: exact when finite, else `"NaN"`, `"inf"` or `"-inf"`.
fn number(out: &mut dyn Write, x: f64) -> io::Result<()> {
    if x.is_nan() {
        out.write_all(b"\"NaN\"")
    } else if x == f64::INFINITY {
        out.write_all(b"\"inf\"")
    } else if x == f64::NEG_INFINITY {
        out.write_all(b"\"-inf\"")
    } else {
        serde_json::to_writer(out, &x).map_err(io::Error::from)
    }
}

/// A string, escaped.
fn string(out: &mut dyn Write, text: &str) -> io::Result<()> {
    serde_json::to_writer(out, text).map_err(io::Error::from)
}
