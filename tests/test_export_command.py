"""`evidence export` writes the Export page's files: the same bytes, built by the same library function."""

from __future__ import annotations

import csv
import io

from sqlmodel import Session
from typer.testing import CliRunner

from evidence.analysis_export import export_files, file_bytes, selection_params
from evidence.cli import app
from evidence.outcome_analysis import Method, Selection
from evidence.queries import data_label


def _run(settings, monkeypatch, *args):
    monkeypatch.setenv("EVIDENCE_DB", settings.db)
    return CliRunner().invoke(app, ["export", *args])


def test_export_writes_the_library_files(engine, settings, monkeypatch, tmp_path):
    sel = Selection("crs_any", method=Method(ci="hk"))
    with Session(engine) as session:
        files = export_files(session, sel, "analysis", data_label(session))
    for fmt, key in (("csv", "outcomes_csv"), ("xlsx", "xlsx"), ("ris", "ris"), ("bibtex", "bibtex")):
        out = tmp_path / f"export.{fmt}"
        result = _run(settings, monkeypatch, "--outcome", "crs_any", "--ci", "hk", "--format", fmt, "--out", str(out))
        assert result.exit_code == 0, result.output
        if fmt in ("csv", "ris"):
            assert out.read_bytes() == file_bytes(files, key)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "export.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 4  # the fixture's four CRS numbers, in and out
    png = tmp_path / "forest.png"
    assert _run(settings, monkeypatch, "--outcome", "crs_any", "--format", "png", "--out", str(png)).exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_nothing_to_export_is_said_not_written(engine, settings, monkeypatch, tmp_path):
    out = tmp_path / "forest.png"
    result = _run(settings, monkeypatch, "--outcome", "death", "--format", "png", "--out", str(out))
    assert result.exit_code == 2 and "no png file for this selection" in result.output
    assert not out.exists()
    bad = _run(settings, monkeypatch, "--outcome", "crs_any", "--disease", "lupus", "--format", "csv",
               "--out", str(out))
    assert bad.exit_code == 2 and "unknown Disease" in bad.output


def test_selection_params_reproduce_the_page_link():
    sel = Selection("crs_any", diseases=("sle", "ssc"), cohort_aware=False, include_mixed=True,
                    method=Method(model="re", ci="hk"))
    assert selection_params(sel) == {"outcome": "crs_any", "disease": "sle,ssc", "cohort_aware": "0",
                                     "mixed": "1", "model": "re", "ci": "hk"}


def test_export_in_italian_labels_headers_sheets_and_plot_but_keeps_codes_and_numbers(engine, settings, monkeypatch,
                                                                                     tmp_path):
    out = tmp_path / "outcomes.csv"
    result = _run(settings, monkeypatch, "--outcome", "crs_any", "--format", "csv", "--out", str(out), "--lang", "it")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {"Studio", "Eventi", "Pazienti", "Frequenza", "Perché non aggregato"} <= set(rows[0])
    assert all("," not in r["Frequenza"] for r in rows)  # numbers stay machine-readable (a spreadsheet localises)
    with Session(engine) as session:
        files = export_files(session, Selection("crs_any"), "analysis", data_label(session), "it")
        english = export_files(session, Selection("crs_any"), "analysis", data_label(session))
    assert files.files["outcomes_csv"].name == english.files["outcomes_csv"].name  # file names are codes
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(files.files["xlsx"].data))
    assert book.sheetnames[:2] == ["Selezione", "Caratteristiche degli studi"]
    selection_sheet = {r[0]: r[1] for r in book["Selezione"].iter_rows(min_row=2, values_only=True)}
    assert selection_sheet["Esito"].startswith("Sindrome da rilascio di citochine (CRS), qualsiasi grado (crs_any)")
    spec = files.files["forest_png"].data
    assert "Eventi/n" in spec and "% (IC 95%)" in spec and "Stima aggregata (k = " in spec
    assert "Events/n" in english.files["forest_png"].data
    bad = _run(settings, monkeypatch, "--outcome", "crs_any", "--format", "csv", "--out", str(out), "--lang", "fr")
    assert bad.exit_code == 2 and "--lang must be one of en, it" in bad.output
