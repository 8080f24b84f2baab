//! Words and numbers as the example programs print them.

/// `n` and a noun, singular for one and plural otherwise: `1 update`,
/// `2 updates`, `0 updates`. The plural adds an `s`.
///
/// # Examples
///
/// ```
/// assert_eq!(pictures::text::counted(1, "update"), "1 update");
/// assert_eq!(pictures::text::counted(10000, "training step"), "10000 training steps");
/// ```
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
