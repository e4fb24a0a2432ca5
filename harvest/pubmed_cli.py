"""`evidence harvest pubmed` and `evidence import pubmed` (registered in evidence.commands).

Biopython, requests and the store are imported when a command runs, not
when `evidence` starts.  Exit codes (evidence.commands.support.ExitCode): 0 success, 1 the run failed (network,
NCBI errors; the HarvestRun row says why), 2 usage or input error (bad
option, unreadable query file, a saved file that is not PubMed XML/MEDLINE).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from evidence.commands.groups import group
from evidence.commands.support import EXIT_FAILED, EXIT_USAGE, fail, parse_date, settings_of, store_with_schema
from evidence.settings import Settings


def _term(settings: Settings, query: Optional[str], query_file: Optional[Path]) -> tuple[str, str]:
    from harvest.pubmed import read_query

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
    batch_size: Annotated[Optional[int], typer.Option(
        min=1, max=9999, help="Records per efetch request (default 200).")] = None,
) -> None:
    """Harvest PubMed through the E-utilities: incremental, windowed, batched, polite."""
    import requests

    from harvest.http_client import HarvestHTTPError
    from harvest.pubmed import DEFAULT_BATCH, PubmedHarvestError, harvest
    from harvest.pubmed_parse import PubmedParseError

    settings = settings_of(ctx)
    if full and since:
        raise fail("give --full or --since, not both", EXIT_USAGE)
    start, end = parse_date(since, "--since"), parse_date(until, "--until")
    if start and end and end < start:
        raise fail(f"--until {end} is before --since {start}", EXIT_USAGE)
    term, source = _term(settings, query, query_file)
    engine = store_with_schema(settings)
    try:
        summary = harvest(engine, settings, term, since=start, until=end, full=full,
                          batch_size=batch_size or DEFAULT_BATCH, query_source=source)
    except (HarvestHTTPError, PubmedHarvestError, PubmedParseError) as exc:
        raise fail(f"PubMed harvest failed: {exc} (records saved before the failure are kept; "
                    "the next run fetches the rest)", EXIT_FAILED) from exc
    except requests.RequestException as exc:  # e.g. a malformed EVIDENCE_EUTILS_URL
        raise fail(f"PubMed harvest could not send its requests to {settings.eutils_url!r}: {exc}",
                    EXIT_USAGE) from exc
    payload = {"run": summary.run_id, "mode": summary.mode, "since": summary.since, "until": summary.until,
               "windows": summary.windows, "requests": summary.requests, **summary.counts.as_dict()}
    typer.echo(json.dumps(payload))


def import_pubmed(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, readable=True,
                                                help="PubMed XML (efetch, Save → XML) or MEDLINE/.nbib files.")],
) -> None:
    """Load saved PubMed files through the same parser and upsert as the harvester."""
    from evidence.write_failure import write_failure
    from harvest.pubmed_import import SpoolError, import_files
    from harvest.pubmed_parse import PubmedParseError

    engine = store_with_schema(settings_of(ctx))
    done: list[str] = []
    try:
        result = import_files(engine, files, on_file=lambda name, counts: done.append(name))
    except PubmedParseError as exc:
        before = f" ({len(done)} file(s) before it were imported)" if done else " (nothing was imported)"
        raise fail(f"import failed: {exc}{before}", EXIT_USAGE) from exc
    except SpoolError as exc:
        before = f" ({len(done)} file(s) before it were imported)" if done else ""
        raise fail(f"import failed: {exc}{before}", EXIT_FAILED) from exc
    except Exception as exc:  # the store refused a batch: a message, and what is kept
        refused = write_failure(exc)
        if refused is None:
            raise
        raise fail(f"import stopped: {refused} (whole batches written before it are kept; importing the "
                   "same files again finishes the job without doubling anything)", refused.exit_code) from exc
    totals = {name: counts.as_dict() for name, counts in result.files.items()}
    typer.echo(json.dumps({"run": result.run_id, "files": totals}))


def register(app: typer.Typer) -> None:
    """Add `harvest pubmed` and `import pubmed` to the shared groups."""
    group(app, "harvest").command("pubmed")(harvest_pubmed)
    group(app, "import").command("pubmed")(import_pubmed)
