//! `grad --explain`: every derivative of the sweep as the chain rule made it.

mod common;

const BLOG: &str = include_str!("../../../examples/programs/blog.grad");

#[test]
fn a_small_program_explained_step_by_step() {
    // y = a·x + sin(x) with a = 2x: dy/dx = x · 2 + (a + cos x) = 4x + cos x
    let (status, out, err) = common::grad(&["--explain", "x = 0.5; a = 2*x; y = a*x + sin(x)"]);
    assert_eq!(status, 0, "{err}");
    assert_eq!(
        out,
        "\
y = 0.979425538604203

∂y/∂x = 2.8775825618903728

∂y/∂a = x = 0.5

∂y/∂x = ∂y/∂a · ∂a/∂x + ∂y/∂y · ∂y/∂x
      = 0.5 × 2 + 1 × 1.87758256
      = 1 + 1.87758256
      = 2.87758256
    ∂a/∂x = 2
    ∂y/∂x = a + cos(x) = 1 + cos(0.5) = 1.87758256
"
    );
}

#[test]
fn an_unnamed_output_is_called_output() {
    let (status, out, _) = common::grad(&["--explain", "x = 3; x^2 + 2*x"]);
    assert_eq!(status, 0);
    assert!(
        out.ends_with("\n∂output/∂x = 2 · x + 2 = 2 · 3 + 2 = 8\n"),
        "{out}"
    );
}

#[test]
fn the_blogs_hidden_layer_sums_its_two_paths() {
    let (status, out, _) = common::grad(&["--explain", BLOG]);
    assert_eq!(status, 0);
    let at = out.find("∂E_total/∂out_h1 = ").expect("a step for out_h1");
    let step: Vec<&str> = out[at..].lines().take(7).collect();
    assert_eq!(
        step,
        [
            "∂E_total/∂out_h1 = ∂E_total/∂net_o1 · ∂net_o1/∂out_h1 + ∂E_total/∂net_o2 · ∂net_o2/∂out_h1",
            "                 = 0.138498562 × 0.4 + (-0.0380982365) × 0.5",
            "                 = 0.0553994247 + (-0.0190491183)",
            "                 = 0.0363503064",
            "    ∂net_o1/∂out_h1 = w5 = 0.4",
            "    ∂net_o2/∂out_h1 = w7 = 0.5",
            "",
        ]
    );
    // The error's derivative, written with the constant target's name.
    assert!(
        out.contains(
            "∂E_o1/∂out_o1 = 0.5 · 2 (t1 - out_o1) (-1) = 0.5 · 2 (0.01 - 0.75136507) (-1) = 0.74136507"
        ),
        "{out}"
    );
    // Constants get no step.
    assert!(!out.contains("∂E_total/∂b1 ="), "{out}");
}

#[test]
fn several_outputs_are_explained_one_after_the_other() {
    let (status, out, _) = common::grad(&["--explain", "x = 2; y = x*x; z = 3*x; output y, z"]);
    assert_eq!(status, 0);
    assert!(
        out.ends_with("\n∂y/∂x = x + x = 2 + 2 = 4\n\n∂z/∂x = 3\n"),
        "{out}"
    );
}

#[test]
fn explain_and_json_are_refused_together() {
    let (status, _, err) = common::grad(&["--explain", "--json", "x = 1; y = x"]);
    assert_eq!(status, 2);
    assert!(err.contains("--explain") && err.contains("--json"), "{err}");
}
