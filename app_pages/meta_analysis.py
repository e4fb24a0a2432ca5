"""Meta-analysis: pool one outcome across the chosen studies, defensibly.

The default is what a reviewer should report: the cohort-aware analysis set
(one report per cohort) and the binomial-normal GLMM. Every alternative
method of the pooling engine is one click away, and the method-sensitivity
table shows at a glance whether the choice matters.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import charts, data, pooled, selection, state
from app_pages.common import estimate_text, pct
from evidence.links import source_url
from evidence.methods import method_label
from evidence.vocab import Outcome

VIEWS = {"sensitivity": "Method sensitivity", "loo": "Leave-one-out", "cumulative": "Cumulative by date",
         "set": "Analysis set"}
PCT = st.column_config.NumberColumn(format="percent")
LOO_FORMAT = {**{c: PCT for c in ("Estimate", "CI low", "CI high", "PI low", "PI high")},
              "τ²": st.column_config.NumberColumn(format="%.3g"),
              "I² (%)": st.column_config.NumberColumn(format="%.1f")}


def _summary(a: selection.Analysis) -> None:
    r = a.result
    pi = f"; prediction interval {pct(r.pi_low)}–{pct(r.pi_high)}" if r.pi_low is not None and r.k > 1 else ""
    cols = st.columns(4)
    cols[0].metric("Pooled proportion", pct(r.estimate), help=method_label(r))
    cols[1].metric("95% CI", f"{pct(r.ci_low)}–{pct(r.ci_high)}")
    cols[2].metric("Studies (k)", r.k)
    cols[3].metric("Patients", int(a.included["patients"].sum()))
    st.markdown(f"**{estimate_text(r.estimate, r.ci_low, r.ci_high)}**{pi} — {method_label(r)}.")


def _heterogeneity(a: selection.Analysis) -> None:
    r = a.result
    if r.k < 2:
        return
    het = {"τ²": r.tau2, "τ": r.tau, "I² (%)": r.i2, "I² from Q (%)": r.i2_q, "H²": r.h2, "Q": r.q, "df": r.q_df,
           "p (Q)": r.q_p}
    st.markdown("**Heterogeneity**")
    st.dataframe(pd.DataFrame([het]), hide_index=True, width="stretch",
                 column_config={k: st.column_config.NumberColumn(format="%.3g") for k in het})
    if a.subgroups is not None and a.subgroups.df:
        st.caption(f"Test for subgroup differences: Q = {a.subgroups.q:.2f}, df = {a.subgroups.df}, "
                   f"p = {a.subgroups.p:.3g}")


def _sensitivity(version: str, a: selection.Analysis) -> None:
    frame = pooled.method_sensitivity(version, a.selection)
    rule = frame.attrs.get("rule", "differs from the GLMM by more than 5 percentage points, or a CI excludes "
                                   "the other method's estimate")
    if bool(frame["disagree"].any()):
        flagged = ", ".join(frame.loc[frame["disagree"], "method"])
        st.warning(f"Methods disagree with the GLMM ({flagged}): a row is flagged when it {rule}. Report the "
                   "GLMM and mention the spread.")
    else:
        st.success("The four methods agree: the result does not hinge on the method.")
    names = {"method": "Method", "k": "k", "estimate": "Estimate", "ci_low": "CI low", "ci_high": "CI high",
             "pi_low": "PI low", "pi_high": "PI high", "tau2": "τ²", "i2": "I² (%)", "fallback": "Fallback",
             "disagree": "Disagrees with GLMM"}
    shown = frame[[c for c in names if c in frame]].rename(columns=names)
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        **{c: PCT for c in ("Estimate", "CI low", "CI high", "PI low", "PI high")},
        "τ²": st.column_config.NumberColumn(format="%.3g"), "I² (%)": st.column_config.NumberColumn(format="%.1f"),
        "Disagrees with GLMM": st.column_config.CheckboxColumn()})


SET_COLUMNS = {"details": "Details", "study_label": "Study", "events": "Events", "patients": "Patients",
               "year": "Year", "data_cutoff": "Data cut-off", "status": "Status", "definition": "Definition",
               "source": "Source", "source_link": "Open source",
               "source_location": "Where in the source", "included": "Included", "reason": "Why excluded"}


def _analysis_set(a: selection.Analysis) -> None:
    """Every candidate number, in or out, with its source and a link to its report's page."""
    shown = a.rows.assign(details="studies?report=" + a.rows["report_id"],
                          data_cutoff=a.rows["data_cutoff"].fillna(""),
                          source_link=a.rows["source"].map(source_url))  # None: shown as text only
    shown = shown[list(SET_COLUMNS)].rename(columns=SET_COLUMNS)
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        "Details": st.column_config.LinkColumn(display_text="report page"),
        "Open source": st.column_config.LinkColumn(display_text="open"),
        "Year": st.column_config.NumberColumn(format="%d")})


@st.fragment
def _secondary(version: str, a: selection.Analysis) -> None:
    """The tables under the forest plot; choosing another reruns only this."""
    view = st.segmented_control("More", list(VIEWS), key="view", format_func=VIEWS.get) or "sensitivity"
    if view == "set":
        _analysis_set(a)
    elif a.result.k < 2:
        st.info("Needs at least two studies.")
    elif view == "sensitivity":
        _sensitivity(version, a)
    elif view == "loo":
        st.caption("Pooled estimate with each study left out in turn ('Study' = the one omitted).")
        st.dataframe(pooled.leave_one_out(version, a.selection), hide_index=True, width="stretch",
                     column_config=LOO_FORMAT)
    else:
        st.caption("Pooled estimate as studies are added in order of data cut-off ('Study' = the one added).")
        st.dataframe(pooled.cumulative(version, a.selection),
                     hide_index=True, width="stretch", column_config=LOO_FORMAT)
    state.publish((*selection.PARAMS, "view"))


def _notes(a: selection.Analysis) -> None:
    notes = selection.plain_notes(a)
    if notes:
        with st.container(border=True):
            st.markdown("**Read this before quoting the number**")
            for note in notes:
                st.text("• " + note)


def _nothing_pooled(a: selection.Analysis) -> None:
    """Nothing included: say why, and show the numbers that were left out (never a silent empty page)."""
    if a.rows.empty:
        st.info("No study reports this outcome for the chosen filters. Choose another outcome or remove a "
                "filter in the sidebar; the number of reports per outcome is shown in the outcome list.")
        return
    st.warning(f"Nothing can be pooled for this selection: {len(a.rows)} number(s) were found but left out. "
               "Each is listed below with the reason.")
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
    st.title(f"Meta-analysis: {data.label(Outcome, sel.outcome)}")
    selection.main_widgets(version, MAIN)
    a = selection.compute(version, sel)
    if a.included.empty:
        _nothing_pooled(a)
        state.publish((*selection.PARAMS, "view"))
        return
    _summary(a)
    st.vega_lite_chart(charts.forest_spec(a.forest, x_title=data.label(Outcome, sel.outcome)), width="stretch")
    st.caption("Squares: study proportions with exact (Clopper–Pearson) 95% CIs, sized by weight. Diamonds: "
               "pooled estimates. Dashed line: 95% prediction interval (where a new study's rate may fall).")
    _heterogeneity(a)
    _notes(a)
    _secondary(version, a)
    state.publish((*selection.PARAMS, "view"))


main()
