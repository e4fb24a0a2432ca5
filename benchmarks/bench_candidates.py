#!/usr/bin/env python
"""Recall and precision of the candidate-number extractor (evidence/candidates.py).

Test set 1, ready made: the sentences quoted in the ``note`` column of
data/outcomes.csv, each with the count read from it (the row's events and
patients). Rows quoting the same sentence are grouped; a proposal is a hit
when its events and patients equal one of the group's counts. Read twice:
from the sentence alone, and with the report's number treated as the cohort
size (as the workbench does: the reviewer has entered the report first).

Test set 2, harder: stored abstracts of curated reports (publications with an
abstract whose PMID a report names), scored against the report's outcome rows.
Needs a database (``--db``, default: the configured one); skipped when there
is none or it holds no such abstract.

Recall: labelled counts proposed exactly. Precision: complete proposals
(events and patients) that equal a labelled count. Outcome code: share of hits
whose guessed code equals the row's. Prints figures only.

Usage: .venv/bin/python benchmarks/bench_candidates.py [--data data] [--db PATH] [--show-misses]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evidence.candidates import find_candidates  # noqa: E402

QUOTE = re.compile(r"'([^']{6,})'")


@dataclass
class Item:
    text: str
    cohort: int | None
    labels: list[tuple[int, int, str]] = field(default_factory=list)  # (events, patients, outcome)


@dataclass
class Score:
    labels: int = 0
    found: int = 0
    found_events: int = 0
    code_right: int = 0
    proposed: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)

    def line(self, name: str) -> str:
        def pct(a: int, b: int) -> str:
            return f"{100 * a / b:5.1f}% ({a}/{b})" if b else "   n/a"
        return (f"{name:<44} recall {pct(self.found, self.labels)}  events-only recall "
                f"{pct(self.found_events, self.labels)}  precision {pct(self.correct, self.proposed)}  "
                f"outcome code right {pct(self.code_right, self.found)}")


def quoted_items(data: Path) -> list[Item]:
    """One item per quoted sentence of outcomes.csv notes (the first quote of a note is its source)."""
    n_treated = {r["report_id"]: int(r["n_treated"]) if r["n_treated"].isdigit() else None
                 for r in csv.DictReader((data / "reports.csv").open(encoding="utf-8"))}
    items: dict[tuple[str, str], Item] = {}
    for row in csv.DictReader((data / "outcomes.csv").open(encoding="utf-8")):
        quote = QUOTE.search(row["note"])
        if not quote:
            continue
        key = (row["report_id"], quote.group(1))
        item = items.setdefault(key, Item(quote.group(1), n_treated.get(row["report_id"])))
        item.labels.append((int(row["events"]), int(row["patients"]), row["outcome"]))
    return list(items.values())


def score(items: list[Item], use_cohort: bool, score_: Score | None = None) -> Score:
    s = score_ or Score()
    for item in items:
        proposals = find_candidates(item.text, cohort_size=item.cohort if use_cohort else None)
        complete = [c for c in proposals if c.complete]
        wanted = {(e, n) for e, n, _ in item.labels}
        s.proposed += len(complete)
        s.correct += sum((c.events, c.patients) in wanted for c in complete)
        for events, patients, outcome in item.labels:
            s.labels += 1
            hits = [c for c in complete if (c.events, c.patients) == (events, patients)]
            s.found += bool(hits)
            s.found_events += any(c.events == events for c in proposals)
            s.code_right += any(c.outcome == outcome for c in hits)
            if not hits:
                s.misses.append(f"{events}/{patients} {outcome}: {item.text[:110]}")
    return s


def stored_abstract_items(db: str | None) -> list[Item] | str:
    """Abstracts of curated reports in the database, labelled with the reports' outcome rows."""
    from sqlalchemy import select
    from sqlmodel import Session

    from evidence import models
    from evidence.db import schema_version
    from evidence.settings import load_settings
    from evidence.store import open_store

    settings = load_settings()
    if db:
        from dataclasses import replace
        settings = replace(settings, db=db)
    if not Path(settings.database_url.removeprefix("sqlite:///")).exists() and "sqlite" in settings.database_url:
        return f"no database at {settings.database_url}"
    engine = open_store(settings)
    if schema_version(engine) is None:
        return f"{settings.database_url} has no schema"
    items = []
    with Session(engine) as session:
        rows = session.execute(
            select(models.Report, models.Publication.abstract)
            .join(models.Publication, models.Publication.pmid == models.Report.pmid)
            .where(models.Publication.abstract != "")).all()
        for report, abstract in rows:
            outcomes = session.execute(select(models.Outcome).where(models.Outcome.report_id == report.report_id,
                                                                    models.Outcome.source_location == "abstract")
                                       ).scalars().all()
            if outcomes:
                items.append(Item(abstract, report.n_treated,
                                  [(o.events, o.patients, o.outcome) for o in outcomes]))
    return items or f"no stored abstract of a curated report with abstract-sourced numbers in {settings.database_url}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1] / "data")
    parser.add_argument("--db", help="database to read stored abstracts from (default: the configured one)")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()

    items = quoted_items(args.data)
    print(f"quoted sentences in {args.data / 'outcomes.csv'}: {len(items)} sentences, "
          f"{sum(len(i.labels) for i in items)} labelled counts")
    alone = score(items, use_cohort=False)
    with_cohort = score(items, use_cohort=True)
    print(alone.line("sentence alone"))
    print(with_cohort.line("sentence + report's n treated"))
    if args.show_misses:
        print("misses (sentence + n treated):")
        for miss in with_cohort.misses:
            print("  ", miss)
    abstracts = stored_abstract_items(args.db)
    if isinstance(abstracts, str):
        print(f"stored abstracts: skipped ({abstracts})")
    else:
        print(f"stored abstracts: {len(abstracts)} abstracts, {sum(len(i.labels) for i in abstracts)} numbers")
        print(score(abstracts, use_cohort=False).line("abstract alone"))
        print(score(abstracts, use_cohort=True).line("abstract + report's n treated"))


if __name__ == "__main__":
    main()
