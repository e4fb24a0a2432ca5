"""Export: tables, pooled results, the forest plot and references, for a paper.

Everything is built from the same selection (outcome, filters, method) as the
Meta-analysis page, shared through the session and the URL, so what is
downloaded is what was shown. The bytes are built by ``evidence.exports``
(the library: pure, unit-tested, also what a command-line export writes) and
cached per selection; a click does not rerun the app.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from app_pages import data, selection, state
from app_pages.i18n import _, label, language
from evidence import exports
from evidence.methods import method_label
from evidence.vocab import Outcome

RENDERERS = {"forest_png": exports.spec_png, "forest_svg": exports.spec_svg}
TABLE_SCOPES = {"analysis": _("Reports in the analysis"), "filters": _("All reports matching the filters")}


BUTTONS = (
    (_("Tables"), (("studies_csv", _("Study characteristics (CSV)")), ("outcomes_csv", _("Analysis set (CSV)")),
                   ("xlsx", _("All tables + selection (XLSX)")), ("selection_json", _("Selection (JSON)")))),
    (_("Pooled result"), (("pooled_csv", _("Pooled result (CSV)")),
                          ("pooled_json", _("Pooled result with method and notes (JSON)")))),
    (_("Forest plot"), (("forest_png", _("Forest plot (PNG)")), ("forest_svg", _("Forest plot (SVG)")))),
    (_("References of the included reports"), (("ris", _("References (RIS)")),
                                               ("bibtex", _("References (BibTeX)")))),
)
ABOUT_FILES = _("CSV and RIS files are plain, so any spreadsheet, script or reference manager reads them; the "
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
        row = st.container(horizontal=True)  # buttons as wide as their labels, wrapping: never a cut label
        for key, lbl in available:
            f = files.files[key]
            payload = partial(RENDERERS[key], f.data) if key in RENDERERS else f.data  # images render on click
            row.download_button(lbl, payload, file_name=f.name, mime=f.mime, key=f"dl_{key}", on_click="ignore",
                                icon=":material/download:")
    for reason in reasons:
        st.caption(_("Not offered: {reason}").format(reason=reason))


def main() -> None:
    version = data.data_version()
    selection.widgets(version)
    state.bind(("table",), {"table": list(TABLE_SCOPES)})
    sel = selection.current()
    st.title(_("Export"))
    st.caption(_("Outcome: {outcome}. Everything follows the Meta-analysis selection (outcome, disease, "
                 "filters and method, shared between the two pages).").format(outcome=label(Outcome, sel.outcome)))
    st.segmented_control(_("Study characteristics (CSV, XLSX): which reports"), list(TABLE_SCOPES), key="table",
                         format_func=TABLE_SCOPES.get)
    scope = state.value("table") or "analysis"
    with st.spinner(_("Building files…")):
        files = data.export_files(version, sel, scope, language())
    a = selection.compute(version, sel)
    method = method_label(a.result, language()) if a.result is not None else _("nothing pooled")
    n_refs = a.included["report_id"].nunique() if not a.included.empty else 0
    st.markdown(_("Analysis set — pooled: **{pooled}**, not pooled: {left_out} · references: **{references}** · "
                  "method: {method}").format(pooled=len(a.included), left_out=len(a.rows) - len(a.included),
                                             references=n_refs, method=method))
    if a.result is None:
        st.info(_("No study reports this outcome for these filters, so there is no pooled result, forest plot or "
                  "reference list to export. Choose another outcome or remove a filter."))
    st.caption(ABOUT_FILES)
    for title, buttons in BUTTONS:
        _section(title, buttons, files)
    state.publish((*selection.PARAMS, "table"))


main()
