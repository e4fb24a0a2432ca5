"""Verification: a second reviewer, who did not enter a number, confirms it against its source or corrects it.

The library refuses a reviewer who entered or changed the number; the page
says so. Numbers entered more than once with different counts are shown side
by side, and the value to pool is chosen there (adjudication, recorded).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import cell_text, escape_md
from app_pages.i18n import _, label
from app_pages.workbench_common import flash, grid, read, reviewer_or_stop, show_flash, write
from evidence import extraction
from evidence.vocab import SUBGROUP_ALL, Disease, Outcome

OUTCOMES = {o.value: _(o.label) for o in Outcome}


def _verify(key: str) -> None:
    done = write(lambda s, who: extraction.verify_outcome(s, key, reviewer=who).status)
    flash("success" if done.ok else "error",
          _("Number {key} verified.").format(key=escape_md(key)) if done.ok else
          "; ".join([done.error or "", *done.fields.values()]))


def _subgroup(code: str) -> str:
    """Whom a number counts: "whole cohort" or the disease subgroup, in the session's language."""
    return _("whole cohort") if code == SUBGROUP_ALL else label(Disease, code)


def _number(n: extraction.Number, reviewer: str) -> None:
    with st.container(border=True):
        st.markdown(f"**{escape_md(n.report_id)}** · {escape_md(_(OUTCOMES.get(n.outcome, n.outcome)))} · "
                    f"{escape_md(_subgroup(n.subgroup))}" + (f" · {escape_md(n.variant)}" if n.variant else ""))
        cols = st.columns(4)
        cols[0].metric(_("Events / patients"), f"{n.events} / {n.patients}")
        cols[1].markdown(_("Source: {source}  \nWhere: {where}").format(source=escape_md(n.source),
                                                                         where=escape_md(n.source_location)))
        cols[2].markdown(_("Definition: {definition}  \nTime point: {timepoint}").format(
            definition=escape_md(n.definition) or "—", timepoint=escape_md(n.timepoint) or "—"))
        cols[3].markdown(_("Entered by {who}").format(who=escape_md(n.entered_by or "—")))
        if n.note:
            st.text(n.note)  # the quoted sentence: text, as it was entered
        if reviewer in n.hands:
            st.caption(_("You entered or changed this number: another reviewer verifies it."))
        cols = st.columns([1, 1, 3])
        cols[0].button(_("Verify against the source"), key=f"wb_verify_{n.key}", on_click=_verify, args=(n.key,),
                       type="primary")
        cols[1].page_link("app_pages/workbench_history.py", label=_("History"), icon=":material/history:",
                          query_params={"number": n.key})
        with cols[2].expander(_("Correct it")):
            with st.form(f"wb_correct_{n.key}"):
                c = st.columns(3)
                events = c[0].number_input(_("Events"), min_value=0, step=1, value=n.events, key=f"wb_ce_{n.key}")
                patients = c[1].number_input(_("Patients"), min_value=0, step=1, value=n.patients,
                                             key=f"wb_cp_{n.key}")
                why = c[2].text_input(_("Why"), key=f"wb_cw_{n.key}")
                if st.form_submit_button(_("Save the correction")):
                    done = write(lambda s, who: extraction.outcome_key(extraction.correct_outcome(
                        s, n.key, {"events": events, "patients": patients}, reviewer=who, why=why)))
                    if done.ok:
                        flash("success", _("Number {key} corrected; it waits for verification again.").format(
                            key=escape_md(done.value)))
                        st.rerun()
                    st.error("; ".join([done.error or "", *done.fields.values()]))


def _disagreements() -> None:
    found = read(extraction.disagreements)
    st.subheader(_("Disagreements ({n})").format(n=len(found)))
    if not found:
        st.caption(_("No number has two values that differ."))
        return
    for d in found:
        with st.container(border=True):
            st.markdown(f"**{escape_md(d.report_id)}** · {escape_md(_(OUTCOMES.get(d.outcome, d.outcome)))} · "
                        f"{escape_md(_subgroup(d.subgroup))}")
            values = [{**v, "variant": v["variant"] or _("(first value)"), "by": v["by"] or _("curated data")}
                      for v in d.values]
            frame = pd.DataFrame(values).rename(columns={
                "variant": _("Variant"), "events": _("Events"), "patients": _("Patients"), "is_default": _("Default"),
                "status": _("Status"), "source_location": _("Where in the source"), "note": _("Quoted sentence"),
                "by": _("Entered by")})
            # side by side: a row per field, each value as a table writes it (a blank "—", never "None")
            grid(frame.set_index(_("Variant")).T.map(cell_text), width="stretch")
            ident = f"{d.report_id}|{d.outcome}|{d.subgroup}"
            with st.form(f"wb_adjudicate_{ident}"):
                c = st.columns(2)
                variant = c[0].selectbox(_("Value to pool"), [v["variant"] for v in d.values],
                                         format_func=lambda v: v or _("(first value)"), key=f"wb_adj_v_{ident}")
                why = c[1].text_input(_("Why"), key=f"wb_adj_w_{ident}")
                if st.form_submit_button(_("Make it the default")):
                    done = write(lambda s, who: extraction.choose_default(
                        s, d.report_id, d.outcome, d.subgroup, variant, reviewer=who, why=why).variant)
                    if done.ok:
                        flash("success", _("Adjudicated."))
                        st.rerun()
                    st.error("; ".join([done.error or "", *done.fields.values()]))


def main() -> None:
    st.title(_("Verification"))
    reviewer = reviewer_or_stop()
    show_flash()
    numbers = read(extraction.numbers_to_verify)
    st.caption(_("Verifying as {reviewer}. A number is verified only by a reviewer who did not enter or change "
                 "it, after reading it in the source.").format(reviewer=escape_md(reviewer)))
    st.subheader(_("Numbers waiting for a second reviewer ({n})").format(n=len(numbers)))
    if not numbers:
        st.success(_("Nothing waits for verification."))
    for n in numbers:
        _number(n, reviewer)
    _disagreements()


main()
