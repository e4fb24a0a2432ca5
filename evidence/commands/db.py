"""`evidence db copy`, `evidence backup` and `evidence restore`: moving and keeping the whole store.

Exit codes follow evidence.cli: 0 success; 1 the copy was made but a table's
rows or checksum differ, or pg_dump/pg_restore failed; 2 usage or
configuration error (missing database, non-empty target without --force,
a file that is not a backup, no pg_dump, an unwritable folder). URLs are
printed with their password masked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from evidence.commands.groups import get_or_create_group
from evidence.commands.support import EXIT_FAILED, EXIT_USAGE, fail, settings_of, store_with_schema
from evidence.settings import mask_url

DB_HELP = "Move the whole database to another one."


def copy(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help="Target: a SQLAlchemy URL (postgresql://user@host/db) "
                                    "or a SQLite file path.")],
    force: Annotated[bool, typer.Option("--force", help="Replace the target's rows if it holds any.")] = False,
) -> None:
    """Copy every table into another database (SQLite ⇄ PostgreSQL) and check rows and checksums per table."""
    from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

    from evidence.db import StoreError, make_engine
    from evidence.transfer import TransferError, copy_store

    source = store_with_schema(settings_of(ctx), readonly=True)
    url = to if "://" in to else f"sqlite:///{Path(to).expanduser()}"
    try:
        target = make_engine(url, create=True)
        checks = copy_store(source, target, force=force)
    except (ArgumentError, StoreError, TransferError) as exc:
        raise fail(f"{mask_url(url)}: {exc}", EXIT_USAGE) from exc
    except OperationalError as exc:
        raise fail(f"cannot reach {mask_url(url)}: {exc.orig}", EXIT_USAGE) from exc
    except DBAPIError as exc:  # the target refused a row: its transaction was rolled back
        raise fail(f"the copy into {mask_url(url)} failed and was undone: {exc.orig}", EXIT_FAILED) from exc
    for check in checks:
        typer.echo(f"{check.table:<22}{check.source_rows:>8} rows  {check.source_checksum[:16]}  "
                   + ("ok" if check.ok else f"MISMATCH: target {check.target_rows} rows "
                                            f"{check.target_checksum[:16]}"))
    bad = [c.table for c in checks if not c.ok]
    if bad:
        raise fail(f"the copy in {mask_url(url)} differs from the source in {', '.join(bad)}", EXIT_FAILED)
    typer.echo(f"copied {sum(c.source_rows for c in checks)} rows into {mask_url(url)}; every table matches")


def backup_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Backup file to write (replaced if it exists).", dir_okay=False)],
) -> None:
    """Write a consistent snapshot of the database (safe while the app serves and updates run)."""
    from evidence.backup import BackupError, BackupFailed, backup

    engine = store_with_schema(settings_of(ctx), readonly=True)
    try:
        kind = backup(engine, file)
    except BackupFailed as exc:
        raise fail(f"backup failed: {exc}", EXIT_FAILED) from exc
    except (BackupError, OSError) as exc:  # no pg_dump, a folder that cannot be written
        raise fail(f"backup not made: {exc}", EXIT_USAGE) from exc
    typer.echo(json.dumps({"backup": str(file), "format": kind, "bytes": file.stat().st_size}))


def restore_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A file written by `evidence backup`.", exists=True, dir_okay=False,
                                         readable=True)],
    force: Annotated[bool, typer.Option("--force", help="Replace a database that holds data.")] = False,
) -> None:
    """Replace the database with a backup, then upgrade it to the current schema."""
    from evidence.backup import BackupError, BackupFailed, restore
    from evidence.db import StoreError, schema_version
    from evidence.store import open_store
    from evidence.transfer import is_empty

    settings = settings_of(ctx)
    try:
        engine = open_store(settings, create=True)
    except StoreError as exc:
        raise fail(str(exc), EXIT_USAGE) from exc
    if schema_version(engine) is not None and not is_empty(engine) and not force:
        raise fail(f"{settings.database_label} holds data; give --force to replace it with {file}", EXIT_USAGE)
    try:
        revision = restore(engine, file)
    except BackupError as exc:
        raise fail(f"restore failed: {exc}", EXIT_FAILED if isinstance(exc, BackupFailed) else EXIT_USAGE) from exc
    typer.echo(json.dumps({"restored": str(file), "database": settings.database_label, "schema": revision}))


def register(app: typer.Typer) -> None:
    """Entry point of the ``evidence.commands`` group: add `db copy`, `backup` and `restore`."""
    get_or_create_group(app, "db", DB_HELP).command("copy")(copy)
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
