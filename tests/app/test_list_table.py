"""The sortable list (app_pages.list_table): what reaches the browser is text, links only to safe addresses,
numbers in the reader's language, and sort keys that order numbers as numbers and put the unknown last."""

from __future__ import annotations

import pandas as pd
import pytest

from app_pages.list_table import safe_href, table_data


@pytest.mark.parametrize("address, expected", [
    ("https://pubmed.ncbi.nlm.nih.gov/1/", "https://pubmed.ncbi.nlm.nih.gov/1/"),
    ("http://example.org", "http://example.org"),
    ("studies?report=beta-2023", "studies?report=beta-2023"),
    ("javascript:alert(1)", None), ("JavaScript:alert(1)", None), ("data:text/html,<b>x</b>", None),
    ("//evil.example/x", None), ("/etc/passwd", None), (" javascript:alert(1)", None), ("", None), (None, None),
])
def test_only_web_and_same_site_addresses_become_links(address, expected):
    assert safe_href(address) == expected


def test_cells_are_text_numbers_per_language_and_missing_is_a_dash(monkeypatch):
    monkeypatch.setattr("app_pages.i18n.language", lambda: "it")
    frame = pd.DataFrame({"Report": ["<b>A</b>", "=1+1"], "Patients": [1200, None], "Year": [2023.0, None],
                          "PubMed": ["https://pubmed.ncbi.nlm.nih.gov/1/", "javascript:alert(1)"]})
    data = table_data(frame, formats={"Patients": "int", "Year": "year"}, links={"PubMed": "PubMed"})
    assert [c["name"] for c in data["columns"]] == ["Report", "Pazienti", "Anno", "PubMed"]
    assert data["rows"] == [["<b>A</b>", "1.200", "2023", "PubMed"], ["=1+1", "—", "—", "javascript:alert(1)"]]
    assert data["links"] == {3: ["https://pubmed.ncbi.nlm.nih.gov/1/", None]}  # only a link column has addresses
    assert [c["kind"] for c in data["columns"]] == ["text", "number", "number", "link"]


def test_number_columns_sort_by_their_numbers_and_text_columns_by_their_text():
    frame = pd.DataFrame({"n": [10, 9, None], "when": ["2024-03", None, "2023"], "ok": [True, False, None]})
    data = table_data(frame, formats={"n": "int"})
    assert data["keys"] == {0: [10.0, 9.0, None]}  # "10" sorts after "9"; the unknown goes last
    assert [row[1] for row in data["rows"]] == ["2024-03", data["missing"], "2023"]  # sorted as shown, blank last
    assert [row[2] for row in data["rows"]] == ["✓", "", "—"]


def test_a_long_text_column_is_given_room():
    frame = pd.DataFrame({"Title": ["x" * 61], "Status": ["Recruiting"]})
    assert [c["long"] for c in table_data(frame)["columns"]] == [True, False]
