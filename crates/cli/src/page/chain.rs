//! The chain rule as the engine worked it: each edge's local derivative
//! ∂node/∂parent, read from a reverse sweep from the node, and what the
//! backward pass sends along it. Nothing here knows an op's derivative.
//!
//! A sweep from a node `c` gives ∂c/∂p along every path from `p` up to
//! `c`. When `c` reads `p` only directly (the usual case), that is the
//! local derivative itself, to the bit. When `p` also reaches `c` through
//! another node `q` that reads it (as in `c = p·b + p`), the paths through
//! those readers, ∂c/∂q · ∂q/∂p, are taken off; the readers come earlier on
//! the tape, so their local derivatives are known by then.

use std::collections::HashMap;

use autograd::Var;

use super::graph::{Edge, Node};

/// The edges of the graph whose nodes are `nodes` (the engine's `vars`,
/// index for index): for each node in recording order, one edge per
/// distinct parent, in operand order.
pub(crate) fn edges(vars: &[Var<'_>], nodes: &[Node]) -> Vec<Edge> {
    let mut edges = Vec::new();
    let mut local_of: HashMap<(usize, usize), f64> = HashMap::new();
    // For each node, the nodes read so far that read it.
    let mut readers: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (c, node) in nodes.iter().enumerate() {
        let mut parents = node.parents.clone();
        let mut seen = Vec::with_capacity(parents.len());
        parents.retain(|p| {
            let first = !seen.contains(p);
            seen.push(*p);
            first
        });
        let sweep = parents
            .iter()
            .any(|&p| vars[p].requires_grad())
            .then(|| vars[c].backward());
        for &p in &parents {
            let local = sweep
                .as_ref()
                .filter(|_| vars[p].requires_grad())
                .map(|sweep| {
                    let mut local = sweep.wrt(vars[p]);
                    for &q in &readers[p] {
                        let through = sweep.wrt(vars[q]);
                        if through != 0.0 {
                            local -= through * local_of[&(p, q)];
                        }
                    }
                    local
                });
            if let Some(local) = local {
                local_of.insert((p, c), local);
            }
            edges.push(Edge {
                from: p,
                to: c,
                local,
                contribution: local.zip(node.grad).map(|(local, grad)| grad * local),
            });
        }
        for &p in &parents {
            readers[p].push(c);
        }
    }
    edges
}

#[cfg(test)]
mod tests {
    use autograd::Tape;

    use crate::page::graph::Graph;

    fn local(graph: &Graph, from: &str, to: &str) -> Option<f64> {
        let index = |key: &str| {
            graph
                .nodes
                .iter()
                .position(|n| n.key == key)
                .unwrap_or_else(|| panic!("no node {key}"))
        };
        let (from, to) = (index(from), index(to));
        graph
            .edges
            .iter()
            .find(|e| e.from == from && e.to == to)
            .expect("an edge")
            .local
    }

    #[test]
    fn a_direct_reader_gets_its_local_derivative() {
        // y = sigmoid(x); dy/dx = y (1 - y)
        let tape = Tape::new();
        let x = tape.var_named("x", 0.3775);
        let y = x.sigmoid().named("y");
        let graph = Graph::record(y);
        let s = y.value();
        assert!((local(&graph, "x", "y").unwrap() - s * (1.0 - s)).abs() < 1e-16);
    }

    #[test]
    fn another_path_to_the_same_parent_is_taken_off() {
        // c = a·b + a: ∂c/∂a along the sum's own edge is 1, not b + 1.
        let tape = Tape::new();
        let a = tape.var_named("a", 3.0);
        let b = tape.var_named("b", 5.0);
        let m = (a * b).named("m");
        let c = (m + a).named("c");
        let graph = Graph::record(c);
        assert_eq!(local(&graph, "a", "c"), Some(1.0));
        assert_eq!(local(&graph, "a", "m"), Some(5.0));
        assert_eq!(local(&graph, "m", "c"), Some(1.0));
    }

    #[test]
    fn a_parent_read_twice_has_one_edge_with_both_operands_derivative() {
        // y = x·x: ∂y/∂x = 2x
        let tape = Tape::new();
        let x = tape.var_named("x", 3.0);
        let y = (x * x).named("y");
        let graph = Graph::record(y);
        assert_eq!(graph.edges.len(), 1);
        assert_eq!(local(&graph, "x", "y"), Some(6.0));
    }

    #[test]
    fn no_gradient_flows_to_a_constant() {
        let tape = Tape::new();
        let x = tape.var_named("x", 2.0);
        let k = tape.constant_named("k", 3.0);
        let y = (x * k).named("y");
        let graph = Graph::record(y);
        assert_eq!(local(&graph, "k", "y"), None);
        assert_eq!(local(&graph, "x", "y"), Some(3.0));
    }

    #[test]
    fn the_blog_networks_gradients_are_the_sums_of_what_flows_in() {
        let tape = Tape::new();
        let mlp = nn::blog::network().bind(&tape);
        let pass = nn::blog::forward(&mlp);
        let graph = Graph::record(pass.total);
        for (k, node) in graph.nodes.iter().enumerate() {
            let Some(grad) = node.grad else { continue };
            if k == graph.output() {
                assert_eq!(grad, 1.0);
                continue;
            }
            // Added in the order of the reverse sweep, as the engine adds.
            let sum = graph
                .readers(k)
                .iter()
                .rev()
                .fold(0.0, |sum, &e| sum + graph.edges[e].contribution.unwrap());
            assert_eq!(sum, grad, "{}", node.key);
        }
    }
}
