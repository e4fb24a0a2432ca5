"""Column widths that show whole texts (app_pages.table_fit), and the headline table drawn with them.

Whether the grid really draws every text whole is the browser's to say
(test_browser_headline.py, which also sees every row shown); here: the
arithmetic, and that the Overview gives its headline table fitted widths and
rows tall enough to wrap.
"""

from __future__ import annotations

import json

import pandas as pd

from app_pages.table_fit import LINES, PADDING, ROW_HEIGHT, fitted_widths, line_count, text_width


def test_text_width_adds_glyphs_and_errs_wide():
    assert text_width("mm") > text_width("m") > text_width("i") > 0
    assert text_width("Malattia") == text_width("Malattia")  # no state between calls
    assert text_width("\u00a0") == text_width(" ")  # a no-break space is as wide as a space
    assert text_width("日") >= text_width("m")  # a glyph not in the table counts as wide as the widest


def test_line_count_wraps_at_spaces_only():
    text = "Neuromyelitis optica spectrum disorder"
    assert line_count(text, text_width(text)) == 1
    assert line_count(text, text_width("Neuromyelitis optica")) == 2
    assert line_count(text, text_width("Neuromyelitis")) == 4
    assert line_count(text, text_width("Neuromyelitis") - 1) > 3  # a word wider than the column: cut, never fits
    held = "84%\u00a0(59–95%) k=5,\u00a0n=37"  # no-break spaces hold the estimate and the counts together
    assert line_count(held, text_width("84%\u00a0(59–95%)")) == 2
    assert line_count(held, text_width("84%")) > 3


def test_fitted_widths_fit_headers_on_one_line_and_cells_in_two():
    frame = pd.DataFrame({"Disease": ["Neuromyelitis optica spectrum disorder", "Lupus nephritis"],
                          "Sindrome da rilascio di citochine (CRS), qualsiasi grado": ["—", "63%\u00a0(37–84%) "
                                                                                       "k=9,\u00a0n=53"]})
    widths = fitted_widths(frame)
    for column, width in widths.items():
        assert width >= text_width(column) + 2 * PADDING
        assert all(line_count(v, width - 2 * PADDING) <= LINES for v in frame[column])
    assert widths["Disease"] < text_width("Neuromyelitis optica spectrum disorder") + 2 * PADDING  # it wraps
    assert line_count("Neuromyelitis optica spectrum disorder", widths["Disease"] - 2 * PADDING - 1) > LINES


def test_overview_headline_wraps_in_fitted_columns(page):
    at = page()
    grid = next(d for d in at.dataframe if "Remission / response" in d.value.columns)
    shown = grid.value
    assert grid.proto.row_height == ROW_HEIGHT > 64  # Streamlit's grid wraps text only in rows taller than 4rem
    config = json.loads(grid.proto.columns)
    assert {c: config[c]["width"] for c in shown.columns} == fitted_widths(shown)
    sle = shown[shown["Disease"] == "Systemic lupus erythematosus"].iloc[0]
    estimate, counts = sle["Remission / response"].split(" ")  # wraps only between the estimate and k, n
    assert "\u00a0(" in estimate and counts.startswith("k=") and "\u00a0n=" in counts
