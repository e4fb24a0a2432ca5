"""The Export page: every download button's bytes, captured from AppTest, parse back."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
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
    """Open the Export page; return {button key: bytes} for every download button (deferred ones clicked)."""
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", RecordingStorage)
    monkeypatch.setattr(app_test_module, "MediaFileManager", RecordingManager)

    def run(params: dict[str, str]) -> dict[str, bytes]:
        RecordingStorage.instances.clear()
        RecordingManager.instances.clear()
        at = page("export", params)
        storage, manager = RecordingStorage.instances[-1], RecordingManager.instances[-1]
        out = {}
        for button in at.get("download_button"):
            url = button.proto.url
            if button.proto.HasField("deferred_file_id"):
                url = manager.execute_deferred(button.proto.deferred_file_id)
            out[button.proto.id.rsplit("-", 1)[-1]] = storage.get_file(url.rsplit("/", 1)[-1]).content
        return out

    return run


def test_every_export_button_gives_bytes_that_parse(downloads):
    files = downloads({"outcome": "crs_any"})
    assert set(files) == {"dl_studies_csv", "dl_outcomes_csv", "dl_xlsx", "dl_pooled_csv", "dl_pooled_json",
                          "dl_forest_png", "dl_forest_svg", "dl_ris", "dl_bibtex"}
    studies = pd.read_csv(io.BytesIO(files["dl_studies_csv"]))
    assert len(studies) == 4 and "Report" in studies.columns
    outcomes = pd.read_csv(io.BytesIO(files["dl_outcomes_csv"]))
    assert outcomes["included"].sum() == 3 and len(outcomes) == 4
    book = pd.read_excel(io.BytesIO(files["dl_xlsx"]), sheet_name=None)
    assert list(book) == ["Study characteristics", "Outcomes", "Pooled"]
    pooled = pd.read_csv(io.BytesIO(files["dl_pooled_csv"]))
    assert list(pooled["kind"]) == ["study"] * 3 + ["pooled"]
    payload = json.loads(files["dl_pooled_json"])
    assert payload["outcome"] == "crs_any" and payload["result"]["k"] == 3
    assert payload["excluded"][0]["report_id"] == "alpha-2022"
    assert abs(payload["result"]["estimate"] - pooled.loc[3, "proportion"]) < 1e-12
    assert files["dl_forest_png"].startswith(b"\x89PNG\r\n\x1a\n")
    svg = ET.fromstring(files["dl_forest_svg"])
    assert svg.tag.endswith("svg")
    refs = rispy.loads(files["dl_ris"].decode())
    assert sorted(r["title"] for r in refs) == ["A case (fixture)", "BCMA CAR T in NMOSD (fixture)",
                                                "CD19 CAR T cells in autoimmune disease (fixture)"]
    bib = parse_bibtex(files["dl_bibtex"].decode())
    assert len(bib) == 3 and {e["kind"] for e in bib} == {"article", "misc"}


def test_export_without_pooled_result_still_offers_tables_and_says_why(downloads, page):
    files = downloads({"outcome": "death"})
    assert "dl_pooled_csv" not in files and "dl_forest_png" not in files
    assert pd.read_excel(io.BytesIO(files["dl_xlsx"]), sheet_name=None).keys() == {"Study characteristics",
                                                                                   "Outcomes"}
    at = page("export", {"outcome": "death"})
    assert any("no pooled result" in i.value for i in at.info)
