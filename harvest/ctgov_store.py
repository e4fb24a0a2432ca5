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
backwards. An undated record never counts as newer than a dated row.

A partial record (a ``fields=``-limited download, a capture without
``statusModule``) gives only some fields: the others are *unknown*, never
blanked and never compared. A row first built from a partial record lists
its unknown fields, which a later record fills in (even an older one, for
those fields only), so the final row does not depend on the import order.

Sites (``TrialSite``) follow the same rule: a record without
``contactsLocationsModule`` says nothing about them, so the stored sites
stay; a record with the module replaces them (an empty ``locations`` list
empties them). An older record replaces sites only where none were known.

Sites are replaced only whole, by a record that gives every field of every
site. A partial record's locations may carry only the leaves its ``fields=``
asked for (``{"country": "China"}`` for ``fields=LocationCountry``): such
sites are not written at all, neither over known sites (which would lose
their facility, city and recruitment status) nor where none are known
(``sites_known`` means a whole list is stored, so a later full record, even
an older one, still fills them). A partial record's countries still update
the trial's ``countries``. Merging a partial list into the stored one site by
site is not attempted: the registry gives sites no identifier to match on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, select, update
from sqlmodel import Session

from evidence.models import Trial, TrialChange, TrialSite, utcnow
from evidence.vocab import RowOrigin
from harvest.ctgov_parse import TRIAL_FIELDS, TrialRecord, is_complete
from harvest.runs import RunCounts

log = logging.getLogger(__name__)

TRACKED_FIELDS: tuple[str, ...] = ("status", "phases", "enrollment", "enrollment_type", "start_date",
                                   "primary_completion_date", "completion_date", "has_results")
CURATED_UNTRACKED = frozenset({"has_results"})
CLASSIFICATION_FIELDS = ("diseases", "targets", "car_construct", "population")


def as_text(value: Any) -> str | None:
    """How a tracked value is written in ``TrialChange.old/new`` (lists as in the CSV: ``;``)."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def tracked_differences(old: Trial | Row, new: TrialRecord,
                        unknown: frozenset[str] = frozenset()) -> list[tuple[str, str | None, str | None]]:
    """(field, old, new) for each tracked field that differs, as text; ``unknown`` fields are not compared."""
    curated = old.origin == RowOrigin.CURATED.value
    diffs = []
    for name in TRACKED_FIELDS:
        if name in unknown:
            continue
        before, after = as_text(getattr(old, name)), as_text(getattr(new, name))
        if curated and (name in CURATED_UNTRACKED or before is None):
            continue
        if before != after:
            diffs.append((name, before, after))
    return diffs


def _is_stale(old: Trial | Row, new: TrialRecord) -> bool:
    """The record is older than the stored row; an undated record never proves itself newer than a dated one."""
    if not new.last_update_posted:
        return bool(old.last_update_posted)
    return bool(old.last_update_posted) and new.last_update_posted < old.last_update_posted


def _changed_values(stored: Row, record: TrialRecord, unknown: set[str]) -> dict[str, Any]:
    """The columns the record changes; an empty classification and the record's unknown fields keep the stored."""
    out = {}
    for name, value in record.trial_values().items():
        if name in unknown or name == "unknown_fields" or (name in CLASSIFICATION_FIELDS and not value):
            continue
        if getattr(stored, name) != value:
            out[name] = value
    return out


def _raw_is_partial(raw: str | None) -> bool:
    try:
        return raw is None or not is_complete(json.loads(raw))
    except (json.JSONDecodeError, AttributeError):
        return True


def _new_row(record: TrialRecord, now: datetime, origin: str) -> dict[str, Any]:
    return {**record.trial_values(), "origin": origin, "first_seen": now, "last_seen": now,
            "product": "", "seen_date": "", "source": "", "notes": "", "sites_known": _gives_sites(None, record)}


def _gives_sites(stored: Row | None, record: TrialRecord) -> bool:
    """Whether the record's sites replace the stored ones: it gives them whole, and is not older than known sites."""
    if record.sites is None or record.sites_partial:
        return False
    return stored is None or not stored.sites_known or not _is_stale(stored, record)


def _replace_sites(session: Session, records: list[TrialRecord]) -> None:
    """The sites of these trials become exactly those their records list (bulk DELETE, INSERT, UPDATE)."""
    ids = [r.registry_id for r in records]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        session.execute(delete(TrialSite).where(TrialSite.registry_id.in_(chunk)))
        session.execute(update(Trial).where(Trial.registry_id.in_(chunk)).values(sites_known=True))
    rows = [{"registry_id": r.registry_id, "position": i, "facility": s.facility, "city": s.city, "state": s.state,
             "zip": s.zip, "country": s.country, "status": s.status, "lat": s.lat, "lon": s.lon}
            for r in records for i, s in enumerate(r.sites or [])]
    if rows:
        session.execute(TrialSite.__table__.insert(), rows)


def _fill_from_older(stored: Row, record: TrialRecord, counts: RunCounts) -> dict[str, Any] | None:
    """An older record only fills what the stored row does not know (it was built from partial records)."""
    stored_unknown = set(stored.unknown_fields or [])
    fill = stored_unknown - set(record.unknown_fields)
    if not fill:
        log.info("%s: record of %s is older than the stored %s; skipped", record.registry_id,
                 record.last_update_posted or "unknown date", stored.last_update_posted)
        counts.skipped += 1
        return None
    counts.updated += 1
    values = {name: getattr(record, name) for name in sorted(fill)}
    values.update(registry_id=stored.registry_id,
                  unknown_fields=sorted(stored_unknown & set(record.unknown_fields)))
    if not record.partial and _raw_is_partial(stored.raw_json):
        values["raw_json"] = record.raw_json  # the references of the full record, for linking
    return values


def _update(stored: Row, record: TrialRecord, run_id: int | None, now: datetime, origin: str,
            counts: RunCounts) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The UPDATE values for one known trial (None to leave it) and the TrialChange rows it causes.

    A field the record does not give (a partial record) or the stored row
    never had is unknown on that side: it is neither changed nor compared.
    """
    if _is_stale(stored, record):
        return _fill_from_older(stored, record, counts), []
    stored_unknown, record_unknown = set(stored.unknown_fields or []), set(record.unknown_fields)
    # A row built from undated partial records cannot say which came first: its values are replaced, not "changed".
    undated = "last_update_posted" in stored_unknown
    changes = [] if undated else [
        {"registry_id": stored.registry_id, "field": name, "old": before, "new": after, "observed_at": now,
         "harvest_run_id": run_id}
        for name, before, after in tracked_differences(stored, record, frozenset(stored_unknown | record_unknown))]
    counts.changed += len(changes)
    values = {"registry_id": stored.registry_id, "last_seen": now}
    if stored.raw_json == record.raw_json and stored.origin == origin:
        counts.unchanged += 1
    else:
        counts.updated += 1
        values.update(_changed_values(stored, record, record_unknown), origin=origin,
                      unknown_fields=sorted(stored_unknown & record_unknown))
        if record.partial and not _raw_is_partial(stored.raw_json):
            values.pop("raw_json", None)  # keep the full record (its references feed the links)
    return values, changes


def _last_per_id(records: list[TrialRecord]) -> list[TrialRecord]:
    """One record per NCT ID, the last one given (a page should not repeat a study; if it does, the later wins)."""
    by_id = {r.registry_id: r for r in records}
    if len(by_id) < len(records):
        log.warning("%d repeated NCT ID(s) in one batch; the last copy of each is used",
                    len(records) - len(by_id))
    return list(by_id.values())


def _known(session: Session, ids: list[str]) -> dict[str, Row]:
    """The stored rows of these trials, as plain rows (ORM objects cost more than the whole upsert)."""
    columns = [Trial.__table__.c[name] for name in ("origin", "raw_json", *TRIAL_FIELDS, "registry_name",
                                                    "sites_known")]
    known: dict[str, Row] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        known.update((row.registry_id, row) for row in session.execute(
            select(*dict.fromkeys(columns)).where(Trial.registry_id.in_(chunk))))
    return known


def upsert_records(session: Session, records: Iterable[TrialRecord], run_id: int | None = None,
                   origin: str = RowOrigin.CTGOV.value) -> RunCounts:
    """Insert new trials, update known ones and record their changes; flush, do not commit.

    ``origin`` is "ctgov" for a harvest and "import" for saved files, so a
    row says whether it came live from the registry; either way a curated
    snapshot is replaced, and `evidence init` leaves the row alone.

    Everything goes in as bulk statements (INSERT for new trials and change
    rows, UPDATE by primary key for known trials): building ORM objects for
    thousands of rows would cost more than the rest of the page.
    """
    records = list(records)
    counts = RunCounts(fetched=len(records), partial=sum(r.partial for r in records))
    if counts.partial:
        log.warning("%d of %d studies are partial records (modules or fields missing): their absent fields "
                    "are kept as stored, not blanked", counts.partial, len(records))
    now = utcnow()
    unique = _last_per_id(records)
    known = _known(session, [r.registry_id for r in unique])
    new_rows, update_rows, change_rows = [], [], []
    with_sites = [r for r in unique if _gives_sites(known.get(r.registry_id), r)]
    partial_sites = sum(r.sites_partial for r in unique)
    if partial_sites:
        log.warning("%d of %d studies list sites without all their fields (facility, city, status…): their "
                    "sites are not written (stored ones kept)", partial_sites, len(unique))
    for record in unique:
        stored = known.get(record.registry_id)
        if stored is None:
            new_rows.append(_new_row(record, now, origin))
            continue
        values, changes = _update(stored, record, run_id, now, origin, counts)
        change_rows += changes
        if values:
            update_rows.append(values)
    counts.new = len(new_rows)
    session.flush()
    # Core INSERTs: one executemany each (the ORM bulk insert splits rows whose optional columns are None).
    for statement, rows in ((Trial.__table__.insert(), new_rows), (update(Trial), update_rows),
                            (TrialChange.__table__.insert(), change_rows)):
        if rows:
            session.execute(statement, rows)
    _replace_sites(session, with_sites)
    return counts
