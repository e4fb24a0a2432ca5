"""Every download of an analysis, as bytes: tables (CSV, XLSX), pooled result, forest plot, references.

Pure functions of DataFrames, dicts and chart specs (no Streamlit, no
database), so the app's download buttons and a command-line export write
the same files, and each format is tested by parsing its bytes back. RIS
and BibTeX are written by ``evidence.bibliography``.

What a reviewer can rely on:

- **Provenance.** ``ExportSelection`` records the outcome, filters, report
  scope, cohort-awareness and method that produced a file. The XLSX carries
  it as a "Selection" sheet, the pooled JSON and the companion
  ``…-selection.json`` as an object, the BibTeX as an ``@comment``, the
  forest plot in its title; every file name carries it (``stem``). CSV and
  RIS files stay plain, so any script or reference manager reads them; their
  companion is the selection JSON of the same stem.
- **Text is text.** A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return is prefixed with ``'`` (OWASP, CSV injection), in
  CSV and XLSX alike; line breaks inside a reference field become spaces, so
  a title cannot start a new RIS record or BibTeX field.
- **Integers stay integers**, headers are words, and a table with no row is
  not offered at all (``build`` leaves it out and ``Files.missing`` says why).
"""

from __future__ import annotations

import io
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from evidence.bibliography import bibtex_bytes, ris_bytes
from evidence.formula_safe import neutralise
from evidence.i18n import DEFAULT_LANGUAGE, N_, label, translator
from evidence.methods import method_slug
from evidence.vocab import Construct, Disease, Outcome, Population, ReportKind, Target, TrialPhase

# ---------------------------------------------------------------- provenance

FILTER_VOCABS = {"disease": (N_("Disease"), Disease), "target": (N_("CAR target"), Target),
                 "construct": (N_("Construct"), Construct), "population": (N_("Population"), Population),
                 "kind": (N_("Report kind"), ReportKind)}
COHORT_OFF_WARNING = N_("Cohort-aware selection was OFF: every report was pooled, so patients reported more than "
                        "once are counted more than once (a sensitivity analysis only).")
STUDY_SCOPES = {"analysis": N_("reports in the analysis set (pooled)"),
                "filters": N_("all reports matching the filters, whatever outcome they report")}


@dataclass(frozen=True)
class ExportSelection:
    """What produced a set of files: outcome, filters, scope of the study table, cohort-awareness, method."""

    outcome: str
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)  # "disease" → ("sle",), …
    cohort_aware: bool = True
    model: str = "glmm"
    transform: str = "logit"
    tau2: str = "REML"
    ci: str = "z"
    by: str = "none"
    method_label: str | None = None  # from the result (evidence.methods.method_label); None: nothing pooled
    study_scope: str = "analysis"
    data_version: str = ""
    app_link: str = ""  # the app's query string reproducing this selection
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).replace(microsecond=0).isoformat())
    lang: str = DEFAULT_LANGUAGE  # the language of labels, headers and notes (codes and data stay as they are)

    @property
    def _(self):
        return translator(self.lang)

    @property
    def warnings(self) -> list[str]:
        return [] if self.cohort_aware else [self._(COHORT_OFF_WARNING)]

    def filter_text(self) -> str:
        """'Disease: Systemic lupus erythematosus; CAR target: CD19', or 'no filters'."""
        _ = self._
        parts = [f"{_(FILTER_VOCABS[name][0])}: "
                 + ", ".join(label(FILTER_VOCABS[name][1], c, self.lang) for c in codes)
                 for name, codes in self.filters.items() if codes and name in FILTER_VOCABS]
        return "; ".join(parts) or _("no filters")

    def outcome_label(self) -> str:
        return label(Outcome, self.outcome, self.lang)

    def to_dict(self) -> dict[str, Any]:
        """The selection as JSON-ready data: codes for scripts, labels for people."""
        return {
            "outcome": self.outcome, "outcome_label": self.outcome_label(),
            "filters": {n: list(c) for n, c in self.filters.items() if c},
            "filter_labels": self.filter_text(),
            "cohort_aware": self.cohort_aware,
            "method": {"model": self.model, "transform": self.transform, "tau2": self.tau2, "ci": self.ci},
            "method_label": self.method_label, "subgroups_by": self.by,
            "study_table": self._(STUDY_SCOPES.get(self.study_scope, self.study_scope)),
            "warnings": self.warnings, "data_version": self.data_version,
            "app_link": self.app_link, "created": self.created,
        }

    def rows(self) -> pd.DataFrame:
        """The selection as a two-column table (the XLSX "Selection" sheet)."""
        d, _ = self.to_dict(), self._
        items = [(_("Outcome"), f"{d['outcome_label']} ({self.outcome})"), (_("Filters"), d["filter_labels"]),
                 (_("One report per cohort (cohort-aware)"), _("yes") if self.cohort_aware else _("NO")),
                 (_("Method"), self.method_label or _("nothing pooled")),
                 (_("Method options"), "; ".join(f"{k}={v}" for k, v in d["method"].items())),
                 (_("Subgroups"), self.by), (_("Study table"), d["study_table"]),
                 *((_("Warning"), w) for w in self.warnings),
                 (_("App link"), self.app_link), (_("Data version"), self.data_version),
                 (_("Created (UTC)"), self.created)]
        return pd.DataFrame(items, columns=[_("Field"), _("Value")])

    def stem(self) -> str:
        """File-name stem: 'cart-crs_any-sle-glmm-hk', '…-all-reports' when cohort-awareness is off."""
        parts = ["cart", self.outcome]
        for name in FILTER_VOCABS:
            parts.extend(self.filters.get(name) or ())
        parts.append(method_slug(self.model, self.transform, self.tau2, self.ci))
        if self.by != "none":
            parts.append(f"by-{self.by}")
        if not self.cohort_aware:
            parts.append("all-reports")
        stem = re.sub(r"[^a-z0-9_-]+", "-", "-".join(parts).lower()).strip("-")
        return stem[:120].rstrip("-")

    def caption(self) -> str:
        """One line for a figure: filters, cohort-awareness, method."""
        _ = self._
        aware = _("one report per cohort") if self.cohort_aware else _("ALL reports (cohort-aware OFF)")
        return " · ".join((self.filter_text(), aware, self.method_label or _("nothing pooled")))


# ---------------------------------------------------------------- safe cells

def _text_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists to '; '-joined text, tz-aware datetimes to naive UTC, every text cell neutralised."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            out[col] = series.dt.tz_convert("UTC").dt.tz_localize(None)
        elif series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            out[col] = series.map(lambda v: neutralise("; ".join(map(str, v)) if isinstance(v, (list, tuple))
                                                       else v))
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def _integers(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Counts and years as (nullable) integers: 2024, not 2024.0."""
    out = frame.copy()
    for col in columns:
        if col in out:
            out[col] = pd.to_numeric(out[col], errors="coerce").round().astype("Int64")
    return out


# ---------------------------------------------------------------- tables

STUDY_COLUMNS = {"Report": N_("Report"), "Year": N_("Year"), "Kind": N_("Kind"), "Diseases": N_("Diseases"),
                 "Target": N_("Target"), "Construct": N_("Construct"), "Product": N_("Product"),
                 "Population": N_("Population"), "Phase": N_("Phase"), "Patients": N_("Patients"),
                 "Follow-up": N_("Follow-up"), "Journal": N_("Journal"), "pmid": "PMID", "doi": "DOI",
                 "registry_ids": N_("Registry IDs"), "cohort_id": N_("Cohort"), "data_cutoff": N_("Data cut-off")}
# Label columns of the report table and the code columns they are written from (relabelled in other languages).
STUDY_LABELS = {"Kind": (ReportKind, "kind"), "Diseases": (Disease, "diseases"), "Target": (Target, "target"),
                "Construct": (Construct, "construct"), "Population": (Population, "population"),
                "Phase": (TrialPhase, "phases")}


def _headers(columns: Mapping[str, str], lang: str) -> dict[str, str]:
    _ = translator(lang)
    return {code: _(header) for code, header in columns.items()}


def study_characteristics(reports: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The study-characteristics table of a paper: one row per report, readable columns, integer counts."""
    frame = reports
    if lang != DEFAULT_LANGUAGE and not reports.empty:
        frame = reports.assign(**{shown: reports[codes].map(
            lambda c, v=vocab: ", ".join(label(v, x, lang) for x in c) or "—" if isinstance(c, (list, tuple))
            else label(v, c, lang)) for shown, (vocab, codes) in STUDY_LABELS.items() if codes in reports})
    frame = frame.reindex(columns=list(STUDY_COLUMNS)).rename(columns=_headers(STUDY_COLUMNS, lang))
    _ = translator(lang)
    return _integers(frame, (_("Year"), _("Patients")))


OUTCOME_COLUMNS = {"study_label": N_("Study"), "label": N_("Report"), "report_id": N_("Report ID"),
                   "cohort_id": N_("Cohort"), "subgroup": N_("Patients group"), "events": N_("Events"),
                   "patients": N_("Patients"), "rate": N_("Rate"), "year": N_("Year"),
                   "data_cutoff": N_("Data cut-off"), "target": N_("CAR target"), "construct": N_("Construct"),
                   "population": N_("Population"), "kind": N_("Report kind"), "status": N_("Number status"),
                   "definition": N_("Definition"), "source": N_("Source"), "source_location": N_("Where in the source"),
                   "included": N_("Pooled"), "reason": N_("Why not pooled")}
_CODE_VOCABS = {"target": Target, "construct": Construct, "population": Population, "kind": ReportKind}


def _subgroup_text(code: Any, lang: str = DEFAULT_LANGUAGE) -> Any:
    _ = translator(lang)
    if code == "all":
        return _("whole cohort")
    return label(Disease, code, lang) if isinstance(code, str) else code


def outcomes_table(rows: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The analysis set as a table: every number with its source, status and whether (and why not) it was pooled.

    Headers and vocabulary labels in ``lang`` (the reasons arrive written in it); definitions and sources are
    data, as stored.
    """
    out = rows.copy()
    if not out.empty:
        out["rate"] = out["events"] / out["patients"]
        out["subgroup"] = out["subgroup"].map(lambda c: _subgroup_text(c, lang))
        for col, vocab in _CODE_VOCABS.items():
            if col in out:
                out[col] = out[col].map(lambda c, v=vocab: label(v, c, lang) if isinstance(c, str) and c else c)
    frame = out.reindex(columns=[c for c in OUTCOME_COLUMNS if c in out or c == "rate"])
    _ = translator(lang)
    return _integers(frame.rename(columns=_headers(OUTCOME_COLUMNS, lang)), (_("Events"), _("Patients"), _("Year")))


POOLED_COLUMNS = {"label": N_("Study"), "kind": N_("Row"), "events": N_("Events"), "total": N_("Patients"),
                  "proportion": N_("Proportion"), "ci_low": N_("CI low"), "ci_high": N_("CI high"),
                  "pi_low": N_("PI low"), "pi_high": N_("PI high"), "weight": N_("Weight (%)"), "method": N_("Method"),
                  "tau2": "tau²", "i2": N_("I² (%)"), "q": "Q", "q_df": N_("Q df"), "q_p": N_("p (Q)"), "k": "k",
                  "level": N_("Level")}


def pooled_frame(summary: pd.DataFrame, result: Any, method: str, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The pooled result as one table: study rows, then the pooled row with method and heterogeneity."""
    frame = summary.copy()
    _ = translator(lang)
    frame.loc[frame["kind"] == "pooled", "label"] = _("Pooled")
    frame["method"] = None
    frame.loc[frame["kind"] == "pooled", "method"] = method
    for name in ("tau2", "i2", "q", "q_df", "q_p", "k", "level"):
        frame[name] = None
        frame.loc[frame["kind"] == "pooled", name] = getattr(result, name)
    frame = _integers(frame, ("events", "total", "k", "q_df"))
    return frame.rename(columns=_headers(POOLED_COLUMNS, lang))


# ---------------------------------------------------------------- formats

def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV without the index; formula-like text neutralised."""
    return _text_cells(frame).to_csv(index=False).encode("utf-8")


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "Sheet"
    candidate, i = base, 2
    while candidate in used:
        candidate = f"{base[:28]} {i}"
        i += 1
    used.add(candidate)
    return candidate


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame], selection: ExportSelection | None = None) -> bytes:
    """One workbook: a "Selection" sheet first (when given), then one sheet per table."""
    buffer, used = io.BytesIO(), set()
    _ = translator(selection.lang if selection is not None else DEFAULT_LANGUAGE)
    tables = {_("Selection"): selection.rows(), **sheets} if selection is not None else dict(sheets)
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in tables.items():
            _text_cells(frame).to_excel(writer, sheet_name=_sheet_name(name, used), index=False)
    return buffer.getvalue()


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if value is pd.NA:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def json_bytes(payload: Mapping[str, Any]) -> bytes:
    """Pretty, strict JSON (NaN and infinities become null)."""
    return json.dumps(_json_safe(dict(payload)), indent=2, ensure_ascii=False, allow_nan=False).encode("utf-8")


# ---------------------------------------------------------------- figures

def spec_svg(spec: str) -> bytes:
    """A Vega-Lite spec (JSON text) as SVG, rendered offline by vl-convert."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec).encode("utf-8")


def spec_png(spec: str, scale: float = 2.0) -> bytes:
    """A Vega-Lite spec (JSON text) as PNG (2× for print), rendered offline by vl-convert."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(spec, scale=scale)


def _spec_text(chart: Any) -> str:
    return json.dumps(chart) if isinstance(chart, dict) else chart.to_json()


def chart_svg(chart: Any) -> bytes:
    """An Altair chart or a Vega-Lite spec (dict) as SVG."""
    return spec_svg(_spec_text(chart))


def chart_png(chart: Any, scale: float = 2.0) -> bytes:
    """An Altair chart or a Vega-Lite spec (dict) as PNG."""
    return spec_png(_spec_text(chart), scale)


# ---------------------------------------------------------------- the set of files

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportFile:
    """One download: its bytes (for a figure, the Vega-Lite spec to render with ``spec_png``/``spec_svg``)."""

    data: bytes | str
    name: str
    mime: str


@dataclass
class Files:
    """The files of a selection, and for each file left out, why."""

    files: dict[str, ExportFile]
    missing: dict[str, str]


def _tables(sel: ExportSelection, studies: pd.DataFrame, rows: pd.DataFrame, files: Files) -> dict:
    """The study and analysis-set tables as CSV; returns the non-empty ones as XLSX sheets."""
    stem, sheets, _ = sel.stem(), {}, translator(sel.lang)
    study_table, outcome_table = study_characteristics(studies, sel.lang), outcomes_table(rows, sel.lang)
    if study_table.empty:
        files.missing["studies_csv"] = (_("No report matches the filters.") if sel.study_scope == "filters" else
                                        _("No report is in the analysis set, so the study table would be empty."))
    else:
        sheets[_("Study characteristics")] = study_table
        files.files["studies_csv"] = ExportFile(csv_bytes(study_table), f"{stem}-studies.csv", "text/csv")
    if outcome_table.empty:
        files.missing["outcomes_csv"] = _("No report gives this outcome for these filters.")
    else:
        sheets[_("Outcomes")] = outcome_table
        files.files["outcomes_csv"] = ExportFile(csv_bytes(outcome_table), f"{stem}-outcomes.csv", "text/csv")
    return sheets


def _pooled(sel: ExportSelection, rows: pd.DataFrame, result: Any, subgroups: Mapping[str, Any] | None,
            test_between: Mapping[str, Any] | None, forest_spec: str | None, files: Files) -> pd.DataFrame:
    """The pooled result as CSV and JSON, and the forest plot; returns the pooled table."""
    stem, label = sel.stem(), sel.method_label or ""
    summary = pooled_frame(result.summary_frame(), result, label, sel.lang)
    payload = {"selection": sel.to_dict(), "result": {**result.to_dict(), "method_label": label},
               "excluded": rows[~rows["included"]][["report_id", "study_label", "reason"]].to_dict("records")}
    if subgroups:
        payload["subgroups"] = {k: v.to_dict() for k, v in subgroups.items()}
        payload["test_between"] = dict(test_between or {})
    files.files["pooled_csv"] = ExportFile(csv_bytes(summary), f"{stem}-pooled.csv", "text/csv")
    files.files["pooled_json"] = ExportFile(json_bytes(payload), f"{stem}-pooled.json", "application/json")
    if forest_spec is not None:
        files.files["forest_png"] = ExportFile(forest_spec, f"{stem}-forest.png", "image/png")
        files.files["forest_svg"] = ExportFile(forest_spec, f"{stem}-forest.svg", "image/svg+xml")
    return summary


def _references(sel: ExportSelection, refs: Sequence[Mapping[str, Any]], files: Files) -> None:
    stem, _ = sel.stem(), translator(sel.lang)
    if not refs:
        files.missing["ris"] = _("No report is pooled, so there is no reference to export.")
        return
    header = _("CAR-T evidence tracker export. Outcome: {outcome}; {selection}. ").format(
        outcome=sel.outcome_label(), selection=sel.caption())
    files.files["ris"] = ExportFile(ris_bytes(refs), f"{stem}-references.ris", "application/x-research-info-systems")
    files.files["bibtex"] = ExportFile(bibtex_bytes(refs, (header + " ".join(sel.warnings)).strip()),
                                       f"{stem}-references.bib", "application/x-bibtex")


def build(sel: ExportSelection, studies: pd.DataFrame, rows: pd.DataFrame, result: Any = None,
          subgroups: Mapping[str, Any] | None = None, test_between: Mapping[str, Any] | None = None,
          forest_spec: str | None = None, refs: Sequence[Mapping[str, Any]] = ()) -> Files:
    """Every file for one selection, named by its stem; an empty table gives no file, only a reason.

    ``studies`` is the report table already limited to the scope the user
    chose, ``rows`` the analysis set (included and excluded), ``result`` the
    pooled result (None when nothing is pooled), ``refs`` the references of
    the pooled reports.
    """
    files = Files({"selection_json": ExportFile(json_bytes(sel.to_dict()), f"{sel.stem()}-selection.json",
                                                "application/json")}, {})
    sheets, _ = _tables(sel, studies, rows, files), translator(sel.lang)
    if result is None:
        files.missing["pooled_csv"] = _("Nothing is pooled: no report gives this outcome for these filters.")
    else:
        sheets[_("Pooled")] = _pooled(sel, rows, result, subgroups, test_between, forest_spec, files)
    if sheets:
        files.files["xlsx"] = ExportFile(xlsx_bytes(sheets, sel), f"{sel.stem()}-tables.xlsx", XLSX)
    _references(sel, refs, files)
    return files
