"""Extraction: an included record becomes a report of a cohort, then sourced numbers, each checked at its field.

The rules are the curated loader's, applied by ``evidence.extraction``; a
refusal names its field and the page shows it under that field. Candidate
numbers read from the abstract are suggestions: "Use" copies one into the
form for the reviewer to check, correct and submit, "Discard" hides it;
nothing is entered by itself. A number enters ``unverified``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import escape_md
from app_pages.i18n import _
from app_pages.workbench_common import Result, field_error, flash, grid, marked_text, read, reviewer_or_stop, \
    show_flash, write
from evidence import audit, extraction
from evidence.candidates import find_candidates
from evidence.vocab import SUBGROUP_ALL, Disease, Outcome

NEW_COHORT = "__new__"
OUTCOMES = {o.value: _(o.label) for o in Outcome}
DISEASES = {d.value: d.label for d in Disease}
NUMBER_FIELDS = ("outcome", "subgroup", "variant", "events", "patients", "is_default", "definition", "timepoint",
                 "source", "source_location", "note")
NUMBER_ERRORS = "wb_o_errors"


def _errors_elsewhere(done: Result, shown: set[str]) -> None:
    """The refusal's message, with the field errors that have no place of their own on the form."""
    rest = [f"{name}: {message}" for name, message in done.fields.items() if name not in shown]
    st.error("\n\n".join([done.error or "", *rest]))


def _undo(change: str) -> None:
    done = write(lambda s, who: audit.undo(s, change, reviewer=who, why="undone on the extraction page"))
    flash("success" if done.ok else "error", _("Undone.") if done.ok else done.error)


# --- 1. the report ----------------------------------------------------------------------------------


def _create_report(pmid: str) -> None:
    draft = read(extraction.report_draft, pmid)
    suggestions = {s.cohort_id: s for s in read(extraction.suggest_cohorts, pmid)}
    cohorts = {c["cohort_id"]: c for c in read(extraction.cohort_choices)}
    options = [NEW_COHORT, *suggestions, *(c for c in cohorts if c not in suggestions)]

    def cohort_text(cohort_id: str) -> str:
        if cohort_id == NEW_COHORT:
            return _("A new cohort")
        why = "; ".join(suggestions[cohort_id].reasons) if cohort_id in suggestions else ""
        name = cohorts.get(cohort_id, {}).get("name", "")
        return f"{cohort_id} — {name}" + (" (" + _("suggested: {why}").format(why=why) + ")" if why else "")

    if suggestions:
        st.caption(_("Suggested cohorts share a registry ID, product, centre or author with this record."))
    cohort_id = st.selectbox(_("Cohort"), options, index=1 if suggestions else 0, key=f"wb_r_cohort_{pmid}",
                             format_func=cohort_text)
    with st.form(f"wb_report_{pmid}"):
        slots: dict[str, object] = {}
        new = {}
        if cohort_id == NEW_COHORT:
            cols = st.columns(2)
            new["cohort_id"] = cols[0].text_input(_("New cohort ID"), key=f"wb_c_id_{pmid}",
                                                  value=draft["report_id"].rsplit("-", 1)[0])
            new["name"] = cols[1].text_input(_("Cohort name"), key=f"wb_c_name_{pmid}")
            slots["name"] = st.empty()
            cols = st.columns(2)
            new["product"] = cols[0].text_input(_("Product"), key=f"wb_c_product_{pmid}")
            new["centre"] = cols[1].text_input(_("Centre"), key=f"wb_c_centre_{pmid}")
        slots["cohort_id"] = st.empty()
        cols = st.columns(2)
        report_id = cols[0].text_input(_("Report ID"), value=draft["report_id"], key=f"wb_r_id_{pmid}")
        label = cols[1].text_input(_("Label"), value=draft["label"], key=f"wb_r_label_{pmid}")
        slots["report_id"], slots["label"] = st.empty(), st.empty()
        treated = st.number_input(_("Patients treated"), min_value=0, step=1, value=None, key=f"wb_r_n_{pmid}")
        slots["n_treated"] = st.empty()
        earlier = cohorts.get(cohort_id, {}).get("reports", []) if cohort_id != NEW_COHORT else []
        supersedes = st.selectbox(_("Does this report supersede one of the cohort's reports (same patients, "
                                    "later data)?"), earlier, index=None, key=f"wb_r_sup_{pmid}",
                                  placeholder=_("No"), disabled=not earlier)
        slots["supersedes"] = st.empty()
        if not st.form_submit_button(_("Create the report"), type="primary"):
            return
    values = {"report_id": report_id.strip(), "label": label.strip(), "supersedes": supersedes,
              "n_treated": treated, "cohort_id": new.get("cohort_id", "").strip() or cohort_id}
    change = audit.new_change()

    def act(s, who):
        if cohort_id == NEW_COHORT:
            extraction.create_cohort(s, {k: v.strip() for k, v in new.items()}, reviewer=who, change=change)
        return extraction.create_report(s, pmid, values, reviewer=who, change=change).report_id

    done = write(act)
    if done.ok:
        flash("success", _("Report {report} created.").format(report=escape_md(done.value)), change)
        st.rerun()
    for name, slot in slots.items():
        field_error(slot, done.fields, name)
    _errors_elsewhere(done, set(slots))


def _attach(pmid: str) -> None:
    reports = {r["report_id"]: r for r in read(extraction.report_choices)}
    with st.form(f"wb_attach_{pmid}"):
        report_id = st.selectbox(_("Existing report"), list(reports), index=None, key=f"wb_a_report_{pmid}",
                                 format_func=lambda r: f"{r} — {reports[r]['label']}")
        if not st.form_submit_button(_("Attach the record")):
            return
    if report_id is None:
        st.error(_("Choose a report."))
        return
    done = write(lambda s, who: extraction.attach_record(s, report_id, pmid, reviewer=who,
                                                        why="attached on the extraction page").report_id)
    if done.ok:
        flash("success", _("PMID {pmid} attached to {report}.").format(pmid=escape_md(pmid),
                                                                       report=escape_md(done.value)))
        st.rerun()
    _errors_elsewhere(done, set())


# --- 2. the numbers ---------------------------------------------------------------------------------


def _use(candidate: dict, pmid: str) -> None:
    """Copy a candidate into the form (the reviewer checks and submits it)."""
    ss = st.session_state
    ss["wb_o_events"], ss["wb_o_patients"] = candidate["events"], candidate["patients"]
    if candidate["outcome"] in OUTCOMES:
        ss["wb_o_outcome"] = candidate["outcome"]
    ss["wb_o_note"], ss["wb_o_location"], ss["wb_o_source"] = candidate["sentence"], "abstract", f"PMID:{pmid}"


def _discard(pmid: str, index: int) -> None:
    st.session_state.setdefault(f"wb_discarded_{pmid}", set()).add(index)


def _candidates(pmid: str, abstract: str) -> None:
    found = find_candidates(abstract or "")
    discarded = st.session_state.get(f"wb_discarded_{pmid}", set())
    shown = [(i, c) for i, c in enumerate(found) if i not in discarded]
    with st.expander(_("Candidate numbers from the abstract ({n})").format(n=len(shown)), expanded=bool(shown)):
        st.caption(_("Suggestions only: use one to fill the form, then check it against the source."))
        for i, c in shown:
            cols = st.columns([6, 2, 1, 1])
            cols[0].markdown(escape_md(c.sentence))
            count = f"{c.events if c.events is not None else '?'} / {c.patients if c.patients is not None else '?'}"
            unknown = _("outcome?")
            cols[1].markdown(f"**{count}** · {escape_md(OUTCOMES.get(c.outcome or '', unknown))}"
                             + (f"  \n{escape_md(c.note)}" if c.note else ""))
            values = {"events": c.events, "patients": c.patients, "outcome": c.outcome, "sentence": c.sentence}
            cols[2].button(_("Use"), key=f"wb_use_{pmid}_{i}", on_click=_use, args=(values, pmid))
            cols[3].button(_("Discard"), key=f"wb_discard_{pmid}_{i}", on_click=_discard, args=(pmid, i))


def _add_number(report_id: str) -> None:
    """The number form's callback: enter the row, or keep the field errors for the next run."""
    ss = st.session_state
    values = {"report_id": report_id, "outcome": ss.get("wb_o_outcome"), "subgroup": ss.get("wb_o_subgroup"),
              "variant": (ss.get("wb_o_variant") or "").strip(), "events": ss.get("wb_o_events"),
              "patients": ss.get("wb_o_patients"), "is_default": bool(ss.get("wb_o_default")),
              "definition": (ss.get("wb_o_definition") or "").strip(),
              "timepoint": (ss.get("wb_o_timepoint") or "").strip(), "source": (ss.get("wb_o_source") or "").strip(),
              "source_location": (ss.get("wb_o_location") or "").strip(), "note": (ss.get("wb_o_note") or "").strip()}
    change = audit.new_change()
    done = write(lambda s, who: extraction.outcome_key(extraction.add_outcome(s, values, reviewer=who,
                                                                              change=change)))
    ss[NUMBER_ERRORS] = done.fields
    if done.ok:
        flash("success", _("Number {key} entered (unverified until a second reviewer checks it).").format(
            key=escape_md(done.value)), change)
        ss["wb_o_events"] = ss["wb_o_patients"] = None  # an empty form for the next number
        for name in ("variant", "definition", "timepoint", "location", "note"):
            ss[f"wb_o_{name}"] = ""
    else:
        flash("error", done.error)


def _number_form(pmid: str, report: dict) -> None:
    ss = st.session_state
    errors: dict[str, str] = ss.get(NUMBER_ERRORS, {})
    ss.setdefault("wb_o_source", f"PMID:{pmid}")
    ss.setdefault("wb_o_default", True)
    subgroups = [SUBGROUP_ALL, *report["diseases"]]
    with st.form("wb_number"):
        cols = st.columns(2)
        cols[0].selectbox(_("Outcome"), list(OUTCOMES), key="wb_o_outcome", format_func=lambda o: _(OUTCOMES[o]))
        cols[1].selectbox(_("Subgroup"), subgroups, key="wb_o_subgroup",
                          format_func=lambda d: _("All patients") if d == SUBGROUP_ALL else _(DISEASES.get(d, d)))
        field_error(cols[0], errors, "outcome")
        field_error(cols[1], errors, "subgroup")
        cols = st.columns(2)
        cols[0].number_input(_("Events"), min_value=0, step=1, value=None, key="wb_o_events")
        field_error(cols[0], errors, "events")
        cols[1].number_input(_("Patients"), min_value=0, step=1, value=None, key="wb_o_patients")
        field_error(cols[1], errors, "patients")
        cols = st.columns(2)
        cols[0].text_input(_("Definition"), key="wb_o_definition", placeholder="ASTCT 2019")
        cols[1].text_input(_("Time point"), key="wb_o_timepoint", placeholder=_("month 6"))
        cols = st.columns(2)
        cols[0].text_input(_("Source"), key="wb_o_source", help=_("PMID:…, DOI:… or a registry ID"))
        field_error(cols[0], errors, "source")
        cols[1].text_input(_("Where in the source"), key="wb_o_location",
                           placeholder=_("abstract · Table 2 · Figure 3 · supplement p. 4"))
        field_error(cols[1], errors, "source_location")
        st.text_area(_("Quoted sentence"), key="wb_o_note", height=80)
        cols = st.columns(2)
        cols[0].text_input(_("Variant (only for a second value of the same number)"), key="wb_o_variant")
        field_error(cols[0], errors, "variant")
        cols[1].checkbox(_("Default value of this number"), key="wb_o_default")
        field_error(cols[1], errors, "is_default")
        st.form_submit_button(_("Enter the number"), type="primary", on_click=_add_number, args=(report["report_id"],))
    rest = {k: v for k, v in errors.items() if k not in NUMBER_FIELDS}
    if rest:
        st.error("\n\n".join(f"{k}: {v}" for k, v in rest.items()))


def _numbers_table(report_id: str) -> None:
    numbers = read(extraction.report_numbers, report_id)
    if not numbers:
        return
    grid(pd.DataFrame([{_("Outcome"): OUTCOMES.get(n.outcome, n.outcome), _("Subgroup"): n.subgroup,
                                _("Variant"): n.variant, _("Events"): n.events, _("Patients"): n.patients,
                                _("Default"): n.is_default, _("Status"): n.status, _("Entered by"): n.entered_by,
                                _("Where in the source"): n.source_location} for n in numbers]),
                 hide_index=True, width="stretch")


def main() -> None:
    st.title(_("Extraction"))
    reviewer_or_stop()
    change = show_flash()
    if change:
        st.button(_("Undo that"), key="wb_x_undo", on_click=_undo, args=(change,))
    records = {r.pmid: r for r in read(extraction.included_records)}
    if not records:
        st.info(_("No included record yet: include records on the Screening page first."))
        return
    pmid = st.selectbox(_("Included record"), list(records), key="wb_x_pmid",
                        format_func=lambda p: f"{p} · {records[p].title[:100]}"
                        + (f" ({', '.join(records[p].reports)})" if records[p].reports else ""))
    record = records[pmid]
    st.markdown(f"### {escape_md(record.title)}")
    st.caption(" · ".join(escape_md(x) for x in (record.journal, record.pub_date, f"PMID {pmid}") if x))
    with st.expander(_("Abstract"), expanded=not record.reports):
        st.markdown(marked_text(record.abstract) if record.abstract else _("*No abstract.*"))
    st.subheader(_("1. Report and cohort"))
    if record.reports:
        st.success(_("This record is report {reports}.").format(reports=escape_md(", ".join(record.reports))))
    create, attach = st.tabs([_("Create a report"), _("Attach to an existing report")])
    with create:
        _create_report(pmid)
    with attach:
        _attach(pmid)
    st.subheader(_("2. Numbers"))
    if not record.reports:
        st.info(_("Create or attach a report first."))
        return
    reports = {r["report_id"]: r for r in read(extraction.report_choices) if r["report_id"] in record.reports}
    report_id = st.selectbox(_("Report"), list(reports), key="wb_x_report")
    _candidates(pmid, record.abstract)
    _number_form(pmid, reports[report_id])
    _numbers_table(report_id)


main()
