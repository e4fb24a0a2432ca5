"""History: the audit trail of each number, the latest actions with their undo, and the trail as CSV.

An undo is itself a recorded action; the library refuses one whose rows
changed afterwards (undo the later action first), and the page says so.
"""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from app_pages.i18n import _, label, translator_now
from app_pages.workbench_common import flash, grid, read, reviewer_or_stop, show_flash, write
from evidence import audit
from evidence.vocab import AuditAction, label_of

def _entity(name: str) -> str:
    return {"screening": _("Screening"), "exclusion_reason": _("Exclusion reason"), "cohort": _("Cohort"),
            "report": _("Report"), "outcome": _("Number"), "trial": _("Trial"),
            "team_member": _("Team member")}.get(name, name)


def _trail(entries: list) -> pd.DataFrame:
    return pd.DataFrame([{_("When"): e.at, _("Who"): e.reviewer, _("Action"): label(AuditAction, e.action),
                          _("Field"): e.field,
                          _("Old value"): e.old, _("New value"): e.new, _("Why"): e.why, _("Action id"): e.change}
                         for e in entries])


def _undo(change: str, why: str) -> None:
    done = write(lambda s, who: audit.undo(s, change, reviewer=who, why=why or "undone on the history page"))
    flash("success" if done.ok else "error", _("Undone.") if done.ok else done.error)


def _numbers() -> None:
    st.subheader(_("History of a number"))
    keys = list(dict.fromkeys(row for a in read(audit.recent_actions, 500, "outcome") for row in a.rows))
    if not keys:
        st.caption(_("No number has been entered or changed in the workbench yet."))
        return
    wanted = st.query_params.get("number")
    key = st.selectbox(_("Number (report | outcome | subgroup | variant)"), keys, key="wb_h_number",
                       index=keys.index(wanted) if wanted in keys else 0)
    grid(_trail(read(audit.history, "outcome", key)), hide_index=True, width="stretch")


def _actions() -> None:
    st.subheader(_("Latest actions"))
    actions = read(audit.recent_actions, 100)
    if not actions:
        st.caption(_("The trail is empty."))
        return
    grid(pd.DataFrame([{_("When"): a.at, _("Who"): a.reviewer, _("Action"): label(AuditAction, a.action),
                                _("What"): _entity(a.entity), _("Rows"): ", ".join(a.rows), _("Why"): a.why,
                                _("Action id"): a.change} for a in actions]), hide_index=True, width="stretch")
    # A role change is the administrator's to make again (`evidence users set-role`), never undone here.
    by_id = {a.change: a for a in actions if a.entity != audit.TEAM_MEMBER}
    tr = translator_now()  # format_func may run after the script
    with st.form("wb_undo"):
        st.selectbox(_("Action to undo"), list(by_id), key="wb_h_change", format_func=lambda c: (
            f"{by_id[c].at:%Y-%m-%d %H:%M} · {by_id[c].reviewer} · {tr(label_of(AuditAction, by_id[c].action))} "
            f"{_entity(by_id[c].entity)} "
            f"{', '.join(by_id[c].rows)[:80]}"))
        st.text_input(_("Why"), key="wb_h_why")
        st.form_submit_button(_("Undo"), on_click=lambda: _undo(st.session_state["wb_h_change"],
                                                               st.session_state.get("wb_h_why", "")))


def main() -> None:
    st.title(_("History"))
    reviewer_or_stop()
    show_flash()
    _numbers()
    _actions()
    out = io.StringIO()
    rows = read(audit.export_csv, out)
    st.download_button(_("Audit trail (CSV, {n} rows)").format(n=rows), out.getvalue().encode("utf-8"),
                       file_name="audit-trail.csv", mime="text/csv", key="wb_h_csv")


main()
