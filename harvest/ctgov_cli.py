"""`evidence harvest ctgov` and `evidence import ctgov` (registered in evidence.commands).

The harvester, its HTTP client and the store are imported when a command
runs, not when `evidence` starts.  Exit codes (evidence.commands.support.ExitCode):
0 success, 1 the run failed (network, server, unreadable page; the run row
says why and committed pages are kept), 2 usage or input error (bad date,
bad strategy file, unreadable import file).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Optional

import typer

from evidence.commands.groups import group
from evidence.commands.support import EXIT_FAILED, EXIT_USAGE, fail, parse_date, settings_of, store_with_schema

log = logging.getLogger(__name__)


def _advice(exc: Exception) -> str:
    """What to do next: a rejected request will fail again; anything else is worth re-running."""
    status = getattr(exc, "status", None)
    if status is not None and 400 <= status < 500 and status != 429:
        return "the registry rejected the request: check the strategy and EVIDENCE_CTGOV_URL"
    return "pages fetched before the failure are kept; the next run resumes"


def _engine(ctx: typer.Context):
    return store_with_schema(settings_of(ctx))


def harvest_ctgov(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(help="Studies updated on or after this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Studies updated on or before this date (YYYY-MM-DD; "
                                                   "default: no end).")] = None,
    full: Annotated[bool, typer.Option("--full", help="Everything the strategy matches, ignoring dates.")] = False,
    strategy: Annotated[Path | None, typer.Option(
        help="Strategy TOML file (default: setting ctgov_strategy_file).")] = None,
    query_intr: Annotated[str | None, typer.Option(help="Replace the strategy's query.intr.")] = None,
    query_cond: Annotated[str | None, typer.Option(help="Replace the strategy's query.cond.")] = None,
    requests_per_minute: Annotated[Optional[float], typer.Option(
        min=1, help="Politeness limit (default: the ctgov_requests_per_minute setting, 48).")] = None,
) -> None:
    """Harvest ClinicalTrials.gov (incremental since the last successful run unless told otherwise)."""
    if full and since:
        raise fail("--full and --since exclude each other", EXIT_USAGE)
    from harvest.http_client import HarvestHTTPError
    from harvest.ctgov import WindowError, harvest, load_strategy, make_client
    from harvest.ctgov_parse import CtgovParseError

    settings = settings_of(ctx)
    window, end = parse_date(since, "--since"), parse_date(until, "--until")
    if window and end and end < window:
        raise fail(f"--until {end} is before --since {window}", EXIT_USAGE)
    try:
        chosen = load_strategy(strategy or Path(settings.ctgov_strategy_file))
    except ValueError as exc:
        raise fail(str(exc), EXIT_USAGE) from exc
    chosen = chosen.with_overrides(query_intr, query_cond)
    engine = _engine(ctx)
    try:
        result = harvest(engine, settings, chosen, since=window, until=end, full=full,
                         client=make_client(settings, requests_per_minute))
    except (HarvestHTTPError, CtgovParseError) as exc:
        raise fail(f"ClinicalTrials.gov harvest failed: {exc} ({_advice(exc)})", EXIT_FAILED) from exc
    except WindowError as exc:  # --until before the incremental window's start: nothing was asked or written
        raise fail(f"--until: {exc}", EXIT_USAGE) from exc
    typer.echo(json.dumps(result.summary()))


def import_ctgov(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="API v2 JSON: one study, a {\"studies\": [...]} page, "
                                                     "a JSON list, or a zip of study files.")],
) -> None:
    """Load saved ClinicalTrials.gov API v2 JSON files through the harvester's parser."""
    from harvest.ctgov import import_files
    from harvest.ctgov_parse import CtgovParseError

    engine = _engine(ctx)
    try:
        result = import_files(engine, files)
    except CtgovParseError as exc:
        kept = " (files before it are kept)" if len(files) > 1 else " (nothing was imported from it)"
        raise fail(f"import failed: {exc}{kept}", EXIT_USAGE) from exc
    typer.echo(json.dumps(result.summary(unit="files")))


def register(app: typer.Typer) -> None:
    """Add `harvest ctgov` and `import ctgov` to the shared groups."""
    group(app, "harvest").command("ctgov")(harvest_ctgov)
    group(app, "import").command("ctgov")(import_ctgov)
