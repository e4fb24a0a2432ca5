"""The `evidence` command line: what scheduled jobs and reviewers call.

Core commands (init, info, export-data, whats-new) live here; the others
(pool, harvest, import, update) are registered by their own modules through the ``evidence.commands`` entry
point group, so the registry clients can depend on the store without the
store depending on them.

Exit codes: 0 success, 1 a run failed, 2 usage, configuration or input error.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from enum import Enum
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated, Optional

import typer
from sqlmodel import Session

from evidence import digest, logs
from evidence.cli_support import EXIT_USAGE, settings_of
from evidence.curated import CuratedDataError, export_curated
from evidence.db import head_version, schema_version
from evidence.digest import last_update_start
from evidence.settings import load_settings
from evidence.store import initialise, last_harvests, open_store, table_counts
from evidence.write_failure import write_failure

log = logging.getLogger("evidence")
app = typer.Typer(help=__doc__.split("\n")[0], no_args_is_help=True, add_completion=False)


@app.callback()
def main(
    ctx: typer.Context,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Warnings and errors only.")] = False,
    log_file: Annotated[Optional[Path], typer.Option(help="Also append the log to this file.")] = None,
    config: Annotated[Optional[Path], typer.Option(help="TOML settings file (table [evidence]).")] = None,
) -> None:
    """Living evidence tracker for CAR-T cell therapy in autoimmune disease."""
    logs.configure(verbose=verbose, quiet=quiet, log_file=log_file)
    try:
        ctx.obj = load_settings(config_file=config)
    except (ValueError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from exc


@app.command()
def init(
    ctx: typer.Context,
    reload: Annotated[bool, typer.Option(help="Reload the curated data even if unchanged.")] = False,
    allow_empty: Annotated[Optional[list[str]], typer.Option(
        "--allow-empty", help="A curated file (e.g. outcomes.csv) that may hold only its header, "
        "emptying its table on purpose (repeatable).")] = None,
) -> None:
    """Create or upgrade the database and load the curated data (idempotent)."""
    settings = settings_of(ctx)
    try:
        result = initialise(settings, reload=reload, allow_empty=allow_empty or ())
    except CuratedDataError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from exc
    except Exception as exc:  # a store refusing writes (read-only: 2, disk full: 1) is a message, not a traceback
        refused = write_failure(exc)
        if refused is None:
            raise
        typer.echo(f"error: {refused}", err=True)
        raise typer.Exit(refused.exit_code) from exc
    log.info("database %s at schema %s", settings.redacted()["db"] or settings.database_url,
             result["revision"])
    typer.echo(f"schema {result['revision']}; curated data "
               + ("loaded: " + json.dumps(result["loaded"]) if result["loaded"] else "already up to date"))


@app.command()
def info(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Counts per table, last harvest per source and schema version."""
    settings = settings_of(ctx)
    engine = open_store(settings)
    version = schema_version(engine)
    if version is None:
        typer.echo("error: the database has no schema yet; run `evidence init`", err=True)
        raise typer.Exit(EXIT_USAGE)
    runs = [{"source": r.source, "status": r.status, "started_at": r.started_at.isoformat(),
             "finished_at": r.finished_at.isoformat() if r.finished_at else None} for r in last_harvests(engine)]
    payload = {"database": settings.database_url, "schema_version": version, "schema_head": head_version(),
               "counts": table_counts(engine), "last_harvests": runs}
    if as_json:
        typer.echo(json.dumps(payload, indent=2))
        return
    typer.echo(f"database        {payload['database']}")
    typer.echo(f"schema version  {version} (head {payload['schema_head']})")
    for table, n in payload["counts"].items():
        typer.echo(f"{table:<22}{n:>8}")
    for run in runs:
        typer.echo(f"last {run['source']:<10} {run['status']:<10} {run['started_at']}")
    if not runs:
        typer.echo("no harvest has run yet")


@app.command("export-data")
def export_data(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Folder to write the curated CSV files to.")],
    include_harvested: Annotated[bool, typer.Option(help="Also write harvested trials and publications.")] = False,
) -> None:
    """Write the database back to the curated CSV files (the layout of data/)."""
    engine = open_store(settings_of(ctx))
    if schema_version(engine) is None:
        typer.echo("error: the database has no schema yet; run `evidence init`", err=True)
        raise typer.Exit(EXIT_USAGE)
    counts = export_curated(engine, directory, include_harvested=include_harvested)
    typer.echo(json.dumps(counts))


class DigestFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


def _parse_date(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD or an ISO timestamp)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


@app.command("whats-new")
def whats_new_command(
    ctx: typer.Context,
    since: Annotated[Optional[str], typer.Option(help="Report changes from this date (YYYY-MM-DD).")] = None,
    last_run: Annotated[bool, typer.Option("--last-run", help="What the last update brought "
                                           "(the default when --since is not given).")] = False,
    fmt: Annotated[DigestFormat, typer.Option("--format", help="Output format.")] = DigestFormat.text,
) -> None:
    """New publications, new trials and trial changes, ready to be mailed by cron."""
    if since and last_run:
        typer.echo("error: give --since or --last-run, not both", err=True)
        raise typer.Exit(EXIT_USAGE)
    engine = open_store(settings_of(ctx))
    if schema_version(engine) is None:
        typer.echo("error: the database has no schema yet; run `evidence init`", err=True)
        raise typer.Exit(EXIT_USAGE)
    with Session(engine) as session:
        start = _parse_date(since) if since else last_update_start(session)
        result = digest.whats_new(session, start)
    if fmt is DigestFormat.json:
        typer.echo(digest.render_json(result))
    else:
        typer.echo(digest.render_text(result, markdown=fmt is DigestFormat.markdown), nl=False)


def _register_plugins() -> None:
    for ep in sorted(entry_points(group="evidence.commands"), key=lambda e: e.name):
        ep.load()(app)


_register_plugins()
