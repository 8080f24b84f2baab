//! The graph as inline SVG: a box per node, an edge per parent, each with
//! the hooks the page's script and tests use (`data-node` on every box,
//! `data-from` and `data-to` on every edge). The numbers are not drawn
//! here: the script writes them into each box as the steps reveal them.

use std::fmt::Write as _;

use super::graph::{Graph, Kind};
use super::html::escape;
use super::layout::{self, Placed};

/// Font size of a box's first line (its name), in pixels.
const TITLE_SIZE: f64 = 13.0;
/// Font size of the op beside the name.
const OP_SIZE: f64 = 11.0;
/// Font size of the numbers (a monospace font, so their width is known).
const NUMBER_SIZE: f64 = 12.0;
/// Distance between the baselines of a box's lines.
const LINE: f64 = 16.0;
/// Space between a box's border and its text.
const PADDING: f64 = 8.0;

/// Width of `chars` characters of text `size` pixels high: a monospace
/// character is 0.6 of its size; proportional text averages about that too,
/// bold a little more.
fn text_width(chars: usize, size: f64, bold: bool) -> f64 {
    chars as f64 * size * if bold { 0.64 } else { 0.6 }
}

/// The size of each node's box: room for its name and op, and for the
/// longest number it ever shows (`widest[k]` characters, the gradient's
/// `∂ ` included).
pub(crate) fn box_sizes(graph: &Graph, widest: &[usize]) -> Vec<(f64, f64)> {
    graph
        .nodes
        .iter()
        .zip(widest)
        .map(|(node, &chars)| {
            let title = text_width(node.key.chars().count(), TITLE_SIZE, true)
                + text_width(node.op.name().len() + 1, OP_SIZE, false);
            let numbers = text_width(chars, NUMBER_SIZE, false);
            let width = title.max(numbers) + 2.0 * PADDING;
            (width.ceil(), 2.0 * LINE + TITLE_SIZE + 2.0 * PADDING - 2.0)
        })
        .collect()
}

/// The `<svg>` element of `graph` laid out with boxes of `sizes`.
pub(crate) fn draw(graph: &Graph, sizes: &[(f64, f64)]) -> String {
    let Placed {
        boxes,
        paths,
        width,
        height,
    } = layout::place(graph, sizes);
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg id=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"group\" aria-label=\"The computation graph\">"
    );
    svg.push_str("<defs>");
    // The backward pass's arrow stands at the start of an edge, turned
    // round: the gradient flows from the node that reads to its parent.
    for (id, class, orient) in [
        ("arrow", "head", "auto"),
        ("arrow-fwd", "head fwd", "auto"),
        ("arrow-bwd", "head bwd", "auto-start-reverse"),
    ] {
        let _ = write!(
            svg,
            "<marker id=\"{id}\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" \
             orient=\"{orient}\" markerUnits=\"userSpaceOnUse\"><path class=\"{class}\" d=\"M 0 0 L 10 4 L 0 8 z\"/></marker>"
        );
    }
    svg.push_str("</defs>\n<g class=\"edges\">\n");
    for (k, (edge, d)) in graph.edges.iter().zip(&paths).enumerate() {
        let _ = writeln!(
            svg,
            "<path class=\"edge\" id=\"edge-{k}\" data-from=\"{}\" data-to=\"{}\" d=\"{d}\"/>",
            escape(&graph.nodes[edge.from].key),
            escape(&graph.nodes[edge.to].key),
        );
    }
    svg.push_str("</g>\n<g class=\"nodes\">\n");
    let output = graph.output();
    for (k, (node, b)) in graph.nodes.iter().zip(&boxes).enumerate() {
        let class = match node.kind {
            _ if k == output => "output",
            Kind::Var => "var",
            Kind::Const => "const",
            Kind::Computed => "computed",
        };
        let centre = b.x + b.width / 2.0;
        let first = b.y + PADDING + TITLE_SIZE - 2.0;
        let _ = writeln!(
            svg,
            "<g class=\"node {class}\" id=\"node-{k}\" data-node=\"{key}\" tabindex=\"0\" role=\"button\" \
             aria-label=\"{key}, {op}\"><rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"6\"/>\
             <text class=\"title\" x=\"{centre}\" y=\"{first}\"><tspan class=\"key\">{key}</tspan>\
             <tspan class=\"op\" dx=\"{gap}\">{op}</tspan></text>\
             <text class=\"value\" x=\"{centre}\" y=\"{second}\"></text>\
             <text class=\"grad\" x=\"{centre}\" y=\"{third}\"></text></g>",
            key = escape(&node.key),
            op = node.op.name(),
            x = b.x,
            y = b.y,
            w = b.width,
            h = b.height,
            gap = OP_SIZE * 0.4,
            second = first + LINE,
            third = first + 2.0 * LINE,
        );
    }
    svg.push_str("</g>\n<g id=\"edge-labels\"></g>\n</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::{box_sizes, draw};
    use crate::page::graph::Graph;
    use autograd::Tape;

    #[test]
    fn every_box_and_edge_carries_its_hooks_and_the_svg_is_well_formed() {
        let tape = Tape::new();
        let x = tape.var_named("x", 2.0);
        let k = tape.constant_named("k<&>", 3.0);
        let y = (x * k).sigmoid().named("y");
        let graph = Graph::record(y);
        let sizes = box_sizes(&graph, &vec![12; graph.nodes.len()]);
        let svg = draw(&graph, &sizes);
        let document = roxmltree::Document::parse(&svg).expect("well-formed XML");
        let keys: Vec<&str> = document
            .descendants()
            .filter_map(|n| n.attribute("data-node"))
            .collect();
        assert_eq!(keys, ["x", "k<&>", "#2", "y"]);
        let edges = document
            .descendants()
            .filter(|n| n.has_tag_name("path") && n.attribute("data-from").is_some())
            .count();
        assert_eq!(edges, 3);
        assert!(svg.contains("class=\"node output\""));
        assert!(svg.contains("class=\"node const\""));
    }
}
