"""Export: tables, pooled results, the forest plot and references, for a paper.

Everything is built from the same selection (outcome, filters, method) as the
Meta-analysis page, read from the same query parameters, so what is
downloaded is what was shown. Bytes are built by ``app_pages.exports`` (pure,
unit-tested) and cached per selection; a click does not rerun the app.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from app_pages import charts, data, exports, selection, state
from app_pages.common import any_overlap, expand_diseases
from evidence.vocab import Outcome

RENDERERS = {"forest_png": exports.spec_png, "forest_svg": exports.spec_svg}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


@st.cache_data(max_entries=16, show_spinner=False)
def build_files(version: str, sel: selection.Selection) -> dict[str, tuple[bytes | str, str, str]]:
    """Every download for a selection: name → (bytes, file name, MIME type); images as their spec."""
    a = selection.compute(version, sel)
    studies = exports.study_characteristics(selected_reports(version, sel))
    outcomes = exports.outcomes_table(a.rows)
    stem = f"cart-{sel.outcome}"
    files = {
        "studies_csv": (exports.csv_bytes(studies), "study-characteristics.csv", "text/csv"),
        "outcomes_csv": (exports.csv_bytes(outcomes), f"{stem}-outcomes.csv", "text/csv"),
    }
    sheets = {"Study characteristics": studies, "Outcomes": outcomes}
    included_ids = tuple(a.included["report_id"].unique()) if not a.included.empty else ()
    if a.result is not None:
        summary = exports.pooled_frame(a.result.summary_frame(), a.result)
        sheets["Pooled"] = summary
        payload = {"outcome": sel.outcome, "outcome_label": data.label(Outcome, sel.outcome),
                   "selection": state.url_state(_selection_params(sel)), "result": a.result.to_dict(),
                   "excluded": a.rows[~a.rows["included"]][["report_id", "study_label", "reason"]].to_dict("records")}
        if a.subgroups is not None:
            payload["subgroups"] = {k: v.to_dict() for k, v in a.subgroups.subgroups.items()}
            payload["test_between"] = {"q": a.subgroups.q, "df": a.subgroups.df, "p": a.subgroups.p}
        chart = charts.forest_chart(a.forest, title=f"{data.label(Outcome, sel.outcome)} — {a.result.method_label}",
                                    x_title=data.label(Outcome, sel.outcome))
        files |= {
            "pooled_csv": (exports.csv_bytes(summary), f"{stem}-pooled.csv", "text/csv"),
            "pooled_json": (exports.json_bytes(payload), f"{stem}-pooled.json", "application/json"),
            # images are rendered on click (deferred): only the spec is built on each rerun
            "forest_png": (chart.to_json(), f"{stem}-forest.png", "image/png"),
            "forest_svg": (chart.to_json(), f"{stem}-forest.svg", "image/svg+xml"),
        }
    files["xlsx"] = (exports.xlsx_bytes(sheets), f"{stem}-tables.xlsx", XLSX)
    refs = data.references(version, included_ids)
    files["ris"] = (exports.ris_bytes(refs), f"{stem}-references.ris", "application/x-research-info-systems")
    files["bibtex"] = (exports.bibtex_bytes(refs), f"{stem}-references.bib", "application/x-bibtex")
    return files


def _selection_params(sel: selection.Selection) -> dict:
    return {"outcome": sel.outcome, "disease": sel.diseases, "target": sel.targets, "construct": sel.constructs,
            "population": sel.populations, "kind": sel.kinds, "cohort_aware": sel.cohort_aware,
            "model": sel.method.model, "transform": sel.method.transform, "tau2": sel.method.tau2_method,
            "ci": sel.method.ci, "by": sel.by}


BUTTONS = (
    ("Tables", (("studies_csv", "Study characteristics (CSV)"), ("outcomes_csv", "Outcomes of the analysis set (CSV)"),
                ("xlsx", "All tables (XLSX, one sheet per table)"))),
    ("Pooled result", (("pooled_csv", "Pooled result (CSV)"), ("pooled_json", "Pooled result with method and notes (JSON)"))),
    ("Forest plot", (("forest_png", "Forest plot (PNG)"), ("forest_svg", "Forest plot (SVG)"))),
    ("References of the included reports", (("ris", "References (RIS)"), ("bibtex", "References (BibTeX)"))),
)


def main() -> None:
    version = data.data_version()
    selection.widgets(version)
    sel = selection.current()
    st.title("Export")
    st.caption(f"Outcome: {data.label(Outcome, sel.outcome)}. Tables follow the sidebar filters; the pooled "
               "result, forest plot and references follow the Meta-analysis selection (same sidebar).")
    with st.spinner("Building files…"):
        files = build_files(version, sel)
    a = selection.compute(version, sel)
    n_reports = len(selected_reports(version, sel))
    st.markdown(f"**{n_reports}** reports in the study table · analysis set: **{len(a.included)}** pooled, "
                f"{len(a.rows) - len(a.included)} excluded as overlapping · "
                f"**{a.included['report_id'].nunique() if not a.included.empty else 0}** references")
    if "pooled_csv" not in files:
        st.info("No study reports this outcome for these filters, so there is no pooled result or forest plot "
                "to export. Choose another outcome or remove a filter.")
    for section, buttons in BUTTONS:
        available = [(k, lbl) for k, lbl in buttons if k in files]
        if not available:
            continue
        st.subheader(section, anchor=False)
        cols = st.columns(len(available))
        for col, (key, lbl) in zip(cols, available):
            payload, name, mime = files[key]
            if key in RENDERERS:  # a callable: vl-convert runs when the button is clicked, not on every rerun
                payload = partial(RENDERERS[key], payload)
            col.download_button(lbl, payload, file_name=name, mime=mime, key=f"dl_{key}", on_click="ignore",
                                icon=":material/download:", width="stretch")
    state.publish(selection.PARAMS)


main()
