//! `grad --html FILE`: the page of the program's graph, its numbers those
//! of `--json`, and its errors.

mod common;

use std::path::PathBuf;

use common::grad;
use serde_json::Value;

/// A fresh path in the temporary directory.
fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("grad-html-{}-{name}", std::process::id()))
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

/// The page `grad --html` writes for `args`.
fn page(args: &[&str], name: &str) -> String {
    let path = temp(name);
    let mut all = args.to_vec();
    all.extend(["--html", path.to_str().unwrap()]);
    let (status, _, err) = grad(&all);
    assert_eq!(status, 0, "{err}");
    let html = std::fs::read_to_string(&path).expect("the page is written");
    std::fs::remove_file(&path).unwrap();
    html
}

#[test]
fn the_page_carries_every_node_with_the_numbers_of_json() {
    let blog = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/programs/blog.grad"
    );
    let html = page(&["-f", blog], "blog.html");
    let (status, out, err) = grad(&["-f", blog, "--json"]);
    assert_eq!(status, 0, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    let data = embedded(&html);
    let nodes = data["nodes"].as_array().unwrap();
    // Every node of the program feeds E_total.
    assert_eq!(nodes.len(), json["nodes"].as_array().unwrap().len());
    for node in nodes {
        let id = node["id"].as_u64().unwrap() as usize;
        let engine = &json["nodes"][id];
        // Exactly the text --json writes.
        assert_eq!(node["value"].as_str().unwrap(), engine["value"].to_string());
        match &engine["grad"] {
            Value::Null => assert!(node["grad"].is_null()),
            grad => assert_eq!(node["grad"].as_str().unwrap(), grad.to_string()),
        }
        let key = node["key"].as_str().unwrap();
        assert!(html.contains(&format!(r#"data-node="{key}""#)), "{key}");
        if let Some(name) = engine["name"].as_str() {
            assert_eq!(key, name);
        } else {
            assert_eq!(key, format!("#{id}"));
        }
    }
    // A node read by several: its gradient is the sum of what they send.
    let out_h1 = nodes.iter().position(|n| n["key"] == "out_h1").unwrap();
    let readers = nodes[out_h1]["readers"].as_array().unwrap();
    assert_eq!(readers.len(), 2);
    let sent: Vec<f64> = readers
        .iter()
        .rev()
        .map(|k| {
            let edge = &data["edges"][k.as_u64().unwrap() as usize];
            edge["contribution"].as_str().unwrap().parse().unwrap()
        })
        .collect();
    let grad: f64 = nodes[out_h1]["grad"].as_str().unwrap().parse().unwrap();
    assert_eq!(sent[0] + sent[1], grad);
}

#[test]
fn the_steps_run_forward_through_the_computed_nodes_then_back_through_all() {
    // y = (x + c) * x with a constant c: leaves x, c; computed #2, y.
    let html = page(&["x = 2; const c = 3; y = (x + c) * x"], "steps.html");
    let data = embedded(&html);
    let steps: Vec<(String, Vec<u64>)> = data["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let nodes = s["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_u64().unwrap());
            (s["phase"].as_str().unwrap().to_owned(), nodes.collect())
        })
        .collect();
    let expected: Vec<(String, Vec<u64>)> = [
        ("start", vec![]),
        ("leaves", vec![0, 1]),
        ("forward", vec![2]),
        ("forward", vec![3]),
        ("backward", vec![3]),
        ("backward", vec![2]),
        ("backward", vec![1]),
        ("backward", vec![0]),
    ]
    .into_iter()
    .map(|(p, n)| (p.to_owned(), n))
    .collect();
    assert_eq!(steps, expected);
    // The constant gets no gradient; x gets (x + c) + x = 7 from two readers.
    assert!(data["nodes"][1]["grad"].is_null());
    assert_eq!(data["nodes"][0]["grad"], "7.0");
    assert_eq!(data["nodes"][3]["formula"], "#2 × x");
}

#[test]
fn a_page_draws_one_output() {
    let path = temp("two.html");
    let (status, _, err) = grad(&[
        "x = 3; y = x*x; z = x + 1; output y, z",
        "--html",
        path.to_str().unwrap(),
    ]);
    assert_eq!(status, 2);
    assert!(
        err.contains("--html draws the graph of one output, and this statement lists 2"),
        "{err}"
    );
    assert!(err.contains("or leave out --html"), "{err}");
    assert!(!path.exists());
}

#[test]
fn a_page_that_cannot_be_written_is_reported() {
    let (status, out, err) = grad(&["x = 3; y = x*x", "--html", "/nonexistent/dir/page.html"]);
    assert_eq!(status, 2);
    // The answer is printed before the page is written.
    assert!(out.contains("y = 9"), "{out}");
    assert!(
        err.starts_with("grad: cannot write /nonexistent/dir/page.html: "),
        "{err}"
    );
}

#[test]
fn a_graph_too_large_for_a_page_is_refused() {
    let terms = vec!["x"; grad_cli::page::MOST_NODES + 1].join(" + ");
    let program = format!("x = 1; y = {terms}");
    let path = temp("large.html");
    let (status, _, err) = grad(&[&program, "--html", path.to_str().unwrap()]);
    assert_eq!(status, 2);
    let most = grad_cli::page::MOST_NODES;
    // x and an add node per `+`.
    let message = format!(
        "the graph has {} nodes, and a page draws at most {most}",
        most + 1
    );
    assert!(err.contains(&message), "{err}");
    assert!(!path.exists());
}

#[test]
fn html_is_not_for_many_points() {
    let (status, _, err) = grad(&["--at", "x=1,2", "--html", "p.html", "x = 0; x*x"]);
    assert_eq!(status, 2);
    assert!(err.contains("--html"), "{err}");
}
