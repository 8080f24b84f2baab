//! The worked example written as a `grad` program reproduces rows 1-12 and
//! 17-24 of the blog's figures (`nn::blog::FIGURES`) through `--json`, and
//! rows 12 and 24 again from the Jacobian of its two errors.

mod common;

use common::{json, node};

const NETWORK: &str = include_str!("../../../examples/programs/blog.grad");

/// The network, with `output` as the last statement.
fn network_ending_at(output: &str) -> String {
    format!("{NETWORK}{output}\n")
}

/// Checks grad's value against the blog's figure `number`.
fn row(number: u32, engine: f64) {
    let figure = nn::blog::figure(number);
    assert!(
        figure.is_exact(engine),
        "row {number} ({}): grad gives {engine}, the table {}",
        figure.name,
        figure.exact
    );
}

fn value(doc: &serde_json::Value, name: &str) -> f64 {
    node(doc, name)["value"].as_f64().expect("a value")
}

fn grad_at(doc: &serde_json::Value, name: &str) -> f64 {
    node(doc, name)["grad"].as_f64().expect("a gradient")
}

#[test]
fn forward_pass_and_error_rows_1_to_9() {
    let doc = json(NETWORK);
    row(1, value(&doc, "net_h1"));
    row(2, value(&doc, "out_h1"));
    row(3, value(&doc, "out_h2"));
    row(4, value(&doc, "net_o1"));
    row(5, value(&doc, "out_o1"));
    row(6, value(&doc, "out_o2"));
    row(7, value(&doc, "E_o1"));
    row(8, value(&doc, "E_o2"));
    row(9, value(&doc, "E_total"));
    row(9, doc["value"].as_f64().unwrap());
}

#[test]
fn gradients_of_e_total_rows_10_12_17_21_24() {
    let doc = json(NETWORK);
    row(10, grad_at(&doc, "out_o1"));
    row(12, doc["gradients"]["w5"].as_f64().unwrap());
    row(12, grad_at(&doc, "w5"));
    row(17, grad_at(&doc, "net_o1"));
    row(21, grad_at(&doc, "out_h1"));
    row(24, doc["gradients"]["w1"].as_f64().unwrap());
    // Constants get no gradient: null.
    assert!(node(&doc, "i1")["grad"].is_null());
}

#[test]
fn other_outputs_rows_11_18_19_20_22_23() {
    row(11, grad_at(&json(&network_ending_at("out_o1")), "net_o1"));
    row(18, grad_at(&json(&network_ending_at("net_o1")), "out_h1"));
    row(19, grad_at(&json(&network_ending_at("E_o1")), "out_h1"));
    row(20, grad_at(&json(&network_ending_at("E_o2")), "out_h1"));
    row(22, grad_at(&json(&network_ending_at("out_h1")), "net_h1"));
    row(23, grad_at(&json(&network_ending_at("net_h1")), "w1"));
}

#[test]
fn the_jacobian_of_the_two_errors_gives_rows_12_and_24() {
    let doc = json(&network_ending_at("output E_o1, E_o2"));
    assert_eq!(doc["outputs"], serde_json::json!(["E_o1", "E_o2"]));
    let weights: Vec<String> = (1..=8).map(|w| format!("w{w}")).collect();
    assert_eq!(doc["inputs"], serde_json::json!(weights));
    let j = |output: &str, input: &str| doc["jacobian"][output][input].as_f64().unwrap();
    // Row 12, ∂E_total/∂w5: E_o2 does not depend on w5, so it is ∂E_o1/∂w5.
    assert_eq!(j("E_o2", "w5"), 0.0);
    row(12, j("E_o1", "w5"));
    // Row 24, ∂E_total/∂w1: w1 reaches both errors through out_h1.
    row(24, j("E_o1", "w1") + j("E_o2", "w1"));
    // Every column sums to the gradient of E_total, to rounding.
    let total = json(NETWORK);
    for w in &weights {
        let sum = j("E_o1", w) + j("E_o2", w);
        let g = total["gradients"][w].as_f64().unwrap();
        assert!(
            (sum - g).abs() <= 4.0 * f64::EPSILON * g.abs(),
            "{w}: {sum} vs {g}"
        );
    }
    // The weights of the output layer reach one error each.
    for (output, weight) in [("E_o2", "w6"), ("E_o1", "w7"), ("E_o1", "w8")] {
        assert_eq!(j(output, weight), 0.0, "∂{output}/∂{weight}");
    }
}

#[test]
fn json_nodes_carry_ids_ops_and_parents() {
    let doc = json("x = 2; y = x * 3; z = exp(y)");
    let nodes = doc["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 3);
    assert_eq!(nodes[0]["op"], "var");
    assert_eq!(nodes[1]["op"], "mul");
    assert_eq!(nodes[1]["parents"], serde_json::json!([0]));
    assert_eq!(nodes[2]["parents"], serde_json::json!([1]));
    assert_eq!(nodes[2]["name"], "z");
    assert_eq!(nodes[2]["id"], 2);
    assert_eq!(nodes[2]["grad"], 1.0);
}
