"""The options that choose an analysis, shared by `evidence pool --outcome` and `evidence export`.

One definition of each option (name, help, default) and one function that
turns their values into the library's ``Selection``, so the two commands
accept the same words and the same codes as the Meta-analysis page; and the
language they write in (``--lang``), checked in one place.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from evidence.vocab import CiMethod, PoolModel, PoolTransform, SubgroupBy, Tau2Method

Diseases = Annotated[list[str] | None, typer.Option(
    "--disease", help="Disease code(s) of the analysis (repeat or comma-separate).")]
Targets = Annotated[list[str] | None, typer.Option("--target", help="CAR target code(s).")]
Constructs = Annotated[list[str] | None, typer.Option("--construct", help="Construct code(s).")]
Populations = Annotated[list[str] | None, typer.Option("--population", help="Population code(s).")]
Kinds = Annotated[list[str] | None, typer.Option("--kind", help="Report kind code(s).")]
AllReports = Annotated[bool, typer.Option("--all-reports", help="Pool every report, not one per cohort "
                                          "(counts re-reported patients twice).")]
IncludeMixed = Annotated[bool, typer.Option("--include-mixed", help="With --disease: include mixed cohorts in "
                                            "which the disease is the majority.")]
Model = Annotated[PoolModel, typer.Option("--model", help="GLMM (default), random or common effect.")]
Transform = Annotated[PoolTransform, typer.Option("--transform", help="Scale for re/fe.")]
Tau2 = Annotated[Tau2Method, typer.Option("--tau2", help="tau^2 estimator for re.")]
Ci = Annotated[CiMethod, typer.Option("--ci", help="z, Hartung-Knapp (metafor knha) or HK ad hoc.")]
Lang = Annotated[str, typer.Option("--lang", help="Language of what is written for people (headers, labels, "
                                   "reasons, numbers, the plot): en or it; codes, data, JSON keys and file names "
                                   "stay the same.")]


def check_language(lang: str) -> None:
    """A language the interface has; a ValueError naming the choices otherwise (exit 2)."""
    from evidence.i18n import LANGUAGES

    if lang not in LANGUAGES:
        raise ValueError(f"--lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")


def codes(values: list[str] | None) -> tuple[str, ...]:
    """Repeated or comma-separated option values: --disease sle --disease ssc or --disease sle,ssc."""
    return tuple(v.strip() for value in values or () for v in value.split(",") if v.strip())


def check_codes(outcome: str, filters: dict[str, tuple[str, ...]], by: str | None) -> None:
    """Every code must be the vocabulary's; a ValueError names the one that is not (exit 2)."""
    from evidence.vocab import Construct, Disease, Outcome, Population, ReportKind, Target

    vocabularies = {"diseases": Disease, "targets": Target, "constructs": Construct, "populations": Population,
                    "kinds": ReportKind}
    Outcome.parse(outcome)
    for name, values in filters.items():
        for code in values:
            vocabularies[name].parse(code)
    if by is not None:
        SubgroupBy.parse(by)


def build_selection(outcome: str, disease: list[str] | None, target: list[str] | None,
                    construct: list[str] | None, population: list[str] | None, kind: list[str] | None,
                    all_reports: bool, include_mixed: bool, method: tuple, by: str | None) -> Any:
    """The library's ``Selection`` from command-line values; an unknown code is a ValueError (exit 2)."""
    from evidence.outcome_analysis import Method, Selection

    filters = {"diseases": codes(disease), "targets": codes(target), "constructs": codes(construct),
               "populations": codes(population), "kinds": codes(kind)}
    check_codes(outcome, filters, by)
    return Selection(outcome, **filters, cohort_aware=not all_reports, include_mixed=include_mixed,
                     method=Method(*method), by=by or SubgroupBy.NONE.value)
