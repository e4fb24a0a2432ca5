"""Load the curated CSV files into the store, and write the store back to them.

Loading validates everything first (types, vocabularies, ID formats, foreign
keys, events <= patients, one default value per number, no supersedes cycle)
and only then writes, in one transaction: a bad row names its file and line
and nothing is written. Curated cohorts, reports and outcomes are replaced
wholesale; curated trials and publications never overwrite rows a harvester
brought in, because live registry data is newer than a curator's snapshot,
and a curated one removed from its file is removed from the store.

Every file must be there: a missing file is an error, never "no rows". A
file with a header and no rows would empty its table, so it is refused
unless the caller names it in ``allow_empty`` (``evidence init --allow-empty``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import math
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlmodel import Session

from evidence import models
from evidence.ages import age_in_days, paediatric_flag
from evidence.curated_format import FILES, PUBLICATIONS, TRIALS, Column, FileSpec
from evidence.vocab import Population, RowOrigin, parent_disease

log = logging.getLogger(__name__)
DATA_HASH_KEY = "curated_data_sha256"


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


class CuratedDataError(ValueError):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "\n".join(f"  {e}" for e in errors[:50])
        more = f"\n  … and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{len(errors)} problem(s) in the curated data:\n{shown}{more}")


@dataclass
class ParsedFile:
    spec: FileSpec
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (line, values by field)
    rejected_ids: set[str] = field(default_factory=set)  # first-key values of rows that failed


def data_hash(data_dir: Path) -> str:
    """SHA-256 over the curated files, to tell whether a database is out of date."""
    digest = hashlib.sha256()
    for spec in FILES:
        path = data_dir / spec.filename
        digest.update(spec.filename.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def _convert(col: Column, raw: str) -> Any:
    raw = raw.strip()
    if col.kind == "list":
        return [v for v in raw.split(";") if v] if raw else []
    if col.kind == "counts":
        return _counts(col, raw)
    if raw == "":
        return False if col.kind == "bool" else None
    if col.kind == "int":
        if not raw.lstrip("-").isdigit():
            raise ValueError(f"{col.name}: {raw!r} is not a whole number")
        return int(raw)
    if col.kind == "float":
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{col.name}: {raw!r} is not a number") from None
        if not math.isfinite(value):
            raise ValueError(f"{col.name}: {raw!r} is not a finite number")
        return value
    if col.kind == "bool":
        if raw not in ("true", "false"):
            raise ValueError(f"{col.name}: {raw!r} must be true or false")
        return raw == "true"
    return raw


def _counts(col: Column, raw: str) -> dict[str, int]:
    """``sle:4;iim:3`` → {"sle": 4, "iim": 3}."""
    out: dict[str, int] = {}
    for item in (v.strip() for v in raw.split(";") if v.strip()):
        code, _, number = item.partition(":")
        if not number.strip().isdigit() or code.strip() in out:
            raise ValueError(f"{col.name}: {item!r} is not code:count (each code once)")
        out[code.strip()] = int(number)
    return out


def _empty_value(spec: FileSpec, col: Column) -> Any:
    """What an empty cell means: None where the column is nullable, else ''."""
    default = spec.model.model_fields[col.field].default
    return None if default is None else ""


def _parse_row(spec: FileSpec, line: int, raw: dict[str, str], errors: list[RowError]) -> dict | None:
    values: dict[str, Any] = {}
    ok = True
    for col in spec.columns:
        text = raw.get(col.name) or ""
        try:
            value = _convert(col, text)
            if value is None and col.kind == "str":
                value = _empty_value(spec, col)
        except ValueError as exc:
            errors.append(RowError(spec.filename, line, str(exc)))
            ok = False
            continue
        if col.required and value in (None, "", []):
            errors.append(RowError(spec.filename, line, f"{col.name} is required"))
            ok = False
            continue
        if value not in (None, "", []) and col.check:
            problem = col.check(value)
            if problem:
                errors.append(RowError(spec.filename, line, f"{col.name}: {problem}"))
                ok = False
                continue
        values[col.field] = value
    return values if ok else None


def _read_text(spec: FileSpec, path: Path, errors: list[RowError]) -> str | None:
    """The file's text; None (with the problem recorded) if it is missing, unreadable or not UTF-8."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        errors.append(RowError(spec.filename, 0, f"missing from {path.parent}; every curated file is required "
                                                 "(a file with only its header empties the table)"))
        return None
    except OSError as exc:
        errors.append(RowError(spec.filename, 0, f"cannot be read: {exc.strerror or exc}"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        errors.append(RowError(spec.filename, line, f"not UTF-8 text: byte 0x{data[exc.start]:02x} at column "
                                                    f"{column} (save the file as UTF-8)"))
        return None


def _csv_problem(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return (f"a cell longer than {csv.field_size_limit():,} characters starts here "
                "(is a closing quote missing?)")
    return f"not readable as CSV: {exc}"


def _read_file(spec: FileSpec, path: Path, errors: list[RowError], allow_empty: bool = False) -> ParsedFile:
    parsed = ParsedFile(spec)
    text = _read_text(spec, path, errors)
    if text is None:
        return parsed
    reader = csv.DictReader(io.StringIO(text, newline=""))
    expected = [c.name for c in spec.columns]
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        errors.append(RowError(spec.filename, 1, _csv_problem(exc)))
        return parsed
    if header != expected:
        errors.append(RowError(spec.filename, 1, f"header must be {','.join(expected)}"))
        return parsed
    rows = iter(reader)
    seen_rows = 0
    while True:
        start = reader.line_num + 1
        try:
            raw = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(spec.filename, start, _csv_problem(exc)))
            return parsed
        seen_rows += 1
        line = reader.line_num
        if None in raw:
            errors.append(RowError(spec.filename, line, "more cells than columns"))
            continue
        values = _parse_row(spec, line, raw, errors)
        if values is not None:
            parsed.rows.append((line, values))
        else:
            parsed.rejected_ids.add((raw.get(spec.key[0]) or "").strip())
    if not seen_rows and not allow_empty:
        errors.append(RowError(spec.filename, 0, "has a header but no rows, which would delete every curated "
                                                 f"row of its table; to empty it on purpose, allow it "
                                                 f"(evidence init --allow-empty {spec.filename})"))
    return parsed


def _check_keys(parsed: ParsedFile, errors: list[RowError]) -> None:
    seen: dict[tuple, int] = {}
    for line, row in parsed.rows:
        key = tuple(row.get(_field(parsed.spec, k)) or "" for k in parsed.spec.key)
        if key in seen:
            errors.append(RowError(parsed.spec.filename, line, f"duplicate key {key} (first on line {seen[key]})"))
        seen.setdefault(key, line)


def _field(spec: FileSpec, column: str) -> str:
    return next(c.field for c in spec.columns if c.name == column)


def _check_references(files: dict[str, ParsedFile], errors: list[RowError]) -> None:
    """Dangling references; rows already rejected are not reported again through them."""
    cohorts = {row["cohort_id"] for _, row in files["cohorts.csv"].rows} | files["cohorts.csv"].rejected_ids
    reports = {row["report_id"]: (line, row) for line, row in files["reports.csv"].rows}
    rejected_reports = files["reports.csv"].rejected_ids
    for line, row in files["reports.csv"].rows:
        if row["cohort_id"] not in cohorts:
            errors.append(RowError("reports.csv", line, f"unknown cohort_id {row['cohort_id']!r}"))
        sup = row.get("supersedes")
        if sup in rejected_reports:
            continue
        if sup and sup not in reports:
            errors.append(RowError("reports.csv", line, f"supersedes unknown report {sup!r}"))
        elif sup == row["report_id"]:
            errors.append(RowError("reports.csv", line, "a report cannot supersede itself"))
        elif sup and reports[sup][1]["cohort_id"] != row["cohort_id"]:
            errors.append(RowError("reports.csv", line, f"supersedes {sup!r} from another cohort"))
    _check_cycles(reports, errors)
    for line, row in files["outcomes.csv"].rows:
        if row["report_id"] in reports:
            diseases = reports[row["report_id"]][1]["diseases"]
            if row["subgroup"] != "all" and row["subgroup"] not in diseases:
                errors.append(RowError("outcomes.csv", line, f"subgroup {row['subgroup']!r} is not one of the "
                                       f"report's diseases ({';'.join(diseases)})"))
        elif row["report_id"] not in rejected_reports:
            errors.append(RowError("outcomes.csv", line, f"unknown report_id {row['report_id']!r}"))


def _check_cycles(reports: dict[str, tuple[int, dict]], errors: list[RowError]) -> None:
    for start, (line, _) in reports.items():
        seen = {start}
        node = reports[start][1].get("supersedes")
        while node and node in reports:
            if node in seen:
                errors.append(RowError("reports.csv", line, f"supersedes chain from {start!r} has a cycle"))
                break
            seen.add(node)
            node = reports[node][1].get("supersedes")


def _check_outcomes(parsed: ParsedFile, errors: list[RowError]) -> None:
    defaults: Counter = Counter()
    first_line: dict[tuple, int] = {}
    for line, row in parsed.rows:
        if row["patients"] <= 0:
            errors.append(RowError("outcomes.csv", line, f"patients must be > 0, got {row['patients']}"))
        if row["events"] < 0:
            errors.append(RowError("outcomes.csv", line, f"events must be >= 0, got {row['events']}"))
        if row["events"] > row["patients"]:
            errors.append(RowError(
                "outcomes.csv", line, f"events ({row['events']}) larger than patients ({row['patients']})"))
        key = (row["report_id"], row["outcome"], row["subgroup"])
        first_line.setdefault(key, line)
        defaults[key] += 1 if row["is_default"] else 0
    for key, line in first_line.items():
        if defaults[key] != 1:
            errors.append(RowError(
                "outcomes.csv", line, f"{key}: exactly one row must have is_default=true, found {defaults[key]}"))


def _check_counts(files: dict[str, ParsedFile], errors: list[RowError]) -> None:
    for line, row in files["reports.csv"].rows:
        if row.get("n_treated") is not None and row["n_treated"] < 0:
            errors.append(RowError("reports.csv", line, "n_treated must be >= 0"))
        problem = _disease_counts_problem(row)
        if problem:
            errors.append(RowError("reports.csv", line, problem))
        if row.get("followup_months") is not None and row["followup_months"] < 0:
            errors.append(RowError("reports.csv", line, "followup_months must be >= 0"))
    for line, row in files["trials.csv"].rows:
        if row.get("enrollment") is not None and row["enrollment"] < 0:
            errors.append(RowError("trials.csv", line, "enrollment must be >= 0"))


def _check_trial_ages(parsed: ParsedFile, errors: list[RowError]) -> None:
    for line, row in parsed.rows:
        problem = _ages_problem(row)
        if problem:
            errors.append(RowError("trials.csv", line, problem))


def _ages_problem(row: dict) -> str | None:
    """A trial's age limits in order, and not contradicting its curated population."""
    low, high = age_in_days(row.get("min_age")), age_in_days(row.get("max_age"))
    if low is not None and high is not None and low > high:
        return f"min_age {row['min_age']!r} is above max_age {row['max_age']!r}"
    children = paediatric_flag([], row.get("min_age"))
    if children is True and row.get("population") == Population.ADULT.value:
        return f"population is adult, but min_age {row['min_age']!r} admits children"
    if children is False and row.get("population") == Population.PAEDIATRIC.value:
        return f"population is paediatric, but min_age {row['min_age']!r} admits adults only"
    return None


def _disease_counts_problem(row: dict) -> str | None:
    """Per-disease counts name the report's diseases, and every treated patient has at least one of them.

    They may add up to more than n_treated: in an overlap syndrome (MG with
    LEMS) each patient has two diseases.
    """
    counts = row.get("disease_counts") or {}
    if not counts:
        return None
    if not set(counts) <= set(row.get("diseases") or []):
        return f"disease_counts names a disease not in diseases: {sorted(set(counts) - set(row['diseases']))}"
    n = row.get("n_treated")
    for code, count in counts.items():
        parent = parent_disease(code)
        if parent != code and count > counts.get(parent, count):
            return f"disease_counts: {code} ({count}) larger than {parent} ({counts.get(parent)})"
        if n is not None and count > n:
            return f"disease_counts: {code} ({count}) larger than n_treated ({n})"
    top = sum(count for code, count in counts.items() if parent_disease(code) == code)
    if n is not None and top < n:
        return f"disease_counts add up to {top}, fewer than n_treated ({n})"
    return None


def _check_trial_registries(parsed: ParsedFile, errors: list[RowError]) -> None:
    """A trial's ID must belong to the registry its row names."""
    from evidence.registries import identify

    for line, row in parsed.rows:
        registry = identify(row["registry_id"])
        if registry is not None and registry.value != row["registry_name"]:
            errors.append(RowError("trials.csv", line, f"{row['registry_id']} is a {registry.value} ID, "
                                                       f"but registry says {row['registry_name']!r}"))


def read_curated(data_dir: Path, allow_empty: Collection[str] = ()) -> dict[str, ParsedFile]:
    """Parse and validate every curated file; raise CuratedDataError listing all problems.

    ``allow_empty`` names the files that may hold only their header (emptying their table).
    """
    errors: list[RowError] = []
    unknown = sorted(set(allow_empty) - {spec.filename for spec in FILES})
    if unknown:
        errors.append(RowError(unknown[0], 0, "is not a curated file; expected one of "
                                              + ", ".join(spec.filename for spec in FILES)))
    files = {spec.filename: _read_file(spec, data_dir / spec.filename, errors, spec.filename in allow_empty)
             for spec in FILES}
    for parsed in files.values():
        _check_keys(parsed, errors)
    _check_references(files, errors)
    _check_outcomes(files["outcomes.csv"], errors)
    _check_counts(files, errors)
    _check_trial_registries(files["trials.csv"], errors)
    _check_trial_ages(files["trials.csv"], errors)
    if errors:
        raise CuratedDataError(errors)
    return files


def _upsert_curated(session: Session, model: type, key: str, rows: list[dict], origin_values: dict) -> int:
    """Insert curated rows; update those still owned by curation; leave harvested rows alone."""
    written = 0
    for row in rows:
        existing = session.get(model, row[key])
        if existing is None:
            session.add(model(**row, **origin_values))
            written += 1
        elif existing.origin == RowOrigin.CURATED.value:
            for name, value in row.items():
                setattr(existing, name, value)
            written += 1
    return written


def _remove_dropped(session: Session, model: type, key: str, rows: list[dict]) -> int:
    """Delete curated rows whose key is no longer in the file (harvested rows are not the curator's)."""
    kept = {row[key] for row in rows}
    column = getattr(model, key)
    curated = session.execute(select(column).where(model.origin == RowOrigin.CURATED.value)).scalars()
    gone = [k for k in curated if k not in kept]
    if gone and model is models.Trial:
        session.exec(delete(models.TrialChange).where(models.TrialChange.registry_id.in_(gone)))
    if gone:
        session.exec(delete(model).where(column.in_(gone)))
        log.info("%d curated %s rows no longer in the data removed: %s", len(gone), model.__tablename__,
                 ", ".join(sorted(gone)[:20]))
    return len(gone)


def load_curated(engine: Engine, data_dir: Path, allow_empty: Collection[str] = ()) -> dict[str, int]:
    """Validate the curated files, then replace the curated tables in one transaction.

    ``allow_empty`` names files that may hold only their header, emptying their table on purpose.
    """
    files = read_curated(data_dir, allow_empty)
    rows = {name: [values for _, values in parsed.rows] for name, parsed in files.items()}
    with Session(engine) as session, session.begin():
        session.exec(delete(models.Outcome))
        session.exec(delete(models.Report))
        session.exec(delete(models.Cohort))
        session.flush()
        session.add_all(models.Cohort(**r) for r in rows["cohorts.csv"])
        session.flush()
        _insert_reports(session, rows["reports.csv"])
        session.add_all(models.Outcome(**r) for r in rows["outcomes.csv"])
        trial_rows = [{**r, "paediatric": paediatric_flag([], r.get("min_age"))} for r in rows["trials.csv"]]
        trials = _upsert_curated(session, models.Trial, "registry_id", trial_rows,
                                 {"origin": RowOrigin.CURATED.value})
        pubs = _upsert_curated(session, models.Publication, "pmid", rows["publications.csv"],
                               {"origin": RowOrigin.CURATED.value})
        removed = {"trials_removed": _remove_dropped(session, models.Trial, "registry_id", rows["trials.csv"]),
                   "publications_removed": _remove_dropped(session, models.Publication, "pmid",
                                                           rows["publications.csv"])}
        session.merge(models.Meta(key=DATA_HASH_KEY, value=data_hash(data_dir)))
    counts = {"cohorts": len(rows["cohorts.csv"]), "reports": len(rows["reports.csv"]),
              "outcomes": len(rows["outcomes.csv"]), "trials": trials, "publications": pubs,
              **{k: n for k, n in removed.items() if n}}
    log.info("loaded curated data from %s: %s", data_dir, counts)
    return counts


def _insert_reports(session: Session, rows: list[dict]) -> None:
    """Insert reports so that a superseded report always exists before its successor."""
    pending = {r["report_id"]: r for r in rows}
    done: set[str] = set()
    while pending:
        ready = [r for r in pending.values() if not r.get("supersedes") or r["supersedes"] in done]
        for r in ready:
            session.add(models.Report(**r))
            done.add(r["report_id"])
            del pending[r["report_id"]]
        session.flush()


def stored_data_hash(engine: Engine) -> str | None:
    with Session(engine) as session:
        meta = session.get(models.Meta, DATA_HASH_KEY)
        return meta.value if meta else None


def _cell(col: Column, value: Any) -> str:
    if col.kind == "list":
        return ";".join(value or [])
    if col.kind == "counts":
        return ";".join(f"{code}:{n}" for code, n in (value or {}).items())
    if value is None:
        return ""
    if col.kind == "bool":
        return "true" if value else "false"
    if col.kind == "float":
        return f"{value:g}"
    return str(value)


def _export_rows(session: Session, spec: FileSpec, include_harvested: bool) -> list[list[str]]:
    stmt = select(spec.model)
    if spec in (TRIALS, PUBLICATIONS) and not include_harvested:
        stmt = stmt.where(spec.model.origin == RowOrigin.CURATED.value)
    objects = session.execute(stmt).scalars().all()
    rows = [[_cell(c, getattr(o, c.field)) for c in spec.columns] for o in objects]
    key_idx = [[c.name for c in spec.columns].index(k) for k in spec.key]
    return sorted(rows, key=lambda r: [r[i] for i in key_idx])


def export_curated(engine: Engine, out_dir: Path, include_harvested: bool = False) -> dict[str, int]:
    """Write the curated tables back to CSV files in the layout they were loaded from."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    with Session(engine) as session:
        for spec in FILES:
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow([c.name for c in spec.columns])
            rows = _export_rows(session, spec, include_harvested)
            writer.writerows(rows)
            (out_dir / spec.filename).write_text(buf.getvalue(), encoding="utf-8")
            counts[spec.filename] = len(rows)
    return counts


__all__ = [
    "CuratedDataError", "RowError", "data_hash", "export_curated", "load_curated",
    "read_curated", "stored_data_hash",
]
