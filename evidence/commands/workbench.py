"""``evidence workbench …``: screen, undo and inspect the reviewer's workbench from the command line.

Every command that changes something acts as ``current_reviewer(settings)``
and needs the workbench switched on (``EVIDENCE_WORKBENCH``); reading the
audit trail and candidate numbers does not. Exit 2 with a message on any
refused action; nothing is written then.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from evidence.commands.support import EXIT_USAGE, fail, settings_of, store_with_schema

group = typer.Typer(name="workbench", help="The reviewer's workbench: screening, audit trail, undo.",
                    no_args_is_help=True)


class Order(StrEnum):
    relevance = "relevance"
    newest = "newest"


class Stage(StrEnum):
    title_abstract = "title_abstract"
    full_text = "full_text"


class Decision(StrEnum):
    include = "include"
    maybe = "maybe"
    exclude = "exclude"


def _reviewer(ctx: typer.Context) -> str:
    from evidence.identity import WorkbenchError, current_reviewer

    try:
        return current_reviewer(settings_of(ctx))
    except WorkbenchError as exc:
        raise fail(str(exc), EXIT_USAGE) from exc


def require_workbench_or_exit(ctx: typer.Context) -> None:
    from evidence.identity import WorkbenchError, require_workbench

    try:
        require_workbench(settings_of(ctx))
    except WorkbenchError as exc:
        raise fail(str(exc), EXIT_USAGE) from exc


@contextmanager
def _writing(ctx: typer.Context, refused: type[Exception] | tuple[type[Exception], ...]) -> Iterator[Any]:
    """A session whose work is committed as one, or rolled back and told (exit 2) when the library refuses it."""
    from sqlmodel import Session

    from evidence.roles import RoleError

    with Session(store_with_schema(settings_of(ctx))) as session:
        try:
            yield session
        except (RoleError, *(refused if isinstance(refused, tuple) else (refused,))) as exc:
            session.rollback()
            raise fail(str(exc), EXIT_USAGE) from exc
        session.commit()


@group.command("queue")
def queue(
    ctx: typer.Context,
    order: Annotated[Order, typer.Option(help="relevance (primary reports citing a base trial first) or newest.")]
    = Order.relevance,
    stage: Annotated[Stage, typer.Option(help="Screening stage.")] = Stage.title_abstract,
    kind: Annotated[Optional[list[str]], typer.Option(help="Only these publication kinds (repeatable).")] = None,
    limit: Annotated[Optional[int], typer.Option(help="At most this many records.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Records waiting for your decision (blind: others' decisions are not shown)."""
    from sqlmodel import Session

    from evidence import screening

    reviewer = _reviewer(ctx)
    with Session(store_with_schema(settings_of(ctx))) as session:
        items = screening.screening_queue(session, reviewer=reviewer, stage=stage.value, order=order.value,
                                          kinds=kind, limit=limit)
    if as_json:
        typer.echo(json.dumps([{"pmid": i.pmid, "title": i.title, "journal": i.journal, "pub_date": i.pub_date,
                                "kind": i.kind, "trials": [t.registry_id for t in i.trials],
                                "duplicate_of": list(i.duplicate_of)} for i in items], indent=2, ensure_ascii=False))
        return
    for i in items:
        flags = "".join([f" [trial {', '.join(t.registry_id for t in i.trials)}]" if i.trials else "",
                         f" [duplicate of {', '.join(i.duplicate_of)}]" if i.duplicate_of else ""])
        typer.echo(f"{i.pmid}  {i.kind:<11} {i.pub_date:<10} {i.title}{flags}")
    typer.echo(f"{len(items)} record(s) waiting", err=True)


@group.command("decide")
def decide(
    ctx: typer.Context,
    pmids: Annotated[list[str], typer.Argument(help="PMIDs to decide (several: one action, recorded per record).")],
    decision: Annotated[Decision, typer.Option(help="include, maybe or exclude.")],
    reason: Annotated[Optional[str], typer.Option(help="Exclusion reason code (see `workbench reasons`).")] = None,
    text: Annotated[str, typer.Option(help="Words for the reason (required for 'other').")] = "",
    stage: Annotated[Stage, typer.Option(help="Screening stage.")] = Stage.title_abstract,
    resolves: Annotated[bool, typer.Option("--resolves", help="This decision settles a conflict.")] = False,
    why: Annotated[str, typer.Option(help="Why, for the audit trail.")] = "",
) -> None:
    """Record your decision on one or more records."""
    from evidence import audit, screening

    reviewer = _reviewer(ctx)
    with _writing(ctx, screening.ScreeningError) as session:
        if resolves:
            change = audit.new_change()
            for pmid in pmids:
                screening.decide(session, pmid, decision.value, reviewer=reviewer, reason=reason,
                                 reason_text=text, stage=stage.value, why=why, resolves_conflict=True,
                                 change=change)
        else:
            change = screening.bulk_decide(session, pmids, decision.value, reviewer=reviewer, reason=reason,
                                           reason_text=text, stage=stage.value, why=why)
    typer.echo(f"{len(set(pmids))} decision(s) recorded; undo with `evidence workbench undo {change}`")


@group.command("reasons")
def reasons(ctx: typer.Context) -> None:
    """The team's exclusion reasons."""
    from sqlmodel import Session

    from evidence import screening

    with Session(store_with_schema(settings_of(ctx))) as session:
        for r in screening.exclusion_reasons(session):
            typer.echo(f"{r.code:<22} {r.label}{' (needs text)' if r.needs_text else ''}")


@group.command("conflicts")
def conflicts(ctx: typer.Context,
              stage: Annotated[Stage, typer.Option(help="Screening stage.")] = Stage.title_abstract) -> None:
    """Records two reviewers decided differently, and each pair's Cohen's kappa."""
    from sqlmodel import Session

    from evidence import screening

    require_workbench_or_exit(ctx)
    with Session(store_with_schema(settings_of(ctx))) as session:
        for c in screening.conflicts(session, stage.value):
            typer.echo(f"{c.pmid}  " + "; ".join(f"{who}: {what}" for who, what in c.decisions.items()))
        for pair in screening.agreement(session, stage.value):
            kappa = "undefined" if pair.kappa is None else f"{pair.kappa:.3f}"
            typer.echo(f"kappa {pair.reviewers[0]} / {pair.reviewers[1]}: {kappa} on {pair.records} record(s)")


@group.command("undo")
def undo(ctx: typer.Context, change: Annotated[str, typer.Argument(help="The action id the trail shows.")],
         why: Annotated[str, typer.Option(help="Why, for the audit trail.")] = "") -> None:
    """Put back what one workbench action did (itself recorded)."""
    from evidence import audit

    reviewer = _reviewer(ctx)
    with _writing(ctx, audit.UndoError) as session:
        undo_id = audit.undo(session, change, reviewer=reviewer, why=why)
    typer.echo(f"undone; the undo is action {undo_id}")


@group.command("audit")
def audit_csv(ctx: typer.Context,
              out: Annotated[Optional[Path], typer.Option(help="Write to this file (default: stdout).")] = None
              ) -> None:
    """The whole audit trail as CSV (who, when, what, old, new, why)."""
    from sqlmodel import Session

    from evidence import audit

    with Session(store_with_schema(settings_of(ctx))) as session:
        if out is None:
            audit.export_csv(session, sys.stdout)
            return
        with out.open("w", encoding="utf-8", newline="") as fh:
            n = audit.export_csv(session, fh)
    typer.echo(f"wrote {n} row(s) to {out}", err=True)


@group.command("candidates")
def candidates(ctx: typer.Context, pmid: Annotated[str, typer.Argument(help="A stored record.")],
               cohort_size: Annotated[Optional[int], typer.Option(help="Denominator of 'all patients' and bare "
                                                                       "percentages (default: the abstract's own, "
                                                                       "or the report's n treated).")] = None
               ) -> None:
    """Counts proposed from a record's abstract: suggestions to check, never stored."""
    from sqlalchemy import select
    from sqlmodel import Session

    from evidence.candidates import find_candidates
    from evidence.models import Publication, Report

    with Session(store_with_schema(settings_of(ctx))) as session:
        pub = session.get(Publication, pmid)
        if pub is None:
            raise fail(f"no record with PMID {pmid!r}", EXIT_USAGE)
        if cohort_size is None:
            cohort_size = session.execute(select(Report.n_treated).where(Report.pmid == pmid)).scalars().first()
        found = find_candidates(f"{pub.title}. {pub.abstract}", cohort_size=cohort_size)
    for c in found:
        count = f"{c.events}/{c.patients}" if c.complete else f"{c.events if c.events is not None else '?'}/?"
        typer.echo(f"{count:<8} {c.outcome or '-':<22} {c.note}\n         “{c.sentence}”")
    if not found:
        typer.echo("no candidate numbers in this abstract", err=True)


def register(app: typer.Typer) -> None:
    """Add ``evidence workbench`` to the ``evidence`` Typer app (entry point ``evidence.commands``)."""
    app.add_typer(group, name="workbench")
