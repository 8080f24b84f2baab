//! `--at NAME=V1,V2,...`: the program evaluated and differentiated at many
//! points, from one recording compiled into an [`autograd::Program`] and
//! replayed at each point. The language has no branches, so a replay is
//! exactly the program recorded at that point (and gives the same bits).

use std::io::{self, Write};
use std::ops::Range;

use autograd::{Program as Compiled, Shortest};

use crate::direction::{not_an_input, trimmed};
use crate::error::{ErrorKind, SyntaxError};
use crate::names::{quoted, short};
use crate::parser::Program;
use crate::table::{self, First};

/// How to write `--at`, for the help of malformed ones.
const HOW: &str = "write NAME=VALUE,VALUE,... as in `--at x=1,2,3`; give --at once per input \
                   that changes, each with as many values";

/// The points: for each input named, its index among the program's inputs
/// and its value at each point.
#[derive(Debug)]
pub(crate) struct Points {
    pub(crate) columns: Vec<(usize, Vec<f64>)>,
}

impl Points {
    /// How many points.
    pub(crate) fn len(&self) -> usize {
        self.columns.first().map_or(0, |(_, values)| values.len())
    }
}

/// Reads the values of the `--at` options, `texts`, against `program`'s
/// inputs.
///
/// # Errors
///
/// The first mistake, with the index of the `--at` it is in and its span
/// there: no `=`, a name that is not an input or is named twice, a value
/// that is not a finite number, lists of different lengths.
pub(crate) fn parse(
    texts: &[String],
    program: &Program<'_>,
) -> Result<Points, (usize, SyntaxError)> {
    let error = |span: Range<usize>, message: String| {
        SyntaxError::new(ErrorKind::BadDirection, span, message).help(HOW)
    };
    let mut columns: Vec<(usize, Vec<f64>)> = Vec::new();
    for (which, text) in texts.iter().enumerate() {
        let fail = |e: SyntaxError| (which, e);
        let Some(equals) = text.find('=') else {
            return Err(fail(error(
                0..text.len(),
                format!("`{}` has no `=`", short(text)),
            )));
        };
        let Some(name_span) = trimmed(text, 0..equals) else {
            return Err(fail(error(
                equals..equals + 1,
                "values with no name".to_owned(),
            )));
        };
        let name = &text[name_span.clone()];
        let Some(index) = program
            .inputs
            .iter()
            .position(|(input, _)| &**input == name)
        else {
            return Err(fail(not_an_input(
                program,
                name,
                name_span,
                "--at sets inputs",
            )));
        };
        if columns.iter().any(|(i, _)| *i == index) {
            return Err(fail(error(
                name_span,
                format!("{} is given twice", quoted(name)),
            )));
        }
        let mut values = Vec::new();
        let mut start = equals + 1;
        for part in text[equals + 1..].split(',') {
            let span = start..start + part.len();
            start = span.end + 1;
            let Some(span) = trimmed(text, span.clone()) else {
                return Err(fail(error(
                    span.start.saturating_sub(1)..span.start.max(1),
                    "an empty value".to_owned(),
                )));
            };
            let value = &text[span.clone()];
            match value.parse::<f64>() {
                Ok(x) if x.is_finite() => values.push(x),
                _ => {
                    return Err(fail(error(
                        span,
                        format!("`{}` is not a finite number", short(value)),
                    )));
                }
            }
        }
        if let Some((first, expected)) = columns.first().map(|(i, v)| (*i, v.len()))
            && values.len() != expected
        {
            return Err(fail(error(
                name_span,
                format!(
                    "{} has {} and {} has {expected}",
                    quoted(name),
                    plural(values.len(), "value"),
                    quoted(&program.inputs[first].0)
                ),
            )));
        }
        columns.push((index, values));
    }
    Ok(Points { columns })
}

/// The output's value and gradient at every point, one row each, from one
/// compiled program replayed.
pub(crate) struct Table {
    /// Per point, the inputs' values, the output's value, and its gradient.
    pub(crate) rows: Vec<(Vec<f64>, f64, Vec<f64>)>,
    /// Instructions in the compiled program.
    pub(crate) instructions: usize,
}

/// Compiles `program`'s one output and replays it at every point.
pub(crate) fn evaluate(program: &Program<'_>, points: &Points) -> Table {
    let output = program.single_output().expect("--at takes one output");
    let tape_inputs: Vec<_> = program.inputs.iter().map(|(_, var)| *var).collect();
    let tape = output.node.tape();
    let mut compiled: Compiled = tape.compile(&tape_inputs, output.node);
    let mut at: Vec<f64> = tape_inputs.iter().map(|var| var.value()).collect();
    let mut gradient = vec![0.0; at.len()];
    let rows = (0..points.len())
        .map(|k| {
            for (index, values) in &points.columns {
                at[*index] = values[k];
            }
            let value = compiled.gradient(&at, &mut gradient);
            (at.clone(), value, gradient.clone())
        })
        .collect();
    Table {
        rows,
        instructions: compiled.len(),
    }
}

/// A heading, then a table: a row per point with every input's value, the
/// output's value and its gradient.
pub(crate) fn plain(out: &mut dyn Write, program: &Program<'_>, table: &Table) -> io::Result<()> {
    let name = program.single_output().map_or("output", |o| o.label());
    writeln!(
        out,
        "{name} at {} (compiled once into {}, replayed at each):",
        plural(table.rows.len(), "point"),
        plural(table.instructions, "instruction")
    )?;
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(table.rows.len() + 1);
    let mut heading: Vec<String> = program.inputs.iter().map(|(n, _)| n.to_string()).collect();
    heading.push(name.to_owned());
    heading.extend(program.inputs.iter().map(|(n, _)| format!("∂{name}/∂{n}")));
    rows.push(heading);
    for (at, value, gradient) in &table.rows {
        let mut row: Vec<String> = at.iter().map(|x| Shortest(*x).to_string()).collect();
        row.push(Shortest(*value).to_string());
        row.extend(gradient.iter().map(|g| Shortest(*g).to_string()));
        rows.push(row);
    }
    let widths = table::widths(&rows);
    let columns: Vec<usize> = (0..widths.len()).collect();
    table::write(out, &rows, &widths, &columns, First::Left)
}

/// The same as JSON: `{"output", "inputs", "points": [{"at": {...},
/// "value", "gradients": {...}}]}`.
pub(crate) fn json(out: &mut dyn Write, program: &Program<'_>, table: &Table) -> io::Result<()> {
    use serde_json::{Map, Value, json};
    let number = crate::json::value;
    let name = program.single_output().map_or("output", |o| o.label());
    let names: Vec<&str> = program.inputs.iter().map(|(n, _)| &**n).collect();
    let points: Vec<Value> = table
        .rows
        .iter()
        .map(|(at, value, gradient)| {
            let by_name = |xs: &[f64]| -> Map<String, Value> {
                names
                    .iter()
                    .zip(xs)
                    .map(|(n, &x)| ((*n).to_owned(), number(x)))
                    .collect()
            };
            json!({"at": by_name(at), "value": number(*value), "gradients": by_name(gradient)})
        })
        .collect();
    let document = json!({"output": name, "inputs": names, "points": points});
    writeln!(out, "{document}")
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
