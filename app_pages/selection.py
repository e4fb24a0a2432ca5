"""The analysis a reviewer has chosen (outcome, filters, method): widgets and the cached answer.

Shared by the Meta-analysis and Export pages so the figure downloaded is the
figure shown: both read the same whitelisted parameters (kept for the
session and mirrored in the URL by ``app_pages.state``, so moving between
the pages keeps them) into a ``Selection`` and call ``compute``, which asks
the library (``evidence.outcome_analysis.analyse_outcome``, cached per data
version) and writes the plain-language notes in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import charts, data, state
from app_pages.common import filter_choices, filter_options, filter_widgets, filters_label
from app_pages.i18n import DEFAULT_LANGUAGE, _, language, ngettext_now, report_link, translator_now
from evidence.i18n import label
from evidence.outcome_analysis import Method, OutcomeAnalysis, Selection, Subgroups, group_label  # noqa: F401
from evidence.outcome_analysis import plain_notes as library_notes
from evidence.vocab import CiMethod, Outcome, PoolModel, PoolTransform, SubgroupBy, Tau2Method, label_of, without_detail

FILTER_NAMES = ("disease", "target", "construct", "population", "kind")
METHOD_NAMES = ("model", "transform", "tau2", "ci")
PARAMS = ("outcome", *FILTER_NAMES, "cohort_aware", "mixed", *METHOD_NAMES, "by")
BY = {b.value: b.label for b in SubgroupBy}


def _codes(vocab) -> list[str]:
    return [m.value for m in vocab]


@dataclass
class Analysis:
    """The library's analysis of a selection, its rows and notes in the reader's language."""

    selection: Selection
    rows: pd.DataFrame
    included: pd.DataFrame
    result: Any = None
    subgroups: Subgroups | None = None
    notes: tuple[str, ...] = ()
    library: OutcomeAnalysis | None = None


def outcome_options(version: str) -> list[str]:
    """Outcomes with data first (most-reported first), then the rest of the vocabulary."""
    counts = data.outcome_counts(version)
    with_data = sorted(counts, key=lambda o: (-counts[o], o))
    return with_data + [o.value for o in Outcome if o.value not in counts]


def widgets(version: str, main: tuple[str, ...] = ()) -> None:
    """Bind every parameter, and draw the outcome, filter and method widgets in the sidebar.

    Names in ``main`` are left out of the sidebar: the page draws them with
    ``main_widgets`` inside its ``st.fragment``, so changing them reruns only
    the analysis (a fragment cannot draw into the sidebar).
    """
    state.bind(PARAMS, {**filter_options(FILTER_NAMES), "outcome": outcome_options(version),
                        "model": _codes(PoolModel), "transform": _codes(PoolTransform), "tau2": _codes(Tau2Method),
                        "ci": _codes(CiMethod), "by": list(BY)})
    with st.sidebar:
        if "outcome" not in main:
            _outcome(version)
        # In popovers, each summed up in its label: the browser draws a popover's widgets only when it is
        # opened, and the eleven widgets drawn in the sidebar cost a first visit or a switch to the page
        # about 0.2 s (measured in Chromium: docs/app.md, "Fourth pass").
        tr = translator_now()
        names = [n for n in FILTER_NAMES if n not in main]
        with st.popover(_filters_label(names), width="stretch"):
            filter_widgets(names, container=st)
            st.toggle(_("One report per cohort (cohort-aware)"), key="cohort_aware",
                      help=_("Off: every report is pooled, so re-reported patients are counted more than once "
                             "(a sensitivity analysis only)."))
            st.toggle(_("Include mixed cohorts (disease is the majority)"), key="mixed",
                      help=_("With a disease filter: a whole-cohort number of a mixed-disease cohort is pooled "
                             "when more than half of its patients have the disease; it is labelled in the forest "
                             "plot."))
        with st.popover(_method_label(), width="stretch"):
            st.selectbox(_("Model"), _codes(PoolModel), key="model", format_func=lambda c: tr(PoolModel(c).label))
            st.selectbox(_("Transformation"), _codes(PoolTransform), key="transform",
                         format_func=lambda c: tr(PoolTransform(c).label),
                         disabled=state.value("model") == "glmm", help=_("The GLMM works on the logit scale."))
            st.selectbox(_("τ² estimator"), _codes(Tau2Method), key="tau2",
                         format_func=lambda c: tr(Tau2Method(c).label), disabled=state.value("model") != "re")
            st.selectbox(_("Confidence interval"), _codes(CiMethod), key="ci",
                         format_func=lambda c: tr(CiMethod(c).label))
            st.selectbox(_("Subgroups"), list(BY), key="by", format_func=lambda c: tr(BY[c]))


def _filters_label(names: list[str]) -> str:
    """The Filters popover's label: its chosen options, and the switches away from their defaults."""
    choices = filter_choices({n: state.value(n) for n in names})
    if not state.value("cohort_aware"):
        choices.append(_("all reports per cohort"))
    if state.value("mixed"):
        choices.append(_("mixed cohorts"))
    return filters_label(choices)


def _method_label() -> str:
    """"Method: GLMM", with the subgroups when the analysis is split ("Method: GLMM; subgroups: Disease")."""
    lang, by = language(), state.value("by")
    model = without_detail(label(PoolModel, state.value("model"), lang))  # "GLMM", not its explanation
    if by and by != SubgroupBy.NONE.value:
        return _("Method: {method}; subgroups: {by}").format(method=model, by=label(SubgroupBy, by, lang))
    return _("Method: {method}").format(method=model)


def _outcome(version: str) -> None:
    counts, tr, ngettext = data.outcome_counts(version), translator_now(), ngettext_now()  # named for the extractor
    st.selectbox(_("Outcome"), outcome_options(version), key="outcome",
                 format_func=lambda o: ngettext("{outcome} ({n} report)", "{outcome} ({n} reports)",
                                                counts.get(o, 0)).format(outcome=tr(label_of(Outcome, o)),
                                                                         n=counts.get(o, 0)))


def main_widgets(version: str, names: tuple[str, ...]) -> None:
    """The ``main`` widgets of ``widgets``, side by side in the page body (already bound)."""
    for column, name in zip(st.columns(len(names)), names):
        with column:
            if name == "outcome":
                _outcome(version)
            else:
                filter_widgets([name], container=st)


def current() -> Selection:
    """The selection in session state (after ``widgets`` ran)."""
    v = state.value
    return Selection(outcome=v("outcome"), diseases=tuple(v("disease")), targets=tuple(v("target")),
                     constructs=tuple(v("construct")), populations=tuple(v("population")), kinds=tuple(v("kind")),
                     cohort_aware=bool(v("cohort_aware")), include_mixed=bool(v("mixed")),
                     method=Method(v("model"), "logit" if v("model") == "glmm" else v("transform"),
                                   v("tau2"), v("ci")), by=v("by"))


@st.cache_data(max_entries=256, show_spinner=False)
def compute(version: str, sel: Selection, lang: str = DEFAULT_LANGUAGE) -> Analysis:
    """The library's analysis of ``sel`` (cached per data version), its rows and notes in ``lang``.

    Cached too: writing the rows and notes in Italian took 40–120 ms on every
    run of the Meta-analysis page with 200 reports (12–27 ms in English).
    The cache keys on the arguments as passed: the warm-up calls it as the
    page does.
    """
    a = data.analysis(version, sel)
    notes = tuple(a.notes) if lang == DEFAULT_LANGUAGE else tuple(library_notes(a, lang))
    return Analysis(sel, a.rows_in(lang), a.included, a.result, a.subgroups, notes=notes, library=a)


def _forest_rows(a: OutcomeAnalysis, lang: str) -> pd.DataFrame | None:
    """The forest plot's rows in ``lang``, each study with its report's id (None when nothing is pooled)."""
    if a.subgroups is not None:
        return charts.forest_rows(a.subgroups.overall, a.subgroups.subgroups, a.subgroups.labels, lang=lang,
                                  study_labels=a.study_labels(lang), study_ids=a.study_reports())
    if a.result is not None:
        return charts.forest_rows(a.result, lang=lang, study_labels=a.study_labels(lang), study_ids=a.study_reports())
    return None


@st.cache_data(max_entries=256, show_spinner=False)
def forest_html(version: str, sel: Selection, lang: str) -> str | None:
    """The forest plot of ``sel`` in ``lang`` (HTML, each study linked to its report), or None when nothing is pooled.

    Its rows and HTML took 20–50 ms on every run of the Meta-analysis page (an
    outcome or disease change, a page switch); it depends only on the data
    version, the selection and the language, so it is written once for each.
    ``lang`` has no default: the cache keys on the arguments as passed, so the
    warm-up and the page must both name it.
    """
    a = data.analysis(version, sel)
    rows = _forest_rows(a, lang)
    if rows is None or a.included.empty:
        return None
    return charts.forest_html(rows, x_title=label(Outcome, sel.outcome, lang), lang=lang,
                              link=lambda report: report_link(report, lang))


def plain_notes(a: Analysis) -> list[str]:
    """What a careful reader should know about this analysis (the library's notes)."""
    return list(a.notes)
