"""Column widths that let ``st.dataframe`` show every cell's whole text, wrapped.

The grid draws on a canvas and cuts what does not fit: a text wider than its
column, or more lines than its row holds; a header is always one line.
Streamlit wraps cell text only in rows taller than 4rem (64 px), and only at
spaces (it shows a line break as a space), so
``ROW_HEIGHT`` is just above that (room for three lines of its 14 px text), and
``fitted_widths`` gives each column the narrowest width in which its header
fits on one line and each of its cells in ``LINES`` lines. Text widths are
summed from the glyph widths of Streamlit's font (Source Sans, 14 px, as
Chromium measures them, rounded up), so a column is never narrower than its
text; ``tests/app/test_browser_headline.py`` checks the grid's own drawing.
"""

from __future__ import annotations

import math
from functools import lru_cache

import pandas as pd

ROW_HEIGHT = 65  # px: the lowest row height at which Streamlit's grid wraps text
HEADER_HEIGHT = 37  # px: the grid's header row (35) and its frame's two borders: a table of n rows is this + n rows
LINES = 2  # lines a cell may take: the row holds three; two read better, at the cost of wider columns
PADDING = 8  # px the grid keeps on each side of a cell's text
MIN_WIDTH = 80

# Advance widths (px, rounded up) of Source Sans at 14 px as Chromium's canvas measures them; any other glyph
# counts as _WIDEST. tests/app/test_browser_headline.py measures them again and fails when they no longer hold.
GLYPH_WIDTHS = {glyph: width for width, glyphs in (
    (2.8, " \u00a0"), (3.4, "|"), (3.5, "',.:;ijìíîï·’‘"), (3.6, "l"), (3.7, "IÌ"), (4.1, "!f"), (4.3, "()[]{}"),
    (4.4, "-"), (4.7, "°"), (4.8, "t"), (4.9, "/\\r"), (5.9, "*s"), (6.0, '"?z“”'), (6.1, "«»"), (6.3, "x"),
    (6.4, "cç"), (6.6, "vy"), (6.7, "Y"), (6.8, "J–γ"), (6.9, "L"), (7.0, "0123456789#$+<=>F^_ek~èéêë≥≤±×κ"),
    (7.1, "agàáâä"), (7.2, "X"), (7.3, "V"), (7.4, "EÈÉ"), (7.5, "S"), (7.6, "TZ`oòóôö"), (7.7, "AhnuùÀúûüñ"),
    (7.8, "bdpq"), (7.9, "α"), (8.0, "CPRβ"), (8.1, "ß"), (8.2, "K"), (8.3, "B"), (8.6, "&"), (8.7, "DG"),
    (9.1, "NUÙ"), (9.2, "H"), (9.3, "OQÒ"), (10.1, "w"), (10.2, "M"), (11.1, "W"), (11.2, "—"), (11.6, "%"),
    (11.7, "m"), (11.9, "@"), (13.3, "…")) for glyph in glyphs}
_WIDEST = 13.3
_KERNING = 1.02  # the canvas kerns pairs of glyphs: room for a pair drawn wider than its two advances


def text_width(text: str) -> float:
    """An upper bound of the width of ``text`` as the grid draws it, in px."""
    return _KERNING * sum(GLYPH_WIDTHS.get(c, _WIDEST) for c in text) + 1


def line_count(text: str, width: float) -> int:
    """Lines ``text`` takes in ``width`` px, wrapped at spaces as the grid wraps it (only at " ": a no-break
    space holds its words together); a word wider than ``width`` counts as too many, as the grid would cut it."""
    lines, line = 1, ""
    for word in filter(None, text.split(" ")):
        if text_width(word) > width:
            return math.inf  # type: ignore[return-value]
        candidate = f"{line} {word}" if line else word
        if text_width(candidate) <= width:
            line = candidate
        else:
            lines, line = lines + 1, word
    return lines


@lru_cache(maxsize=4096)  # the same texts on every rerun: measured once per process
def _cell_width(text: str, lines: int) -> int:
    """The narrowest column width (px) that shows ``text`` in at most ``lines`` lines."""
    low = math.ceil(max((text_width(w) for w in text.split(" ")), default=0))
    high = math.ceil(text_width(text))
    while low < high:  # fewer lines as the width grows: the smallest width that is enough
        middle = (low + high) // 2
        if line_count(text, middle) <= lines:
            high = middle
        else:
            low = middle + 1
    return high + 2 * PADDING


def fitted_widths(frame: pd.DataFrame, lines: int = LINES) -> dict[str, int]:
    """Per column of ``frame``: a width (px) that shows its header on one line and each cell in ``lines`` lines."""
    return {column: max(MIN_WIDTH, math.ceil(text_width(str(column))) + 2 * PADDING,
                        *(_cell_width(str(v), lines) for v in frame[column]))
            for column in frame.columns}
