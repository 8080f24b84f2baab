//! How wide text is in a terminal, and wrapping it: a Chinese character
//! takes two columns, and Chinese text breaks between characters, where
//! English breaks between words.

use std::fmt::Write as _;

/// The width text is wrapped to.
const WIDTH: usize = 78;

/// The columns `c` takes: 2 for the wide (East Asian) characters, else 1.
fn char_width(c: char) -> usize {
    match u32::from(c) {
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 => 2,
        _ => 1,
    }
}

/// The columns `text` takes, leaving out ANSI escape sequences.
pub(crate) fn visible_width(text: &str) -> usize {
    let mut width = 0;
    let mut escaped = false;
    for c in text.chars() {
        match (escaped, c) {
            (false, '\x1b') => escaped = true,
            (true, 'm') => escaped = false,
            (true, _) => {}
            (false, c) => width += char_width(c),
        }
    }
    width
}

/// Punctuation that does not start a line.
fn closes(piece: &str) -> bool {
    matches!(
        piece,
        "，" | "。" | "；" | "：" | "、" | "）" | "”" | "！" | "？" | ")" | "," | "." | ";" | ":"
    )
}

/// The pieces of a word a line may break between: the whole word, or
/// each wide character alone and each run of narrow ones.
fn pieces(word: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (at, c) in word.char_indices() {
        if char_width(c) == 2 {
            if start < at {
                pieces.push(&word[start..at]);
            }
            pieces.push(&word[at..at + c.len_utf8()]);
            start = at + c.len_utf8();
        }
    }
    if start < word.len() {
        pieces.push(&word[start..]);
    }
    pieces
}

/// `text` wrapped at 78 columns, each line indented by `indent`: between
/// words, and between the characters of Chinese text.
pub(crate) fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        for (k, piece) in pieces(word).into_iter().enumerate() {
            let space = if k == 0 && !line.is_empty() { " " } else { "" };
            let wide =
                visible_width(indent) + visible_width(&line) + space.len() + visible_width(piece);
            if !line.is_empty() && wide > WIDTH && !closes(piece) {
                let _ = writeln!(out, "{indent}{line}");
                line.clear();
            } else {
                line.push_str(space);
            }
            line.push_str(piece);
        }
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explanations_wrap_at_78_columns() {
        let text = "word ".repeat(40);
        let wrapped = wrap(&text, "  ");
        assert!(
            wrapped
                .lines()
                .all(|l| l.chars().count() <= 78 && l.starts_with("  "))
        );
        assert_eq!(wrapped.split_whitespace().count(), 40);
    }

    #[test]
    fn chinese_wraps_between_characters_at_twice_their_width() {
        assert_eq!(visible_width("反向传播"), 8);
        assert_eq!(visible_width("\x1b[1mE_total\x1b[0m"), 7);
        let text = "你的方法是对的，但你把中间结果舍入到你写出的位数。".repeat(6);
        let wrapped = wrap(&text, "  ");
        assert!(wrapped.lines().count() > 1);
        for line in wrapped.lines() {
            assert!(visible_width(line) <= 80, "{line}");
            assert!(!line.trim_start().starts_with('，'), "{line}");
        }
        assert_eq!(wrapped.replace(['\n', ' '], ""), text);
    }
}
