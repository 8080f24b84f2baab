#!/usr/bin/env python3
"""Reference values and derivatives of every op, for tests/tests/reference.rs.

Regenerate, from the repository root (Python 3.11, mpmath 1.3.0):

    python3 -m pip install mpmath==1.3.0
    python3 tests/reference/generate.py

The output is deterministic: the points come from fixed seeds (one per op,
from its name) and only from exact float operations (no libm call picks a
point), and mpmath is pure Python. Running the command again rewrites the
same bytes. `python3 tests/reference/generate.py sin cos` regenerates only
the named ops.

What it writes: one file per op, `tests/reference/<op>.txt`. Lines starting
with `#` are comments (the op, its columns, how its points were chosen).
Every other line is one point, four groups separated by `;`:

    inputs ; parameters ; value delta ; d1 delta1 [d2 delta2 ...]

- inputs: the op's operands, the `Var`s, in operand order (one for a unary
  op, two for a binary one, one or more for an n-ary one);
- parameters: the op's plain-number operand (the `c` of `x.powf(c)`, the `n`
  of `x.powi(n)`, the `alpha` of `x.leaky_relu(alpha)`), or nothing;
- value: the exact value rounded to the nearest f64;
- d1, d2, ...: the exact partial derivative with respect to each input, in
  input order, rounded to the nearest f64.

Every number is written as Python's repr of the f64 (the shortest decimal
that reads back as the same bits; `inf`, `-inf`, `-0.0`, `5e-324`), so
Rust's `str::parse::<f64>` recovers exactly the same bits. After each
rounded reference `r` comes `delta = (exact - r) / ulp(r)`, to 3 decimals,
with ulp(r) the spacing of f64s at r (2^-1074 at 0 and among subnormals):
it lets the test measure errors in fractions of an ulp.

A derivative written `nan` is undefined at that point (a kink such as relu
at 0, max at a == b, the exponent of a negative base); the test skips it.
A derivative written `inf` or `-inf` is infinite there (sqrt at 0, asin at
1) or beyond the f64 range; the test keeps it out of its ulp statistics.
Points where the value is undefined or not finite in f64 are left out.

How the references are computed: with mpmath at 50 significant digits, from
formulas that do not cancel (sigmoid' as e^-|x| / (1 + e^-|x|)^2, tanh' as
sech^2, asin' as 1 / sqrt((1 - x)(1 + x))), rounded to f64 by hand (mpmath's
own float() rounds twice among subnormals). Every point is checked twice
before it is written: the whole computation again at 100 digits must give
the same f64 and the same delta, and each derivative must agree with a
central difference of the value at 150 digits (where the difference can
resolve it), so neither a precision loss nor a wrong formula goes unseen.
"""

import math
import os
import random
import struct
import sys
import zlib

import mpmath
from mpmath import mp, mpf

OUT = os.path.dirname(os.path.abspath(__file__))
DPS = 50
CHECK_DPS = 100
DIFF_DPS = 150

MAX = sys.float_info.max
TINY = 5e-324  # the smallest subnormal
MIN_NORMAL = sys.float_info.min
INF = float("inf")


# --- Rounding to f64 --------------------------------------------------------


def to_f64(v):
    """The f64 nearest to the mpf `v` (ties to even), or +-inf past the range."""
    v = mpf(v)
    if v == 0:
        return 0.0
    sign, man, exp, bc = v._mpf_
    # The exponent of the last bit kept: 53 significant bits, but no finer
    # than 2^-1074.
    last = max(exp + bc - 53, -1074)
    shift = last - exp
    if shift <= 0:
        q = man << -shift
    else:
        q, r = divmod(man, 1 << shift)
        half = 1 << (shift - 1)
        if r > half or (r == half and q & 1):
            q += 1
    try:
        x = math.ldexp(q, last)
    except OverflowError:
        x = INF
    return -x if sign else x


def ulp(r):
    """The spacing of f64s at the finite f64 `r`: 2^-1074 at 0."""
    return math.ulp(r)


def rounded(v):
    """(r, delta): `v` rounded to f64, and (v - r) / ulp(r). `v` may be an
    mpf, +-mp.inf, or None (undefined)."""
    if v is None:
        return (math.nan, 0.0)
    if v == mp.inf:
        return (INF, 0.0)
    if v == -mp.inf:
        return (-INF, 0.0)
    r = to_f64(v)
    if math.isinf(r):
        return (r, 0.0)
    return (r, float((mpf(v) - mpf(r)) / mpf(ulp(r))))


def fmt_float(x):
    return repr(float(x))


def fmt_delta(d):
    s = f"{d:.3f}"
    if s in ("0.000", "-0.000"):
        return "0"
    s = s.rstrip("0")
    return s


# --- Choosing points (exact float operations only) --------------------------


def rng_for(name):
    return random.Random(zlib.crc32(name.encode()))


def mag(rng, elo, ehi):
    """A positive float (1 + u) 2^e, e uniform in [elo, ehi]: log-uniform."""
    return math.ldexp(1.0 + rng.random(), rng.randint(elo, ehi))


def mags(rng, n, elo, ehi, signed=False):
    out = []
    for _ in range(n):
        x = mag(rng, elo, ehi)
        if signed and rng.random() < 0.5:
            x = -x
        out.append(x)
    return out


def lin(lo, hi, n):
    """n evenly spaced floats from lo to hi."""
    return [lo + (hi - lo) * k / (n - 1) for k in range(n)]


def uniform(rng, lo, hi, n):
    return [lo + (hi - lo) * rng.random() for _ in range(n)]


def around(x, k=2):
    """x and its k nearest f64 neighbours on each side."""
    out = [x]
    up = down = x
    for _ in range(k):
        up = math.nextafter(up, INF)
        down = math.nextafter(down, -INF)
        out += [up, down]
    return out


def signed(xs):
    return xs + [-x for x in xs]


def nearest(expr):
    """The f64 nearest to an mpmath expression, evaluated at 100 digits."""
    with mp.workdps(100):
        return to_f64(expr())


LN_MAX = nearest(lambda: mp.log(mpf(MAX)))  # 709.78...: exp overflows past it
LN_TINY = nearest(lambda: mp.log(mpf(TINY) / 2))  # -745.13...: exp rounds to 0 below
ASINH_MAX = nearest(lambda: mp.asinh(mpf(MAX)))  # 710.47...: sinh, cosh overflow past it
E = nearest(lambda: mp.e)


def pi_multiples(halves):
    """The f64s nearest to k pi / 2 for each k in `halves`, with neighbours."""
    out = []
    for k in halves:
        x = nearest(lambda k=k: k * mp.pi / 2)
        out += around(x, 2)
    return out


def saturation():
    """Where sigmoid, tanh and softplus saturate, and their neighbours."""
    pts = [0.0, -0.0, 1.0, -1.0, 40.0, -40.0, 700.0, -700.0]
    for c in (20.0, 21.0, 36.0, 37.0, 40.0, 700.0, 709.0, 710.0, 745.0, 750.0):
        pts += around(c, 1) + around(-c, 1)
    return pts


# --- The ops ----------------------------------------------------------------


class Op:
    def __init__(self, name, doc, nvars, params, points, value, grads):
        self.name = name
        self.doc = doc
        self.nvars = nvars  # an int, or "n" for 1 or more
        self.params = params  # names of the plain-number operands
        self.points = points  # rng -> list of (inputs, parameters)
        self.value = value  # (xs, ps) -> mpf, or None where undefined
        self.grads = grads  # (xs, ps) -> list of mpf / +-mp.inf / None


OPS = []


def op(name, doc, nvars=1, params=()):
    def register(define):
        points, (value, grads) = define()
        OPS.append(Op(name, doc, nvars, list(params), points, value, grads))
        return define

    return register


def unary(points):
    """Points of a unary op without parameters: floats to ([x], [])."""
    return lambda rng: [([x], []) for x in points(rng)]


def m(x):
    return mpf(x)


def sigmoid_mp(x):
    return 1 / (1 + mp.exp(-x))


def sigmoid_slope(x):
    e = mp.exp(-abs(x))
    return e / (1 + e) ** 2


def power(a, b):
    """a^b for real a (a negative a only with an integer b), at the working
    precision; None where undefined."""
    a, b = m(a), m(b)
    if a > 0:
        return mp.power(a, b)
    if a == 0:
        return mpf(0) if b > 0 else None
    if b != mp.floor(b):
        return None
    p = mp.power(-a, b)
    return -p if int(b) % 2 else p


def power_slope(a, b):
    """d(a^b)/da = b a^(b-1); infinite at a = 0 for 0 < b < 1."""
    a, b = m(a), m(b)
    if b == 0:
        return mpf(0)
    if a == 0:
        if b > 1:
            return mpf(0)
        if b == 1:
            return mpf(1)
        if b > 0:
            return mp.inf
        return None
    p = power(a, b - 1)
    return None if p is None else b * p


# Exponentials and logarithms.


def exp_points(rng):
    return (
        lin(-750.0, LN_MAX, 300)
        + mags(rng, 500, -1074, 9, signed=True)
        + uniform(rng, -5.0, 5.0, 150)
        + around(LN_MAX, 3)
        + around(LN_TINY, 3)
        + around(-708.3964185322641, 2)  # below it, exp is subnormal
        + [0.0, -0.0, 1.0, -1.0, 2.0, 10.0, -10.0, 100.0, -100.0, 700.0, -700.0]
        + [math.ldexp(1.0, -k) for k in range(1, 60, 3)]
    )


@op("exp", "e^x; over [-750, 709.78] (exp overflows past 709.78 and is 0 below -745.13)")
def _():
    return unary(exp_points), (
        lambda xs, ps: mp.exp(m(xs[0])),
        lambda xs, ps: [mp.exp(m(xs[0]))],
    )


def log_points(rng):
    one = 1.0
    near_one = []
    for k in range(1, 40):
        near_one += [one + k * 2.0**-52, one - k * 2.0**-53]
    for e in range(-50, -1):
        near_one += [one + 2.0**e * (1 + rng.random()), one - 2.0**e * (1 + rng.random())]
    return (
        mags(rng, 600, -1074, 1023)
        + near_one
        + lin(2.0**-20, 10.0, 200)
        + around(TINY, 2)[0:3]
        + around(MIN_NORMAL, 2)
        + around(MAX, 2)[0::2]
        + around(E, 2)
        + [0.5, 1.0, 2.0, 10.0, 100.0, 1e-300, 1e300]
    )


@op("ln", "the natural logarithm; x > 0 from 5e-324 to 1.8e308, near 1 (its zero), subnormals")
def _():
    return unary(log_points), (
        lambda xs, ps: mp.log(m(xs[0])) if xs[0] > 0 else None,
        lambda xs, ps: [1 / m(xs[0])],
    )


@op("log2", "log base 2; x > 0 as ln, and the powers of 2")
def _():
    return unary(lambda rng: log_points(rng) + [2.0**k for k in range(-1074, 1024, 37)]), (
        lambda xs, ps: mp.log(m(xs[0]), 2) if xs[0] > 0 else None,
        lambda xs, ps: [1 / (m(xs[0]) * mp.log(2))],
    )


@op("log10", "log base 10; x > 0 as ln, and the powers of 10")
def _():
    return unary(lambda rng: log_points(rng) + [float(10**k) for k in range(0, 23)]), (
        lambda xs, ps: mp.log(m(xs[0]), 10) if xs[0] > 0 else None,
        lambda xs, ps: [1 / (m(xs[0]) * mp.log(10))],
    )


def log1p_points(rng):
    near_minus_one = []
    for k in range(1, 60):
        near_minus_one.append(-1.0 + k * 2.0**-53)
    for e in range(-52, -1):
        near_minus_one.append(-1.0 + 2.0**e * (1 + rng.random()))
    return (
        mags(rng, 350, -1074, -1, signed=True)
        + mags(rng, 330, -1, 1023)
        + near_minus_one
        + lin(-0.999, 10.0, 200)
        + around(0.0, 2)[1:]
        + around(MAX, 2)[0::2]
        + [0.0, -0.0, 1.0, -0.5, E - 1]
    )


@op("log1p", "ln(1 + x); x > -1: near -1 (its singularity), tiny (both signs), huge")
def _():
    return unary(log1p_points), (
        lambda xs, ps: mp.log1p(m(xs[0])) if xs[0] > -1 else None,
        lambda xs, ps: [1 / (1 + m(xs[0]))],
    )


@op("expm1", "e^x - 1; over [-750, 709.78], tiny x of both signs")
def _():
    return unary(lambda rng: exp_points(rng) + mags(rng, 150, -1074, -1, signed=True)), (
        lambda xs, ps: mp.expm1(m(xs[0])),
        lambda xs, ps: [mp.exp(m(xs[0]))],
    )


@op("sqrt", "the square root; x >= 0 from 0 (slope inf) and subnormals up to 1.8e308")
def _():
    def points(rng):
        return (
            mags(rng, 680, -1074, 1023)
            + lin(0.0, 10.0, 250)
            + [float(k * k) for k in range(0, 60)]
            + around(TINY, 2)[0:3]
            + around(MIN_NORMAL, 1)
            + around(1.0, 3)
            + around(MAX, 2)[0::2]
        )

    def grads(xs, ps):
        x = m(xs[0])
        return [mp.inf if x == 0 else 1 / (2 * mp.sqrt(x))]

    return unary(points), (lambda xs, ps: mp.sqrt(m(xs[0])) if xs[0] >= 0 else None, grads)


@op("cbrt", "the real cube root; every sign and scale, 0 (slope inf), subnormals")
def _():
    def cbrt(x):
        x = m(x)
        return mp.sign(x) * mp.cbrt(abs(x))

    def points(rng):
        return (
            mags(rng, 660, -1074, 1023, signed=True)
            + lin(-10.0, 10.0, 250)
            + signed([float(k**3) for k in range(1, 40)])
            + signed(around(TINY, 2)[0:3])
            + signed(around(MAX, 2)[0::2])
            + [0.0, -0.0]
        )

    def grads(xs, ps):
        if xs[0] == 0:
            return [mp.inf]
        return [1 / (3 * cbrt(xs[0]) ** 2)]

    return unary(points), (lambda xs, ps: cbrt(xs[0]), grads)


def saturating_points(rng, reach):
    return (
        lin(-reach, reach, 360)
        + mags(rng, 300, -1074, 9, signed=True)
        + uniform(rng, -45.0, 45.0, 200)
        + saturation()
        + uniform(rng, -745.0, -690.0, 40)
        + uniform(rng, 690.0, 745.0, 40)
    )


@op("sigmoid", "1 / (1 + e^-x); over [-750, 750], saturation at +-40 and +-700")
def _():
    return unary(lambda rng: saturating_points(rng, 750.0)), (
        lambda xs, ps: sigmoid_mp(m(xs[0])),
        lambda xs, ps: [sigmoid_slope(m(xs[0]))],
    )


@op(
    "tanh",
    "the hyperbolic tangent; over [-750, 750], saturation at +-21, +-40, +-700, and"
    " [340, 380], where the slope becomes subnormal",
)
def _():
    def points(rng):
        return saturating_points(rng, 750.0) + uniform(rng, 340.0, 380.0, 30)

    return unary(points), (
        lambda xs, ps: mp.tanh(m(xs[0])),
        lambda xs, ps: [mp.sech(m(xs[0])) ** 2],
    )


@op("softplus", "ln(1 + e^x); over [-750, 750], saturation at +-40 and +-700")
def _():
    return unary(lambda rng: saturating_points(rng, 750.0)), (
        lambda xs, ps: mp.log1p(mp.exp(m(xs[0]))),
        lambda xs, ps: [sigmoid_mp(m(xs[0]))],
    )


def hyperbolic_points(rng):
    return (
        lin(-ASINH_MAX, ASINH_MAX, 300)
        + mags(rng, 540, -1074, 9, signed=True)
        + uniform(rng, -5.0, 5.0, 150)
        + signed(around(ASINH_MAX, 3))
        + signed([1.0, 20.0, 40.0, 700.0, 710.0])
        + [0.0, -0.0]
    )


@op("sinh", "the hyperbolic sine; |x| up to 710.47 (overflow past it), tiny x")
def _():
    return unary(hyperbolic_points), (
        lambda xs, ps: mp.sinh(m(xs[0])),
        lambda xs, ps: [mp.cosh(m(xs[0]))],
    )


@op("cosh", "the hyperbolic cosine; |x| up to 710.47 (overflow past it), tiny x")
def _():
    return unary(hyperbolic_points), (
        lambda xs, ps: mp.cosh(m(xs[0])),
        lambda xs, ps: [mp.sinh(m(xs[0]))],
    )


def trig_points(rng):
    return (
        lin(-10.0, 10.0, 300)
        + mags(rng, 570, -1074, 1023, signed=True)
        # zeros of sin (k pi) and of cos ((k + 1/2) pi), up to huge k
        + pi_multiples([2 * k for k in (1, 2, 3, 10, 100, 1000, 10**6, 10**9, 10**15)])
        + pi_multiples([-2, -4, -200])
        + pi_multiples([2 * k + 1 for k in (0, 1, 2, 10, 100, 1000, 10**6, 10**9, 10**15)])
        + pi_multiples([-1, -3, -201])
        + [0.0, -0.0, 1e22, -1e22, MAX, -MAX, 2.0**52, 2.0**53, 2.0**63]
    )


@op("sin", "the sine; small and huge arguments (up to 1.8e308), next to k pi and (k + 1/2) pi")
def _():
    return unary(trig_points), (
        lambda xs, ps: mp.sin(m(xs[0])),
        lambda xs, ps: [mp.cos(m(xs[0]))],
    )


@op("cos", "the cosine; small and huge arguments (up to 1.8e308), next to k pi and (k + 1/2) pi")
def _():
    return unary(trig_points), (
        lambda xs, ps: mp.cos(m(xs[0])),
        lambda xs, ps: [-mp.sin(m(xs[0]))],
    )


@op("tan", "the tangent; as sin, and the f64s nearest its poles (k + 1/2) pi and their neighbours")
def _():
    def points(rng):
        poles = pi_multiples(
            [
                2 * k + 1
                for k in (0, 1, 2, 3, 5, 10, 31, 100, 1000, 10**4, 10**6, 10**9, 10**12, 10**15)
            ]
            + [-1, -3, -5, -21, -2001, -(2 * 10**6 + 1)]
        )
        return trig_points(rng) + poles

    return unary(points), (
        lambda xs, ps: mp.tan(m(xs[0])),
        lambda xs, ps: [mp.sec(m(xs[0])) ** 2],
    )


def unit_points(rng):
    """[-1, 1]: spread, tiny, and next to +-1."""
    near_one = []
    for k in range(1, 40):
        near_one.append(1.0 - k * 2.0**-53)
    for e in range(-53, -1):
        near_one.append(1.0 - 2.0**e * (1 + rng.random()))
    return (
        lin(-1.0, 1.0, 301)
        + uniform(rng, -1.0, 1.0, 280)
        + mags(rng, 250, -1074, -1, signed=True)
        + signed(near_one)
        + [0.0, -0.0, 0.5, -0.5]
    )


def slope_asin(x):
    x = m(x)
    if abs(x) == 1:
        return mp.inf
    return 1 / mp.sqrt((1 - x) * (1 + x))


@op("asin", "the arc sine; [-1, 1], next to +-1 (slope inf at +-1), tiny x")
def _():
    return unary(unit_points), (
        lambda xs, ps: mp.asin(m(xs[0])) if abs(xs[0]) <= 1 else None,
        lambda xs, ps: [slope_asin(xs[0])],
    )


@op("acos", "the arc cosine; [-1, 1], next to +-1 (slope -inf at +-1), tiny x")
def _():
    return unary(unit_points), (
        lambda xs, ps: mp.acos(m(xs[0])) if abs(xs[0]) <= 1 else None,
        lambda xs, ps: [-slope_asin(xs[0])],
    )


@op("atan", "the arc tangent; every sign and scale up to 1.8e308")
def _():
    def points(rng):
        return (
            mags(rng, 670, -1074, 1023, signed=True)
            + lin(-10.0, 10.0, 300)
            + signed(around(1.0, 2))
            + signed(around(MAX, 2)[0::2])
            + signed([2.0**26, 2.0**27, 1e154, 1.4e154, 1e200])
            + [0.0, -0.0]
        )

    return unary(points), (
        lambda xs, ps: mp.atan(m(xs[0])),
        lambda xs, ps: [1 / (1 + m(xs[0]) ** 2)],
    )


def all_scales(rng, n_log=690, n_lin=300):
    return (
        mags(rng, n_log, -1074, 1023, signed=True)
        + lin(-10.0, 10.0, n_lin)
        + signed(around(TINY, 1)[0:2])
        + signed(around(MAX, 1)[0::2])
        + [0.0, -0.0, 1.0, -1.0]
    )


@op("neg", "-x; every sign and scale")
def _():
    return unary(all_scales), (lambda xs, ps: -m(xs[0]), lambda xs, ps: [mpf(-1)])


@op("abs", "|x|; every sign and scale (no slope at 0)")
def _():
    def grads(xs, ps):
        return [None if xs[0] == 0 else mp.sign(m(xs[0]))]

    return unary(all_scales), (lambda xs, ps: abs(m(xs[0])), grads)


@op("relu", "max(x, 0); every sign and scale (no slope at 0)")
def _():
    def grads(xs, ps):
        return [None if xs[0] == 0 else mpf(1 if xs[0] > 0 else 0)]

    return unary(all_scales), (lambda xs, ps: max(m(xs[0]), mpf(0)), grads)


@op("recip", "1 / x; every sign and scale, subnormals (1 / x overflows below 5.6e-309)")
def _():
    def points(rng):
        return all_scales(rng) + signed(mags(rng, 50, -1074, -1020))

    def value(xs, ps):
        return None if xs[0] == 0 else 1 / m(xs[0])

    return unary(points), (value, lambda xs, ps: [-1 / m(xs[0]) ** 2])


@op("square", "x^2; every sign and scale up to the overflow at 1.34e154, subnormals")
def _():
    def points(rng):
        return (
            mags(rng, 690, -1074, 512, signed=True)
            + lin(-10.0, 10.0, 300)
            + signed(around(nearest(lambda: mp.sqrt(mpf(MAX))), 2))
            + signed(around(TINY, 1)[0:2])
            + [0.0, -0.0, 1.0, -1.0]
        )

    return unary(points), (lambda xs, ps: m(xs[0]) ** 2, lambda xs, ps: [2 * m(xs[0])])


LEAKY_ALPHAS = [0.01, 0.1, 0.2, 0.3, 0.001, 0.5, 1.0, 2.0, 1e-8]


@op(
    "leaky_relu",
    "x for x > 0, alpha x else; every sign and scale, assorted alpha"
    " (no slope at 0 unless alpha = 1)",
    params=("alpha",),
)
def _():
    def points(rng):
        return [([x], [rng.choice(LEAKY_ALPHAS)]) for x in all_scales(rng)]

    def value(xs, ps):
        x, a = m(xs[0]), m(ps[0])
        return x if x > 0 else a * x

    def grads(xs, ps):
        x, a = xs[0], ps[0]
        if x == 0:
            return [mpf(1) if a == 1 else None]
        return [mpf(1) if x > 0 else m(a)]

    return points, (value, grads)


ELU_ALPHAS = [1.0, 0.5, 2.0, 0.1, 1.6732632423543772]


@op(
    "elu",
    "x for x > 0, alpha (e^x - 1) else; [-750, 50], tiny x of both signs, assorted alpha"
    " (no slope at 0 unless alpha = 1)",
    params=("alpha",),
)
def _():
    def points(rng):
        xs = (
            lin(-750.0, 50.0, 300)
            + mags(rng, 490, -1074, 9, signed=True)
            + uniform(rng, -5.0, 5.0, 200)
            + signed([0.5, 1.0, 40.0])
            + [-700.0, -745.0, 0.0, -0.0]
        )
        return [([x], [rng.choice(ELU_ALPHAS)]) for x in xs]

    def value(xs, ps):
        x, a = m(xs[0]), m(ps[0])
        return x if x > 0 else a * mp.expm1(x)

    def grads(xs, ps):
        x, a = xs[0], ps[0]
        if x == 0:
            return [mpf(1) if a == 1 else None]
        return [mpf(1) if x > 0 else m(a) * mp.exp(m(x))]

    return points, (value, grads)


# Powers.

# fmt: off
POWF_EXPONENTS = [
    2.5, -1.5, 1.0 / 3.0, 0.5, 2.0, 3.0, -1.0, -2.0, 0.1, 1e-3, 7.25, 100.0,
    -0.7, 1.0000001, 0.9999999, 1.0, 0.0, 1e-10, -300.5, 12.0, 0.75, -0.5,
]
# fmt: on


def pow_base_points(rng, n):
    """Positive bases of every scale, near 1, and a few small integers."""
    out = mags(rng, n, -1074, 1023)
    for k in range(1, 12):
        out += [1.0 + k * 2.0**-52, 1.0 - k * 2.0**-53, 1.0 + k * 1e-10, 1.0 - k * 1e-10]
    out += [0.5, 1.0, 2.0, 3.0, 10.0, E, 0.1, 1e-300, 1e300]
    return out


def powf_points(rng):
    out = []
    for x in pow_base_points(rng, 720):
        c = (
            rng.choice(POWF_EXPONENTS)
            if rng.random() < 0.6
            else (
                uniform(rng, -10.0, 10.0, 1)[0]
                if rng.random() < 0.5
                else mags(rng, 1, -40, 9, signed=True)[0]
            )
        )
        out.append(([x], [c]))
    # Negative bases to integer powers, and 0 to positive ones.
    for _ in range(150):
        x = -mag(rng, -60, 60)
        out.append(([x], [float(rng.randint(-20, 20))]))
    for c in POWF_EXPONENTS:
        if c > 0:
            out.append(([0.0], [c]))
    for x in lin(0.0, 4.0, 150):
        out.append(([x], [rng.choice(POWF_EXPONENTS)]))
    return out


@op(
    "powf",
    "x^c for a plain number c; bases of every scale, near 1, negative with integer c, 0",
    params=("c",),
)
def _():
    return powf_points, (
        lambda xs, ps: power(xs[0], ps[0]),
        lambda xs, ps: [power_slope(xs[0], ps[0])],
    )


# fmt: off
POWI_EXPONENTS = [
    0, 1, -1, 2, -2, 3, -3, 7, -7, 10, -10, 100, -100, 1000, -1000, 65535, -65535,
    10**6, -(10**6), 2**30, -(2**30), 2147483647, -2147483647, -2147483648,
]
# fmt: on


@op(
    "powi",
    "x^n for an i32 n up to +-2147483647; bases near 1 (1.0000000001, 1 +- k ulp),"
    " of every scale, negative",
    params=("n",),
)
def _():
    def points(rng):
        out = []
        near_one = [1.0000000001, 0.9999999999, 1.0 + 2.0**-52, 1.0 - 2.0**-53, 1.0 - 2.0**-52]
        for k in range(1, 5):
            near_one += [1.0 + k * 1e-12, 1.0 - k * 1e-12, 1.0 + k * 2.0**-40, 1.0 - k * 2.0**-40]
        near_one += signed([1.0 + 3e-10])
        for x in near_one + [-x for x in near_one[:10]]:
            for n in POWI_EXPONENTS:
                out.append(([x], [float(n)]))
        for _ in range(150):
            x = mag(rng, -64, 64) * (-1 if rng.random() < 0.3 else 1)
            n = rng.choice(POWI_EXPONENTS[:14]) if rng.random() < 0.5 else rng.randint(-40, 40)
            out.append(([x], [float(n)]))
        for _ in range(100):
            # Large exponents with bases close enough to 1 to stay finite.
            n = rng.randint(2, 2147483647) * (1 if rng.random() < 0.5 else -1)
            x = 1.0 + (rng.random() - 0.5) * 2.0 ** -rng.randint(30, 52)
            out.append(([x], [float(n)]))
        for n in (1, 2, 3, 10, 2147483647):
            out.append(([0.0], [float(n)]))
        return out

    def value(xs, ps):
        x, n = xs[0], ps[0]
        if x == 0 and n <= 0:
            return None
        return power(x, n)

    return points, (value, lambda xs, ps: [power_slope(xs[0], ps[0])])


@op(
    "pow",
    "a^b, both operands Vars; bases of every scale, near 1, negative with integer b"
    " (no slope in b), 0",
    nvars=2,
)
def _():
    def points(rng):
        out = []
        for a in pow_base_points(rng, 760):
            r = rng.random()
            if r < 0.4:
                b = uniform(rng, -5.0, 5.0, 1)[0]
            elif r < 0.7:
                b = mags(rng, 1, -40, 10, signed=True)[0]
            else:
                b = rng.choice(POWF_EXPONENTS)
            out.append(([a, b], []))
        for _ in range(150):
            out.append(([-mag(rng, -60, 60), float(rng.randint(-20, 20))], []))
        for b in POWF_EXPONENTS + [5.0, 1.5]:
            if b > 0:
                out.append(([0.0, b], []))
        for a in lin(0.0, 4.0, 100):
            out.append(([a, rng.choice(POWF_EXPONENTS)], []))
        for a in (2.0, 0.5, 10.0, E, -2.0, -0.5):
            out.append(([a, 0.0], []))
        return out

    def grads(xs, ps):
        a, b = xs
        da = power_slope(a, b)
        if a < 0:
            db = None
        elif a == 0:
            db = mpf(0)  # 0^b = 0 for every b > 0
        else:
            db = power(a, b) * mp.log(m(a))
        return [da, db]

    return points, (lambda xs, ps: power(xs[0], xs[1]), grads)


# Arithmetic.


def pairs(rng, n, cancel=0):
    """Pairs of every sign and scale, some with nearby exponents, some
    nearly cancelling."""
    out = []
    for _ in range(n):
        a = mag(rng, -1074, 1023) * rng.choice((1, -1))
        r = rng.random()
        if r < 0.4:
            b = mag(rng, -1074, 1023)
        elif r < 0.8:
            e = math.frexp(a)[1]
            b = mag(rng, max(e - 60, -1074), min(e + 60, 1023))
        else:
            b = mag(rng, -30, 30)
        out.append([a, b * rng.choice((1, -1))])
    for _ in range(cancel):
        a = mag(rng, -1000, 1000) * rng.choice((1, -1))
        b = -a * (1 + (rng.random() - 0.5) * 2.0 ** -rng.randint(1, 52))
        out.append([a, b])
    for a in (0.0, -0.0, 1.0, -1.0, MAX, TINY):
        for b in (0.0, 1.0, -1.0, MAX, -MAX, TINY, 3.0):
            out.append([a, b])
    for _ in range(200):
        out.append(uniform(rng, -10.0, 10.0, 2))
    return [(p, []) for p in out]


@op("add", "a + b; every sign and scale, cancelling pairs", nvars=2)
def _():
    return (lambda rng: pairs(rng, 650, 150)), (
        lambda xs, ps: m(xs[0]) + m(xs[1]),
        lambda xs, ps: [mpf(1), mpf(1)],
    )


@op("sub", "a - b; every sign and scale, cancelling pairs", nvars=2)
def _():
    def points(rng):
        return [([a, -b], p) for ([a, b], p) in pairs(rng, 650, 150)]

    return points, (
        lambda xs, ps: m(xs[0]) - m(xs[1]),
        lambda xs, ps: [mpf(1), mpf(-1)],
    )


@op("mul", "a b; every sign and scale", nvars=2)
def _():
    return (lambda rng: pairs(rng, 800)), (
        lambda xs, ps: m(xs[0]) * m(xs[1]),
        lambda xs, ps: [m(xs[1]), m(xs[0])],
    )


@op("div", "a / b; every sign and scale", nvars=2)
def _():
    def value(xs, ps):
        return None if xs[1] == 0 else m(xs[0]) / m(xs[1])

    return (lambda rng: pairs(rng, 800)), (
        value,
        lambda xs, ps: [1 / m(xs[1]), -m(xs[0]) / m(xs[1]) ** 2],
    )


def with_scalar(rng):
    return [([a], [b]) for ([a, b], _) in pairs(rng, 800)]


@op("div_scalar", "x / c for a plain number c; every sign and scale", params=("c",))
def _():
    def value(xs, ps):
        return None if ps[0] == 0 else m(xs[0]) / m(ps[0])

    return with_scalar, (value, lambda xs, ps: [1 / m(ps[0])])


@op("scalar_div", "c / x for a plain number c; every sign and scale", params=("c",))
def _():
    def value(xs, ps):
        return None if xs[0] == 0 else m(ps[0]) / m(xs[0])

    return with_scalar, (value, lambda xs, ps: [-m(ps[0]) / m(xs[0]) ** 2])


@op("max", "the larger of a and b; every sign and scale, equal pairs (no slope there)", nvars=2)
def _():
    def points(rng):
        out = pairs(rng, 650)
        for _ in range(60):
            a = mag(rng, -1074, 1023) * rng.choice((1, -1))
            out.append(([a, a], []))
            out.append(([a, math.nextafter(a, INF)], []))
        return out

    def grads(xs, ps):
        a, b = xs
        if a == b:
            return [None, None]
        return [mpf(1), mpf(0)] if a > b else [mpf(0), mpf(1)]

    return points, (lambda xs, ps: max(m(xs[0]), m(xs[1])), grads)


@op("min", "the smaller of a and b; every sign and scale, equal pairs (no slope there)", nvars=2)
def _():
    def points(rng):
        out = pairs(rng, 650)
        for _ in range(60):
            a = mag(rng, -1074, 1023) * rng.choice((1, -1))
            out.append(([a, a], []))
            out.append(([a, math.nextafter(a, INF)], []))
        return out

    def grads(xs, ps):
        a, b = xs
        if a == b:
            return [None, None]
        return [mpf(1), mpf(0)] if a < b else [mpf(0), mpf(1)]

    return points, (lambda xs, ps: min(m(xs[0]), m(xs[1])), grads)


@op(
    "atan2",
    "y.atan2(x), the angle of the point (x, y), inputs in that order (y, x); every"
    " quadrant and axis (signed zeros as f64::atan2: atan2(-0, -1) = -pi), every scale;"
    " the origin left out",
    nvars=2,
)
def _():
    def points(rng):
        out = []
        for _ in range(590):
            y, x = mag(rng, -1074, 1023), mag(rng, -1074, 1023)
            out.append([y * rng.choice((1, -1)), x * rng.choice((1, -1))])
        for _ in range(250):
            e = rng.randint(-1000, 1000)
            y, x = mag(rng, e - 3, e + 3), mag(rng, e - 3, e + 3)
            out.append([y * rng.choice((1, -1)), x * rng.choice((1, -1))])
        for _ in range(100):
            out.append(uniform(rng, -3.0, 3.0, 2))
        for v in (1.0, 2.5, 1e-300, 1e300, TINY, MAX):
            for z in (0.0, -0.0):
                out += [[z, v], [z, -v], [v, z], [-v, z]]
        for v in (1.0, 1e-200, 1e200, MAX):
            out += [[v, v], [-v, v], [v, -v], [-v, -v]]
        return [(p, []) for p in out]

    def value(xs, ps):
        y, x = xs
        if y == 0 and x == 0:
            return None
        if y == 0:
            # Signed zeros as f64::atan2 treats them: the sign of y picks the
            # side of the cut on the negative x axis.
            return mpf(0) if x > 0 else (-mp.pi if math.copysign(1, y) < 0 else mp.pi)
        return mp.atan2(m(y), m(x))

    def grads(xs, ps):
        y, x = m(xs[0]), m(xs[1])
        r2 = x * x + y * y
        return [x / r2, -y / r2]

    return points, (value, grads)


@op(
    "hypot",
    "sqrt(a^2 + b^2) without overflow; every sign and scale (huge and tiny components),"
    " axes; no slope at the origin",
    nvars=2,
)
def _():
    def points(rng):
        out = []
        for _ in range(580):
            out.append(mags(rng, 2, -1074, 1023, signed=True))
        for _ in range(250):
            e = rng.randint(-1074, 1020)
            out.append(mags(rng, 2, max(e - 30, -1074), e + 3, signed=True))
        for _ in range(150):
            out.append(uniform(rng, -5.0, 5.0, 2))
        for v in (1.0, 1e-300, 1e300, TINY, MAX, 3.0):
            out += [[v, 0.0], [0.0, -v], [-v, v]]
        out += [[3.0, 4.0], [1e308, 1e308], [0.0, 0.0], [-0.0, 0.0], [1e-320, 1e-320]]
        return [(p, []) for p in out]

    def grads(xs, ps):
        a, b = m(xs[0]), m(xs[1])
        if a == 0 and b == 0:
            return [None, None]
        h = mp.hypot(a, b)
        return [a / h, b / h]

    return points, (lambda xs, ps: mp.hypot(m(xs[0]), m(xs[1])), grads)


# n-ary ops.


def condition_sum(terms):
    """sum |t| / |sum t|: how much a naive sum of `terms` can lose."""
    s = mp.fsum(terms)
    if s == 0:
        return mp.inf
    return mp.fsum(abs(t) for t in terms) / abs(s)


def tuples(rng, n):
    """Tuples of 1 to 4 terms of every sign and scale."""
    out = []
    for _ in range(n):
        k = rng.choice((1, 2, 2, 3, 3, 4))
        e = rng.randint(-1070, 1020)
        spread = rng.choice((0, 4, 30, 2000))
        xs = [
            mag(rng, max(e - spread, -1074), min(e + spread, 1020))
            * (1 if rng.random() < 0.75 else -1)
            for _ in range(k)
        ]
        out.append(xs)
    for _ in range(150):
        out.append(uniform(rng, -10.0, 10.0, rng.choice((1, 2, 3, 4))))
    return out


@op(
    "sum",
    "the n-ary sum of 1 to 4 terms; every sign and scale, only points with"
    " sum |t| <= 2 |sum t| (no naive sum is accurate past that) and sum |t| < 1.8e308",
    nvars="n",
)
def _():
    def points(rng):
        return [(xs, []) for xs in tuples(rng, 1100)]

    def value(xs, ps):
        t = [m(x) for x in xs]
        if condition_sum(t) > 2 or mp.fsum(abs(u) for u in t) > MAX:
            return None
        return mp.fsum(t)

    return points, (value, lambda xs, ps: [mpf(1)] * len(xs))


@op(
    "mean",
    "the mean of 1 to 4 terms; every sign and scale, only points with"
    " sum |t| <= 2 |sum t| (no naive sum is accurate past that) and sum |t| < 1.8e308",
    nvars="n",
)
def _():
    def points(rng):
        return [(xs, []) for xs in tuples(rng, 1100)]

    def value(xs, ps):
        t = [m(x) for x in xs]
        if condition_sum(t) > 2 or mp.fsum(abs(u) for u in t) > MAX:
            return None
        return mp.fsum(t) / len(t)

    return points, (value, lambda xs, ps: [1 / mpf(len(xs))] * len(xs))


@op(
    "dot",
    "tape.dot of 1 or 2 pairs, inputs a0 b0 a1 b1; every sign and scale, only points"
    " with sum |ab| <= 2 |sum ab| and sum |ab| < 1.8e308",
    nvars="n",
)
def _():
    def points(rng):
        out = []
        for _ in range(1100):
            k = rng.choice((1, 2))
            e = rng.randint(-500, 500)
            xs = []
            for _ in range(2 * k):
                xs.append(mag(rng, max(e - 40, -1074), min(e + 40, 1020)) * rng.choice((1, -1)))
            out.append((xs, []))
        return out

    def value(xs, ps):
        t = [m(xs[2 * k]) * m(xs[2 * k + 1]) for k in range(len(xs) // 2)]
        if condition_sum(t) > 2 or mp.fsum(abs(u) for u in t) > MAX:
            return None
        return mp.fsum(t)

    def grads(xs, ps):
        g = []
        for k in range(len(xs) // 2):
            g += [m(xs[2 * k + 1]), m(xs[2 * k])]
        return g

    return points, (value, grads)


def logsumexp_mp(xs):
    t = [m(x) for x in xs]
    top = max(t)
    return top + mp.log(mp.fsum(mp.exp(u - top) for u in t))


@op(
    "logsumexp",
    "ln(sum e^x) of 1 to 3 terms: on a 2^-20 grid within +-1800 (so that every difference"
    " x_i - x_j is exact: at an inexact one, the softmax gradient e^(x_i - max) / s loses"
    " |x_i - max| / 2 ulp for any plain f64 formula), pairs and triples of +-1000, +-700,"
    " and terms below 1; only points with sum |x_i| softmax_i <= 2 |value| (the value is"
    " ill-conditioned past that)",
    nvars="n",
)
def _():
    def points(rng):
        out = []
        for _ in range(990):
            k = rng.choice((1, 2, 2, 3, 3))
            r = rng.random()
            if r < 0.4:
                width = rng.choice((1.0, 10.0, 40.0, 800.0))
                xs = [
                    round(uniform(rng, -width, width, 1)[0] * 2**20) / 2**20
                    + rng.choice((0.0, 1000.0, -1000.0, 100.0))
                    for _ in range(k)
                ]
            elif r < 0.7:
                xs = [
                    rng.choice((1000.0, -1000.0, 700.0, -700.0, 0.0, 1.0, -40.0, 40.0, 745.0))
                    + rng.randint(-3, 3)
                    for _ in range(k)
                ]
            else:
                xs = [mag(rng, -1074, -1) * rng.choice((1, -1)) for _ in range(k)]
            out.append((xs, []))
        for v in (1000.0, -1000.0, 700.0, -700.0, 0.0):
            for w in (1000.0, -1000.0, 700.0, -700.0, 0.0):
                out.append(([v, w], []))
                out.append(([v, w, v], []))
        return out

    def value(xs, ps):
        y = logsumexp_mp(xs)
        soft = [mp.exp(m(x) - y) for x in xs]
        spread = mp.fsum(abs(m(x)) * s for x, s in zip(xs, soft))
        if spread > 2 * abs(y):
            return None
        return y

    def grads(xs, ps):
        y = logsumexp_mp(xs)
        return [mp.exp(m(x) - y) for x in xs]

    return points, (value, grads)


# --- Computing, checking and writing ---------------------------------------


def evaluate(o, xs, ps, dps):
    with mp.workdps(dps):
        v = o.value(xs, ps)
        if v is None:
            return None
        vr = rounded(v)
        if not math.isfinite(vr[0]):
            return None
        gs = [rounded(g) for g in o.grads(xs, ps)]
        assert len(gs) == len(xs), (o.name, xs)
        return vr, gs


def same(a, b):
    (ra, da), (rb, db) = a, b
    if math.isnan(ra):
        return math.isnan(rb)
    return ra == rb and abs(da - db) < 2e-3


def check_slopes(o, xs, ps, gs):
    """Each finite derivative against a central difference of the value,
    where the difference can resolve it. Returns how many it checked."""
    if any(x == 0 and math.copysign(1, x) < 0 for x in xs):
        return 0  # a signed zero picks a side that mpmath does not know
    checked = 0
    nonzero = [abs(x) for x in xs if x != 0]
    # Enough digits to hold x + h for the largest input.
    dps = DIFF_DPS + max([0] + [int(math.log10(v)) + 1 for v in nonzero if v > 1])
    with mp.workdps(dps):
        f0 = o.value(xs, ps)
        exacts = o.grads(xs, ps)
        for i, (g, _) in enumerate(gs):
            if not math.isfinite(g):
                continue
            exact = exacts[i]
            # A step far below the distance to the nearest kink, pole or
            # singularity: relative to the input, or to the other inputs
            # where it is 0 (atan2 and hypot are singular at the origin).
            near = [abs(xs[i])] if xs[i] != 0 else nonzero
            h = mpf(min([1.0] + near)) * mpf(2) ** -120 if near else mpf(2) ** -400
            up, down = [m(x) for x in xs], [m(x) for x in xs]
            up[i] += h
            down[i] -= h
            try:
                fu, fd = o.value(up, ps), o.value(down, ps)
            except (ValueError, ZeroDivisionError):
                continue
            if fu is None or fd is None or not (mp.isfinite(fu) and mp.isfinite(fd)):
                continue
            if xs[i] == 0:
                # One-sided: atan2 has its cut at y = 0, and the sign of a
                # zero picks the side.
                slope = (fu - f0) / h
            else:
                slope = (fu - fd) / (2 * h)
            # The smallest change of the value that dps digits resolve.
            resolution = max(abs(f0), abs(fu), abs(fd)) * mpf(10) ** -(dps - 40)
            if abs(exact) * h < resolution and exact != 0:
                continue
            if exact == 0 and slope != 0 and xs[i] == 0:
                continue  # x^c at 0 for c > 1: a difference only tends to 0
            tol = max(abs(exact) * mpf(10) ** -20, resolution / h)
            if abs(slope - exact) > tol:
                raise AssertionError(f"{o.name}{xs}{ps}: d/d{i} = {g}, central difference {slope}")
            checked += 1
    return checked


def fmt_group(pairs_):
    return " ".join(f"{fmt_float(r)} {fmt_delta(d)}" for r, d in pairs_)


def generate(o):
    rng = rng_for(o.name)
    candidates = o.points(rng)
    seen = set()
    points = []
    for xs, ps in candidates:
        xs = [float(x) for x in xs]
        ps = [float(p) for p in ps]
        key = tuple(struct_bits(v) for v in xs + [math.nan] + ps)
        if key in seen:
            continue
        seen.add(key)
        points.append((xs, ps))
    points.sort(key=lambda p: (len(p[0]), p[0], p[1]))
    lines = []
    checked = 0
    skipped = 0
    for xs, ps in points:
        if any(not math.isfinite(x) for x in xs + ps):
            skipped += 1
            continue
        try:
            r = evaluate(o, xs, ps, DPS)
        except (ValueError, ZeroDivisionError):
            r = None
        if r is None:
            skipped += 1
            continue
        again = evaluate(o, xs, ps, CHECK_DPS)
        if (
            again is None
            or not same(r[0], again[0])
            or not all(same(a, b) for a, b in zip(r[1], again[1]))
        ):
            raise AssertionError(f"{o.name}{xs}{ps}: {r} at {DPS} digits, {again} at {CHECK_DPS}")
        checked += check_slopes(o, xs, ps, r[1])
        vr, gs = r
        inputs, params = " ".join(map(fmt_float, xs)), " ".join(map(fmt_float, ps))
        lines.append(f"{inputs};{params};{fmt_group([vr])};{fmt_group(gs)}")
    return lines, skipped, checked


def struct_bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def header(o, count):
    if o.nvars == 1:
        inputs = ["x"]
    elif o.nvars == 2:
        inputs = ["y", "x"] if o.name == "atan2" else ["a", "b"]
    else:
        inputs = ["x0", "x1", "..."]
    slopes = " ".join(f"d/d{v} delta" if v != "..." else "..." for v in inputs)
    return [
        f"# {o.name}: {o.doc}",
        f"# {count} points, written by tests/reference/generate.py"
        f" (mpmath {mpmath.__version__}, {DPS} digits)",
        f"# {' '.join(inputs)} ; {' '.join(o.params)} ; value delta ; {slopes}",
    ]


def main(names):
    selected = [o for o in OPS if not names or o.name in names]
    unknown = set(names) - {o.name for o in OPS}
    if unknown:
        sys.exit(f"unknown ops: {', '.join(sorted(unknown))}")
    total = 0
    for o in selected:
        lines, skipped, checked = generate(o)
        text = "\n".join(header(o, len(lines)) + lines) + "\n"
        path = os.path.join(OUT, f"{o.name}.txt")
        with open(path, "w", newline="\n") as f:
            f.write(text)
        total += len(text)
        print(
            f"{o.name:>12}: {len(lines):5} points, {skipped:4} left out, "
            f"{checked:5} slopes checked by differences, {len(text) / 1024:6.1f} KiB"
        )
    print(f"{total / 1024 / 1024:.2f} MiB in all")


if __name__ == "__main__":
    mp.dps = DPS
    main(sys.argv[1:])
