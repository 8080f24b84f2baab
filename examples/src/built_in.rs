//! The built-in graph drawing, pure Rust: `layout-rs` places the nodes and
//! routes the edges, and this file draws them as SVG. It keeps what
//! `layout-rs`'s own SVG writer drops: dashed and rounded boxes, pen widths
//! and the font, and it sets a label's lines far enough apart that an
//! underscore or a descender does not touch the next line.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use layout::core::color::Color;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::StyleAttr;
use layout::gv::parser::ast;
use layout::gv::{DotParser, GraphBuilder};

/// Distance between the baselines of a label's lines, in font sizes. At 1
/// (what `layout-rs` uses) an underscore touches the line below.
pub(crate) const LINE_HEIGHT: f64 = 1.25;

/// Space left around the drawing, in pixels.
const MARGIN: f64 = 5.0;

/// Draws a DOT graph as SVG.
pub(crate) fn draw(dot: &str) -> Result<String, String> {
    let mut graph = DotParser::new(dot).process()?;
    let mut looks = HashMap::new();
    collect_looks(&graph.list, &mut Vec::new(), &mut looks);
    make_room_between_lines(&mut graph.list);
    let mut builder = GraphBuilder::new();
    builder.visit_graph(&graph);
    let mut visual = builder.get();
    let mut canvas = Canvas::new(looks);
    visual.do_it(false, false, false, &mut canvas);
    Ok(canvas.finish())
}

/// What `layout-rs` does not carry from a node's attributes to its drawing.
#[derive(Clone, Debug, Default)]
struct Look {
    /// The node's id in the DOT text, drawn as the SVG title.
    id: String,
    /// `style` has `dashed`.
    dashed: bool,
    /// `style` has `rounded`.
    rounded: bool,
    /// `penwidth`, if given.
    pen_width: Option<f64>,
    /// `fontname`, if given.
    font: Option<String>,
}

/// The value of attribute `name`: the last one given wins, as in DOT.
fn attribute<'a>(attributes: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attributes
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Each node's [`Look`], by its label (or its id, when it has no label):
/// `defaults` are the `node [...]` attributes in force.
fn collect_looks(
    statements: &ast::StmtList,
    defaults: &mut Vec<(String, String)>,
    looks: &mut HashMap<String, Look>,
) {
    let scope = defaults.len();
    for statement in &statements.list {
        match statement {
            ast::Stmt::Attribute(a) if matches!(a.target, ast::AttrStmtTarget::Node) => {
                defaults.extend(a.list.list.iter().cloned());
            }
            ast::Stmt::Node(node) => {
                let mut attributes = defaults.clone();
                attributes.extend(node.list.list.iter().cloned());
                let style = attribute(&attributes, "style").unwrap_or("");
                let look = Look {
                    id: node.id.name.clone(),
                    dashed: style.split(',').any(|s| s.trim() == "dashed"),
                    rounded: style.split(',').any(|s| s.trim() == "rounded"),
                    pen_width: attribute(&attributes, "penwidth").and_then(|w| w.parse().ok()),
                    font: attribute(&attributes, "fontname").map(str::to_owned),
                };
                let label = attribute(&attributes, "label").unwrap_or(&node.id.name);
                looks.insert(label.to_owned(), look);
            }
            ast::Stmt::SubGraph(graph) => collect_looks(&graph.list, defaults, looks),
            _ => {}
        }
    }
    defaults.truncate(scope);
}

/// Blank lines added under a label of `lines` lines so that `layout-rs`,
/// which allows one font size per line, makes its box tall enough for
/// lines [`LINE_HEIGHT`] apart.
fn room_for(lines: usize) -> usize {
    if lines > 1 {
        ((lines as f64) * (LINE_HEIGHT - 1.0)).ceil() as usize
    } else {
        0
    }
}

/// Adds [`room_for`] blank lines to every explicit label (a label of one
/// line already fits: its box has padding).
fn make_room_between_lines(statements: &mut ast::StmtList) {
    for statement in &mut statements.list {
        match statement {
            ast::Stmt::Node(node) => {
                for (name, value) in &mut node.list.list {
                    if name == "label" {
                        let extra = room_for(value.lines().count());
                        value.push_str(&"\n ".repeat(extra));
                    }
                }
            }
            ast::Stmt::SubGraph(graph) => make_room_between_lines(&mut graph.list),
            _ => {}
        }
    }
}

/// A colour as SVG paints it (`#rrggbb`), and its alpha (0 to 255).
fn paint(colour: Color) -> (String, u8) {
    let web = colour.to_web_color(); // #rrggbbaa
    let alpha = u8::from_str_radix(&web[7..9], 16).unwrap_or(u8::MAX);
    (web[..7].to_owned(), alpha)
}

/// `fill="..."` (or `stroke`) with an opacity when the colour has one;
/// `none` when it is fully transparent.
fn paint_attribute(what: &str, colour: Color) -> String {
    match paint(colour) {
        (_, 0) => format!("{what}=\"none\""),
        (rgb, u8::MAX) => format!("{what}=\"{rgb}\""),
        (rgb, alpha) => format!(
            "{what}=\"{rgb}\" {what}-opacity=\"{:.3}\"",
            f64::from(alpha) / 255.0
        ),
    }
}

/// Escapes text for SVG.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A box waiting for its label: the label says which node it is.
struct PendingBox {
    corner: Point,
    size: Point,
    look: StyleAttr,
    clip: Option<ClipHandle>,
}

/// The SVG being drawn.
struct Canvas {
    looks: HashMap<String, Look>,
    body: String,
    clips: Vec<String>,
    arrow_colours: BTreeSet<String>,
    pending: Option<PendingBox>,
    width: f64,
    height: f64,
    paths: usize,
}

impl Canvas {
    fn new(looks: HashMap<String, Look>) -> Self {
        Canvas {
            looks,
            body: String::new(),
            clips: Vec::new(),
            arrow_colours: BTreeSet::new(),
            pending: None,
            width: 0.0,
            height: 0.0,
            paths: 0,
        }
    }

    fn grow(&mut self, point: Point) {
        self.width = self.width.max(point.x + MARGIN);
        self.height = self.height.max(point.y + MARGIN);
    }

    /// The `<rect>` of a box, styled by the node's look if known.
    fn rect(b: &PendingBox, look: Option<&Look>) -> String {
        let mut rect = format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {} {}",
            b.corner.x,
            b.corner.y,
            b.size.x,
            b.size.y,
            paint_attribute("fill", b.look.fill_color.unwrap_or_else(Color::transparent)),
            paint_attribute("stroke", b.look.line_color),
        );
        let width = look
            .and_then(|l| l.pen_width)
            .unwrap_or(b.look.line_width as f64);
        let _ = write!(rect, " stroke-width=\"{width}\"");
        let rounded = look.is_some_and(|l| l.rounded) || b.look.rounded > 0;
        if rounded {
            let _ = write!(rect, " rx=\"{}\"", b.look.rounded.max(4));
        }
        if look.is_some_and(|l| l.dashed) {
            rect.push_str(" stroke-dasharray=\"5,3\"");
        }
        if let Some(clip) = b.clip {
            let _ = write!(rect, " clip-path=\"url(#C{clip})\"");
        }
        rect.push_str("/>");
        rect
    }

    /// Draws a box left without a label.
    fn flush(&mut self) {
        if let Some(b) = self.pending.take() {
            let rect = Self::rect(&b, None);
            let _ = writeln!(self.body, "{rect}");
        }
    }

    /// The `<text>` of a label: one `<tspan>` a line, the lines
    /// [`LINE_HEIGHT`] apart and centred on `centre`.
    fn text(centre: Point, lines: &[&str], look: &StyleAttr, font: Option<&str>) -> String {
        let size = look.font_size as f64;
        let step = LINE_HEIGHT * size;
        let family = match font {
            Some(name) => format!("{}, sans-serif", escape(name)),
            None => "sans-serif".to_owned(),
        };
        let mut text = format!(
            "<text text-anchor=\"middle\" font-family=\"{family}\" font-size=\"{size}\" fill=\"black\">"
        );
        // An alphabetic baseline 0.35 font sizes below a line's middle
        // centres digits and lower case alike.
        let first = centre.y - step * (lines.len() as f64 - 1.0) / 2.0 + 0.35 * size;
        for (k, line) in lines.iter().enumerate() {
            let _ = write!(
                text,
                "<tspan x=\"{}\" y=\"{}\">{}</tspan>",
                centre.x,
                first + step * k as f64,
                escape(line)
            );
        }
        text.push_str("</text>");
        text
    }

    fn finish(mut self) -> String {
        self.flush();
        let mut svg = String::new();
        let _ = writeln!(
            svg,
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>"
        );
        let _ = writeln!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">",
            w = self.width,
            h = self.height
        );
        let _ = writeln!(svg, "<defs>");
        for colour in &self.arrow_colours {
            let _ = writeln!(
                svg,
                "<marker id=\"arrow-{}\" markerWidth=\"10\" markerHeight=\"7\" refX=\"10\" refY=\"3.5\" orient=\"auto\"><polygon points=\"0 0, 10 3.5, 0 7\" fill=\"#{}\"/></marker>",
                colour, colour
            );
        }
        for clip in &self.clips {
            let _ = writeln!(svg, "{clip}");
        }
        let _ = writeln!(svg, "</defs>");
        let _ = writeln!(svg, "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        svg.push_str(&self.body);
        svg.push_str("</svg>\n");
        svg
    }
}

impl RenderBackend for Canvas {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        look: &StyleAttr,
        _properties: Option<String>,
        clip: Option<ClipHandle>,
    ) {
        self.flush();
        self.grow(Point::new(xy.x + size.x, xy.y + size.y));
        self.pending = Some(PendingBox {
            corner: xy,
            size,
            look: look.clone(),
            clip,
        });
    }

    fn draw_line(
        &mut self,
        start: Point,
        stop: Point,
        look: &StyleAttr,
        _properties: Option<String>,
    ) {
        self.flush();
        self.grow(start);
        self.grow(stop);
        let _ = writeln!(
            self.body,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {} stroke-width=\"{}\"/>",
            start.x,
            start.y,
            stop.x,
            stop.y,
            paint_attribute("stroke", look.line_color),
            look.line_width
        );
    }

    fn draw_circle(
        &mut self,
        xy: Point,
        size: Point,
        look: &StyleAttr,
        _properties: Option<String>,
    ) {
        self.flush();
        self.grow(Point::new(xy.x + size.x / 2.0, xy.y + size.y / 2.0));
        let _ = writeln!(
            self.body,
            "<ellipse cx=\"{}\" cy=\"{}\" rx=\"{}\" ry=\"{}\" {} {} stroke-width=\"{}\"/>",
            xy.x,
            xy.y,
            size.x / 2.0,
            size.y / 2.0,
            paint_attribute("fill", look.fill_color.unwrap_or_else(Color::transparent)),
            paint_attribute("stroke", look.line_color),
            look.line_width
        );
    }

    fn draw_text(&mut self, xy: Point, text: &str, look: &StyleAttr) {
        // The blank lines added for room are not drawn.
        let mut lines: Vec<&str> = text.lines().collect();
        while lines.last().is_some_and(|l| l.trim().is_empty()) {
            lines.pop();
        }
        let label = lines.join("\n");
        let node = self.looks.get(&label).cloned();
        let text = Self::text(
            xy,
            &lines,
            look,
            node.as_ref().and_then(|n| n.font.as_deref()),
        );
        // A box's label is drawn at its centre, right after it.
        let boxed = self.pending.take_if(|b| {
            (b.corner.x + b.size.x / 2.0 - xy.x).abs() < 0.5
                && (b.corner.y + b.size.y / 2.0 - xy.y).abs() < 0.5
        });
        self.flush();
        match (boxed, node) {
            (Some(b), Some(node)) => {
                let _ = writeln!(
                    self.body,
                    "<g class=\"node\"><title>{}</title>{}{text}</g>",
                    escape(&node.id),
                    Self::rect(&b, Some(&node))
                );
            }
            (Some(b), None) => {
                let _ = writeln!(self.body, "{}{text}", Self::rect(&b, None));
            }
            (None, _) => {
                let _ = writeln!(self.body, "{text}");
            }
        }
    }

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        dashed: bool,
        head: (bool, bool),
        look: &StyleAttr,
        _properties: Option<String>,
        text: &str,
    ) {
        self.flush();
        let [(start, start_control), (end_control, end), rest @ ..] = path else {
            return;
        };
        for (a, b) in path {
            self.grow(*a);
            self.grow(*b);
        }
        let mut d = format!(
            "M {} {} C {} {}, {} {}, {} {}",
            start.x,
            start.y,
            start_control.x,
            start_control.y,
            end_control.x,
            end_control.y,
            end.x,
            end.y
        );
        for (control, point) in rest {
            let _ = write!(d, " S {} {}, {} {}", control.x, control.y, point.x, point.y);
        }
        let (rgb, _) = paint(look.line_color);
        let colour = rgb.trim_start_matches('#').to_owned();
        let id = self.paths;
        self.paths += 1;
        let mut element = format!(
            "<path id=\"edge{id}\" d=\"{d}\" fill=\"none\" {} stroke-width=\"{}\"",
            paint_attribute("stroke", look.line_color),
            look.line_width
        );
        if dashed {
            element.push_str(" stroke-dasharray=\"5,5\"");
        }
        if head.0 {
            let _ = write!(element, " marker-start=\"url(#arrow-{colour})\"");
        }
        if head.1 {
            let _ = write!(element, " marker-end=\"url(#arrow-{colour})\"");
        }
        element.push_str("/>");
        if head.0 || head.1 {
            self.arrow_colours.insert(colour);
        }
        let _ = writeln!(self.body, "{element}");
        if !text.is_empty() {
            let _ = writeln!(
                self.body,
                "<text font-family=\"sans-serif\" font-size=\"{}\"><textPath href=\"#edge{id}\" startOffset=\"50%\" text-anchor=\"middle\">{}</textPath></text>",
                look.font_size,
                escape(text)
            );
        }
    }

    fn create_clip(&mut self, xy: Point, size: Point, rounded_px: usize) -> ClipHandle {
        let handle = self.clips.len();
        self.clips.push(format!(
            "<clipPath id=\"C{handle}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{rounded_px}\"/></clipPath>",
            xy.x, xy.y, size.x, size.y
        ));
        handle
    }
}

#[cfg(test)]
mod tests {
    use super::room_for;

    #[test]
    fn blank_lines_make_room_for_a_quarter_more_height() {
        // layout-rs gives a label one font size a line; lines 1.25 apart
        // need a quarter more, rounded up to whole lines.
        assert_eq!(room_for(1), 0);
        assert_eq!(room_for(2), 1);
        assert_eq!(room_for(4), 1);
        assert_eq!(room_for(5), 2);
    }
}
