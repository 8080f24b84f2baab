//! The README's `grad` examples show real output.

mod common;

const README: &str = include_str!("../../../README.md");

/// The ```text block that follows `marker` in the README.
fn block_after(marker: &str) -> &'static str {
    let at = README
        .find(marker)
        .unwrap_or_else(|| panic!("README lacks {marker:?}"));
    let start = README[at..].find("```text\n").expect("a text block") + at + 8;
    let len = README[start..].find("```").expect("closed");
    &README[start..start + len]
}

fn file(path: &str) -> String {
    std::fs::read_to_string(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn the_trace_example() {
    let (_, out, _) = common::grad(&["--trace", &file("examples/programs/neuron.grad")]);
    assert_eq!(out, block_after("-f examples/programs/neuron.grad --trace"));
}

#[test]
fn the_explain_example() {
    let (_, out, _) = common::grad(&["--explain", &file("examples/programs/neuron.grad")]);
    assert_eq!(
        out,
        block_after("-f examples/programs/neuron.grad --explain")
    );
}

#[test]
fn the_blog_example() {
    let (_, out, _) = common::grad(&[&file("examples/programs/blog.grad")]);
    assert_eq!(
        out,
        block_after("`examples/programs/blog.grad` is the blog's whole network")
    );
}

#[test]
fn the_jacobian_example() {
    let command = "{ cat examples/programs/blog.grad; echo 'output E_o1, E_o2'; } | grad";
    assert!(README.contains(&format!("```sh\n{command}\n```")));
    let program = format!("{}output E_o1, E_o2\n", file("examples/programs/blog.grad"));
    let (status, out, _) = common::grad_with_input(&[], &program);
    assert_eq!(status, 0);
    assert_eq!(out, block_after(command));
}

#[test]
fn the_forward_example() {
    let start = README
        .find("grad --forward theta=1 '")
        .expect("a --forward example");
    let line = README[start..].lines().next().unwrap();
    let program = line
        .strip_prefix("grad --forward theta=1 '")
        .and_then(|rest| rest.strip_suffix('\''))
        .expect("a quoted program");
    let (status, out, _) = common::grad(&["--forward", "theta=1", program]);
    assert_eq!(status, 0);
    assert_eq!(out, block_after(line));
}

#[test]
fn the_error_example() {
    let (status, _, err) = common::grad(&["x = 2\ny = (x + 1"]);
    assert_eq!(status, 2);
    assert_eq!(
        err,
        block_after("A\nmistake gets its line, column and a caret")
    );
}

#[test]
fn the_install_line_uses_the_lock_file() {
    let section = &README[README
        .find("## The `grad` command")
        .expect("a grad section")..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    assert!(
        section.contains("`cargo install --path crates/cli --locked`"),
        "the grad section must say `cargo install --path crates/cli --locked`"
    );
}

#[test]
fn the_at_example() {
    let command = "$ grad --at x=0,0.5,1 'x = 0; b = 2; y = sin(x)*x + b^2'\n";
    let block = block_after("`--at NAME=VALUE,...` evaluates");
    let shown = block
        .strip_prefix(command)
        .expect("the block starts with the command");
    let (status, out, _) = common::grad(&["--at", "x=0,0.5,1", "x = 0; b = 2; y = sin(x)*x + b^2"]);
    assert_eq!(status, 0);
    assert_eq!(out, shown);
}
