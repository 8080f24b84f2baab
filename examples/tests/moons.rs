//! The two-moons binary, run as a user runs it: its flags and its errors.

use std::process::Command;

fn moons(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_moons"))
        .args(args)
        .output()
        .expect("the moons binary runs");
    (
        output.status.code().expect("exited normally"),
        String::from_utf8(output.stdout).expect("UTF-8 output"),
        String::from_utf8(output.stderr).expect("UTF-8 errors"),
    )
}

#[test]
fn one_step_is_counted_in_the_singular() {
    let (status, stdout, stderr) = moons(&["--steps", "1"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.starts_with("after 1 step:"), "{stdout}");
    let (_, stdout, _) = moons(&["--steps", "2"]);
    assert!(stdout.starts_with("after 2 steps:"), "{stdout}");
}

/// The loss on the result line (`... loss 0.123 ...`).
fn loss_of(stdout: &str) -> f64 {
    stdout
        .split("loss ")
        .nth(1)
        .and_then(|rest| rest.split([' ', ',']).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no loss in {stdout:?}"))
}

#[test]
fn zero_steps_print_the_untrained_loss() {
    let (status, untrained, stderr) = moons(&["--steps", "0"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(untrained.starts_with("after 0 steps:"), "{untrained}");
    let before = loss_of(&untrained);
    assert!(before.is_finite() && before > 0.0, "{untrained}");
    let (_, trained, _) = moons(&["--steps", "20"]);
    assert!(loss_of(&trained) < before, "{untrained}{trained}");
}

#[test]
fn an_unwritable_picture_is_an_error_that_names_the_path() {
    let (status, _, stderr) = moons(&["--steps", "1", "--svg", "/bad/path"]);
    assert_ne!(status, 0, "{stderr}");
    assert!(
        stderr.starts_with("moons: cannot write /bad/path: "),
        "{stderr}"
    );
    assert!(!stderr.contains("backend"), "{stderr}");
}
