"""Overview: what has been tried, in how many patients, with what results, and what is new.

Answers a rheumatologist's first questions in a minute: the evidence map
(diseases × CAR targets), headline pooled remission and CRS/ICANS rates per
disease with their CIs (cohort-aware analysis set, GLMM), the latest
additions and trial changes, and when the data were last updated.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from app_pages import data, state
from evidence.digest import describe_change
from evidence.headline import CODE_COLUMNS, cell_selection
from evidence.queries import patients_counted_once

MEASURES = ["Reports", "Patients", "Trials"]
PARAMS = ("map", "days")
WINDOWS = {7: "Last 7 days", 30: "Last 30 days", 90: "Last 90 days", 365: "Last year"}


def _when(value: datetime | None) -> str:
    return value.strftime("%d %b %Y, %H:%M UTC") if value else "never"


def _status_line(version: str) -> None:
    status = data.update_status(version)
    counts = status["counts"]
    harvest = (f"Registries last harvested {_when(status['last_update'])}." if status["last_update"]
               else "No registry harvest has run yet: the data are the curated evidence base shipped in data/.")
    st.caption(f"{harvest} {counts['report']} reports of {counts['cohort']} cohorts, {counts['outcome']} sourced "
               f"numbers, {counts['trial']} registered trials, {counts['publication']} PubMed records.")


def _metrics(version: str) -> None:
    reports, trials = data.reports_frame(version), data.trials_frame(version)
    cols = st.columns(5)
    cols[0].metric("Reports", len(reports))
    cols[1].metric("Cohorts", reports["cohort_id"].nunique() if not reports.empty else 0)
    cols[2].metric("Patients", patients_counted_once(reports),
                   help="Latest report of each cohort, so re-reported patients count once")
    cols[3].metric("Registered trials", len(trials))
    cols[4].metric("Recruiting", int((trials["status"] == "RECRUITING").sum()) if not trials.empty else 0)


@st.fragment
def _evidence_map(version: str) -> None:
    """The map and its "Count" switch: switching reruns only this."""
    st.subheader("Evidence map", anchor=False)
    cells = data.evidence_map(version)
    if cells.empty:
        st.info("Nothing to map yet: load the curated data with `make db`.")
        return
    measure = st.segmented_control("Count", MEASURES, key="map") or "Reports"
    state.publish(PARAMS)  # a fragment rerun does not reach main's publish
    st.vega_lite_chart(data.evidence_map_spec(version, measure), width="stretch")
    st.caption("Patients: latest report of each cohort; a mixed-disease cohort counts in each of its diseases. "
               "Hover a cell for all three counts.")


def _headline(version: str) -> None:
    st.subheader("Headline rates per disease", anchor=False)
    st.caption("Pooled proportion (95% CI) over the cohort-aware analysis set, binomial-normal GLMM; "
               "k = studies, n = patients. Remission definitions differ by disease: the named definition reported by "
               "most studies is shown (a catch-all 'other definition' only when no named one exists). Open "
               "Meta-analysis for the forest plot and methods.")
    with st.spinner("Pooling per disease (once per data update)…"):
        table = data.headline(version)
    if table.empty:
        st.info("No outcome has been extracted yet.")
        return
    widths = {"Disease": 200, "Remission / response": 165, "Definition": 230}
    shown = table.drop(columns=list(CODE_COLUMNS)).replace("", "—")
    event = st.dataframe(shown, hide_index=True, width="stretch", key="headline", on_select="rerun",
                         selection_mode="single-cell", column_config={
                             c: st.column_config.TextColumn(c, width=widths.get(c, 140)) for c in shown.columns})
    st.caption("Click a rate to open its forest plot and the studies behind it.")
    cells = event.selection.cells if event else []
    target = cell_selection(table, *cells[0]) if cells else None
    if target:
        st.switch_page("app_pages/meta_analysis.py", query_params=target)


@st.fragment
def _whats_new(version: str) -> None:
    """The latest additions and their window: changing the window reruns only this."""
    st.subheader("What's new", anchor=False)
    days = st.segmented_control("Window", list(WINDOWS), key="days", format_func=WINDOWS.get) or 30
    state.publish(PARAMS)  # a fragment rerun does not reach main's publish
    news = data.digest(version, days)
    if not (news["new_publications"] or news["new_trials"] or news["trial_changes"]):
        st.info(f"Nothing new in the {WINDOWS[days].lower()} before the last update. New PubMed records, newly "
                "registered trials "
                "and trial changes (status, dates, enrollment) appear here after each harvest.")
        return
    st.caption(f"Since {_when(news['since'])}")
    left, right = st.columns(2)
    with left:
        st.markdown(f"**New publications** ({len(news['new_publications'])})")
        pubs = pd.DataFrame(news["new_publications"]).reindex(
            columns=["pmid", "title", "journal", "kind", "first_seen"])
        pubs["PubMed"] = "https://pubmed.ncbi.nlm.nih.gov/" + pubs["pmid"].astype(str) + "/"
        st.dataframe(pubs.head(50), hide_index=True, width="stretch",
                     column_config={"PubMed": st.column_config.LinkColumn(display_text="Open")})
        st.markdown(f"**New trials** ({len(news['new_trials'])})")
        st.dataframe(pd.DataFrame(news["new_trials"]).reindex(
            columns=["registry_id", "brief_title", "status", "sponsor", "first_seen"]).head(50),
            hide_index=True, width="stretch")
    with right:
        st.markdown(f"**Trial changes** ({len(news['trial_changes'])})")
        changes = pd.DataFrame(news["trial_changes"]).reindex(
            columns=["registry_id", "brief_title", "field", "old", "new", "observed_at"]).iloc[::-1].head(100)
        changes.insert(1, "change", [describe_change(c) for c in changes.to_dict("records")])
        st.dataframe(changes, hide_index=True, width="stretch")


def main() -> None:
    version = data.data_version()
    state.bind(PARAMS, {"map": MEASURES})
    if st.session_state["days"] not in WINDOWS:
        st.session_state["days"] = 30
    st.title("CAR-T cell therapy in autoimmune disease")
    st.markdown("A living evidence tracker: every published report and registered trial, with sourced numbers "
                "and honest pooling (one report per cohort).")
    _status_line(version)
    _metrics(version)
    _headline(version)  # the answer first; the map below it
    _evidence_map(version)
    _whats_new(version)
    state.publish(PARAMS)


main()
