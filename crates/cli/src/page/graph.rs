//! The graph a page shows: every node the output depends on, in recording
//! order, with its value and gradient, and an edge from each parent to
//! each node that reads it, carrying the local derivative and what flows
//! along it in the backward pass.

use std::collections::HashMap;

use autograd::{Op, Var};

use super::chain;
use super::formula;
use super::number;

/// What kind of node a box is, as the pictures colour it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A [`autograd::Tape::var`] leaf: an input or a weight, with a gradient.
    Var,
    /// A [`autograd::Tape::constant`] leaf: no gradient.
    Const,
    /// A node computed from others.
    Computed,
}

impl Kind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Var => "var",
            Kind::Const => "const",
            Kind::Computed => "op",
        }
    }
}

/// One node of the graph.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    /// Its position on the tape, the `#id` traces show.
    pub(crate) id: usize,
    /// How the page names it (`data-node`): its name when no other node
    /// shown has the same, else `#id`.
    pub(crate) key: String,
    /// Its name on the tape.
    pub(crate) name: Option<String>,
    pub(crate) op: Op,
    pub(crate) kind: Kind,
    /// Its parents, as indices into [`Graph::nodes`], in operand order
    /// (a parent read twice is listed twice).
    pub(crate) parents: Vec<usize>,
    pub(crate) value: f64,
    /// ∂output/∂node, `None` for a node that gets no gradient (a constant).
    pub(crate) grad: Option<f64>,
}

impl Node {
    /// How another node's formula names this one: its name, or `#id`.
    pub(crate) fn operand(&self) -> String {
        self.name.clone().unwrap_or_else(|| format!("#{}", self.id))
    }
}

/// An edge from a parent to a node that reads it, once however many times
/// the node reads it.
#[derive(Clone, Debug)]
pub(crate) struct Edge {
    /// The parent, an index into [`Graph::nodes`].
    pub(crate) from: usize,
    /// The node that reads it.
    pub(crate) to: usize,
    /// ∂to/∂from with every other operand of `to` held still (summed over
    /// the operands where `to` reads `from`); `None` when no gradient
    /// flows to `from`.
    pub(crate) local: Option<f64>,
    /// What the backward pass sends along the edge: the gradient of `to`
    /// times `local`.
    pub(crate) contribution: Option<f64>,
}

/// The nodes and edges of a page's graph.
#[derive(Clone, Debug)]
pub(crate) struct Graph {
    /// In recording order, the output last.
    pub(crate) nodes: Vec<Node>,
    /// Grouped by the node that reads, in recording order; within a node,
    /// in the order of its operands.
    pub(crate) edges: Vec<Edge>,
}

impl Graph {
    /// The graph of everything `output` depends on, with the gradients of
    /// one reverse sweep from it.
    pub(crate) fn record(output: Var<'_>) -> Self {
        let vars = upstream(output);
        let grads = output.backward();
        let position: HashMap<usize, usize> = vars
            .iter()
            .enumerate()
            .map(|(k, v)| (v.index(), k))
            .collect();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let names: Vec<Option<String>> = vars.iter().map(Var::name).collect();
        for name in names.iter().flatten() {
            *seen.entry(name.clone()).or_default() += 1;
        }
        let nodes: Vec<Node> = vars
            .iter()
            .zip(names)
            .map(|(var, name)| {
                let id = var.index();
                let op = var.op();
                let kind = match op {
                    Op::Var => Kind::Var,
                    Op::Const => Kind::Const,
                    _ => Kind::Computed,
                };
                let key = match &name {
                    Some(name) if seen[name] == 1 => name.clone(),
                    _ => format!("#{id}"),
                };
                Node {
                    id,
                    key,
                    name,
                    op,
                    kind,
                    parents: var.parents().iter().map(|p| position[&p.index()]).collect(),
                    value: var.value(),
                    grad: grads.get(*var),
                }
            })
            .collect();
        let edges = chain::edges(&vars, &nodes);
        Graph { nodes, edges }
    }

    /// The index of the output.
    pub(crate) fn output(&self) -> usize {
        self.nodes.len() - 1
    }

    /// `node`'s formula with its operands named: `w1 × i1`; empty for a leaf.
    pub(crate) fn formula(&self, node: usize) -> String {
        let node = &self.nodes[node];
        if node.parents.is_empty() {
            return String::new();
        }
        let operands: Vec<String> = node
            .parents
            .iter()
            .map(|&p| self.nodes[p].operand())
            .collect();
        formula::expression(node.op, &operands)
    }

    /// `node`'s formula with its operands' values (as the boxes show
    /// them): `0.15 × 0.05`; empty for a leaf.
    pub(crate) fn formula_with_values(&self, node: usize) -> String {
        let node = &self.nodes[node];
        if node.parents.is_empty() {
            return String::new();
        }
        let operands: Vec<String> = node
            .parents
            .iter()
            .map(|&p| number::short(self.nodes[p].value))
            .collect();
        formula::expression(node.op, &operands)
    }

    /// The edges out of `node` (to the nodes that read it), in recording
    /// order; the reverse sweep adds up what they send in the opposite order.
    pub(crate) fn readers(&self, node: usize) -> Vec<usize> {
        (0..self.edges.len())
            .filter(|&e| self.edges[e].from == node)
            .collect()
    }
}

/// Every node `output` depends on, itself included, in recording order.
pub(crate) fn upstream(output: Var<'_>) -> Vec<Var<'_>> {
    let mut found: HashMap<usize, Var<'_>> = HashMap::new();
    let mut stack = vec![output];
    while let Some(var) = stack.pop() {
        if found.insert(var.index(), var).is_none() {
            stack.extend(var.parents());
        }
    }
    let mut vars: Vec<Var<'_>> = found.into_values().collect();
    vars.sort_by_key(Var::index);
    vars
}

#[cfg(test)]
mod tests {
    use super::{Graph, Kind};
    use autograd::Tape;

    #[test]
    fn only_the_nodes_the_output_depends_on_are_shown_in_recording_order() {
        let tape = Tape::new();
        let x = tape.var_named("x", 2.0);
        let _unrelated = tape.var_named("z", 7.0);
        let c = tape.constant_named("c", 3.0);
        let y = (x * c + x).named("y");
        let graph = Graph::record(y);
        let keys: Vec<&str> = graph.nodes.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys, ["x", "c", "#3", "y"]);
        assert_eq!(graph.nodes[1].kind, Kind::Const);
        assert_eq!(graph.nodes[1].grad, None);
        assert_eq!(graph.nodes[0].grad, Some(4.0)); // dy/dx = c + 1
        assert_eq!(graph.formula(2), "x × c");
        assert_eq!(graph.formula_with_values(3), "6 + 2");
        assert_eq!(graph.output(), 3);
    }

    #[test]
    fn a_name_given_twice_falls_back_to_ids() {
        let tape = Tape::new();
        let a = tape.var_named("a", 1.0);
        let b = (a + 1.0).named("a");
        let graph = Graph::record(b * b);
        let keys: Vec<&str> = graph.nodes.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys, ["#0", "#1", "#2"]);
    }
}
