"""Pure parts of the app: URL state, export builders, forest rows, filters, FTS query, safe text."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
import rispy

from analysis import pool_proportions
from app_pages import charts, state
from app_pages.common import cell_text, escape_md, facts_html, table_html
from app_pages.data import registry_url
from evidence import bibliography, exports
from evidence.forest import forest_chart, forest_rows, forest_spec
from evidence.links import source_url
from evidence.methods import method_label, method_slug
from tests.app.app_test_helpers import html_tables, parse_bibtex

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
    records = rispy.loads(bibliography.ris_bytes(REFS).decode())
    assert [r["type_of_reference"] for r in records] == ["JOUR", "ABST"]
    assert records[0]["doi"] == "10.1/x" and records[0]["authors"] == ["Müller F", "Schett G"]


def test_bibtex_escapes_and_keeps_keys_unique():
    entries = parse_bibtex(bibliography.bibtex_bytes(REFS).decode())
    assert [e["key"] for e in entries] == ["Muller2024", "Muller2024a"]
    assert entries[0]["title"] == r"CAR T \{in\} SLE \& co\_"
    assert entries[1]["kind"] == "misc" and entries[1]["howpublished"] == "ACR Convergence"


def test_bibtex_articles_have_journal_and_year_and_urls_are_verbatim():
    refs = [{**REFS[0], "url": "https://example.org/a_b%20c#x", "doi": "10.1000/x_y"},
            {**REFS[0], "id": "c", "journal": "", "year": 2023},  # no journal: @misc, nothing invented
            {**REFS[0], "id": "d", "year": None, "title": "Line one\nline two"}]
    entries = parse_bibtex(bibliography.bibtex_bytes(refs).decode())
    assert entries[0]["kind"] == "article" and entries[0]["journal"] == "N Engl J Med"
    assert entries[0]["year"] == "2024"
    assert entries[0]["url"] == "https://example.org/a_b%20c#x" and entries[0]["doi"] == "10.1000/x_y"
    assert entries[1]["kind"] == "misc" and "journal" not in entries[1]
    assert entries[2]["kind"] == "misc" and "year" not in entries[2]
    assert entries[2]["title"] == "Line one line two"


def test_ris_records_follow_each_other_without_stray_lines():
    refs = [{**REFS[0], "title": "A\r\nER  - \nTY  - JOUR"}, REFS[1]]
    text = bibliography.ris_bytes(refs).decode()
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in text.splitlines())
    assert [r["title"] for r in rispy.loads(text)] == ["A ER - TY - JOUR", "An abstract"]


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+49 30", "'+49 30"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""), (-2, -2), (None, None),
])
def test_cells_that_a_spreadsheet_would_run_are_neutralised(value, expected):
    assert exports.neutralise(value) == expected


def test_tables_have_integer_counts_and_worded_headers():
    reports = pd.DataFrame({"Report": ["A"], "Year": [2024.0], "Patients": [None], "pmid": ["1"],
                            "registry_ids": [["NCT01234567", "NCT07654321"]]})
    table = exports.study_characteristics(reports)
    assert str(table["Year"].dtype) == "Int64" and table["Year"].item() == 2024
    frame = pd.read_csv(io.BytesIO(exports.csv_bytes(table)))
    assert frame.loc[0, "Registry IDs"] == "NCT01234567; NCT07654321" and frame.loc[0, "Year"] == 2024
    assert {"PMID", "Registry IDs", "Data cut-off"} <= set(frame.columns)


def test_selection_names_files_and_warns_when_cohort_awareness_is_off():
    sel = exports.ExportSelection("crs_any", {"disease": ("sle", "lupus_nephritis")}, cohort_aware=False, ci="hk")
    assert sel.stem() == "cart-crs_any-sle-lupus_nephritis-glmm-hk-all-reports"
    assert sel.warnings and "Systemic lupus erythematosus, Lupus nephritis" in sel.filter_text()
    assert "cohort-aware OFF" in sel.caption()


def test_method_label_names_every_option_that_changes_a_number():
    counts = ([3, 9, 12, 4], [5, 15, 14, 9])
    glmm, glmm_hk = pool_proportions(*counts), pool_proportions(*counts, ci="hk")
    assert (glmm.ci_low, glmm.ci_high) != (glmm_hk.ci_low, glmm_hk.ci_high)
    assert method_label(glmm) != method_label(glmm_hk) and "Hartung–Knapp" in method_label(glmm_hk)
    re_pm = pool_proportions(*counts, model="re", transform="ft", tau2_method="PM", ci="hk-adhoc")
    assert all(w in method_label(re_pm) for w in ("Random effects", "Freeman–Tukey", "Paule–Mandel", "ad hoc"))
    assert "Clopper–Pearson" in method_label(pool_proportions([0, 0], [5, 6]))
    assert method_slug("re", "logit", "REML", "z") == "re-logit-reml"


@pytest.mark.parametrize("source,url", [
    ("PMID 36109639", "https://pubmed.ncbi.nlm.nih.gov/36109639/"),
    ("PMID:11111111", "https://pubmed.ncbi.nlm.nih.gov/11111111/"),
    ("doi:10.1016/j.cell.2024.06.027", "https://doi.org/10.1016/j.cell.2024.06.027"),
    ("NCT01234567", "https://clinicaltrials.gov/study/NCT01234567"),
    ("https://acrabstracts.org/?p=46117", "https://acrabstracts.org/?p=46117"),
    ("javascript:alert(1)", None), ("PMID 0123", None), ("doi:10.1/x\" onmouseover=\"y", None),
    ("https://x.org/a b", None), ("see the paper", None), ("", None),
])
def test_source_links_come_only_from_valid_identifiers(source, url):
    assert source_url(source) == url


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
    rows = forest_rows(res)
    assert list(rows["kind"]) == ["study"] * 3 + ["pooled", "pi"]
    assert list(rows["row"]) == [0, 1, 2, 3, 4]
    chart = forest_chart(rows, title="CRS")
    assert exports.chart_png(chart).startswith(b"\x89PNG")
    assert ET.fromstring(exports.chart_svg(chart)).tag.endswith("svg")


def test_the_pooled_line_leaves_every_rows_label_and_numbers_clear():
    """On a phone the numbers reach the middle of the plot: the pooled estimate's dotted line must not cross them."""
    from evidence.forest import LABEL_DY, TEXT_ROWS
    rows = forest_rows(pool_proportions([3, 9, 12], [5, 15, 12], labels=["A", "B", "C"]))
    segments = forest_spec(rows, width=358)["layer"][0]["data"]["values"]
    assert len(segments) == len(rows)
    for r in rows["row"]:
        text = (r + LABEL_DY - TEXT_ROWS, r + LABEL_DY)  # where row r's label and numbers are written
        assert all(s["y2"] <= text[0] or s["y"] >= text[1] for s in segments), r


def test_forest_rows_with_subgroups_are_numbered_top_to_bottom():
    a = pool_proportions([3, 9], [5, 15], labels=["A", "B"])
    b = pool_proportions([1], [4], labels=["C"])
    overall = pool_proportions([3, 9, 1], [5, 15, 4], labels=["A", "B", "C"])
    rows = forest_rows(overall, {"sle": a, "mg": b}, {"sle": "SLE", "mg": "MG"})
    assert list(rows["row"]) == list(range(len(rows)))
    assert list(rows["kind"]) == ["header", "study", "study", "subpooled", "header", "study", "pooled", "pi"]


def test_escape_md_neutralises_links_html_and_shortcodes():
    text = escape_md("[click](http://evil) <b>x</b> :red[y] *z*")
    assert "](" not in text.replace("\\]\\(", "") and "\\<b\\>" in text and "\\:red\\[" in text


def test_escape_md_leaves_no_address_for_gfm_to_autolink():
    text = escape_md("See https://evil.example/x, www.evil.example or me@evil.example")
    unescaped = re.sub(r"\\(.)", r"\1", text)  # what the Markdown parser hands to the autolink finder
    assert not re.search(r"(?i)(https?://|www\.|[\w.+-]@[\w-])", unescaped)
    assert unescaped.replace("\u2060", "") == "See https://evil.example/x, www.evil.example or me@evil.example"


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


def test_build_makes_every_file_of_a_selection_without_streamlit():
    rows = pd.DataFrame({"report_id": ["a", "b", "c"], "study_label": ["A", "B", "C"], "events": [3, 9, 2],
                         "patients": [5, 15, 6], "year": [2023.0, 2024.0, 2022.0], "subgroup": ["all"] * 3,
                         "included": [True, True, False], "reason": ["", "", "same cohort as B"]})
    studies = pd.DataFrame({"Report": ["A", "B"], "Year": [2023.0, 2024.0], "Patients": [5.0, 15.0]})
    result = pool_proportions([3, 9], [5, 15], labels=["A", "B"])
    sel = exports.ExportSelection("crs_any", method_label=method_label(result))
    files = exports.build(sel, studies, rows, result, forest_spec="{}", refs=REFS)
    assert set(files.files) == {"selection_json", "studies_csv", "outcomes_csv", "pooled_csv", "pooled_json",
                                "forest_png", "forest_svg", "xlsx", "ris", "bibtex"} and not files.missing
    assert all(f.name.startswith("cart-crs_any-glmm-") for f in files.files.values())
    empty = exports.build(sel, studies.iloc[:0], rows.iloc[:0])
    assert set(empty.files) == {"selection_json"}
    assert set(empty.missing) == {"studies_csv", "outcomes_csv", "pooled_csv", "ris"}


@pytest.mark.parametrize("lang", ["en", "it"])
def test_interval_wording_names_the_method_by_the_vocabulary_label(lang):
    from evidence.i18n import translator
    from evidence.methods import interval_label
    from evidence.vocab import CiMethod

    _ = translator(lang)
    for ci in CiMethod:
        assert _(ci.label) in interval_label(ci.value, 0.95, "re", lang), ci
    assert interval_label("z", 0.95, lang="en") == "95% CI: Wald (z), normal quantile"
    assert interval_label("hk-adhoc", 0.9, lang="en") == \
        "90% CI: Hartung–Knapp (ad hoc, q* ≥ 1), t quantile with k − 1 df"
    assert interval_label("hk", 0.95, "glmm", "en") == \
        "95% CI: t quantile with k − 1 df (Hartung–Knapp option; model SE)"


def test_evidence_map_grid_orders_by_evidence_and_drops_empty_rows():
    cells = pd.DataFrame(
        [("sle", "cd19", "SLE", "CD19", 3, 20, 0), ("ssc", "cd19", "SSc", "CD19", 1, 0, 2),
         ("ssc", "bcma", "SSc", "BCMA", 0, 0, 4)],
        columns=["disease", "target", "Disease", "Target", "Reports", "Patients", "Trials"])
    grid = charts.evidence_map_grid(cells, "Reports")
    assert list(grid.index) == ["SLE", "SSc"] and list(grid.columns) == ["CD19"]  # BCMA has no report
    assert grid.loc["SSc", "CD19"] == 1
    trials = charts.evidence_map_grid(cells, "Trials")
    assert list(trials.index) == ["SSc"] and list(trials.columns) == ["BCMA", "CD19"]  # SLE has no trial
    italian = charts.evidence_map_grid(cells, "Patients", "it")
    assert list(italian.index) == ["Lupus eritematoso sistemico"]
    assert charts.evidence_map_grid(cells.iloc[:0], "Reports").empty


def _contrast(one: str, two: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_map_shade_darkens_with_the_count_and_keeps_text_readable():
    assert charts.shade(0, 10) == ""
    light, dark = charts.shade(1, 10), charts.shade(10, 10)
    assert light != dark and "color: black" in light and "color: white" in dark
    assert charts.BLUES[-1] in dark
    names = {"black": "#000000", "white": "#ffffff"}
    for top in (1, 2, 5, 7, 9, 10, 11, 20, 50, 137):
        for count in range(1, top + 1):
            css = dict(part.split(": ") for part in charts.shade(count, top).split("; "))
            assert _contrast(css["background-color"], names[css["color"]]) >= 4.5, (count, top, css)


def test_small_table_cells_keep_a_zero_and_stay_text():
    assert cell_text(0, None) == "0" and cell_text(0.0, "sig3") == "0" and cell_text(None, None) == "—"
    assert cell_text(True, None) == "✓" and cell_text(False, None) == ""
    hostile = '<img src=x onerror=alert(1)> & "q" [l](javascript:x) =1+1'
    markup = table_html(pd.DataFrame({"<b>Head</b>": [hostile, 0]}))
    assert "<img" not in markup and "<b>" not in markup  # escaped, never markup
    assert html_tables(markup) == [[["<b>Head</b>"], [hostile], ["0"]]]  # and read back as the same text


def test_a_facts_list_keeps_every_value_whole_and_as_text():
    hostile = '<img src=x onerror=alert(1)> & "q" [l](javascript:x) =1+1'
    long = "https://x.org/" + "a" * 80
    markup = facts_html({"<b>Label</b>": hostile, "Patients": None, "Events": 0, "Web address": long})
    assert "<img" not in markup and "<b>" not in markup  # escaped, never markup
    assert html_tables(markup) == [[["<b>Label</b>", hostile], ["Patients", "—"], ["Events", "0"],
                                    ["Web address", long]]]  # whole: no cut, no ellipsis


def test_only_the_breakable_columns_of_a_small_table_wrap_inside_a_word():
    markup = table_html(pd.DataFrame({"Outcome": ["CRS"], "Source": ["https://example.org/" + "a" * 60]}),
                        breakable=("Source",))
    cells = re.findall(r'<td style="([^"]*)">', markup)
    assert "overflow-wrap:anywhere" not in cells[0] and "overflow-wrap:anywhere" in cells[1]


def test_the_timeline_legend_shows_every_status_whole():
    trials = pd.DataFrame({"Registry ID": ["NCT1", "NCT2"], "Title": ["a", "b"], "Status": ["Recruiting",
                           "Not yet recruiting"], "Phase": ["Phase 1"] * 2, "Sponsor": ["S"] * 2, "Enrollment": [1, 2],
                           "Start": ["2024-01", "2025-02"], "Completion": ["2026-01", ""],
                           "Primary completion": ["", ""]})
    legend = charts.timeline_chart(trials)["layer"][0]["encoding"]["color"]["legend"]
    assert legend["labelLimit"] == 0 and legend["direction"] == "vertical"  # never cut, one a line


def test_a_workbench_grid_writes_a_blank_text_as_the_public_pages_do(monkeypatch):
    """Streamlit's grid writes a missing value "None"; a reviewer reads "—", and numbers stay numbers."""
    from app_pages import workbench_common

    seen = []
    monkeypatch.setattr(workbench_common.st, "dataframe", lambda frame, **kwargs: seen.append(frame))
    workbench_common.grid(pd.DataFrame({"Why": [None, "typo"], "Rows": pd.array([pd.NA, "a"], dtype="string"),
                                        "Kappa": [0.5, None], "When": [pd.Timestamp.now(), pd.NaT]}))
    shown = seen[0]
    assert list(shown["Why"]) == ["—", "typo"] and list(shown["Rows"]) == ["—", "a"]
    assert shown["Kappa"].dtype.kind == "f" and pd.isna(shown["Kappa"][1]) and pd.isna(shown["When"][1])
