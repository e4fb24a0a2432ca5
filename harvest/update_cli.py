"""`evidence update`: the command cron and systemd timers call.

Exit codes (evidence.commands.support.ExitCode): 0 every source succeeded; 1 a
source failed (the others still ran; each has its own HarvestRun); 2 usage
or configuration error; 75 another update holds the lock (nothing was
changed).  The harvesters are imported when the command runs.
"""

from __future__ import annotations

import json
import logging
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from evidence.commands.support import EXIT_LOCKED, EXIT_USAGE, fail, parse_date, settings_of, store_with_schema
from evidence.settings import Settings
from evidence.vocab import HARVEST_RUN_SOURCES

log = logging.getLogger(__name__)


#: The registries ``--source`` may name: the scheduled harvests of evidence.vocab.
SourceName = Enum("SourceName", {code: code for code in HARVEST_RUN_SOURCES}, type=str)


def lock_path(settings: Settings) -> Path:
    """The lock file: configured, or beside a SQLite database, or in the data folder."""
    if settings.lock_file:
        return Path(settings.lock_file)
    url = settings.database_url
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///") + ".update.lock")
    return Path.home() / ".local" / "state" / "cart-evidence" / "update.lock"


def update(
    ctx: typer.Context,
    source: Annotated[Optional[list[SourceName]], typer.Option(help="Only this registry (repeatable).")] = None,
    since: Annotated[Optional[str], typer.Option(help="Ask for records changed since this date (YYYY-MM-DD).")]
    = None,
    full: Annotated[bool, typer.Option("--full", help="Ask for everything, not only what changed.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print what would be asked for; change nothing.")]
    = False,
) -> None:
    """Harvest PubMed and ClinicalTrials.gov incrementally, then re-link trials and publications."""
    from evidence.lock import LockHeld, LockUnavailable, update_lock
    from harvest.sources import SOURCES
    from harvest.update import Window, plan_update, run_update

    settings = settings_of(ctx)
    if full and since:
        raise fail("give --full or --since, not both", EXIT_USAGE)
    window = Window(parse_date(since, "--since"), full)
    chosen = [SOURCES[s.value] for s in (source or list(SourceName))]
    engine = store_with_schema(settings, readonly=dry_run)
    if dry_run:
        for line in plan_update(engine, settings, chosen, window):
            typer.echo(line)
        return
    log.info("update starting with settings %s", settings.redacted())
    try:
        with update_lock(engine, lock_path(settings)):
            report = run_update(engine, settings, chosen, window)
    except LockHeld as exc:
        raise fail(f"{exc}; nothing was changed", EXIT_LOCKED) from exc
    except LockUnavailable as exc:
        raise fail(f"{exc}; nothing was changed", EXIT_USAGE) from exc
    from evidence.headline import refresh_stored_headline

    refresh_stored_headline(engine)  # the Overview's pooled table for the new data, computed once here
    typer.echo(json.dumps({"sources": [vars(r) for r in report.results], "links": report.links,
                           "unreachable": report.unreachable}))
    if report.unreachable and len(report.unreachable) == len(chosen):
        typer.echo("error: the registries cannot be reached (no network?); the database was not changed",
                   err=True)
    raise typer.Exit(report.exit_code)


def register(app: typer.Typer) -> None:
    """Add `update`."""
    app.command("update")(update)
