"""`evidence whats-new`: the digest of what the last update (or a date) brought, for cron to mail."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from evidence.commands.support import EXIT_USAGE, fail, parse_moment, settings_of, store_with_schema


class DigestFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"
    atom = "atom"


FEED_DAYS = 30  # an Atom feed keeps a month of items, so a reader that polls less often than cron misses none


def whats_new(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(help="Report changes from this date (YYYY-MM-DD).")] = None,
    last_run: Annotated[bool, typer.Option("--last-run", help="What the last update brought "
                                           "(the default when --since is not given).")] = False,
    fmt: Annotated[DigestFormat, typer.Option("--format", help="Output format; atom is a feed of the last "
                                              f"{FEED_DAYS} days unless --since or --last-run is given.")
                    ] = DigestFormat.text,
    app_url: Annotated[str, typer.Option("--app-url", help="With --format atom: the app's address, the feed's "
                                         "home link.")] = "",
) -> None:
    """New publications, new trials and trial changes, ready to be mailed by cron."""
    if since and last_run:
        raise fail("give --since or --last-run, not both", EXIT_USAGE)
    start = parse_moment(since, "--since")
    from sqlmodel import Session

    from evidence import digest

    engine = store_with_schema(settings_of(ctx), readonly=True)
    if fmt is DigestFormat.atom and start is None and not last_run:
        from datetime import datetime, timedelta, timezone

        start = datetime.now(timezone.utc) - timedelta(days=FEED_DAYS)
    with Session(engine) as session:
        result = digest.whats_new(session, start or digest.last_update_start(session))
    if fmt is DigestFormat.atom:
        from evidence.feed import render_atom

        typer.echo(render_atom(result, app_url), nl=False)
    elif fmt is DigestFormat.json:
        typer.echo(digest.render_json(result))
    else:
        typer.echo(digest.render_text(result, markdown=fmt is DigestFormat.markdown), nl=False)


def register(app: typer.Typer) -> None:
    """Add `whats-new`."""
    app.command("whats-new")(whats_new)
