//! Names in messages: "did you mean" suggestions, and long names shortened
//! so that a message stays one readable line.

/// Suggestions are names at most this many edits away.
const MOST_EDITS: usize = 2;

/// Names longer than this (in characters) are shortened in messages.
const LONGEST_SHOWN: usize = 48;

/// The known name closest to `name`, if one is at most two edits away
/// (ties go to the alphabetically first).
///
/// The work is linear in the total length of the names: a name more than
/// two characters longer or shorter is skipped unread, and the distance is
/// computed only near the diagonal.
pub(crate) fn closest<'k>(name: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    let mut rows = Rows::default();
    known
        .into_iter()
        .filter(|k| k.len().abs_diff(name.len()) <= MOST_EDITS)
        .filter_map(|k| {
            rows.distance_within(name.as_bytes(), k.as_bytes(), MOST_EDITS)
                .map(|d| (d, k))
        })
        .min()
        .map(|(_, k)| k)
}

/// The known name closest to `name`, at most two edits away, for a "did you
/// mean" in another tool's messages: the suggestion `grad` makes for an
/// unknown name (ties go to the alphabetically first).
///
/// # Examples
///
/// ```
/// assert_eq!(grad_cli::did_you_mean("out_h3", ["out_h1", "net_h1", "E_total"]), Some("out_h1"));
/// assert_eq!(grad_cli::did_you_mean("xyz", ["out_h1"]), None);
/// ```
pub fn did_you_mean<'k>(name: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    closest(name, known)
}

/// The Levenshtein distance between `a` and `b` if it is at most `limit`,
/// else `None`; `O(limit × length)` time, not `O(length²)`.
#[cfg(test)]
pub(crate) fn distance_within<T: PartialEq>(a: &[T], b: &[T], limit: usize) -> Option<usize> {
    Rows::default().distance_within(a, b, limit)
}

/// Two rows of the edit-distance table, kept from one comparison to the
/// next so that comparing with many names allocates once.
#[derive(Default)]
struct Rows {
    previous: Vec<usize>,
    row: Vec<usize>,
}

impl Rows {
    /// The Levenshtein distance between `a` and `b` if it is at most
    /// `limit`, else `None`; `O(limit × length)` time, not `O(length²)`.
    fn distance_within<T: PartialEq>(&mut self, a: &[T], b: &[T], limit: usize) -> Option<usize> {
        // A common prefix and suffix cost no edits.
        let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let (a, b) = (&a[prefix..], &b[prefix..]);
        let suffix = a
            .iter()
            .rev()
            .zip(b.iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
        if a.len().abs_diff(b.len()) > limit {
            return None;
        }
        // Row i of the table holds the distances from a[..i] to each
        // b[..j]; only cells with |i - j| <= limit can be within the limit,
        // and every value above the limit is stored as `over`.
        let over = limit + 1;
        let (previous, row) = (&mut self.previous, &mut self.row);
        previous.clear();
        previous.extend((0..=b.len()).map(|j| j.min(over)));
        row.clear();
        row.resize(b.len() + 1, over);
        for i in 1..=a.len() {
            let low = i.saturating_sub(limit).max(1);
            let high = (i + limit).min(b.len());
            row[0] = i.min(over);
            row[low - 1] = if low == 1 { row[0] } else { over };
            for j in low..=high {
                let substitute = previous[j - 1] + usize::from(a[i - 1] != b[j - 1]);
                row[j] = substitute
                    .min(previous[j] + 1)
                    .min(row[j - 1] + 1)
                    .min(over);
            }
            if high < b.len() {
                row[high + 1] = over;
            }
            if row[low - 1..=high].iter().all(|&d| d > limit) {
                return None;
            }
            std::mem::swap(previous, row);
        }
        let distance = previous[b.len()];
        (distance <= limit).then_some(distance)
    }
}

/// `name` in backticks as a message shows it: whole when short, else
/// shortened by [`short`] and followed by its length.
pub(crate) fn quoted(name: &str) -> String {
    let length = name.chars().count();
    if length <= LONGEST_SHOWN {
        format!("`{name}`")
    } else {
        format!("`{}` (a name of {length} characters)", short(name))
    }
}

/// `name` whole when short, else its first and last 20 characters around
/// an ellipsis: for a name inside a code example in a message.
pub(crate) fn short(name: &str) -> std::borrow::Cow<'_, str> {
    let length = name.chars().count();
    if length <= LONGEST_SHOWN {
        return name.into();
    }
    let head: String = name.chars().take(20).collect();
    let tail: String = name.chars().skip(length - 20).collect();
    format!("{head}…{tail}").into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The textbook quadratic distance, to check the banded one against.
    fn full_distance(a: &[u8], b: &[u8]) -> usize {
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.iter().enumerate() {
            let mut diagonal = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let above = row[j + 1];
                row[j + 1] = (above + 1)
                    .min(row[j] + 1)
                    .min(diagonal + usize::from(ca != cb));
                diagonal = above;
            }
        }
        row[b.len()]
    }

    #[test]
    fn distances_count_edits() {
        let d = |a: &str, b: &str| distance_within(a.as_bytes(), b.as_bytes(), 3);
        assert_eq!(d("kitten", "sitting"), Some(3));
        assert_eq!(d("x", "x"), Some(0));
        assert_eq!(d("", "ab"), Some(2));
        assert_eq!(d("abcdef", "badcfe"), None);
        assert_eq!(d("weight", "wieght"), Some(2));
    }

    #[test]
    fn closest_prefers_fewer_edits_then_the_alphabet() {
        assert_eq!(closest("wieght", ["weight", "height", "w"]), Some("weight"));
        assert_eq!(closest("ab", ["ac", "aa"]), Some("aa"));
        assert_eq!(closest("abcdef", ["xyz"]), None);
    }

    #[test]
    fn a_long_name_is_linear_work() {
        let long = "a".repeat(1_000_000);
        let typo = format!("{long}b");
        assert_eq!(closest(&typo, [long.as_str()]), Some(long.as_str()));
        let middle = format!("{}x{}", "a".repeat(500_000), "a".repeat(499_999));
        assert_eq!(
            distance_within(long.as_bytes(), middle.as_bytes(), 2),
            Some(1)
        );
    }

    #[test]
    fn long_names_are_shortened() {
        assert_eq!(quoted("weight"), "`weight`");
        let long = format!("{}{}", "a".repeat(100), "z".repeat(100));
        assert_eq!(
            quoted(&long),
            format!(
                "`{}…{}` (a name of 200 characters)",
                "a".repeat(20),
                "z".repeat(20)
            )
        );
    }

    proptest! {
        #[test]
        fn banded_agrees_with_the_full_table(
            a in "[ab]{0,12}",
            b in "[ab]{0,12}",
            limit in 0usize..4,
        ) {
            let full = full_distance(a.as_bytes(), b.as_bytes());
            let banded = distance_within(a.as_bytes(), b.as_bytes(), limit);
            prop_assert_eq!(banded, (full <= limit).then_some(full));
        }
    }
}
