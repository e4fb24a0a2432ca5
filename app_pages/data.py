"""Cached answers of the library (``evidence.queries``, ``evidence.outcome_analysis``) for the pages.

Every cached function takes ``version`` first: a string that changes whenever
the data can have changed (database URL, curated data hash, last harvest run,
row counts). Streamlit's ``cache_data`` keys on it, so a finished harvest or a
reload invalidates every cached result without anyone calling ``.clear()``,
and two databases (tests, benchmark) never share entries. Sessions are opened
inside each function and closed before returning (SQLite threading: the
engine is shared, connections are not). The questions themselves, and every
query, live in the library.
"""

from __future__ import annotations


import pandas as pd
import streamlit as st
from sqlmodel import Session

from app_pages.common import get_engine
from evidence import analysis_export, queries, search
from evidence.exports import Files
from evidence.headline import stored_headline_table
from evidence.outcome_analysis import OutcomeAnalysis, Selection, analyse_outcome
from evidence.registries import registry_url  # noqa: F401  (pages build registry links from here)
from evidence.vocab import label_of as label  # noqa: F401
from evidence.queries import short_label  # noqa: F401

CACHE = dict(max_entries=64, show_spinner=False)
DIGEST_DAYS = 30  # What's new's window until the reader picks another


def data_version() -> str:
    """A cheap fingerprint of the database content (the cache key of every query)."""
    with Session(get_engine()) as s:
        return queries.data_version(s)


@st.cache_data(**CACHE)
def reports_frame(version: str) -> pd.DataFrame:
    """Every curated report, one row each, with labels for display and codes for filtering."""
    with Session(get_engine()) as s:
        return queries.reports_table(s)


@st.cache_data(**CACHE)
def search_reports(version: str, user_text: str) -> list[str]:
    """Report IDs whose label/title/journal/notes, or whose PubMed title/abstract, match the text."""
    return search.search_reports(get_engine(), user_text)


@st.cache_data(**CACHE)
def report_detail(version: str, report_id: str) -> dict | None:
    """One report with its outcomes, cohort, supersedes chain, trials and PubMed record."""
    with Session(get_engine()) as s:
        return queries.report_detail(s, report_id)


@st.cache_data(**CACHE)
def trials_frame(version: str) -> pd.DataFrame:
    """Every registered trial, one row each."""
    with Session(get_engine()) as s:
        return queries.trials_table(s)


@st.cache_data(**CACHE)
def trial_detail(version: str, registry_id: str) -> dict | None:
    """A trial's change history, linked publications and the curated reports that cite it."""
    with Session(get_engine()) as s:
        return queries.trial_detail(s, registry_id)


@st.cache_data(**{**CACHE, "max_entries": 256})  # room for the warm-up's outcomes × diseases and readers' choices
def analysis(version: str, sel: Selection) -> OutcomeAnalysis:
    """The analysis of a selection (``evidence.outcome_analysis.analyse_outcome``)."""
    with Session(get_engine()) as s:
        return analyse_outcome(s, sel)


def _data_label(version: str) -> str:
    """The curated-data hash and last harvest run of the cache key (never the database address)."""
    _, digest, run, _ = version.rsplit("|", 3)
    return f"curated data {digest[:12]}, harvest run {run}"


@st.cache_data(max_entries=16, show_spinner=False)
def export_files(version: str, sel: Selection, scope: str = "analysis", lang: str = "en") -> Files:
    """Every download of a selection (``evidence.analysis_export.export_files``), labelled in ``lang``."""
    with Session(get_engine()) as s:
        return analysis_export.export_files(s, sel, scope, _data_label(version), lang)


@st.cache_data(**CACHE)
def outcome_counts(version: str) -> dict[str, int]:
    """How many reports give each outcome (to order and annotate the outcome picker)."""
    with Session(get_engine()) as s:
        return queries.outcome_counts(s)


@st.cache_data(**CACHE)
def outcome_disease_pairs(version: str) -> set[tuple[str, str]]:
    """(outcome, disease) pairs with at least one default number: which analyses can be non-empty."""
    with Session(get_engine()) as s:
        return queries.outcome_disease_pairs(s)


@st.cache_data(**CACHE)
def evidence_map(version: str) -> pd.DataFrame:
    """Disease × target cells: reports, patients (latest report per cohort) and trials."""
    with Session(get_engine()) as s:
        return queries.evidence_map(s, reports_frame(version), trials_frame(version))


@st.cache_data(**CACHE)
def evidence_map_grid(version: str, measure: str, lang: str = "en") -> pd.DataFrame:
    """The evidence map's diseases × targets counts, once per data version, measure and language."""
    from app_pages.charts import evidence_map_grid as grid

    return grid(evidence_map(version), measure, lang)


@st.cache_data(max_entries=8, show_spinner=False)
def headline(version: str) -> pd.DataFrame:
    """Per disease: remission and harm rates, pooled (``evidence.headline``; kept per data version)."""
    with Session(get_engine()) as s:
        return stored_headline_table(s, keep=False)  # the app never writes; init/update keep it


@st.cache_data(**CACHE)
def digest(version: str, days: int = DIGEST_DAYS) -> dict:
    """What's new in the last ``days`` days before the last update, as plain dicts."""
    with Session(get_engine()) as s:
        return queries.recent_news(s, days)


@st.cache_data(**CACHE)
def update_status(version: str) -> dict:
    """When each source was last harvested and how many rows there are (the "last updated" line)."""
    with Session(get_engine()) as s:
        return queries.update_status(s)


@st.cache_data(**CACHE)
def references(version: str, report_ids: tuple[str, ...]) -> list[dict]:
    """Bibliographic records of the given reports (for RIS and BibTeX)."""
    with Session(get_engine()) as s:
        return queries.references(s, report_ids)
