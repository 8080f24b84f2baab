//! Where each box and edge of a page's graph goes: laid out by `layout-rs`,
//! the layout the built-in SVG pictures use, with boxes the size of the
//! page's labels. The drawing itself is the page's (see `svg`): this file
//! only records what `layout-rs` places.

use std::collections::HashMap;

use layout::core::base::Orientation;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::{Point, Position};
use layout::core::style::StyleAttr;
use layout::std_shapes::shapes::{Arrow, Element, ShapeKind};
use layout::topo::layout::VisualGraph;

use super::graph::Graph;

/// Room kept free around each box, in pixels, across and along the flow:
/// where `layout-rs` puts 60, which spreads a graph of small boxes out to
/// twice its size. Along the flow, room for a label between the rows.
const HALO: (f64, f64) = (10.0, 28.0);

/// The most nodes whose ranks and edge crossings `layout-rs` optimises:
/// its crossing count grows steeply with the graph (a second for 120
/// nodes, a minute for 400), and a larger graph is drawn unoptimised.
const OPTIMISED: usize = 120;

/// Space left around the drawing, in pixels.
const MARGIN: f64 = 8.0;

/// A box: its top-left corner and its size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rect {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) width: f64,
    pub(crate) height: f64,
}

/// The laid-out graph: a box per node and a path per edge (SVG path data),
/// in the graph's orders, and the drawing's size.
#[derive(Clone, Debug)]
pub(crate) struct Placed {
    pub(crate) boxes: Vec<Rect>,
    pub(crate) paths: Vec<String>,
    pub(crate) width: f64,
    pub(crate) height: f64,
}

/// Lays out `graph` top to bottom, each node's box of the size given in
/// `sizes` (width, height), parents above the nodes that read them; with
/// fewer edge crossings up to [`OPTIMISED`] nodes.
pub(crate) fn place(graph: &Graph, sizes: &[(f64, f64)]) -> Placed {
    let mut visual = VisualGraph::new(Orientation::TopToBottom);
    let handles: Vec<_> = sizes
        .iter()
        .enumerate()
        .map(|(k, &(width, height))| {
            let size = Point::new(width, height);
            let mut element = Element::create_with_properties(
                ShapeKind::new_box(""),
                StyleAttr::simple(),
                Orientation::TopToBottom,
                size,
                format!("n{k}"),
            );
            element.pos = Position::new(
                Point::zero(),
                size,
                Point::zero(),
                Point::new(HALO.0, HALO.1),
            );
            visual.add_node(element)
        })
        .collect();
    for (k, edge) in graph.edges.iter().enumerate() {
        visual.add_edge(
            Arrow::simple_with_properties("", format!("e{k}")),
            handles[edge.from],
            handles[edge.to],
        );
    }
    let mut recorder = Recorder::default();
    visual.do_it(false, sizes.len() > OPTIMISED, false, &mut recorder);
    recorder.finish(sizes.len(), graph.edges.len())
}

/// What `layout-rs` draws, kept by the tag each box and edge was given.
#[derive(Default)]
struct Recorder {
    boxes: HashMap<usize, Rect>,
    /// Each edge's points: start, control points, end, as `layout-rs`
    /// hands them out (pairs of a point and a control point).
    paths: HashMap<usize, Vec<(Point, Point)>>,
}

impl Recorder {
    /// The boxes and paths in order, moved so that the drawing starts at
    /// the margin.
    fn finish(self, nodes: usize, edges: usize) -> Placed {
        let boxes: Vec<Rect> = (0..nodes)
            .map(|k| {
                *self
                    .boxes
                    .get(&k)
                    .expect("internal error: layout-rs drew every box")
            })
            .collect();
        let paths: Vec<&Vec<(Point, Point)>> = (0..edges)
            .map(|k| {
                self.paths
                    .get(&k)
                    .expect("internal error: layout-rs drew every edge")
            })
            .collect();
        let (mut left, mut top) = (f64::INFINITY, f64::INFINITY);
        let (mut right, mut bottom) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        let mut grow = |x: f64, y: f64| {
            left = left.min(x);
            right = right.max(x);
            top = top.min(y);
            bottom = bottom.max(y);
        };
        for b in &boxes {
            grow(b.x, b.y);
            grow(b.x + b.width, b.y + b.height);
        }
        for path in &paths {
            for (a, b) in path.iter() {
                grow(a.x, a.y);
                grow(b.x, b.y);
            }
        }
        let (dx, dy) = (MARGIN - left, MARGIN - top);
        let at = |p: &Point| format!("{} {}", round(p.x + dx), round(p.y + dy));
        let paths = paths
            .into_iter()
            .map(|path| match path.as_slice() {
                [(start, start_control), (end_control, end), rest @ ..] => {
                    let mut d = format!(
                        "M {} C {}, {}, {}",
                        at(start),
                        at(start_control),
                        at(end_control),
                        at(end)
                    );
                    for (control, point) in rest {
                        d.push_str(&format!(" S {}, {}", at(control), at(point)));
                    }
                    d
                }
                _ => String::new(),
            })
            .collect();
        Placed {
            boxes: boxes
                .into_iter()
                .map(|b| Rect {
                    x: round(b.x + dx),
                    y: round(b.y + dy),
                    ..b
                })
                .collect(),
            paths,
            width: round(right - left + 2.0 * MARGIN),
            height: round(bottom - top + 2.0 * MARGIN),
        }
    }
}

/// `x` to a tenth of a pixel: enough for a drawing, and short.
fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The number in a tag `n12` or `e3`, if the tag starts with `prefix`.
fn tag(properties: Option<&String>, prefix: char) -> Option<usize> {
    properties?.strip_prefix(prefix)?.parse().ok()
}

impl RenderBackend for Recorder {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        _look: &StyleAttr,
        properties: Option<String>,
        _clip: Option<ClipHandle>,
    ) {
        if let Some(k) = tag(properties.as_ref(), 'n') {
            self.boxes.insert(
                k,
                Rect {
                    x: xy.x,
                    y: xy.y,
                    width: size.x,
                    height: size.y,
                },
            );
        }
    }

    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_circle(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_text(&mut self, _: Point, _: &str, _: &StyleAttr) {}

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        _dashed: bool,
        _head: (bool, bool),
        _look: &StyleAttr,
        properties: Option<String>,
        _text: &str,
    ) {
        if let Some(k) = tag(properties.as_ref(), 'e') {
            self.paths.insert(k, path.to_vec());
        }
    }

    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::place;
    use crate::page::graph::Graph;
    use autograd::Tape;

    #[test]
    fn parents_are_placed_above_the_nodes_that_read_them() {
        let tape = Tape::new();
        let x = tape.var_named("x", 2.0);
        let w = tape.var_named("w", 3.0);
        let y = (x * w).sigmoid().named("y");
        let graph = Graph::record(y);
        let placed = place(&graph, &vec![(100.0, 50.0); graph.nodes.len()]);
        assert_eq!(placed.boxes.len(), 4);
        assert_eq!(placed.paths.len(), 3);
        for edge in &graph.edges {
            let (from, to) = (placed.boxes[edge.from], placed.boxes[edge.to]);
            assert!(from.y + from.height <= to.y, "{from:?} above {to:?}");
        }
        for b in &placed.boxes {
            assert!(b.x >= 0.0 && b.y >= 0.0);
            assert!(b.x + b.width <= placed.width && b.y + b.height <= placed.height);
            assert_eq!((b.width, b.height), (100.0, 50.0));
        }
        assert!(placed.paths.iter().all(|d| d.starts_with("M ")));
    }
}
