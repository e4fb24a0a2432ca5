"""Which report of a cohort is the latest: the one rule every count and pooled number uses.

The same patients are reported again and again, in abstracts, press releases
and papers that give their dates with different precision: a data cut-off
"2025-03-17", a congress year "2025". Deciding "latest" by comparing those
strings made a year-only report lose to any dated report of the same year,
even one it explicitly supersedes. The order here is:

1. an explicit ``supersedes`` chain decides: a report is later than every
   report it supersedes, directly or through others;
2. otherwise dates (data cut-off, else publication year) are compared as
   what they are: partial dates compare on the precision both have, so a
   year is neither earlier nor later than a day in that year;
3. then publication year, then position in the cohort's supersedes chains,
   then report ID (so the answer never depends on row order).

The Overview's patient counts, the analysis set, the exports and the CLI all
take "latest" from :func:`latest_report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cmp_to_key
from typing import Iterable, Mapping


@dataclass(frozen=True)
class Dated:
    """What the order needs to know about a report."""

    report_id: str
    supersedes: str | None
    data_cutoff: str | None
    year: int | None


def partial_date(text: str | None, year: int | None = None) -> tuple[int, ...]:
    """``"2025-03-17"`` → (2025, 3, 17); ``"2025"`` → (2025,); empty → the year, else ()."""
    parts = [p for p in (text or "").strip().split("-") if p]
    if parts and all(p.isdigit() for p in parts):
        return tuple(int(p) for p in parts[:3])
    return (year,) if year else ()


def compare_partial(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    """-1, 0 or 1 on the precision both dates have (0 when either is unknown)."""
    common = min(len(a), len(b))
    return (a[:common] > b[:common]) - (a[:common] < b[:common])


def _ancestors(report_id: str, reports: Mapping[str, Dated]) -> set[str]:
    seen: set[str] = set()
    node = reports[report_id].supersedes if report_id in reports else None
    while node and node in reports and node not in seen:
        seen.add(node)
        node = reports[node].supersedes
    return seen


class _Order:
    """Pairwise "later than" over the reports of one cohort (see the module docstring)."""

    def __init__(self, reports: Mapping[str, Dated]):
        self.reports = reports
        self.ancestors = {rid: _ancestors(rid, reports) for rid in reports}

    def compare(self, a: str, b: str) -> int:
        if b in self.ancestors[a]:
            return 1
        if a in self.ancestors[b]:
            return -1
        ra, rb = self.reports[a], self.reports[b]
        by_date = compare_partial(partial_date(ra.data_cutoff, ra.year), partial_date(rb.data_cutoff, rb.year))
        if by_date:
            return by_date
        keys = ((ra.year or 0, len(self.ancestors[a]), a), (rb.year or 0, len(self.ancestors[b]), b))
        return (keys[0] > keys[1]) - (keys[0] < keys[1])


def latest_first(candidates: Iterable[str], reports: Mapping[str, Dated]) -> list[str]:
    """``candidates`` (report IDs of one cohort), latest first.

    A candidate that another candidate supersedes is placed after all the
    others whatever its date, so an explicit chain always decides.
    """
    order = _Order(reports)
    ids = sorted(set(candidates))
    superseded = set().union(*(order.ancestors[r] for r in ids)) if ids else set()
    ranked = sorted(ids, key=cmp_to_key(order.compare), reverse=True)
    return [r for r in ranked if r not in superseded] + [r for r in ranked if r in superseded]


def latest_report(candidates: Iterable[str], reports: Mapping[str, Dated]) -> str:
    """The latest of ``candidates``; ``reports`` holds every report of their cohort (for the chains)."""
    ranked = latest_first(candidates, reports)
    if not ranked:
        raise ValueError("no candidate report")
    return ranked[0]


def latest_per_cohort(reports: Iterable[Dated], cohort_of: Mapping[str, str]) -> dict[str, str]:
    """Cohort ID → its latest report ID, over all the given reports."""
    by_id = {r.report_id: r for r in reports}
    by_cohort: dict[str, list[str]] = {}
    for rid in by_id:
        by_cohort.setdefault(cohort_of[rid], []).append(rid)
    return {cohort: latest_report(rids, by_id) for cohort, rids in by_cohort.items()}
