"""``evidence users …``: who may sign in to a team's server, and with which role.

Whoever runs these commands holds the database's credentials, so they are
the server's administrator: the commands themselves check no role. While no
member is registered the install is single-user (the settings' reviewer may
do everything); the first ``users add`` makes it a team, where an actor
without a row is a viewer. Bad input: a message, exit 2, nothing written.
Every change goes into the audit trail, naming who made it: the settings'
reviewer (``EVIDENCE_REVIEWER``) when set, else the account that ran the command.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from evidence.commands.support import EXIT_USAGE, fail, settings_of, store_with_schema

group = typer.Typer(name="users", help="Team members and their roles (viewer, screener, extractor, verifier, admin).",
                    no_args_is_help=True)

ROLE_HELP = "viewer, screener, extractor, verifier or admin (each may do what the ones before it may)."


@contextmanager
def _members(ctx: typer.Context) -> Iterator[Any]:
    """A session committed as one, or rolled back with a message (exit 2) when the change is refused."""
    from sqlmodel import Session

    from evidence.roles import TeamError
    from evidence.write_failure import write_failure

    with Session(store_with_schema(settings_of(ctx))) as session:
        try:
            yield session
            session.commit()
        except TeamError as exc:
            session.rollback()
            raise fail(str(exc), EXIT_USAGE) from exc
        except Exception as exc:  # a store refusing the write (no rights, read-only, full) is a message
            refused = write_failure(exc)
            if refused is None:
                raise
            session.rollback()
            raise fail(refused.message, refused.exit_code) from exc


def _actor(ctx: typer.Context) -> str:
    """Who the audit trail names for a membership change made from the command line."""
    import getpass
    import socket

    reviewer = " ".join(settings_of(ctx).reviewer.split())
    if reviewer:
        return reviewer
    try:
        account = getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        account = "unknown account"
    return f"{account} (command line on {socket.gethostname()})"


@group.command("add")
def add(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The e-mail address the sign-in provider vouches for.")],
    role: Annotated[str, typer.Option(help=ROLE_HELP)],
    name: Annotated[str, typer.Option(help="The person's name, for lists.")] = "",
) -> None:
    """Register a team member with a role."""
    from evidence import roles

    with _members(ctx) as session:
        member = roles.add_member(session, email, role, name, by=_actor(ctx))
        typer.echo(f"{member.email} added as {member.role}")


@group.command("set-role")
def set_role(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="A registered member's e-mail address.")],
    role: Annotated[str, typer.Argument(help=ROLE_HELP)],
) -> None:
    """Change a team member's role."""
    from evidence import roles

    with _members(ctx) as session:
        member = roles.set_role(session, email, role, by=_actor(ctx))
        typer.echo(f"{member.email} is now {member.role}")


@group.command("list")
def list_members(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Team members with their roles (none: a single-user install)."""
    from sqlmodel import Session

    from evidence import roles

    with Session(store_with_schema(settings_of(ctx))) as session:
        rows = roles.members(session)
    if as_json:
        typer.echo(json.dumps([{"email": m.email, "name": m.name, "role": m.role, "added_at": m.added_at.isoformat()}
                               for m in rows], indent=2, ensure_ascii=False))
        return
    for m in rows:
        typer.echo(f"{m.email:<40} {m.role:<10} {m.name}")
    typer.echo(f"{len(rows)} team member(s)" if rows else
               "no team members: a single-user install (the settings' reviewer may do everything)", err=True)


def register(app: typer.Typer) -> None:
    """Add ``evidence users`` to the ``evidence`` Typer app."""
    app.add_typer(group, name="users")
