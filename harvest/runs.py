"""HarvestRun bookkeeping: every harvest or import leaves one row saying how it went.

A run row is committed on its own as soon as the run starts, so a run killed
mid-way is still visible (status ``running`` with a dead pid), and its
counters and resume cursor are committed together with each batch of data.
Both registries count what a batch did in one type, :class:`RunCounts`, and
write every batch through :func:`write_batch`, so the run row is kept the
same way whichever registry (and whether harvest or import) fills the store.
"""

from __future__ import annotations

import logging
import os
import socket
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from typing import Callable, Iterator

from sqlalchemy import Engine, select
from sqlmodel import Session

from evidence.models import HarvestRun, utcnow
from evidence.vocab import HarvestStatus
from evidence.write_failure import describe

log = logging.getLogger(__name__)


@dataclass
class RunCounts:
    """What a batch, a file or a whole run did to the store; the same type for both registries."""

    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0  # PubMed DeleteCitation notices that flagged a stored record
    kept_newer: int = 0  # PubMed: an older (or MEDLINE) copy of a stored record; the stored one is kept
    repeated: int = 0  # PubMed: further copies of a PMID already in the same batch
    skipped: int = 0  # ClinicalTrials.gov: a record older than the stored trial; the stored one is kept
    changed: int = 0  # ClinicalTrials.gov: tracked trial fields that changed (TrialChange rows)
    partial: int = 0  # ClinicalTrials.gov: records that did not give every field (fields= downloads, captures)

    def add(self, other: RunCounts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


#: The counters a HarvestRun row keeps.
_RUN_COUNTERS = ("fetched", "new", "updated", "deleted", "changed")


def record_batch(session: Session, run_id: int, counts: RunCounts, cursor: str | None = None) -> None:
    """Add a batch's counts to its run row and move the resume cursor, in the batch's own transaction."""
    run = session.get(HarvestRun, run_id)
    for name in _RUN_COUNTERS:
        setattr(run, name, getattr(run, name) + getattr(counts, name))
    if cursor is not None:
        run.cursor = cursor


def write_batch(engine: Engine, run_id: int | None, cursor: str | None,
                write: Callable[[Session], RunCounts]) -> RunCounts:
    """The one batch writer: ``write`` upserts a batch; its counts and cursor join the run row (if any).

    All in one transaction, so a run that dies mid-way leaves whole batches
    and a cursor that matches them, never half a batch.
    """
    with Session(engine) as session, session.begin():
        counts = write(session)
        if run_id is not None:
            record_batch(session, run_id, counts, cursor)
    return counts


def start_run(engine: Engine, source: str, params: dict) -> int:
    with Session(engine) as session:
        run = HarvestRun(source=source, params=params, pid=os.getpid(), hostname=socket.gethostname(),
                         status=HarvestStatus.RUNNING.value)
        session.add(run)
        session.commit()
        return run.id


def finish_run(engine: Engine, run_id: int, status: HarvestStatus, error: str | None = None) -> None:
    with Session(engine) as session:
        run = session.get(HarvestRun, run_id)
        run.status, run.error, run.finished_at = status.value, error, utcnow()
        session.commit()


@contextmanager
def harvest_run(engine: Engine, source: str, params: dict) -> Iterator[int]:
    """Open a run; mark it succeeded, or failed with the error text, when the block ends.

    If the store cannot even record the failure (a full disk), that is logged
    and the run's own error propagates; the next update marks the row abandoned.
    """
    run_id = start_run(engine, source, params)
    try:
        yield run_id
    except BaseException as exc:
        try:
            finish_run(engine, run_id, HarvestStatus.FAILED, describe(exc) if isinstance(exc, Exception)
                       else f"{exc.__class__.__name__}: {exc}")
        except Exception as bookkeeping:  # noqa: BLE001 — the run's own error is the one to raise
            log.error("run %d could not be marked failed (%s); the next update marks it abandoned", run_id,
                      describe(bookkeeping))
        raise
    finish_run(engine, run_id, HarvestStatus.SUCCEEDED)


def successful_runs(engine: Engine, source: str) -> list[HarvestRun]:
    """Every successful run of ``source``, newest first (detached from the session)."""
    with Session(engine) as session:
        runs = session.execute(
            select(HarvestRun).where(HarvestRun.source == source,
                                     HarvestRun.status == HarvestStatus.SUCCEEDED.value)
            .order_by(HarvestRun.started_at.desc(), HarvestRun.id.desc())).scalars().all()
        session.expunge_all()
        return list(runs)


def reached_its_start(run: HarvestRun) -> bool:
    """True if the run's date range ended on the day it ran; a backfill with an old ``until`` did not.

    Only such runs may start the next incremental window: continuing from a backfill would skip the gap.
    """
    until = (run.params or {}).get("until")
    return until is None or date.fromisoformat(until) >= run.started_at.date()


def last_success(engine: Engine, source: str) -> HarvestRun | None:
    """The latest successful run of ``source``; incremental harvests start from it."""
    with Session(engine) as session:
        run = session.execute(
            select(HarvestRun).where(HarvestRun.source == source,
                                     HarvestRun.status == HarvestStatus.SUCCEEDED.value)
            .order_by(HarvestRun.started_at.desc()).limit(1)).scalar_one_or_none()
        if run is not None:
            session.expunge(run)
        return run


def incremental_since(engine: Engine, source: str, overlap: timedelta = timedelta(days=2)) -> datetime | None:
    """Start of the next incremental window: last success minus a small overlap."""
    run = last_success(engine, source)
    return None if run is None else run.started_at - overlap
