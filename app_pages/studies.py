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
from app_pages.common import (any_overlap, escape_md, facts_list, filter_choices, filter_options, filter_widgets,
                              filters_label, small_table)
from app_pages.i18n import N_, _, language, relabel, report_link, translated
from app_pages.list_table import list_table
from evidence.queries import TIMEPOINT_CODES, timepoint_text
from evidence.search import identifier
from evidence.links import doi_url, pubmed_url, web_url
from evidence.vocab import (
    SUBGROUP_ALL,
    Construct,
    Disease,
    NumberStatus,
    Population,
    ReportKind,
    Target,
    TrialPhase,
    expand_diseases,
)

FILTER_NAMES = ("disease", "target", "construct", "population", "phase", "kind")
PARAMS = (*FILTER_NAMES, "q", "year_from", "year_to", "report")
TABLE_COLUMNS = [N_("Details"), N_("Report"), N_("Year"), N_("Kind"), N_("Diseases"), N_("Target"), N_("Construct"),
                 N_("Population"), N_("Phase"), N_("Patients"), N_("Follow-up"), "PubMed", "DOI", N_("Registry")]
LABELS = {"Kind": (ReportKind, "kind"), "Diseases": (Disease, "diseases"), "Target": (Target, "target"),
          "Construct": (Construct, "construct"), "Population": (Population, "population"),
          "Phase": (TrialPhase, "phases")}


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


def _open(report_id: str) -> None:
    """A row chosen in the list opens that report's detail (below the list)."""
    st.session_state["report"] = report_id


def _table(shown: pd.DataFrame) -> None:
    list_table(relabel(shown.assign(Details=shown["report_id"].map(report_link)), LABELS)[TABLE_COLUMNS],
               key="studies_table", label=_("Studies"), ids=list(shown["report_id"]), on_select=_open,
               selected=st.session_state.get("report"), pinned=("Details", "Report"),
               formats={"Year": "year", "Patients": "int"}, helps={"Patients": _("Patients treated in this report")},
               links={"Details": _("open"), "PubMed": "PubMed", "DOI": "DOI", "Registry": _("Registry")})


def _detail(version: str, report_id: str) -> None:
    detail = data.report_detail(version, report_id)
    if detail is None:
        st.warning(_("That report is not in the database (the link may be older than the data)."))
        return
    r = detail["report"]
    st.subheader(escape_md(r["label"]), anchor=False)
    if detail.get("retracted"):
        st.error(_("PubMed marks this publication as retracted: its numbers are left out of every default analysis."))
    for notice in detail.get("corrections", []):
        st.caption(_("PubMed notice: {type} (PMID {pmid})").format(type=escape_md(notice.get("type", "")),
                                                                   pmid=escape_md(notice.get("pmid")) or "—"))
    st.text(r["title"] or "")  # stored text: shown as it is, never as Markdown
    # A clinical fact the report does not give is "not recorded", as a trial's is; an identifier it has none of, "—".
    unrecorded = _("not recorded")
    patients = unrecorded if r["n_treated"] is None else r["n_treated"]
    facts = {_("Kind"): _(data.label(ReportKind, r["kind"])), _("Patients"): patients,
             _("Data cut-off"): r["data_cutoff"] or unrecorded, _("Follow-up"): r["followup"] or unrecorded,
             _("Product"): r["product"] or unrecorded, _("Dose"): r["dose"] or unrecorded,
             _("Lymphodepletion"): r["lymphodepletion"] or unrecorded, "PMID": r["pmid"] or "—",
             "DOI": r["doi"] or "—", _("Web address"): r["url"] or "—"}
    facts_list(facts)
    _links(r)
    _outcomes(detail["outcomes"])
    if r["no_numbers_reason"]:
        st.caption(_("Why no numbers"))
        st.text(r["no_numbers_reason"])  # stored text: shown as it is
    _cohort(detail)
    _trials(detail)
    if r["notes"]:
        st.caption(_("Curator's note"))
        st.text(r["notes"])
    if detail["abstract"]:
        with st.expander(_("PubMed abstract")):
            st.text(detail["abstract"])


def _links(r: dict) -> None:
    """Buttons to the report's sources, each built only from an identifier that passed validation."""
    links = [(name, url) for name, url in (("PubMed", pubmed_url(r["pmid"])), ("DOI", doi_url(r["doi"])),
                                           (_("Source"), web_url(r["url"]))) if url]
    for col, (name, url) in zip(st.columns(6), links):
        col.link_button(name, url, icon=":material/open_in_new:", width="stretch")


# The report's numbers, each with where it was read: what a reader compares across rows comes first.
OUTCOME_COLUMNS = ("Outcome", "Subgroup", "Time point", "Events", "Patients", "Rate", "Status", "Default", "Variant",
                   "Definition", "Source")


def _outcomes(outcomes: pd.DataFrame) -> None:
    """Every number with its definition, source and status, whole: a static table, the notes under it.

    In a grid the definitions were cut and the source, its place and the
    status sat behind a sideways scroll, though they are what makes a
    number worth reading. Where in the source and the source share a
    column ("Table 1 — doi:…"), so that eleven columns fit a laptop's width;
    the notes (up to a thousand characters) are text of their own, under
    the table.
    """
    st.markdown(_("**Outcomes** — each number with its source and verification status"))
    if outcomes.empty:
        st.info(_("No outcome has been extracted from this report yet."))
        return
    words = translated(_outcome_words(outcomes), ("Outcome", "Subgroup"))
    shown = [c for c in OUTCOME_COLUMNS if c != "Variant" or words[c].fillna("").astype(str).str.strip().any()]
    small_table(words[shown], {"Events": "int", "Patients": "int", "Rate": "percent"}, breakable=("Source",))
    st.caption(_("Default ✓: the value used for pooling when sources differ."))
    notes = words[words["Note"].fillna("").str.strip() != ""]
    if not notes.empty:
        st.caption(_("Notes"))
        for outcome, subgroup, timepoint, note in notes[["Outcome", "Subgroup", "Time point", "Note"]].itertuples(
                index=False):
            st.text(f"{outcome} ({subgroup}, {timepoint or '—'}): {note}")  # stored text: shown as it is


def _outcome_words(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The outcome table's codes as words of the session's language (status labels, "whole cohort")."""
    out = relabel(outcomes.drop(columns=list(TIMEPOINT_CODES)), {"Status": (NumberStatus, "Status")})
    return out.assign(Source=[" — ".join(x for x in (where, source) if isinstance(x, str) and x.strip())
                              for where, source in zip(outcomes["Where"], outcomes["Source"])],
                      Subgroup=out["Subgroup"].map(lambda s: _("whole cohort") if s == SUBGROUP_ALL else s),
                      **{"Time point": [timepoint_text(t, m, language()) for t, m in
                                        zip(outcomes["timepoint"], outcomes["timepoint_months"])]})


def _cohort(detail: dict) -> None:
    cohort = detail["cohort"]
    st.markdown(_("**Cohort**"))
    if cohort:
        centre = cohort["centre"] or _("centre not stated")
        st.text(f"{cohort['name']} ({cohort['cohort_id']}) — {centre}"
                + (" · " + _("grouping inferred") if cohort["grouping_inferred"] else ""))
        if cohort["grouping_evidence"]:
            st.caption(_("Why these reports are one cohort: {evidence}").format(
                evidence=escape_md(cohort["grouping_evidence"])))
    for title, items in ((_("Supersedes"), detail["supersedes"]), (_("Superseded by"), detail["superseded_by"]),
                         (_("Other reports of this cohort"), detail["same_cohort"])):
        if items:
            st.markdown(f"{title}: " + "; ".join(escape_md(label) for _, label in items))


def _trials(detail: dict) -> None:
    st.markdown(_("**Registered trials**"))
    if detail["trials"].empty and not detail["unmatched_registry_ids"]:
        st.caption(_("No registry ID is given in this report."))
        return
    if not detail["trials"].empty:
        list_table(translated(detail["trials"], ("Status",)), key="report_trials", label=_("Registered trials"),
                   links={"Link": _("Open")})
    if detail["unmatched_registry_ids"]:
        st.caption(_("Registry IDs not in the trial table: {ids}").format(
            ids=escape_md(", ".join(detail["unmatched_registry_ids"]))))


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


def _filters_label() -> str:
    """The Filters popover's label: the chosen options and years ("Filters: Paediatric, 2023–")."""
    choices = filter_choices({n: state.value(n) for n in FILTER_NAMES})
    start, end = state.value("year_from"), state.value("year_to")
    if start or end:
        choices.append(f"{start or ''}–{end or ''}")
    return filters_label(choices)


def main() -> None:
    version = data.data_version()
    reports = data.reports_frame(version)
    state.bind(PARAMS, filter_options(FILTER_NAMES))
    st.title(_("Studies"))
    st.caption(_("Curated reports of CAR-T cell therapy in autoimmune disease. Search and filter in the sidebar; "
                 "select a row (or pick below) to see its numbers and sources."))
    with st.sidebar:
        st.text_input(_("Search titles and abstracts"), key="q", placeholder=_("e.g. nephritis, myositis, BCMA"))
        # In a popover: its widgets are drawn only when it is opened, which spares every first visit seven.
        with st.popover(_filters_label(), width="stretch"):
            filter_widgets(FILTER_NAMES, container=st)
            left, right = st.columns(2)
            left.number_input(_("From year"), min_value=2000, max_value=2100, step=1, key="year_from")
            right.number_input(_("To year"), min_value=2000, max_value=2100, step=1, key="year_to")
    filters = {n: state.value(n) for n in (*FILTER_NAMES, "year_from", "year_to")}
    q = state.value("q").strip()
    matched = data.search_reports(version, q) if q else None
    _go_straight(q, reports)
    shown = filter_reports(reports, filters, matched)
    if reports.empty:
        st.info(_("No curated reports in the database yet. Run `make db` (or `evidence init`) to load data/."))
    elif shown.empty:
        st.info(_("No report matches these filters. Remove a filter in the sidebar or shorten the search text."))
    else:
        total = int(shown["Patients"].fillna(0).sum())
        st.markdown(_("**{shown}** of {total} reports · {patients} patients treated "
                      "(summed over reports, so re-reported patients count more than once)").format(
            shown=len(shown), total=len(reports), patients=total))
        _table(shown)
    ids = [""] + list(shown["report_id"] if not shown.empty else [])
    if state.value("report") and state.value("report") not in ids:
        ids.append(state.value("report"))
    labels = dict(zip(reports.get("report_id", []), reports.get("Report", [])))
    choose = _("— choose a report —")
    st.selectbox(_("Report detail"), ids, key="report", format_func=lambda i: labels.get(i, i) or choose)
    state.publish(PARAMS)
    if state.value("report"):
        _detail(version, state.value("report"))


main()
