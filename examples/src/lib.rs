//! Pictures for the example programs: computation graphs drawn as SVG, and
//! training curves and decision boundaries plotted as SVG; and, in
//! [`text`], how the programs print words and numbers.
//!
//! Everything here is pure Rust. When Graphviz's `dot` is installed it draws
//! the graphs, more polished; otherwise a built-in layout (the `layout-rs`
//! crate) does.
#![deny(missing_docs)]

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use plotters::prelude::*;

mod built_in;
mod curve;
pub mod text;

pub use curve::Curve;

/// What went wrong while drawing a picture.
#[derive(Debug)]
pub enum PictureError {
    /// Graphviz's `dot` ran but failed.
    Graphviz(String),
    /// The built-in layout could not draw the graph.
    Layout(String),
    /// The plotting library failed.
    Plot(String),
    /// Talking to Graphviz's `dot` failed.
    Io(std::io::Error),
    /// The picture could not be written to its file.
    Write {
        /// The file.
        path: PathBuf,
        /// Why not.
        error: std::io::Error,
    },
}

impl fmt::Display for PictureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PictureError::Graphviz(e) => write!(f, "graphviz's dot failed: {e}"),
            PictureError::Layout(e) => write!(f, "the built-in graph layout failed: {e}"),
            PictureError::Plot(e) => write!(f, "plotting failed: {e}"),
            PictureError::Io(e) => write!(f, "{e}"),
            PictureError::Write { path, error } => {
                write!(f, "cannot write {}: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for PictureError {}

impl From<std::io::Error> for PictureError {
    fn from(e: std::io::Error) -> Self {
        PictureError::Io(e)
    }
}

/// Which program drew a graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Renderer {
    /// Graphviz's `dot`, found on the PATH.
    Graphviz,
    /// The built-in pure-Rust layout.
    BuiltIn,
}

impl fmt::Display for Renderer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Renderer::Graphviz => "Graphviz",
            Renderer::BuiltIn => {
                "the built-in layout (install the graphviz package for a more polished picture)"
            }
        })
    }
}

/// Draws a DOT graph as SVG: with Graphviz's `dot` when it is installed,
/// otherwise with the built-in layout. Either way the picture carries the
/// DOT text it was drawn from, in `<metadata id="dot-source">`, so that a
/// saved picture can be checked against the graph it should show (the two
/// renderers lay the graph out differently; the DOT text is the same).
///
/// # Errors
///
/// If Graphviz is installed but fails, or the built-in layout cannot read
/// the graph.
pub fn svg_from_dot(dot: &str) -> Result<(String, Renderer), PictureError> {
    let (svg, renderer) = match graphviz(dot) {
        Some(result) => (result?, Renderer::Graphviz),
        None => (built_in(dot)?, Renderer::BuiltIn),
    };
    Ok((with_source(&svg, dot)?, renderer))
}

/// `svg` with `dot` in a `<metadata id="dot-source">` element, the first
/// inside the `<svg>` element.
fn with_source(svg: &str, dot: &str) -> Result<String, PictureError> {
    let missing = || PictureError::Layout("the drawing has no <svg> element".to_owned());
    let start = svg.find("<svg").ok_or_else(missing)?;
    let inside = start + svg[start..].find('>').ok_or_else(missing)? + 1;
    let escaped = dot
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    Ok(format!(
        "{}\n<metadata id=\"dot-source\">{escaped}</metadata>{}",
        &svg[..inside],
        &svg[inside..]
    ))
}

/// Runs `dot -Tsvg`; `None` when Graphviz is not installed.
fn graphviz(dot: &str) -> Option<Result<String, PictureError>> {
    let child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => return Some(Err(PictureError::Graphviz(e.to_string()))),
    };
    let run = || -> Result<String, PictureError> {
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(dot.as_bytes())?;
        let output = child.wait_with_output()?;
        if !output.status.success() {
            return Err(PictureError::Graphviz(
                String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            ));
        }
        String::from_utf8(output.stdout).map_err(|e| PictureError::Graphviz(e.to_string()))
    };
    Some(run())
}

/// The built-in drawing, pure Rust: the `layout-rs` crate lays the graph
/// out; boxes keep their colours, dashes (constants), rounded corners and
/// pen widths, and a label's lines stand 1.25 font sizes apart.
///
/// # Errors
///
/// If the DOT text cannot be read.
pub fn built_in(dot: &str) -> Result<String, PictureError> {
    built_in::draw(dot).map_err(PictureError::Layout)
}

/// One curve of a plot: its legend label, its colour, and its values.
#[derive(Clone, Copy, Debug)]
pub struct Series<'a> {
    /// The legend label.
    pub label: &'a str,
    /// The line colour.
    pub colour: RGBColor,
    /// The values, by iteration.
    pub curve: &'a Curve,
}

/// Writes a drawn picture to its file.
fn write_svg(path: &Path, svg: &str) -> Result<(), PictureError> {
    std::fs::write(path, svg).map_err(|error| PictureError::Write {
        path: path.to_owned(),
        error,
    })
}

/// Plots two training curves of a positive loss against the iteration, as
/// an SVG file at `path`: above, both curves on log-log axes; below, how far
/// the second is from the first, relative to it.
///
/// # Errors
///
/// If the file cannot be written, a loss is not positive and finite, or
/// the curves differ in length.
pub fn training_plot(
    path: &Path,
    title: &str,
    first: Series<'_>,
    second: Series<'_>,
) -> Result<(), PictureError> {
    let mut svg = String::new();
    draw_training(&mut svg, title, first, second)?;
    write_svg(path, &svg)
}

/// [`training_plot`]'s drawing, into `svg`.
fn draw_training(
    svg: &mut String,
    title: &str,
    first: Series<'_>,
    second: Series<'_>,
) -> Result<(), PictureError> {
    let plot = |e: &dyn fmt::Display| PictureError::Plot(e.to_string());
    let (a, b) = (first.curve.points(), second.curve.points());
    if first.curve.len() != second.curve.len() || first.curve.len() < 2 {
        return Err(PictureError::Plot(
            "the curves must be equally long, with at least two points".to_owned(),
        ));
    }
    let (mut low, mut high) = (f64::INFINITY, 0.0f64);
    for &(_, v) in a.iter().chain(b) {
        if !(v > 0.0 && v.is_finite()) {
            return Err(PictureError::Plot(format!(
                "a log scale needs positive finite values, got {v}"
            )));
        }
        low = low.min(v);
        high = high.max(v);
    }
    let steps = first.curve.len() as f64;
    // Curves of equal length keep the same iterations.
    let difference: Vec<(f64, f64)> = a
        .iter()
        .zip(b)
        .map(|(&(k, x), &(_, y))| (k as f64, (y - x) / x))
        .collect();
    let (d_low, d_high) = difference
        .iter()
        .fold((0.0f64, 0.0f64), |(lo, hi), &(_, d)| (lo.min(d), hi.max(d)));
    let pad = (d_high - d_low).max(1e-12) * 0.1;

    let root = SVGBackend::with_string(svg, (900, 760)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| plot(&e))?;
    let (upper, lower) = root.split_vertically(500);
    let mut chart = ChartBuilder::on(&upper)
        .caption(title, ("sans-serif", 22))
        .margin(18)
        .x_label_area_size(40)
        .y_label_area_size(78)
        .build_cartesian_2d(
            (1.0..steps).log_scale(),
            (low / 2.0..high * 2.0).log_scale(),
        )
        .map_err(|e| plot(&e))?;
    chart
        .configure_mesh()
        .x_desc("iteration (log scale)")
        .y_desc("loss (log scale)")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0e}"))
        .axis_desc_style(("sans-serif", 16))
        .label_style(("sans-serif", 14))
        .light_line_style(WHITE)
        .draw()
        .map_err(|e| plot(&e))?;
    for (s, width) in [(first, 5), (second, 2)] {
        let colour = s.colour;
        chart
            .draw_series(LineSeries::new(
                s.curve.points().iter().map(|&(k, v)| (k as f64, v)),
                colour.stroke_width(width),
            ))
            .map_err(|e| plot(&e))?
            .label(s.label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(width))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.4))
        .label_font(("sans-serif", 15))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(|e| plot(&e))?;

    let mut below = ChartBuilder::on(&lower)
        .caption(
            format!("({}) / ({}) - 1", second.label, first.label),
            ("sans-serif", 15),
        )
        .margin(18)
        .x_label_area_size(48)
        .y_label_area_size(78)
        .build_cartesian_2d((1.0..steps).log_scale(), (d_low - pad)..(d_high + pad))
        .map_err(|e| plot(&e))?;
    below
        .configure_mesh()
        .x_desc("iteration (log scale)")
        .y_desc("relative difference")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{:.3}%", y * 100.0))
        .light_line_style(WHITE)
        .axis_desc_style(("sans-serif", 16))
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(|e| plot(&e))?;
    below
        .draw_series(LineSeries::new(difference, BLACK.stroke_width(2)))
        .map_err(|e| plot(&e))?;
    root.present().map_err(|e| plot(&e))?;
    Ok(())
}

/// A labelled point for a scatter plot: x, y and its class (±1).
pub type Point = (f64, f64, f64);

/// Plots a classifier's decision regions and the data points as an SVG
/// file at `path`. `score(x, y)` is the classifier's output; positive is
/// one class, negative the other.
///
/// # Errors
///
/// If the file cannot be written.
pub fn decision_boundary(
    path: &Path,
    title: &str,
    points: &[Point],
    score: impl FnMut(f64, f64) -> f64,
) -> Result<(), PictureError> {
    let mut svg = String::new();
    draw_boundary(&mut svg, title, points, score)?;
    write_svg(path, &svg)
}

/// [`decision_boundary`]'s drawing, into `svg`.
fn draw_boundary(
    svg: &mut String,
    title: &str,
    points: &[Point],
    mut score: impl FnMut(f64, f64) -> f64,
) -> Result<(), PictureError> {
    let plot = |e: &dyn fmt::Display| PictureError::Plot(e.to_string());
    let (x_range, y_range) = (-1.6..2.6, -1.1..1.6);
    let root = SVGBackend::with_string(svg, (820, 600)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| plot(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(x_range.clone(), y_range.clone())
        .map_err(|e| plot(&e))?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("x₁")
        .y_desc("x₂")
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 16))
        .draw()
        .map_err(|e| plot(&e))?;
    let cells = 90;
    let (dx, dy) = (
        (x_range.end - x_range.start) / f64::from(cells),
        (y_range.end - y_range.start) / f64::from(cells),
    );
    let positive = RGBColor(255, 214, 170);
    let negative = RGBColor(182, 214, 255);
    // The negative class fills the area; each run of positive cells in a
    // column is one rectangle, a quarter cell wider on each side so that
    // neighbouring columns overlap instead of leaving seams.
    chart
        .draw_series([Rectangle::new(
            [(x_range.start, y_range.start), (x_range.end, y_range.end)],
            negative.filled(),
        )])
        .map_err(|e| plot(&e))?;
    let mut strips = Vec::new();
    for i in 0..cells {
        let x = x_range.start + dx * f64::from(i);
        let mut run_start = None;
        for j in 0..=cells {
            let inside =
                j < cells && score(x + dx / 2.0, y_range.start + dy * (f64::from(j) + 0.5)) > 0.0;
            match (run_start, inside) {
                (None, true) => run_start = Some(j),
                (Some(start), false) => {
                    let (y0, y1) = (
                        y_range.start + dy * f64::from(start),
                        y_range.start + dy * f64::from(j),
                    );
                    let (x0, x1) = (
                        (x - dx / 4.0).max(x_range.start),
                        (x + 1.25 * dx).min(x_range.end),
                    );
                    strips.push(Rectangle::new([(x0, y0), (x1, y1)], positive.filled()));
                    run_start = None;
                }
                _ => {}
            }
        }
    }
    chart.draw_series(strips).map_err(|e| plot(&e))?;
    for (class, colour, label) in [
        (1.0, RGBColor(214, 96, 0), "class +1"),
        (-1.0, RGBColor(0, 84, 180), "class -1"),
    ] {
        chart
            .draw_series(
                points
                    .iter()
                    .filter(|p| p.2 == class)
                    .map(|&(x, y, _)| Circle::new((x, y), 4, colour.filled())),
            )
            .map_err(|e| plot(&e))?
            .label(label)
            .legend(move |(x, y)| Circle::new((x + 8, y), 4, colour.filled()));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.4))
        .label_font(("sans-serif", 14))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(|e| plot(&e))?;
    root.present().map_err(|e| plot(&e))?;
    Ok(())
}
