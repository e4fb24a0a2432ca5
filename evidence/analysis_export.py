"""Every file of an analysis, from the store: what the Export page offers and ``evidence export`` writes.

``export_files`` runs the analysis of a selection (``analyse_outcome``),
takes the study table at the scope asked (the pooled reports, or every
report matching the filters), the references of the pooled reports and the
forest plot, and hands them to ``evidence.exports.build``. The app and the
command line both call it, so a script and a download button get the same
bytes.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pandas as pd
from sqlmodel import Session

from evidence import exports, queries
from evidence.forest import forest_chart, forest_rows
from evidence.i18n import DEFAULT_LANGUAGE, label
from evidence.methods import method_label
from evidence.outcome_analysis import OutcomeAnalysis, Selection, analyse_outcome
from evidence.vocab import Outcome, expand_diseases

FORMATS = {  # command-line format → the file key of ``exports.Files``
    "csv": "outcomes_csv", "studies-csv": "studies_csv", "pooled-csv": "pooled_csv", "xlsx": "xlsx",
    "json": "pooled_json", "selection-json": "selection_json", "ris": "ris", "bibtex": "bibtex",
    "png": "forest_png", "svg": "forest_svg",
}


def selection_params(sel: Selection) -> dict[str, str]:
    """The Meta-analysis page's URL parameters reproducing ``sel`` (defaults left out)."""
    m = sel.method
    out = {"outcome": sel.outcome}
    for name, values in (("disease", sel.diseases), ("target", sel.targets), ("construct", sel.constructs),
                         ("population", sel.populations), ("kind", sel.kinds)):
        if values:
            out[name] = ",".join(values)
    if not sel.cohort_aware:
        out["cohort_aware"] = "0"
    if sel.include_mixed:
        out["mixed"] = "1"
    for name, value, default in (("model", m.model, "glmm"), ("transform", m.transform, "logit"),
                                 ("tau2", m.tau2_method, "REML"), ("ci", m.ci, "z"), ("by", sel.by, "none")):
        if value != default:
            out[name] = value
    return out


def matching_reports(reports: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """Reports matching the selection's filters, whatever outcome they report."""
    if reports.empty:
        return reports
    wanted = expand_diseases(sel.diseases)
    keep = reports["diseases"].map(lambda v: not wanted or bool(set(v) & set(wanted)))
    for name, values in (("target", sel.targets), ("construct", sel.constructs),
                         ("population", sel.populations), ("kind", sel.kinds)):
        if values:
            keep &= reports[name].isin(values)
    return reports[keep]


def export_selection(sel: Selection, a: OutcomeAnalysis, scope: str, data_version: str,
                     lang: str = DEFAULT_LANGUAGE) -> exports.ExportSelection:
    """The provenance every file carries: this selection, the method label of its result, the data version."""
    m = sel.method
    return exports.ExportSelection(
        outcome=sel.outcome, cohort_aware=sel.cohort_aware, model=m.model, transform=m.transform,
        tau2=m.tau2_method, ci=m.ci, by=sel.by, study_scope=scope, data_version=data_version,
        method_label=method_label(a.result) if a.result is not None else None,
        filters={"disease": sel.diseases, "target": sel.targets, "construct": sel.constructs,
                 "population": sel.populations, "kind": sel.kinds},
        app_link="meta-analysis?" + urlencode(selection_params(sel)), lang=lang)


def forest_spec(a: OutcomeAnalysis, prov: exports.ExportSelection) -> str | None:
    """The forest plot of an analysis as a Vega-Lite spec (rendered to PNG or SVG on demand)."""
    if a.result is None:
        return None
    names = a.study_labels(prov.lang)
    rows = (forest_rows(a.subgroups.overall, a.subgroups.subgroups, a.subgroups.labels, lang=prov.lang,
                        study_labels=names)
            if a.subgroups else forest_rows(a.result, lang=prov.lang, study_labels=names))
    title = label(Outcome, a.selection.outcome, prov.lang)
    return json.dumps(forest_chart(rows, title=title, subtitle=(prov.caption(), *prov.warnings), x_title=title,
                                   lang=prov.lang))


def export_files(session: Session, sel: Selection, scope: str = "analysis",
                 data_version: str = "", lang: str = DEFAULT_LANGUAGE) -> exports.Files:
    """Every download for a selection (images as their spec), and why any file is not offered.

    Tables for people (CSV, XLSX), the forest plot and the reasons are written in ``lang``;
    codes, file names and the JSON keys stay the same in every language.
    """
    a = analyse_outcome(session, sel)
    included_ids = tuple(dict.fromkeys(r.report_id for r in a.included_records))
    reports = queries.reports_table(session)
    if scope == "analysis":
        studies = reports[reports["report_id"].isin(included_ids)] if not reports.empty else reports
    else:
        studies = matching_reports(reports, sel)
    prov = export_selection(sel, a, scope, data_version, lang)
    sub = a.subgroups
    return exports.build(prov, studies, a.rows_in(lang), a.result,
                         subgroups=sub.subgroups if sub is not None else None,
                         test_between={"q": sub.q, "df": sub.df, "p": sub.p} if sub is not None else None,
                         forest_spec=forest_spec(a, prov), refs=queries.references(session, included_ids))


def file_bytes(files: exports.Files, key: str) -> bytes:
    """The bytes of one file (a forest plot is rendered from its spec here)."""
    f = files.files[key]
    if key == "forest_png":
        return exports.spec_png(f.data)
    if key == "forest_svg":
        return exports.spec_svg(f.data)
    return f.data if isinstance(f.data, bytes) else f.data.encode("utf-8")
