"""analysis.special: the SciPy-free special functions agree with SciPy's to the last digits.

SciPy stays a dependency (optimisers, t and chi^2 quantiles); here it is the
reference the pooling path's own functions are held to.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from scipy import special as scipy_special

from analysis import special


def _rel(ours, ref) -> float:
    ours, ref = np.asarray(ours, dtype=float), np.asarray(ref, dtype=float)
    return float(np.max(np.abs(ours - ref) / np.maximum(np.abs(ref), 1e-300)))


def _clopper_pearson_arguments(totals):
    for n in totals:
        for x in sorted({1, 2, n // 3, n // 2, n - 1, n}):
            for alpha in (0.2, 0.1, 0.05, 0.01):
                if 1 <= x <= n:
                    yield x, n - x + 1, alpha / 2
                if x < n:
                    yield x + 1, n - x, 1 - alpha / 2


def test_beta_quantile_matches_scipy_to_1e_12_for_every_clopper_pearson_limit_up_to_1000_patients():
    args = list(_clopper_pearson_arguments([*range(1, 61), 99, 250, 500, 1000]))
    a, b, q = (np.array(col, dtype=float) for col in zip(*args, strict=True))
    assert _rel(special.betaincinv(a, b, q), scipy_special.betaincinv(a, b, q)) < 1e-12


@pytest.mark.parametrize("a, b, q", [(1, 100_000, 0.025), (5, 99_996, 0.975), (50_000, 50_001, 0.975)])
def test_beta_quantile_stays_exact_for_very_large_totals(a, b, q):
    assert _rel(special.betaincinv(a, b, q), scipy_special.betaincinv(a, b, q)) < 1e-9
    if a == 1:  # closed form: 1 - (1 - q)^(1/b)
        assert special.betaincinv(a, b, q) == pytest.approx(-math.expm1(math.log1p(-q) / b), rel=1e-14)


def test_beta_quantile_is_undefined_without_events_or_non_events():
    assert math.isnan(special.betaincinv(0, 5, 0.025)) and math.isnan(special.betaincinv(5, 0, 0.975))


@pytest.mark.parametrize("df", [*range(1, 60), 99, 100, 399, 400])
def test_chi2_upper_tail_matches_scipy_for_whole_degrees_of_freedom(df):
    x = np.array([1e-3, 0.5, 1, 2, 5, df / 2, df, 1.5 * df, 3 * df + 10, 100, 500, 1300])
    ours = [special.chdtrc(df, v) for v in x]
    assert _rel(ours, scipy_special.chdtrc(df, x)) < 1e-12
    assert special.chdtrc(df, 0.0) == 1.0


def test_chi2_upper_tail_of_fractional_df_is_scipys():
    assert special.chdtrc(2.5, 3.0) == scipy_special.chdtrc(2.5, 3.0)


def test_elementary_functions_match_scipy():
    x = np.linspace(-700, 700, 2001)
    p = np.linspace(1e-12, 1 - 1e-12, 2001)
    assert _rel(special.expit(x), scipy_special.expit(x)) < 1e-15
    assert _rel(special.logit(p), scipy_special.logit(p)) < 1e-13
    assert special.logit(0.0) == -math.inf and special.logit(1.0) == math.inf
    assert _rel(special.gammaln(np.linspace(0.1, 5000, 999)), scipy_special.gammaln(np.linspace(0.1, 5000, 999))) \
        < 1e-15
    assert _rel([special.ndtri(v) for v in p[1:-1]], scipy_special.ndtri(p[1:-1])) < 1e-15
    assert special.ndtri(0.0) == -math.inf and special.ndtri(1.0) == math.inf
    assert _rel(special.ndtr(x / 100), scipy_special.ndtr(x / 100)) < 1e-14
    a = np.random.default_rng(7).normal(scale=30.0, size=(9, 7))
    assert _rel(special.logsumexp(a, axis=1), scipy_special.logsumexp(a, axis=1)) < 1e-15
    assert special.logsumexp(a) == pytest.approx(scipy_special.logsumexp(a), rel=1e-15)
    xs, ys = np.array([0.0, 1.0, 5.0, 0.0]), np.array([0.0, 0.5, 2.0, 3.0])
    np.testing.assert_array_equal(special.xlogy(xs, ys), scipy_special.xlogy(xs, ys))


def test_scalar_arguments_give_scalars_as_scipy_does():
    for name in ("expit", "logit", "gammaln"):
        assert np.ndim(getattr(special, name)(0.3)) == 0


def test_a_default_pooling_does_not_import_scipy():
    code = ("import sys\nfrom analysis import pool_proportions, study_ci\n"
            "pool_proportions([5, 4, 3, 0, 7, 2, 12, 1], [5, 6, 3, 4, 8, 10, 15, 3])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'scipy'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
