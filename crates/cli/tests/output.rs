//! What `grad` prints: aligned gradients, the trace, and the DOT file.

mod common;

use common::{grad, grad_with_input};

#[test]
fn value_then_aligned_gradients() {
    let (status, out, _) = grad(&["a = 2; bb = 3; y = a * bb"]);
    assert_eq!(status, 0);
    assert_eq!(out, "y = 6\n\n∂y/∂a  = 3\n∂y/∂bb = 2\n");
}

#[test]
fn an_unnamed_output_is_called_output() {
    let (_, out, _) = grad(&["x = 2; x^3"]);
    assert_eq!(out, "output = 8\n\n∂output/∂x = 12\n");
}

#[test]
fn trace_lists_every_node_with_names() {
    let (status, out, _) = grad(&["--trace", "x = 2\nconst c = 3\ny = c * x^2"]);
    assert_eq!(status, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "y = 12");
    assert!(lines[2].starts_with("#  name  op"), "{out}");
    assert!(out.contains("powi") && out.contains("x, 2"), "{out}");
    let y = lines
        .iter()
        .find(|l| l.contains(" y "))
        .expect("a line for y");
    assert!(y.contains("mul") && y.contains("c, #2"), "{y}");
}

#[test]
fn program_from_stdin_and_file() {
    let (status, out, _) = grad_with_input(&[], "x = 4\nsqrt(x)\n");
    assert_eq!(status, 0);
    assert!(out.contains("output = 2"));
    let path = std::env::temp_dir().join(format!("grad-test-{}.txt", std::process::id()));
    std::fs::write(&path, "x = 4\nsqrt(x)\n").unwrap();
    let (status, out, _) = grad(&["-f", path.to_str().unwrap()]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(status, 0);
    assert!(out.contains("∂output/∂x = 0.25"));
}

#[test]
fn dot_writes_the_graph() {
    let path = std::env::temp_dir().join(format!("grad-test-{}.dot", std::process::id()));
    let (status, _, err) = grad(&["--dot", path.to_str().unwrap(), "x = 2; y = exp(x) * x"]);
    assert_eq!(status, 0, "{err}");
    let dot = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(dot.starts_with("digraph"));
    assert_eq!(dot.matches("[label=").count(), 3);
    assert!(dot.contains("n0 -> n1") && dot.contains("n1 -> n2") && dot.contains("n0 -> n2"));
}

#[test]
fn tiny_numbers_print_in_shortest_form_everywhere() {
    // sigmoid(-745) and its slope are the smallest subnormal, 5e-324.
    let (status, out, _) = grad(&["x = -745; y = sigmoid(x)"]);
    assert_eq!(status, 0);
    assert_eq!(out, "y = 5e-324\n\n∂y/∂x = 5e-324\n");
    let (_, out, _) = grad(&["--trace", "x = -745; y = sigmoid(x)"]);
    assert!(out.starts_with("y = 5e-324\n"), "{out}");
    // Warnings show their numbers the same way: 1 / 5e-324 overflows.
    let (status, _, err) = grad(&["x = -745; s = sigmoid(x); y = 1 / s"]);
    assert_eq!(status, 0);
    assert!(
        err.contains("this is inf") && err.contains("5e-324"),
        "{err}"
    );
    assert!(!err.contains("0.000"), "{err}");
    // And so do error messages.
    let (status, _, err) = grad(&["y = 2 0.00000000001"]);
    assert_eq!(status, 2);
    assert!(err.contains("found the number 1e-11"), "{err}");
}
