"""What every `evidence` command shares: exit codes, errors, dates, settings, the store.

Every command uses these, so that exit codes, error messages, date options
and the "no schema yet" check read the same everywhere.  This module imports
only the standard library and Typer: it is loaded by ``evidence --help``, and
the database libraries are imported when a command opens the store.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

import typer

from evidence.exit_codes import ExitCode
from evidence.settings import Settings, load_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine


EXIT_OK = ExitCode.OK
EXIT_FAILED = ExitCode.FAILED
EXIT_USAGE = ExitCode.USAGE
EXIT_LOCKED = ExitCode.LOCKED

_DAY = re.compile(r"(\d{4})[-/](\d{2})[-/](\d{2})")


def settings_of(ctx: typer.Context) -> Settings:
    """The settings the root command loaded (or fresh ones when called outside the CLI)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else load_settings()


def fail(message: str, code: int) -> typer.Exit:
    """Print ``error: message`` to stderr and return the Exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(int(code))


def parse_date(value: str | None, option: str = "--since") -> date | None:
    """The day a date option names (``YYYY-MM-DD``, or PubMed's ``YYYY/MM/DD``); None when not given.

    Raises the exit-2 error naming the option when the text is not a real day.
    """
    if value is None:
        return None
    match = _DAY.fullmatch(value.strip())
    try:
        if match:
            return date(*map(int, match.groups()))
    except ValueError:
        pass
    raise fail(f"{option} must be a date as YYYY-MM-DD, not {value!r}", EXIT_USAGE)


def parse_moment(value: str | None, option: str = "--since") -> datetime | None:
    """A day (midnight UTC) or an ISO timestamp (UTC unless it names its zone); None when not given."""
    if value is None:
        return None
    if not _DAY.fullmatch(value.strip()):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise fail(f"{option} must be a date as YYYY-MM-DD or an ISO timestamp, not {value!r}",
                       EXIT_USAGE) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    day = parse_date(value, option)
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def open_engine(settings: Settings) -> Engine:
    """The store's engine (the database libraries are imported here, not at start-up)."""
    from evidence.store import open_store

    return open_store(settings)


def store_with_schema(settings: Settings, readonly: bool = False) -> Engine:
    """The store's engine; exit 2 with advice when it is missing, read-only or `evidence init` has not run yet."""
    from evidence.db import StoreError, schema_version
    from evidence.store import open_store

    try:
        engine = open_store(settings, create=False, readonly=readonly)
    except StoreError as exc:
        raise fail(str(exc), EXIT_USAGE) from exc
    if schema_version(engine) is None:
        raise fail("the database has no schema yet; run `evidence init`", EXIT_USAGE)
    return engine
