"""The analysis a reviewer has chosen (outcome, filters, method) and what it computes.

Shared by the Meta-analysis and Export pages so the figure downloaded is the
figure shown: both read the same whitelisted parameters (kept for the
session and mirrored in the URL by ``app_pages.state``, so moving between
the pages keeps them) into a ``Selection`` and call ``compute`` (cached
underneath), which takes the
cohort-aware analysis set from ``evidence.analysis_set`` and pools the
included rows with ``analysis``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import charts, data, pooled, state
from app_pages.common import filter_options, filter_widgets
from evidence.vocab import Construct, Disease, Outcome, Population, ReportKind, Target

FILTER_NAMES = ("disease", "target", "construct", "population", "kind")
METHOD_NAMES = ("model", "transform", "tau2", "ci")
PARAMS = ("outcome", *FILTER_NAMES, "cohort_aware", *METHOD_NAMES, "by")
BY = {"none": "No subgroups", "subgroup": "Disease", "target": "CAR target", "construct": "Construct",
      "population": "Population", "kind": "Report kind"}
BY_VOCAB = {"subgroup": Disease, "target": Target, "construct": Construct, "population": Population,
            "kind": ReportKind}


@dataclass(frozen=True)
class Selection:
    """Everything that determines an analysis (hashable, so it can key caches)."""

    outcome: str = "remission_doris"
    diseases: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    constructs: tuple[str, ...] = ()
    populations: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    cohort_aware: bool = True
    method: pooled.Method = field(default_factory=pooled.Method)
    by: str = "none"


@dataclass
class Analysis:
    """The analysis set and, when anything is included, the pooled result and forest rows."""

    selection: Selection
    rows: pd.DataFrame
    included: pd.DataFrame
    result: Any = None
    subgroups: Any = None
    forest: pd.DataFrame | None = None


def outcome_options(version: str) -> list[str]:
    """Outcomes with data first (most-reported first), then the rest of the vocabulary."""
    counts = data.outcome_counts(version)
    with_data = sorted(counts, key=lambda o: (-counts[o], o))
    return with_data + [o.value for o in Outcome if o.value not in counts]


def widgets(version: str) -> None:
    """The outcome, filter and method widgets (sidebar), bound to query parameters."""
    counts = data.outcome_counts(version)
    options = outcome_options(version)
    state.bind(PARAMS, {**filter_options(FILTER_NAMES), "outcome": options, "model": list(pooled.MODELS),
                        "transform": list(pooled.TRANSFORMS), "tau2": list(pooled.TAU2), "ci": list(pooled.CIS),
                        "by": list(BY)})
    with st.sidebar:
        st.selectbox("Outcome", options, key="outcome",
                     format_func=lambda o: f"{data.label(Outcome, o)} ({counts.get(o, 0)} reports)")
        filter_widgets(FILTER_NAMES)
        st.toggle("One report per cohort (cohort-aware)", key="cohort_aware",
                  help="Off: every report is pooled, so re-reported patients are counted more than once "
                       "(a sensitivity analysis only).")
        st.selectbox("Subgroups", list(BY), key="by", format_func=BY.get)
        with st.expander("Method", expanded=state.value("model") != "glmm"):
            st.selectbox("Model", list(pooled.MODELS), key="model", format_func=pooled.MODELS.get)
            st.selectbox("Transformation", list(pooled.TRANSFORMS), key="transform", format_func=pooled.TRANSFORMS.get,
                         disabled=state.value("model") == "glmm", help="The GLMM works on the logit scale.")
            st.selectbox("τ² estimator", list(pooled.TAU2), key="tau2", format_func=pooled.TAU2.get,
                         disabled=state.value("model") != "re")
            st.selectbox("Confidence interval", list(pooled.CIS), key="ci", format_func=pooled.CIS.get)


def current() -> Selection:
    """The selection in session state (after ``widgets`` ran)."""
    v = state.value
    return Selection(outcome=v("outcome"), diseases=tuple(v("disease")), targets=tuple(v("target")),
                     constructs=tuple(v("construct")), populations=tuple(v("population")), kinds=tuple(v("kind")),
                     cohort_aware=bool(v("cohort_aware")),
                     method=pooled.Method(v("model"), "logit" if v("model") == "glmm" else v("transform"),
                                          v("tau2"), v("ci")), by=v("by"))


def group_label(by: str, code: str) -> str:
    if code == "all":
        return "Mixed diseases (not split)"
    return data.label(BY_VOCAB[by], code) if by in BY_VOCAB else code


def compute(version: str, sel: Selection) -> Analysis:
    """Analysis set → pooled result (+ subgroups) → forest rows."""
    rows = data.analysis_rows(version, sel.outcome, sel.diseases, sel.targets, sel.constructs, sel.populations,
                              sel.kinds, sel.cohort_aware)
    included = rows[rows["included"]].reset_index(drop=True)
    out = Analysis(sel, rows, included)
    if included.empty:
        return out
    args = (tuple(int(x) for x in included["events"]), tuple(int(x) for x in included["patients"]),
            tuple(included["study_label"]))
    if sel.by != "none":
        groups = tuple(str(g) if g is not None else "not stated" for g in included[sel.by])
        sub = pooled.pool_subgroups(*args, groups, sel.method)
        out.result, out.subgroups = sub.overall, sub
        labels = {g: group_label(sel.by, g) for g in sub.subgroups}
        out.forest = charts.forest_rows(sub.overall, sub.subgroups, labels)
    else:
        out.result = pooled.pool(*args, sel.method)
        out.forest = charts.forest_rows(out.result)
    return out


def order_keys(included: pd.DataFrame) -> tuple[str, ...]:
    """Date order for cumulative pooling: data cut-off, else publication year."""
    return tuple((c or (str(int(y)) if pd.notna(y) else "9999")) for c, y in
                 zip(included["data_cutoff"], included["year"]))


def _engine_notes(r: Any) -> list[str]:
    """The pooling engine's notes, with its internal field names turned into numbers a reader can use."""
    out = []
    for note in r.notes:
        if "population_averaged" in note:
            avg = (r.extra or {}).get("population_averaged")
            note = ("The GLMM's pooled value is the rate of a typical (median) study"
                    + (f"; averaged over studies it is {100 * avg:.0f}%." if avg is not None else "."))
        out.append(note)
    return out


def _mixed_definitions(outcome: str) -> bool:
    try:
        return Outcome(outcome).mixed_definitions
    except ValueError:
        return False


def plain_notes(a: Analysis) -> list[str]:
    """What a careful reader should know about this analysis, in plain words."""
    notes: list[str] = []
    inc, r = a.included, a.result
    k, events = len(inc), int(inc["events"].sum()) if not inc.empty else 0
    if 1 < k < 5:
        notes.append(f"Only {k} studies: the confidence interval and the heterogeneity estimate (τ², I²) are "
                     "imprecise, and the prediction interval is wide. Read the pooled value as provisional.")
    if k and (events < 10 or (inc["events"] == 0).any() or (inc["events"] == inc["patients"]).any()):
        notes.append(f"Sparse events ({events} events in {int(inc['patients'].sum())} patients, or studies with "
                     "0 or all events): the GLMM is preferred over transformed inverse-variance methods here.")
    if _mixed_definitions(a.selection.outcome) and inc["definition"].nunique() > 1:
        notes.append("This outcome gathers different definitions (each study's own is in the analysis set): "
                     "the pooled value mixes them, so quote it only with that caveat.")
    excluded = a.rows[~a.rows["included"]]
    for row in excluded.itertuples():
        notes.append(f"Excluded {row.study_label}: {row.reason}.")
    if not a.selection.cohort_aware:
        notes.append("Cohort-aware selection is OFF: patients reported more than once are counted more than once.")
    flagged = inc[inc["status"].isin(["conflicting", "secondary", "unverified"])]
    for row in flagged.itertuples():
        notes.append(f"{row.study_label}: number is '{row.status}' (see its source on the Studies page).")
    if r is not None:
        notes.extend(_engine_notes(r))
        if r.fallback:
            notes.append(f"Fallback used: {r.fallback}.")
    return notes
