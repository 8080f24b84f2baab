//! `worked-example --html FILE`: one page under a megabyte whose numbers
//! are the engine's, the first pass and the training alike. (The page in
//! a browser is `tests/browser`.)

use std::path::PathBuf;
use std::process::Command;

use autograd::Tape;
use serde_json::Value;

/// A fresh path in the temporary directory.
fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("autograd-page-{}-{name}", std::process::id()))
}

fn run(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_worked-example"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the worked example runs");
    (
        output.status.code().expect("exited"),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// The data a page embeds.
fn embedded(html: &str) -> Value {
    let start = html
        .find(r#"<script type="application/json" id="page-data">"#)
        .expect("the page embeds its data");
    let rest = &html[start..];
    let json = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str(json).expect("the data is JSON")
}

fn number(value: &Value) -> f64 {
    value
        .as_str()
        .expect("a number as text")
        .parse()
        .expect("a number")
}

#[test]
fn the_page_carries_the_engines_first_pass_and_training() {
    let path = temp("blog.html");
    let (status, _, err) = run(&["--quiet", "--html", path.to_str().unwrap()]);
    assert_eq!(status, 0, "{err}");
    let html = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(html.len() < 1_000_000, "{} bytes", html.len());
    let data = embedded(&html);

    // The first pass: every node's value and gradient, as --json writes them.
    let tape = Tape::new();
    let mlp = nn::blog::network().bind(&tape);
    let pass = nn::blog::forward(&mlp);
    let grads = pass.total.backward();
    let nodes = data["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), tape.len());
    for node in nodes {
        let var = tape.node(node["id"].as_u64().unwrap() as usize).unwrap();
        let name = var.name().unwrap_or_else(|| format!("#{}", var.index()));
        assert_eq!(node["key"], name.as_str());
        assert_eq!(node["value"], serde_json::to_string(&var.value()).unwrap());
        match grads.get(var) {
            Some(g) => assert_eq!(node["grad"], serde_json::to_string(&g).unwrap()),
            None => assert!(node["grad"].is_null(), "{name}"),
        }
    }

    // The training: the start is the first pass; the end is the figures'.
    let training = &data["training"];
    assert_eq!(training["steps"], 10_000);
    let snapshots = training["snapshots"].as_array().unwrap();
    let steps: Vec<u64> = snapshots
        .iter()
        .map(|s| s["step"].as_u64().unwrap())
        .collect();
    assert_eq!(&steps[..=100], (0..=100).collect::<Vec<_>>().as_slice());
    assert_eq!(steps.last(), Some(&10_000));
    let values: Vec<&Value> = nodes.iter().map(|n| &n["value"]).collect();
    let first: Vec<&Value> = snapshots[0]["values"].as_array().unwrap().iter().collect();
    assert_eq!(first, values);
    let (_, out, _) = run(&["--json"]);
    let figures: Value = serde_json::from_str(&out).unwrap();
    let row_30 = &figures["figures"][29];
    assert_eq!(row_30["row"], 30);
    let last = snapshots.last().unwrap();
    let total = nodes.iter().position(|n| n["key"] == "E_total").unwrap();
    assert_eq!(
        number(&last["values"][total]),
        row_30["true_gradient_descent"].as_f64().unwrap()
    );
    let notes = last["notes"].as_array().unwrap();
    assert_eq!(number(&notes[0]["value"]), number(&last["values"][total]));
    assert!(notes[1]["label"].as_str().unwrap().contains("sequential"));
    assert_eq!(
        number(&notes[1]["value"]),
        row_30["engine"].as_f64().unwrap()
    );
    assert!(html.contains(r#"id="training-step""#));
}

#[test]
fn a_page_that_cannot_be_written_is_reported() {
    let (status, out, err) = run(&["--quiet", "--html", "/nonexistent/dir/page.html"]);
    assert_eq!(status, 2);
    assert_eq!(out, "");
    assert!(
        err.starts_with("worked-example: cannot write /nonexistent/dir/page.html: "),
        "{err}"
    );
}

#[test]
fn the_readme_shows_the_page_and_its_numbers() {
    let readme = include_str!("../../README.md");
    assert!(readme.contains(
        "```sh\ncargo run --release --bin worked-example -- --quiet --html blog.html\n```"
    ));
    // The screenshot is a small PNG.
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/images/page-backward.png"
    ))
    .expect("the screenshot is committed");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(png.len() < 200_000, "{} bytes", png.len());

    // The sum the README reads off it is the page's: out_h1's gradient
    // from what #20 and #24 send back.
    let path = temp("readme.html");
    let (status, _, err) = run(&["--quiet", "--html", path.to_str().unwrap()]);
    assert_eq!(status, 0, "{err}");
    let data = embedded(&std::fs::read_to_string(&path).unwrap());
    std::fs::remove_file(&path).unwrap();
    let nodes = data["nodes"].as_array().unwrap();
    let out_h1 = nodes.iter().find(|n| n["key"] == "out_h1").unwrap();
    let terms: Vec<String> = out_h1["readers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            let edge = &data["edges"][k.as_u64().unwrap() as usize];
            let reader = &nodes[edge["to"].as_u64().unwrap() as usize];
            let grad = reader["grad_short"].as_str().unwrap();
            let grad = if grad.starts_with('-') {
                format!("({grad})")
            } else {
                grad.to_owned()
            };
            format!("{} × {grad}", edge["local_short"].as_str().unwrap())
        })
        .collect();
    let sum = format!(
        "{} = {}",
        terms.join(" + "),
        out_h1["grad_short"].as_str().unwrap()
    );
    assert_eq!(sum, "0.4 × 0.138499 + 0.5 × (-0.0380982) = 0.0363503");
    let flowed = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flowed.contains(&sum), "{sum}");
}
