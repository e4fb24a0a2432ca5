"""Screening: one harvested record at a time, decided with one choice and Enter; bulk actions on a filtered set.

The queue is the reviewer's own (blind: other reviewers' decisions are not
shown). A decision is written by the form's callback before the page runs
again, so the next record appears at once. The "key" box takes ``i``, ``m``
or ``e`` + the number of an exclusion reason (``e3``, ``e7 wrong dose``) for
a reviewer who keeps the hands on the keyboard.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import escape_md
from app_pages.i18n import _, ngettext
from app_pages.workbench_common import DECISIONS, decision_label, flash, grid, marked_text, parse_key, read, \
    reviewer_or_stop, show_flash, write
from evidence import audit, duplicates, screening
from evidence.vocab import PublicationKind, ScreeningDecision, ScreeningStage

KIND_LABELS = {k.value: _(k.label) for k in PublicationKind}


def _decide(pmid: str, stage: str, reasons: list[str]) -> None:
    """The form's callback: record the decision, keep a message (with the action id to undo) for the next run."""
    ss = st.session_state
    key_text = ss.get(f"wb_key_{pmid}", "") or ""
    try:
        if key_text.strip():
            decision, reason, words = parse_key(key_text, reasons)
        else:
            decision, reason, words = ss.get(f"wb_decision_{pmid}"), ss.get(f"wb_reason_{pmid}"), \
                ss.get(f"wb_words_{pmid}", "")
            if decision is None:
                raise ValueError(_("Choose include, maybe or exclude."))
    except ValueError as exc:
        flash("error", str(exc))
        return
    _record_decision(pmid, stage, decision, reason, words or "")


def _record_decision(pmid: str, stage: str, decision: str, reason: str | None = None, words: str = "") -> None:
    """Write one decision and keep a message, with the action id for its undo button, for the next run."""
    change = audit.new_change()
    done = write(lambda s, who: screening.decide(s, pmid, decision, reviewer=who, reason=reason,
                                                 reason_text=words, stage=stage, change=change).pmid)
    if done.ok:
        flash("success", _("PMID {pmid}: {decision}.").format(pmid=pmid, decision=decision_label(decision)), change)
    else:
        flash("error", done.error)


def _undo(change: str) -> None:
    done = write(lambda s, who: audit.undo(s, change, reviewer=who, why="undone on the screening page"))
    flash("success" if done.ok else "error", _("Undone.") if done.ok else done.error)


def _record(item: screening.QueueItem, reasons: dict[str, str], stage: str) -> None:
    no_title = _("(no title)")
    st.markdown(f"### {escape_md(item.title) or no_title}")
    kind = KIND_LABELS.get(item.kind, item.kind)
    st.caption(" · ".join(escape_md(x) for x in (item.journal, item.pub_date, _(kind), f"PMID {item.pmid}",
                                                   f"DOI {item.doi}" if item.doi else "") if x))
    if item.duplicate_of:
        st.warning(_("Possible duplicate of: {records}. Decide it with its group in mind (nothing is dropped).")
                   .format(records=escape_md(", ".join(item.duplicate_of))), icon=":material/content_copy:")
    for link in item.trials:
        where = _("a trial of the base") if link.in_base else _("not in the base")
        st.caption(_("Linked trial: {registry_id} ({where}; found by {method})").format(
            registry_id=escape_md(link.registry_id), where=where, method=escape_md(link.method)))
    st.markdown(marked_text(item.abstract) if item.abstract else _("*No abstract.*"))
    codes = list(reasons)
    st.caption(_("Keys: Alt+I include, Alt+M maybe; or type i, m, or e + reason number in the Key box and "
                 "press Enter. Reasons: {reasons}").format(
        reasons=" · ".join(f"{n} {escape_md(_(label))}" for n, label in enumerate(reasons.values(), 1))))
    quick = st.columns([1, 1, 4])
    quick[0].button(_("Include"), key=f"wb_include_{item.pmid}", shortcut="Alt+I", type="primary",
                    on_click=_record_decision, args=(item.pmid, stage, ScreeningDecision.INCLUDE.value))
    quick[1].button(_("Maybe"), key=f"wb_maybe_{item.pmid}", shortcut="Alt+M",
                    on_click=_record_decision, args=(item.pmid, stage, ScreeningDecision.MAYBE.value))
    with st.form(f"wb_form_{item.pmid}", border=True):
        st.text_input(_("Key (then Enter)"), key=f"wb_key_{item.pmid}", placeholder="i · m · e3",
                      help=_("One letter decides: i include, m maybe, e and the reason's number exclude "
                             "(e7 and words for 'other')."))
        st.radio(_("Decision"), list(DECISIONS), key=f"wb_decision_{item.pmid}", index=None, horizontal=True,
                 format_func=lambda d: decision_label(d))
        st.selectbox(_("Exclusion reason"), codes, key=f"wb_reason_{item.pmid}", index=None,
                     format_func=lambda c: _(reasons[c]), placeholder=_("Only to exclude"))
        st.text_input(_("Why (needed for 'other')"), key=f"wb_words_{item.pmid}")
        st.form_submit_button(_("Decide"), type="primary", on_click=_decide, args=(item.pmid, stage, codes))


def _bulk(queue: list[screening.QueueItem], reasons: dict[str, str], stage: str) -> None:
    with st.expander(ngettext("Bulk action on the {n} record listed", "Bulk action on the {n} records listed",
                              len(queue)).format(n=len(queue))):
        st.caption(_("One decision for every record the filters above leave; each record gets its own entry "
                     "in the audit trail, and the whole action can be undone at once."))
        with st.form("wb_bulk"):
            decision = st.selectbox(_("Decision"), list(DECISIONS), format_func=lambda d: decision_label(d),
                                    key="wb_bulk_decision")
            reason = st.selectbox(_("Exclusion reason"), list(reasons), index=None, key="wb_bulk_reason",
                                  format_func=lambda c: _(reasons[c]), placeholder=_("Only to exclude"))
            words = st.text_input(_("Why (needed for 'other')"), key="wb_bulk_words")
            sure = st.checkbox(ngettext("Apply to the {n} record", "Apply to all {n} records", len(queue)).format(
                n=len(queue)), key="wb_bulk_sure")
            if st.form_submit_button(_("Apply")):
                if not sure:
                    st.error(_("Tick the box to confirm the bulk action."))
                    return
                pmids = [item.pmid for item in queue]
                done = write(lambda s, who: screening.bulk_decide(s, pmids, decision, reviewer=who, reason=reason,
                                                                  reason_text=words, stage=stage))
                if done.ok:
                    said = ngettext("{n} record: {decision}.", "{n} records: {decision}.", len(pmids)).format(
                        n=len(pmids), decision=decision_label(decision))
                    flash("success", said, done.value)
                    st.rerun()
                st.error(done.error)


def _reason_editor(reasons_all: list[dict]) -> None:
    with st.expander(_("Exclusion reasons (the team's list)")):
        grid(pd.DataFrame(reasons_all).rename(columns={
            "code": _("Code"), "label": _("Label"), "needs_text": _("Needs words"), "active": _("In use")}),
            hide_index=True, width="stretch")
        with st.form("wb_reason_edit"):
            code = st.text_input(_("Code (an existing code changes that reason)"), key="wb_reason_code")
            label = st.text_input(_("Label"), key="wb_reason_label")
            needs = st.checkbox(_("Needs words"), key="wb_reason_needs")
            active = st.checkbox(_("In use"), value=True, key="wb_reason_active")
            if st.form_submit_button(_("Save reason")):
                done = write(lambda s, who: screening.save_exclusion_reason(
                    s, code, label, reviewer=who, needs_text=needs, active=active).code)
                if done.ok:
                    flash("success", _("Reason {code} saved.").format(code=done.value))
                    st.rerun()
                st.error(done.error)


def _duplicates() -> None:
    groups = read(duplicates.duplicate_groups)
    if not groups:
        return
    with st.expander(_("Duplicate groups ({n})").format(n=len(groups))):
        st.caption(_("Records sharing a PMID, DOI or normalised title. Nothing is dropped: each is screened."))
        grid(pd.DataFrame([{_("Records"): ", ".join(g.members), _("Shared"): ", ".join(g.keys)}
                                   for g in groups]), hide_index=True, width="stretch")


def main() -> None:
    st.title(_("Screening"))
    reviewer = reviewer_or_stop()
    change = show_flash()
    if change:
        st.button(_("Undo that"), key="wb_undo_last", on_click=_undo, args=(change,))
    top = st.columns([2, 2, 3, 3])
    stage = top[0].selectbox(_("Stage"), [s.value for s in ScreeningStage], key="wb_stage",
                             format_func=lambda s: _(ScreeningStage(s).label))
    order = top[1].selectbox(_("Order"), ["relevance", "newest"], key="wb_order",
                             format_func=lambda o: _("Likely relevance") if o == "relevance" else _("Newest first"))
    kinds = top[2].multiselect(_("Record kind"), [k.value for k in PublicationKind], key="wb_kinds",
                               format_func=lambda k: _(PublicationKind(k).label), placeholder=_("Any"))
    contains = top[3].text_input(_("Title or abstract contains"), key="wb_contains")
    queue = read(screening.screening_queue, reviewer=reviewer, stage=stage, order=order, kinds=kinds or None,
                 contains=contains)
    reasons_all = [{"code": r.code, "label": r.label, "needs_text": r.needs_text, "active": r.active}
                   for r in read(screening.exclusion_reasons, active_only=False)]
    reasons = {r["code"]: r["label"] for r in reasons_all if r["active"]}
    st.caption(ngettext("Screening as {reviewer}. {n} record waits for your decision; other reviewers' decisions "
                        "are not shown.",
                        "Screening as {reviewer}. {n} records wait for your decision; other reviewers' decisions "
                        "are not shown.", len(queue)).format(reviewer=escape_md(reviewer), n=len(queue)))
    if queue:
        _record(queue[0], reasons, stage)
        _bulk(queue, reasons, stage)
    else:
        st.info(_("Nothing left to screen with these filters."))
    _duplicates()
    _reason_editor(reasons_all)


main()
