"""What every page shares: the engine (one per process), filter widgets and safe text.

The engine is a ``cache_resource`` (thread-safe, shared by all sessions);
sessions are opened per query in ``app_pages.data`` and never cached. Filter
widgets are bound by key to the whitelisted query parameters of
``app_pages.state``, so every page gets the same filters with the same
labels and the same URL names.
"""

from __future__ import annotations

import re
from typing import Iterable

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from evidence.db import StoreError
from evidence.settings import load_settings
from evidence.store import open_store
from evidence.vocab import Construct, Disease, Population, ReportKind, Target


@st.cache_resource
def get_engine() -> Engine:
    """One engine per process; sessions are opened per query, never cached.

    A missing database is said, never created; a read-only one is read.
    """
    try:
        return open_store(load_settings(), create=False, readonly=None)
    except StoreError as exc:
        st.error(str(exc))
        st.stop()


PHASES = {"EARLY_PHASE1": "Early phase 1", "PHASE1": "Phase 1", "PHASE2": "Phase 2", "PHASE3": "Phase 3",
          "NA": "Not applicable"}
STATUS_TEXT = {"RECRUITING": "Recruiting", "NOT_YET_RECRUITING": "Not yet recruiting",
               "ENROLLING_BY_INVITATION": "Enrolling by invitation", "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
               "COMPLETED": "Completed", "SUSPENDED": "Suspended", "TERMINATED": "Terminated", "WITHDRAWN": "Withdrawn",
               "UNKNOWN": "Unknown"}
STATUSES = STATUS_TEXT

FILTERS: dict[str, tuple[str, dict[str, str]]] = {
    "disease": ("Disease", {d.value: d.label for d in Disease}),
    "target": ("CAR target", {t.value: t.label for t in Target}),
    "construct": ("Construct", {c.value: c.label for c in Construct}),
    "population": ("Population", {p.value: p.label for p in Population}),
    "phase": ("Phase", PHASES),
    "kind": ("Report kind", {k.value: k.label for k in ReportKind}),
    "status": ("Recruitment status", STATUSES),
}


def filter_options(names: Iterable[str]) -> dict[str, list[str]]:
    """Allowed codes per filter (what ``state.bind`` validates shared links against)."""
    return {n: list(FILTERS[n][1]) for n in names if n in FILTERS}


def filter_widgets(names: Iterable[str], container=None) -> None:
    """Multiselects for the named filters, bound to their query-parameter keys."""
    where = container or st.sidebar
    for name in names:
        title, options = FILTERS[name]
        where.multiselect(title, list(options), key=name, format_func=options.get, placeholder="Any")


def any_overlap(values: list | None, wanted: list[str]) -> bool:
    """True when no filter is set or the row's list shares a value with it."""
    return not wanted or bool(set(values or ()) & set(wanted))


def expand_diseases(wanted: list[str]) -> list[str]:
    """Asking for SLE also finds lupus-nephritis rows (a subset of SLE)."""
    return sorted(set(wanted) | ({"lupus_nephritis"} if "sle" in wanted else set()))


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_md(text: str | None) -> str:
    """Harvested text for st.markdown: every Markdown/HTML/shortcode character escaped.

    Titles and abstracts come from PubMed and registries; they must show as
    text, never turn into links, images, colours or HTML.
    """
    return _MD_SPECIAL.sub(r"\\\1", str(text or ""))


def pct(x: float | None, digits: int = 0) -> str:
    """A proportion as a percentage ('—' when missing)."""
    if x is None or pd.isna(x):
        return "—"
    return f"{100 * x:.{digits}f}%"


def estimate_text(estimate: float, lo: float, hi: float) -> str:
    """'62% (45–77%)': how every pooled number is written in the app."""
    return f"{pct(estimate)} ({pct(lo)}–{pct(hi)})"
