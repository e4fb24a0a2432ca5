"""What the workbench pages share: the navigation entries, who acts, one write = one commit, safe marked text.

The workbench pages appear in the navigation only when the settings switch the
workbench on (``EVIDENCE_WORKBENCH``); `make run` stays a read-only browser.
Each page also refuses to act when it is off, so a stale link does nothing.

Every write goes through ``write``: the library function runs as the current
reviewer (``app_pages.reviewer.current_reviewer``) in its own session and is
committed as one, or rolled back; a refusal of the library (a rule, a missing
permission, a read-only database) comes back as a message and, for form
fields, a mapping field → message, never a traceback. Reads go through
``read``. Neither holds a query: the questions live in the library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app_pages.common import escape_md, get_engine
from app_pages.i18n import N_, _
from app_pages.reviewer import current_reviewer
from evidence.extraction import ExtractionError
from evidence.highlight import highlights, terms_from_file
from evidence.i18n import MISSING
from evidence.identity import WorkbenchError
from evidence.settings import load_settings
from evidence.vocab import ScreeningDecision
from evidence.write_failure import is_busy

T = TypeVar("T")
# A refusal of the library: its own errors are ValueErrors (ScreeningError, ExtractionError, UndoError,
# WorkbenchError); a role check may raise PermissionError.
REFUSALS = (ValueError, PermissionError)
FLASH = "wb_flash"
KEYS = {"i": ScreeningDecision.INCLUDE.value, "m": ScreeningDecision.MAYBE.value, "e": ScreeningDecision.EXCLUDE.value}
DECISIONS = tuple(d.value for d in ScreeningDecision)  # include, maybe, exclude: the order a reviewer reads

PAGES = (  # file, title, icon, url path (stable: part of shared links)
    ("app_pages/workbench_screening.py", N_("Screening"), ":material/checklist:", "workbench-screening"),
    ("app_pages/workbench_conflicts.py", N_("Conflicts"), ":material/compare_arrows:", "workbench-conflicts"),
    ("app_pages/workbench_extraction.py", N_("Extraction"), ":material/edit_note:", "workbench-extraction"),
    ("app_pages/workbench_verification.py", N_("Verification"), ":material/fact_check:", "workbench-verification"),
    ("app_pages/workbench_history.py", N_("History"), ":material/history:", "workbench-history"),
    ("app_pages/workbench_prisma.py", N_("PRISMA flow"), ":material/account_tree:", "workbench-prisma"),
)


def decision_label(code: str) -> str:
    """A screening decision in the session's language."""
    return {"include": _("Include"), "maybe": _("Maybe"), "exclude": _("Exclude")}[code]


def parse_key(text: str, reasons: list[str]) -> tuple[str, str | None, str]:
    """'i' → include; 'm' → maybe; 'e3 words' → exclude for the 3rd reason, with words (ValueError if unreadable)."""
    text = text.strip()
    decision = KEYS.get(text[:1].lower())
    if decision is None:
        raise ValueError(_("Type i (include), m (maybe) or e and a reason number (exclude), then Enter."))
    if decision != ScreeningDecision.EXCLUDE:
        return decision, None, ""
    rest = text[1:].strip()
    digits = "".join(ch for ch in rest[:3] if ch.isdigit())
    if not digits or not 1 <= int(digits) <= len(reasons):
        raise ValueError(_("An exclusion needs the number of its reason (1–{n}), for example e{example}.").format(
            n=len(reasons), example=min(3, len(reasons))))
    return decision, reasons[int(digits) - 1], rest[len(digits):].strip()


def workbench_on() -> bool:
    """Whether the settings switch the workbench on (a broken settings file counts as off)."""
    try:
        return load_settings().workbench
    except ValueError:
        return False


def workbench_pages() -> list[st.Page]:
    """The workbench's navigation entries: none unless the workbench is switched on."""
    if not workbench_on():
        return []
    return [st.Page(path, title=_(title), icon=icon, url_path=url) for path, title, icon, url in PAGES]


def reviewer_or_stop() -> str:
    """The acting reviewer; when nobody may act (workbench off, no name, no right) say so and stop the page."""
    try:
        return current_reviewer()
    except (WorkbenchError, PermissionError) as exc:
        st.error(_("The workbench cannot act: {reason}").format(reason=escape_md(str(exc))), icon=":material/lock:")
        st.stop()


@dataclass
class Result:
    """What a write did: its value, or why nothing was written (a message, and per field for a form)."""

    value: Any = None
    error: str | None = None
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


def write(action: Callable[[Session, str], T]) -> Result:
    """Run ``action(session, reviewer)`` and commit it as one; on a refusal roll back and say why.

    ``action`` returns plain values (ids, counts), never a row: rows expire with the commit.
    """
    try:
        reviewer = current_reviewer()
    except REFUSALS as exc:
        return Result(error=escape_md(str(exc)))
    with Session(get_engine()) as session:
        try:
            value = action(session, reviewer)
            session.commit()
        except ExtractionError as exc:
            session.rollback()
            return Result(error=_("Nothing was saved: fix the fields marked below."), fields=exc.errors)
        except REFUSALS as exc:  # the message may hold an e-mail or a typed value: shown as text (escape_md)
            session.rollback()
            return Result(error=escape_md(str(exc)))
        except SQLAlchemyError as exc:
            session.rollback()
            if is_busy(exc):  # another writer (a big import, the update) kept the lock past the busy timeout
                return Result(error=_("The database is busy with another write (an import or the update); "
                                      "nothing was saved. Try again in a moment."))
            return Result(error=_("The database refused the change ({kind}); nothing was saved.").format(
                kind=type(exc).__name__))
    return Result(value)


def read(question: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Ask the library ``question(session, *args, **kwargs)`` in a session of its own."""
    with Session(get_engine()) as session:
        return question(session, *args, **kwargs)


def flash(kind: str, message: str, change: str | None = None) -> None:
    """Keep a message (and the action it reports, for its undo button) for the next run of the page."""
    st.session_state[FLASH] = (kind, message, change)


def show_flash() -> str | None:
    """Show the kept message once; return the id of the action it reports, if any."""
    kind, message, change = st.session_state.pop(FLASH, (None, None, None))
    if kind == "error":
        st.error(message)
    elif kind:
        st.success(message)
    return change


@st.cache_data(show_spinner=False)
def _search_terms(path: str) -> list[str]:
    try:
        return terms_from_file(Path(path))
    except OSError:
        return []


def marked_text(text: str) -> str:
    """Harvested text as Markdown with the search terms and registry IDs marked, every character escaped.

    The spans come from ``evidence.highlight``; each piece of the text goes
    through ``escape_md``, so a title or abstract can never become a link,
    HTML or formatting of its own.
    """
    terms = _search_terms(load_settings().pubmed_query_file)
    pieces, at = [], 0
    for span in highlights(text or "", terms):
        pieces.append(escape_md(text[at:span.start]))
        colour = "blue" if span.kind == "registry" else "orange"
        pieces.append(f":{colour}-background[{escape_md(span.text)}]")
        at = span.end
    pieces.append(escape_md((text or "")[at:]))
    return "".join(pieces)


def field_error(slot: Any, fields: dict[str, str], name: str) -> None:
    """Show the library's message for ``name`` in the placeholder under its field."""
    if name in fields:
        slot.error(fields[name], icon=":material/error:")


def grid(frame: pd.DataFrame, **kwargs: Any) -> None:
    """A workbench table in Streamlit's grid (columns resized, searched, downloaded), a blank text written "—" as
    the public pages write it, not the grid's "None"."""
    text = [c for c in frame.columns if frame[c].dtype == object or isinstance(frame[c].dtype, pd.StringDtype)]
    st.dataframe(frame.fillna({c: MISSING for c in text}) if text else frame, **kwargs)
