"""Cached leave-one-out, cumulative and method-sensitivity tables of an analysis.

Pooling a GLMM takes ~0.1 s; leave-one-out and cumulative pooling repeat it
k times, so each table is cached on the data version and the selection. The
computations are the library's (``evidence.outcome_analysis``); the tables
are renamed here to the column names the page and exports show, and their
studies named in the session's language (a mixed cohort's share, a disease).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import data
from app_pages.i18n import N_, language
from evidence.i18n import DEFAULT_LANGUAGE
from evidence.outcome_analysis import Selection

CACHE = dict(max_entries=256, show_spinner=False)
SHOWN = {"omitted": N_("Study"), "added": N_("Study"), "order_key": N_("Date"), "k": "k", "estimate": N_("Estimate"),
         "ci_low": N_("CI low"), "ci_high": N_("CI high"), "pi_low": N_("PI low"), "pi_high": N_("PI high"),
         "tau2": "τ²", "i2": N_("I² (%)"), "fallback": N_("Fallback")}  # translated where shown


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[[c for c in SHOWN if c in frame]].rename(columns=SHOWN)


def _named(version: str, sel: Selection, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its studies named in the session's language (the pooling engine knows them in English)."""
    lang = language()
    if lang == DEFAULT_LANGUAGE or frame.empty:
        return frame
    names = data.analysis(version, sel).study_labels(lang)
    return frame.assign(Study=frame["Study"].map(lambda s: names.get(s, s)))


@st.cache_data(**CACHE)
def _leave_one_out(version: str, sel: Selection) -> pd.DataFrame:
    return _shown(data.analysis(version, sel).leave_one_out())


def leave_one_out(version: str, sel: Selection) -> pd.DataFrame:
    """The pooled estimate with each study left out in turn ('Study' = the one omitted)."""
    return _named(version, sel, _leave_one_out(version, sel))


@st.cache_data(**CACHE)
def _cumulative(version: str, sel: Selection) -> pd.DataFrame:
    return _shown(data.analysis(version, sel).cumulative())


def cumulative(version: str, sel: Selection) -> pd.DataFrame:
    """Pooled estimate as studies are added in date order ('Study' = the one added)."""
    return _named(version, sel, _cumulative(version, sel))


@st.cache_data(**CACHE)
def method_sensitivity(version: str, sel: Selection) -> pd.DataFrame:
    """GLMM, logit-REML, logit-REML + HK and Freeman–Tukey side by side, with the engine's disagree flag."""
    return data.analysis(version, sel).sensitivity()
