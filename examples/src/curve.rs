//! A training curve kept as a log-scale plot draws it: memory that grows
//! with the logarithm of the number of iterations, not with the number.

/// Iterations kept one by one before thinning starts.
const DENSE: usize = 200;
/// Past the dense start, an iteration is kept when it is at least this much
/// further along than the last one kept (1%): the same spacing on a log
/// axis as the dense start.
const RATIO: f64 = 1.01;

/// A training curve: one value per iteration of a run whose length is known
/// in advance, of which only the iterations a log-scale plot draws are
/// kept: every one of the first 200, then each at least 1% past the last
/// kept, and the last. A run of 10⁹ iterations keeps about 2,000 points.
///
/// # Examples
///
/// ```
/// let mut curve = pictures::Curve::new(100_000);
/// for k in 0..100_000 {
///     curve.push(1.0 / (k + 1) as f64);
/// }
/// assert_eq!(curve.len(), 100_000);
/// assert!(curve.points().len() < 1_000);
/// assert_eq!(curve.points()[0], (1, 1.0));
/// assert_eq!(curve.points().last(), Some(&(100_000, 1e-5)));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Curve {
    length: usize,
    pushed: usize,
    kept: Vec<(usize, f64)>,
}

impl Curve {
    /// An empty curve for a run of `length` iterations.
    pub fn new(length: usize) -> Self {
        Curve {
            length,
            pushed: 0,
            kept: Vec::new(),
        }
    }

    /// Records the next iteration's value, keeping it if a log-scale plot
    /// draws it.
    pub fn push(&mut self, value: f64) {
        self.pushed += 1;
        let iteration = self.pushed;
        let far_enough = self
            .kept
            .last()
            .is_none_or(|&(last, _)| iteration as f64 >= RATIO * last as f64);
        if iteration <= DENSE || far_enough || iteration == self.length {
            self.kept.push((iteration, value));
        }
    }

    /// How many iterations were recorded.
    pub fn len(&self) -> usize {
        self.pushed
    }

    /// Whether no iteration was recorded.
    pub fn is_empty(&self) -> bool {
        self.pushed == 0
    }

    /// The kept iterations (counting from 1) and their values, in order.
    pub fn points(&self) -> &[(usize, f64)] {
        &self.kept
    }
}

#[cfg(test)]
mod tests {
    use super::Curve;

    #[test]
    fn ten_million_iterations_keep_under_two_thousand_points() {
        let length = 10_000_000;
        let mut curve = Curve::new(length);
        for k in 0..length {
            curve.push(k as f64);
        }
        let points = curve.points();
        assert!(points.len() < 2_000, "{} points", points.len());
        assert!(points.len() > 1_000, "{} points", points.len());
        // The first 200 every one, then no gap wider than 1% (plus one),
        // and the last.
        assert!(points[..200].iter().enumerate().all(|(k, p)| p.0 == k + 1));
        for pair in points.windows(2) {
            assert!(
                pair[1].0 as f64 <= 1.01 * pair[0].0 as f64 + 1.0,
                "{pair:?}"
            );
        }
        assert_eq!(points.last(), Some(&(length, (length - 1) as f64)));
    }

    #[test]
    fn a_short_run_keeps_every_iteration() {
        let mut curve = Curve::new(3);
        for v in [3.0, 2.0, 1.0] {
            curve.push(v);
        }
        assert_eq!(curve.points(), [(1, 3.0), (2, 2.0), (3, 1.0)]);
    }
}
