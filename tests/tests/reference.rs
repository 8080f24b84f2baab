//! Every op's value and derivatives at about 1,000 points each, against an
//! independent reference: mpmath at 50 digits, rounded to f64, written by
//! `tests/reference/generate.py` into `tests/reference/<op>.txt` (that
//! script's docstring gives the format and the command that regenerates
//! it). The data is compiled in, so the test needs no Python.
//!
//! Errors are measured in ulps of the exact result (the spacing of f64s at
//! it: 2^-1074 among subnormals and at 0), to a fraction of an ulp, since
//! the data gives each reference's own rounding error. Next to the engine's
//! error stands the error of the platform's libm for the same value (for
//! arithmetic, of the IEEE operation itself): the engine's value and
//! derivatives must stay within [`OVER_LIBM`] ulps of what libm achieves
//! (and of a correctly rounded 0.5 ulp where there is no libm function).
//!
//! Where the exact value or derivative is subnormal (below 2^-1022, or so
//! small that it rounds to 0), the error is shown in a column of its own
//! and not asserted, and so are the derivatives at a point where the value
//! is subnormal: such a number has fewer significant bits, and a derivative
//! computed from it (pow's `a^b ln a`, `c / x`'s `-(c / x) / x`) carries
//! its rounding, up to half of 2^-1074, times a factor up to 745 or more,
//! which no plain formula avoids. A result that is exactly 0 is asserted.
//!
//! Run `cargo test -p integration-tests reference -- --nocapture` to see the
//! table of every op's largest errors.
//!
//! Every op of the engine's table has a row here (a test says which are
//! missing); known bugs being fixed are listed in [`KNOWN_FAILING`], which
//! says how to take an op off.

use autograd::{Op, Tape, Var};

/// How many ulps beyond libm's own largest error (or beyond 0.5 ulp, for an
/// op without a libm function) the engine's value and derivatives may be
/// off.
const OVER_LIBM: f64 = 4.0;

/// Ops of the table without a reference row, and why none is needed.
const UNMEASURED: &[(&str, &str)] = &[
    ("var", "a leaf"),
    ("const", "a leaf"),
    (
        "detach",
        "the identity with derivative 0 by definition, no rounding to measure",
    ),
    (
        "custom",
        "a user's own function: its accuracy is its author's",
    ),
];

/// Part of an op a known bug makes fail.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Part {
    Value,
    Derivative,
}

impl Part {
    fn name(self) -> &'static str {
        match self {
            Part::Value => "value",
            Part::Derivative => "derivative",
        }
    }
}

/// Known bugs: these parts are measured and shown, not asserted. The test
/// fails when one of them comes within its bound, to have it taken off this
/// list, and asserted from then on.
const KNOWN_FAILING: &[(&str, Part, &str)] = &[];

/// Records an op on a tape from its inputs (as `Var`s) and parameters.
type Build = for<'t> fn(&'t Tape, &[Var<'t>], &[f64]) -> Var<'t>;

/// Computes an op's value from its inputs and parameters, in plain `f64`s.
type Libm = fn(&[f64], &[f64]) -> f64;

/// One op: the name of its data file, how to record it, and the libm
/// function (or IEEE operation) that computes its value, if any.
struct Row {
    name: &'static str,
    data: &'static str,
    build: Build,
    libm: Option<Libm>,
}

macro_rules! row {
    ($name:literal, $build:expr, $libm:expr $(,)?) => {
        Row {
            name: $name,
            data: include_str!(concat!("../reference/", $name, ".txt")),
            build: $build,
            libm: $libm,
        }
    };
}

/// Every op, one row each. The inputs are the op's operands in order (for
/// atan2, `y` then `x`); the parameters its plain-number operand.
const ROWS: &[Row] = &[
    // Arithmetic; "libm" is the IEEE operation.
    row!("neg", |_, x, _| -x[0], Some(|x, _| -x[0])),
    row!("add", |_, x, _| x[0] + x[1], Some(|x, _| x[0] + x[1])),
    row!("sub", |_, x, _| x[0] - x[1], Some(|x, _| x[0] - x[1])),
    row!("mul", |_, x, _| x[0] * x[1], Some(|x, _| x[0] * x[1])),
    row!("div", |_, x, _| x[0] / x[1], Some(|x, _| x[0] / x[1])),
    row!(
        "div_scalar",
        |_, x, c| x[0] / c[0],
        Some(|x, c| x[0] / c[0])
    ),
    row!(
        "scalar_div",
        |_, x, c| c[0] / x[0],
        Some(|x, c| c[0] / x[0])
    ),
    row!(
        "sum",
        |tape, x, _| tape.sum(x.iter().copied()),
        Some(|x, _| x.iter().sum())
    ),
    row!(
        "dot",
        |tape, x, _| {
            let (a, b): (Vec<Var<'_>>, Vec<Var<'_>>) = x.chunks(2).map(|p| (p[0], p[1])).unzip();
            tape.dot(&a, &b)
        },
        Some(|x, _| x.chunks(2).map(|p| p[0] * p[1]).sum())
    ),
    // Elementary functions.
    row!("exp", |_, x, _| x[0].exp(), Some(|x, _| x[0].exp())),
    row!("ln", |_, x, _| x[0].ln(), Some(|x, _| x[0].ln())),
    row!("sqrt", |_, x, _| x[0].sqrt(), Some(|x, _| x[0].sqrt())),
    row!("sigmoid", |_, x, _| x[0].sigmoid(), None),
    row!("tanh", |_, x, _| x[0].tanh(), Some(|x, _| x[0].tanh())),
    row!("relu", |_, x, _| x[0].relu(), None),
    row!(
        "powf",
        |_, x, c| x[0].powf(c[0]),
        Some(|x, c| x[0].powf(c[0]))
    ),
    row!(
        "powi",
        |_, x, n| x[0].powi(n[0] as i32),
        Some(|x, n| x[0].powf(n[0]))
    ),
    row!(
        "pow",
        |_, x, _| x[0].pow(x[1]),
        Some(|x, _| x[0].powf(x[1]))
    ),
    // The functions added with the op table.
    row!("sin", |_, x, _| x[0].sin(), Some(|x, _| x[0].sin())),
    row!("cos", |_, x, _| x[0].cos(), Some(|x, _| x[0].cos())),
    row!("tan", |_, x, _| x[0].tan(), Some(|x, _| x[0].tan())),
    row!("asin", |_, x, _| x[0].asin(), Some(|x, _| x[0].asin())),
    row!("acos", |_, x, _| x[0].acos(), Some(|x, _| x[0].acos())),
    row!("atan", |_, x, _| x[0].atan(), Some(|x, _| x[0].atan())),
    row!("sinh", |_, x, _| x[0].sinh(), Some(|x, _| x[0].sinh())),
    row!("cosh", |_, x, _| x[0].cosh(), Some(|x, _| x[0].cosh())),
    row!("abs", |_, x, _| x[0].abs(), Some(|x, _| x[0].abs())),
    row!("log1p", |_, x, _| x[0].log1p(), Some(|x, _| x[0].ln_1p())),
    row!("expm1", |_, x, _| x[0].expm1(), Some(|x, _| x[0].exp_m1())),
    row!("log2", |_, x, _| x[0].log2(), Some(|x, _| x[0].log2())),
    row!("log10", |_, x, _| x[0].log10(), Some(|x, _| x[0].log10())),
    row!("softplus", |_, x, _| x[0].softplus(), None),
    row!("recip", |_, x, _| x[0].recip(), Some(|x, _| x[0].recip())),
    row!("square", |_, x, _| x[0].square(), Some(|x, _| x[0] * x[0])),
    row!("cbrt", |_, x, _| x[0].cbrt(), Some(|x, _| x[0].cbrt())),
    row!("leaky_relu", |_, x, a| x[0].leaky_relu(a[0]), None),
    row!("elu", |_, x, a| x[0].elu(a[0]), None),
    row!("max", |_, x, _| x[0].max(x[1]), Some(|x, _| x[0].max(x[1]))),
    row!("min", |_, x, _| x[0].min(x[1]), Some(|x, _| x[0].min(x[1]))),
    row!(
        "atan2",
        |_, v, _| v[0].atan2(v[1]),
        Some(|v, _| v[0].atan2(v[1]))
    ),
    row!(
        "hypot",
        |_, x, _| x[0].hypot(x[1]),
        Some(|x, _| x[0].hypot(x[1]))
    ),
    row!(
        "logsumexp",
        |tape, x, _| tape.logsumexp(x.iter().copied()),
        None
    ),
    row!(
        "mean",
        |tape, x, _| tape.mean(x.iter().copied()),
        Some(|x, _| x.iter().sum::<f64>() / x.len() as f64)
    ),
];

/// A reference: the exact value rounded to f64, and how far the exact
/// value lies from it, in ulps of the rounded one.
#[derive(Clone, Copy, Debug)]
struct Reference {
    rounded: f64,
    delta: f64,
}

struct Point {
    inputs: Vec<f64>,
    parameters: Vec<f64>,
    value: Reference,
    /// One per input; `rounded` is NaN where the derivative is undefined.
    slopes: Vec<Reference>,
}

fn numbers(group: &str, what: &str) -> Vec<f64> {
    group
        .split_whitespace()
        .map(|t| {
            t.parse()
                .unwrap_or_else(|_| panic!("{what}: not a number: {t:?}"))
        })
        .collect()
}

fn references(group: &str, what: &str) -> Vec<Reference> {
    let n = numbers(group, what);
    assert!(
        n.len().is_multiple_of(2),
        "{what}: references come in pairs"
    );
    n.chunks(2)
        .map(|p| Reference {
            rounded: p[0],
            delta: p[1],
        })
        .collect()
}

fn parse(row: &Row) -> Vec<Point> {
    let mut points = Vec::new();
    for (k, line) in row.data.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let what = format!("{}.txt line {}", row.name, k + 1);
        let groups: Vec<&str> = line.split(';').collect();
        assert_eq!(groups.len(), 4, "{what}: four groups separated by ';'");
        let inputs = numbers(groups[0], &what);
        let value = references(groups[2], &what);
        let slopes = references(groups[3], &what);
        assert_eq!(value.len(), 1, "{what}: one value");
        assert_eq!(slopes.len(), inputs.len(), "{what}: one slope per input");
        points.push(Point {
            inputs,
            parameters: numbers(groups[1], &what),
            value: value[0],
            slopes,
        });
    }
    points
}

/// The spacing of f64s at the finite `r`: 2^-1074 among subnormals and at 0.
fn ulp(r: f64) -> f64 {
    let exponent = r.abs().to_bits() >> 52;
    if exponent > 52 {
        f64::from_bits((exponent - 52) << 52)
    } else {
        f64::from_bits(1 << exponent.saturating_sub(1))
    }
}

/// An f64's place in the order of all f64s, -0 and +0 both at 0.
fn ordinal(x: f64) -> i128 {
    let bits = x.to_bits() as i64;
    i128::from(if bits < 0 { i64::MIN - bits } else { bits })
}

/// Whether the exact result is subnormal: nonzero, below 2^-1022.
fn is_subnormal(reference: Reference) -> bool {
    let r = reference.rounded;
    (r != 0.0 && r.abs() < f64::MIN_POSITIVE) || (r == 0.0 && reference.delta != 0.0)
}

/// How far `got` is from the exact value that `reference` describes, in
/// ulps of the rounded reference: fractional when `got` is close (within a
/// factor 2, where `got - rounded` is exact), else the count of f64s
/// between them. A NaN or infinite `got` is infinitely far.
fn ulp_error(got: f64, reference: Reference) -> f64 {
    let r = reference.rounded;
    debug_assert!(r.is_finite());
    if !got.is_finite() {
        return f64::INFINITY;
    }
    let tiny = 2.0 * f64::MIN_POSITIVE;
    let close = (got.abs() < tiny && r.abs() < tiny)
        || (got.is_sign_negative() == r.is_sign_negative()
            && got.abs() <= 2.0 * r.abs()
            && r.abs() <= 2.0 * got.abs());
    if close {
        ((got - r) / ulp(r) - reference.delta).abs()
    } else {
        (ordinal(got) - ordinal(r)).abs() as f64
    }
}

/// Every error seen, the largest, and where.
#[derive(Default)]
struct Worst {
    ulp: f64,
    at: Option<String>,
    errors: Vec<f64>,
}

impl Worst {
    fn see(&mut self, ulp: f64, at: impl FnOnce() -> String) {
        self.errors.push(ulp);
        if ulp > self.ulp {
            self.ulp = ulp;
            self.at = Some(at());
        }
    }
}

struct Measured {
    points: usize,
    value: Worst,
    derivative: Worst,
    /// Values and derivatives whose exact result is subnormal, and the
    /// derivatives where the value is: shown, not asserted.
    subnormal: Worst,
    libm: Option<f64>,
    /// Infinite reference derivatives, and how many the engine matched.
    infinite: (usize, usize),
}

impl Measured {
    /// libm's largest error, or 0.5 ulp (correct rounding) without libm.
    fn bound(&self) -> f64 {
        self.libm.unwrap_or(0.5).max(0.5) + OVER_LIBM
    }
}

fn describe(p: &Point) -> String {
    let mut s = format!("{:?}", p.inputs);
    if !p.parameters.is_empty() {
        s += &format!(" with {:?}", p.parameters);
    }
    s
}

fn measure(row: &Row) -> Measured {
    let points = parse(row);
    let mut value = Worst::default();
    let mut derivative = Worst::default();
    let mut subnormal = Worst::default();
    let mut libm = row.libm.map(|_| 0.0_f64);
    let mut infinite = (0, 0);
    for p in &points {
        let tape = Tape::new();
        let vars: Vec<Var<'_>> = p.inputs.iter().map(|&x| tape.var(x)).collect();
        let y = (row.build)(&tape, &vars, &p.parameters);
        let got = y.value();
        let worst = if is_subnormal(p.value) {
            &mut subnormal
        } else {
            &mut value
        };
        worst.see(ulp_error(got, p.value), || {
            format!("{}: got {got:e}, exact {:e}", describe(p), p.value.rounded)
        });
        if let (Some(f), Some(max)) = (row.libm, libm.as_mut()) {
            *max = max.max(ulp_error(f(&p.inputs, &p.parameters), p.value));
        }
        let grads = y.backward();
        let tiny_value = is_subnormal(p.value);
        for (k, (&var, slope)) in vars.iter().zip(&p.slopes).enumerate() {
            let got = grads.wrt(var);
            if slope.rounded.is_nan() {
                continue; // undefined: a kink or a branch cut
            }
            if slope.rounded.is_infinite() {
                infinite.0 += 1;
                infinite.1 += usize::from(got == slope.rounded);
                continue;
            }
            let worst = if tiny_value || is_subnormal(*slope) {
                &mut subnormal
            } else {
                &mut derivative
            };
            worst.see(ulp_error(got, *slope), || {
                format!(
                    "{}: d/d{k} got {got:e}, exact {:e}",
                    describe(p),
                    slope.rounded
                )
            });
        }
    }
    Measured {
        points: points.len(),
        value,
        derivative,
        subnormal,
        libm,
        infinite,
    }
}

fn ulps(x: f64) -> String {
    if x < 1e4 {
        format!("{x:.2}")
    } else {
        format!("{x:.1e}")
    }
}

/// Why this part of this op is known to fail, if it is.
fn known(name: &str, part: Part) -> Option<&'static str> {
    KNOWN_FAILING
        .iter()
        .find(|&&(n, p, _)| n == name && p == part)
        .map(|&(_, _, why)| why)
}

#[test]
fn every_op_against_the_reference_tables() {
    let mut table = format!(
        "{:<11} {:>6} {:>10} {:>10} {:>9} {:>7} {:>10} {:>9}  status\n",
        "op", "points", "value ulp", "deriv ulp", "libm ulp", "bound", "subnormal", "inf d/dx"
    );
    let mut details = String::new();
    let mut failures = Vec::new();
    for row in ROWS {
        let m = measure(row);
        let bound = m.bound();
        let mut status = Vec::new();
        for (part, worst) in [(Part::Value, &m.value), (Part::Derivative, &m.derivative)] {
            let over = worst.ulp > bound;
            let what = format!("{} {}", row.name, part.name());
            if over {
                details += &format!(
                    "  {what}: {} of {} over {} ulp; the worst, {} ulp, at {}\n",
                    worst.errors.iter().filter(|&&e| e > bound).count(),
                    worst.errors.len(),
                    ulps(bound),
                    ulps(worst.ulp),
                    worst.at.as_deref().unwrap_or("?")
                );
            }
            match (over, known(row.name, part)) {
                (true, None) => {
                    status.push(format!("{} FAILS", part.name()));
                    failures.push(format!(
                        "{what} is off by {} ulp, over its bound of {} ulp (libm's largest \
                         error, at least 0.5, plus {OVER_LIBM})",
                        ulps(worst.ulp),
                        ulps(bound),
                    ));
                }
                (true, Some(why)) => {
                    status.push(format!("{} known failing", part.name()));
                    details += &format!("    known: {why}\n");
                }
                (false, Some(_)) => {
                    status.push(format!("{} passes: take it off KNOWN_FAILING", part.name()));
                    failures.push(format!(
                        "{what} is within its bound now ({} ulp): take it off KNOWN_FAILING",
                        ulps(worst.ulp)
                    ));
                }
                (false, None) => {}
            }
        }
        let (inf, matched) = m.infinite;
        table += &format!(
            "{:<11} {:>6} {:>10} {:>10} {:>9} {:>7} {:>10} {:>9}  {}\n",
            row.name,
            m.points,
            ulps(m.value.ulp),
            ulps(m.derivative.ulp),
            m.libm.map_or("-".into(), ulps),
            ulps(bound),
            if m.subnormal.errors.is_empty() {
                "-".into()
            } else {
                ulps(m.subnormal.ulp)
            },
            if inf == 0 {
                "-".into()
            } else {
                format!("{matched}/{inf}")
            },
            if status.is_empty() {
                "ok".into()
            } else {
                status.join(", ")
            }
        );
    }
    eprintln!("{table}");
    if !details.is_empty() {
        eprintln!("largest errors over the bound:\n{details}");
    }
    assert!(
        failures.is_empty(),
        "{}\n\n{table}\n{details}",
        failures.join("\n")
    );
}

#[test]
fn every_data_file_has_a_row_and_parses() {
    let names: Vec<&str> = ROWS.iter().map(|r| r.name).collect();
    for (name, _, _) in KNOWN_FAILING {
        assert!(names.contains(name), "{name} has no row");
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/reference");
    for entry in std::fs::read_dir(dir).expect("tests/reference") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "txt") {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            assert!(
                names.contains(&stem),
                "{} has no row in ROWS",
                path.display()
            );
        }
    }
    for row in ROWS {
        let points = parse(row);
        assert!(
            points.len() >= 900,
            "{}: {} points, expected about 1,000",
            row.name,
            points.len()
        );
    }
}

#[test]
fn ulp_errors_count_f64_steps() {
    let exact = |rounded| Reference {
        rounded,
        delta: 0.0,
    };
    assert_eq!(ulp(1.0), f64::EPSILON);
    assert_eq!(ulp(0.0), f64::from_bits(1));
    assert_eq!(ulp(f64::MIN_POSITIVE), f64::from_bits(1));
    assert_eq!(ulp(f64::MAX), 2f64.powi(971));
    assert_eq!(ulp_error(1.0 + f64::EPSILON, exact(1.0)), 1.0);
    assert_eq!(ulp_error(1.0 - f64::EPSILON, exact(1.0)), 1.0);
    assert_eq!(ulp_error(-0.0, exact(0.0)), 0.0);
    assert_eq!(ulp_error(f64::from_bits(3), exact(0.0)), 3.0);
    assert_eq!(ulp_error(-f64::from_bits(3), exact(f64::from_bits(2))), 5.0);
    assert_eq!(ulp_error(f64::NAN, exact(1.0)), f64::INFINITY);
    assert_eq!(ulp_error(0.0, exact(1.0)), ordinal(1.0) as f64);
    // The exact value 1 + 0.3 ulp: 1.0 is 0.3 ulp off, its successor 0.7.
    let r = Reference {
        rounded: 1.0,
        delta: 0.3,
    };
    assert!((ulp_error(1.0, r) - 0.3).abs() < 1e-12);
    assert!((ulp_error(1.0 + f64::EPSILON, r) - 0.7).abs() < 1e-12);
}

#[test]
fn every_op_of_the_table_has_a_reference_row() {
    let names: Vec<&str> = ROWS.iter().map(|r| r.name).collect();
    let missing: Vec<&str> = Op::names()
        .filter(|name| !names.contains(name) && !UNMEASURED.iter().any(|(n, _)| n == name))
        .collect();
    assert!(
        missing.is_empty(),
        "no reference data for {missing:?}: add the op to tests/reference/generate.py, \
         regenerate the tables (the script's docstring says how) and add its row to ROWS"
    );
    for (name, why) in UNMEASURED {
        assert!(
            Op::names().any(|n| n == *name),
            "{name} is listed as unmeasured ({why}) but is not an op of the table"
        );
        assert!(
            !names.contains(name),
            "{name} has a row: take it off UNMEASURED"
        );
    }
}
