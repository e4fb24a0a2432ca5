"""`evidence harvest pubmed` and `evidence import pubmed`, registered through the entry point.

Exit codes follow evidence.cli: 0 success, 1 the run failed (network,
NCBI errors; the HarvestRun row says why), 2 usage or input error (bad
option, unreadable query file, a saved file that is not PubMed XML/MEDLINE).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Optional

import requests
import typer

from evidence.cli_groups import get_or_create_group
from evidence.cli_support import EXIT_FAILED, EXIT_USAGE, fail, settings_of, store_with_schema
from evidence.settings import Settings
from harvest._http import HarvestHTTPError
from harvest.pubmed import DEFAULT_BATCH, EutilsClient, PubmedHarvestError, harvest, read_query
from harvest.pubmed_parse import PubmedParseError
from harvest.runs import harvest_run

log = logging.getLogger(__name__)

HARVEST_HELP = "Fetch new and changed records from the registries."
IMPORT_HELP = "Load saved registry files (the offline path)."


def _date(value: Optional[str], option: str) -> Optional[date]:
    if value is None:
        return None
    try:
        return datetime.strptime(value.replace("/", "-"), "%Y-%m-%d").date()
    except ValueError:
        raise fail(f"{option} expects a date as YYYY-MM-DD, not {value!r}", EXIT_USAGE) from None


def _term(settings: Settings, query: Optional[str], query_file: Optional[Path]) -> tuple[str, str]:
    if query and query_file:
        raise fail("give --query or --query-file, not both", EXIT_USAGE)
    if query:
        return query, "--query"
    path = query_file or Path(settings.pubmed_query_file)
    try:
        return read_query(path), str(path)
    except (OSError, ValueError) as exc:
        raise fail(f"search strategy {path}: {exc}", EXIT_USAGE) from exc


def harvest_pubmed(
    ctx: typer.Context,
    since: Annotated[Optional[str], typer.Option(help="Records entered or modified since this date "
                                                      "(YYYY-MM-DD); default: since the last successful run.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Last date of the range (default: today).")] = None,
    full: Annotated[bool, typer.Option("--full", help="Fetch every record the search finds.")] = False,
    query: Annotated[Optional[str], typer.Option(help="A PubMed query instead of the strategy file.")] = None,
    query_file: Annotated[Optional[Path], typer.Option(help="Strategy file (default: the "
                                                            "pubmed_query_file setting).")] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=9999, help="Records per efetch request.")] = DEFAULT_BATCH,
) -> None:
    """Harvest PubMed through the E-utilities: incremental, windowed, batched, polite."""
    settings = settings_of(ctx)
    if full and since:
        raise fail("give --full or --since, not both", EXIT_USAGE)
    start, end = _date(since, "--since"), _date(until, "--until")
    if start and end and end < start:
        raise fail(f"--until {end} is before --since {start}", EXIT_USAGE)
    term, source = _term(settings, query, query_file)
    engine = store_with_schema(settings)
    client = EutilsClient.from_settings(settings)
    try:
        summary = harvest(engine, client, term, since=start, until=end, full=full, batch_size=batch_size,
                          query_source=source)
    except (HarvestHTTPError, PubmedHarvestError, PubmedParseError) as exc:
        raise fail(f"PubMed harvest failed: {exc} (records saved before the failure are kept; "
                    "the next run fetches the rest)", EXIT_FAILED) from exc
    except requests.RequestException as exc:  # e.g. a malformed EVIDENCE_EUTILS_URL
        raise fail(f"PubMed harvest could not send its requests to {settings.eutils_url!r}: {exc}",
                    EXIT_USAGE) from exc
    payload = {"run": summary.run_id, "mode": summary.mode, "since": summary.since, "until": summary.until,
               "windows": summary.windows, "requests": summary.requests, **asdict(summary.counts)}
    typer.echo(json.dumps(payload))


def import_pubmed(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, readable=True,
                                                help="PubMed XML (efetch, Save → XML) or MEDLINE/.nbib files.")],
) -> None:
    """Load saved PubMed files through the same parser and upsert as the harvester."""
    settings = settings_of(ctx)
    engine = store_with_schema(settings)
    from harvest.pubmed_import import import_file

    totals: dict[str, dict] = {}
    try:
        with harvest_run(engine, "import-pubmed", {"files": [str(f) for f in files]}) as run_id:
            for path in files:
                counts = import_file(engine, path, run_id)
                totals[str(path)] = asdict(counts)
                log.info("imported %s: %s", path, counts)
    except PubmedParseError as exc:
        before = f" ({len(totals)} file(s) before it were imported)" if totals else " (nothing was imported)"
        raise fail(f"import failed: {exc}{before}", EXIT_USAGE) from exc
    typer.echo(json.dumps({"run": run_id, "files": totals}))


def register(app: typer.Typer) -> None:
    """Entry point of the ``evidence.commands`` group: add `harvest pubmed` and `import pubmed`."""
    get_or_create_group(app, "harvest", HARVEST_HELP).command("pubmed")(harvest_pubmed)
    get_or_create_group(app, "import", IMPORT_HELP).command("pubmed")(import_pubmed)
