"""Trials: the registry tracker — status, phase, sponsor, countries, enrollment, dates, changes.

Registered trials show what is coming and what is recruiting now. The
results are a table (the default: what a clinician referring a patient
scans) or a timeline from start to (primary) completion, one at a time: the
timeline's chart code alone cost a cold browser about 0.6 s, and every filter
change redrew both. The detail view shows the
sites with their recruitment status and the eligibility criteria (so a
clinician can see where to refer a patient), the change history seen
between harvests and the publications linked to the trial, so a reader
sees when a trial stopped or posted results.
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd
import streamlit as st

from app_pages import charts, data, state
from app_pages.common import escape_md, facts_list, filter_options, filter_widgets, metric_row
from app_pages.i18n import N_, NP_, _, columns, language, ngettext, number, relabel, translated, translator_now
from app_pages.list_table import list_table
from evidence.ages import age_range
from evidence.digest import CHANGE_WORDS
from evidence.geography import Region
from evidence.queries import TrialFilter, filter_trials
from evidence.search import identifier
from evidence.vocab import Construct, Disease, LinkMethod, Population, Target, TrialPhase, TrialStatus

FILTER_NAMES = ("disease", "target", "construct", "population", "phase", "status")
PARAMS = (*FILTER_NAMES, "region", "country", "recruiting", "children", "q", "show", "trial")
SHOW = {"table": N_("Table"), "timeline": N_("Timeline")}  # how the matching trials are shown
SITE_COLUMNS = ["Facility", "City", "State", "Country", "Status"]
# What a clinician scans first comes first: which trial, is it open, for which disease and target, where, what age.
TABLE_COLUMNS = [N_("Registry ID"), N_("Title"), N_("Status"), N_("Diseases"), N_("Targets"), N_("Phase"),
                 N_("Countries"), N_("Ages"), N_("Sponsor"), N_("Enrollment"), N_("Start"), N_("Primary completion"),
                 N_("Completion"), N_("Link")]
LABELS = {"Status": (TrialStatus, "status"), "Phase": (TrialPhase, "phases"), "Diseases": (Disease, "diseases"),
          "Targets": (Target, "targets"), "Construct": (Construct, "construct"),
          "Population": (Population, "population")}


def trial_filter() -> TrialFilter:
    """The filters' choices (after ``state.bind``) as the library's filter."""
    v = state.value
    return TrialFilter(diseases=tuple(v("disease")), targets=tuple(v("target")), constructs=tuple(v("construct")),
                       populations=tuple(v("population")), phases=tuple(v("phase")), statuses=tuple(v("status")),
                       countries=tuple(v("country")), regions=tuple(v("region")),
                       recruiting_site=bool(v("recruiting")), children=bool(v("children")), text=v("q") or "")


def _localised(trials: pd.DataFrame) -> pd.DataFrame:
    """Labels and age ranges in the session's language."""
    out = relabel(trials, LABELS)
    if language() == "en" or out.empty:
        return out
    return out.assign(Ages=[age_range(a, b, language()) for a, b in zip(out["min_age"], out["max_age"])])


UNRECORDED = ("Title", "Phase", "Sponsor", "Countries", "Ages", "Start", "Primary completion", "Completion",
              "Diseases", "Targets")


def _marked(trials: pd.DataFrame, names: Iterable[str] = UNRECORDED) -> pd.DataFrame:
    """Empty cells of ``names`` say "not recorded": a blank Countries or Ages would read as "anywhere" or "any age"."""
    word = _("not recorded")

    def marked(column: pd.Series) -> pd.Series:  # whole columns at once: a thousand trials, ten columns
        blank = column.isna() | column.astype("string").str.strip().eq("").fillna(False)
        return column.mask(blank, word)
    return trials.assign(**{c: marked(trials[c]) for c in names if c in trials.columns})


@st.cache_data(max_entries=8, show_spinner=False)
def _listed(version: str, lang: str) -> pd.DataFrame:
    """Every trial as the lists show it (labels and ages in ``lang``, blanks "not recorded"), by registry ID.

    Computed once per data version and language rather than on every filter
    change (10–60 ms for a thousand trials); a list takes its rows from it.
    ``lang`` is the session's (the labels are written in it): it keys the cache.
    """
    return _marked(_localised(data.trials_frame(version))).set_index("Registry ID", drop=False)


def _rows(version: str, trials: pd.DataFrame) -> pd.DataFrame:
    """The listed form of ``trials`` (a filtered part of ``data.trials_frame``), in their order."""
    return _listed(version, language()).loc[list(trials["Registry ID"])].reset_index(drop=True)


def _countries(trials: pd.DataFrame) -> list[str]:
    return sorted({c for cs in trials.get("countries", []) for c in cs})


def _detail(version: str, registry_id: str) -> None:
    detail = data.trial_detail(version, registry_id)
    if detail is None:
        st.warning(_("That trial is not in the database (the link may be older than the data)."))
        return
    t = detail["trial"]
    st.subheader(escape_md(f"{t['Registry ID']}: {t['Title']}"), anchor=False)
    if t["official_title"]:
        st.caption(escape_md(t["official_title"]))
    # Ages are the eligibility's (below, with sex and healthy volunteers): written once, where who may enrol is.
    facts = {k: t[k] for k in ("Status", "Diseases", "Targets", "Phase", "Sponsor", "Enrollment", "Start",
                               "Primary completion", "Completion", "Countries", "Population", "Product")}
    # How current the status is: the registry's last update, or the day a curator read the record.
    facts[N_("Registry record as of")] = t["Last update"]
    facts_list(columns(_marked(_localised(pd.DataFrame([{**t, **facts}]))[list(facts)], facts)).iloc[0].to_dict())
    if t["Link"]:
        st.markdown("[{text}]({link})".format(text=_("Open the registry record"), link=t["Link"]))
    if t["why_stopped"]:
        st.text(_("Why stopped: {reason}").format(reason=t["why_stopped"]))
    _sites(detail)
    _eligibility(detail["eligibility"], curated=t["origin"] == "curated")
    st.markdown(_("**Change history** (fields that changed between harvests)"))
    if detail["changes"].empty:
        st.caption(_("No change recorded yet. Changes appear after the trial has been harvested twice."))
    else:
        changes = detail["changes"].assign(Field=[_(CHANGE_WORDS.get(f, f)) for f in detail["changes"]["Field"]])
        # the field in words ("start date"), its values as registered
        list_table(changes.rename(columns={"New": NP_("changed value", "New")}), key="trial_changes",
                   label=_("Change history"))
    st.markdown(_("**Linked publications and reports**"))
    if detail["publications"].empty and not detail["reports"]:
        st.caption(_("No publication is linked to this trial yet."))
    if not detail["publications"].empty:
        list_table(relabel(detail["publications"], {"How linked": (LinkMethod, "How linked")}),
                   key="trial_publications", label=_("Linked publications and reports"), links={"PubMed": _("Open")})
    for report_id, label in detail["reports"]:
        st.page_link("app_pages/studies.py", label=_("Curated report: {report}").format(report=escape_md(label)),
                     icon=":material/article:", query_params={"report": report_id})
    if t["notes"]:
        st.caption(_("Curator's note"))
        st.text(t["notes"])


def _sites(detail: dict) -> None:
    """The registry's sites with city and recruitment status; "not recorded" is said, never an empty table."""
    st.markdown("**" + _("Sites") + "**")
    sites = detail["sites"]
    if not detail["sites_known"] and detail["trial"]["origin"] == "curated":
        st.caption(_("Sites not recorded (registry record not yet harvested)."))
    elif not detail["sites_known"]:
        st.caption(_("Sites not recorded: the registry record stored does not give them."))
    elif sites.empty:
        st.caption(_("The registry record lists no site."))
    else:
        recruiting = int((sites["status"] == "RECRUITING").sum())
        st.caption(ngettext("{n} site, {recruiting} recruiting, as the registry record lists it.",
                            "{n} sites, {recruiting} recruiting, as the registry record lists them.",
                            len(sites)).format(n=len(sites), recruiting=recruiting))
        list_table(sites[SITE_COLUMNS], key="trial_sites", label=_("Sites"))


def _eligibility(eligibility: dict, curated: bool) -> None:
    """Who may enrol: ages, sex, and the criteria as the registry wrote them (plain text, never rendered)."""
    st.markdown("**" + _("Eligibility") + "**")
    facts = {_("Ages"): age_range(eligibility["min_age"], eligibility["max_age"], language()),
             _("Sex"): eligibility["Sex"],
             _("Healthy volunteers"): eligibility["Healthy volunteers"]}
    facts_list(_marked(pd.DataFrame([facts]), facts).iloc[0].to_dict())
    if eligibility["criteria"]:
        st.text(eligibility["criteria"])
    elif curated:
        st.caption(_("Eligibility criteria not recorded (registry record not yet harvested)."))
    else:
        st.caption(_("The registry record stored gives no eligibility criteria."))


def _open(trial_id: str) -> None:
    """A row chosen in a list opens that trial's detail (below the lists)."""
    st.session_state["trial"] = trial_id


def _summary(shown: pd.DataFrame) -> None:
    row = metric_row()
    row.metric(_("Trials"), number(len(shown), 0))
    row.metric(_("Recruiting"), number(int((shown["status"] == "RECRUITING").sum()), 0))
    row.metric(_("Not yet recruiting"), number(int((shown["status"] == "NOT_YET_RECRUITING").sum()), 0))
    row.metric(_("Planned enrollment"), number(int(shown["Enrollment"].fillna(0).sum()), 0))


def _timeline(shown: pd.DataFrame) -> None:
    chart = charts.timeline_chart(_localised(shown), lang=language())
    if chart is None:
        st.info(_("None of these trials has a registered start date to draw."))
        return
    st.vega_lite_chart(chart, width="stretch")
    undated = int(shown["Start"].map(lambda v: charts.partial_date(v) is None).sum())
    missing = " " + ngettext("{n} trial without a registered start date is not drawn.",
                             "{n} trials without a registered start date are not drawn.", undated).format(
        n=undated) if undated else ""
    if len(shown) - undated > charts.TIMELINE_LIMIT:
        missing += " " + _("Only the {n} most recently started are drawn; filter to see others.").format(
            n=charts.TIMELINE_LIMIT)
    st.caption(_("Bars run from start to completion (faded: no completion date registered, 2 years shown); "
                 "the dashed line is today. Hover for details.") + missing)


def _table(version: str, shown: pd.DataFrame) -> None:
    list_table(_rows(version, shown)[TABLE_COLUMNS], key="trials_table", label=_("Registered trials"),
               ids=list(shown["Registry ID"]), on_select=_open, selected=st.session_state.get("trial"),
               links={"Link": _("Registry")}, formats={"Enrollment": "int"}, pinned=("Registry ID",))


def _results(version: str, shown: pd.DataFrame) -> None:
    """The summary, then the table or the timeline: one at a time, the table unless the reader asks."""
    _summary(shown)
    tr = translator_now()
    # Not drawn while nothing matches, and Streamlit then forgets a widget's value: bound again here (kept value
    # first), or a reader's "Timeline" would be lost after a search that matched nothing.
    state.bind(("show",), {"show": list(SHOW)})
    view = st.segmented_control(_("Show"), list(SHOW), key="show", format_func=lambda k: tr(SHOW[k])) or "table"
    if view == "timeline":
        _timeline(shown)
    else:
        _table(version, shown)


def _apart(version: str, apart: pd.DataFrame) -> None:
    """Trials a place or age filter cannot judge: listed with why, never dropped silently."""
    if apart.empty:
        return
    with st.expander(ngettext("{n} more trial may match: its registry record lacks what a filter asks "
                              "(country, sites or age eligibility)",
                              "{n} more trials may match: their registry record lacks what a filter asks "
                              "(country, sites or age eligibility)", len(apart)).format(n=len(apart))):
        listed = _rows(version, apart).assign(why=list(apart["why"]))
        shown = translated(listed, ("why",))[["why", *TABLE_COLUMNS]]
        list_table(shown.rename(columns={"why": N_("Not shown above because")}), key="trials_apart",
                   label=_("Trials that may match"), ids=list(apart["Registry ID"]), on_select=_open,
                   selected=st.session_state.get("trial"), links={"Link": _("Registry")},
                   formats={"Enrollment": "int"})


PICKER_LIMIT = 200  # trials: a drop-down of more is no way to find one (the search and the list are)


def _picker(trials: pd.DataFrame, matching: list[str]) -> None:
    """The trial whose detail is open, chosen or closed here; a drop-down of every match while they are few.

    A thousand options cost the page 100 KB and the browser about 0.15 s on
    every visit, for a list no one scrolls: past ``PICKER_LIMIT`` it offers
    the open trial only and says how to open another.
    """
    current = state.value("trial")
    few = len(matching) <= PICKER_LIMIT
    options = [""] + (matching if few else [i for i in matching if i == current])
    if current and current not in options:
        options.append(current)
    titles = dict(zip(trials.get("Registry ID", []), trials.get("Title", [])))
    choose = _("— choose a trial —")
    st.selectbox(_("Trial detail"), options, key="trial",
                 format_func=lambda i: f"{i} — {titles.get(i, '')}"[:120] if i else choose)
    if not few:
        st.caption(ngettext("{n} trial matches: open one from the list (a click on its row, or Enter), or type its "
                            "registry ID in the search.",
                            "{n} trials match: open one from the list (a click on its row, or Enter), or type its "
                            "registry ID in the search.", len(matching)).format(n=number(len(matching), 0)))


MORE_FILTERS = ("phase", "target", "construct", "population")  # folded away unless one is set


def _filters(countries: list[str]) -> None:
    """The trial filters, above the results (inside the fragment: a change reruns only the trials)."""
    tr = translator_now()
    with st.container(border=True):
        st.text_input(_("Search title, sponsor, product, site, ID"), key="q")
        # Two filters a row: room for a chosen status, disease or region to be read at a laptop's width.
        what = st.columns(2)
        filter_widgets(("status",), what[0])
        filter_widgets(("disease",), what[1])
        where = st.columns(2)
        where[0].multiselect(_("Region"), [r.value for r in Region], key="region", format_func=tr,
                             placeholder=_("Any"))
        where[1].multiselect(_("Country"), countries, key="country", placeholder=_("Any"))
        toggles = st.container(horizontal=True, gap="medium")
        toggles.toggle(_("A site recruiting now"), key="recruiting",
                       help=_("In the region or country chosen; anywhere when none is chosen."))
        toggles.toggle(_("Accepts children (under 18)"), key="children")
        with st.expander(_("More filters"), expanded=any(state.value(n) for n in MORE_FILTERS)):
            for pair in (MORE_FILTERS[:2], MORE_FILTERS[2:]):
                for name, column in zip(pair, st.columns(2)):
                    filter_widgets((name,), column)


def main() -> None:
    version = data.data_version()
    trials = data.trials_frame(version)
    countries = _countries(trials)
    state.bind(PARAMS, {**filter_options(FILTER_NAMES), "country": countries, "region": [r.value for r in Region],
                        "show": list(SHOW)})
    st.title(_("Registered trials"))
    st.caption(_("CAR-T trials in autoimmune disease from ClinicalTrials.gov and other registries."))
    _trials(version, trials, countries)


@st.fragment
def _trials(version: str, trials: pd.DataFrame, countries: list[str]) -> None:
    """Filters, summary, table or timeline, and detail: changing a filter or the trial reruns only this."""
    _filters(countries)
    named = identifier(state.value("q"))
    if (named and named.kind == "registry" and named.value in set(trials.get("Registry ID", []))
            and st.session_state.get("_went_straight") != named.value):
        st.session_state["_went_straight"] = named.value  # once: the reader may then choose another
        st.session_state["trial"] = named.value  # a registry ID typed alone opens that trial
    matches = filter_trials(trials, trial_filter())
    shown = matches.shown
    if trials.empty:
        st.info(_("No trial in the database yet. Run `make db` to load the curated trial list."))
    elif shown.empty and not matches.apart.empty:  # none is known to match, but some may: say so, not "none"
        st.info(ngettext("No trial is known to match these filters; {n} may, listed below with what its registry "
                         "record lacks.",
                         "No trial is known to match these filters; {n} may, listed below with what their registry "
                         "record lacks.", len(matches.apart)).format(n=len(matches.apart)))
    elif shown.empty:
        st.info(_("No trial matches these filters. Remove a filter above."))
    else:
        _results(version, shown)
    _apart(version, matches.apart)
    _picker(trials, [i for frame in (shown, matches.apart) if not frame.empty for i in frame["Registry ID"]])
    state.publish(PARAMS)
    if state.value("trial"):
        _detail(version, state.value("trial"))


main()
