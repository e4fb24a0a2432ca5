"""Cached calls into the pooling engine (``analysis``), returning picklable results.

Pooling a GLMM takes ~0.1 s; leave-one-out and cumulative pooling repeat it k
times, so every call is cached on the numbers and the method (never on ORM
objects). Leave-one-out and cumulative tables are renamed here to the
column names the page and exports show.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

import analysis
from analysis import PoolResult

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
Counts = tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...]]


@st.cache_data(**CACHE)
def pool(events: tuple[int, ...], totals: tuple[int, ...], labels: tuple[str, ...], method: Method) -> PoolResult:
    """One pooled proportion (k = 1 returns the study itself, as the engine does)."""
    return analysis.pool_proportions(list(events), list(totals), labels=list(labels), **method.kwargs())


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
    """Pool within each subgroup (separate τ²) and test the difference between them."""
    res = analysis.pool_by_subgroup(list(events), list(totals), list(groups), labels=list(labels),
                                    **method.kwargs())
    tb = res.test_between
    return Subgroups(res.overall, dict(res.subgroups), tb.q, tb.df, tb.p)


SHOWN = {"omitted": "Study", "added": "Study", "order_key": "Date", "k": "k", "estimate": "Estimate",
         "ci_low": "CI low", "ci_high": "CI high", "pi_low": "PI low", "pi_high": "PI high", "tau2": "τ²",
         "i2": "I² (%)", "fallback": "Fallback"}


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[[c for c in SHOWN if c in frame]].rename(columns=SHOWN)


@st.cache_data(**CACHE)
def leave_one_out(events: tuple[int, ...], totals: tuple[int, ...], labels: tuple[str, ...],
                  method: Method) -> pd.DataFrame:
    """The pooled estimate with each study left out in turn ('Study' = the one omitted)."""
    return _shown(analysis.leave_one_out(list(events), list(totals), labels=list(labels), **method.kwargs()))


@st.cache_data(**CACHE)
def cumulative(events: tuple[int, ...], totals: tuple[int, ...], labels: tuple[str, ...],
               order_keys: tuple[str, ...], method: Method) -> pd.DataFrame:
    """Pooled estimate as studies are added in date order ('Study' = the one added)."""
    return _shown(analysis.cumulative(list(events), list(totals), list(order_keys), labels=list(labels),
                                      **method.kwargs()))


@st.cache_data(**CACHE)
def method_sensitivity(events: tuple[int, ...], totals: tuple[int, ...], labels: tuple[str, ...]) -> pd.DataFrame:
    """GLMM, logit-REML, logit-REML + HK and Freeman–Tukey side by side, with the engine's disagree flag."""
    return analysis.method_sensitivity(list(events), list(totals), labels=list(labels))
