"""PubMed benchmark: parse + upsert throughput, and HTTP requests for a 20,000-record harvest.

    .venv/bin/python benchmarks/bench_pubmed.py [--records 20000] [--batch-size 200]

1. Builds a PubMed XML file of N records from the fixture templates
   (tests/fixtures/pubmed/efetch_batch.xml, renumbered), imports it into a
   fresh SQLite store the way `evidence import pubmed` does, and prints
   records/s for parsing alone and for parse + upsert (target >= 1,000/s on
   a 2-core machine).
2. Serves the same N records from the local E-utilities stand-in
   (tests/fixtures/pubmed/fake_eutils.py, with PubMed's 9,999 cap), runs a
   full harvest against it and prints the requests sent next to the minimum:
   one search per date window (plus the first, undated search that finds the
   total) and one efetch per batch.

No network, no timed assertions: figures are printed for docs/pubmed.md.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from evidence.db import init_db, make_engine  # noqa: E402
from fixtures.pubmed.fake_eutils import FakeEutils, Server, document, make_record, templates  # noqa: E402
from harvest._http import HttpClient  # noqa: E402
from harvest.pubmed import EutilsClient, harvest, import_bytes  # noqa: E402
from harvest.pubmed_parse import ParsedBatch, parse_chunk, split_document  # noqa: E402
from harvest.pubmed_store import prepare, save_batch  # noqa: E402
from harvest.runs import start_run  # noqa: E402

FIRST_PMID = 30000001


def build_file(n: int) -> bytes:
    """N records in one PubmedArticleSet, the fixture's five templates in turn."""
    parts = templates()
    return document([make_record(FIRST_PMID + i, parts[i % len(parts)]) for i in range(n)])


def fresh_engine(folder: str, name: str):
    engine = make_engine(f"sqlite:///{folder}/{name}.db")
    init_db(engine)
    return engine


def bench_parse_upsert(data: bytes, folder: str) -> None:
    n = data.count(b"<PMID Version=\"1\">")
    print(f"file: {n} records, {len(data) / 1e6:.1f} MB")
    # 1. one process, CPU seconds per stage (stable even when other jobs share the machine)
    engine = fresh_engine(folder, "single")
    cpu = {"parse": 0.0, "classify": 0.0, "write": 0.0}
    clock = time.process_time
    t0, wall0 = clock(), time.perf_counter()
    header, segments, _ = split_document(data)
    cpu["parse"] += clock() - t0
    for i in range(0, len(segments), 500):
        t0 = clock()
        records = parse_chunk(header, segments[i:i + 500])
        t1 = clock()
        batch = prepare(ParsedBatch(records))
        t2 = clock()
        save_batch(engine, batch, "import")
        cpu["parse"] += t1 - t0
        cpu["classify"] += t2 - t1
        cpu["write"] += clock() - t2
    wall = time.perf_counter() - wall0
    total = sum(cpu.values())
    print("one process, CPU ms per record: " + ", ".join(f"{k} {v / n * 1e3:.2f}" for k, v in cpu.items())
          + f"; total {total / n * 1e3:.2f} = {n / total:.0f} records per CPU-second "
            f"(wall {n / wall:.0f} records/s)")
    # 2. `evidence import pubmed` as shipped: parsing and classification in worker processes
    engine = fresh_engine(folder, "import")
    run_id = start_run(engine, "import-pubmed", {"bench": True})
    workers = os.cpu_count() or 1
    t0 = time.perf_counter()
    counts = import_bytes(engine, data, "bench.xml", run_id, workers=workers)
    elapsed = time.perf_counter() - t0
    print(f"import, {workers} worker processes: {counts.new} new records in {elapsed:.1f}s = "
          f"{counts.fetched / elapsed:.0f} records/s (wall)")
    t0 = time.perf_counter()
    again = import_bytes(engine, data, "bench.xml", run_id, workers=workers)
    elapsed = time.perf_counter() - t0
    print(f"re-import (all unchanged):   {again.unchanged} records in {elapsed:.1f}s = "
          f"{again.fetched / elapsed:.0f} records/s (wall)")


def bench_requests(n: int, batch_size: int, folder: str) -> None:
    fake = FakeEutils()
    fake.add_many(n, FIRST_PMID, date(2010, 1, 1), date(2025, 12, 31))
    engine = fresh_engine(folder, "harvest")
    with Server(fake) as url:
        client = EutilsClient(base_url=url, tool="cart-evidence-bench", email="bench@example.org",
                              http=HttpClient(rate=1000, sleep=lambda s: None))
        t0 = time.perf_counter()
        summary = harvest(engine, client, "bench", full=True, batch_size=batch_size)
        elapsed = time.perf_counter() - t0
    searches, fetches = fake.count("esearch"), fake.count("efetch")
    fetched = {}
    for endpoint, params in fake.requests:
        if endpoint == "efetch":
            fetched[(params["WebEnv"], params["query_key"])] = None
    windows = len(fetched)
    split = searches > 1
    min_fetches = sum(math.ceil(min(len(fake.history[w][int(k)]), fake.cap) / batch_size) for w, k in fetched)
    minimum = int(split) + windows + min_fetches
    print(f"harvest of {n} records (batch {batch_size}, PubMed cap {fake.cap}): {summary.counts.new} stored "
          f"in {elapsed:.1f}s against the local server")
    print(f"requests: {searches + fetches} = {searches} esearch + {fetches} efetch over {windows} date windows")
    print(f"minimum:  {minimum} = {int(split)} undated search (finds the total) + {windows} window searches + "
          f"{min_fetches} efetch; {searches + fetches - minimum} extra (searches of empty or over-cap windows "
          "while splitting)")
    packed = 1 + math.ceil(n / fake.cap) + math.ceil(n / batch_size)
    print(f"lower bound with perfectly packed windows: {packed} = 1 + {math.ceil(n / fake.cap)} window searches + "
          f"{math.ceil(n / batch_size)} efetch")
    print(f"at NCBI's 3 requests/s (no API key) that is {(searches + fetches) / 3:.0f}s of request spacing; "
          f"with a key (10/s) {(searches + fetches) / 10:.0f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--batch-size", type=int, default=200)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load}, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as folder:
        bench_parse_upsert(build_file(args.records), folder)
        bench_requests(args.records, args.batch_size, folder)


if __name__ == "__main__":
    main()
