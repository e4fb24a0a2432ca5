"""`evidence update`: every registry harvested incrementally, safely, with nobody watching.

The order of work is fixed: take the single-writer lock, mark runs left by
dead processes as abandoned, check the registries can be reached at all
(with no network, stop before touching the database), harvest each source in
its own HarvestRun so one failing does not undo the other, then re-derive
trial–publication links over everything stored. Each harvester commits its
batches in their own transactions, so a kill at any point leaves a
consistent database that the next run completes. A store that refuses to be
written (read-only: exit 2; a full disk: exit 1) ends the update with a
message and its summary, never a traceback; the runs it could not close are
marked abandoned by the next update.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import requests
from sqlalchemy import Engine, select
from sqlmodel import Session

from evidence.exit_codes import ExitCode
from evidence.models import HarvestRun, utcnow
from evidence.settings import Settings
from evidence.vocab import HarvestStatus, RunSource
from evidence.write_failure import WriteFailure, describe, write_failure
from harvest.runs import finish_run, start_run

log = logging.getLogger(__name__)

# The one table of exit codes (evidence.commands.support.ExitCode), by the names this module's callers use.
EXIT_OK, EXIT_SOURCE_FAILED, EXIT_USAGE, EXIT_LOCKED = (ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE,
                                                        ExitCode.LOCKED)


@dataclass(frozen=True)
class Window:
    """What to ask for: since a date, everything, or (both unset) since the last success."""

    since: date | None = None
    full: bool = False


@dataclass(frozen=True)
class Source:
    """How `update` drives one registry; the harvester modules provide the callables."""

    name: str
    base_url: Callable[[Settings], str]
    plan: Callable[[Engine, Settings, Window], list[str]]
    run: Callable[[Engine, Settings, Window], int]  # returns the HarvestRun id; raises on failure


@dataclass
class SourceResult:
    source: str
    ok: bool
    run_id: int | None = None
    error: str | None = None


@dataclass
class UpdateReport:
    results: list[SourceResult] = field(default_factory=list)
    links: int | None = None
    unreachable: list[str] = field(default_factory=list)
    store_failure: WriteFailure | None = None  # the store refused a write (read-only, disk full)

    @property
    def exit_code(self) -> int:
        if self.store_failure is not None:
            return self.store_failure.exit_code
        return EXIT_OK if self.results and all(r.ok for r in self.results) else EXIT_SOURCE_FAILED

    def refused(self, exc: Exception) -> bool:
        """Record ``exc`` if it is the store refusing a write (the first one counts); say whether it was."""
        failure = write_failure(exc)
        if failure is None:
            return False
        if self.store_failure is None:
            self.store_failure = failure
            log.error("%s", failure)
        return True


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mark_abandoned(engine: Engine) -> list[int]:
    """Runs still 'running' whose process is gone: mark them abandoned (call with the lock held)."""
    host = socket.gethostname()
    abandoned = []
    with Session(engine) as session, session.begin():
        running = session.execute(
            select(HarvestRun).where(HarvestRun.status == HarvestStatus.RUNNING.value)).scalars().all()
        for run in running:
            if run.hostname == host and _alive(run.pid) and run.pid != os.getpid():
                continue
            run.status = HarvestStatus.ABANDONED.value
            run.finished_at = utcnow()
            run.error = f"process {run.pid} on {run.hostname} ended before the run finished"
            abandoned.append(run.id)
    for run_id in abandoned:
        log.warning("harvest run %d was left by a dead process: marked abandoned", run_id)
    return abandoned


def reachable(url: str, timeout: float = 10.0) -> bool:
    """Whether a server answers at all (any HTTP status counts); no retries."""
    try:
        requests.head(url, timeout=timeout, allow_redirects=False)
    except (requests.ConnectionError, requests.Timeout):
        return False
    return True


def _relink(engine: Engine) -> int | None:
    try:
        from evidence.linking import relink
    except ImportError:  # linking arrives with the registry harvester
        return None
    with Session(engine) as session, session.begin():
        return relink(session)


def plan_update(engine: Engine, settings: Settings, sources: list[Source], window: Window) -> list[str]:
    """What an update would ask for, one line per request or request family (--dry-run)."""
    lines = []
    for source in sources:
        lines += [f"{source.name}: {line}" for line in source.plan(engine, settings, window)]
    return lines


def run_update(engine: Engine, settings: Settings, sources: list[Source], window: Window) -> UpdateReport:
    """Harvest every source (lock already held); one failure never stops the others."""
    report = UpdateReport()
    try:
        mark_abandoned(engine)
        report.unreachable = [s.name for s in sources
                              if not reachable(s.base_url(settings), settings.http_timeout)]
        if sources and len(report.unreachable) == len(sources):
            names = ", ".join(f"{s.name} ({s.base_url(settings)})" for s in sources)
            report.results = [SourceResult(s.name, False, error="cannot be reached") for s in sources]
            log.error("the registries cannot be reached: %s; check the network. Nothing was changed.", names)
            return report
        update_id = start_run(engine, RunSource.UPDATE.value, {"sources": [s.name for s in sources],
                                                      "since": str(window.since) if window.since else None,
                                                      "full": window.full})
    except Exception as exc:
        if not report.refused(exc):
            raise
        return report
    for source in sources:
        unreachable = source.name in report.unreachable
        report.results.append(_run_one(engine, settings, source, window, unreachable, report))
    try:
        report.links = _relink(engine)
    except Exception as exc:
        if not report.refused(exc):
            raise
    failed = [r.source for r in report.results if not r.ok]
    try:
        finish_run(engine, update_id, HarvestStatus.FAILED if failed else HarvestStatus.SUCCEEDED,
                   f"failed: {', '.join(failed)}" if failed else None)
    except Exception as exc:
        if not report.refused(exc):
            raise
    ok = sum(r.ok for r in report.results)
    log.info("update finished: %d of %d sources succeeded%s", ok, len(report.results),
             f"; {report.links} links derived" if report.links is not None else "")
    return report


def _run_one(engine: Engine, settings: Settings, source: Source, window: Window, unreachable: bool,
             report: UpdateReport) -> SourceResult:
    """Harvest one source; its harvester records its own run, failed ones included (one home for run rows).

    A registry that did not answer the check (while another did) is still
    handed to its harvester: with its own retries it either gets through (the
    registry was back) or fails and records why, with its own parameters.
    """
    if unreachable:
        log.warning("%s: %s did not answer the check; its harvester tries with its own retries", source.name,
                    source.base_url(settings))
    try:
        run_id = source.run(engine, settings, window)
    except Exception as exc:  # noqa: BLE001 — one source failing must not stop the next
        report.refused(exc)
        log.error("%s failed: %s", source.name, describe(exc))
        return SourceResult(source.name, False, None, describe(exc))
    return SourceResult(source.name, True, run_id)
