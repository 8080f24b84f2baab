//! `worked-example --network SIZES`: the walkthrough of any small network,
//! named as the blog names its own, its starting parameters read back from
//! a file, and `check` given the same options.

mod common;

use nn::blog;
use serde_json::Value;

/// Runs `worked-example` with `args` and `stdin`; returns (status, stdout,
/// stderr).
fn run_with(args: &[&str], stdin: &str) -> (i32, String, String) {
    common::run_with_input(args, stdin)
}

fn run(args: &[&str]) -> (i32, String, String) {
    run_with(args, "")
}

/// A file in the system's temporary directory, removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, text: &str) -> Self {
        let path = std::env::temp_dir().join(format!("{}-{name}", std::process::id()));
        std::fs::write(&path, text).expect("the file is written");
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("a UTF-8 path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// `--json` for `args`, parsed.
fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let (status, stdout, stderr) = run(&all);
    assert_eq!(status, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("--json prints JSON")
}

/// Each row's symbol and value.
fn rows(doc: &Value) -> Vec<(String, f64)> {
    doc["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["symbol"].as_str().expect("a symbol").to_owned(),
                r["value"].as_f64().expect("a value"),
            )
        })
        .collect()
}

#[test]
fn a_2_3_2_network_walks_through_every_part_in_the_blogs_order() {
    let (status, stdout, stderr) = run(&["--network", "2-3-2", "--iterations", "100"]);
    assert_eq!(status, 0, "{stderr}");
    let headings = [
        "on a 2-3-2 network",
        "The starting parameters",
        "1. The forward pass",
        "2. The total error",
        "3. The backward pass: the output layer",
        "4. The backward pass: hidden layer h",
        "5. The update",
        "6. Training",
    ];
    let at: Vec<usize> = headings
        .iter()
        .map(|h| {
            stdout
                .find(h)
                .unwrap_or_else(|| panic!("no {h:?}:\n{stdout}"))
        })
        .collect();
    assert!(at.is_sorted(), "{stdout}");
    for symbol in [
        "net_h3",
        "out_o2",
        "E_total",
        "delta_h3",
        "dE_total/dw12",
        "w12+",
        "w1+",
        "E_total@100",
    ] {
        assert!(
            stdout.lines().any(|l| l.trim_end().ends_with(symbol)),
            "no row for {symbol}:\n{stdout}"
        );
    }
    assert!(stdout.contains("w12 = "), "the parameters are listed");
}

#[test]
fn a_3_4_4_2_network_names_its_hidden_layers_g_and_h() {
    let doc = json(&["--network", "3-4-4-2", "--iterations", "3"]);
    assert_eq!(doc["network"], "3-4-4-2");
    let ids: Vec<&str> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let h = ids.iter().position(|&id| id == "hidden_layer_h").unwrap();
    let g = ids.iter().position(|&id| id == "hidden_layer_g").unwrap();
    assert!(h < g, "the layer nearer the output comes first");
    let symbols: Vec<String> = rows(&doc).into_iter().map(|(s, _)| s).collect();
    for symbol in [
        "net_g4",
        "out_h4",
        "delta_g1",
        "dE_total/dw36",
        "w36+",
        "i3",
    ] {
        if symbol != "i3" {
            assert!(symbols.iter().any(|s| s == symbol), "{symbol}");
        }
    }
    assert_eq!(doc["parameters"].as_object().unwrap().len(), 36 + 3);
}

#[test]
fn the_blogs_weights_from_a_file_give_the_blogs_figures() {
    let weights = TempFile::new(
        "blog-weights.txt",
        "# the blog's\nw1 = 0.15\nw2 = 0.20\nw3 = 0.25\nw4 = 0.30\nb1 = 0.35\n\
         w5 = 0.40\nw6 = 0.45\nw7 = 0.50\nw8 = 0.55\nb2 = 0.60\n",
    );
    let doc = json(&["--network", "2-2-2", "--weights", weights.path()]);
    let rows = rows(&doc);
    let mut compared = 0;
    for figure in &blog::FIGURES[..28] {
        if let Some((_, value)) = rows
            .iter()
            .find(|(s, _)| s == figure.name || (figure.row == 17 && s == "delta_o1"))
        {
            assert!(figure.is_exact(*value), "row {}: {value}", figure.row);
            compared += 1;
        }
    }
    assert!(compared >= 20, "{compared} figures compared");
    let (_, e1) = rows.iter().find(|(s, _)| s == "E_total@1").unwrap();
    assert!(blog::figure(29).is_true_gradient_descent(*e1));
}

#[test]
fn the_printed_parameters_read_back_as_a_weights_file() {
    let args = ["--network", "2-3-2", "--seed", "11", "--iterations", "5"];
    let (_, stdout, _) = run(&args);
    let parameters: String = stdout
        .lines()
        .filter(|l| l.contains(" = ") && l.starts_with(['w', 'b']))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(parameters.lines().count(), 12 + 2);
    let file = TempFile::new("seed-11.txt", &parameters);
    let from_file = json(&[
        "--network",
        "2-3-2",
        "--weights",
        file.path(),
        "--iterations",
        "5",
    ]);
    assert_eq!(from_file, json(&args));
}

#[test]
fn check_takes_the_same_options() {
    let options = [
        "--network",
        "2-3-2",
        "--seed",
        "5",
        "--activation",
        "tanh,sigmoid",
    ];
    let mut walk = options.to_vec();
    walk.extend(["--iterations", "2"]);
    let doc = json(&walk);
    let learner: String = rows(&doc)
        .iter()
        .map(|(symbol, value)| format!("{symbol} = {value:.9}\n"))
        .collect();
    let mut check = vec!["check", "-"];
    check.extend(options);
    let (status, stdout, stderr) = run_with(&check, &learner);
    assert_eq!(status, 0, "{stdout}{stderr}");
    assert!(stdout.contains("Diagnosis: none"), "{stdout}");
    // A slip in one number is found, and named.
    let slipped = learner.replacen("dE_total/dw3 = ", "dE_total/dw3 = 1", 1);
    let (status, stdout, _) = run_with(&check, &slipped);
    assert_eq!(status, 1, "{stdout}");
    assert!(stdout.contains("dE_total/dw3 (line"), "{stdout}");
    // The blog's network has no net_h3.
    let (status, _, stderr) = run_with(&["check", "-"], "net_h3 = 0.1\n");
    assert_eq!(status, 2);
    assert!(stderr.contains("unknown symbol `net_h3`"), "{stderr}");
}

#[test]
fn a_mistake_in_the_weights_file_is_shown_at_its_spot() {
    let file = TempFile::new("bad-weights.txt", "w1 = 0.1\nw13 = 0.2\n");
    let (status, _, stderr) = run(&["--network", "2-3-2", "--weights", file.path()]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("unknown parameter `w13` (line 2, column 1)"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `w1`?") || stderr.contains("did you mean `w12`?"));
}

#[test]
fn network_options_need_a_network_and_fit_it() {
    let (status, _, stderr) = run(&["--seed", "1"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("--network"), "{stderr}");
    let (status, _, stderr) = run(&["--network", "2-3-2", "--inputs", "1,2,3"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("--inputs gives 3 numbers"), "{stderr}");
    let (status, _, stderr) = run(&["--network", "2-x-2"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("not a layer size"), "{stderr}");
    let (status, _, _) = run(&["--network", "2-3-2", "--plot", "x.svg"]);
    assert_eq!(status, 2);
}

#[test]
fn the_readme_excerpt_is_real_output() {
    let readme = include_str!("../../README.md");
    let marker = "```text\nA Step by Step Backpropagation Example, worked by the engine on a 2-3-2";
    let start = readme.find(marker).expect("the --network excerpt") + 8;
    let excerpt = &readme[start..start + readme[start..].find("```").unwrap()];
    let (_, stdout, _) = run(&["--network", "2-3-2"]);
    for part in excerpt.split("...\n") {
        assert!(stdout.contains(part), "README excerpt differs:\n{part}");
    }
}
