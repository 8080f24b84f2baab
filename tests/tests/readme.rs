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
