//! The Hessian of the worked example's E_total with respect to w5..w8, at
//! the blog's starting weights: the gradient recorded on the tape, and each
//! of its entries differentiated again.
//!
//! `cargo run --release --bin blog-hessian`

use std::io::{self, Write};
use std::process::ExitCode;

use autograd::{Shortest, Var};
use nn::blog;

fn main() -> ExitCode {
    let printed = run(&mut io::stdout().lock());
    pictures::text::exit_status("blog-hessian", printed, ExitCode::SUCCESS)
}

/// Prints the Hessian and the gradient to `out`.
fn run(out: &mut impl Write) -> io::Result<()> {
    let tape = autograd::Tape::new();
    let mlp = blog::network().bind(&tape);
    let pass = blog::forward(&mlp);
    let names = ["w5", "w6", "w7", "w8"];
    let weights: Vec<Var<'_>> = names
        .iter()
        .map(|name| mlp.parameter(name).expect("the blog network names w5..w8"))
        .collect();
    let gradient = pass.total.grad_graph(&weights);
    writeln!(
        out,
        "The Hessian of E_total with respect to w5..w8 at the blog's starting weights:\n"
    )?;
    write!(out, "{:>4}", "")?;
    for name in names {
        write!(out, "  {name:>24}")?;
    }
    writeln!(out)?;
    for (name, g) in names.iter().zip(&gradient) {
        let row = g.backward();
        write!(out, "{name:>4}")?;
        for &w in &weights {
            write!(out, "  {:>24}", Shortest(row.wrt(w)))?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "\nw5 and w6 feed only o1, w7 and w8 only o2, so the off-diagonal 2×2 blocks are zero.\n\
         Within a block ∂²E/∂w_i∂w_j = out_hi · out_hj · ∂²E/∂net_o², so each block has rank\n\
         one: its determinant is zero up to rounding. The w5..w6 block is negative: at the\n\
         start, E_total is concave along those weights."
    )?;
    writeln!(
        out,
        "\nThe gradient itself, read from the recorded graph (∂E_total/∂w5 is the blog's row 12):"
    )?;
    for (name, g) in names.iter().zip(&gradient) {
        writeln!(out, "  ∂E_total/∂{name} = {}", Shortest(g.value()))?;
    }
    out.flush()
}
