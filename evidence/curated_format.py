"""Column specifications of the curated CSV files (see ``data/SCHEMA.md``).

One ``Column`` per CSV column says how a cell becomes a model attribute and
back, so loading and exporting are the same table read in two directions and
a round trip gives identical files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from evidence import models
from evidence.ages import AGE_PATTERN
from evidence.vocab import (
    Construct,
    Disease,
    NumberStatus,
    Outcome,
    Population,
    Registry,
    ReportKind,
    Target,
    TrialPhase,
    TrialStatus,
)

PARTIAL_DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PHASES = {p.value for p in TrialPhase}
STATUSES = {s.value for s in TrialStatus}


@dataclass(frozen=True)
class Column:
    name: str  # CSV header
    kind: str = "str"  # str | int | float | bool | list | counts (code:n;code:n)
    attr: str | None = None  # model attribute, if not the same as name
    required: bool = False
    check: Callable[[Any], str | None] | None = None  # returns an error message or None

    @property
    def field(self) -> str:
        return self.attr or self.name


def _codes(enum) -> Callable[[Any], str | None]:
    allowed = {m.value for m in enum}

    def check(value: Any) -> str | None:
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if v not in allowed]
        if bad:
            return f"unknown {enum.__name__} {bad[0]!r}; expected one of: {', '.join(sorted(allowed))}"
        return None

    return check


def _pattern(regex: re.Pattern[str], what: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if not regex.fullmatch(str(v))]
        return f"malformed {what} {bad[0]!r}" if bad else None

    return check


def _partial_date(value: Any) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD, and a day that exists (no 2024-02-30)."""
    problem = _pattern(PARTIAL_DATE_RE, "partial date (YYYY, YYYY-MM or YYYY-MM-DD)")(value)
    if problem is None and len(value) == 10:
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"no such day {value!r}"
    return problem


def _subset(allowed: set[str], what: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if v not in allowed]
        return f"unknown {what} {bad[0]!r}" if bad else None

    return check


def _registry_ids(value: Any) -> str | None:
    from evidence.registries import identify, normalise

    for rid in value if isinstance(value, list) else [value]:
        if identify(rid) is None:
            return f"malformed registry ID {rid!r}"
        if normalise(rid) != rid:
            return f"registry ID {rid!r} is not in canonical form ({normalise(rid)!r})"
    return None


def _disease_counts(value: Any) -> str | None:
    return _codes(Disease)(list(value))


def _subgroup(value: Any) -> str | None:
    return None if value == "all" else _codes(Disease)(value)


def _non_negative(value: Any) -> str | None:
    return f"must be >= 0, got {value:g}" if value < 0 else None


_PMID = _pattern(re.compile(r"^[1-9]\d{0,8}$"), "PMID")
# A DOI's suffix may hold almost any printable character, but no space and none of the
# characters that would make it Markdown or a quoted string ([ ] ` " { } | \).
_DOI = _pattern(re.compile(r"10\.\d{4,9}/[^\s\[\]`\"{}|\\]+"), "DOI")
_PMCID = _pattern(re.compile(r"PMC[1-9]\d{0,9}"), "PMCID (PMC and digits)")
_DATE = _partial_date
_SLUG = _pattern(SLUG_RE, "identifier (lower-case letters, digits and '-')")
_AGE = _pattern(AGE_PATTERN, "age (as the registry writes it: 18 Years, 6 Months)")


@dataclass(frozen=True)
class FileSpec:
    filename: str
    model: type
    key: tuple[str, ...]
    columns: tuple[Column, ...]


COHORTS = FileSpec("cohorts.csv", models.Cohort, ("cohort_id",), (
    Column("cohort_id", required=True, check=_SLUG),
    Column("name", required=True),
    Column("centre"),
    Column("product"),
    Column("registry_ids", "list", check=_registry_ids),
    Column("grouping_evidence"),
    Column("grouping_inferred", "bool"),
    Column("notes"),
))

REPORTS = FileSpec("reports.csv", models.Report, ("report_id",), (
    Column("report_id", required=True, check=_SLUG),
    Column("cohort_id", required=True),
    Column("supersedes"),
    Column("kind", required=True, check=_codes(ReportKind)),
    Column("label", required=True),
    Column("first_author"),
    Column("year", "int"),
    Column("title"),
    Column("journal"),
    Column("pmid", check=_PMID),
    Column("doi", check=_DOI),
    Column("conference"),
    Column("abstract_number"),
    Column("url"),
    Column("registry_ids", "list", check=_registry_ids),
    Column("diseases", "list", required=True, check=_codes(Disease)),
    Column("target", check=_codes(Target)),
    Column("construct", attr="car_construct", check=_codes(Construct)),
    Column("product"),
    Column("population", check=_codes(Population)),
    Column("dose"),
    Column("lymphodepletion"),
    Column("n_treated", "int"),
    Column("n_treated_source"),
    Column("disease_counts", "counts", check=_disease_counts),
    Column("data_cutoff", check=_DATE),
    Column("followup"),
    Column("followup_months", "float"),
    Column("followup_source"),
    Column("notes"),
    Column("no_numbers_reason"),
))

OUTCOMES = FileSpec("outcomes.csv", models.Outcome, ("report_id", "outcome", "subgroup", "variant"), (
    Column("report_id", required=True),
    Column("outcome", required=True, check=_codes(Outcome)),
    Column("subgroup", required=True, check=_subgroup),
    Column("variant"),
    Column("events", "int", required=True),
    Column("patients", "int", required=True),
    Column("is_default", "bool", required=True),
    Column("definition"),
    Column("timepoint"),
    Column("source", required=True),
    Column("source_location", required=True),
    Column("status", required=True, check=_codes(NumberStatus)),
    Column("note"),
    Column("timepoint_months", "float", check=_non_negative),
))

TRIALS = FileSpec("trials.csv", models.Trial, ("registry_id",), (
    Column("registry_id", required=True, check=_registry_ids),
    Column("registry", attr="registry_name", required=True, check=_codes(Registry)),
    Column("brief_title"),
    Column("acronym"),
    Column("sponsor"),
    Column("product"),
    Column("target", attr="targets", kind="list", check=_codes(Target)),
    Column("construct", attr="car_construct", check=_codes(Construct)),
    Column("diseases", "list", check=_codes(Disease)),
    Column("phases", "list", check=_subset(PHASES, "phase")),
    Column("status", check=_subset(STATUSES, "status")),
    Column("enrollment", "int"),
    Column("enrollment_type", check=_subset({"ACTUAL", "ESTIMATED"}, "enrollment type")),
    Column("start_date", check=_DATE),
    Column("primary_completion_date", check=_DATE),
    Column("completion_date", check=_DATE),
    Column("countries", "list"),
    Column("population", check=_codes(Population)),
    Column("min_age", check=_AGE),
    Column("max_age", check=_AGE),
    Column("seen_date", check=_DATE),
    Column("source"),
    Column("notes"),
))

PUBLICATIONS = FileSpec("publications.csv", models.Publication, ("pmid",), (
    Column("pmid", required=True, check=_PMID),
    Column("doi", check=_DOI),
    Column("pmcid", check=_PMCID),
    Column("title"),
    Column("journal"),
    Column("pub_date", check=_DATE),
    Column("authors", "list"),
    Column("publication_types", "list"),
))

# Load order respects foreign keys.
FILES: tuple[FileSpec, ...] = (COHORTS, REPORTS, OUTCOMES, TRIALS, PUBLICATIONS)
