//! Text put into HTML, and data put into a `<script>` element.

/// `text` safe inside an HTML element or a quoted attribute (and SVG's).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON text safe inside `<script type="application/json">`: a `<` can
/// only stand inside a JSON string, where `\u003c` means the same, and
/// without it no `</script>` or `<!--` can end or confuse the element.
pub(crate) fn script_json(json: &str) -> String {
    json.replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::{escape, script_json};

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;"
        );
    }

    #[test]
    fn json_cannot_close_its_script_element() {
        let json = serde_json::json!({"name": "</script><!--"}).to_string();
        let safe = script_json(&json);
        assert!(!safe.contains('<'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["name"], "</script><!--");
    }
}
