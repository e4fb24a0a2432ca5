"""ClinicalTrials.gov API v2 harvester: strategy, paging, page-by-page commits, resume, imports.

``GET {ctgov_url}/studies`` with the strategy's ``query.intr`` and
``query.cond``, ``pageSize=1000``, following ``nextPageToken`` until it is
absent (a page with no studies is fine). Every page is fetched, parsed in
full, then written in its own transaction together with the run's counters
and cursor, so a failure keeps every good page and says where it stopped.

Incremental by default: without ``--since``/``--full`` a run asks only for
studies whose LastUpdatePostDate is on or after the start of the last
successful run minus an overlap. ``--until`` ends the window on a day
(``filter.advanced=AREA[LastUpdatePostDate]RANGE[since,until]``, ``MIN`` for
a full run), as PubMed's does; such a backfill, ending before the day it ran,
is no starting point for the next incremental run. A failed run leaves the watermark where it
was, so the next run covers the same window again ("resume from the last good
date"); if the failed run's parameters match, the next run first tries to
continue from the failed run's next page token ("resume from the last good
page"), and falls back to the first page if the server no longer accepts it
(tokens are tied to a query and expire).

An empty answer is not taken on trust. The first page asks for
``totalCount``; when the pages end with fewer studies than it announced, the
last page is asked for again a bounded number of times, then the run fails.
A run that finds nothing for a query that found studies before counts the
query as a whole (no date filter): if that is empty too, the registry is
answering empty and the run fails. A run that stored nothing is no starting
point while no run ever stored anything, so an empty first answer is
followed by a full harvest, not an incremental one.
"""

from __future__ import annotations

import json
import logging
import tomllib
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import Engine, select
from sqlmodel import Session

from evidence.linking import relink
from evidence.models import HarvestRun
from evidence.settings import Settings
from evidence.vocab import HarvestStatus, RowOrigin, RunSource
from evidence.write_failure import describe
from harvest.http_client import HarvestHTTPError, HttpClient
from harvest.ctgov_parse import (
    CtgovParseError,
    StudyPage,
    TrialRecord,
    loads,
    parse_document,
    parse_page,
)
from harvest.ctgov_store import upsert_records
from harvest.runs import RunCounts, harvest_run, reached_its_start, successful_runs, write_batch

log = logging.getLogger(__name__)

DEFAULT_REQUESTS_PER_MINUTE = 48.0  # third parties report ~50/min per IP; robots.txt asks 1 s apart
JSON_RETRIES = 2  # a body cut off mid-transfer is worth asking for again


class CtgovHarvestError(HarvestHTTPError):
    """The registry's answers do not add up (fewer studies than announced, or none for a query that had some).

    A request that failed for good, as far as the command line is concerned (exit 1).
    """


@dataclass(frozen=True)
class Strategy:
    """A search strategy: what to ask the registry, read from a versioned TOML file."""

    query_intr: str
    query_cond: str
    page_size: int = 1000
    overlap_days: int = 2
    version: str = ""
    source: str = ""

    def with_overrides(self, query_intr: str | None = None, query_cond: str | None = None) -> Strategy:
        """The same strategy with command-line terms replacing the file's."""
        return Strategy(query_intr or self.query_intr, query_cond or self.query_cond, self.page_size,
                        self.overlap_days, self.version, self.source)


def load_strategy(path: Path) -> Strategy:
    """Read a strategy file (see data/search/ctgov.toml); raise ValueError naming what is wrong."""
    try:
        with Path(path).open("rb") as fh:
            doc = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"strategy file {path}: {exc}") from exc
    query = doc.get("query", {})
    if not (query.get("intr") or query.get("cond")):
        raise ValueError(f"strategy file {path}: [query] needs 'intr' and/or 'cond'")
    page_size = int(doc.get("paging", {}).get("page_size", 1000))
    if not 1 <= page_size <= 1000:
        raise ValueError(f"strategy file {path}: page_size must be 1..1000, not {page_size}")
    return Strategy(" ".join(str(query.get("intr", "")).split()), " ".join(str(query.get("cond", "")).split()),
                    page_size, int(doc.get("incremental", {}).get("overlap_days", 2)),
                    str(doc.get("version", "")), str(path))


def search_params(strategy: Strategy, since: date | None, until: date | None = None) -> dict[str, str]:
    """The ``/studies`` parameters, identical on every page except ``pageToken``.

    A window of last-update dates, both ends inclusive: ``since`` (or ``MIN``) to ``until`` (or ``MAX``).
    """
    params = {"format": "json", "pageSize": str(strategy.page_size)}
    if strategy.query_intr:
        params["query.intr"] = strategy.query_intr
    if strategy.query_cond:
        params["query.cond"] = strategy.query_cond
    if since is not None or until is not None:
        start, end = since.isoformat() if since else "MIN", until.isoformat() if until else "MAX"
        params["filter.advanced"] = f"AREA[LastUpdatePostDate]RANGE[{start},{end}]"
    return params


def make_client(settings: Settings, requests_per_minute: float | None = None) -> HttpClient:
    """The polite client: about 48 requests a minute (configurable), retries on 429/5xx/timeouts."""
    rate = requests_per_minute or settings.ctgov_requests_per_minute or DEFAULT_REQUESTS_PER_MINUTE
    return HttpClient(rate=rate / 60.0, max_tries=settings.http_max_tries,
                      timeout=settings.http_timeout)


def studies_url(settings: Settings) -> str:
    return settings.ctgov_url.rstrip("/") + "/studies"


def fetch_page(client: HttpClient, url: str, params: dict[str, str], token: str | None) -> StudyPage:
    """One page, parsed; invalid JSON is asked for again a couple of times before failing.

    The first page asks for ``totalCount`` (the API sends it on the first page only).
    """
    query = dict(params, pageToken=token) if token else dict(params, countTotal="true")
    where = f"{url} page {token or 'first'}"
    for attempt in range(JSON_RETRIES + 1):
        response = client.get(url, params=query)
        try:
            return parse_page(loads(response.content, where), where)
        except CtgovParseError as exc:
            if "invalid JSON" not in str(exc) or attempt == JSON_RETRIES:
                raise
            log.warning("%s; asking again (%d/%d)", exc, attempt + 1, JSON_RETRIES)
    raise AssertionError("unreachable")


def iter_pages(client: HttpClient, url: str, params: dict[str, str], token: str | None = None,
               missing: Callable[[], int] = lambda: 0) -> Iterator[tuple[StudyPage, str | None]]:
    """Yield (page, the token that fetched it) until a page has no ``nextPageToken``.

    While ``missing()`` says announced studies have not come, a last page is
    asked for again (bounded): a registry in trouble can end the paging early.
    """
    asked_again = 0
    while True:
        page = fetch_page(client, url, params, token)
        yield page, token
        if not page.next_page_token:
            if missing() <= 0 or asked_again >= client.max_tries - 1:
                return
            asked_again += 1
            wait = min(2.0 ** (asked_again - 1), 30.0)
            log.warning("%d announced studies have not come; asking for the last page again in %.0fs",
                        missing(), wait)
            client.sleep(wait)
            continue
        if page.next_page_token == token:
            raise CtgovParseError(f"{url}: the server returned the page token it was given; stopping")
        token = page.next_page_token


@dataclass
class HarvestResult:
    run_id: int
    counts: RunCounts
    pages: int
    requests: int
    links_added: int
    params: dict[str, Any] = field(default_factory=dict)

    def summary(self, unit: str = "pages") -> dict[str, Any]:
        """Counts for the command's output; an import counts files, not pages and requests."""
        head = {"run_id": self.run_id, unit: self.pages}
        if unit == "pages":
            head["requests"] = self.requests
        return {**head, "links_added": self.links_added, **self.counts.as_dict()}


def _write_page(engine: Engine, run_id: int, records: list[TrialRecord], cursor: str | None,
                total: RunCounts, origin: str = RowOrigin.CTGOV.value) -> RunCounts:
    """Upsert one parsed page and advance the run's counters and cursor, in one transaction."""
    counts = write_batch(engine, run_id, cursor, lambda session: upsert_records(session, records, run_id, origin))
    total.add(counts)
    return counts


def _resume_point(engine: Engine, params: dict[str, str]) -> tuple[str | None, dict]:
    """The next page token and cursor of the latest run, if it failed mid-way with the same query."""
    with Session(engine) as session:
        run = session.execute(select(HarvestRun).where(HarvestRun.source == RunSource.CTGOV.value)
                              .order_by(HarvestRun.id.desc()).limit(1)).scalar_one_or_none()
    if run is None or run.status not in (HarvestStatus.FAILED.value, HarvestStatus.ABANDONED.value) \
            or not run.cursor:
        return None, {}
    try:
        cursor = json.loads(run.cursor)
    except json.JSONDecodeError:
        return None, {}
    if run.params.get("query") != params or not isinstance(cursor, dict) or not cursor.get("next_page_token"):
        return None, {}
    return cursor["next_page_token"], cursor


def _undated(params: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in params.items() if k != "filter.advanced"}


def query_found_studies(engine: Engine, params: dict[str, str]) -> bool:
    """Whether a successful run of this query (any date window) ever stored studies."""
    return any(run.fetched and _undated((run.params or {}).get("query") or {}) == _undated(params)
               for run in successful_runs(engine, RunSource.CTGOV.value))


def incremental_start(engine: Engine, strategy: Strategy) -> date | None:
    """Day of the last successful run's start minus the overlap.

    None (a full harvest) if no run succeeded, or none ever stored a study:
    an empty first answer may have been the registry's fault.
    """
    runs = successful_runs(engine, RunSource.CTGOV.value)
    if not any(run.fetched for run in runs):
        return None
    last = next((run for run in runs if reached_its_start(run)), None)
    return None if last is None else (last.started_at - timedelta(days=strategy.overlap_days)).date()


@dataclass
class _Tally:
    """Studies announced by the first page and studies received, across a resumed run too."""

    announced: int | None = None
    earlier: int = 0  # received by the failed run this one resumes
    seen: set[str] = field(default_factory=set)

    @property
    def received(self) -> int:
        return self.earlier + len(self.seen)

    def missing(self) -> int:
        return 0 if self.announced is None else self.announced - self.received


def _pages_from(client: HttpClient, url: str, params: dict[str, str], token: str | None,
                tally: _Tally) -> Iterator[tuple[StudyPage, str | None]]:
    """Pages from a resume token; from the first page if the server rejects the token at once."""
    if token is None:
        yield from iter_pages(client, url, params, missing=tally.missing)
        return
    try:
        first = fetch_page(client, url, params, token)
    except HarvestHTTPError as exc:
        if exc.status not in (400, 404):
            raise
        log.warning("the saved page token was not accepted (%s); starting from the first page", exc)
        tally.announced, tally.earlier = None, 0
        yield from iter_pages(client, url, params, missing=tally.missing)
        return
    log.info("resuming the failed run from its next page")
    yield first, token
    if first.next_page_token:
        yield from iter_pages(client, url, params, first.next_page_token, missing=tally.missing)


def _check_complete(client: HttpClient, url: str, params: dict[str, str], tally: _Tally,
                    found_before: bool) -> None:
    """Raise if the pages did not bring what was announced, or nothing came for a query that had studies."""
    if tally.missing() > 0:
        raise CtgovHarvestError(f"ClinicalTrials.gov announced {tally.announced} studies but sent "
                                f"{tally.received}, also when asked again; the next run asks for the same window")
    if tally.received or not found_before:
        return
    counted = _query_total(client, url, _undated(params))
    if "filter.advanced" in params and counted:
        log.info("no study updated in the window; the query finds %d studies in all", counted)
        return
    raise CtgovHarvestError(
        "ClinicalTrials.gov sent no studies for a query that found studies in earlier runs"
        + (f" (though it counts {counted})" if counted else ", also when asked again")
        + "; taken as a registry fault, not an empty result")


def _query_total(client: HttpClient, url: str, params: dict[str, str]) -> int:
    """How many studies the query finds (``countTotal``, one study per page); asked again while 0."""
    for attempt in range(1, client.max_tries + 1):
        page = fetch_page(client, url, dict(params, pageSize="1"), None)
        total = page.total_count or len(page.records)
        if total or attempt == client.max_tries:
            return total
        wait = min(2.0 ** (attempt - 1), 30.0)
        log.warning("ClinicalTrials.gov counts no study for a query that found studies before; "
                    "asking again in %.0fs", wait)
        client.sleep(wait)
    return 0


class WindowError(ValueError):
    """The window asked for is empty (``until`` before its start): raised before any request or write."""


def harvest(engine: Engine, settings: Settings, strategy: Strategy, *, since: date | None = None,
            full: bool = False, client: HttpClient | None = None, until: date | None = None) -> HarvestResult:
    """Run one harvest; raise (after marking the run failed) if a page cannot be had or read.

    The same shape as :func:`harvest.pubmed.harvest`: the store, the settings
    (which make the client unless one is given), what to ask, and the window
    (``until``: the last day of LastUpdatePostDate asked for; default: no end).
    """
    client = client or make_client(settings)
    window = None if full else (since or incremental_start(engine, strategy))
    if window is not None and until is not None and until < window:
        raise WindowError(f"until {until} is before since {window}")
    params = search_params(strategy, window, until)
    url = studies_url(settings)
    token, resumed = (None, {}) if (full or since or until) else _resume_point(engine, params)
    run_params = {"query": params, "since": window.isoformat() if window else None,
                  "until": until.isoformat() if until else None, "full": full,
                  "strategy": strategy.source, "strategy_version": strategy.version, "url": url,
                  "resumed_from_token": token}
    total, pages = RunCounts(), 0
    tally = _Tally(resumed.get("announced"), int(resumed.get("received") or 0))
    found_before = query_found_studies(engine, params)
    sent_before = client.requests_sent
    log.info("ctgov harvest: %s%s", "full" if window is None else f"updated since {window}",
             f" until {until}" if until else "")
    with harvest_run(engine, RunSource.CTGOV.value, run_params) as run_id, _relinked_on_failure(engine):
        for page, used in _pages_from(client, url, params, token, tally):
            if used is None:
                tally.announced = page.total_count
            tally.seen.update(record.registry_id for record in page.records)
            cursor = json.dumps({"since": run_params["since"], "page_token": used,
                                 "next_page_token": page.next_page_token, "pages": pages + 1,
                                 "announced": tally.announced, "received": tally.received})
            _write_page(engine, run_id, page.records, cursor, total)
            pages += 1
            log.info("page %d: %d studies (total %d)", pages, len(page.records), total.fetched)
        _check_complete(client, url, params, tally, found_before)
        links = _relink(engine)
    return HarvestResult(run_id, total, pages, client.requests_sent - sent_before, links, run_params)


def _relink(engine: Engine) -> int:
    with Session(engine) as session, session.begin():
        return relink(session)


@contextmanager
def _relinked_on_failure(engine: Engine) -> Iterator[None]:
    """If the block fails, still link the pages it committed; the original error is what propagates."""
    try:
        yield
    except BaseException:
        try:
            _relink(engine)
        except Exception as exc:  # noqa: BLE001 — the harvest's own error matters more than a linking error here
            log.error("linking after the failed harvest failed too: %s", describe(exc))
        raise


def read_saved(path: Path) -> Iterator[tuple[str, list[TrialRecord]]]:
    """(name, records) per file: a study, a page, a JSON list, or a zip of such files."""
    path = Path(path)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for member in sorted(archive.namelist()):
                if member.lower().endswith(".json"):
                    where = f"{path}:{member}"
                    yield where, parse_document(loads(archive.read(member), where), where)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CtgovParseError(f"{path}: {exc.strerror or exc}") from exc
    yield str(path), parse_document(loads(data, str(path)), str(path))


def import_files(engine: Engine, paths: list[Path],
                 on_file: Callable[[str, RunCounts], None] | None = None) -> HarvestResult:
    """Load saved API v2 JSON as one run, through the same parser and upsert; one transaction per file.

    ``on_file`` hears of each file (or zip member) loaded, as in :func:`harvest.pubmed_import.import_files`.
    """
    total, files = RunCounts(), 0
    with (harvest_run(engine, RunSource.IMPORT_CTGOV.value, {"files": [str(p) for p in paths]}) as run_id,
          _relinked_on_failure(engine)):
        for path in paths:
            found = 0
            for where, records in read_saved(path):
                found += 1
                counts = _write_page(engine, run_id, records, json.dumps({"file": where}), total,
                                     RowOrigin.IMPORT.value)
                files += 1
                log.info("%s: %d studies", where, len(records))
                if on_file is not None:
                    on_file(where, counts)
            if not found:
                log.warning("%s: no .json file in this zip; nothing imported from it", path)
        links = _relink(engine)
    return HarvestResult(run_id, total, files, 0, links, {"files": [str(p) for p in paths]})
