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
    // Each piece is put together in `line`, then written in one call.
    let mut line = Vec::with_capacity(256);
    line.extend_from_slice(b"{\"value\":");
    number(&mut line, program.output.value());
    line.extend_from_slice(b",\"gradients\":{");
    for (i, (name, var)) in program.inputs.iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        string(&mut line, name);
        line.push(b':');
        number(&mut line, grads.wrt(*var));
        flush(out, &mut line)?;
    }
    line.extend_from_slice(b"},\"nodes\":[");
    for index in 0..tape.len() {
        let Some(node) = tape.node(index) else {
            continue;
        };
        if index > 0 {
            line.push(b',');
        }
        write_node(&mut line, index, node, grads);
        flush(out, &mut line)?;
    }
    line.extend_from_slice(b"]}\n");
    flush(out, &mut line)
}

/// Writes `line` to `out` and empties it.
fn flush(out: &mut dyn Write, line: &mut Vec<u8>) -> io::Result<()> {
    out.write_all(line)?;
    line.clear();
    Ok(())
}

/// One node's object, for the node at `index`.
fn write_node(line: &mut Vec<u8>, index: usize, node: Var<'_>, grads: &Gradients) {
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
    line.extend_from_slice(b",\"grad\":");
    match grads.get(node) {
        Some(g) => number(line, g),
        None => line.extend_from_slice(b"null"),
    }
    line.push(b'}');
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
