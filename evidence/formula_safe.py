"""Text a spreadsheet must show as text: the one rule for every CSV/XLSX the project writes.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is run as a formula by Excel, LibreOffice and Google Sheets (CSV injection,
OWASP). Stored and harvested values are text, so such a cell gets a leading
apostrophe, which spreadsheets hide and which turns it into text.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def starts_like_a_formula(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula."""
    return text.startswith(FORMULA_START)


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP); others unchanged."""
    if isinstance(value, str) and starts_like_a_formula(value):
        return "'" + value
    return value


__all__ = ["FORMULA_START", "neutralise", "starts_like_a_formula"]
