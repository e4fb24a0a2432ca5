"""Helpers every `evidence` command shares: settings from the context, errors, the store.

Commands registered by plugins (harvest, import, update, pool) use these so
that error messages, exit codes and the "no schema yet" check read the same
everywhere.
"""

from __future__ import annotations

import typer
from sqlalchemy import Engine

from evidence.db import StoreError, schema_version
from evidence.settings import Settings, load_settings
from evidence.store import open_store

EXIT_FAILED = 1
EXIT_USAGE = 2


def settings_of(ctx: typer.Context) -> Settings:
    """The settings the root command loaded (or fresh ones when called outside the CLI)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else load_settings()


def fail(message: str, code: int) -> typer.Exit:
    """Print ``error: message`` to stderr and return the Exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def store_with_schema(settings: Settings, readonly: bool = False) -> Engine:
    """The store's engine; exit 2 with advice when it is missing, read-only or `evidence init` has not run yet."""
    try:
        engine = open_store(settings, create=False, readonly=readonly)
    except StoreError as exc:
        raise fail(str(exc), EXIT_USAGE) from exc
    if schema_version(engine) is None:
        raise fail("the database has no schema yet; run `evidence init`", EXIT_USAGE)
    return engine
