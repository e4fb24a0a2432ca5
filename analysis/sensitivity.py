"""Subgroups, leave-one-out, cumulative analysis, meta-regression, method sensitivity.

Phase I series are small and heterogeneous, so a single pooled number is
fragile; these functions show how it moves with the subgroup, with each
study left out, as studies accrued, with a study-level covariate and with
the pooling method.  All reuse :func:`analysis.pool_proportions` so the
numbers are the ones the main table shows.

Validated against metafor 3.8 (``leave1out``, ``cumul``, ``rma(mods=)``,
the separate-tau^2 subgroup test) on the reference datasets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import special
from .pooling import pool_proportions
from .proportions import transform_arrays, validate_counts
from .results import MetaRegressionResult, PoolResult, SubgroupResult, TestBetween
from .tau2 import TAU2_METHODS, chi2_sf, estimate_tau2, i2_tau2_based, wls

if TYPE_CHECKING:
    import pandas as pd  # imported by the functions that build frames: plain pooling never needs it

#: Absolute difference in pooled proportion (percentage points) flagged by
#: :func:`method_sensitivity`.
DISAGREE_PP = 5.0


def _row(result: PoolResult) -> dict[str, Any]:
    return {"k": result.k, "estimate": result.estimate, "ci_low": result.ci_low,
            "ci_high": result.ci_high, "pi_low": result.pi_low, "pi_high": result.pi_high,
            "tau2": result.tau2, "i2": result.i2, "q": result.q,
            "estimate_t": result.estimate_t, "se_t": result.se_t, "fallback": result.fallback}


def pool_by_subgroup(
    events: Sequence[float],
    totals: Sequence[float],
    groups: Sequence[Any],
    *,
    labels: Sequence[str] | None = None,
    **kw: Any,
) -> SubgroupResult:
    """Pool each subgroup on its own and test for subgroup differences.

    As meta's default (separate tau^2 per subgroup): each subgroup is pooled
    with the same options, then the subgroup estimates on the transformed
    scale are compared with a fixed-effect Wald test, Q_between =
    sum w_g (theta_g - theta_bar)^2 with w_g = 1/SE_g^2 and G - 1 df
    (metafor: ``rma(est, se^2, mods = ~ group, method = "FE")``).

    Parameters
    ----------
    events, totals : sequence of int
    groups : sequence
        Subgroup of each study (disease, target, population, ...).
    labels : sequence of str, optional
    **kw
        Options passed to :func:`pool_proportions`.

    Returns
    -------
    SubgroupResult
        Subgroups appear in sorted order of their names.

    References
    ----------
    Borenstein M, Higgins JPT (2013) Prev Sci 14:134-143.
    """
    x, n, labs = validate_counts(events, totals, labels)
    if len(groups) != len(x):
        raise ValueError(f"length mismatch: {len(groups)} group values for {len(x)} studies")
    keys = [str(g) for g in groups]
    overall = pool_proportions(x, n, labels=labs, **kw)
    subgroups: dict[str, PoolResult] = {}
    for key in sorted(set(keys)):
        idx = [i for i, g in enumerate(keys) if g == key]
        subgroups[key] = pool_proportions(x[idx], n[idx], labels=[labs[i] for i in idx], **kw)
    test, notes = _test_between(subgroups)
    return SubgroupResult(overall, subgroups, test, notes)


def _test_between(subgroups: dict[str, PoolResult]) -> tuple[TestBetween, tuple[str, ...]]:
    usable = {k: r for k, r in subgroups.items()
              if math.isfinite(r.estimate_t) and math.isfinite(r.se_t) and r.se_t > 0}
    notes = tuple(f"subgroup {k!r} left out of the test between (no finite estimate on the model scale)"
                  for k in subgroups if k not in usable)
    if len(usable) < 2:
        return TestBetween(math.nan, 0, math.nan), notes + ("fewer than 2 subgroups: no test between",)
    est = np.array([r.estimate_t for r in usable.values()])
    w = 1.0 / np.array([r.se_t for r in usable.values()]) ** 2
    q = float(np.dot(w, (est - np.dot(w, est) / w.sum()) ** 2))
    df = len(usable) - 1
    return TestBetween(q, df, float(chi2_sf(q, df))), notes


def leave_one_out(
    events: Sequence[float],
    totals: Sequence[float],
    *,
    labels: Sequence[str] | None = None,
    **kw: Any,
) -> pd.DataFrame:
    """Pool k times, each time without one study (metafor ``leave1out``).

    Returns
    -------
    pandas.DataFrame
        One row per omitted study: omitted, k, estimate, ci_low, ci_high,
        pi_low, pi_high, tau2, i2, q, estimate_t, se_t, fallback.
    """
    import pandas as pd

    x, n, labs = validate_counts(events, totals, labels)
    if len(x) < 2:
        raise ValueError("leave-one-out needs at least 2 studies")
    rows = []
    for i in range(len(x)):
        keep = np.arange(len(x)) != i
        res = pool_proportions(x[keep], n[keep], labels=[lab for j, lab in enumerate(labs) if j != i], **kw)
        rows.append({"omitted": labs[i], **_row(res)})
    return pd.DataFrame(rows)


def cumulative(
    events: Sequence[float],
    totals: Sequence[float],
    order_keys: Sequence[Any],
    *,
    labels: Sequence[str] | None = None,
    **kw: Any,
) -> pd.DataFrame:
    """Cumulative meta-analysis: add studies one at a time in ``order_keys`` order.

    Typically the publication date, to show how the evidence accrued
    (metafor ``cumul``).  Ties keep the input order.  The first row is the
    first study alone (k = 1).

    Returns
    -------
    pandas.DataFrame
        One row per step: added, order_key, k, estimate, ci_low, ci_high,
        pi_low, pi_high, tau2, i2, q, estimate_t, se_t, fallback.
    """
    import pandas as pd

    x, n, labs = validate_counts(events, totals, labels)
    if len(order_keys) != len(x):
        raise ValueError(f"length mismatch: {len(order_keys)} order keys for {len(x)} studies")
    order = sorted(range(len(x)), key=lambda i: order_keys[i])
    rows = []
    for step in range(1, len(order) + 1):
        idx = order[:step]
        res = pool_proportions(x[idx], n[idx], labels=[labs[i] for i in idx], **kw)
        last = order[step - 1]
        rows.append({"added": labs[last], "order_key": order_keys[last], **_row(res)})
    return pd.DataFrame(rows)


def metaregression(
    events: Sequence[float],
    totals: Sequence[float],
    covariate: Sequence[float],
    *,
    labels: Sequence[str] | None = None,
    transform: str = "logit",
    tau2_method: str = "REML",
    ci: str = "z",
    level: float = 0.95,
    add: float = 0.5,
    to: str = "only0",
) -> MetaRegressionResult:
    """Mixed-effects meta-regression on one covariate (metafor ``rma(yi, vi, mods = ~ x)``).

    Parameters
    ----------
    events, totals : sequence of int
    covariate : sequence of float
        Study-level moderator (year, dose, median age, ...).
    transform, tau2_method, ci, level, add, to
        As in :func:`pool_proportions`; ``ci="hk"`` gives metafor's
        ``test="knha"`` (t and F tests with k - 2 df).

    Returns
    -------
    MetaRegressionResult

    References
    ----------
    Thompson SG, Higgins JPT (2002) Stat Med 21:1559-1573.
    Viechtbauer W (2010) J Stat Softw 36(3).

    Notes
    -----
    Validated against metafor 3.8 (coefficients, SEs, tau^2, QM) to 1e-6.
    """
    if tau2_method not in TAU2_METHODS:
        raise ValueError(f"unknown tau2_method {tau2_method!r}; expected one of {TAU2_METHODS}")
    if ci not in ("z", "hk", "hk-adhoc"):
        raise ValueError(f"unknown ci {ci!r}; expected z, hk or hk-adhoc")
    x, n, labs = validate_counts(events, totals, labels)
    cov = np.asarray(covariate, dtype=float)
    if cov.shape != x.shape or not np.all(np.isfinite(cov)):
        raise ValueError("covariate must be finite and give one value per study")
    if len(x) < 3 or np.ptp(cov) == 0:
        raise ValueError("meta-regression needs at least 3 studies and a covariate that varies")
    y, v = transform_arrays(x, n, transform, add, to)
    X = np.column_stack([np.ones_like(cov), cov])
    k, p = X.shape
    tau2 = estimate_tau2(y, v, tau2_method, X)
    fit = wls(y, v, tau2, X)
    vb = fit.vb
    if ci != "z":
        s2w = fit.ypy / (k - p)
        vb = vb * (max(1.0, s2w) if ci == "hk-adhoc" else s2w)
    se, crit, pval, qm, qm_p = _coefficient_tests(fit.beta, vb, ci, level, k - p)
    qe = wls(y, v, 0.0, X).ypy
    tau2_re = estimate_tau2(y, v, tau2_method)
    r2 = max(0.0, 100 * (tau2_re - tau2) / tau2_re) if tau2_re > 0 else None
    i2, _ = i2_tau2_based(tau2, v, X)
    pair = lambda a: (float(a[0]), float(a[1]))  # noqa: E731
    return MetaRegressionResult(
        k=k, coef=pair(fit.beta), se=pair(se), ci_low=pair(fit.beta - crit * se),
        ci_high=pair(fit.beta + crit * se), pvalue=pair(pval), tau2=tau2, i2=i2,
        qm=qm, qm_df=1, qm_p=qm_p, qe=qe, qe_df=k - p, qe_p=chi2_sf(qe, k - p),
        r2=r2, transform=transform, tau2_method=tau2_method, ci_method=ci, level=level,
        notes=("Coefficients are on the transformed scale.",),
    )


def _coefficient_tests(beta: np.ndarray, vb: np.ndarray, ci: str, level: float, df: int):
    """SEs, critical value, p-values and the slope's omnibus test (QM).

    z/chi^2 for Wald tests; t(df) and F(1, df) under Hartung-Knapp, as
    metafor's ``test="knha"``.
    """
    se = np.sqrt(np.diag(vb))
    stat = beta / se
    qm = float(beta[1] ** 2 / vb[1, 1])
    if ci == "z":
        return (se, special.ndtri(0.5 + level / 2), 2 * special.ndtr(-np.abs(stat)), qm,
                chi2_sf(qm, 1))
    from scipy import stats  # slow to import; only meta-regression needs it

    return (se, stats.t.ppf(0.5 + level / 2, df), 2 * stats.t.sf(np.abs(stat), df), qm,
            float(stats.f.sf(qm, 1, df)))


SENSITIVITY_METHODS: tuple[tuple[str, dict[str, str]], ...] = (
    ("GLMM (ML, AGQ 7)", {"model": "glmm"}),
    ("Logit REML (z)", {"model": "re", "transform": "logit", "ci": "z"}),
    ("Logit REML (Hartung-Knapp)", {"model": "re", "transform": "logit", "ci": "hk"}),
    ("Freeman-Tukey REML (z)", {"model": "re", "transform": "ft", "ci": "z"}),
)


def method_sensitivity(
    events: Sequence[float],
    totals: Sequence[float],
    labels: Sequence[str] | None = None,
    *,
    level: float = 0.95,
    threshold_pp: float = DISAGREE_PP,
) -> pd.DataFrame:
    """GLMM, logit-REML, logit-REML + HK and Freeman-Tukey-REML side by side.

    On sparse data the method drives the answer; this table shows by how
    much.  Rule for ``disagree`` (per row, against the GLMM row, which is
    the default analysis): the pooled proportions differ by more than
    ``threshold_pp`` percentage points, or either method's CI excludes the
    other's estimate.  The GLMM row itself is never flagged.  ``df.attrs``
    carries ``disagree_any`` and ``sparse`` (total events < 10 or total
    patients < 50, where Lin, Xu & Chu 2022 found methods diverge most).

    Returns
    -------
    pandas.DataFrame
        Columns: method, k, estimate, ci_low, ci_high, pi_low, pi_high,
        tau2, i2, fallback, disagree.

    References
    ----------
    Lin L, Xu C, Chu H (2022) J Gen Intern Med 37:308-317.
    Schwarzer G et al. (2019) Res Synth Methods 10:476-483.
    """
    import pandas as pd

    x, n, labs = validate_counts(events, totals, labels)
    rows = []
    for name, opts in SENSITIVITY_METHODS:
        res = pool_proportions(x, n, labels=labs, level=level, **opts)
        rows.append({"method": name, **{k: v for k, v in _row(res).items()
                                        if k not in ("q", "estimate_t", "se_t")}})
    ref = rows[0]
    for row in rows:
        row["disagree"] = row is not ref and _disagrees(row, ref, threshold_pp / 100)
    df = pd.DataFrame(rows)
    df.attrs["disagree_any"] = bool(df["disagree"].any())
    df.attrs["sparse"] = bool(x.sum() < 10 or n.sum() < 50)
    df.attrs["rule"] = (f"differs from the GLMM by > {threshold_pp:g} percentage points, "
                        "or a CI excludes the other method's estimate")
    return df


def _disagrees(row: dict[str, Any], ref: dict[str, Any], threshold: float) -> bool:
    if abs(row["estimate"] - ref["estimate"]) > threshold:
        return True
    outside = lambda est, r: not r["ci_low"] - 1e-12 <= est <= r["ci_high"] + 1e-12  # noqa: E731
    return outside(ref["estimate"], row) or outside(row["estimate"], ref)
