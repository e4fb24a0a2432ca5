"""Benchmark the ClinicalTrials.gov harvester: parse + upsert speed, requests per study.

    .venv/bin/python benchmarks/bench_ctgov.py [--studies 5000]

1. Generates N studies in the API v2 shape (the fixture study, varied), parses
   and upserts them into a fresh SQLite store in pages of 1,000 (one
   transaction each, as a harvest does); target >= 1,000 studies/s. Beside
   it, ``json.loads`` alone on the same page bodies (the parser-only
   baseline), and `evidence import ctgov` on the pages saved as files
   (parse, upsert, relink).
2. Upserts them again with status, enrollment and results changed, to time
   change tracking.
3. Runs a full harvest against a local HTTP server holding the N studies and
   counts the requests; target: one per 1,000 studies.

Prints figures only; the test suite never asserts on time.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import os
import resource
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select
from sqlmodel import Session

from evidence.db import init_db, make_engine
from evidence.models import Trial, TrialChange
from evidence.settings import Settings
from harvest.http_client import HttpClient
from harvest.ctgov import Strategy, harvest, import_files
from harvest.ctgov_parse import parse_page
from harvest.ctgov_store import upsert_records

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "tests" / "fixtures" / "ctgov" / "study_NCT05800004.json"
DISEASES = ["Systemic Lupus Erythematosus", "Myasthenia Gravis", "Systemic Sclerosis", "Dermatomyositis",
            "Neuromyelitis Optica Spectrum Disorder", "Multiple Sclerosis", "ANCA-associated Vasculitis"]
TARGETS = ["CD19", "BCMA", "CD19/BCMA", "CD20", "CD7"]
PAGE_SIZE = 1000


def make_studies(n: int, changed: bool = False) -> list[dict]:
    """N distinct studies; ``changed`` gives the later registry version of each."""
    template = json.loads(TEMPLATE.read_text())
    studies = []
    for i in range(n):
        study = copy.deepcopy(template)
        protocol = study["protocolSection"]
        protocol["identificationModule"]["nctId"] = f"NCT{6_000_000 + i:08d}"
        protocol["identificationModule"]["briefTitle"] = f"{TARGETS[i % 5]} CAR-T in {DISEASES[i % 7]} ({i})"
        protocol["conditionsModule"]["conditions"] = [DISEASES[i % 7]]
        protocol["referencesModule"]["references"][0]["pmid"] = str(39_000_000 + i)
        protocol["statusModule"]["overallStatus"] = "RECRUITING"
        protocol["designModule"]["enrollmentInfo"] = {"count": 10 + i % 50, "type": "ESTIMATED"}
        study["hasResults"] = False
        if changed:
            protocol["statusModule"]["overallStatus"] = "COMPLETED"
            protocol["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2026-10-01", "type": "ACTUAL"}
            protocol["designModule"]["enrollmentInfo"] = {"count": 60 + i % 50, "type": "ACTUAL"}
            study["hasResults"] = True
        studies.append(study)
    return studies


def pages_of(studies: list[dict]) -> list[dict]:
    chunks = [studies[i:i + PAGE_SIZE] for i in range(0, len(studies), PAGE_SIZE)] or [[]]
    pages = [{"studies": chunk} for chunk in chunks]
    for i, page in enumerate(pages[:-1]):
        page["nextPageToken"] = f"token-{i + 1}"
    return pages


def fresh_engine(folder: Path):
    engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
    init_db(engine)
    return engine


@dataclass
class Timing:
    """Wall-clock and CPU seconds (CPU time is what other jobs on a shared machine disturb least)."""

    wall: float = 0.0
    cpu: float = 0.0

    def rate(self, n: int) -> str:
        return f"{self.wall:.2f} s wall ({n / self.wall:,.0f}/s), {self.cpu:.2f} s CPU ({n / self.cpu:,.0f}/s)"

    def __add__(self, other: Timing) -> Timing:
        return Timing(self.wall + other.wall, self.cpu + other.cpu)


@contextmanager
def timed(into: Timing) -> Iterator[None]:
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    into.wall += time.perf_counter() - wall
    into.cpu += time.process_time() - cpu


def time_json_only(pages: list[dict]) -> Timing:
    """The parser-only baseline: json.loads of the same page bodies, nothing else."""
    bodies = [json.dumps(page).encode() for page in pages]
    out = Timing()
    with timed(out):
        for body in bodies:
            json.loads(body)
    return out


def time_import_files(folder: Path, pages: list[dict]) -> Timing:
    """`evidence import ctgov` on the pages saved as files, into a fresh store (parse, upsert, relink)."""
    (folder / "files").mkdir()
    paths = []
    for i, page in enumerate(pages):
        path = folder / "files" / f"page{i}.json"
        path.write_text(json.dumps({k: v for k, v in page.items() if k != "nextPageToken"}))
        paths.append(path)
    engine = fresh_engine(folder / "files")
    out = Timing()
    with timed(out):
        import_files(engine, paths)
    return out


def time_upserts(engine, pages: list[dict]) -> tuple[Timing, Timing, int]:
    """Time decoding + parsing the page bodies and upserting them (a transaction a page); count changes."""
    bodies = [json.dumps(page).encode() for page in pages]  # as the HTTP response delivers them
    parse_t, store_t = Timing(), Timing()
    changes = 0
    for i, body in enumerate(bodies):
        with timed(parse_t):
            parsed = parse_page(json.loads(body), f"page {i}")
        with timed(store_t), Session(engine) as session, session.begin():
            changes += upsert_records(session, parsed.records).changed
    return parse_t, store_t, changes


class PagedServer(BaseHTTPRequestHandler):
    bodies: dict[str | None, bytes] = {}
    requests = 0

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        type(self).requests += 1
        token = parse_qs(urlsplit(self.path).query).get("pageToken", [None])[0]
        body = self.bodies[token]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def harvest_against_local_server(folder: Path, pages: list[dict]) -> tuple[int, int, float]:
    PagedServer.bodies = {(f"token-{i}" if i else None): json.dumps(p).encode() for i, p in enumerate(pages)}
    PagedServer.requests = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), PagedServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        engine = fresh_engine(folder / "harvest")
        settings = Settings(db=str(folder / "harvest" / "bench.db"),
                            ctgov_url=f"http://127.0.0.1:{server.server_address[1]}/api/v2")
        t0 = time.perf_counter()
        result = harvest(engine, settings, Strategy("CAR-T", "lupus"), full=True,
                         client=HttpClient(rate=1e6, max_tries=1))
        return PagedServer.requests, result.counts.fetched, time.perf_counter() - t0
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--studies", type=int, default=5000)
    n = parser.parse_args().studies
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = fresh_engine(folder)
        first, later = pages_of(make_studies(n)), pages_of(make_studies(n, changed=True))
        size = sum(len(json.dumps(p)) for p in first) / max(n, 1)
        parse_t, store_t, _ = time_upserts(engine, first)
        parse2_t, store2_t, changes = time_upserts(engine, later)
        with Session(engine) as session:
            stored = session.execute(select(func.count()).select_from(Trial)).scalar_one()
            changed_rows = session.execute(select(func.count()).select_from(TrialChange)).scalar_one()
        requests, fetched, harvest_s = harvest_against_local_server(folder, first)
        json_t, import_t = time_json_only(first), time_import_files(folder, first)
    print(f"machine                      {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}")
    print(f"json.loads alone (baseline)  {json_t.rate(n)}")
    print(f"studies                      {n} (~{size / 1024:.1f} KiB JSON each), {stored} stored")
    print(f"first sight: parse           {parse_t.rate(n)}")
    print(f"first sight: upsert          {store_t.rate(n)}")
    print(f"first sight: parse + upsert  {(parse_t + store_t).rate(n)}; target >= 1,000/s")
    print(f"import of the saved pages    {import_t.rate(n)} (parse, upsert, relink)")
    print(f"again, changed: parse        {parse2_t.rate(n)}")
    print(f"again, changed: upsert       {store2_t.rate(n)}; {changes} TrialChange rows ({changed_rows} stored)")
    print(f"full harvest, local server   {requests} requests for {fetched} studies"
          f" ({requests / max(fetched, 1) * 1000:.2f} per 1,000; target 1), {harvest_s:.2f} s incl. relink")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory                  {peak:.0f} MB (this process, which holds all {n} studies twice)")

if __name__ == "__main__":
    main()
