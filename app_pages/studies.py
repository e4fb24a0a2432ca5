"""Studies: the curated reports, filterable, with a detail view per report.

A report is one publication, abstract or press release of a cohort at a
cut-off. The detail view shows every number with its source and status, the
cohort and its supersedes chain, and the linked registered trials, so a
reader can check a figure against its source in one click.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import data, state
from app_pages.common import any_overlap, escape_md, filter_options, filter_widgets
from app_pages.i18n import _
from evidence.search import identifier
from evidence.links import doi_url, pubmed_url, web_url
from evidence.vocab import ReportKind, expand_diseases

FILTER_NAMES = ("disease", "target", "construct", "population", "phase", "kind")
PARAMS = (*FILTER_NAMES, "q", "year_from", "year_to", "report")
TABLE_COLUMNS = ["Details", "Report", "Year", "Kind", "Diseases", "Target", "Construct", "Population", "Phase",
                 "Patients", "Follow-up", "PubMed", "DOI", "Registry"]


def filter_reports(reports: pd.DataFrame, filters: dict, matched: list[str] | None) -> pd.DataFrame:
    """Reports matching every filter (lists: any of; years: inclusive; text: FTS hits)."""
    if reports.empty:
        return reports
    keep = pd.Series(True, index=reports.index)
    diseases = expand_diseases(filters.get("disease") or [])
    keep &= reports["diseases"].map(lambda v: any_overlap(v, diseases))
    keep &= reports["phases"].map(lambda v: any_overlap(v, filters.get("phase") or []))
    for name in ("target", "construct", "population", "kind"):
        if filters.get(name):
            keep &= reports[name].isin(filters[name])
    if filters.get("year_from"):
        keep &= reports["Year"].fillna(0) >= filters["year_from"]
    if filters.get("year_to"):
        keep &= reports["Year"].fillna(9999) <= filters["year_to"]
    if matched is not None:
        keep &= reports["report_id"].isin(matched)
    return reports[keep]


def _select_row(ids: list[str]) -> None:
    rows = st.session_state["studies_table"].selection.rows
    if rows:
        st.session_state["report"] = ids[rows[0]]


def _table(shown: pd.DataFrame) -> None:
    ids = list(shown["report_id"])
    st.dataframe(
        shown.assign(Details="studies?report=" + shown["report_id"])[TABLE_COLUMNS], hide_index=True,
        width="stretch", key="studies_table", on_select=lambda: _select_row(ids),
        selection_mode="single-row",
        column_config={
            "Details": st.column_config.LinkColumn(display_text=_("report page"), width="small"),
            "Year": st.column_config.NumberColumn(format="%d"),
            "Patients": st.column_config.NumberColumn(help="Patients treated in this report"),
            "PubMed": st.column_config.LinkColumn(display_text="PubMed"),
            "DOI": st.column_config.LinkColumn(display_text="DOI"),
            "Registry": st.column_config.LinkColumn(display_text="Registry"),
        })


def _detail(version: str, report_id: str) -> None:
    detail = data.report_detail(version, report_id)
    if detail is None:
        st.warning("That report is not in the database (the link may be older than the data).")
        return
    r = detail["report"]
    st.subheader(escape_md(r["label"]), anchor=False)
    if detail.get("retracted"):
        st.error("PubMed marks this publication as retracted: its numbers are left out of every default analysis.")
    for notice in detail.get("corrections", []):
        st.caption(f"PubMed notice: {notice.get('type', '')} (PMID {notice.get('pmid') or '—'})")
    st.text(r["title"] or "")  # stored text: shown as it is, never as Markdown
    facts = {"Kind": data.label(ReportKind, r["kind"]), "Patients": r["n_treated"],
             "Data cut-off": r["data_cutoff"] or "—", "Follow-up": r["followup"] or "—",
             "Product": r["product"] or "—",
             "Dose": r["dose"] or "—", "Lymphodepletion": r["lymphodepletion"] or "—", "PMID": r["pmid"] or "—",
             "DOI": r["doi"] or "—", "Web address": r["url"] or "—"}
    st.dataframe(pd.DataFrame([facts]).astype(str), hide_index=True, width="stretch")
    _links(r)
    _outcomes(detail["outcomes"])
    if r["no_numbers_reason"]:
        st.caption("Why no numbers")
        st.text(r["no_numbers_reason"])  # stored text: shown as it is
    _cohort(detail)
    _trials(detail)
    if r["notes"]:
        st.caption("Curator's note")
        st.text(r["notes"])
    if detail["abstract"]:
        with st.expander("PubMed abstract"):
            st.text(detail["abstract"])


def _links(r: dict) -> None:
    """Buttons to the report's sources, each built only from an identifier that passed validation."""
    links = [(label, url) for label, url in (("PubMed", pubmed_url(r["pmid"])), ("DOI", doi_url(r["doi"])),
                                             ("Source", web_url(r["url"]))) if url]
    for col, (label, url) in zip(st.columns(6), links):
        col.link_button(label, url, icon=":material/open_in_new:", width="stretch")


def _outcomes(outcomes: pd.DataFrame) -> None:
    st.markdown("**Outcomes** — each number with its source and verification status")
    if outcomes.empty:
        st.info("No outcome has been extracted from this report yet.")
        return
    st.dataframe(outcomes, hide_index=True, width="stretch", column_config={
        "Rate": st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1),
        "Default": st.column_config.CheckboxColumn(help="The value used for pooling when sources differ")})


def _cohort(detail: dict) -> None:
    cohort = detail["cohort"]
    st.markdown("**Cohort**")
    if cohort:
        st.text(f"{cohort['name']} ({cohort['cohort_id']}) — {cohort['centre'] or 'centre not stated'}"
                + (" · grouping inferred" if cohort["grouping_inferred"] else ""))
        if cohort["grouping_evidence"]:
            st.caption("Why these reports are one cohort: " + escape_md(cohort["grouping_evidence"]))
    for title, items in (("Supersedes", detail["supersedes"]), ("Superseded by", detail["superseded_by"]),
                         ("Other reports of this cohort", detail["same_cohort"])):
        if items:
            st.markdown(f"{title}: " + "; ".join(escape_md(label) for _, label in items))


def _trials(detail: dict) -> None:
    st.markdown("**Registered trials**")
    if detail["trials"].empty and not detail["unmatched_registry_ids"]:
        st.caption("No registry ID is given in this report.")
        return
    if not detail["trials"].empty:
        st.dataframe(detail["trials"], hide_index=True, width="stretch",
                     column_config={"Link": st.column_config.LinkColumn(display_text="Open")})
    if detail["unmatched_registry_ids"]:
        st.caption("Registry IDs not in the trial table: " + ", ".join(detail["unmatched_registry_ids"]))


def _go_straight(q: str, reports: pd.DataFrame) -> None:
    """A PMID typed alone opens its report; a registry ID typed alone links to its trial."""
    named = identifier(q)
    if named is None:
        return
    if named.kind == "pmid" and st.session_state.get("_went_straight") != q:
        ids = list(reports.loc[reports["pmid"] == named.value, "report_id"]) if not reports.empty else []
        if len(ids) == 1:
            st.session_state["_went_straight"] = q  # once per query: the reader may then close the detail
            st.session_state["report"] = ids[0]
    elif named.kind == "registry":
        st.page_link("app_pages/trials.py", label=_("Open trial {id} on the Trials page").format(id=named.value),
                     icon=":material/clinical_notes:", query_params={"trial": named.value})


def main() -> None:
    version = data.data_version()
    reports = data.reports_frame(version)
    state.bind(PARAMS, filter_options(FILTER_NAMES))
    st.title("Studies")
    st.caption("Curated reports of CAR-T cell therapy in autoimmune disease. Filter on the left; "
               "select a row (or pick below) to see its numbers and sources.")
    with st.sidebar:
        st.text_input("Search titles and abstracts", key="q", placeholder="e.g. nephritis, myositis, BCMA")
        filter_widgets(FILTER_NAMES)
        left, right = st.columns(2)
        left.number_input("From year", min_value=2000, max_value=2100, step=1, key="year_from")
        right.number_input("To year", min_value=2000, max_value=2100, step=1, key="year_to")
    filters = {n: state.value(n) for n in (*FILTER_NAMES, "year_from", "year_to")}
    q = state.value("q").strip()
    matched = data.search_reports(version, q) if q else None
    _go_straight(q, reports)
    shown = filter_reports(reports, filters, matched)
    if reports.empty:
        st.info("No curated reports in the database yet. Run `make db` (or `evidence init`) to load data/.")
    elif shown.empty:
        st.info("No report matches these filters. Remove a filter in the sidebar or shorten the search text.")
    else:
        total = int(shown["Patients"].fillna(0).sum())
        st.markdown(f"**{len(shown)}** of {len(reports)} reports · {total} patients treated "
                    "(summed over reports, so re-reported patients count more than once)")
        _table(shown)
    ids = [""] + list(shown["report_id"] if not shown.empty else [])
    if state.value("report") and state.value("report") not in ids:
        ids.append(state.value("report"))
    labels = dict(zip(reports.get("report_id", []), reports.get("Report", [])))
    st.selectbox("Report detail", ids, key="report",
                 format_func=lambda i: labels.get(i, i) or "— choose a report —")
    state.publish(PARAMS)
    if state.value("report"):
        _detail(version, state.value("report"))


main()
