//! The worked example: Matt Mazur's backpropagation blog, reproduced by the engine.
//!
//! Until the nn crate lands this prints the blog's network as a trace.
fn main() {
    eprintln!(
        "worked-example: not built yet; `cargo test -p integration-tests blog` checks rows 1-28"
    );
    std::process::exit(1);
}
