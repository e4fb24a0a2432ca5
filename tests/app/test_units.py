"""Pure parts of the app: URL state, export builders, forest rows, filters, FTS query, safe text."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
import rispy

from analysis import pool_proportions
from app_pages import charts, exports, state
from app_pages.common import escape_md
from app_pages.data import registry_url
from tests.app.app_test_helpers import parse_bibtex

P = state.PARAMS


@pytest.mark.parametrize("name,raw,options,expected", [
    ("disease", "sle,ssc", ["sle", "ssc", "iim"], ["sle", "ssc"]),
    ("disease", "sle,bogus", ["sle"], ["sle"]),
    ("disease", None, None, []),
    ("cohort_aware", "0", None, False),
    ("cohort_aware", "1", None, True),
    ("cohort_aware", None, None, True),
    ("year_from", "2023", None, 2023),
    ("year_from", "abc", None, None),
    ("model", "re", ["glmm", "re", "fe"], "re"),
    ("model", "evil", ["glmm", "re", "fe"], "glmm"),
])
def test_parse_validates_against_the_whitelist(name, raw, options, expected):
    assert state.parse(P[name], raw, options) == expected


def test_url_state_keeps_only_whitelisted_non_default_values():
    values = {"disease": ["sle", "iim"], "model": "glmm", "cohort_aware": False, "outcome": "crs_any",
              "secret": "x", "q": "", "year_from": 2020}
    assert state.url_state(values) == {"disease": "sle,iim", "cohort_aware": "0", "outcome": "crs_any",
                                       "year_from": "2020"}


def test_parse_and_encode_round_trip():
    for name, value in [("disease", ["sle"]), ("cohort_aware", False), ("year_to", 2024), ("outcome", "crs_any")]:
        assert state.parse(P[name], state.encode(P[name], value)) == value


REFS = [
    {"id": "a", "kind": "journal_article", "title": "CAR T {in} SLE & co_", "authors": ["Müller F", "Schett G"],
     "journal": "N Engl J Med", "year": 2024, "doi": "10.1/x", "pmid": "123", "url": ""},
    {"id": "b", "kind": "conference_abstract", "title": "An abstract", "authors": ["Müller F"],
     "journal": "ACR Convergence", "year": 2024, "doi": None, "pmid": None, "url": "https://example.org"},
]


def test_ris_parses_back_with_types_and_ids():
    records = rispy.loads(exports.ris_bytes(REFS).decode())
    assert [r["type_of_reference"] for r in records] == ["JOUR", "ABST"]
    assert records[0]["doi"] == "10.1/x" and records[0]["authors"] == ["Müller F", "Schett G"]


def test_bibtex_escapes_and_keeps_keys_unique():
    entries = parse_bibtex(exports.bibtex_bytes(REFS).decode())
    assert [e["key"] for e in entries] == ["Muller2024", "Muller2024a"]
    assert entries[0]["title"] == r"CAR T \{in\} SLE \& co\_"
    assert entries[1]["kind"] == "misc" and entries[1]["howpublished"] == "ACR Convergence"


def test_xlsx_one_sheet_per_table_with_lists_and_datetimes():
    frames = {"Studies: main/1": pd.DataFrame({"a": [[1, 2]], "t": [pd.Timestamp("2026-01-01", tz="UTC")]}),
              "Outcomes": pd.DataFrame({"b": [1.5]})}
    book = pd.read_excel(io.BytesIO(exports.xlsx_bytes(frames)), sheet_name=None)
    assert list(book) == ["Studies  main 1", "Outcomes"]
    assert book["Studies  main 1"].loc[0, "a"] == "1; 2"


def test_json_is_strict():
    data = json.loads(exports.json_bytes({"x": float("nan"), "y": (1, 2), "t": pd.Timestamp("2026-01-01")}))
    assert data == {"x": None, "y": [1, 2], "t": "2026-01-01T00:00:00"}


def test_forest_rows_and_images():
    res = pool_proportions([3, 9, 12], [5, 15, 12], labels=["A", "B", "C"])
    rows = charts.forest_rows(res)
    assert list(rows["kind"]) == ["study"] * 3 + ["pooled", "pi"]
    assert list(rows["row"]) == [0, 1, 2, 3, 4]
    chart = charts.forest_chart(rows, title="CRS")
    assert exports.chart_png(chart).startswith(b"\x89PNG")
    assert ET.fromstring(exports.chart_svg(chart)).tag.endswith("svg")


def test_forest_rows_with_subgroups_are_numbered_top_to_bottom():
    a = pool_proportions([3, 9], [5, 15], labels=["A", "B"])
    b = pool_proportions([1], [4], labels=["C"])
    overall = pool_proportions([3, 9, 1], [5, 15, 4], labels=["A", "B", "C"])
    rows = charts.forest_rows(overall, {"sle": a, "mg": b}, {"sle": "SLE", "mg": "MG"})
    assert list(rows["row"]) == list(range(len(rows)))
    assert list(rows["kind"]) == ["header", "study", "study", "subpooled", "header", "study", "pooled", "pi"]


def test_escape_md_neutralises_links_html_and_shortcodes():
    text = escape_md("[click](http://evil) <b>x</b> :red[y] *z*")
    assert "](" not in text.replace("\\]\\(", "") and "\\<b\\>" in text and "\\:red\\[" in text


def test_registry_urls():
    assert registry_url("NCT01234567") == "https://clinicaltrials.gov/study/NCT01234567"
    assert registry_url("2022-001366-35").startswith("https://www.clinicaltrialsregister.eu/")
    assert registry_url("unknown-id") is None


def test_timeline_partial_dates():
    assert charts.partial_date("2023") == pd.Timestamp("2023-01-01")
    assert charts.partial_date("2023-11") == pd.Timestamp("2023-11-01")
    assert charts.partial_date("") is None


def test_country_lists_use_a_separator_that_survives_commas():
    value = ["Korea, Republic of", "Germany"]
    encoded = state.encode(P["country"], value)
    assert encoded == "Korea, Republic of|Germany"
    assert state.parse(P["country"], encoded, value) == value
