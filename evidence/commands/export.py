"""``evidence export``: the Export page's files for a selection, for reviewers' scripts and cron.

The same selection options as ``evidence pool --outcome``; the file is built
by ``evidence.analysis_export`` exactly as the app's download button builds
it. A format that the selection cannot fill (no pooled result for a forest
plot, no reference for RIS) exits 2 and says why, writing nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evidence.commands.support import EXIT_USAGE, fail, settings_of, store_with_schema
from evidence.commands.selection_options import (
    AllReports,
    Ci,
    Constructs,
    Diseases,
    IncludeMixed,
    Kinds,
    Lang,
    Model,
    Populations,
    Targets,
    Tau2,
    Transform,
    build_selection,
    check_language,
)
from evidence.vocab import CiMethod, PoolModel, PoolTransform, Tau2Method

FORMATS = ("csv", "studies-csv", "pooled-csv", "xlsx", "json", "selection-json", "ris", "bibtex", "png", "svg")


def export(
    ctx: typer.Context,
    outcome: Annotated[str, typer.Option(help="Outcome code to analyse.")],
    fmt: Annotated[str, typer.Option("--format", help=f"One of: {', '.join(FORMATS)} (csv is the analysis "
                                     "set; json the pooled result with method and notes).")],
    out: Annotated[Path, typer.Option(help="File to write ('-' for standard output).")],
    disease: Diseases = None,
    target: Targets = None,
    construct: Constructs = None,
    population: Populations = None,
    kind: Kinds = None,
    all_reports: AllReports = False,
    include_mixed: IncludeMixed = False,
    model: Model = PoolModel.GLMM,
    transform: Transform = PoolTransform.LOGIT,
    tau2: Tau2 = Tau2Method.REML,
    ci: Ci = CiMethod.Z,
    by: Annotated[str | None, typer.Option(help="Subgroups: subgroup, target, construct, population or kind.")
                  ] = None,
    studies: Annotated[str, typer.Option(help="Study table scope: 'analysis' (the pooled reports) or 'filters' "
                                         "(every report matching the filters).")] = "analysis",
    lang: Lang = "en",
) -> None:
    """Write one export file of an analysis, as the app's Export page would."""
    if fmt not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}", EXIT_USAGE)
    if studies not in ("analysis", "filters"):
        raise fail(f"--studies must be 'analysis' or 'filters', not {studies!r}", EXIT_USAGE)
    try:
        check_language(lang)
        sel = build_selection(outcome, disease, target, construct, population, kind, all_reports, include_mixed,
                              (model.value, transform.value, tau2.value, ci.value, 0.95), by)
    except ValueError as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    from sqlmodel import Session

    from evidence.analysis_export import FORMATS as KEYS
    from evidence.analysis_export import export_files, file_bytes
    from evidence.queries import data_label

    with Session(store_with_schema(settings_of(ctx), readonly=True)) as session:
        files = export_files(session, sel, studies, data_label(session), lang)
    key = KEYS[fmt]
    if key not in files.files:
        raise fail(f"no {fmt} file for this selection: {files.missing.get(key, 'nothing to export')}", EXIT_USAGE)
    data = file_bytes(files, key)
    if str(out) == "-":
        typer.echo(data.decode("utf-8", errors="replace"), nl=False)
    else:
        out.write_bytes(data)
        typer.echo(f"{out}: {files.files[key].name} ({len(data)} bytes)", err=True)


def register(app: typer.Typer) -> None:
    """Add `export`."""
    app.command("export", help="Write one export file of an analysis (the Export page's files).")(export)
