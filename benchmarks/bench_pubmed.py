"""PubMed benchmark: import throughput and peak memory beside parser-only baselines; harvest requests.

    .venv/bin/python benchmarks/bench_pubmed.py [--records 20000] [--batch-size 200]

1. Writes a PubMed XML file of N realistic records (the fixture templates of
   tests/fixtures/pubmed/efetch_batch.xml, renumbered, each given what real
   records carry and no stored field uses: a 60-reference ReferenceList,
   author affiliations, a History), about 20 KB a record as efetch sends them.
   Then, each in its own process so that peak memory is its own, on that file:
   ``Bio.Entrez.read`` alone, ``ElementTree.iterparse`` alone, and the import
   as `evidence import pubmed` runs it (stream, parse, classify, write to a
   fresh SQLite store), then the same import again (every record unchanged).
   Targets: the import at least as fast as Bio.Entrez.read alone, peak memory
   <= 400 MB whatever the file size.
2. Serves N records from the local E-utilities stand-in
   (tests/fixtures/pubmed/fake_eutils.py, with PubMed's 9,999 cap), runs a
   full harvest against it and prints the requests sent next to the minimum:
   one search per date window (plus the first, undated search that finds the
   total) and one efetch per batch.

No network, no timed assertions: figures are printed for docs/pubmed.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from evidence.db import init_db, make_engine  # noqa: E402
from evidence.settings import Settings  # noqa: E402
from fixtures.pubmed.fake_eutils import (  # noqa: E402
    PUBMED_HEAD, PUBMED_TAIL, FakeEutils, Server, make_record, templates)
from harvest.http_client import HttpClient  # noqa: E402
from harvest.pubmed import EutilsClient, harvest  # noqa: E402

FIRST_PMID = 30000001
REFERENCES = 60


def _reference(i: int) -> bytes:
    return (b"<Reference><Citation>Author%d A, Writer B, Other C, et al. A cited study of CAR T cells in "
            b"autoimmune disease, part %d. J Cited Res. 2021;%d:100-110.</Citation><ArticleIdList>"
            b"<ArticleId IdType=\"doi\">10.1000/cited.%d</ArticleId><ArticleId IdType=\"pubmed\">%d</ArticleId>"
            b"</ArticleIdList></Reference>\n" % (i, i, i, i, 20000000 + i))


_EXTRA_REFS = b"<ReferenceList>\n" + b"".join(_reference(i) for i in range(REFERENCES)) + b"</ReferenceList>\n"
_AFFILIATION = (b"<AffiliationInfo><Affiliation>Department of Internal Medicine 3 - Rheumatology and Immunology, "
                b"Friedrich-Alexander University Erlangen-Nuremberg and Universitatsklinikum Erlangen, "
                b"Erlangen, Germany.</Affiliation></AffiliationInfo>")
_HISTORY = (b"<History>" + b"".join(b"<PubMedPubDate PubStatus=\"%s\"><Year>2024</Year><Month>1</Month>"
                                    b"<Day>2</Day></PubMedPubDate>" % s
                                    for s in (b"received", b"revised", b"accepted", b"pubmed", b"medline",
                                              b"entrez")) + b"</History>")


def realistic(record: bytes) -> bytes:
    """A fixture record with what real ones also carry: references, affiliations, history."""
    record = record.replace(b"</Initials>", b"</Initials>" + _AFFILIATION * 3)
    if b"<PubmedData>" in record:
        record = record.replace(b"<PubmedData>", b"<PubmedData>" + _HISTORY, 1)
        record = record.replace(b"</PubmedData>", _EXTRA_REFS + b"</PubmedData>", 1)
    return record


def write_file(path: Path, n: int) -> int:
    """N realistic records in one PubmedArticleSet, the fixture's templates in turn; returns its size."""
    parts = [(pmid, realistic(xml)) for pmid, xml in templates()]
    with open(path, "wb") as out:
        out.write(PUBMED_HEAD)
        for i in range(n):
            out.write(make_record(FIRST_PMID + i, parts[i % len(parts)]))
        out.write(PUBMED_TAIL)
    return path.stat().st_size


#: Each measured step runs in its own process: (setup, measured code); it prints its CPU time and peak memory.
_STEPS = {
    "entrez": ("from Bio import Entrez",
               "with open(FILE, 'rb') as f: Entrez.read(f, validate=False)"),
    "iterparse": ("import xml.etree.ElementTree as ET",
                  "for _, el in ET.iterparse(FILE):\n"
                  "    if el.tag in ('PubmedArticle', 'PubmedBookArticle'): el.clear()"),
    "import": ("from pathlib import Path\nfrom evidence.db import init_db, make_engine\n"
               "from harvest.pubmed_import import import_file\nfrom harvest.runs import start_run\n"
               "engine = make_engine('sqlite:///' + DB)\ninit_db(engine)\n"
               "run_id = start_run(engine, 'import-pubmed', {})",
               "EXTRA = import_file(engine, Path(FILE), run_id).__dict__"),
}
_WRAPPER = """
import json, resource, sys, time
sys.path[:0] = {path!r}
FILE, DB, EXTRA = {file!r}, {db!r}, {{}}
{setup}
start, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
{code}
end = resource.getrusage(resource.RUSAGE_SELF)
cpu = (end.ru_utime + end.ru_stime) - (start.ru_utime + start.ru_stime)
print(json.dumps({{"cpu": cpu, "wall": time.perf_counter() - wall, "peak_mb": end.ru_maxrss / 1024, **EXTRA}}))
"""


def measure(step: str, file: Path, db: Path) -> dict:
    setup, code = _STEPS[step]
    code = _WRAPPER.format(path=[str(ROOT), str(ROOT / "tests")], file=str(file), db=str(db), setup=setup, code=code)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_import(n: int, folder: str) -> None:
    path = Path(folder) / "pubmed.xml"
    size = write_file(path, n)
    print(f"file: {n} records, {size / 1e6:.1f} MB ({size / n / 1e3:.1f} KB a record)")
    db = Path(folder) / "import.db"
    rows = [("Bio.Entrez.read alone", measure("entrez", path, db)),
            ("ElementTree.iterparse alone", measure("iterparse", path, db)),
            ("import (parse, classify, write)", measure("import", path, db)),
            ("import again (all unchanged)", measure("import", path, db))]
    for label, r in rows:
        print(f"{label:34} {r['cpu']:7.1f} s CPU = {n / r['cpu']:6.0f} records per CPU-second; "
              f"wall {n / r['wall']:6.0f}/s; peak {r['peak_mb']:6.0f} MB")
    entrez, imported = rows[0][1], rows[2][1]
    print(f"import vs Bio.Entrez.read alone: {entrez['cpu'] / imported['cpu']:.2f}x as fast (target >= 1); "
          f"peak memory {imported['peak_mb']:.0f} MB (target <= 400); new {imported.get('new')}, "
          f"again unchanged {rows[3][1].get('unchanged')}")


def fresh_engine(folder: str, name: str):
    engine = make_engine(f"sqlite:///{folder}/{name}.db")
    init_db(engine)
    return engine


def bench_requests(n: int, batch_size: int, folder: str) -> None:
    fake = FakeEutils()
    fake.add_many(n, FIRST_PMID, date(2010, 1, 1), date(2025, 12, 31))
    engine = fresh_engine(folder, "harvest")
    with Server(fake) as url:
        client = EutilsClient(base_url=url, tool="cart-evidence-bench", email="bench@example.org",
                              http=HttpClient(rate=1000, sleep=lambda s: None))
        t0 = time.perf_counter()
        summary = harvest(engine, Settings(), "bench", client=client, full=True, batch_size=batch_size)
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
        bench_import(args.records, folder)
        bench_requests(args.records, args.batch_size, folder)


if __name__ == "__main__":
    main()
