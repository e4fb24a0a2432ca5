"""Helpers shared by the app tests."""

from __future__ import annotations

import re


def parse_bibtex(text: str) -> list[dict[str, str]]:
    entries = []
    for kind, key, body in re.findall(r"@(\w+)\{([^,]+),\n(.*?)\n\}", text, flags=re.S):
        fields = dict(re.findall(r"^\s+(\w+) = \{(.*)\},?$", body, flags=re.M))
        entries.append({"kind": kind, "key": key, **fields})
    return entries
