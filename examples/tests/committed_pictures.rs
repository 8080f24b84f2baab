//! The pictures committed under docs/images are what the code draws today.
//!
//! Each is regenerated here by the command the README gives for it, into a
//! temporary file, and compared with the committed one. The plots are pure
//! Rust and deterministic: they must match byte for byte. The blog's graph
//! is drawn by Graphviz when it is installed and by a built-in layout
//! otherwise, so the two drawings differ; what must match is the DOT text
//! each picture carries (`<metadata id="dot-source">`), and the committed
//! picture must show every line of every label of that DOT text. CI has no
//! Graphviz, and none is needed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const README: &str = include_str!("../../README.md");

/// The repository's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("examples/ is in the repository")
        .to_owned()
}

/// The README's regeneration commands: `(binary, arguments)`, from the sh
/// block after "Regenerate them with".
fn regeneration_commands() -> Vec<(String, Vec<String>)> {
    let at = README
        .find("Regenerate them with")
        .expect("the README says how to regenerate the pictures");
    let start = at + README[at..].find("```sh\n").expect("a sh block") + 6;
    let block = &README[start..start + README[start..].find("```").unwrap()];
    block
        .lines()
        .map(|line| {
            let rest = line
                .strip_prefix("cargo run --release --bin ")
                .unwrap_or_else(|| panic!("not a `cargo run --release --bin` line: {line}"));
            let (binary, args) = rest.split_once(" -- ").unwrap_or((rest, ""));
            (
                binary.to_owned(),
                args.split_whitespace().map(str::to_owned).collect(),
            )
        })
        .collect()
}

fn binary(name: &str) -> &'static str {
    match name {
        "worked-example" => env!("CARGO_BIN_EXE_worked-example"),
        "moons" => env!("CARGO_BIN_EXE_moons"),
        other => panic!("the README regenerates a picture with an unknown binary {other}"),
    }
}

/// Runs every regeneration command, once for all the tests, with each
/// `docs/images/NAME.svg` replaced by a temporary file; returns the command
/// and the fresh picture by file name.
fn regenerate() -> &'static BTreeMap<String, (String, String)> {
    static PICTURES: OnceLock<BTreeMap<String, (String, String)>> = OnceLock::new();
    PICTURES.get_or_init(regenerate_now)
}

fn regenerate_now() -> BTreeMap<String, (String, String)> {
    let dir = std::env::temp_dir().join(format!("autograd-committed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut pictures = BTreeMap::new();
    for (name, args) in regeneration_commands() {
        let command = format!("cargo run --release --bin {name} -- {}", args.join(" "));
        let mut written = Vec::new();
        let args: Vec<String> = args
            .into_iter()
            .map(|arg| match arg.strip_prefix("docs/images/") {
                Some(file) => {
                    let fresh = dir.join(file);
                    written.push((file.to_owned(), fresh.clone()));
                    fresh.to_str().unwrap().to_owned()
                }
                None => arg,
            })
            .collect();
        let output = Command::new(binary(&name))
            .args(&args)
            .current_dir(root())
            .output()
            .expect("the binary runs");
        assert!(
            output.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        for (file, path) in written {
            let svg = std::fs::read_to_string(&path).expect("the picture was written");
            pictures.insert(file, (command.clone(), svg));
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    pictures
}

fn committed(file: &str) -> String {
    std::fs::read_to_string(root().join("docs/images").join(file))
        .unwrap_or_else(|e| panic!("docs/images/{file}: {e}"))
}

fn parse(svg: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(svg, options).expect("well-formed SVG")
}

/// The DOT text a graph picture carries.
fn dot_source(svg: &str) -> Option<String> {
    parse(svg)
        .descendants()
        .find(|n| n.has_tag_name("metadata") && n.attribute("id") == Some("dot-source"))
        .map(|n| n.text().unwrap_or_default().to_owned())
}

/// Every line of every `label="..."` in a DOT text, sorted.
fn label_lines(dot: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for part in dot.split("label=\"").skip(1) {
        let mut label = String::new();
        let mut chars = part.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => label.push('\n'),
                    Some(other) => label.push(other),
                    None => {}
                },
                c => label.push(c),
            }
        }
        lines.extend(label.lines().map(str::to_owned));
    }
    lines.sort();
    lines
}

/// Every text a picture shows, one line each, sorted.
fn shown_lines(svg: &str) -> Vec<String> {
    let document = parse(svg);
    let mut lines: Vec<String> = document
        .descendants()
        .filter(|n| n.is_text())
        .filter(|n| {
            n.parent_element()
                .is_some_and(|p| p.has_tag_name("text") || p.has_tag_name("tspan"))
        })
        .map(|n| n.text().unwrap_or_default().trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    lines.sort();
    lines
}

#[test]
fn the_readme_regenerates_every_committed_picture() {
    let mut committed: Vec<String> = std::fs::read_dir(root().join("docs/images"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".svg"))
        .collect();
    committed.sort();
    let regenerated: Vec<String> = regenerate().keys().cloned().collect();
    assert_eq!(committed, regenerated);
}

#[test]
fn the_committed_plots_are_what_the_code_draws_today() {
    for (file, (command, fresh)) in regenerate() {
        if file == "blog-graph.svg" {
            continue;
        }
        assert!(
            committed(file) == *fresh,
            "docs/images/{file} is out of date: regenerate it with `{command}`"
        );
    }
}

#[test]
fn the_committed_blog_graph_shows_the_graph_the_worked_example_makes_today() {
    let (command, fresh) = &regenerate()["blog-graph.svg"];
    let picture = committed("blog-graph.svg");
    let stale =
        format!("docs/images/blog-graph.svg is out of date: regenerate it with `{command}`");
    let dot = dot_source(&picture).unwrap_or_else(|| panic!("{stale} (it carries no DOT source)"));
    assert_eq!(
        Some(&dot),
        dot_source(fresh).as_ref(),
        "{stale} (the graph has changed)"
    );
    assert_eq!(
        shown_lines(&picture),
        label_lines(&dot),
        "{stale} (the picture does not show its DOT text's labels)"
    );
    // The fresh drawing, by whichever renderer is installed, shows the same.
    assert_eq!(shown_lines(fresh), label_lines(&dot));
}
