//! One self-contained HTML page that shows backpropagation move through a
//! graph the engine recorded: the forward pass node by node, then the
//! backward pass node by node, each edge's local derivative times the
//! gradient above it, and the sum at a node read by several; a click on a
//! node shows its op, formula, parents, value, gradient and the chain rule
//! that gave the gradient. Optionally a training view: the loss against
//! the step, and a slider through snapshots of the graph's numbers.
//!
//! Everything is inline (styles, script, the graph as SVG); nothing is
//! fetched, so the file opens from disk. Every number is the engine's,
//! embedded as JSON strings; the script only shows them.
//!
//! For tests (the page's own and anyone's): the controls have ids
//! `step-forward`, `step-backward` and `reset`; every node's element has
//! `data-node` (its name, or `#id` when it has none or shares it), and once
//! its value and gradient are shown, `data-value` and `data-grad` with the
//! engine's numbers as `--json` writes them (`data-grad="null"` for a node
//! that gets no gradient, as in `--json`).

mod chain;
mod data;
mod formula;
mod graph;
mod html;
mod layout;
mod number;
mod plot;
mod svg;
mod training;

use std::fmt;
use std::path::Path;

use autograd::Var;

pub use training::{Snapshot, Training};

use graph::Graph;

/// The most nodes a page draws: a graph a learner can follow step by step
/// (and lay out in well under a second). A page needs a sweep from every
/// node, so the work grows with the square of the nodes.
pub const MOST_NODES: usize = 400;

/// The page's layout: where the styles, the graph, the data and the
/// script go (`{{name}}` markers).
const TEMPLATE: &str = include_str!("template.html");
/// The training view, inside the page when it has one.
const TRAINING: &str = include_str!("training.html");
/// The toolbar's switch between the steps and the training view.
const TRAINING_BUTTON: &str = "    <button id=\"training-toggle\" type=\"button\" aria-pressed=\"false\" \
     title=\"Show the training, or go back to the steps\">Training</button>\n";
const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// A page for one output's graph; see the [module docs](self).
///
/// # Examples
///
/// ```
/// use autograd::Tape;
/// use grad_cli::page::Page;
///
/// let tape = Tape::new();
/// let x = tape.var_named("x", 3.0);
/// let y = (x * x + 2.0 * x).named("y");
/// let html = Page::new("y = x² + 2x", y).unwrap().html();
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// assert!(html.contains(r#"data-node="x""#));
/// assert!(html.contains(r#"id="step-forward""#));
/// ```
#[derive(Clone, Debug)]
pub struct Page {
    title: String,
    intro: String,
    graph: Graph,
    training: Option<Training>,
}

/// A graph too large for a page: more than [`MOST_NODES`] nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLarge {
    /// How many nodes the output depends on.
    pub nodes: usize,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the graph has {} nodes, and a page draws at most {MOST_NODES}",
            self.nodes
        )
    }
}

impl std::error::Error for TooLarge {}

impl Page {
    /// A page titled `title` for everything `output` depends on, with the
    /// gradients of one reverse sweep from `output`.
    ///
    /// # Errors
    ///
    /// If `output` depends on more than [`MOST_NODES`] nodes.
    pub fn new(title: impl Into<String>, output: Var<'_>) -> Result<Self, TooLarge> {
        let nodes = graph::upstream(output).len();
        if nodes > MOST_NODES {
            return Err(TooLarge { nodes });
        }
        Ok(Page {
            title: title.into(),
            intro: String::new(),
            graph: Graph::record(output),
            training: None,
        })
    }

    /// Adds a paragraph under the title. Empty unless set.
    #[must_use]
    pub fn with_intro(mut self, text: impl Into<String>) -> Self {
        self.intro = text.into();
        self
    }

    /// Adds a training view.
    ///
    /// # Panics
    ///
    /// If a snapshot was recorded from a graph of another shape than the
    /// page's (other ops or names, or in another order).
    #[must_use]
    pub fn with_training(mut self, training: Training) -> Self {
        for snapshot in &training.snapshots {
            let same = snapshot.shape.len() == self.graph.nodes.len()
                && snapshot
                    .shape
                    .iter()
                    .zip(&self.graph.nodes)
                    .all(|((op, name), node)| *op == node.op && *name == node.name);
            assert!(
                same,
                "Page::with_training: the snapshot after {} updates is of another graph than the page's",
                snapshot.step
            );
        }
        self.training = Some(training);
        self
    }

    /// The page as one HTML document.
    #[must_use]
    pub fn html(&self) -> String {
        let sizes = svg::box_sizes(&self.graph, &self.widest_numbers());
        let graph = svg::draw(&self.graph, &sizes);
        let button = if self.training.is_some() {
            TRAINING_BUTTON
        } else {
            ""
        };
        let (training, document) = match &self.training {
            Some(training) => {
                let (plot, markers) = plot::draw(training);
                let section = fill(
                    TRAINING,
                    &[
                        ("plot", &plot),
                        ("legend", &plot::legend(training)),
                        ("steps", &training.steps.to_string()),
                        ("description", &html::escape(&training.description)),
                    ],
                );
                (
                    section,
                    data::document(&self.graph, Some((training, &markers))),
                )
            }
            None => (String::new(), data::document(&self.graph, None)),
        };
        let output = self.graph.nodes[self.graph.output()].operand();
        fill(
            TEMPLATE,
            &[
                ("title", &html::escape(&self.title)),
                ("intro", &html::escape(&self.intro)),
                ("output", &html::escape(&output)),
                ("style", STYLE),
                ("graph", &graph),
                ("training", &training),
                ("training_button", button),
                ("data", &html::script_json(&document.to_string())),
                ("script", SCRIPT),
            ],
        )
    }

    /// Writes [`Page::html`] to `path`.
    ///
    /// # Errors
    ///
    /// If the file cannot be written.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        std::fs::write(path, self.html())
    }

    /// For each node, the most characters its numbers take in its box: the
    /// value, or `∂ ` and the gradient, at the start and in every snapshot.
    fn widest_numbers(&self) -> Vec<usize> {
        let width = |value: f64, grad: Option<f64>| {
            let value = number::short(value).chars().count();
            let grad = grad.map_or("no gradient".len(), |g| {
                2 + number::short(g).chars().count()
            });
            value.max(grad)
        };
        let snapshots = self.training.iter().flat_map(|t| &t.snapshots);
        self.graph
            .nodes
            .iter()
            .enumerate()
            .map(|(k, node)| {
                snapshots
                    .clone()
                    .map(|s| width(s.values[k], s.grads[k]))
                    .fold(width(node.value, node.grad), usize::max)
            })
            .collect()
    }
}

/// `template` with each `{{name}}` replaced by its text in `parts`, in one
/// pass, so that nothing put in is read again for markers.
fn fill(template: &str, parts: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + parts.iter().map(|p| p.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .expect("internal error: a template marker is closed");
        let name = &after[..end];
        let part = parts
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("internal error: no text for the template's {{{{{name}}}}}"));
        out.push_str(part.1);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::{Page, Snapshot, TooLarge, Training, fill};
    use autograd::Tape;

    #[test]
    fn markers_are_filled_once() {
        let text = fill("<{{a}}|{{b}}>", &[("a", "{{b}}"), ("b", "x")]);
        assert_eq!(text, "<{{b}}|x>");
    }

    #[test]
    fn the_page_is_one_file_that_fetches_nothing() {
        let tape = Tape::new();
        let x = tape.var_named("x", 0.5);
        let y = x.tanh().named("y");
        let html = Page::new("tanh <b>", y).unwrap().with_intro("a & b").html();
        for fetching in [
            "src=",
            "href=",
            "@import",
            "url(http",
            "fetch(",
            "XMLHttpRequest",
        ] {
            assert!(!html.contains(fetching), "{fetching}");
        }
        assert!(html.contains("<title>tanh &lt;b&gt;</title>"));
        assert!(html.contains("a &amp; b"));
        assert!(!html.contains("{{"));
    }

    #[test]
    fn too_many_nodes_are_refused() {
        let tape = Tape::new();
        let x = tape.var(1.0);
        let mut y = x;
        for _ in 0..super::MOST_NODES {
            y += 1.0;
        }
        assert_eq!(
            Page::new("long", y).unwrap_err(),
            TooLarge {
                nodes: super::MOST_NODES + 1
            }
        );
    }

    #[test]
    #[should_panic(expected = "the snapshot after 3 updates is of another graph")]
    fn a_snapshot_of_another_graph_is_refused() {
        let tape = Tape::new();
        let x = tape.var_named("x", 0.5);
        let page = Page::new("x²", x * x).unwrap();
        let other = x * x + 1.0;
        let _ = page.with_training(Training::new(3).with_snapshot(Snapshot::record(3, other)));
    }
}
