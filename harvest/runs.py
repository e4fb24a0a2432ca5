"""HarvestRun bookkeeping: every harvest or import leaves one row saying how it went.

A run row is committed on its own as soon as the run starts, so a run killed
mid-way is still visible (status ``running`` with a dead pid), and its
counters and resume cursor are committed together with each batch of data.
"""

from __future__ import annotations

import logging
import os
import socket
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Iterator

from sqlalchemy import Engine, select
from sqlmodel import Session

from evidence.models import HarvestRun, utcnow
from evidence.vocab import HarvestStatus
from evidence.write_failure import describe

log = logging.getLogger(__name__)


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
