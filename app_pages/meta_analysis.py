"""Meta-analysis: pool one outcome across the chosen studies, defensibly.

The default is what a reviewer should report: the cohort-aware analysis set
(one report per cohort) and the binomial-normal GLMM. Every alternative
method of the pooling engine is one click away, and the method-sensitivity
table shows at a glance whether the choice matters.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from app_pages import data, pooled, selection, state
from app_pages.common import estimate_text, metric_row, pct, small_table
from app_pages.i18n import N_, _, label, language, number, report_link, significant
from app_pages.i18n import ngettext, relabel, translated
from app_pages.list_table import list_table
from evidence.links import source_url
from evidence.methods import method_label
from evidence.vocab import NumberStatus, Outcome

VIEWS = {"sensitivity": _("Method sensitivity"), "loo": _("Leave-one-out"), "cumulative": _("Cumulative by date"),
         "set": _("Analysis set")}
POOLED_FORMATS = {**{c: "percent" for c in ("Estimate", "CI low", "CI high", "PI low", "PI high")},
                  "τ²": "sig3", "I² (%)": "1"}


def _summary(a: selection.Analysis) -> None:
    r, method = a.result, method_label(a.result, language())
    pi = ("; " + _("prediction interval {low}–{high}").format(low=pct(r.pi_low), high=pct(r.pi_high))
          if r.pi_low is not None and r.k > 1 else "")
    row = metric_row()
    row.metric(_("Pooled proportion"), pct(r.estimate), help=method)
    row.metric(_("95% CI"), f"{pct(r.ci_low)}–{pct(r.ci_high)}")
    row.metric(_("Studies (k)"), number(r.k, 0))
    row.metric(_("Patients"), number(int(a.included["patients"].sum()), 0))
    st.markdown(f"**{estimate_text(r.estimate, r.ci_low, r.ci_high)}**{pi} — {method}.")


def _heterogeneity(a: selection.Analysis) -> None:
    r = a.result
    if r.k < 2:
        return
    het = {"τ²": r.tau2, "τ": r.tau, N_("I² (%)"): r.i2, N_("I² from Q (%)"): r.i2_q, "H²": r.h2, "Q": r.q,
           N_("df"): r.q_df, N_("p (Q)"): r.q_p}
    st.markdown(_("**Heterogeneity**"))
    small_table(pd.DataFrame([het]), {k: "sig3" for k in het})
    st.caption(_("I² (%) is computed from the model's τ² and the typical within-study variance (as metafor "
                 "reports it for this model); I² from Q is (Q − df) / Q (at least 0), from the test beside it. "
                 "They can differ widely when studies have 0% or 100% events: say which one you quote."))
    if a.subgroups is not None and a.subgroups.df:
        st.caption(_("Test for subgroup differences: Q = {q}, df = {df}, p = {p}").format(
            q=number(a.subgroups.q, 2), df=a.subgroups.df, p=significant(a.subgroups.p)))


def _sensitivity(version: str, a: selection.Analysis) -> None:
    frame = pooled.method_sensitivity(version, a.selection)
    threshold = re.search(r"> ([\d.]+) percentage", frame.attrs.get("rule", ""))  # the engine's threshold
    rule = _("differs from the GLMM by > {threshold} percentage points, or a CI excludes the other method's "
             "estimate").format(threshold=threshold.group(1) if threshold else "5")
    if bool(frame["disagree"].any()):
        flagged = ", ".join(_(m) for m in frame.loc[frame["disagree"], "method"])
        st.warning(_("Methods disagree with the GLMM ({flagged}): a row is flagged when it {rule}. Report the "
                     "GLMM and mention the spread.").format(flagged=flagged, rule=rule))
    else:
        st.success(_("The four methods agree: the result does not hinge on the method."))
    names = {"method": "Method", "k": "k", "estimate": "Estimate", "ci_low": "CI low", "ci_high": "CI high",
             "pi_low": "PI low", "pi_high": "PI high", "tau2": "τ²", "i2": "I² (%)", "fallback": N_("Fallback"),
             "disagree": N_("Disagrees with GLMM")}
    shown = frame[[c for c in names if c in frame]].rename(columns=names)
    if language() != "en":
        shown = shown.assign(Method=shown["Method"].map(_))
    small_table(translated(shown, ("Fallback",)), POOLED_FORMATS)


SET_COLUMNS = {"details": N_("Details"), "study_label": N_("Study"), "events": N_("Events"),
               "patients": N_("Patients"), "year": N_("Year"), "data_cutoff": N_("Data cut-off"),
               "status": N_("Status"), "definition": N_("Definition"), "source": N_("Source"),
               "source_link": N_("Open source"), "source_location": N_("Where in the source"),
               "included": N_("Included"), "reason": N_("Why excluded")}


def _analysis_set(a: selection.Analysis) -> None:
    """Every candidate number, in or out, with its source and a link to its report's page."""
    shown = a.rows.assign(details=a.rows["report_id"].map(report_link),
                          data_cutoff=a.rows["data_cutoff"].fillna(""),
                          source_link=a.rows["source"].map(source_url))  # None: shown as text only
    shown = relabel(shown, {"status": (NumberStatus, "status")})[list(SET_COLUMNS)].rename(columns=SET_COLUMNS)
    list_table(shown, key="analysis_set", label=_("Analysis set"), pinned=("Details", "Study"),
               formats={"Events": "int", "Patients": "int", "Year": "year"},
               links={"Details": _("report page"), "Open source": _("open")})


@st.fragment
def _secondary(version: str, a: selection.Analysis) -> None:
    """The tables under the forest plot; choosing another reruns only this."""
    view = st.segmented_control(_("More"), list(VIEWS), key="view", format_func=VIEWS.get) or "sensitivity"
    if view == "set":
        _analysis_set(a)
    elif a.result.k < 2:
        st.info(_("Needs at least two studies."))
    elif view == "sensitivity":
        _sensitivity(version, a)
    elif view == "loo":  # a row per study: static tables, numbers written as the Italian ones and never "None"
        st.caption(_("Pooled estimate with each study left out in turn ('Study' = the one omitted)."))
        small_table(translated(pooled.leave_one_out(version, a.selection), ("Fallback",)), POOLED_FORMATS)
    else:
        st.caption(_("Pooled estimate as studies are added in order of data cut-off, else year; a study with "
                     "neither is added last ('Study' = the one added)."))
        small_table(translated(pooled.cumulative(version, a.selection), ("Fallback",)), POOLED_FORMATS)
    state.publish((*selection.PARAMS, "view"))


def _notes(a: selection.Analysis) -> None:
    notes = selection.plain_notes(a)
    if notes:
        with st.container(border=True):
            st.markdown(_("**Read this before quoting the number**"))
            # One element for all the notes: each element costs the browser a render of the page as it arrives.
            st.text("\n".join("• " + note for note in notes))


def _nothing_pooled(a: selection.Analysis) -> None:
    """Nothing included: say why, and show the numbers that were left out (never a silent empty page)."""
    if a.rows.empty:
        st.info(_("No study reports this outcome for the chosen filters. Choose another outcome or remove a "
                  "filter in the sidebar; the number of reports per outcome is shown in the outcome list."))
        return
    st.warning(ngettext("Nothing can be pooled for this selection: {n} number was found but left out. "
                        "It is listed below with the reason.",
                        "Nothing can be pooled for this selection: {n} numbers were found but left out. "
                        "Each is listed below with the reason.", len(a.rows)).format(n=len(a.rows)))
    _notes(a)
    _analysis_set(a)


MAIN = ("outcome", "disease")  # drawn above the analysis, inside its fragment


def main() -> None:
    version = data.data_version()
    selection.widgets(version, main=MAIN)
    state.bind(("view",), {"view": list(VIEWS)})
    _analysis(version)


@st.fragment
def _analysis(version: str) -> None:
    """Outcome, disease and everything computed from the selection: changing those reruns only this."""
    sel = selection.current()
    outcome = label(Outcome, sel.outcome)
    st.title(_("Meta-analysis: {outcome}").format(outcome=outcome))
    selection.main_widgets(version, MAIN)
    a = selection.compute(version, sel, language())
    if a.included.empty:
        _nothing_pooled(a)
        state.publish((*selection.PARAMS, "view"))
        return
    _summary(a)
    st.html(selection.forest_html(version, sel, language()))
    st.caption(_("Squares: study proportions with exact (Clopper–Pearson) 95% CIs, sized by weight. Diamonds: "
                 "pooled estimates. Dashed line: 95% prediction interval (where a new study's rate may fall)."))
    _heterogeneity(a)
    _notes(a)
    _secondary(version, a)
    state.publish((*selection.PARAMS, "view"))


main()
