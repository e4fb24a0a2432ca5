"""Helpers shared by the app tests."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

# The fixture's last harvest: yesterday morning, whatever today is (tests hold on any date).
NOW = (datetime.now(timezone.utc) - timedelta(days=1)).replace(hour=6, minute=0, second=0, microsecond=0)


def day_text(moment: datetime) -> str:
    """A day as the Overview writes it."""
    return moment.strftime("%d %b %Y")


def parse_bibtex(text: str) -> list[dict[str, str]]:
    entries = []
    for kind, key, body in re.findall(r"@(\w+)\{([^,]+),\n(.*?)\n\}", text, flags=re.S):
        fields = dict(re.findall(r"^\s+(\w+) = \{(.*)\},?$", body, flags=re.M))
        entries.append({"kind": kind, "key": key, **fields})
    return entries
