//! The README shows real output: its trace is what the engine prints today.

use autograd::Tape;

const README: &str = include_str!("../../README.md");

/// The README's `text` block that shows the API tour's trace.
fn readme_trace() -> &'static str {
    let start = README
        .find("```text\n#  name")
        .expect("README shows the API tour's trace")
        + 8;
    let len = README[start..].find("```").expect("the block is closed");
    &README[start..start + len]
}

#[test]
fn the_api_tour_trace_is_real() {
    let tape = Tape::new();
    let w = tape.var_named("w", 0.40);
    let x = tape.constant_named("x", 0.593);
    let b = tape.var_named("b", 0.60);
    let net = (w * x + b).named("net");
    let out = net.sigmoid().named("out");
    let error = (0.5 * (0.01 - out).powi(2)).named("E");
    let grads = error.backward();
    assert_eq!(
        error.trace().with_gradients(&grads).to_string(),
        readme_trace()
    );
}

#[test]
fn the_compiled_programs_listing_is_real() {
    let start = README
        .find("```text\nprogram: ")
        .expect("README shows a program's listing")
        + 8;
    let len = README[start..].find("```").expect("the block is closed");
    let tape = Tape::new();
    let (x, y) = (tape.var_named("x", 1.0), tape.var_named("y", 2.0));
    let f = (3.0 * x * y + 0.5).sin().named("f");
    let program = tape.compile(&[x, y], f);
    assert_eq!(program.to_string(), &README[start..start + len]);
}
