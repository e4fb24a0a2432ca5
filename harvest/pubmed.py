"""PubMed harvester: esearch with the History server, efetch in batches, date windows.

The requests are sent with the shared ``HttpClient`` (rate limit, backoff
that honours ``Retry-After``, bounded tries) rather than ``Bio.Entrez``'s
own functions, because Biopython 1.88 hard-codes NCBI's URLs and retries
429/5xx without waiting; the bytes are still parsed with ``Bio.Entrez.read``.

One harvest is a sequence of date windows. Each window is one esearch
(``usehistory=y``) whose hits stay on NCBI's History server, then one efetch
per batch. PubMed lets no search return more than 9,999 records, so a window
with more hits is split into smaller windows until each fits. Each efetch
batch is committed with the run's counters and a cursor; a failed run leaves
everything before it in place, and the next run re-fetches from the last
successful run (upserts make that idempotent).

An empty answer is not taken on trust. A batch with fewer records than the
search announced is fetched again, then fails the run; a search that
suddenly finds nothing for a query that found records before is asked
again, then fails the run. A run that stored nothing never becomes the
starting point of the next one, so a registry's bad night is fetched again.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlencode

from Bio import Entrez
from sqlalchemy import Engine

from evidence.models import HarvestRun
from evidence.settings import Settings
from evidence.vocab import RowOrigin, RunSource
from harvest.http_client import HttpClient, html_page
from harvest.pubmed_parse import (
    ParsedBatch,
    PubmedParseError,
    PubmedRecord,
    iter_medline_records,
    parse_chunk,
    parse_xml,
    raise_for_error_document,
    sniff_format,
    split_document,
)
from harvest.pubmed_store import PreparedBatch, prepare, save_batch
from harvest.runs import RunCounts, harvest_run, reached_its_start, successful_runs

log = logging.getLogger(__name__)

MAX_RESULTS = 9999  # PubMed's cap on records one search can return (retstart + retmax)
DEFAULT_BATCH = 200
INCREMENTAL_OVERLAP = timedelta(days=2)
#: Start of the date range a --full harvest splits into windows (CAR T cells were first described in 1989).
FULL_START = date(1985, 1, 1)
_SPLIT_FILL = 0.8  # aim each split window at 80% of the cap, so one split usually suffices
_POST_OVER = 1000  # send esearch as POST when the encoded parameters are longer (as Bio.Entrez does)


class PubmedHarvestError(RuntimeError):
    """A harvest that cannot go on; the message says why in the server's or parser's words."""


# ---------------------------------------------------------------- search strategy

def read_query(path: str | Path) -> str:
    """The search term from a strategy file: '#' lines are comments, the rest is joined by spaces."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    term = " ".join(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))
    if not term:
        raise ValueError(f"{path}: no search term (only comments or blank lines)")
    return term


def query_sha(term: str) -> str:
    """A short fingerprint of a search term; incremental runs continue runs of the same search only."""
    return hashlib.sha256(" ".join(term.split()).encode()).hexdigest()[:16]


# ---------------------------------------------------------------- windows

@dataclass(frozen=True)
class Window:
    """Inclusive range of days for ``mindate``/``maxdate``."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def split(self, parts: int) -> list[Window]:
        """``parts`` contiguous windows covering this one (fewer if it has fewer days)."""
        parts = max(2, min(parts, self.days))
        edges = [self.start + timedelta(days=round(i * self.days / parts)) for i in range(parts + 1)]
        return [Window(a, b - timedelta(days=1)) for a, b in zip(edges, edges[1:], strict=False) if b > a]

    def as_list(self) -> list[str]:
        return [self.start.isoformat(), self.end.isoformat()]


def _ymd(d: date) -> str:
    return d.strftime("%Y/%m/%d")


# ---------------------------------------------------------------- client

@dataclass
class SearchResult:
    count: int
    webenv: str
    query_key: str
    window: Window | None = None


@dataclass
class EutilsClient:
    """E-utilities for PubMed on one polite HTTP client; ``tool``/``email``/``api_key`` on every request."""

    base_url: str
    tool: str
    email: str = ""
    api_key: str = ""
    http: HttpClient | None = None
    max_tries: int = 5
    sleep: Callable[[float], None] | None = None

    @classmethod
    def from_settings(cls, settings: Settings, http: HttpClient | None = None) -> EutilsClient:
        rate = settings.ncbi_requests_per_second or (10.0 if settings.ncbi_api_key else 3.0)
        http = http or HttpClient(rate=rate, max_tries=settings.http_max_tries, timeout=settings.http_timeout)
        if not settings.ncbi_email:
            log.warning("NCBI_EMAIL is not set; NCBI asks every E-utilities user for a contact address")
        return cls(base_url=settings.eutils_url, tool=settings.ncbi_tool, email=settings.ncbi_email,
                   api_key=settings.ncbi_api_key, http=http, max_tries=settings.http_max_tries)

    def __post_init__(self) -> None:
        self.http = self.http or HttpClient(rate=10.0 if self.api_key else 3.0)
        self.sleep = self.sleep or self.http.sleep
        self.base_url = self.base_url.rstrip("/") + "/"

    @property
    def requests_sent(self) -> int:
        return self.http.requests_sent

    def _params(self, **params: object) -> dict:
        out = {"db": "pubmed", **{k: v for k, v in params.items() if v is not None}, "tool": self.tool}
        if self.email:
            out["email"] = self.email
        if self.api_key:
            out["api_key"] = self.api_key
        return out

    def esearch(self, term: str, window: Window | None = None, datetype: str = "edat",
                webenv: str | None = None, expect_hits: bool = False) -> SearchResult:
        """One esearch with ``usehistory=y``; the hits stay on the History server.

        With ``expect_hits`` (the query found records before) a count of 0 is
        asked again a bounded number of times, then raised as a registry fault.
        """
        for attempt in range(1, self.max_tries + 1):
            result = self._esearch(self._params(term=term, usehistory="y", retmax=0, WebEnv=webenv), window,
                                   datetype)
            if result.count or not expect_hits:
                return result
            if attempt < self.max_tries:
                wait = min(2.0 ** (attempt - 1), 30.0)
                log.warning("esearch found no records for a search that found records before; "
                            "asking again in %.0fs", wait)
                self.sleep(wait)
        raise PubmedHarvestError(f"esearch found no records {self.max_tries} times for a search that found records "
                                 "in earlier runs; taken as a registry fault, not an empty result")

    def count(self, term: str) -> int:
        """How many records the whole query finds today (``rettype=count``, no History server)."""
        return self._esearch(self._params(term=term, rettype="count"), None, "edat").count

    def _esearch(self, params: dict, window: Window | None, datetype: str) -> SearchResult:
        if window is not None:
            params.update(datetype=datetype, mindate=_ymd(window.start), maxdate=_ymd(window.end))
        url = self.base_url + "esearch.fcgi"
        response = self.http.post(url, data=params, check=_eutils_fault) if len(urlencode(params)) > _POST_OVER \
            else self.http.get(url, params=params, check=_eutils_fault)
        parsed = _read_esearch(response.content)
        if "Count" not in parsed:
            raise PubmedHarvestError(f"esearch answer without a Count: {response.content[:200]!r}")
        for phrase in parsed.get("ErrorList", {}).get("PhraseNotFound", []):
            log.warning("PubMed did not find the phrase %r of the search", str(phrase))
        return SearchResult(int(parsed["Count"]), str(parsed.get("WebEnv", "")), str(parsed.get("QueryKey", "")),
                            window)

    def efetch(self, search: SearchResult, retstart: int, retmax: int) -> bytes:
        params = self._params(query_key=search.query_key, WebEnv=search.webenv, retstart=retstart,
                              retmax=retmax, retmode="xml")
        return self.http.get(self.base_url + "efetch.fcgi", params=params, check=_eutils_fault).content

    def fetch_batch(self, search: SearchResult, retstart: int, retmax: int) -> ParsedBatch:
        """efetch and parse one batch of ``retmax`` records, all of them or fail.

        A truncated or garbled body, or fewer records than asked for (an empty
        ``PubmedArticleSet`` included), is fetched again a bounded number of
        times; then the run fails rather than store part of the window.
        """
        for attempt in range(1, self.max_tries + 1):
            content = self.efetch(search, retstart, retmax)
            try:
                batch = parse_xml(content)
            except PubmedParseError as exc:
                problem = str(exc)
            else:
                if len(batch.records) >= retmax:
                    return batch
                problem = f"{len(batch.records)} of the {retmax} records asked for came back"
            if attempt == self.max_tries:
                raise PubmedHarvestError(f"efetch retstart={retstart} failed after {attempt} tries: {problem}")
            wait = min(2.0 ** (attempt - 1), 30.0)
            log.warning("efetch retstart=%d: %s; fetching again in %.0fs", retstart, problem, wait)
            self.sleep(wait)
        raise AssertionError("unreachable")

    # -------------------------------------------------------------- windows

    def search_window(self, term: str, window: Window | None, datetypes: tuple[str, ...],
                      expect_hits: bool = False) -> SearchResult:
        """Hits of ``term`` in a window, for one datetype or the union of several (on the History server)."""
        if window is None:
            return self.esearch(term, expect_hits=expect_hits)
        results = [self.esearch(term, window, datetypes[0])]
        for datetype in datetypes[1:]:
            results.append(self.esearch(term, window, datetype, webenv=results[0].webenv))
        hits = [r for r in results if r.count]
        if len(hits) <= 1:
            return hits[0] if hits else results[0]
        union = " OR ".join(f"#{r.query_key}" for r in hits)
        combined = self.esearch(union, webenv=results[-1].webenv)
        combined.window = window
        return combined

    def windows(self, term: str, window: Window | None, datetypes: tuple[str, ...],
                known: SearchResult | None = None, expect_hits: bool = False) -> Iterator[SearchResult]:
        """Searches covering ``window``, each with at most 9,999 hits (split by date as needed).

        ``expect_hits`` applies to an undated search: one of a date window may rightly find nothing.
        """
        result = known or self.search_window(term, window, datetypes, expect_hits)
        if result.count <= MAX_RESULTS:
            yield result
            return
        if window is None:  # an undated search over the cap: cover all dates instead
            whole = Window(FULL_START, date.today())
            log.info("%d hits exceed PubMed's %d per search; splitting by entry date", result.count, MAX_RESULTS)
            yield from self._split(term, whole, datetypes, result.count)
            return
        if window.days == 1:
            log.error("%d hits entered on %s alone; PubMed returns only the first %d", result.count,
                      window.start, MAX_RESULTS)
            yield result
            return
        yield from self._split(term, window, datetypes, result.count)

    def _split(self, term: str, window: Window, datetypes: tuple[str, ...], count: int) -> Iterator[SearchResult]:
        parts = math.ceil(count / (MAX_RESULTS * _SPLIT_FILL))
        for sub in window.split(parts):
            yield from self.windows(term, sub, datetypes)


def _eutils_fault(response) -> str | None:
    """An HTTP 200 answer that is a fault to retry: an HTML page or NCBI's ``<ERROR>`` element."""
    try:
        raise_for_error_document(response.content)
    except PubmedParseError as exc:
        return str(exc)
    return html_page(response)


def _read_esearch(content: bytes) -> dict:
    try:
        raise_for_error_document(content)
        return Entrez.read(io.BytesIO(content), validate=False)
    except PubmedParseError as exc:
        raise PubmedHarvestError(f"esearch: {exc}") from exc
    except Exception as exc:  # CorruptedXMLError, NotXMLError, RuntimeError(<ERROR>), ValueError(no DTD)
        raise PubmedHarvestError(f"esearch returned an unreadable answer: {exc.__class__.__name__}: {exc}") \
            from exc


# ---------------------------------------------------------------- harvest

@dataclass
class HarvestSummary:
    run_id: int
    mode: str
    since: str | None
    until: str
    counts: RunCounts = field(default_factory=RunCounts)
    windows: int = 0
    requests: int = 0
    found: int = 0  # records the searches announced


def _successes_of_query(engine: Engine, sha: str) -> list[HarvestRun]:
    """Successful runs of this same search, newest first."""
    return [run for run in successful_runs(engine, RunSource.PUBMED.value)
            if (run.params or {}).get("query_sha") == sha]


def query_found_records(engine: Engine, sha: str) -> bool:
    """Whether a successful run of this search ever stored records (so an empty answer now is suspect)."""
    return any(run.fetched for run in _successes_of_query(engine, sha))


def last_success_of_query(engine: Engine, sha: str) -> HarvestRun | None:
    """The newest successful run of this same search that covered everything up to its start.

    Runs of other searches do not count, nor backfills whose --until lies
    before the day they ran: continuing from those would skip the gap. While
    no run of the search has stored anything there is no starting point at
    all: an empty first answer may have been the registry's fault.
    """
    runs = _successes_of_query(engine, sha)
    if not any(run.fetched for run in runs):
        return None
    return next((run for run in runs if reached_its_start(run)), None)


def plan_dates(engine: Engine, term: str, since: date | None, full: bool) -> tuple[str, date | None]:
    """('full', None) or ('incremental'/'since', start date) for this run."""
    if full:
        return "full", None
    if since is not None:
        return "since", since
    last = last_success_of_query(engine, query_sha(term))
    if last is None:
        log.info("no earlier successful harvest of this search: fetching everything")
        return "full", None
    start = last.started_at.date() - INCREMENTAL_OVERLAP
    log.info("incremental: records entered or modified since %s (last success %s minus %d days)",
             start, last.started_at.date(), INCREMENTAL_OVERLAP.days)
    return "incremental", start


def harvest(engine: Engine, settings: Settings, term: str, *, since: date | None = None, full: bool = False,
            client: EutilsClient | None = None, until: date | None = None, batch_size: int = DEFAULT_BATCH,
            query_source: str = "") -> HarvestSummary:
    """Run one PubMed harvest of ``term`` into the store and record it as a HarvestRun.

    The same shape as :func:`harvest.ctgov.harvest`: the store, the settings
    (which make the client unless one is given), what to ask, and the window.
    """
    if not 1 <= batch_size <= MAX_RESULTS:
        raise ValueError(f"batch size must be between 1 and {MAX_RESULTS}, not {batch_size}")
    client = client or EutilsClient.from_settings(settings)
    mode, start = plan_dates(engine, term, since, full)
    end = until or date.today()
    window = Window(start, end) if start else (Window(FULL_START, end) if until else None)
    datetypes = ("edat",) if mode == "full" else ("edat", "mdat")
    params = {"mode": mode, "since": start.isoformat() if start else None, "until": end.isoformat(),
              "datetypes": list(datetypes), "batch_size": batch_size, "query_sha": query_sha(term),
              "query_source": query_source, "eutils_url": client.base_url}
    sent_before = client.requests_sent
    found_before = query_found_records(engine, params["query_sha"])
    with harvest_run(engine, RunSource.PUBMED.value, params) as run_id:
        summary = HarvestSummary(run_id, mode, params["since"], params["until"])
        for search in client.windows(term, window, datetypes, expect_hits=found_before):
            summary.windows += 1
            summary.found += search.count
            _fetch_window(engine, client, search, run_id, batch_size, summary)
        if window is not None and summary.found == 0 and found_before:
            _confirm_query_finds_records(client, term)
        summary.requests = client.requests_sent - sent_before
    log.info("PubMed harvest %s done: %d windows, %d requests, %s", mode, summary.windows, summary.requests,
             summary.counts)
    return summary


def _confirm_query_finds_records(client: EutilsClient, term: str) -> None:
    """After date windows that found nothing: the query as a whole must still find records.

    A quiet few days are normal; a query that found records before and now
    finds none at all is the registry answering empty, and fails the run.
    """
    total = client.count(term)
    if total:
        log.info("nothing new in the window; the search finds %d records in all", total)
        return
    client.esearch(term, expect_hits=True)  # asks again (bounded), then raises


def _fetch_window(engine: Engine, client: EutilsClient, search: SearchResult, run_id: int, batch_size: int,
                  summary: HarvestSummary) -> None:
    reachable = min(search.count, MAX_RESULTS)
    where = search.window.as_list() if search.window else None
    log.info("window %s: %d records", where or "all dates", search.count)
    for retstart in range(0, reachable, batch_size):
        retmax = min(batch_size, reachable - retstart)
        batch = client.fetch_batch(search, retstart, retmax)
        cursor = json.dumps({"window": where, "next_retstart": retstart + retmax, "count": search.count,
                             "windows_done": summary.windows - 1})
        counts = save_batch(engine, batch, RowOrigin.PUBMED.value, run_id, cursor)
        summary.counts.add(counts)
        log.info("batch retstart=%d: %d records (%d new, %d updated, %d deleted)", retstart,
                 len(batch.records), counts.new, counts.updated, counts.deleted)


# ---------------------------------------------------------------- import

def _prepare_chunk(header: bytes, segments: list[bytes]) -> PreparedBatch:
    """Parse and classify one chunk (run in a worker process for big files)."""
    return prepare(ParsedBatch(parse_chunk(header, segments)))


def _prepared_chunks(header: bytes, segments: list[bytes], chunk: int, workers: int) -> Iterator[PreparedBatch]:
    """Prepared chunks in document order; parsed in ``workers`` processes when there is enough work.

    Parsing (Bio.Entrez) and classification are CPU-bound and independent per
    chunk, so on a multi-core machine they run beside the database writes,
    which stay in this process, in document order, one transaction per chunk.
    """
    pieces = [segments[i:i + chunk] for i in range(0, len(segments), chunk)]
    if workers <= 1 or len(pieces) < 3:
        for piece in pieces:
            yield _prepare_chunk(header, piece)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
        pending: deque[Future] = deque()
        for piece in pieces:
            pending.append(pool.submit(_prepare_chunk, header, piece))
            if len(pending) > 2 * workers:  # bounded read-ahead keeps memory flat
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def import_bytes(engine: Engine, data: bytes, name: str, run_id: int, chunk: int = 1000,
                 workers: int | None = None) -> RunCounts:
    """Load one saved PubMed file (XML or MEDLINE) through the same parser and upsert.

    The whole XML document is checked (blank text between records, a complete
    end) before the first chunk is written.
    """
    workers = (os.cpu_count() or 1) if workers is None else workers
    total = RunCounts()
    if sniff_format(data) == "xml":
        header, segments, deleted = split_document(data)
        batches: Iterator = _prepared_chunks(header, segments, chunk, workers)
    else:
        deleted = []
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PubmedParseError(f"MEDLINE file is not UTF-8 text ({exc})") from exc
        batches = (prepare(b) for b in _medline_batches(iter_medline_records(text), chunk))
    for i, batch in enumerate(batches):
        total.add(save_batch(engine, batch, RowOrigin.IMPORT.value, run_id, json.dumps({"file": name, "chunk": i})))
    if deleted:
        total.add(save_batch(engine, PreparedBatch([], deleted), RowOrigin.IMPORT.value, run_id,
                             json.dumps({"file": name, "deletions": len(deleted)})))
    return total


def _medline_batches(records: Iterator[PubmedRecord], chunk: int) -> Iterator[ParsedBatch]:
    batch = ParsedBatch()
    for record in records:
        batch.records.append(record)
        if len(batch.records) >= chunk:
            yield batch
            batch = ParsedBatch()
    if batch.records:
        yield batch
