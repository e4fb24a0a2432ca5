"""Speed of the app at scale: first render and a filter change per page, measured with AppTest.

Builds a synthetic database (20,000 publications, 1,000 trials, 200 reports
in 80 cohorts with 6 outcomes each, 2,000 trial changes) in a temporary
folder, then for each page measures:

- cold first render: caches cleared, the page's first run;
- warm first render: a new session once another session has run the page;
- filter change: one widget change and the rerun it triggers.

Targets from issue 8: first render ≤ 1.5 s, filter change ≤ 300 ms. This
script prints figures; it asserts nothing (timings depend on the machine).

    .venv/bin/python benchmarks/bench_app.py [--reports 200 --publications 20000 --trials 1000]
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import insert  # noqa: E402

from evidence import models  # noqa: E402
from evidence.curated import DATA_HASH_KEY  # noqa: E402
from evidence.db import init_db, make_engine  # noqa: E402
from evidence.vocab import Construct, Disease, Population, ReportKind, Target  # noqa: E402

OUTCOMES = ("remission_doris", "crs_any", "crs_grade3plus", "icans_any", "icans_grade3plus", "serious_infection")
STATUSES = ("RECRUITING", "NOT_YET_RECRUITING", "ACTIVE_NOT_RECRUITING", "COMPLETED", "TERMINATED", "WITHDRAWN")
WORDS = ("lupus nephritis myositis sclerosis myasthenia vasculitis CD19 BCMA chimeric antigen receptor T cell "
         "remission cytokine release syndrome neurotoxicity infection autoimmune refractory B cell depletion").split()


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def build(db: Path, n_pubs: int, n_trials: int, n_reports: int, seed: int = 8) -> str:
    """Create the synthetic database; return its SQLAlchemy URL."""
    rng = random.Random(seed)
    url = f"sqlite:///{db}"
    engine = make_engine(url)
    init_db(engine)
    now = datetime(2026, 11, 20, tzinfo=timezone.utc)
    diseases = [d.value for d in Disease][:10]
    targets = [t.value for t in Target][:4]
    with engine.begin() as conn:
        conn.execute(insert(models.Meta), [{"key": DATA_HASH_KEY, "value": "synthetic"}])
        conn.execute(insert(models.Publication), [{
            "pmid": str(30000000 + i), "title": _text(rng, 12), "abstract": _text(rng, 180), "journal": "J Synth",
            "pub_date": "2025-01", "pub_year": 2018 + i % 9, "authors": [f"Author{i} A"], "publication_types": [],
            "mesh_terms": [], "keywords": [], "registry_ids": [], "kind": rng.choice(["primary", "review", "other"]),
            "diseases": [rng.choice(diseases)], "targets": [rng.choice(targets)], "origin": "pubmed",
            "first_seen": now - timedelta(days=rng.randint(0, 400)), "last_seen": now} for i in range(n_pubs)])
        trial_ids = [f"NCT{10000000 + i}" for i in range(n_trials)]
        conn.execute(insert(models.Trial), [{
            "registry_id": tid, "brief_title": _text(rng, 10), "status": rng.choice(STATUSES),
            "phases": [rng.choice(["PHASE1", "PHASE2", "EARLY_PHASE1"])], "enrollment": rng.randint(6, 120),
            "start_date": f"{rng.randint(2018, 2026)}-{rng.randint(1, 12):02d}",
            "completion_date": f"{rng.randint(2026, 2031)}-{rng.randint(1, 12):02d}", "sponsor": f"Sponsor {i % 90}",
            "collaborators": [], "conditions": ["Lupus"], "keywords": [], "interventions": [], "age_groups": [],
            "countries": [rng.choice(["China", "Germany", "United States", "France", "Italy"])],
            "diseases": [rng.choice(diseases)], "targets": [rng.choice(targets)],
            "car_construct": rng.choice([c.value for c in Construct]), "population": "adult", "origin": "ctgov",
            "first_seen": now - timedelta(days=rng.randint(0, 400)), "last_seen": now}
            for i, tid in enumerate(trial_ids)])
        conn.execute(insert(models.Cohort), [{"cohort_id": f"c{i}", "name": f"Cohort {i}", "registry_ids": []}
                                             for i in range(n_reports * 2 // 5)])
        reports, outcomes = [], []
        for i in range(n_reports):
            cohort = f"c{i % (n_reports * 2 // 5)}"
            earlier = f"r{i - n_reports * 2 // 5}" if i >= n_reports * 2 // 5 else None
            n = rng.randint(1, 40)
            reports.append({
                "report_id": f"r{i}", "cohort_id": cohort, "supersedes": earlier,
                "kind": rng.choice([k.value for k in ReportKind]), "label": f"Synth {i} {2018 + i % 9}",
                "first_author": f"Author{i}", "year": 2018 + i % 9, "title": _text(rng, 10), "journal": "J Synth",
                "pmid": str(30000000 + i), "registry_ids": [rng.choice(trial_ids)],
                "diseases": [rng.choice(diseases)], "target": rng.choice(targets),
                "car_construct": rng.choice([c.value for c in Construct]),
                "population": rng.choice([p.value for p in Population]), "n_treated": n,
                "data_cutoff": f"{2018 + i % 9}-06"})
            outcomes.extend({"report_id": f"r{i}", "outcome": o, "subgroup": "all", "variant": "",
                             "events": rng.randint(0, n), "patients": n, "is_default": True, "status": "verified",
                             "source": f"PMID:{30000000 + i}"} for o in OUTCOMES)
        conn.execute(insert(models.Report), reports)
        conn.execute(insert(models.Outcome), outcomes)
        conn.execute(insert(models.TrialChange), [{
            "registry_id": rng.choice(trial_ids), "field": "status", "old": "NOT_YET_RECRUITING", "new": "RECRUITING",
            "observed_at": now - timedelta(days=rng.randint(0, 60))} for _ in range(2000)])
        conn.execute(insert(models.HarvestRun), [{"source": s, "started_at": now - timedelta(minutes=10),
                                                  "finished_at": now, "status": "succeeded", "params": {}}
                                                 for s in ("pubmed", "ctgov")])
    engine.dispose()
    return url


# page file → (description of the change, function applying it to an AppTest)
CHANGES = {
    "overview": ("evidence map: count patients", lambda at: at.segmented_control(key="map").set_value("Patients")),
    "studies": ("disease filter + SLE", lambda at: at.multiselect(key="disease").select("sle")),
    "trials": ("status filter + recruiting", lambda at: at.multiselect(key="status").select("RECRUITING")),
    "meta_analysis": ("disease filter + SLE (re-pools)", lambda at: at.multiselect(key="disease").select("sle")),
    "export": ("disease filter + SLE (rebuilds files)", lambda at: at.multiselect(key="disease").select("sle")),
    "about": (None, None),
}


def _open(page: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=600)
    at.run()
    at.query_params.clear()
    at.switch_page(f"app_pages/{page}.py")
    return at


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(page: str, repeats: int) -> dict:
    """Cold and warm first render, and the median of ``repeats`` filter changes, for one page."""
    import streamlit as st

    at = _open(page)
    st.cache_data.clear()
    cold = _timed(at.run)
    assert not at.exception, [e.value for e in at.exception]
    warm = []
    for _ in range(repeats):
        again = _open(page)
        warm.append(_timed(again.run))
    change_name, apply = CHANGES[page]
    changes = []
    if apply:
        for _ in range(repeats):
            fresh = _open(page)
            fresh.run()
            apply(fresh)
            changes.append(_timed(fresh.run))
            assert not fresh.exception, [e.value for e in fresh.exception]
    return {"page": page, "cold": cold, "warm": statistics.median(warm),
            "change": statistics.median(changes) if changes else None, "change_name": change_name or "—"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--publications", type=int, default=20_000)
    parser.add_argument("--trials", type=int, default=1_000)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        build(Path(tmp) / "bench.db", args.publications, args.trials, args.reports)
        print(f"synthetic database: {args.publications} publications, {args.trials} trials, {args.reports} reports "
              f"({len(OUTCOMES)} outcomes each), built in {time.perf_counter() - start:.1f} s")
        os.environ["EVIDENCE_DB"] = str(Path(tmp) / "bench.db")
        from app_pages.common import get_engine

        get_engine.clear()
        _open("about").run()  # imports, engine and Streamlit start-up are not a page's cost
        rows = [measure(page, args.repeats) for page in CHANGES]
    print(f"\n{'page':<15}{'first render cold':>19}{'first render warm':>19}{'filter change':>15}  change")
    for r in rows:
        change = f"{r['change'] * 1000:.0f} ms" if r["change"] is not None else "—"
        print(f"{r['page']:<15}{r['cold']:>17.2f} s{r['warm']:>17.2f} s{change:>15}  {r['change_name']}")
    print("\ntargets: first render ≤ 1.5 s, filter change ≤ 300 ms (AppTest in-process timings, median of "
          f"{args.repeats}; cold = caches cleared)")


if __name__ == "__main__":
    main()
