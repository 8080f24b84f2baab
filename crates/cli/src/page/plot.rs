//! The training view's plot as inline SVG: each run's loss against the
//! number of updates, both on log scales (the updates as `1 + n`, so that
//! the start, n = 0, has a place), and where each snapshot stands on it.
//! The legend is the page's (HTML), under the plot.

use std::fmt::Write as _;

use super::html::escape;
use super::training::Training;

// Sized for the side panel (about 330 pixels wide), where it is drawn
// about full size, so that its 11-pixel labels stay readable.
const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 230.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 22.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 40.0;

/// The plot, and the x coordinate of each snapshot's step on it (where the
/// slider's marker goes).
pub(crate) fn draw(training: &Training) -> (String, Vec<f64>) {
    let last = training.steps.max(1) as f64;
    let x_of =
        |n: usize| LEFT + (WIDTH - LEFT - RIGHT) * (1.0 + n as f64).log10() / (1.0 + last).log10();
    let drawable = |&&(_, loss): &&(usize, f64)| loss > 0.0 && loss.is_finite();
    let losses = training
        .series
        .iter()
        .flat_map(|s| s.points.iter().filter(drawable).map(|&(_, l)| l.log10()));
    let (low, high) = losses.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), l| {
        (lo.min(l), hi.max(l))
    });
    let (low, high) = if low <= high {
        (low.floor(), high.ceil().max(low.floor() + 1.0))
    } else {
        (0.0, 1.0)
    };
    let y_of = |loss: f64| TOP + (HEIGHT - TOP - BOTTOM) * (high - loss.log10()) / (high - low);

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg id=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         role=\"img\" aria-label=\"The loss against the number of updates, log scales\">"
    );
    // Grid lines and labels: every power of ten of updates, every decade
    // of the loss.
    let mut ticks = vec![0];
    let mut n = 1;
    while n <= training.steps {
        ticks.push(n);
        n *= 10;
    }
    for &n in &ticks {
        let x = round(x_of(n));
        let _ = writeln!(
            svg,
            "<line class=\"grid\" x1=\"{x}\" y1=\"{TOP}\" x2=\"{x}\" y2=\"{}\"/>\
             <text class=\"tick\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            HEIGHT - BOTTOM,
            HEIGHT - BOTTOM + 14.0,
            thousands(n)
        );
    }
    for decade in (low as i32)..=(high as i32) {
        let y = round(y_of(10f64.powi(decade)));
        let _ = writeln!(
            svg,
            "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/>\
             <text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">1e{decade}</text>",
            WIDTH - RIGHT,
            LEFT - 4.0,
            y + 4.0
        );
    }
    let _ = writeln!(
        svg,
        "<rect class=\"frame\" x=\"{LEFT}\" y=\"{TOP}\" width=\"{}\" height=\"{}\"/>\
         <text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">updates (log scale)</text>\
         <text class=\"axis\" transform=\"translate(11 {}) rotate(-90)\" text-anchor=\"middle\">loss (log scale)</text>",
        WIDTH - LEFT - RIGHT,
        HEIGHT - TOP - BOTTOM,
        (LEFT + WIDTH - RIGHT) / 2.0,
        HEIGHT - 6.0,
        (TOP + HEIGHT - BOTTOM) / 2.0
    );
    for (k, series) in training.series.iter().enumerate() {
        let mut d = String::new();
        for &(n, loss) in series.points.iter().filter(drawable) {
            let command = if d.is_empty() { 'M' } else { 'L' };
            let _ = write!(d, "{command}{} {} ", round(x_of(n)), round(y_of(loss)));
        }
        let _ = writeln!(
            svg,
            "<path class=\"series series-{k}\" d=\"{}\"><title>{}</title></path>",
            d.trim_end(),
            escape(&series.label),
        );
    }
    let _ = writeln!(
        svg,
        "<line id=\"plot-marker\" x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{}\"/>\n</svg>",
        HEIGHT - BOTTOM
    );
    let markers = training
        .snapshots
        .iter()
        .map(|s| round(x_of(s.step)))
        .collect();
    (svg, markers)
}

/// The plot's legend, as HTML: each run's line and label.
pub(crate) fn legend(training: &Training) -> String {
    let mut html = String::from("<ul class=\"plot-legend\">");
    for (k, series) in training.series.iter().enumerate() {
        let _ = write!(
            html,
            "<li><span class=\"line series-{k}\"></span>{}</li>",
            escape(&series.label)
        );
    }
    html.push_str("</ul>");
    html
}

/// `n` with a comma every three digits: `10,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `x` to a tenth of a pixel.
fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::{draw, legend, thousands};
    use crate::page::training::Training;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(10000), "10,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn the_plot_is_well_formed_and_leaves_out_what_a_log_scale_cannot_draw() {
        let training = Training::new(100)
            .with_series("a", vec![(0, 1.0), (10, 0.1), (100, 0.01)])
            .with_series("b <odd>", vec![(0, 1.0), (50, 0.0), (100, f64::NAN)]);
        let (svg, markers) = draw(&training);
        assert!(markers.is_empty());
        let document = roxmltree::Document::parse(&svg).expect("well-formed XML");
        let paths: Vec<&str> = document
            .descendants()
            .filter(|n| n.has_tag_name("path"))
            .filter_map(|n| n.attribute("d"))
            .collect();
        assert_eq!(paths.len(), 2);
        assert_eq!(paths[1].matches(['M', 'L']).count(), 1);
        assert!(svg.contains("b &lt;odd&gt;"));
        assert_eq!(
            legend(&training),
            "<ul class=\"plot-legend\"><li><span class=\"line series-0\"></span>a</li>\
             <li><span class=\"line series-1\"></span>b &lt;odd&gt;</li></ul>"
        );
    }
}
