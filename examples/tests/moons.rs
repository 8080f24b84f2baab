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
