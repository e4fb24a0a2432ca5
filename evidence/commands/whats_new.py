"""`evidence whats-new`: the digest of what the last update (or a date) brought, for cron to mail."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from evidence.cli_support import EXIT_USAGE, fail, parse_moment, settings_of, store_with_schema


class DigestFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


def whats_new(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(help="Report changes from this date (YYYY-MM-DD).")] = None,
    last_run: Annotated[bool, typer.Option("--last-run", help="What the last update brought "
                                           "(the default when --since is not given).")] = False,
    fmt: Annotated[DigestFormat, typer.Option("--format", help="Output format.")] = DigestFormat.text,
) -> None:
    """New publications, new trials and trial changes, ready to be mailed by cron."""
    if since and last_run:
        raise fail("give --since or --last-run, not both", EXIT_USAGE)
    start = parse_moment(since, "--since")
    from sqlmodel import Session

    from evidence import digest

    engine = store_with_schema(settings_of(ctx))
    with Session(engine) as session:
        result = digest.whats_new(session, start or digest.last_update_start(session))
    if fmt is DigestFormat.json:
        typer.echo(digest.render_json(result))
    else:
        typer.echo(digest.render_text(result, markdown=fmt is DigestFormat.markdown), nl=False)


def register(app: typer.Typer) -> None:
    """Add `whats-new`."""
    app.command("whats-new")(whats_new)
