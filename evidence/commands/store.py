"""`evidence init`, `evidence info` and `evidence export-data`: the store as a whole.

The database libraries are imported inside each command, so that
``evidence --help`` and commands that never open the store start fast.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Optional

import typer

from evidence.commands.support import EXIT_USAGE, fail, settings_of, store_with_schema

log = logging.getLogger("evidence")


def init(
    ctx: typer.Context,
    reload: Annotated[bool, typer.Option(help="Reload the curated data even if unchanged.")] = False,
    allow_empty: Annotated[Optional[list[str]], typer.Option(
        "--allow-empty", help="A curated file (e.g. outcomes.csv) that may hold only its header, "
        "emptying its table on purpose (repeatable).")] = None,
) -> None:
    """Create or upgrade the database and load the curated data (idempotent)."""
    from evidence.curated import CuratedDataError
    from evidence.db import StoreError
    from evidence.store import initialise
    from evidence.write_failure import write_failure

    settings = settings_of(ctx)
    try:
        result = initialise(settings, reload=reload, allow_empty=allow_empty or ())
    except (CuratedDataError, StoreError) as exc:
        raise fail(str(exc), EXIT_USAGE) from exc
    except Exception as exc:  # a store refusing writes (read-only: 2, disk full: 1) is a message, not a traceback
        refused = write_failure(exc)
        if refused is None:
            raise
        raise fail(str(refused), refused.exit_code) from exc
    log.info("database %s at schema %s", settings.database_label, result["revision"])
    _precompute_headline(settings)
    typer.echo(f"schema {result['revision']}; curated data "
               + ("loaded: " + json.dumps(result["loaded"]) if result["loaded"] else "already up to date"))


def _precompute_headline(settings) -> None:
    """Pool the Overview's headline table now, once per data version, so the app's first visitor need not."""
    from evidence.headline import refresh_stored_headline
    from evidence.store import open_store

    engine = open_store(settings)
    try:
        refresh_stored_headline(engine)
    finally:
        engine.dispose()


def info(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Counts per table, last harvest per source and schema version."""
    from evidence.db import head_version, schema_version
    from evidence.store import last_harvests, table_counts

    settings = settings_of(ctx)
    engine = store_with_schema(settings, readonly=True)
    runs = [{"source": r.source, "status": r.status, "started_at": r.started_at.isoformat(),
             "finished_at": r.finished_at.isoformat() if r.finished_at else None} for r in last_harvests(engine)]
    version = schema_version(engine)
    payload = {"database": settings.database_label, "schema_version": version, "schema_head": head_version(),
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


def export_data(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Folder to write the curated CSV files to.")],
    include_harvested: Annotated[bool, typer.Option(help="Also write harvested trials and publications.")] = False,
) -> None:
    """Write the database back to the curated CSV files (the layout of data/)."""
    from evidence.curated import export_curated

    engine = store_with_schema(settings_of(ctx), readonly=True)
    counts = export_curated(engine, directory, include_harvested=include_harvested)
    typer.echo(json.dumps(counts))


def register(app: typer.Typer) -> None:
    """Add `init`, `info` and `export-data`."""
    app.command("init")(init)
    app.command("info")(info)
    app.command("export-data")(export_data)
