"""The audit trail: every change the workbench makes, field by field, append-only.

Workbench functions call ``record_change`` with the state before and after;
one ``AuditEntry`` per changed field says who, when, which row, old and new
value (as JSON text) and why. Entries of one action share a ``change`` id, so
``undo`` can put back what one action did, itself as a new, recorded action.
The database refuses UPDATE and DELETE on the trail (migration 0007_workbench).
"""

from __future__ import annotations

import csv
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, TextIO

from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from evidence import models, roles
from evidence.formula_safe import neutralise
from evidence.models import AuditEntry, utcnow
from evidence.vocab import AuditAction

CSV_COLUMNS = ("id", "at", "reviewer", "action", "entity", "entity_id", "field", "old", "new", "why", "change")


@dataclass(frozen=True)
class Entity:
    """How an audited entity maps to its table: the model and how its key reads as text."""

    name: str
    model: type[SQLModel]
    key: tuple[str, ...]

    def key_of(self, row: SQLModel | dict) -> str:
        get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
        return "|".join(str(get(k)) for k in self.key)

    def find(self, session: Session, entity_id: str) -> SQLModel | None:
        values = dict(zip(self.key, entity_id.split("|")))
        stmt = select(self.model)
        for name, value in values.items():
            stmt = stmt.where(getattr(self.model, name) == _typed(self.model, name, value))
        return session.execute(stmt).scalars().first()


def _typed(model: type[SQLModel], name: str, value: str) -> Any:
    annotation = str(model.model_fields[name].annotation)
    return int(value) if "int" in annotation and value.lstrip("-").isdigit() else value


#: Team membership (evidence.roles): recorded here, changed only with `evidence users`, never undone by ``undo``.
TEAM_MEMBER = "team_member"

ENTITIES: dict[str, Entity] = {e.name: e for e in (
    Entity("screening", models.ScreeningDecision, ("pmid", "reviewer", "stage")),
    Entity("exclusion_reason", models.ExclusionReason, ("code",)),
    Entity("cohort", models.Cohort, ("cohort_id",)),
    Entity("report", models.Report, ("report_id",)),
    Entity("outcome", models.Outcome, ("report_id", "outcome", "subgroup", "variant")),
    Entity("trial", models.Trial, ("registry_id",)),
    Entity(TEAM_MEMBER, models.TeamMember, ("email",)),
)}


class UndoError(ValueError):
    """An action cannot be undone (unknown, or its rows changed since)."""


def new_change() -> str:
    """A fresh id for one workbench action."""
    return uuid.uuid4().hex


def as_text(value: Any) -> str | None:
    """A value as the trail stores it: JSON text (None stays None: absent)."""
    if value is None:
        return None
    return json.dumps(value.isoformat() if isinstance(value, datetime) else value, ensure_ascii=False,
                      sort_keys=True, default=str)


def from_text(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def snapshot(row: SQLModel | None, skip: Iterable[str] = ("id",)) -> dict[str, Any] | None:
    """The audited fields of a row (surrogate ids left out: they mean nothing to a reader)."""
    if row is None:
        return None
    return {k: v for k, v in row.model_dump().items() if k not in set(skip)}


def record_change(session: Session, *, reviewer: str, entity: str, entity_id: str, before: dict | None,
                  after: dict | None, why: str = "", change: str | None = None) -> list[AuditEntry]:
    """Append one entry per field that differs between ``before`` and ``after`` (None: absent row)."""
    if entity not in ENTITIES:
        raise ValueError(f"unknown audited entity {entity!r}")
    action = (AuditAction.CREATE if before is None else AuditAction.DELETE if after is None
              else AuditAction.UPDATE).value
    before, after = before or {}, after or {}
    change = change or new_change()
    now = utcnow()
    entries = [AuditEntry(at=now, reviewer=reviewer, action=action, entity=entity, entity_id=entity_id,
                          field=name, old=as_text(before.get(name)), new=as_text(after.get(name)), why=why,
                          change=change)
               for name in sorted(set(before) | set(after))
               if as_text(before.get(name)) != as_text(after.get(name)) or action != AuditAction.UPDATE]
    session.add_all(entries)
    return entries


def history(session: Session, entity: str | None = None, entity_id: str | None = None,
            change: str | None = None) -> list[AuditEntry]:
    """The trail, oldest first, optionally for one entity, one row or one action."""
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if entity_id:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    if change:
        stmt = stmt.where(AuditEntry.change == change)
    return list(session.execute(stmt).scalars())


@dataclass(frozen=True)
class Action:
    """One recorded action (entries sharing a change id), as a list of actions to undo shows it."""

    change: str
    at: datetime
    reviewer: str
    action: str  # create | update | delete (of its first row)
    entity: str
    rows: tuple[str, ...]  # entity ids it touched
    fields: int  # entries it wrote
    why: str


def recent_actions(session: Session, limit: int = 50, entity: str | None = None) -> list[Action]:
    """The latest actions, newest first (optionally only those touching one entity)."""
    changes = select(AuditEntry.change).group_by(AuditEntry.change).order_by(func.max(AuditEntry.id).desc())
    if entity:
        changes = changes.where(AuditEntry.entity == entity)
    ids = list(session.execute(changes.limit(limit)).scalars())
    entries: dict[str, list[AuditEntry]] = {c: [] for c in ids}
    for e in session.execute(select(AuditEntry).where(AuditEntry.change.in_(ids)).order_by(AuditEntry.id)).scalars():
        entries[e.change].append(e)
    return [Action(c, es[0].at, es[0].reviewer, es[0].action, es[0].entity,
                   tuple(dict.fromkeys(e.entity_id for e in es)), len(es), es[0].why)
            for c, es in entries.items() if es]


def _safe(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    return neutralise("" if value is None else value.isoformat() if isinstance(value, datetime) else str(value))


def export_csv(session: Session, out: TextIO) -> int:
    """Write the whole trail as CSV (one row per changed field); return the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    entries = history(session)
    writer.writerows([_safe(getattr(e, c)) for c in CSV_COLUMNS] for e in entries)
    return len(entries)


def undo(session: Session, change: str, *, reviewer: str, why: str = "") -> str:
    """Put back what action ``change`` did, as a new recorded action; return its id.

    Refused when a row the action touched has changed since (undo the later
    action first), so an undo never overwrites someone else's work.
    """
    entries = history(session, change=change)
    if not entries:
        raise UndoError(f"no recorded action {change!r}")
    if any(e.entity == TEAM_MEMBER for e in entries):  # a role is the server administrator's to give or take
        raise UndoError("a change of team membership is not undone in the workbench; whoever holds the database's "
                        "credentials changes it with `evidence users set-role` (which is recorded too)")
    roles.require_roles(session, reviewer, [roles.undo_action(e, reviewer) for e in entries])
    rows: dict[tuple[str, str], list[AuditEntry]] = {}
    for e in entries:
        rows.setdefault((e.entity, e.entity_id), []).append(e)
    undo_id = new_change()
    for (entity_name, entity_id), fields in reversed(list(rows.items())):
        entity = ENTITIES[entity_name]
        _check_latest(session, entity_name, entity_id, change)
        current = entity.find(session, entity_id)
        before = snapshot(current)
        action = fields[0].action
        if action == AuditAction.CREATE:
            if current is not None:
                session.delete(current)
            after = None
        else:
            restored = {f.field: _restored(entity.model, f.field, from_text(f.old)) for f in fields}
            if current is None:
                current = entity.model(**restored)
                session.add(current)
            else:
                for name, value in restored.items():
                    setattr(current, name, value)
            after = snapshot(current)
        session.flush()
        record_change(session, reviewer=reviewer, entity=entity_name, entity_id=entity_id, before=before,
                      after=after, why=why or f"undo of {change}", change=undo_id)
    return undo_id


def _restored(model: type[SQLModel], name: str, value: Any) -> Any:
    """A value read back from the trail, with its type (timestamps are stored as ISO text)."""
    if isinstance(value, str) and "datetime" in str(model.model_fields[name].annotation):
        return datetime.fromisoformat(value)
    return value


def _check_latest(session: Session, entity: str, entity_id: str, change: str) -> None:
    last = session.execute(select(AuditEntry.change).where(AuditEntry.entity == entity,
                                                           AuditEntry.entity_id == entity_id)
                           .order_by(AuditEntry.id.desc()).limit(1)).scalar_one()
    if last != change:
        raise UndoError(f"{entity} {entity_id} changed after action {change} (by {last}); undo that first")


__all__ = ["ENTITIES", "TEAM_MEMBER", "Action", "UndoError", "as_text", "export_csv", "from_text", "history",
           "new_change", "recent_actions", "record_change", "snapshot", "undo"]
