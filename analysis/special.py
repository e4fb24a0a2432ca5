"""The special functions of the everyday pooling path, without importing SciPy.

``import scipy.special`` costs about 0.2 s of every ``evidence pool`` (its
array-API layer loads NumPy's f2py and testing machinery), far more than the
pooling itself (13 ms). The functions a default pooling needs are therefore
computed here from the standard library and NumPy: the logistic pair,
log-sum-exp, x·log y, log-gamma, the normal distribution, the χ² upper tail
for whole degrees of freedom and the beta quantile for whole parameters
(Clopper–Pearson limits). tests/analysis/test_special.py holds each to SciPy's
values (1e-12 relative where the binomial coefficients stay small, 1e-9 for
totals up to 100,000). Anything else (other arguments, the t and χ² quantiles
of Hartung–Knapp and the Q-profile) is SciPy's, imported when first needed.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

_NORMAL = NormalDist()


def _scipy_special():
    from scipy import special  # slow to import: only the rarer methods get here

    return special


def _out(values: np.ndarray):
    """A NumPy scalar for a scalar argument, the array otherwise (as SciPy's ufuncs return)."""
    return values[()]


def expit(x):
    """1 / (1 + exp(-x)), without overflow for large |x|."""
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return _out(np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)))


def logit(p):
    """log(p / (1 - p)); -inf at 0 and inf at 1."""
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore"):
        return _out(np.log(p / (1.0 - p)))


def xlogy(x, y):
    """x·log(y), 0 where x is 0 (so that 0·log 0 = 0)."""
    x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(np.where(x == 0, 0.0, x * np.log(y)))


def logsumexp(a, axis: int | None = None):
    """log(sum(exp(a))) along ``axis``, shifted by the maximum so that nothing overflows."""
    a = np.asarray(a, dtype=float)
    top = np.max(a, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - top), axis=axis, keepdims=True)) + top
    return _out(np.squeeze(out, axis=axis) if axis is not None else out.reshape(()))


def _lgamma_or_pole(v: float) -> float:
    try:
        return math.lgamma(v)
    except ValueError:  # the poles 0, -1, -2, ...
        return math.inf


_lgamma = np.frompyfunc(_lgamma_or_pole, 1, 1)


def gammaln(x):
    """log|Γ(x)| (inf at 0 and the negative integers)."""
    return _out(np.asarray(_lgamma(np.asarray(x, dtype=float)), dtype=float))


# 0.5 erfc(-x / sqrt 2), not NormalDist.cdf: its 1 + erf(...) loses the lower tail's digits to cancellation.
_cdf = np.frompyfunc(lambda v: 0.5 * math.erfc(-v * math.sqrt(0.5)), 1, 1)


def ndtr(x):
    """The standard normal distribution function, elementwise."""
    return _out(np.asarray(_cdf(np.asarray(x, dtype=float)), dtype=float))


def ndtri(p: float) -> float:
    """The standard normal quantile; -inf at 0 and inf at 1."""
    p = float(p)
    if p <= 0.0 or p >= 1.0:
        return -math.inf if p == 0.0 else math.inf if p == 1.0 else math.nan
    return _NORMAL.inv_cdf(p)


def chdtrc(df: float, x: float) -> float:
    """Upper tail of χ² with ``df`` degrees of freedom at ``x``.

    For whole ``df`` the tail is a finite sum of positive terms (and, for odd
    ``df``, the normal tail), so it is exact to rounding; other arguments go to SciPy.
    """
    df, x = float(df), float(x)
    if x <= 0.0:
        return 1.0 if df > 0 else math.nan
    h = x / 2.0
    if df < 1 or df != math.floor(df) or h > 700.0 or math.isnan(x):
        return float(_scipy_special().chdtrc(df, x))
    m = int(df) // 2
    if int(df) % 2 == 0:  # Q(m, h) = exp(-h) sum_{j<m} h^j / j!
        term = total = math.exp(-h)
        for j in range(1, m):
            term *= h / j
            total += term
    else:  # Q(m + 1/2, h) = erfc(sqrt h) + exp(-h) sum_{j<m} h^(j+1/2) / Gamma(j + 3/2)
        total = math.erfc(math.sqrt(h))
        term = math.exp(-h) * math.sqrt(h) / math.gamma(1.5)
        for j in range(m):
            total += term
            term *= h / (j + 1.5)
    return min(1.0, total)


def betaincinv(a, b, q):
    """The ``q`` quantile of Beta(a, b), elementwise (the Clopper–Pearson limits).

    For whole a, b ≥ 1 the beta distribution function is a binomial tail,
    I_p(a, b) = P(Bin(a + b - 1, p) ≥ a), which is summed exactly term by term
    and solved for p by a bracketed Newton iteration to full precision.
    """
    a, b, q = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float),
                                  np.asarray(q, dtype=float))
    out = np.empty(a.shape, dtype=float)
    for i in np.ndindex(a.shape):
        out[i] = _beta_quantile(float(a[i]), float(b[i]), float(q[i]))
    return _out(out)


def _log(x: float) -> float:
    return math.log(x) if x > 0 else -math.inf


def _beta_quantile(a: float, b: float, q: float) -> float:
    if a == 0 or b == 0:  # no beta distribution (Clopper–Pearson at 0 or n events: the caller sets the limit)
        return math.nan
    whole = a >= 1 and b >= 1 and a == math.floor(a) and b == math.floor(b) and a + b < 1e7
    if not whole or not 0.0 < q < 1.0:
        return float(_scipy_special().betaincinv(a, b, q))
    return _BinomialTail(int(a + b - 1), int(a)).solve(q)


class _BinomialTail:
    """P(X ≥ a) for X ~ Bin(n, p) as a function of p, and its inverse."""

    def __init__(self, n: int, a: int) -> None:
        self.n, self.a = n, a
        try:
            self.choose = float(math.comb(n, a))  # exact, then rounded once
        except OverflowError:
            self.choose = math.inf
        self.log_choose: np.ndarray | None = None  # for totals too large for plain floats, made when needed

    def _log_tails(self, p: float) -> tuple[float, float, float]:
        """log P(X ≥ a), log P(X < a) and the log density of Beta(a, n - a + 1) at p."""
        term = self.choose * p ** self.a * math.exp((self.n - self.a) * math.log1p(-p))  # P(X = a)
        if not 0.0 < term < math.inf:
            return self._log_tails_large(p)
        ratio, mode = p / (1.0 - p), (self.n + 1) * p
        upper, t, j = 0.0, term, self.a
        while True:  # P(X = j) upwards from a, until past the mode and negligible
            upper += t
            if j == self.n or (j >= mode and t < upper * 1e-17):
                break
            t *= (self.n - j) / (j + 1) * ratio
            j += 1
        lower, t, j = 0.0, term, self.a
        while j > 0:  # P(X = j - 1) downwards from a
            t *= j / (self.n - j + 1) / ratio
            j -= 1
            lower += t
            if j <= mode and t < lower * 1e-17:
                break
        density = term * self.a / p  # n C(n-1, a-1) p^(a-1) (1-p)^(n-a)
        return _log(upper), _log(lower), _log(density)

    def _log_tails_large(self, p: float) -> tuple[float, float, float]:
        """The same on the log scale, for coefficients beyond the range of a float."""
        if self.log_choose is None:
            # log C(n, j) as running sums of log((n - i + 1) / i), mirrored past n / 2: far closer than
            # differences of log-gamma values, which lose digits to cancellation when n is large.
            i = np.arange(1, self.n // 2 + 1, dtype=float)
            half = np.concatenate(([0.0], np.cumsum(np.log(self.n - i + 1.0) - np.log(i))))
            self.log_choose = np.concatenate((half, half[:self.n + 1 - len(half)][::-1]))
        j = np.arange(self.n + 1, dtype=float)
        lp, lq = math.log(p), math.log1p(-p)
        terms = self.log_choose + j * lp + (self.n - j) * lq
        upper, lower = logsumexp(terms[self.a:]), logsumexp(terms[:self.a])
        density = terms[self.a] + math.log(self.a) - lp
        return float(upper), float(lower), float(density)

    def _gap(self, p: float, q: float) -> tuple[float, float]:
        """How far the tail at p is from q, on the log scale of the smaller side, and its slope in p."""
        upper, lower, density = self._log_tails(p)
        if q <= 0.5:
            return upper - math.log(q), math.exp(density - upper)
        return math.log1p(-q) - lower, math.exp(density - lower)

    def solve(self, q: float) -> float:
        """The p at which the tail equals q: Newton steps, kept inside a shrinking bracket by bisection."""
        lo, hi = 0.0, 1.0
        p = min(max(self.a / (self.n + 1.0), 1e-300), 1.0 - 1e-16)
        for _ in range(200):
            gap, slope = self._gap(p, q)
            newton = p - gap / slope if slope > 0 and math.isfinite(slope) else math.nan
            if gap == 0.0 or abs(newton - p) <= 1e-15 * p:
                return p
            if gap < 0:
                lo = p
            else:
                hi = p
            if lo < newton < hi:
                p = newton
            elif lo > 0 and hi < 1:
                p = float(expit((logit(lo) + logit(hi)) / 2.0))  # bisection on the logit scale
            else:
                p = (lo + hi) / 2.0 if lo > 0 else hi / 16.0
        return p
