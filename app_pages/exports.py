"""Bytes builders for every download: pure functions of DataFrames, dicts and charts.

Kept free of Streamlit so each format is unit-tested by parsing its bytes
back (CSV and XLSX with pandas, JSON with json, RIS with rispy, BibTeX with a
small parser, PNG by its signature, SVG as XML), and so a download button only
ever hands over bytes built here.
"""

from __future__ import annotations

import io
import json
import math
import re
import unicodedata
from typing import Any, Iterable, Mapping

import pandas as pd
import rispy

STUDY_COLUMNS = ["Report", "Year", "Kind", "Diseases", "Target", "Construct", "Product", "Population", "Phase",
                 "Patients", "Follow-up", "Journal", "pmid", "doi", "registry_ids", "cohort_id", "data_cutoff"]


def study_characteristics(reports: pd.DataFrame) -> pd.DataFrame:
    """The study-characteristics table of a paper: one row per report, readable columns."""
    frame = reports.reindex(columns=STUDY_COLUMNS).copy()
    frame["registry_ids"] = frame["registry_ids"].map(lambda v: "; ".join(v) if isinstance(v, list) else v)
    return frame.rename(columns={"pmid": "PMID", "doi": "DOI", "registry_ids": "Registry IDs",
                                 "cohort_id": "Cohort", "data_cutoff": "Data cut-off"})


def outcomes_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The analysis set as a table: every number with its source, status and whether it was pooled."""
    out = rows.drop(columns=["diseases"], errors="ignore").copy()
    if not out.empty:
        out["rate"] = out["events"] / out["patients"]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV without the index."""
    return frame.to_csv(index=False).encode("utf-8")


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "Sheet"
    candidate, i = base, 2
    while candidate in used:
        candidate = f"{base[:28]} {i}"
        i += 1
    used.add(candidate)
    return candidate


def _excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists to text and timezone-aware datetimes to naive UTC (Excel has neither)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, (list, tuple))).any():
            out[col] = out[col].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
        elif isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_convert("UTC").dt.tz_localize(None)
    return out


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """One workbook, one sheet per table (names made Excel-legal and unique)."""
    buffer, used = io.BytesIO(), set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            _excel_safe(frame).to_excel(writer, sheet_name=_sheet_name(name, used), index=False)
    return buffer.getvalue()


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
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


RIS_TYPES = {"journal_article": "JOUR", "case_report": "JOUR", "letter": "JOUR", "conference_abstract": "ABST",
             "press_release": "PRESS", "preprint": "UNPB"}


def ris_bytes(refs: Iterable[Mapping[str, Any]]) -> bytes:
    """RIS records (journal articles, abstracts, press releases) for reference managers."""
    entries = []
    for r in refs:
        entry = {"type_of_reference": RIS_TYPES.get(r.get("kind", ""), "GEN"), "title": r.get("title") or "",
                 "authors": list(r.get("authors") or []), "id": r.get("id", "")}
        optional = {"secondary_title": r.get("journal"), "year": str(r["year"]) if r.get("year") else None,
                    "doi": r.get("doi"), "urls": [r["url"]] if r.get("url") else None,
                    "accession_number": r.get("pmid"),
                    "notes": [f"PMID: {r['pmid']}"] if r.get("pmid") else None}
        entry.update({k: v for k, v in optional.items() if v})
        entries.append(entry)
    return rispy.dumps(entries).encode("utf-8")


def _bib_escape(text: str) -> str:
    return re.sub(r"([{}&%$#_])", r"\\\1", str(text))


def _bib_key(r: Mapping[str, Any], used: set[str]) -> str:
    first = (r.get("authors") or [r.get("id", "ref")])[0].split()[0]
    ascii_name = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode()
    author = re.sub(r"[^A-Za-z]", "", ascii_name) or "ref"
    key = f"{author}{r.get('year') or ''}"
    base, i = key, 0
    while key in used:
        i += 1
        key = f"{base}{chr(96 + i)}"
    used.add(key)
    return key


def bibtex_bytes(refs: Iterable[Mapping[str, Any]]) -> bytes:
    """BibTeX entries (@article, or @misc for abstracts and press releases)."""
    used: set[str] = set()
    out = []
    for r in refs:
        kind = "article" if r.get("kind") in ("journal_article", "case_report", "letter") else "misc"
        fields = {"title": r.get("title"), "author": " and ".join(r.get("authors") or []),
                  "journal" if kind == "article" else "howpublished": r.get("journal"),
                  "year": r.get("year"), "doi": r.get("doi"), "url": r.get("url"),
                  "note": f"PMID: {r['pmid']}" if r.get("pmid") else None}
        body = ",\n".join(f"  {k} = {{{_bib_escape(v)}}}" for k, v in fields.items() if v)
        out.append(f"@{kind}{{{_bib_key(r, used)},\n{body}\n}}\n")
    return "\n".join(out).encode("utf-8")


def spec_svg(spec: str) -> bytes:
    """A Vega-Lite spec (JSON text) as SVG, rendered offline by vl-convert."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec).encode("utf-8")


def spec_png(spec: str, scale: float = 2.0) -> bytes:
    """A Vega-Lite spec (JSON text) as PNG (2× for print), rendered offline by vl-convert."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(spec, scale=scale)


def chart_svg(chart: Any) -> bytes:
    """An Altair chart as SVG."""
    return spec_svg(chart.to_json())


def chart_png(chart: Any, scale: float = 2.0) -> bytes:
    """An Altair chart as PNG."""
    return spec_png(chart.to_json(), scale)


def pooled_frame(summary: pd.DataFrame, result: Any) -> pd.DataFrame:
    """The pooled result as one CSV: the forest rows plus the method and heterogeneity on the pooled row."""
    frame = summary.copy()
    for name in ("method_label", "tau2", "i2", "q", "q_df", "q_p", "k", "level"):
        frame[name] = None
        frame.loc[frame["kind"] == "pooled", name] = getattr(result, name)
    return frame
