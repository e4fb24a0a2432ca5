"""Overview: what has been tried, in how many patients, with what results, and what is new.

Answers a rheumatologist's first questions in a minute: the evidence map
(diseases × CAR targets), headline pooled remission and CRS/ICANS rates per
disease with their CIs (cohort-aware analysis set, GLMM), the latest
additions and trial changes, and when the data were last updated.
"""

from __future__ import annotations

import re
from datetime import datetime

import pandas as pd
import streamlit as st

from app_pages import charts, data, state
from app_pages.common import WORD_JOINER, metric_row, small_table
from app_pages.i18n import N_, NP_, _, language, moment, number, relabel, translator_now
from app_pages.list_table import cell_table, list_table
from evidence.digest import describe_change
from evidence.headline import CODE_COLUMNS, DURABILITY, cell_selection
from evidence.queries import patients_counted_once
from evidence.vocab import Disease, Outcome, without_detail
from evidence.vocab import PublicationKind, TrialStatus

MEASURES = ["Reports", "Patients", "Trials"]
PARAMS = ("map", "days", "news")
NEWS = {"publications": N_("New publications ({n})"), "trials": N_("New trials ({n})"),
        "changes": N_("Trial changes ({n})")}
NEWS_FIRST = "_news_first"  # the list What's new opens when the link names none (the first with entries)
NEWS_CHOSEN = "_news_chosen"  # whether the reader (or the link) chose a list: else it follows NEWS_FIRST
NEWS_KEYS = {"publications": "new_publications", "trials": "new_trials", "changes": "trial_changes"}
WINDOWS = {7: _("Last 7 days"), 30: _("Last 30 days"), 90: _("Last 90 days"), 365: _("Last year")}
NBSP = "\u00a0"
POOLED_CELL = re.compile(r"^(\S+ \([^)]*\)) (k=\d+, n=\d+)(?: (\(.+\)))?$")  # evidence.headline.cell_text [+ when]
HEADLINE = (N_("Disease"), N_("Remission / response"), N_("Definition"), N_("Remission maintained"), N_("Relapse"))
NEWS_COLUMNS = {"pmid": "PMID", "title": N_("Title"), "journal": N_("Journal"), "kind": N_("Kind"),
                "first_seen": N_("First seen"), "registry_id": N_("Registry ID"), "brief_title": N_("Title"),
                "status": N_("Status"), "sponsor": N_("Sponsor"), "change": N_("Change"), "field": N_("Field"),
                "old": N_("Old"), "new": NP_("changed value", "New"), "observed_at": N_("Observed")}


def _when(value: datetime | None) -> str:
    return moment(value) if value else _("never")


def _status_line(version: str) -> None:
    status = data.update_status(version)
    counts = {table: number(n, 0) for table, n in status["counts"].items()}  # 20,000 (en), 20.000 (it)
    harvest = (_("Registries last harvested {when}.").format(when=_when(status["last_update"]))
               if status["last_update"]
               else _("No registry harvest has run yet: the data are the curated evidence base shipped in data/."))
    st.caption(harvest + " " + _("{reports} reports of {cohorts} cohorts, {numbers} sourced numbers, {trials} "
                                 "registered trials, {publications} PubMed records.").format(
        reports=counts["report"], cohorts=counts["cohort"], numbers=counts["outcome"], trials=counts["trial"],
        publications=counts["publication"]))


def _metrics(version: str) -> None:
    reports, trials = data.reports_frame(version), data.trials_frame(version)
    row = metric_row()
    row.metric(_("Reports"), number(len(reports), 0))
    row.metric(_("Cohorts"), number(reports["cohort_id"].nunique() if not reports.empty else 0, 0))
    row.metric(_("Patients"), number(patients_counted_once(reports), 0),
               help=_("Latest report of each cohort, so re-reported patients count once"))
    row.metric(_("Registered trials"), number(len(trials), 0))
    row.metric(_("Recruiting"), number(int((trials["status"] == "RECRUITING").sum()) if not trials.empty else 0, 0))


@st.fragment
def _evidence_map(version: str) -> None:
    """The map and its "Count" switch: switching reruns only this."""
    st.subheader(_("Evidence map"), anchor=False)
    cells = data.evidence_map(version)
    if cells.empty:
        st.info(_("Nothing to map yet: load the curated data with `make db`."))
        return
    measure = st.segmented_control(_("Count"), MEASURES, key="map", format_func=translator_now()) or "Reports"
    _publish()  # a fragment rerun does not reach main's publish
    grid = data.evidence_map_grid(version, measure, language())
    if grid.empty:
        st.info(_("None yet: no disease has any {count} to map.").format(count=translator_now()(measure).lower()))
        return
    top = int(grid.to_numpy().max())
    # Static HTML, not st.table: that would load Streamlit's Arrow code (0.8 MB) on the Overview for this alone.
    small_table(grid.map(lambda v: number(v, 0) if v else ""), index=True,
                styles=grid.map(lambda v: charts.shade(v, top)))
    st.caption(_("Rows: diseases; columns: CAR targets; darker cells hold more. Patients: latest report of each "
                 "cohort; a mixed-disease cohort counts in each of its diseases. Switch the count above to see "
                 "reports, patients or trials."))


def _headline(version: str) -> None:
    st.subheader(_("Headline rates per disease"), anchor=False)
    st.caption(_("Pooled proportion (95% CI) over the cohort-aware analysis set, binomial-normal GLMM; "
                 "k = studies, n = patients. Remission definitions differ by disease: the named definition reported "
                 "by most studies is shown (a catch-all 'other definition' only when no named one exists). Open "
                 "Meta-analysis for the forest plot and methods."))
    with st.spinner(_("Pooling per disease (once per data update)…")):
        table = data.headline(version)
    if table.empty:
        st.info(_("No outcome has been extracted yet."))
        return
    shown = _headline_in_language(table).drop(columns=list(CODE_COLUMNS)).map(_break_between_parts).replace("", "—")
    # Every text whole (cells wrap between an estimate, its counts and its time point); the disease stays in view
    # when the table scrolls sideways on a phone.
    chosen = cell_table(shown, key="headline", label=_("Headline rates per disease"), pinned=(shown.columns[0],),
                        clickable=lambda row, column: cell_selection(table, row, column) is not None)
    st.caption(_("Click a rate to open its forest plot and the studies behind it."))
    target = cell_selection(table, *chosen) if chosen else None
    if target:
        st.switch_page("app_pages/meta_analysis.py", query_params=target)


def _break_between_parts(text: str) -> str:
    """A pooled cell that wraps only between its parts: the estimate with its CI, k and n, the time point
    ("84% (59–95%) | k=5, n=37 | (at 12 months)"): no-break spaces hold each part together, and word joiners
    keep a browser from breaking a confidence interval after its dash."""
    match = POOLED_CELL.match(text)
    if not match:
        return text
    estimate, counts, when = match.groups()
    estimate = estimate.replace(" ", NBSP).replace("–", f"{WORD_JOINER}–{WORD_JOINER}")
    return " ".join(p for p in (estimate, counts.replace(" ", NBSP), when) if p)


def _headline_in_language(table: pd.DataFrame) -> pd.DataFrame:
    """The headline table's disease names, definitions and time points in the session's language (cells' numbers
    are the same in both languages)."""
    if language() == "en":
        return table
    out = table.copy()
    out["Disease"] = [without_detail(_(data.label(Disease, d))) for d in table["disease"]]
    out["Definition"] = [_(data.label(Outcome, o)) if o else "" for o in table["remission_outcome"]]
    header = _(DURABILITY)

    def durable(text: str, code: str) -> str:
        if not code or " (" not in text:
            return text
        when = _(data.label(Outcome, code))
        when = when[len(header) + 1:] if when.startswith(header + " ") else when[:1].lower() + when[1:]
        return f"{text.rsplit(' (', 1)[0]} ({when})"

    out[DURABILITY] = [durable(t, c) for t, c in zip(table[DURABILITY], table["durability_outcome"])]
    return out


@st.fragment
def _whats_new(version: str) -> None:
    """The latest additions and their window: changing the window reruns only this."""
    st.subheader(_("What's new"), anchor=False)
    days = st.segmented_control(_("Window"), list(WINDOWS), key="days", format_func=WINDOWS.get) or data.DIGEST_DAYS
    _publish()  # a fragment rerun does not reach main's publish
    news = data.digest(version, days)
    nothing_new = not (news["new_publications"] or news["new_trials"] or news["trial_changes"])
    if nothing_new and news["last_update"] is None:
        st.info(_("No registry harvest has run yet: new PubMed records, newly registered trials and trial changes "
                  "(status, dates, enrollment) appear here after the first one."))
        return
    if nothing_new:
        st.info(_("Nothing new in the {window} before the last update. New PubMed records, newly registered trials "
                  "and trial changes (status, dates, enrollment) appear here after each harvest.").format(
            window=WINDOWS[days].lower()))
        return
    st.caption(_("Since {when}").format(when=_when(news["since"])))
    counts = {k: len(news[key]) for k, key in NEWS_KEYS.items()}
    first = next((k for k in NEWS if counts[k]), "publications")  # shown, and chosen, while the link names none
    state.bind(("news",), {"news": list(NEWS)})  # the kept choice, if a window with nothing new hid the control
    if NEWS_FIRST not in st.session_state and st.session_state.get("news") is not None:
        st.session_state[NEWS_CHOSEN] = True  # named by the link the reader opened
    if not st.session_state.get(NEWS_CHOSEN) or st.session_state.get("news") is None:
        st.session_state[NEWS_CHOSEN] = False
        st.session_state["news"] = first  # drawn as chosen, following the window; _publish leaves it out of the URL
    st.session_state[NEWS_FIRST] = first
    tr = translator_now()  # format_func may run after the script
    # One list at a time: a page of three long lists is slow to open, and the counts say what the others hold.
    shown = st.segmented_control(_("Show"), list(NEWS), key="news", format_func=lambda k: tr(NEWS[k]).format(
        n=counts[k]), on_change=_chosen) or first
    _publish()
    if shown == "publications":
        pubs = pd.DataFrame(news["new_publications"]).reindex(
            columns=["pmid", "title", "journal", "kind", "first_seen"])
        pubs["PubMed"] = "https://pubmed.ncbi.nlm.nih.gov/" + pubs["pmid"].astype(str) + "/"
        list_table(_news_headers(pubs.head(50)), key="news_publications", label=_("New publications"),
                   links={"PubMed": _("Open")})
    elif shown == "trials":
        list_table(_news_headers(pd.DataFrame(news["new_trials"]).reindex(
            columns=["registry_id", "brief_title", "status", "sponsor", "first_seen"]).head(50)),
            key="news_trials", label=_("New trials"))
    else:
        changes = pd.DataFrame(news["trial_changes"]).reindex(
            columns=["registry_id", "brief_title", "field", "old", "new", "observed_at"]).iloc[::-1].head(100)
        changes.insert(1, "change", [describe_change(c, language()) for c in changes.to_dict("records")])
        list_table(_news_headers(changes), key="news_changes", label=_("Trial changes"))


def _news_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """Readable headers and the kinds and statuses as words, in the session's language.

    The digest's field names and codes ("first_seen", "journal_article") are
    for scripts (``evidence whats-new --format json``); English readers saw
    them too until the headers were written in every language.
    """
    frame = relabel(frame, {"kind": (PublicationKind, "kind"), "status": (TrialStatus, "status")})
    return frame.rename(columns=lambda c: NEWS_COLUMNS.get(c, c))  # the list writes them in the reader's language


def main() -> None:
    version = data.data_version()
    state.bind(PARAMS, {"map": MEASURES, "news": list(NEWS)})
    if st.session_state["days"] not in WINDOWS:
        st.session_state["days"] = data.DIGEST_DAYS
    st.title(_("CAR-T cell therapy in autoimmune disease"))
    st.markdown(_("A living evidence tracker: every published report and registered trial, with sourced numbers "
                  "and honest pooling (one report per cohort)."))
    _status_line(version)
    _metrics(version)
    _headline(version)  # the answer first; the map below it
    _evidence_map(version)
    _whats_new(version)
    _publish()


def _chosen() -> None:
    st.session_state[NEWS_CHOSEN] = True


def _publish() -> None:
    """The Overview's choices to the URL; What's new's list only when the reader (or the link) chose it."""
    state.publish(PARAMS, shown_by_default={} if st.session_state.get(NEWS_CHOSEN) else {
        "news": st.session_state.get(NEWS_FIRST)})


main()
