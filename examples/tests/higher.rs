//! The higher-order examples: Newton's method converges quadratically with
//! exact Hessians, and the blog's Hessian has the structure the network
//! dictates.

use std::process::Command;

use nn::blog;

fn stdout(binary: &str) -> String {
    let output = Command::new(binary).output().expect("runs");
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn newton_converges_quadratically() {
    let out = stdout(env!("CARGO_BIN_EXE_newton"));
    // Rows "step  newton  descent" for steps 0..=8.
    let errors: Vec<f64> = out
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            (cells.len() == 3 && cells[0].parse::<u32>().is_ok_and(|s| s <= 8))
                .then(|| cells[1].parse().expect("a number"))
        })
        .collect();
    assert_eq!(errors.len(), 9, "{out}");
    assert!(errors[7] < 1e-12, "Newton did not converge: {errors:?}");
    // Near the end the error roughly squares: e_{k+1} <= C e_k² with a
    // modest C, as Newton's method promises.
    for k in 3..6 {
        assert!(
            errors[k + 1] <= 20.0 * errors[k] * errors[k],
            "step {k}: {errors:?}"
        );
    }
}

#[test]
fn the_blog_hessian_is_block_diagonal_with_rank_one_blocks() {
    let out = stdout(env!("CARGO_BIN_EXE_blog-hessian"));
    let rows: Vec<Vec<f64>> = out
        .lines()
        .filter(|l| l.trim_start().starts_with('w') && l.split_whitespace().count() == 5)
        .map(|l| {
            l.split_whitespace()
                .skip(1)
                .map(|c| c.parse().unwrap())
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 4, "{out}");
    for (i, row) in rows.iter().enumerate() {
        for (j, &a) in row.iter().enumerate() {
            let b = rows[j][i];
            assert!((a - b).abs() <= 1e-15, "not symmetric at ({i}, {j})");
            if (i < 2) != (j < 2) {
                assert_eq!(a, 0.0, "({i}, {j}) couples o1's and o2's weights");
            }
        }
    }
    for block in [0, 2] {
        let (a, b, d) = (
            rows[block][block],
            rows[block][block + 1],
            rows[block + 1][block + 1],
        );
        let det = a * d - b * b;
        assert!(
            det.abs() <= 1e-12 * (a * d).abs(),
            "block {block} is not rank one: det {det}"
        );
    }
    // The gradient read from the recorded graph is the first-order one,
    // exactly, and the blog's row 12.
    let printed: f64 = out
        .split("∂E_total/∂w5 = ")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no ∂E_total/∂w5 in {out}"));
    let tape = autograd::Tape::new();
    let mlp = blog::network().bind(&tape);
    let w5 = mlp.parameter("w5").unwrap();
    assert_eq!(printed, blog::forward(&mlp).total.backward().wrt(w5));
    assert!(blog::figure(12).is_exact(printed));
}

#[test]
fn the_readme_shows_the_real_newton_table() {
    let readme = include_str!("../../README.md");
    let at = readme
        .find("--bin newton` minimises")
        .expect("the README shows newton");
    let start = readme[at..].find("```text\n").expect("a text block") + at + 8;
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let out = stdout(env!("CARGO_BIN_EXE_newton"));
    assert!(
        out.contains(block),
        "README's newton table differs from the output"
    );
}

/// Asserts that `cell` is a number printed as `autograd::Shortest` prints
/// it: the shortest digits that read back as the same f64.
fn assert_shortest(cell: &str, line: &str) {
    let x: f64 = cell
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {cell:?} in {line:?}"));
    assert_eq!(autograd::Shortest(x).to_string(), cell, "in {line:?}");
}

#[test]
fn newton_prints_every_number_in_shortest_form() {
    let out = stdout(env!("CARGO_BIN_EXE_newton"));
    let mut numbers = 0;
    for line in out.lines() {
        let cells: Vec<&str> = line.split_whitespace().collect();
        if cells.first().is_some_and(|c| c.parse::<u32>().is_ok()) {
            for cell in &cells[1..] {
                assert_shortest(cell, line);
                numbers += 1;
            }
        }
    }
    assert_eq!(numbers, 9 * 2 + 1, "{out}");
}

#[test]
fn blog_hessian_prints_every_number_in_shortest_form() {
    let out = stdout(env!("CARGO_BIN_EXE_blog-hessian"));
    let mut numbers = 0;
    for line in out.lines() {
        let cells: Vec<&str> = line.split_whitespace().collect();
        if cells.len() == 5 && cells[0].starts_with('w') {
            for cell in &cells[1..] {
                assert_shortest(cell, line);
                numbers += 1;
            }
        } else if let Some(gradient) = line
            .trim_start()
            .strip_prefix("∂E_total/∂w")
            .and_then(|rest| rest.split_once(" = "))
            .map(|(_, g)| g)
        {
            assert_shortest(gradient, line);
            numbers += 1;
        }
    }
    assert_eq!(numbers, 16 + 4, "{out}");
}
