//! The pictures: the blog's graph as DOT and SVG, the training curve, and
//! the two-moons decision boundary, each well-formed and complete.

use std::path::PathBuf;
use std::process::Command;

use nn::blog;

/// A fresh path in the temporary directory.
fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("autograd-pictures-{}-{name}", std::process::id()))
}

fn run(binary: &str, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(binary)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    (
        output.status.code().expect("exited"),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// Parses `svg` as XML, panicking if it is not well-formed; returns every
/// text the picture shows, joined.
fn svg_text(svg: &str) -> String {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let document = roxmltree::Document::parse_with_options(svg, options).expect("well-formed SVG");
    assert_eq!(document.root_element().tag_name().name(), "svg");
    document
        .descendants()
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every node of the blog network and every parameter.
const NAMES: [&str; 22] = [
    "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2", "i1", "i2", "net_h1", "net_h2",
    "out_h1", "out_h2", "net_o1", "net_o2", "out_o1", "out_o2", "E_o1", "E_total",
];

fn blog_dot() -> String {
    let path = temp("blog.dot");
    let (status, _, err) = run(
        env!("CARGO_BIN_EXE_worked-example"),
        &["--quiet", "--dot", path.to_str().unwrap()],
    );
    assert_eq!(status, 0, "{err}");
    let dot = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    dot
}

#[test]
fn the_blog_graph_as_dot_has_every_node_edge_and_gradient() {
    let dot = blog_dot();
    assert!(dot.starts_with("digraph") && dot.trim_end().ends_with('}'));
    assert_eq!(
        dot.matches("[label=").count(),
        35,
        "35 nodes on the blog's tape"
    );
    // 8 products with two parents, 4 net sums with three, 4 sigmoids, and
    // per output a sub, a powi and a mul with one; E_total sums two.
    assert_eq!(dot.matches(" -> ").count(), 8 * 2 + 4 * 3 + 4 + 2 * 3 + 2);
    for name in NAMES {
        assert!(
            dot.contains(&format!("label=\"{name}\\n")),
            "{name} missing"
        );
    }
    // dE_total/dw5 (row 12), E_total (row 9) and the output's own gradient,
    // each shown to 6 significant digits.
    let w5 = label(&dot, "w5");
    assert!(w5.starts_with("w5\\n#5 var\\n"), "{w5}");
    assert_six_digits(number_after(w5, "grad "), blog::figure(12).exact);
    let e_total = label(&dot, "E_total");
    assert!(
        e_total.starts_with("E_total\\n#34 sum(E_o1, E_o2)\\n") && e_total.ends_with("\\ngrad 1"),
        "{e_total}"
    );
    assert_six_digits(number_after(e_total, "value "), blog::figure(9).exact);
}

/// The label of the node named `name` in `dot`, as written (escapes kept).
fn label<'a>(dot: &'a str, name: &str) -> &'a str {
    let start = dot
        .find(&format!("label=\"{name}\\n"))
        .unwrap_or_else(|| panic!("no node named {name}"))
        + "label=\"".len();
    &dot[start..start + dot[start..].find('"').expect("a closed label")]
}

/// The number after `prefix` in a label, up to the next line.
fn number_after(label: &str, prefix: &str) -> f64 {
    let start = label.find(prefix).expect("the prefix") + prefix.len();
    let text = label[start..].split("\\n").next().unwrap();
    text.parse()
        .unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

/// Asserts that `shown` is `exact` rounded to 6 significant digits.
fn assert_six_digits(shown: f64, exact: f64) {
    let unit = 10f64.powf(exact.abs().log10().floor() - 5.0);
    assert!(
        (shown - exact).abs() <= 0.5 * unit * (1.0 + 1e-9),
        "{shown} is not {exact} to 6 significant digits"
    );
}

#[test]
fn the_built_in_layout_draws_every_node() {
    let svg = pictures::built_in(&blog_dot()).expect("the built-in layout draws the blog graph");
    let text = svg_text(&svg);
    for name in NAMES {
        assert!(
            text.contains(name),
            "{name} missing from the built-in drawing"
        );
    }
}

#[test]
fn svg_flag_writes_a_well_formed_picture_with_every_label() {
    let path = temp("blog.svg");
    let (status, _, err) = run(
        env!("CARGO_BIN_EXE_worked-example"),
        &["--quiet", "--svg", path.to_str().unwrap()],
    );
    assert_eq!(status, 0, "{err}");
    let svg = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let text = svg_text(&svg);
    for name in NAMES {
        assert!(text.contains(name), "{name} missing from the SVG");
    }
}

#[test]
fn plot_flag_draws_the_training_curves() {
    let path = temp("training.svg");
    let (status, _, err) = run(
        env!("CARGO_BIN_EXE_worked-example"),
        &[
            "--quiet",
            "--iterations",
            "500",
            "--plot",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(status, 0, "{err}");
    let svg = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(svg.len() > 5_000, "a near-empty plot");
    let text = svg_text(&svg);
    for label in [
        "E_total while training",
        "true gradient descent",
        "sequential order",
        "iteration (log scale)",
        "loss (log scale)",
    ] {
        assert!(text.contains(label), "{label} missing from the plot");
    }
    assert!(
        svg.matches("<polyline").count() >= 3,
        "two curves and their difference"
    );
}

#[test]
fn moons_learns_and_draws_its_boundary() {
    let path = temp("moons.svg");
    let (status, out, err) = run(
        env!("CARGO_BIN_EXE_moons"),
        &["--svg", path.to_str().unwrap()],
    );
    assert_eq!(status, 0, "{err}");
    // "... training accuracy 100% (100 of 100 points)"
    let accuracy: f64 = out
        .split("training accuracy ")
        .nth(1)
        .and_then(|rest| rest.split('%').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no accuracy in {out:?}"));
    assert!(accuracy > 95.0, "accuracy {accuracy}%");
    let svg = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let text = svg_text(&svg);
    assert!(text.contains("Two moons") && text.contains("class +1") && text.contains("class -1"));
    assert_eq!(
        svg.matches("<circle").count(),
        100 + 2,
        "every point, and two in the legend"
    );
}

#[test]
fn an_unwritable_plot_is_an_error_that_names_the_path() {
    let (status, _, err) = run(
        env!("CARGO_BIN_EXE_worked-example"),
        &["--quiet", "--iterations", "3", "--plot", "/bad/path"],
    );
    assert_eq!(status, 2, "{err}");
    assert!(
        err.starts_with("worked-example: cannot write /bad/path: "),
        "{err}"
    );
    assert!(!err.contains("backend"), "{err}");
}

/// One node of a drawing by the built-in layout: its DOT id, its box and
/// its label.
struct DrawnNode {
    id: String,
    rect: (f64, f64, f64, f64),
    dashed: bool,
    font_size: f64,
    /// Each line of the label and its baseline.
    lines: Vec<(String, f64)>,
}

/// The nodes of `svg`, drawn by the built-in layout (one `<g
/// class="node">` each, with a `<title>`, a `<rect>` and a `<text>`).
fn drawn_nodes(svg: &str) -> Vec<DrawnNode> {
    let document = roxmltree::Document::parse(svg).expect("well-formed SVG");
    let number = |n: roxmltree::Node<'_, '_>, attribute: &str| -> f64 {
        n.attribute(attribute)
            .unwrap_or_else(|| panic!("no {attribute} on {n:?}"))
            .parse()
            .expect("a number")
    };
    document
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("node"))
        .map(|g| {
            let child = |tag: &str| {
                g.children()
                    .find(|c| c.has_tag_name(tag))
                    .unwrap_or_else(|| panic!("a node without <{tag}>"))
            };
            let rect = child("rect");
            let text = child("text");
            DrawnNode {
                id: child("title").text().unwrap_or_default().to_owned(),
                rect: (
                    number(rect, "x"),
                    number(rect, "y"),
                    number(rect, "width"),
                    number(rect, "height"),
                ),
                dashed: rect.attribute("stroke-dasharray").is_some(),
                font_size: number(text, "font-size"),
                lines: text
                    .children()
                    .filter(|t| t.has_tag_name("tspan"))
                    .map(|t| (t.text().unwrap_or_default().to_owned(), number(t, "y")))
                    .collect(),
            }
        })
        .collect()
}

#[test]
fn the_built_in_layout_dashes_the_constants_and_only_them() {
    let nodes = drawn_nodes(&pictures::built_in(&blog_dot()).unwrap());
    assert_eq!(nodes.len(), 35, "every node of the blog's tape");
    let constants: Vec<&str> = nodes
        .iter()
        .filter(|n| n.lines.iter().any(|(l, _)| l.ends_with(" const")))
        .map(|n| n.lines[0].0.as_str())
        .collect();
    assert_eq!(constants, ["i1", "i2"]);
    for node in &nodes {
        let constant = node.lines.iter().any(|(l, _)| l.ends_with(" const"));
        assert_eq!(node.dashed, constant, "{} ({})", node.lines[0].0, node.id);
    }
}

#[test]
fn the_built_in_layout_keeps_label_lines_apart_and_inside_their_box() {
    let nodes = drawn_nodes(&pictures::built_in(&blog_dot()).unwrap());
    assert_eq!(nodes.len(), 35, "every node of the blog's tape");
    for node in &nodes {
        let size = node.font_size;
        let (name, _) = &node.lines[0];
        // An underscore hangs about 0.2 font sizes below its baseline and
        // the next line's digits rise about 0.75 above theirs: lines a
        // font size apart touch, 1.2 apart do not.
        for pair in node.lines.windows(2) {
            let gap = pair[1].1 - pair[0].1;
            assert!(
                gap >= 1.2 * size,
                "{name}: lines {gap} apart at size {size}"
            );
        }
        let (_, top, _, height) = node.rect;
        let first = node.lines[0].1;
        let last = node.lines.last().unwrap().1;
        assert!(
            first - 0.75 * size >= top,
            "{name}: the first line sticks out"
        );
        assert!(
            last + 0.25 * size <= top + height,
            "{name}: the last line sticks out"
        );
    }
}
