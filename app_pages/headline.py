"""Headline rates per disease: the most-reported remission outcome and CRS/ICANS, pooled.

Importable (not a page script) so the background warm-up in
``app_pages.warm`` can fill the same cache the Overview reads.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import data, pooled
from app_pages.common import pct
from evidence.vocab import Disease, Outcome

REMISSION_OUTCOMES = ("remission_doris", "doris_and_lldas", "complete_remission_other", "drug_free_remission",
                      "acr_eular_major_response", "tis_response", "eustar_activity_improvement",
                      "mg_adl_improvement", "mgc_improvement", "complete_renal_response", "clinical_response_other")
SAFETY_OUTCOMES = ("crs_any", "crs_grade3plus", "icans_any", "icans_grade3plus")


def _included(version: str, outcome: str, disease: str) -> pd.DataFrame:
    rows = data.analysis_rows(version, outcome, (disease,))
    return rows[rows["included"]]


def _pooled_cell(rows: pd.DataFrame) -> str:
    if rows.empty:
        return ""
    res = pooled.pool(tuple(rows["events"]), tuple(rows["patients"]), tuple(rows["study_label"]), pooled.Method())
    return f"{pct(res.estimate)} ({pct(res.ci_low)[:-1]}–{pct(res.ci_high)}) k={res.k}, n={int(rows['patients'].sum())}"


@st.cache_data(max_entries=8, show_spinner=False)
def headline(version: str) -> pd.DataFrame:
    """Per disease: the most-reported remission outcome and CRS/ICANS rates, pooled (GLMM)."""
    pairs = data.outcome_disease_pairs(version)
    out = []
    for d in sorted({d for _, d in pairs if d != "lupus_nephritis"}):
        candidates = [(o, _included(version, o, d)) for o in REMISSION_OUTCOMES if (o, d) in pairs]
        # a named definition beats a catch-all that mixes definitions; then more studies, then more patients
        best = max(candidates, key=lambda c: (not Outcome(c[0]).mixed_definitions and not c[1].empty, len(c[1]),
                                              c[1]["patients"].sum()), default=(None, pd.DataFrame()))
        row = {"Disease": data.short_label(Disease, d), "Remission / response": _pooled_cell(best[1]),
               "Definition": data.label(Outcome, best[0]) if best[0] and not best[1].empty else ""}
        for outcome in SAFETY_OUTCOMES:
            rows = _included(version, outcome, d) if (outcome, d) in pairs else pd.DataFrame()
            row[data.label(Outcome, outcome)] = _pooled_cell(rows)
        if any(v for k, v in row.items() if k != "Disease"):
            out.append(row)
    return pd.DataFrame(out)
