//! The numbers a page embeds, as one JSON document: every node's value and
//! gradient, every edge's local derivative and what flows along it, the
//! steps in the order the page reveals them, and the training view's
//! snapshots. The numbers are strings, exactly as `--json` writes them
//! and shortened as the pictures print them, so that the page's script
//! never formats (let alone computes) a number of its own.

use serde_json::{Value, json};

use super::graph::{Graph, Kind};
use super::number::{exact, short};
use super::training::Training;

/// The document for `graph`, with `training` and the x coordinate of each
/// of its snapshots on the plot.
pub(crate) fn document(graph: &Graph, training: Option<(&Training, &[f64])>) -> Value {
    let nodes: Vec<Value> = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(k, node)| {
            json!({
                "key": node.key,
                "label": node.operand(),
                "id": node.id,
                "op": node.op.name(),
                "kind": node.kind.name(),
                "formula": graph.formula(k),
                "with_values": graph.formula_with_values(k),
                "parents": node.parents,
                "readers": graph.readers(k),
                "value": exact(node.value),
                "value_short": short(node.value),
                "grad": node.grad.map(exact),
                "grad_short": node.grad.map(short),
            })
        })
        .collect();
    let edges: Vec<Value> = graph
        .edges
        .iter()
        .map(|edge| {
            json!({
                "from": edge.from,
                "to": edge.to,
                "local": edge.local.map(exact),
                "local_short": edge.local.map(short),
                "contribution": edge.contribution.map(exact),
                "contribution_short": edge.contribution.map(short),
            })
        })
        .collect();
    let mut document = json!({
        "output": graph.output(),
        "nodes": nodes,
        "edges": edges,
        "steps": steps(graph),
    });
    if let Some((training, markers)) = training {
        document["training"] = self::training(training, markers);
    }
    document
}

/// The steps: the start, the leaves all at once (they are given, not
/// computed), each computed node in recording order (the forward pass),
/// then every node in reverse order (the backward pass, as the reverse
/// sweep visits them).
fn steps(graph: &Graph) -> Vec<Value> {
    let leaves: Vec<usize> = (0..graph.nodes.len())
        .filter(|&k| graph.nodes[k].kind != Kind::Computed)
        .collect();
    let mut steps = vec![
        json!({"phase": "start", "nodes": []}),
        json!({"phase": "leaves", "nodes": leaves}),
    ];
    for (k, node) in graph.nodes.iter().enumerate() {
        if node.kind == Kind::Computed {
            steps.push(json!({"phase": "forward", "nodes": [k]}));
        }
    }
    for k in (0..graph.nodes.len()).rev() {
        steps.push(json!({"phase": "backward", "nodes": [k]}));
    }
    steps
}

/// The training view: the curves' labels (the plot is drawn already) and
/// each snapshot's numbers.
fn training(training: &Training, markers: &[f64]) -> Value {
    let snapshots: Vec<Value> = training
        .snapshots
        .iter()
        .zip(markers)
        .map(|(snapshot, &x)| {
            let notes: Vec<Value> = snapshot
                .notes
                .iter()
                .map(|(label, value)| {
                    json!({"label": label, "value": exact(*value), "value_short": short(*value)})
                })
                .collect();
            json!({
                "step": snapshot.step,
                "x": x,
                "values": snapshot.values.iter().map(|&v| exact(v)).collect::<Vec<_>>(),
                "values_short": snapshot.values.iter().map(|&v| short(v)).collect::<Vec<_>>(),
                "grads": snapshot.grads.iter().map(|g| g.map(exact)).collect::<Vec<_>>(),
                "grads_short": snapshot.grads.iter().map(|g| g.map(short)).collect::<Vec<_>>(),
                "notes": notes,
            })
        })
        .collect();
    json!({
        "steps": training.steps,
        "description": training.description,
        "series": training.series.iter().map(|s| s.label.clone()).collect::<Vec<_>>(),
        "snapshots": snapshots,
    })
}

#[cfg(test)]
mod tests {
    use super::document;
    use crate::page::graph::Graph;
    use autograd::Tape;

    #[test]
    fn forward_then_backward_every_node_once_each() {
        let tape = Tape::new();
        let x = tape.var_named("x", 0.1);
        let c = tape.constant_named("c", 0.2);
        let y = (x * c).exp().named("y");
        let graph = Graph::record(y);
        let document = document(&graph, None);
        let steps = document["steps"].as_array().unwrap();
        let phases: Vec<&str> = steps.iter().map(|s| s["phase"].as_str().unwrap()).collect();
        assert_eq!(
            phases,
            [
                "start", "leaves", "forward", "forward", "backward", "backward", "backward",
                "backward"
            ]
        );
        assert_eq!(steps[1]["nodes"], serde_json::json!([0, 1]));
        assert_eq!(steps[4]["nodes"], serde_json::json!([3]));
        // Numbers as strings, exactly as --json writes them.
        let product = &document["nodes"][2];
        assert_eq!(
            product["value"],
            serde_json::to_string(&(0.1 * 0.2)).unwrap()
        );
        assert_eq!(product["value_short"], "0.02");
        assert_eq!(document["nodes"][1]["grad"], serde_json::Value::Null);
        assert_eq!(product["formula"], "x × c");
        assert_eq!(product["with_values"], "0.1 × 0.2");
    }
}
