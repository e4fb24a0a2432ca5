"""Team benchmark: six reviewers screening and extracting at once while an update writes, on one database.

    .venv/bin/python benchmarks/bench_team.py [--decisions 60] [--numbers 20] [--records 3000]
        [--backend sqlite|postgresql|both]

Each simulated reviewer is its own process (as each app session on a server
is its own connection) and writes only through the library's write functions
(``screening.decide``, ``extraction.add_outcome``), which check the role
first, one committed transaction per action, as a workbench click does. Every
record is screened by two reviewers (dual screening), so reviewers write the
same records. Meanwhile an update process writes ``--records`` PubMed records
again and again through the harvest's own path (parse, classify,
``save_batch`` one transaction per 200 records, as the nightly update writes
what E-utilities sends), or with ``--import-file`` as ``evidence import pubmed``
does (the file parsed whole first, then written 200 records a transaction).

Printed per back end: latency per action (median, p95, max, in ms), how many
actions had to be retried after the database said "busy" (the reviewer would
see a message and click again), update runs finished meanwhile, and the
check that nothing was lost or doubled: decision rows, outcome rows and
audit-trail actions in the database equal what the reviewers issued.

PostgreSQL runs when the Debian server binaries are found (tests/pg_server.py
starts a throw-away server). No timed assertions: figures go to the README.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

REVIEWERS = 6
FIRST_PMID = 50_000_000
CURATED = ROOT / "tests" / "fixtures" / "curated"


def reviewer_email(i: int) -> str:
    return f"reviewer{i}@uni.example"


def assigned(i: int, decisions: int) -> list[str]:
    """The records reviewer ``i`` screens: record j goes to reviewers j mod 6 and (j + 1) mod 6."""
    total = REVIEWERS * decisions // 2
    return [str(FIRST_PMID + j) for j in range(total) if i in (j % REVIEWERS, (j + 1) % REVIEWERS)]


def outcome_codes(n: int) -> list[str]:
    from evidence.vocab import Outcome

    codes = [o.value for o in Outcome if "durab" not in o.value and "month" not in o.value]
    if len(codes) < n:
        raise SystemExit(f"--numbers at most {len(codes)}")
    return codes[:n]


def setup(url: str, decisions: int) -> None:
    """The fixture store, the records to screen, six extractors, and one report each to enter numbers into."""
    from sqlmodel import Session

    from evidence import extraction, models, roles, screening
    from evidence.settings import Settings
    from evidence.store import initialise, open_store

    settings = Settings(db=url, data_dir=str(CURATED))
    initialise(settings)
    engine = open_store(settings)
    with Session(engine) as s:
        for j in range(REVIEWERS * decisions // 2):
            s.add(models.Publication(pmid=str(FIRST_PMID + j), title=f"CD19 CAR T cells in lupus, series {j}",
                                     kind="primary", pub_date="2026-01", journal="J Bench", origin="pubmed",
                                     abstract="Fifteen patients were treated.", authors=[f"Author{j} A"],
                                     diseases=["sle"], targets=["cd19"]))
        roles.add_member(s, "lead@uni.example", "admin", by="bench setup")
        for i in range(REVIEWERS):
            roles.add_member(s, reviewer_email(i), "extractor", by="bench setup")
        s.commit()
        for i in range(REVIEWERS):
            pmid = str(FIRST_PMID + 100_000 + i)
            s.add(models.Publication(pmid=pmid, title=f"Extraction target {i}", kind="primary", pub_date="2026-01",
                                     journal="J Bench", origin="pubmed", abstract="", authors=[f"Extract{i} E"],
                                     diseases=["sle"], targets=["cd19"]))
            s.flush()
            screening.decide(s, pmid, "include", reviewer="lead@uni.example")
            extraction.create_cohort(s, {"cohort_id": f"bench-{i}", "name": f"Bench cohort {i}"},
                                     reviewer="lead@uni.example")
            extraction.create_report(s, pmid, {"report_id": f"bench-{i}-2026", "cohort_id": f"bench-{i}"},
                                     reviewer="lead@uni.example")
        s.commit()
    engine.dispose()


def _timed(engine, work) -> tuple[float, int]:
    """Run ``work(session)`` as one committed action; retry when the database is busy. (ms, retries)."""
    from sqlalchemy.exc import OperationalError
    from sqlmodel import Session

    retries = 0
    start = time.perf_counter()
    while True:
        try:
            with Session(engine) as s:
                work(s)
                s.commit()
            return (time.perf_counter() - start) * 1000, retries
        except OperationalError as exc:  # SQLite "database is locked" / PostgreSQL serialization
            if retries >= 20:
                raise
            retries += 1
            if "locked" not in str(exc) and "busy" not in str(exc) and "could not serialize" not in str(exc):
                raise
            time.sleep(0.05 * retries)


def reviewer(i: int, url: str, decisions: int, numbers: int, start, out) -> None:
    from evidence import extraction, screening
    from evidence.db import make_engine

    engine = make_engine(url, create=False)
    me = reviewer_email(i)
    records = assigned(i, decisions)
    codes = outcome_codes(numbers)
    start.wait()
    results: list[tuple[str, float, int]] = []
    plan = [("decide", pmid) for pmid in records] + [("add_outcome", code) for code in codes]
    # the two kinds interleaved, in each reviewer's own (fixed) order
    plan.sort(key=lambda step: zlib.crc32(f"{i}:{step[1]}".encode()))
    for kind, item in plan:
        if kind == "decide":
            decision = ("include", "exclude")[int(item) % 2]
            reason = "review" if decision == "exclude" else None
            work = (lambda pmid, d, r: lambda s: screening.decide(s, pmid, d, reviewer=me, reason=r))(
                item, decision, reason)
        else:
            values = {"report_id": f"bench-{i}-2026", "outcome": item, "events": 3, "patients": 15,
                      "source": "PMID:1", "source_location": "table 2"}
            work = (lambda v: lambda s: extraction.add_outcome(s, v, reviewer=me))(values)
        ms, retries = _timed(engine, work)
        results.append((kind, ms, retries))
    engine.dispose()
    out.put((i, results))


def updater(url: str, records: int, folder: str, import_file: bool, stop, out) -> None:
    """Write the same PubMed records again and again until the reviewers are done (the update's writes).

    As the nightly harvest writes (``save_batch``, one transaction per batch of
    200 records), or with ``import_file`` as `evidence import pubmed FILE` does
    (the whole file parsed first, so a bad file writes nothing, then 200 records a transaction).
    """
    from bench_pubmed import write_file

    from evidence.db import make_engine
    from harvest import pubmed_import
    from harvest.pubmed import import_bytes
    from harvest.runs import harvest_run

    path = Path(folder) / "update.xml"
    write_file(path, records)
    data = path.read_bytes()
    engine = make_engine(url, create=False)
    runs, seconds = 0, []
    while not stop.is_set():
        began = time.perf_counter()
        with harvest_run(engine, "import-pubmed", {"file": str(path)}) as run_id:
            if import_file:
                pubmed_import.import_file(engine, path, run_id)
            else:
                import_bytes(engine, data, path.name, run_id, chunk=200, workers=1)
        seconds.append(time.perf_counter() - began)
        runs += 1
    engine.dispose()
    out.put((runs, seconds))


def check(url: str, issued: dict[str, int]) -> dict[str, int]:
    """What the database holds of the reviewers' work: rows and audit-trail actions."""
    from sqlalchemy import func, select
    from sqlmodel import Session

    from evidence.db import make_engine
    from evidence.models import AuditEntry, Outcome, ScreeningDecision

    engine = make_engine(url, create=False)
    ours = [reviewer_email(i) for i in range(REVIEWERS)]
    with Session(engine) as s:
        count = lambda stmt: s.execute(stmt).scalar_one()  # noqa: E731
        held = {
            "decide": count(select(func.count()).select_from(ScreeningDecision)
                            .where(ScreeningDecision.reviewer.in_(ours))),
            "add_outcome": count(select(func.count()).select_from(Outcome).where(Outcome.report_id.like("bench-%"))),
            "decide (audit)": count(select(func.count(func.distinct(AuditEntry.change))).where(
                AuditEntry.entity == "screening", AuditEntry.reviewer.in_(ours))),
            "add_outcome (audit)": count(select(func.count(func.distinct(AuditEntry.change))).where(
                AuditEntry.entity == "outcome", AuditEntry.reviewer.in_(ours))),
        }
    engine.dispose()
    return held


def run(label: str, url: str, args, folder: str) -> None:
    setup(url, args.decisions)
    ctx = mp.get_context("spawn")
    start, stop, out, upd = ctx.Event(), ctx.Event(), ctx.Queue(), ctx.Queue()
    procs = [ctx.Process(target=reviewer, args=(i, url, args.decisions, args.numbers, start, out))
             for i in range(REVIEWERS)]
    update = ctx.Process(target=updater, args=(url, args.records, folder, args.import_file, stop, upd))
    update.start()
    for p in procs:
        p.start()
    time.sleep(3)  # let the update start writing first
    began = time.perf_counter()
    start.set()
    results = [out.get() for _ in procs]
    wall = time.perf_counter() - began
    stop.set()
    runs, seconds = upd.get()
    for p in [*procs, update]:
        p.join()
    by_kind: dict[str, list[float]] = {}
    retries: dict[str, int] = {}
    for _, rows in results:
        for kind, ms, tries in rows:
            by_kind.setdefault(kind, []).append(ms)
            retries[kind] = retries.get(kind, 0) + tries
    how = "`evidence import pubmed`" if args.import_file else "the harvest's writes"
    print(f"\n{label}: {REVIEWERS} reviewers, {sum(map(len, by_kind.values()))} actions in {wall:.1f} s; "
          f"update writing {args.records} records ({how}) ran {runs} time(s) meanwhile"
          + (f", {statistics.median(seconds):.1f} s each" if seconds else ""), flush=True)
    print(f"{'action':<12} {'n':>5} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'retried':>8}")
    for kind, ms in sorted(by_kind.items()):
        p95 = statistics.quantiles(ms, n=20)[-1]
        print(f"{kind:<12} {len(ms):>5} {statistics.median(ms):>10.1f} {p95:>8.1f} {max(ms):>8.1f} "
              f"{retries[kind]:>8}")
    issued = {kind: len(ms) for kind, ms in by_kind.items()}
    held = check(url, issued)
    expected = {"decide": issued["decide"], "add_outcome": issued["add_outcome"],
                "decide (audit)": issued["decide"], "add_outcome (audit)": issued["add_outcome"]}
    verdict = "nothing lost or doubled" if held == expected else "MISMATCH"
    print(f"issued {expected}\nheld   {held}\n{verdict}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=60, help="screening decisions per reviewer")
    parser.add_argument("--numbers", type=int, default=20, help="numbers entered per reviewer")
    parser.add_argument("--records", type=int, default=3000, help="records of the update's PubMed file")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--import-file", action="store_true",
                        help="the update imports the file as `evidence import pubmed` does")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-team-") as folder:
        if args.backend in ("sqlite", "both"):
            run("SQLite (one file, WAL)", f"sqlite:///{folder}/team.db", args, folder)
        if args.backend in ("postgresql", "both"):
            from pg_server import PostgresServer, find_bindir

            bindir = find_bindir()
            if bindir is None:
                print("\nPostgreSQL: server binaries not found (apt-get install postgresql); skipped")
                return
            server = PostgresServer(bindir).start()
            try:
                run("PostgreSQL (throw-away local server)", server.new_database(), args, folder)
            finally:
                server.stop()


if __name__ == "__main__":
    main()
