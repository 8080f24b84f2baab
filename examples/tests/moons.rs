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

/// The training accuracy on the result line (`... training accuracy 97% ...`).
fn accuracy_of(stdout: &str) -> f64 {
    stdout
        .split("training accuracy ")
        .nth(1)
        .and_then(|rest| rest.split('%').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no accuracy in {stdout:?}"))
}

#[test]
fn cross_entropy_separates_the_moons_in_the_default_hundred_steps() {
    let (status, untrained, stderr) = moons(&["--loss", "cross-entropy", "--steps", "0"]);
    assert_eq!(status, 0, "{stderr}");
    // An untrained network's logits are near 0: the loss is near ln 2.
    let before = loss_of(&untrained);
    assert!((before - 2f64.ln()).abs() < 0.2, "{untrained}");
    let (status, trained, stderr) = moons(&["--loss", "cross-entropy"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(trained.starts_with("after 100 steps:"), "{trained}");
    assert!(accuracy_of(&trained) >= 98.0, "{trained}");
    assert!(loss_of(&trained) < 0.1, "{trained}");
}

#[test]
fn the_hinge_loss_is_the_default() {
    let (_, default, _) = moons(&["--steps", "3"]);
    let (status, hinge, stderr) = moons(&["--steps", "3", "--loss", "hinge"]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(default, hinge);
    let (_, cross_entropy, _) = moons(&["--steps", "3", "--loss", "cross-entropy"]);
    assert_ne!(default, cross_entropy);
}

#[test]
fn an_unknown_loss_is_refused_naming_the_valid_ones() {
    let (status, stdout, stderr) = moons(&["--loss", "softmax"]);
    assert_eq!(status, 2, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("invalid value 'softmax' for '--loss <LOSS>'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("[possible values: hinge, cross-entropy]"),
        "{stderr}"
    );
}

#[test]
fn the_help_describes_moons_and_its_losses() {
    let (status, help, stderr) = moons(&["--help"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(help.starts_with("Trains a 2-16-16-1 MLP"), "{help}");
    assert!(
        help.contains("hinge") && help.contains("cross-entropy"),
        "{help}"
    );
}

#[test]
fn a_cross_entropy_picture_says_so_in_its_title() {
    let path = std::env::temp_dir().join(format!("autograd-moons-{}-ce.svg", std::process::id()));
    let (status, _, stderr) = moons(&[
        "--loss",
        "cross-entropy",
        "--steps",
        "2",
        "--svg",
        path.to_str().unwrap(),
    ]);
    assert_eq!(status, 0, "{stderr}");
    let svg = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(
        svg.contains("Two moons: a 2-16-16-1 MLP after 2 steps of cross-entropy"),
        "no title in the picture"
    );
}

#[test]
fn every_optimizer_separates_the_moons_and_sgd_is_the_default() {
    let (_, default, _) = moons(&["--steps", "3"]);
    let (_, sgd, _) = moons(&["--steps", "3", "--optimizer", "sgd"]);
    assert_eq!(default, sgd);
    for optimizer in ["momentum", "nesterov", "adam"] {
        let (status, trained, stderr) = moons(&["--optimizer", optimizer]);
        assert_eq!(status, 0, "{stderr}");
        assert!(accuracy_of(&trained) >= 98.0, "{optimizer}: {trained}");
        let (_, short, _) = moons(&["--steps", "3", "--optimizer", optimizer]);
        assert_ne!(short, sgd, "{optimizer} takes other steps than SGD");
    }
    let (status, _, stderr) = moons(&["--optimizer", "rmsprop"]);
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains("[possible values: sgd, momentum, nesterov, adam]"),
        "{stderr}"
    );
}

/// A file name in the temporary directory, unique to this process.
fn temporary(tag: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("moons-{}-{tag}.json", std::process::id()))
}

#[test]
fn a_saved_model_loads_with_the_loss_it_was_saved_with() {
    let path = temporary("saved");
    let file = path.to_str().expect("a UTF-8 path");
    let (status, trained, stderr) =
        moons(&["--steps", "20", "--optimizer", "adam", "--save", file]);
    assert_eq!(status, 0, "{stderr}");
    let (status, loaded, stderr) = moons(&["--steps", "0", "--load", file]);
    assert_eq!(status, 0, "{stderr}");
    // The same loss to the last digit, and the same accuracy.
    let rest = |line: &str| line.split_once(": ").expect("a result line").1.to_owned();
    assert_eq!(rest(&loaded), rest(&trained), "{trained}{loaded}");
    // Training on from the file goes on lowering the loss.
    let (status, more, stderr) = moons(&["--steps", "20", "--load", file]);
    std::fs::remove_file(&path).expect("cleans up");
    assert_eq!(status, 0, "{stderr}");
    assert!(loss_of(&more) < loss_of(&loaded), "{loaded}{more}");
}

#[test]
fn a_model_of_another_shape_or_no_file_is_refused() {
    let path = temporary("blog");
    nn::blog::network().save(&path).expect("saves");
    let file = path.to_str().expect("a UTF-8 path");
    let (status, _, stderr) = moons(&["--steps", "0", "--load", file]);
    std::fs::remove_file(&path).expect("cleans up");
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains("does not fit this one: the file's model has 2 layers, this one 3"),
        "{stderr}"
    );
    assert!(stderr.starts_with(&format!("moons: {file}: ")), "{stderr}");

    let (status, _, stderr) = moons(&["--steps", "0", "--load", "/no/such/model.json"]);
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.starts_with("moons: /no/such/model.json: "),
        "{stderr}"
    );
    let (status, _, stderr) = moons(&["--steps", "1", "--save", "/no/such/model.json"]);
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.starts_with("moons: cannot save the model: /no/such/model.json: "),
        "{stderr}"
    );
}
