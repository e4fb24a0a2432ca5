"""Who may change what: team members, their roles, and the one check every write function makes.

Roles (``vocab.Role``) are cumulative: each may do what the roles before it
may, and an administrator may do everything.

========== ==================================================================
viewer     reads everything, changes nothing (a signed-in person with no row)
screener   screening decisions (``screen``)
extractor  also reports, cohorts, numbers and their corrections (``extract``)
verifier   also verifies numbers, settles screening conflicts and picks a
           report's default number (``verify``, ``resolve``)
admin      also the team's exclusion reasons (``configure``)
========== ==================================================================

Undoing an action needs the role that action needed. Team members are rows of
``TeamMember``, managed with ``evidence users``; whoever runs that command
has the database's credentials and is the administrator of the server. Every
change of membership goes into the audit trail (entity ``team_member``: who
changed whose role, from what to what); it is not undone from the workbench,
only by another ``evidence users`` command, itself recorded.

An install with no team member at all is a single-user install: whoever acts
(the settings' reviewer) acts with every role, as before sign-in existed.
Once one member is registered, an actor without a row is a viewer.

The check lives in the library, not in the pages: hiding a button is a
courtesy, :func:`require_role` is the rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy import func, select
from sqlmodel import Session

from evidence.identity import WorkbenchError
from evidence.models import AuditEntry, TeamMember
from evidence.vocab import AuditAction, Role

_ORDER = tuple(Role)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Action(StrEnum):
    """The kinds of change the workbench makes; each needs a least role."""

    SCREEN = "screen"
    EXTRACT = "extract"
    VERIFY = "verify"
    RESOLVE = "resolve"
    CONFIGURE = "configure"


LEAST_ROLE: dict[Action, Role] = {
    Action.SCREEN: Role.SCREENER,
    Action.EXTRACT: Role.EXTRACTOR,
    Action.VERIFY: Role.VERIFIER,
    Action.RESOLVE: Role.VERIFIER,
    Action.CONFIGURE: Role.ADMIN,
}

#: The action a change to each audited entity needs (``undo`` checks these).
ENTITY_ACTION: dict[str, Action] = {
    "screening": Action.SCREEN,
    "exclusion_reason": Action.CONFIGURE,
    "cohort": Action.EXTRACT,
    "report": Action.EXTRACT,
    "outcome": Action.EXTRACT,
    "trial": Action.EXTRACT,
}


def undo_action(entry: AuditEntry, actor: str) -> Action:
    """The action undoing one audited change needs: the one that change needed, not only its entity's.

    Undoing a verification or a choice of default needs a verifier; undoing another reviewer's screening
    decision, or a conflict's resolution, needs the role that settles conflicts (a screener undoes only
    their own decisions).
    """
    if entry.entity == "outcome" and entry.action == AuditAction.UPDATE and (
            entry.field == "is_default" or (entry.field == "status" and _json_text(entry.new) == "verified")):
        return Action.VERIFY
    if entry.entity == "screening":
        decided_by = entry.entity_id.split("|")[1] if entry.entity_id.count("|") >= 2 else ""
        if decided_by != actor or (entry.field == "resolves_conflict" and _json_text(entry.new) in ("true", "True")):
            return Action.RESOLVE
    return ENTITY_ACTION[entry.entity]


def _json_text(value: str | None) -> str:
    try:
        return str(json.loads(value)) if value is not None else ""
    except ValueError:
        return value or ""


class RoleError(WorkbenchError):
    """The actor's role does not allow the action; nothing was written."""


class TeamError(ValueError):
    """A team member could not be added or changed (bad e-mail, unknown role…); nothing was written."""


def may(role: str, action: Action | str) -> bool:
    """Whether ``role`` allows ``action``."""
    return _ORDER.index(Role(role)) >= _ORDER.index(LEAST_ROLE[Action(action)])


def is_team(session: Session) -> bool:
    """Whether any team member is registered (else: a single-user install, the actor has every role)."""
    return session.execute(select(func.count()).select_from(TeamMember)).scalar_one() > 0


def role_of(session: Session, actor: str) -> Role:
    """The actor's role: admin on a single-user install, else the member's role (viewer without a row)."""
    if not is_team(session):
        return Role.ADMIN
    member = session.get(TeamMember, normalise_email(actor))
    return Role(member.role) if member else Role.VIEWER


def require_role(session: Session, actor: str, action: Action | str) -> None:
    """Raise ``RoleError`` unless ``actor`` may do ``action``: the check every write function makes first."""
    if not actor or not actor.strip():
        raise RoleError("nobody is signed in: sign in to change anything")
    role = role_of(session, actor)
    if not may(role, action):
        least = LEAST_ROLE[Action(action)]
        raise RoleError(f"{actor} is a {role.value}; {Action(action).value} needs the role {least.value} or above "
                        f"(an administrator changes roles with `evidence users set-role`)")


def require_roles(session: Session, actor: str, actions: Sequence[Action | str]) -> None:
    for action in dict.fromkeys(actions):
        require_role(session, actor, action)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _checked(email: str, role: str) -> tuple[str, Role]:
    address = normalise_email(email)
    if not _EMAIL.match(address):
        raise TeamError(f"{email!r} is not an e-mail address")
    try:
        return address, Role.parse(role)
    except ValueError as exc:
        raise TeamError(str(exc)) from None


def add_member(session: Session, email: str, role: str, name: str = "", *, by: str) -> TeamMember:
    """Register a team member (refused when the address is already registered); ``by`` goes into the trail."""
    address, checked_role = _checked(email, role)
    if session.get(TeamMember, address) is not None:
        raise TeamError(f"{address} is already a team member (change the role with `evidence users set-role`)")
    member = TeamMember(email=address, name=" ".join(name.split()), role=checked_role.value)
    session.add(member)
    session.flush()
    _record(session, by, None, member)
    return member


def set_role(session: Session, email: str, role: str, *, by: str) -> TeamMember:
    """Change a registered member's role; ``by`` goes into the trail (nothing is recorded if it stays the same)."""
    from evidence import audit

    address, checked_role = _checked(email, role)
    member = session.get(TeamMember, address)
    if member is None:
        raise TeamError(f"{address} is not a team member (add them with `evidence users add`)")
    before = audit.snapshot(member)
    member.role = checked_role.value
    session.add(member)
    session.flush()
    _record(session, by, before, member)
    return member


def _record(session: Session, by: str, before: dict | None, member: TeamMember) -> None:
    """Append a membership change to the audit trail, in the caller's transaction."""
    from evidence import audit  # audit checks roles for its undo; imported here to keep the two modules acyclic

    actor = " ".join(by.split())
    if not actor:
        raise TeamError("a change of team membership must say who made it")
    audit.record_change(session, reviewer=actor, entity=audit.TEAM_MEMBER, entity_id=member.email, before=before,
                        after=audit.snapshot(member), why="evidence users")


def members(session: Session) -> list[TeamMember]:
    """Every team member, by e-mail."""
    return list(session.execute(select(TeamMember).order_by(TeamMember.email)).scalars())


__all__ = ["Action", "ENTITY_ACTION", "LEAST_ROLE", "RoleError", "TeamError", "add_member", "is_team", "may",
           "members", "normalise_email", "require_role", "require_roles", "role_of", "set_role", "undo_action"]
