//! Text tables: cells in columns as wide as their widest cell, two spaces
//! apart, the way the engine's traces are laid out.

use std::io::{self, Write};

/// How the cells of the first column stand in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum First {
    /// Flush left, as every other column.
    Left,
    /// Flush right: a column of ids.
    Right,
}

/// The width of each column of `rows` (which all have the same number of
/// cells), in characters.
pub(crate) fn widths(rows: &[Vec<String>]) -> Vec<usize> {
    let mut widths = vec![0; rows.first().map_or(0, Vec::len)];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    widths
}

/// Writes the columns `columns` of `rows`, laid out with `widths`, one row
/// a line, without spaces at the ends of lines.
pub(crate) fn write(
    out: &mut dyn Write,
    rows: &[Vec<String>],
    widths: &[usize],
    columns: &[usize],
    first: First,
) -> io::Result<()> {
    let mut line = String::new();
    for row in rows {
        line.clear();
        for (k, &column) in columns.iter().enumerate() {
            let (cell, width) = (&row[column], widths[column]);
            let pad = width - cell.chars().count();
            if k > 0 {
                line.push_str("  ");
            }
            if k == 0 && first == First::Right {
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_as_wide_as_their_widest_cell() {
        let rows: Vec<Vec<String>> = [["#", "name", "∂"], ["10", "x", "-0.5"]]
            .iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect();
        let widths = widths(&rows);
        assert_eq!(widths, [2, 4, 4]);
        let mut out = Vec::new();
        write(&mut out, &rows, &widths, &[0, 1, 2], First::Right).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            " #  name  ∂\n10  x     -0.5\n"
        );
        let mut out = Vec::new();
        write(&mut out, &rows, &widths, &[0, 2], First::Left).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "#   ∂\n10  -0.5\n");
    }
}
