"""``evidence prisma``: the PRISMA 2020 flow of the living review, from the database, for scheduled jobs.

``--since DATE`` draws one update's diagram (what was included before the
date forms the "previous studies" arm); ``--format`` picks the PRISMA2020
R package's CSV template, JSON, SVG or PNG; ``--out`` writes a file instead
of standard output; ``--lang it`` draws the diagram (SVG, PNG) in Italian
(the CSV template and JSON keep the package's names for the tools that read them).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer
from evidence.commands.selection_options import check_language
from evidence.commands.support import EXIT_USAGE, fail, parse_moment, settings_of, store_with_schema


class Format(StrEnum):
    csv = "csv"
    json = "json"
    svg = "svg"
    png = "png"


def prisma_command(
    ctx: typer.Context,
    since: Annotated[Optional[str], typer.Option(help="Count the update from this date (YYYY-MM-DD); what was "
                                                     "included before it is the previous-studies arm.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="csv (PRISMA2020 template), json, svg or png.")]
    = Format.csv,
    out: Annotated[Optional[Path], typer.Option(help="Write to this file instead of standard output.")] = None,
    lang: Annotated[str, typer.Option(help="Language of the diagram (svg, png): en or it; the csv template and "
                                      "json stay as the PRISMA2020 tools read them.")] = "en",
) -> None:
    """PRISMA 2020 flow diagram counts of the living review, generated from the database."""
    from sqlmodel import Session

    from evidence import prisma

    try:
        check_language(lang)
    except ValueError as exc:
        raise fail(str(exc), EXIT_USAGE) from None

    start = parse_moment(since, "--since")
    engine = store_with_schema(settings_of(ctx), readonly=True)
    with Session(engine) as session:
        flow = prisma.prisma_flow(session, start)
    if fmt is Format.png:
        data = prisma.render_png(flow, lang=lang)
    elif fmt is Format.svg:
        data = prisma.render_svg(flow, lang).encode("utf-8")
    else:
        render = {Format.csv: prisma.render_csv, Format.json: prisma.render_json}
        data = render[fmt](flow).encode("utf-8")
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        out.write_bytes(data)
        typer.echo(f"wrote {out}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``evidence prisma`` to the ``evidence`` Typer app (entry point ``evidence.commands``)."""
    app.command("prisma")(prisma_command)
