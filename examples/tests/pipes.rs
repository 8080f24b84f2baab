//! Every example binary whose reader goes away (`| head`) ends quietly, with
//! success, instead of panicking on the broken pipe.

use std::process::{Command, Stdio};

/// Runs `binary` with its standard output a pipe whose reader is already
/// closed, and returns its exit status and standard error.
fn run_into_a_closed_pipe(binary: &str, args: &[&str]) -> (std::process::ExitStatus, String) {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = Command::new(binary)
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs");
    (
        output.status,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_quiet_success(binary: &str, args: &[&str]) {
    let (status, stderr) = run_into_a_closed_pipe(binary, args);
    assert!(status.success(), "{binary} {args:?}: {status:?}\n{stderr}");
    assert!(stderr.is_empty(), "{binary} {args:?}:\n{stderr}");
}

#[test]
fn newton_ends_quietly_when_its_reader_goes_away() {
    assert_quiet_success(env!("CARGO_BIN_EXE_newton"), &[]);
}

#[test]
fn blog_hessian_ends_quietly_when_its_reader_goes_away() {
    assert_quiet_success(env!("CARGO_BIN_EXE_blog-hessian"), &[]);
}

#[test]
fn moons_ends_quietly_when_its_reader_goes_away() {
    assert_quiet_success(env!("CARGO_BIN_EXE_moons"), &["--steps", "2"]);
}

#[test]
fn moons_still_draws_its_picture_when_its_reader_goes_away() {
    let path =
        std::env::temp_dir().join(format!("autograd-pipes-{}-moons.svg", std::process::id()));
    assert_quiet_success(
        env!("CARGO_BIN_EXE_moons"),
        &["--steps", "2", "--svg", path.to_str().unwrap()],
    );
    let svg = std::fs::read_to_string(&path).expect("the picture was drawn");
    std::fs::remove_file(&path).unwrap();
    assert!(svg.contains("Two moons"));
}

#[test]
fn the_worked_example_ends_quietly_when_its_reader_goes_away() {
    for args in [&[][..], &["--trace"], &["--json"], &["--quiet"]] {
        assert_quiet_success(env!("CARGO_BIN_EXE_worked-example"), args);
    }
}

#[test]
fn the_check_ends_quietly_when_its_reader_goes_away() {
    let correct = concat!(env!("CARGO_MANIFEST_DIR"), "/learners/correct.txt");
    for args in [&["check", correct][..], &["check", "--json", correct]] {
        assert_quiet_success(env!("CARGO_BIN_EXE_worked-example"), args);
    }
}
