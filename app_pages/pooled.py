"""Cached calls into the pooling engine (``analysis``), returning picklable results.

Pooling a GLMM takes ~0.1 s; leave-one-out and cumulative pooling repeat it k
times, so every call is cached on the numbers and the method (never on ORM
objects). Leave-one-out, cumulative and method-sensitivity results are
normalised here to one DataFrame shape, whatever container the engine
returns, so the page and the exports have a single form to show.

The pooling branch lands its API in steps; functions of the published
contract that are not in ``analysis`` yet are composed here from
``pool_proportions`` (same defaults, same results objects). Once ``analysis``
exports them, the engine's own versions are used automatically.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import pandas as pd
import streamlit as st
from scipy import stats

import analysis
from analysis import PoolResult, pool_proportions

MODELS = {"glmm": "GLMM (binomial-normal, recommended)", "re": "Random effects (inverse variance)",
          "fe": "Common effect (inverse variance)"}
TRANSFORMS = {"logit": "Logit", "ft": "Freeman–Tukey double arcsine", "arcsine": "Arcsine", "raw": "Untransformed"}
TAU2 = {"REML": "REML", "DL": "DerSimonian–Laird", "PM": "Paule–Mandel", "ML": "Maximum likelihood"}
CIS = {"z": "Wald (z)", "hk": "Hartung–Knapp", "hk-adhoc": "Hartung–Knapp (ad hoc, q* ≥ 1)"}


@dataclass(frozen=True)
class Method:
    """The method choices of the page (one hashable value for caching)."""

    model: str = "glmm"
    transform: str = "logit"
    tau2_method: str = "REML"
    ci: str = "z"

    def kwargs(self) -> dict[str, str]:
        return {"model": self.model, "transform": self.transform, "tau2_method": self.tau2_method, "ci": self.ci}


CACHE = dict(max_entries=128, show_spinner=False)


@st.cache_data(**CACHE)
def pool(events: tuple[int, ...], totals: tuple[int, ...], labels: tuple[str, ...], method: Method) -> PoolResult:
    """One pooled proportion (k = 1 returns the study itself, as the engine does)."""
    return pool_proportions(list(events), list(totals), labels=list(labels), **method.kwargs())


def _wald_between(results: dict[str, PoolResult]) -> tuple[float, int, float]:
    usable = [r for r in results.values() if r.k >= 1 and r.se_t and math.isfinite(r.se_t) and r.se_t > 0]
    if len(usable) < 2:
        return math.nan, 0, math.nan
    w = [1 / r.se_t ** 2 for r in usable]
    mean = sum(wi * r.estimate_t for wi, r in zip(w, usable)) / sum(w)
    q = sum(wi * (r.estimate_t - mean) ** 2 for wi, r in zip(w, usable))
    df = len(usable) - 1
    return q, df, float(stats.chi2.sf(q, df))


@dataclass(frozen=True)
class Subgroups:
    """Overall result, one result per subgroup and the test for subgroup differences."""

    overall: PoolResult
    subgroups: dict[str, PoolResult]
    q: float
    df: int
    p: float


@st.cache_data(**CACHE)
def pool_subgroups(events: tuple[int, ...], totals: tuple[int, ...], labels: tuple[str, ...],
                   groups: tuple[str, ...], method: Method) -> Subgroups:
    """Pool within each subgroup and test the difference between them."""
    if hasattr(analysis, "pool_by_subgroup"):
        res = analysis.pool_by_subgroup(list(events), list(totals), list(groups), labels=list(labels),
                                        **method.kwargs())
        tb = res.test_between
        return Subgroups(res.overall, dict(res.subgroups), tb.q, tb.df, tb.p)
    overall = pool(events, totals, labels, method)
    subs: dict[str, PoolResult] = {}
    for g in dict.fromkeys(groups):
        idx = [i for i, x in enumerate(groups) if x == g]
        subs[g] = pool(tuple(events[i] for i in idx), tuple(totals[i] for i in idx),
                       tuple(labels[i] for i in idx), method)
    q, df, p = _wald_between(subs)
    return Subgroups(overall, subs, q, df, p)


def _row(name: str, r: PoolResult) -> dict[str, Any]:
    return {"Study": name, "k": r.k, "Estimate": r.estimate, "CI low": r.ci_low, "CI high": r.ci_high,
            "I² (%)": r.i2, "τ²": r.tau2}


def _normalise(frame_or_list: Any, names: Sequence[str]) -> pd.DataFrame:
    """The engine may return a DataFrame or a list of PoolResult; the page wants one shape."""
    if isinstance(frame_or_list, pd.DataFrame):
        rename = {"label": "Study", "omitted": "Study", "added": "Study", "estimate": "Estimate",
                  "ci_low": "CI low", "ci_high": "CI high", "i2": "I² (%)", "tau2": "τ²"}
        out = frame_or_list.rename(columns=rename)
        return out[[c for c in ["Study", "k", "Estimate", "CI low", "CI high", "I² (%)", "τ²"] if c in out]]
    return pd.DataFrame([_row(n, r) for n, r in zip(names, frame_or_list)])


@st.cache_data(**CACHE)
def leave_one_out(events: tuple[int, ...], totals: tuple[int, ...], labels: tuple[str, ...],
                  method: Method) -> pd.DataFrame:
    """The pooled estimate with each study left out in turn (row 'Study' = the one omitted)."""
    if hasattr(analysis, "leave_one_out"):
        return _normalise(analysis.leave_one_out(list(events), list(totals), labels=list(labels),
                                                 **method.kwargs()), labels)
    results = [pool(events[:i] + events[i + 1:], totals[:i] + totals[i + 1:], labels[:i] + labels[i + 1:], method)
               for i in range(len(events))]
    return _normalise(results, labels)


@st.cache_data(**CACHE)
def cumulative(events: tuple[int, ...], totals: tuple[int, ...], labels: tuple[str, ...],
               order_keys: tuple[str, ...], method: Method) -> pd.DataFrame:
    """Pooled estimate as studies are added in date order (row 'Study' = the one added)."""
    if hasattr(analysis, "cumulative"):
        return _normalise(analysis.cumulative(list(events), list(totals), list(order_keys), labels=list(labels),
                                              **method.kwargs()), sorted(labels, key=dict(zip(labels, order_keys)).get))
    order = sorted(range(len(events)), key=lambda i: (order_keys[i], labels[i]))
    results, names = [], []
    for j in range(1, len(order) + 1):
        idx = order[:j]
        results.append(pool(tuple(events[i] for i in idx), tuple(totals[i] for i in idx),
                            tuple(labels[i] for i in idx), method))
        names.append(labels[order[j - 1]])
    return _normalise(results, names)


SENSITIVITY = (("GLMM", Method("glmm")), ("Logit, REML", Method("re", "logit", "REML", "z")),
               ("Logit, REML + Hartung–Knapp", Method("re", "logit", "REML", "hk")),
               ("Freeman–Tukey, REML", Method("re", "ft", "REML", "z")))


@st.cache_data(**CACHE)
def method_sensitivity(events: tuple[int, ...], totals: tuple[int, ...], labels: tuple[str, ...]) -> pd.DataFrame:
    """The four standard methods side by side, with a flag when they disagree."""
    if hasattr(analysis, "method_sensitivity"):
        return analysis.method_sensitivity(list(events), list(totals), labels=list(labels))
    rows = []
    for name, m in SENSITIVITY:
        r = pool(events, totals, labels, m)
        rows.append({"method": name, "estimate": r.estimate, "ci_low": r.ci_low, "ci_high": r.ci_high,
                     "pi_low": r.pi_low, "pi_high": r.pi_high, "tau2": r.tau2, "i2": r.i2})
    frame = pd.DataFrame(rows)
    spread = frame["estimate"].max() - frame["estimate"].min()
    outside = any(not (lo <= e <= hi) for e in frame["estimate"] for lo, hi in zip(frame["ci_low"], frame["ci_high"]))
    frame["disagree"] = bool(spread > 0.05 or outside)
    return frame
