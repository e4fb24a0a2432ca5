"""Builds data/{cohorts,reports,outcomes,publications}.csv from the curated records below.

Working notes of the curator: every record here was read in the source named in it
(search date 2026-11-21/22). Run: python3 data/review/build.py && python3 data/review/check.py
"""
import csv, io
from pathlib import Path

D = Path(__file__).resolve().parents[1]

COH_COLS = "cohort_id,name,centre,product,registry_ids,grouping_evidence,grouping_inferred,notes".split(",")
REP_COLS = ("report_id,cohort_id,supersedes,kind,label,first_author,year,title,journal,pmid,doi,conference,"
            "abstract_number,url,registry_ids,diseases,target,construct,product,population,dose,lymphodepletion,"
            "n_treated,n_treated_source,data_cutoff,followup,followup_months,followup_source,notes").split(",")
OUT_COLS = ("report_id,outcome,subgroup,variant,events,patients,is_default,definition,timepoint,source,"
            "source_location,status,note").split(",")
PUB_COLS = "pmid,doi,pmcid,title,journal,pub_date,authors,publication_types".split(",")

COHORTS = []
REPORTS = []
OUTCOMES = []
PUBS = []


def cohort(**k):
    COHORTS.append(k)


def report(**k):
    REPORTS.append(k)


def out(report_id, outcome, subgroup, events, patients, definition, timepoint, source, loc, status,
        note="", variant="", default=True):
    OUTCOMES.append(dict(report_id=report_id, outcome=outcome, subgroup=subgroup, variant=variant,
                         events=events, patients=patients, is_default="true" if default else "false",
                         definition=definition, timepoint=timepoint, source=source, source_location=loc,
                         status=status, note=note))


def pub(**k):
    PUBS.append(k)

# ---------------------------------------------------------------------------------------------
exec(open(Path(__file__).with_name("records.py"), encoding="utf-8").read())
# ---------------------------------------------------------------------------------------------


def write(name, cols, rows, key):
    rows = sorted(rows, key=key)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n", extrasaction="raise")
    w.writeheader()
    for r in rows:
        w.writerow({c: ("" if r.get(c) is None else str(r.get(c))) for c in cols})
    (D / name).write_text(buf.getvalue(), encoding="utf-8", newline="")


write("cohorts.csv", COH_COLS, COHORTS, lambda r: r["cohort_id"])
write("reports.csv", REP_COLS, REPORTS, lambda r: r["report_id"])
write("outcomes.csv", OUT_COLS, OUTCOMES, lambda r: (r["report_id"], r["outcome"], r["subgroup"], r["variant"]))
write("publications.csv", PUB_COLS, PUBS, lambda r: r["pmid"])
print("written")
