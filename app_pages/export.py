"""Export: tables, pooled results, the forest plot and references, for a paper.

Everything is built from the same selection (outcome, filters, method) as the
Meta-analysis page, shared through the session and the URL, so what is
downloaded is what was shown. The bytes are built by ``evidence.exports``
(the library: pure, unit-tested, also what a command-line export writes) and
cached per selection; a click does not rerun the app.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from app_pages import data, selection, state
from app_pages.common import any_overlap, expand_diseases
from evidence import exports
from evidence.forest import forest_chart
from evidence.methods import method_label
from evidence.vocab import Outcome

RENDERERS = {"forest_png": exports.spec_png, "forest_svg": exports.spec_svg}
TABLE_SCOPES = {"analysis": "Reports in the analysis", "filters": "All reports matching the filters"}


def selected_reports(version: str, sel: selection.Selection) -> pd.DataFrame:
    """Reports matching the selection's filters (whatever outcome they report)."""
    reports = data.reports_frame(version)
    if reports.empty:
        return reports
    keep = reports["diseases"].map(lambda v: any_overlap(v, expand_diseases(list(sel.diseases))))
    for name, values in (("target", sel.targets), ("construct", sel.constructs),
                         ("population", sel.populations), ("kind", sel.kinds)):
        if values:
            keep &= reports[name].isin(values)
    return reports[keep]


def _selection_params(sel: selection.Selection) -> dict:
    return {"outcome": sel.outcome, "disease": sel.diseases, "target": sel.targets, "construct": sel.constructs,
            "population": sel.populations, "kind": sel.kinds, "cohort_aware": sel.cohort_aware,
            "model": sel.method.model, "transform": sel.method.transform, "tau2": sel.method.tau2_method,
            "ci": sel.method.ci, "by": sel.by}


def _data_version(version: str) -> str:
    """The curated-data hash and last harvest run of the cache key (never the database address)."""
    _, digest, run, _ = version.rsplit("|", 3)
    return f"curated data {digest[:12]}, harvest run {run}"


def export_selection(version: str, sel: selection.Selection, result, scope: str) -> exports.ExportSelection:
    """The provenance every file carries: this selection, the method label of its result, the data version."""
    m = sel.method
    return exports.ExportSelection(
        outcome=sel.outcome, cohort_aware=sel.cohort_aware, model=m.model, transform=m.transform,
        tau2=m.tau2_method, ci=m.ci, by=sel.by, study_scope=scope, data_version=_data_version(version),
        method_label=method_label(result) if result is not None else None,
        filters={"disease": sel.diseases, "target": sel.targets, "construct": sel.constructs,
                 "population": sel.populations, "kind": sel.kinds},
        app_link="meta-analysis?" + urlencode(state.url_state(_selection_params(sel))))


@st.cache_data(max_entries=16, show_spinner=False)
def build_files(version: str, sel: selection.Selection, scope: str = "analysis") -> exports.Files:
    """Every download for a selection (images as their spec, rendered on click), and why any is missing."""
    a = selection.compute(version, sel)
    included_ids = tuple(a.included["report_id"].unique()) if not a.included.empty else ()
    if scope == "analysis":
        reports = data.reports_frame(version)
        studies = reports[reports["report_id"].isin(included_ids)] if not reports.empty else reports
    else:
        studies = selected_reports(version, sel)
    prov = export_selection(version, sel, a.result, scope)
    spec = None
    if a.result is not None:
        subtitle = (prov.caption(), *prov.warnings)
        spec = forest_chart(a.forest, title=data.label(Outcome, sel.outcome), subtitle=subtitle,
                                   x_title=data.label(Outcome, sel.outcome)).to_json()
    sub = a.subgroups
    return exports.build(prov, studies, a.rows, a.result, subgroups=sub.subgroups if sub is not None else None,
                         test_between={"q": sub.q, "df": sub.df, "p": sub.p} if sub is not None else None,
                         forest_spec=spec, refs=data.references(version, included_ids))


BUTTONS = (
    ("Tables", (("studies_csv", "Study characteristics (CSV)"), ("outcomes_csv", "Analysis set (CSV)"),
                ("xlsx", "All tables + selection (XLSX)"), ("selection_json", "Selection (JSON)"))),
    ("Pooled result", (("pooled_csv", "Pooled result (CSV)"),
                       ("pooled_json", "Pooled result with method and notes (JSON)"))),
    ("Forest plot", (("forest_png", "Forest plot (PNG)"), ("forest_svg", "Forest plot (SVG)"))),
    ("References of the included reports", (("ris", "References (RIS)"), ("bibtex", "References (BibTeX)"))),
)
ABOUT_FILES = ("CSV and RIS files are plain, so any spreadsheet, script or reference manager reads them; the "
               "outcome, filters and method that produced them are in their file name and in the selection JSON "
               "of the same name. The XLSX opens on a Selection sheet; the JSON, BibTeX and figures carry the "
               "selection inside.")


def _section(title: str, buttons: tuple, files: exports.Files) -> None:
    available = [(k, lbl) for k, lbl in buttons if k in files.files]
    reasons = sorted({files.missing[k] for k, _ in buttons if k in files.missing})
    if not available and not reasons:
        return
    st.subheader(title, anchor=False)
    if available:
        cols = st.columns(len(available))
        for col, (key, lbl) in zip(cols, available):
            f = files.files[key]
            payload = partial(RENDERERS[key], f.data) if key in RENDERERS else f.data  # images render on click
            col.download_button(lbl, payload, file_name=f.name, mime=f.mime, key=f"dl_{key}", on_click="ignore",
                                icon=":material/download:", width="stretch")
    for reason in reasons:
        st.caption(f"Not offered: {reason}")


def main() -> None:
    version = data.data_version()
    selection.widgets(version)
    state.bind(("table",), {"table": list(TABLE_SCOPES)})
    sel = selection.current()
    st.title("Export")
    st.caption(f"Outcome: {data.label(Outcome, sel.outcome)}. Everything follows the Meta-analysis selection "
               "(same sidebar, shared between the two pages).")
    st.segmented_control("Study table", list(TABLE_SCOPES), key="table", format_func=TABLE_SCOPES.get)
    scope = state.value("table") or "analysis"
    with st.spinner("Building files…"):
        files = build_files(version, sel, scope)
    a = selection.compute(version, sel)
    label = method_label(a.result) if a.result is not None else "nothing pooled"
    n_refs = a.included["report_id"].nunique() if not a.included.empty else 0
    st.markdown(f"Analysis set: **{len(a.included)}** pooled, {len(a.rows) - len(a.included)} not pooled · "
                f"**{n_refs}** references · method: {label}")
    if a.result is None:
        st.info("No study reports this outcome for these filters, so there is no pooled result, forest plot or "
                "reference list to export. Choose another outcome or remove a filter.")
    st.caption(ABOUT_FILES)
    for title, buttons in BUTTONS:
        _section(title, buttons, files)
    state.publish((*selection.PARAMS, "table"))


main()
