//! The Jacobian of several outputs as a table: a row per output, a column
//! per input, `∂y/∂x` where row `∂y` meets column `∂x`. A table wider than
//! [`WIDTH`] is split into blocks of columns, each with the row names.

use std::io::{self, Write};

use autograd::Shortest;

use crate::parser::Program;
use crate::sweeps::Derivatives;
use crate::table::{self, First};

/// Lines longer than this many characters are avoided by splitting the
/// table into blocks of columns (a column wider than that stands alone).
pub(crate) const WIDTH: usize = 100;

/// Writes the Jacobian of `program`'s outputs with respect to its inputs.
pub(crate) fn table(
    out: &mut dyn Write,
    program: &Program<'_>,
    derivatives: &Derivatives<'_>,
) -> io::Result<()> {
    let mut rows = Vec::with_capacity(program.outputs.len() + 1);
    rows.push(
        std::iter::once(String::new())
            .chain(program.inputs.iter().map(|(input, _)| format!("∂{input}")))
            .collect::<Vec<_>>(),
    );
    for (i, output) in program.outputs.iter().enumerate() {
        let mut row = Vec::with_capacity(program.inputs.len() + 1);
        row.push(format!("∂{}", output.label()));
        for j in 0..program.inputs.len() {
            row.push(Shortest(derivatives.jacobian(i, j)).to_string());
        }
        rows.push(row);
    }
    let widths = table::widths(&rows);
    for (k, block) in blocks(&widths).iter().enumerate() {
        if k > 0 {
            writeln!(out)?;
        }
        table::write(out, &rows, &widths, block, First::Left)?;
    }
    Ok(())
}

/// The columns of each block: the names' column, then the same number of
/// the others in each (the last may have fewer), as many as lets every
/// block fit in [`WIDTH`] characters, and at least one.
fn blocks(widths: &[usize]) -> Vec<Vec<usize>> {
    let (names, columns) = (widths[0], &widths[1..]);
    let fits = |block: &[usize]| names + block.iter().map(|w| w + 2).sum::<usize>() <= WIDTH;
    // No block can hold more columns than fit from the first one on.
    let most = (1..=columns.len())
        .take_while(|&n| fits(&columns[..n]))
        .last()
        .unwrap_or(1);
    let per_block = (1..=most)
        .rev()
        .find(|&n| columns.chunks(n).all(fits))
        .unwrap_or(1);
    let indices: Vec<usize> = (1..widths.len()).collect();
    if indices.is_empty() {
        return vec![vec![0]];
    }
    indices
        .chunks(per_block)
        .map(|chunk| std::iter::once(0).chain(chunk.iter().copied()).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_split_into_blocks_that_fit() {
        assert_eq!(blocks(&[4, 20, 20]), [vec![0, 1, 2]]);
        // 4 + 4 × 22 = 92 fits, a fifth column does not.
        assert_eq!(
            blocks(&[4, 20, 20, 20, 20, 20, 20]),
            [vec![0, 1, 2, 3, 4], vec![0, 5, 6]]
        );
        // Four from the first on fit, but not four from the fifth on: three
        // in each block.
        assert_eq!(
            blocks(&[4, 20, 20, 20, 20, 20, 40, 20, 20]),
            [vec![0, 1, 2, 3], vec![0, 4, 5, 6], vec![0, 7, 8]]
        );
        // A column too wide for any block stands alone.
        assert_eq!(blocks(&[4, 200, 3]), [vec![0, 1], vec![0, 2]]);
        assert_eq!(blocks(&[4]), [vec![0]]);
    }
}
