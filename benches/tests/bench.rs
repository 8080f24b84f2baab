//! The bench binary, run as a user runs it: bad flags get clear errors, and
//! a reader that goes away ends it quietly.

use std::process::{Command, Output, Stdio};

fn bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bench"))
        .args(args)
        .output()
        .expect("the bench binary runs")
}

#[test]
fn zero_rounds_are_refused_with_a_clear_error() {
    let output = bench(&["--rounds", "0"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--rounds"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unknown_workload_is_refused_naming_the_valid_ones() {
    let output = bench(&["--only", "foo", "--rounds", "1"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty(), "no table for no workload");
    for valid in ["--only", "foo", "blog", "mlp", "chain"] {
        assert!(stderr.contains(valid), "{valid} missing from {stderr}");
    }
}

#[test]
fn a_closed_pipe_ends_the_bench_quietly() {
    // `bench | head -0`: the reader is gone before the first line is written.
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = Command::new(env!("CARGO_BIN_EXE_bench"))
        .args(["--only", "blog", "--rounds", "1"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("the bench binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?}: {stderr}", output.status);
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn a_huge_chain_needs_at_least_two_nodes() {
    for nodes in ["0", "1"] {
        let output = bench(&["--huge-chain", nodes]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{nodes}: {stderr}");
        assert!(stderr.contains("--huge-chain"), "{stderr}");
    }
}
