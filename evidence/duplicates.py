"""Duplicate records: grouped by PMID, DOI or normalised title, flagged, never dropped.

A harvested record may be a report already in the curated base (same PMID or
DOI), or the journal version of a preprint harvested earlier (same title).
Records sharing any key fall in one group; the screening queue shows each
record's group and PRISMA counts the later copies as duplicates removed. No
record is deleted or hidden: a reviewer sees the group and decides.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from evidence.models import Publication, Report, ScreeningDecision
from evidence.vocab import RowOrigin

MIN_TITLE = 20  # shorter titles ("Correction", "Reply") say nothing about identity


def normalise_title(title: str | None) -> str:
    """Lower case, accents and punctuation dropped, spaces collapsed: 'CAR-T in SLE.' → 'car t in sle'."""
    text = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def normalise_doi(doi: str | None) -> str:
    text = (doi or "").strip().lower()
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", text)


def record_keys(pmid: str | None, doi: str | None, title: str | None) -> set[str]:
    keys = {f"pmid:{pmid}"} if pmid else set()
    if normalise_doi(doi):
        keys.add(f"doi:{normalise_doi(doi)}")
    if len(normalise_title(title)) >= MIN_TITLE:
        keys.add(f"title:{normalise_title(title)}")
    return keys


@dataclass(frozen=True)
class DuplicateGroup:
    members: tuple[str, ...]  # "pmid:40000001" (harvested record), "report:alpha-2024" (curated report)
    keys: tuple[str, ...]  # what they share
    anchored: bool  # a member is curated or already screened: the others are flagged as its duplicates


def _records(session: Session) -> dict[str, tuple[set[str], datetime | None]]:
    records: dict[str, tuple[set[str], datetime | None]] = {}
    for p in session.execute(select(Publication).where(Publication.origin != RowOrigin.CURATED.value)).scalars():
        records[f"pmid:{p.pmid}"] = (record_keys(p.pmid, p.doi, p.title), p.first_seen)
    for r in session.execute(select(Report)).scalars():
        records[f"report:{r.report_id}"] = (record_keys(r.pmid, r.doi, r.title), None)
    return records


def duplicate_groups(session: Session) -> list[DuplicateGroup]:
    """Every group of two or more records sharing a PMID, DOI or normalised title."""
    records = _records(session)
    parent = {r: r for r in records}

    def root(r: str) -> str:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    owner: dict[str, str] = {}
    for record, (keys, _) in records.items():
        for key in keys:
            if key in owner:
                parent[root(record)] = root(owner[key])
            else:
                owner[key] = record
    groups: dict[str, list[str]] = {}
    for record in records:
        groups.setdefault(root(record), []).append(record)
    screened = {f"pmid:{p}" for p in session.execute(select(ScreeningDecision.pmid)).scalars()}
    out = []
    for members in groups.values():
        if len(members) < 2:
            continue
        counts: dict[str, int] = {}
        for m in members:
            for key in records[m][0]:
                counts[key] = counts.get(key, 0) + 1
        shared = tuple(sorted(k for k, n in counts.items() if n > 1))
        anchored = any(m.startswith("report:") or m in screened for m in members)
        out.append(DuplicateGroup(tuple(sorted(members)), shared, anchored))
    return sorted(out, key=lambda g: g.members)


def duplicate_index(session: Session) -> dict[str, tuple[str, ...]]:
    """Each grouped record → the other members of its group."""
    return {m: tuple(o for o in g.members if o != m) for g in duplicate_groups(session) for m in g.members}


def later_copies(session: Session) -> set[str]:
    """PMIDs of harvested records that repeat an earlier harvested record (PRISMA's duplicates removed)."""
    records = {k: v for k, v in _records(session).items() if k.startswith("pmid:")}
    copies = set()
    for group in duplicate_groups(session):
        harvested = sorted((records[m][1], m) for m in group.members if m in records)
        copies.update(m.removeprefix("pmid:") for _, m in harvested[1:])
    return copies


__all__ = ["DuplicateGroup", "duplicate_groups", "duplicate_index", "later_copies", "normalise_doi",
           "normalise_title", "record_keys"]
