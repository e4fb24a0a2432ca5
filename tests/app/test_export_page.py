"""The Export page: every download button's bytes, captured from AppTest, parse back.

Files are checked as a reviewer would use them (issue 11, items 6, 7, 9-11):
integer counts, worded headers, the selection and method inside or beside
each file and in its name, no live formulas, one line per reference field,
and no empty file offered.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
import openpyxl
import rispy
from tests.app.app_test_helpers import parse_bibtex
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage


class RecordingStorage(MemoryMediaFileStorage):
    """The media storage of AppTest's mock runtime, remembered so downloads can be read back."""

    instances: list[MemoryMediaFileStorage] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        RecordingStorage.instances.append(self)


class RecordingManager(MediaFileManager):
    """AppTest's media file manager, remembered so deferred downloads can be executed as a click would."""

    instances: list[MediaFileManager] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        RecordingManager.instances.append(self)


@pytest.fixture
def downloads(page, monkeypatch):
    """Open the Export page; return {button key: bytes} for every download button (deferred ones clicked).

    The file names are in ``run.names`` after each call.
    """
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", RecordingStorage)
    monkeypatch.setattr(app_test_module, "MediaFileManager", RecordingManager)

    def run(params: dict[str, str]) -> dict[str, bytes]:
        RecordingStorage.instances.clear()
        RecordingManager.instances.clear()
        at = page("export", params)
        storage, manager = RecordingStorage.instances[-1], RecordingManager.instances[-1]
        out, run.names = {}, {}
        for button in at.get("download_button"):
            url = button.proto.url
            if button.proto.HasField("deferred_file_id"):
                url = manager.execute_deferred(button.proto.deferred_file_id)
            key = button.proto.id.rsplit("-", 1)[-1]
            stored = storage.get_file(url.rsplit("/", 1)[-1])
            out[key], run.names[key] = stored.content, stored.filename
        run.page = at
        return out

    return run


ALL = {"dl_studies_csv", "dl_outcomes_csv", "dl_xlsx", "dl_selection_json", "dl_pooled_csv", "dl_pooled_json",
       "dl_forest_png", "dl_forest_svg", "dl_ris", "dl_bibtex"}


def test_every_export_button_gives_bytes_that_parse(downloads):
    files = downloads({"outcome": "crs_any"})
    assert set(files) == ALL
    studies = pd.read_csv(io.BytesIO(files["dl_studies_csv"]))
    assert sorted(studies["Report"]) == ["Alpha 2024, J Test", "Beta 2023, ACR", "Gamma 2023, Case J"]
    assert studies["Year"].dtype == "int64" and studies["Patients"].dtype == "int64"  # 2024, not 2024.0
    outcomes = pd.read_csv(io.BytesIO(files["dl_outcomes_csv"]))
    assert outcomes["Pooled"].sum() == 3 and len(outcomes) == 4
    assert outcomes["Events"].dtype == "int64" and outcomes["Year"].dtype == "int64"
    assert not [c for c in (*studies.columns, *outcomes.columns) if "_" in c or c.islower()]  # words, not codes
    book = pd.read_excel(io.BytesIO(files["dl_xlsx"]), sheet_name=None)
    assert list(book) == ["Selection", "Study characteristics", "Outcomes", "Pooled"]
    assert book["Study characteristics"]["Year"].dtype == "int64"
    pooled = pd.read_csv(io.BytesIO(files["dl_pooled_csv"]))
    assert list(pooled["Row"]) == ["study"] * 3 + ["pooled"]
    payload = json.loads(files["dl_pooled_json"])
    assert payload["selection"]["outcome"] == "crs_any" and payload["result"]["k"] == 3
    assert payload["excluded"][0]["report_id"] == "alpha-2022"
    assert abs(payload["result"]["estimate"] - pooled.loc[3, "Proportion"]) < 1e-12
    assert files["dl_forest_png"].startswith(b"\x89PNG\r\n\x1a\n")
    svg = ET.fromstring(files["dl_forest_svg"])
    assert svg.tag.endswith("svg")
    refs = rispy.loads(files["dl_ris"].decode())
    assert sorted(r["title"] for r in refs) == ["A case (fixture)", "BCMA CAR T in NMOSD (fixture)",
                                                "CD19 CAR T cells in autoimmune disease (fixture)"]
    bib = parse_bibtex(files["dl_bibtex"].decode())
    assert len(bib) == 3 and {e["kind"] for e in bib} == {"article", "misc"}
    assert all(e["journal"] and e["year"] for e in bib if e["kind"] == "article")


def test_the_study_table_can_hold_every_report_matching_the_filters(downloads):
    files = downloads({"outcome": "crs_any", "table": "filters"})
    assert len(pd.read_csv(io.BytesIO(files["dl_studies_csv"]))) == 4
    assert downloads.page.segmented_control(key="table").value == "filters"


def test_every_file_says_which_outcome_filters_and_method_made_it(downloads):
    files = downloads({"outcome": "crs_any", "disease": "sle,iim", "ci": "hk"})
    names = downloads.names
    assert all(re.fullmatch(r"cart-crs_any-sle-iim-glmm-hk-[a-z-]+\.(csv|json|xlsx|png|svg|ris|bib)", n)
               for n in names.values()), names
    selection = json.loads(files["dl_selection_json"])
    assert selection["outcome"] == "crs_any" and selection["filters"] == {"disease": ["sle", "iim"]}
    assert selection["cohort_aware"] is True and selection["method"]["ci"] == "hk"
    assert "Hartung–Knapp" in selection["method_label"] and not selection["warnings"]
    sheet = pd.read_excel(io.BytesIO(files["dl_xlsx"]), sheet_name="Selection").set_index("Field")["Value"]
    assert "crs_any" in sheet["Outcome"] and "Systemic lupus erythematosus" in sheet["Filters"]
    assert "Hartung–Knapp" in sheet["Method"]
    assert "Hartung–Knapp" in json.loads(files["dl_pooled_json"])["result"]["method_label"]
    pooled = pd.read_csv(io.BytesIO(files["dl_pooled_csv"]))
    assert "Hartung–Knapp" in pooled["Method"].dropna().item()
    svg = files["dl_forest_svg"].decode()
    assert "Hartung–Knapp" in svg and "Systemic lupus erythematosus" in svg
    assert "Hartung–Knapp" in files["dl_bibtex"].decode().split("@", 2)[1]  # the @comment header


def test_exports_with_cohort_awareness_off_say_so(downloads):
    files = downloads({"outcome": "crs_any", "cohort_aware": "0"})
    assert all("all-reports" in n for n in downloads.names.values())
    assert json.loads(files["dl_selection_json"])["warnings"]
    assert json.loads(files["dl_pooled_json"])["selection"]["cohort_aware"] is False
    sheet = pd.read_excel(io.BytesIO(files["dl_xlsx"]), sheet_name="Selection").set_index("Field")["Value"]
    assert "counted more than once" in sheet["Warning"]
    assert "cohort-aware OFF" in files["dl_forest_svg"].decode()
    assert "counted more than once" in files["dl_bibtex"].decode()
    assert any("Cohort-aware selection is off" in w.value for w in downloads.page.warning)


def test_an_empty_selection_offers_no_empty_file_and_says_why(downloads):
    files = downloads({"outcome": "death"})
    assert set(files) == {"dl_selection_json"}
    at = downloads.page
    assert any("no pooled result" in i.value for i in at.info)
    reasons = " ".join(c.value for c in at.caption)
    assert "No report gives this outcome" in reasons and "no reference to export" in reasons


FORMULAS = {"label": "=HYPERLINK(\"http://evil\",\"x\")", "title": "@SUM(1+1)", "journal": "+cmd|' /C calc'!A0",
            "followup": "-2+3", "product": "\tTAB", "dose": "\rCR"}


def test_stored_text_never_becomes_a_spreadsheet_formula(downloads, app_db):
    with sqlite3.connect(app_db) as conn:
        sets = ", ".join(f"{k} = ?" for k in FORMULAS)
        conn.execute(f"UPDATE report SET {sets} WHERE report_id = 'alpha-2024'", list(FORMULAS.values()))
        conn.execute("UPDATE outcome SET definition = '=1+1', source = '@cmd' WHERE report_id = 'alpha-2024'")
    files = downloads({"outcome": "crs_any", "table": "filters"})
    for key in ("dl_studies_csv", "dl_outcomes_csv"):
        frame = pd.read_csv(io.BytesIO(files[key]), keep_default_na=False)
        cells = [str(v) for v in frame.to_numpy().ravel()]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], key
    studies = pd.read_csv(io.BytesIO(files["dl_studies_csv"])).set_index("Product")
    assert "'\tTAB" in studies.index and studies.loc["'\tTAB", "Follow-up"] == "'-2+3"
    book = openpyxl.load_workbook(io.BytesIO(files["dl_xlsx"]))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'" + FORMULAS["label"] in texts and "'=1+1" in texts and "'@cmd" in texts


def test_a_line_break_in_a_title_stays_inside_its_reference(downloads, app_db):
    with sqlite3.connect(app_db) as conn:
        conn.execute("UPDATE report SET title = 'First line\nER  - \nTY  - JOUR\nTI  - injected' "
                     "WHERE report_id = 'beta-2023'")
    files = downloads({"outcome": "crs_any"})
    text = files["dl_ris"].decode()
    lines = text.splitlines()
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines), lines  # no counters, no blanks
    refs = rispy.loads(text)
    assert len(refs) == 3
    assert "First line ER - TY - JOUR TI - injected" in [r["title"] for r in refs]
    bib = parse_bibtex(files["dl_bibtex"].decode())
    assert len(bib) == 3 and any(e["title"].startswith("First line ER - TY") for e in bib)
