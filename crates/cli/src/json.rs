//! `--json`: one document, written to the output node by node as it is
//! produced, so that no copy of it is ever held in memory.
//!
//! One output: `{"value": V, "gradients": {input: G, ...}, "nodes": [NODE,
//! ...]}`, each NODE `{"id", "name", "op", "parents", ["scalar",
//! "scalar_side",] "value", "grad"}`.
//!
//! Several outputs (`output a, b`): `{"outputs": [name, ...], "inputs":
//! [name, ...], "values": {output: V, ...}, "jacobian": {output: {input: J,
//! ...}, ...}, "nodes": [...]}`, each NODE with `"grads": {output: G, ...}`
//! in place of `"grad"`.
//!
//! With `--forward`, both add `"direction": {input: SPEED, ...}` (every
//! input, 0 for one not named) and the outputs' tangents, `"tangent": T`
//! beside `"value"` or `"tangents": {output: T, ...}` beside `"values"`;
//! and each NODE gets `"tangent"`.
//!
//! Finite numbers are written exactly (the shortest digits that read back
//! as the same `f64`); NaN and the infinities, which JSON lacks, as the
//! strings `"NaN"`, `"inf"` and `"-inf"`; `null` only for what is absent:
//! an unnamed node's name, the gradients and tangent of a node that gets
//! none (a constant).

use std::io::{self, Write};

use autograd::{ScalarSide, Tape, Var};

use crate::parser::{Output, Program};
use crate::sweeps::Derivatives;

/// Writes the document for `program` to `out`.
pub(crate) fn write(
    out: &mut dyn Write,
    tape: &Tape,
    program: &Program<'_>,
    derivatives: &Derivatives<'_>,
) -> io::Result<()> {
    // Each piece is put together in `line`, then written in one call.
    let mut line = Vec::with_capacity(256);
    let inputs = || program.inputs.iter().map(|(name, _)| &**name);
    let outputs = || program.outputs.iter().map(Output::label);
    let single = program.single_output().is_some();
    if single {
        let output = program.outputs[0].node;
        line.extend_from_slice(b"{\"value\":");
        number(&mut line, output.value());
        line.extend_from_slice(b",\"gradients\":");
        object(out, &mut line, inputs(), |_, line, j| {
            number(line, derivatives.jacobian(0, j));
            Ok(())
        })?;
    } else {
        line.extend_from_slice(b"{\"outputs\":");
        array(out, &mut line, outputs())?;
        line.extend_from_slice(b",\"inputs\":");
        array(out, &mut line, inputs())?;
        line.extend_from_slice(b",\"values\":");
        object(out, &mut line, outputs(), |_, line, i| {
            number(line, program.outputs[i].node.value());
            Ok(())
        })?;
        line.extend_from_slice(b",\"jacobian\":");
        object(out, &mut line, outputs(), |out, line, i| {
            object(out, line, inputs(), |_, line, j| {
                number(line, derivatives.jacobian(i, j));
                Ok(())
            })
        })?;
    }
    if let Some((direction, tangents)) = &derivatives.forward {
        line.extend_from_slice(b",\"direction\":");
        object(out, &mut line, inputs(), |_, line, j| {
            number(line, direction.speeds[j].2);
            Ok(())
        })?;
        if single {
            line.extend_from_slice(b",\"tangent\":");
            optional(&mut line, tangents.get(program.outputs[0].node));
        } else {
            line.extend_from_slice(b",\"tangents\":");
            object(out, &mut line, outputs(), |_, line, i| {
                optional(line, tangents.get(program.outputs[i].node));
                Ok(())
            })?;
        }
    }
    line.extend_from_slice(b",\"nodes\":[");
    flush(out, &mut line)?;
    for index in 0..tape.len() {
        let Some(node) = tape.node(index) else {
            continue;
        };
        if index > 0 {
            line.push(b',');
        }
        write_node(&mut line, index, node, program, derivatives);
        flush(out, &mut line)?;
    }
    line.extend_from_slice(b"]}\n");
    flush(out, &mut line)
}

/// An object with each of `keys` in turn, and the value `value` writes for
/// the key at each index; what is put together is written after each.
fn object<'k>(
    out: &mut dyn Write,
    line: &mut Vec<u8>,
    keys: impl Iterator<Item = &'k str>,
    mut value: impl FnMut(&mut dyn Write, &mut Vec<u8>, usize) -> io::Result<()>,
) -> io::Result<()> {
    line.push(b'{');
    for (i, key) in keys.enumerate() {
        if i > 0 {
            line.push(b',');
        }
        string(line, key);
        line.push(b':');
        value(out, line, i)?;
        flush(out, line)?;
    }
    line.push(b'}');
    Ok(())
}

/// An array of the strings `items`; what is put together is written after
/// each.
fn array<'k>(
    out: &mut dyn Write,
    line: &mut Vec<u8>,
    items: impl Iterator<Item = &'k str>,
) -> io::Result<()> {
    line.push(b'[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            line.push(b',');
        }
        string(line, item);
        flush(out, line)?;
    }
    line.push(b']');
    Ok(())
}

/// Writes `line` to `out` and empties it.
fn flush(out: &mut dyn Write, line: &mut Vec<u8>) -> io::Result<()> {
    out.write_all(line)?;
    line.clear();
    Ok(())
}

/// One node's object, for the node at `index`.
fn write_node(
    line: &mut Vec<u8>,
    index: usize,
    node: Var<'_>,
    program: &Program<'_>,
    derivatives: &Derivatives<'_>,
) {
    line.extend_from_slice(b"{\"id\":");
    integer(line, index);
    line.extend_from_slice(b",\"name\":");
    match node.name() {
        Some(name) => string(line, &name),
        None => line.extend_from_slice(b"null"),
    }
    let op = node.op();
    line.extend_from_slice(b",\"op\":");
    string(line, op.name());
    line.extend_from_slice(b",\"parents\":[");
    for (i, parent) in node.parents().iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        integer(line, parent.index());
    }
    line.push(b']');
    if let Some((scalar, side)) = op.scalar_operand() {
        line.extend_from_slice(b",\"scalar\":");
        number(line, scalar);
        line.extend_from_slice(match side {
            ScalarSide::Left => b",\"scalar_side\":\"left\"",
            ScalarSide::Right => b",\"scalar_side\":\"right\"",
        });
    }
    line.extend_from_slice(b",\"value\":");
    number(line, node.value());
    if program.single_output().is_some() {
        line.extend_from_slice(b",\"grad\":");
        optional(line, derivatives.grads[0].get(node));
    } else {
        line.extend_from_slice(b",\"grads\":");
        // A node gets a gradient from every output or from none.
        if derivatives.grads[0].get(node).is_some() {
            line.push(b'{');
            for (i, output) in program.outputs.iter().enumerate() {
                if i > 0 {
                    line.push(b',');
                }
                string(line, output.label());
                line.push(b':');
                optional(line, derivatives.grads[i].get(node));
            }
            line.push(b'}');
        } else {
            line.extend_from_slice(b"null");
        }
    }
    if let Some((_, tangents)) = &derivatives.forward {
        line.extend_from_slice(b",\"tangent\":");
        optional(line, tangents.get(node));
    }
    line.push(b'}');
}

/// A number, or `null` for none.
fn optional(line: &mut Vec<u8>, x: Option<f64>) {
    match x {
        Some(x) => number(line, x),
        None => line.extend_from_slice(b"null"),
    }
}

/// A number: exact when finite, else `"NaN"`, `"inf"` or `"-inf"`.
fn number(line: &mut Vec<u8>, x: f64) {
    if x.is_nan() {
        line.extend_from_slice(b"\"NaN\"");
    } else if x == f64::INFINITY {
        line.extend_from_slice(b"\"inf\"");
    } else if x == f64::NEG_INFINITY {
        line.extend_from_slice(b"\"-inf\"");
    } else {
        serde_json::to_writer(line, &x).expect("writing to memory does not fail");
    }
}

/// A number as a JSON value, as [`number`] writes it.
pub(crate) fn value(x: f64) -> serde_json::Value {
    if x.is_nan() {
        "NaN".into()
    } else if x == f64::INFINITY {
        "inf".into()
    } else if x == f64::NEG_INFINITY {
        "-inf".into()
    } else {
        x.into()
    }
}

/// A whole number in decimal.
fn integer(line: &mut Vec<u8>, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    line.extend_from_slice(&digits[at..]);
}

/// A string, quoted; escaped only if it has to be (names and op names
/// never do).
fn string(line: &mut Vec<u8>, text: &str) {
    if text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        line.push(b'"');
        line.extend_from_slice(text.as_bytes());
        line.push(b'"');
    } else {
        serde_json::to_writer(line, text).expect("writing to memory does not fail");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_strings() {
        let mut line = Vec::new();
        for n in [0, 7, 10, 4_294_967_296, usize::MAX] {
            integer(&mut line, n);
            line.push(b' ');
        }
        string(&mut line, "w_1");
        string(&mut line, "a\"b");
        let text = String::from_utf8(line).unwrap();
        assert_eq!(
            text,
            format!("0 7 10 4294967296 {} \"w_1\"\"a\\\"b\"", usize::MAX)
        );
    }
}
