"""Dual screening: the records two reviewers decided differently, settled by a third or by agreement; kappa.

A resolving decision is recorded as the settling reviewer's own decision
(``resolves_conflict``), so the trail keeps both original answers and who
settled them. Cohen's kappa is computed per pair of reviewers on the records
both decided, adjudication left out.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import auth
from app_pages.common import escape_md
from app_pages.i18n import _
from app_pages.workbench_common import DECISIONS, decision_label, flash, grid, read, reviewer_or_stop, show_flash, write
from evidence import screening
from evidence.roles import Action
from evidence.vocab import ScreeningStage


def _agreement(stage: str) -> None:
    pairs = read(screening.agreement, stage)
    st.subheader(_("Agreement between reviewers"))
    if not pairs:
        st.info(_("Agreement needs two reviewers who screened the same records."))
        return
    grid(pd.DataFrame([{
        _("Reviewers"): " – ".join(p.reviewers), _("Records both decided"): p.records,
        _("Observed agreement"): p.agreement, _("Cohen's kappa"): p.kappa} for p in pairs]),
        hide_index=True, width="stretch", column_config={
            _("Observed agreement"): st.column_config.NumberColumn(format="percent"),
            _("Cohen's kappa"): st.column_config.NumberColumn(format="%.2f")})
    st.caption(_("Kappa is empty where it is undefined (no shared records, or one same answer throughout)."))


def _settle(conflict: screening.Conflict, title: str, reasons: dict[str, str]) -> None:
    pmid = conflict.pmid
    with st.container(border=True):
        st.markdown(f"**{escape_md(title) or pmid}** · PMID {pmid}")
        grid(pd.DataFrame([{_("Reviewer"): who, _("Decision"): answer}
                                   for who, answer in conflict.decisions.items()]), hide_index=True)
        with st.form(f"wb_settle_{pmid}"):
            cols = st.columns(3)
            decision = cols[0].selectbox(_("Decision that stands"), list(DECISIONS), key=f"wb_settle_d_{pmid}",
                                         format_func=lambda d: decision_label(d))
            reason = cols[1].selectbox(_("Exclusion reason"), list(reasons), index=None, key=f"wb_settle_r_{pmid}",
                                       format_func=lambda c: _(reasons[c]), placeholder=_("Only to exclude"))
            words = cols[2].text_input(_("Why"), key=f"wb_settle_w_{pmid}")
            if st.form_submit_button(_("Settle")):
                done = write(lambda s, who: screening.decide(
                    s, pmid, decision, reviewer=who, reason=reason, reason_text=words, stage=conflict.stage,
                    why=words, resolves_conflict=True).pmid)
                if done.ok:
                    flash("success", _("PMID {pmid} settled: {decision}.").format(pmid=pmid,
                                                                                 decision=decision_label(decision)))
                    st.rerun()
                st.error(done.error)


def main() -> None:
    st.title(_("Dual screening: conflicts"))
    reviewer_or_stop()
    if not auth.may(Action.RESOLVE):  # screeners stay blind to each other's decisions
        st.info(_("Conflicts are settled by a verifier or an administrator; screeners do not see each other's "
                  "decisions, so that dual screening stays blind."), icon=":material/visibility_off:")
        st.stop()
    show_flash()
    stage = st.selectbox(_("Stage"), [s.value for s in ScreeningStage], key="wb_conflict_stage",
                         format_func=lambda s: _(ScreeningStage(s).label))
    _agreement(stage)
    found = read(screening.conflicts, stage)
    st.subheader(_("Conflicts ({n})").format(n=len(found)))
    if not found:
        st.success(_("No conflicts: every record two reviewers decided has one decision that stands."))
        return
    titles = {pmid: item.title for pmid, item in read(screening.records, [c.pmid for c in found]).items()}
    reasons = {r.code: r.label for r in read(screening.exclusion_reasons)}
    for conflict in found:
        _settle(conflict, titles.get(conflict.pmid, ""), reasons)


main()
