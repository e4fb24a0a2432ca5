"""Upsert parsed studies into ``Trial`` and record what changed: the living part.

When a harvest or import sees a trial the store already holds, the tracked
fields (status, phases, enrollment and its type, start / primary completion /
completion dates, has-results) are compared, and each difference becomes a
``TrialChange`` row ("RECRUITING → COMPLETED", "24 → 60", "false → true").
A trial seen for the first time records no change.

A harvested row replacing a *curated* snapshot (origin "curated", loaded from
data/trials.csv) records changes too, with the curator's values as "old": the
snapshot is what users last saw. Fields the curator left blank, and fields
the curated file has no column for (has-results), are not compared, since a
blank there means "not recorded", not "none".

Curator-only columns (product, seen_date, source, notes) survive a harvest.
Classification (diseases, targets, construct, population) is replaced when
the classifier finds something and kept when it finds nothing, so a hand
classification is not wiped by a registry text the rules cannot read.

A record whose ``last_update_posted`` is older than the stored one (an old
file imported after a newer harvest) is skipped: it would "change" the trial
backwards.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import insert, select
from sqlmodel import Session

from evidence.models import Trial, TrialChange, utcnow
from harvest.ctgov_parse import TrialRecord

log = logging.getLogger(__name__)

TRACKED_FIELDS: tuple[str, ...] = ("status", "phases", "enrollment", "enrollment_type", "start_date",
                                   "primary_completion_date", "completion_date", "has_results")
CURATED_UNTRACKED = frozenset({"has_results"})
CLASSIFICATION_FIELDS = ("diseases", "targets", "car_construct", "population")
ORIGIN = "ctgov"


@dataclass
class UpsertCounts:
    """What one batch did to the store."""

    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    changed: int = 0

    def add(self, other: UpsertCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def as_text(value: Any) -> str | None:
    """How a tracked value is written in ``TrialChange.old/new`` (lists as in the CSV: ``;``)."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def tracked_differences(old: Trial, new: TrialRecord) -> list[tuple[str, str | None, str | None]]:
    """(field, old, new) for each tracked field that differs, as text."""
    curated = old.origin == "curated"
    diffs = []
    for name in TRACKED_FIELDS:
        before, after = as_text(getattr(old, name)), as_text(getattr(new, name))
        if curated and (name in CURATED_UNTRACKED or before is None):
            continue
        if before != after:
            diffs.append((name, before, after))
    return diffs


def _is_stale(old: Trial, new: TrialRecord) -> bool:
    return bool(old.last_update_posted and new.last_update_posted
                and new.last_update_posted < old.last_update_posted)


def _apply(trial: Trial, record: TrialRecord, now: datetime) -> None:
    """Copy the record onto the row, touching only what differs (ORM attribute sets are slow)."""
    for name, value in record.trial_values().items():
        if name in CLASSIFICATION_FIELDS and not value:
            continue
        if getattr(trial, name) != value:
            setattr(trial, name, value)
    trial.origin, trial.last_seen = ORIGIN, now


def _new_row(record: TrialRecord, now: datetime) -> dict[str, Any]:
    return {**record.trial_values(), "origin": ORIGIN, "first_seen": now, "last_seen": now,
            "product": "", "seen_date": "", "source": "", "notes": ""}


def _update(trial: Trial, record: TrialRecord, run_id: int | None, now: datetime,
            counts: UpsertCounts) -> list[dict[str, Any]]:
    """Apply one record to a known trial; return the TrialChange rows it causes."""
    if _is_stale(trial, record):
        log.info("%s: record of %s is older than the stored %s; skipped", record.registry_id,
                 record.last_update_posted, trial.last_update_posted)
        counts.skipped += 1
        return []
    changes = [{"registry_id": trial.registry_id, "field": name, "old": before, "new": after,
                "observed_at": now, "harvest_run_id": run_id}
               for name, before, after in tracked_differences(trial, record)]
    counts.changed += len(changes)
    if trial.raw_json == record.raw_json and trial.origin == ORIGIN:
        counts.unchanged += 1
        trial.last_seen = now
    else:
        counts.updated += 1
        _apply(trial, record, now)
    return changes


def _last_per_id(records: list[TrialRecord]) -> list[TrialRecord]:
    """One record per NCT ID, the last one given (a page should not repeat a study; if it does, the later wins)."""
    by_id = {r.registry_id: r for r in records}
    if len(by_id) < len(records):
        log.warning("%d repeated NCT ID(s) in one batch; the last copy of each is used",
                    len(records) - len(by_id))
    return list(by_id.values())


def _known(session: Session, ids: list[str]) -> dict[str, Trial]:
    known: dict[str, Trial] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        known.update((t.registry_id, t) for t in session.execute(
            select(Trial).where(Trial.registry_id.in_(chunk))).scalars())
    return known


def upsert_records(session: Session, records: Iterable[TrialRecord], run_id: int | None = None) -> UpsertCounts:
    """Insert new trials, update known ones and record their changes; flush, do not commit.

    New trials and change rows go in as bulk inserts: building ORM objects
    for thousands of rows is most of the cost of a page otherwise.
    """
    records = list(records)
    counts = UpsertCounts(fetched=len(records))
    now = utcnow()
    unique = _last_per_id(records)
    known = _known(session, [r.registry_id for r in unique])
    new_rows, change_rows = [], []
    for record in unique:
        trial = known.get(record.registry_id)
        if trial is None:
            new_rows.append(_new_row(record, now))
        else:
            change_rows += _update(trial, record, run_id, now, counts)
    counts.new = len(new_rows)
    session.flush()
    if new_rows:
        session.execute(insert(Trial), new_rows)
    if change_rows:
        session.execute(insert(TrialChange), change_rows)
    return counts
