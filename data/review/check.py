"""Sanity checks for the curated CSVs (run: python3 data/review/check.py)."""
import csv, re, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from evidence.vocab import Disease, Target, Construct, Population, ReportKind, Outcome, NumberStatus

D = Path(__file__).resolve().parents[1]
HEAD = {
 "cohorts.csv": "cohort_id,name,centre,product,registry_ids,grouping_evidence,grouping_inferred,notes",
 "reports.csv": "report_id,cohort_id,supersedes,kind,label,first_author,year,title,journal,pmid,doi,conference,abstract_number,url,registry_ids,diseases,target,construct,product,population,dose,lymphodepletion,n_treated,n_treated_source,data_cutoff,followup,followup_months,followup_source,notes",
 "outcomes.csv": "report_id,outcome,subgroup,variant,events,patients,is_default,definition,timepoint,source,source_location,status,note",
 "publications.csv": "pmid,doi,pmcid,title,journal,pub_date,authors,publication_types",
}
KEYS = {"cohorts.csv": ["cohort_id"], "reports.csv": ["report_id"],
        "outcomes.csv": ["report_id", "outcome", "subgroup", "variant"], "publications.csv": ["pmid"]}
err = []
rows = {}
for f, h in HEAD.items():
    raw = (D / f).read_bytes()
    if b"\r\n" in raw: err.append(f"{f}: CRLF")
    text = raw.decode("utf-8")
    first = text.split("\n", 1)[0]
    if first != h: err.append(f"{f}: header mismatch\n  {first}\n  {h}")
    r = list(csv.DictReader(text.splitlines()))
    rows[f] = r
    ks = [tuple(x[k] for k in KEYS[f]) for x in r]
    if ks != sorted(ks): err.append(f"{f}: not sorted by key")
    if len(set(ks)) != len(ks): err.append(f"{f}: duplicate keys")
    for x in r:
        if None in x or any(v is None for v in x.values()): err.append(f"{f}: bad column count {x}")
date_re = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
coh = {x["cohort_id"] for x in rows["cohorts.csv"]}
for x in rows["cohorts.csv"]:
    if x["grouping_inferred"] not in ("true", "false"): err.append(f"cohort {x['cohort_id']} grouping_inferred")
rep = {x["report_id"]: x for x in rows["reports.csv"]}
for x in rows["reports.csv"]:
    rid = x["report_id"]
    if x["cohort_id"] not in coh: err.append(f"{rid}: unknown cohort")
    if x["supersedes"]:
        if x["supersedes"] == rid or x["supersedes"] not in rep: err.append(f"{rid}: bad supersedes")
        elif rep[x["supersedes"]]["cohort_id"] != x["cohort_id"]: err.append(f"{rid}: supersedes other cohort")
    ReportKind.parse(x["kind"])
    for d in x["diseases"].split(";"): Disease.parse(d)
    Target.parse(x["target"]); Construct.parse(x["construct"]); Population.parse(x["population"])
    if x["pmid"] and not x["pmid"].isdigit(): err.append(f"{rid}: pmid")
    if x["doi"] and (not x["doi"].startswith("10.") or x["doi"] != x["doi"].lower()): err.append(f"{rid}: doi")
    if x["n_treated"] and not x["n_treated"].isdigit(): err.append(f"{rid}: n_treated")
    if x["n_treated"] and not x["n_treated_source"]: err.append(f"{rid}: n_treated_source missing")
    if x["data_cutoff"] and not date_re.match(x["data_cutoff"]): err.append(f"{rid}: data_cutoff")
    if x["year"] and not re.match(r"^\d{4}$", x["year"]): err.append(f"{rid}: year")
    if x["followup_months"]:
        float(x["followup_months"])
        if not x["followup_source"]: err.append(f"{rid}: followup_source missing")
    if x["registry_ids"] and " " in x["registry_ids"]: err.append(f"{rid}: registry spaces")
# cycles
for rid in rep:
    seen = set(); cur = rid
    while cur:
        if cur in seen: err.append(f"cycle at {rid}"); break
        seen.add(cur); cur = rep[cur]["supersedes"] if cur in rep else ""
defaults = {}
for x in rows["outcomes.csv"]:
    k = (x["report_id"], x["outcome"], x["subgroup"])
    if x["report_id"] not in rep: err.append(f"outcome for unknown report {k}")
    Outcome.parse(x["outcome"]); NumberStatus.parse(x["status"])
    if x["subgroup"] != "all":
        Disease.parse(x["subgroup"])
        if x["report_id"] in rep and x["subgroup"] not in rep[x["report_id"]]["diseases"].split(";"):
            err.append(f"{k}: subgroup not among the report's diseases")
    e, p = int(x["events"]), int(x["patients"])
    if not (0 <= e <= p and p > 0): err.append(f"{k}: events/patients")
    if x["is_default"] not in ("true", "false"): err.append(f"{k}: is_default")
    if x["is_default"] == "true":
        defaults[k] = defaults.get(k, 0) + 1
        if x["variant"]: pass
    else:
        defaults.setdefault(k, 0)
        if not x["variant"]: err.append(f"{k}: non-default row without variant")
    if not x["source"] or not x["source_location"]: err.append(f"{k}: source missing")
    if x["outcome"] in ("clinical_response_other", "complete_remission_other") and not x["definition"]:
        err.append(f"{k}: definition required")
    r = rep.get(x["report_id"])
    if r and r["n_treated"] and p > int(r["n_treated"]): err.append(f"{k}: patients > n_treated")
for k, n in defaults.items():
    if n != 1: err.append(f"{k}: {n} defaults")
for x in rows["publications.csv"]:
    if not x["pmid"].isdigit(): err.append(f"pub pmid {x['pmid']}")
pm = {x["pmid"] for x in rows["publications.csv"]}
for x in rows["reports.csv"]:
    if x["pmid"] and x["pmid"] not in pm: err.append(f"{x['report_id']}: pmid not in publications.csv")
print(f"cohorts {len(rows['cohorts.csv'])}, reports {len(rows['reports.csv'])}, outcomes {len(rows['outcomes.csv'])}, publications {len(rows['publications.csv'])}")
print("\n".join(err) if err else "OK")
sys.exit(1 if err else 0)
