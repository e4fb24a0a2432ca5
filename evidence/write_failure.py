"""What a failed write to the store means for the person or the cron job that asked for it.

A database that turns out to be read-only (an immutable file, a read-only
mount, a PostgreSQL standby) is a configuration error: exit 2. A full disk or
an I/O error makes the run fail: exit 1, as does a database kept busy by
another writer beyond the busy timeout (SQLite's "database is locked", e.g.
while a big import writes; running again succeeds). Either way the user gets one line
saying so, never the driver's exception with its SQL and parameters.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass

EXIT_FAILED = 1
EXIT_USAGE = 2

_READ_ONLY_TEXT = ("readonly database", "read-only", "read only")
_FULL_TEXT = ("database or disk is full", "no space left", "disk full", "file too large")
_IO_TEXT = ("disk i/o error",)
_BUSY_TEXT = ("database is locked", "database table is locked")
_BUSY_SQLSTATE = {"55P03"}  # lock_not_available (PostgreSQL's lock_timeout)
_READ_ONLY_ERRNO = {errno.EROFS, errno.EACCES, errno.EPERM}
_FULL_ERRNO = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY_SQLSTATE = {"25006"}  # read_only_sql_transaction
_FULL_SQLSTATE = {"53100"}  # disk_full
_PRIVILEGE_SQLSTATE = {"42501"}  # insufficient_privilege: a PostgreSQL user without write rights


@dataclass(frozen=True)
class WriteFailure:
    """A write the store refused: what to tell the user and the exit code that goes with it."""

    message: str
    exit_code: int

    def __str__(self) -> str:
        return self.message


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc``, the driver error SQLAlchemy wraps, and the exceptions it was raised from."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [getattr(current, "orig", None), current.__cause__, current.__context__]
    return seen


def write_failure(exc: BaseException) -> WriteFailure | None:
    """The store's refusal behind ``exc``, or None when ``exc`` is something else."""
    from sqlalchemy.exc import DBAPIError

    for cause in _causes(exc):
        text = str(cause).split("\n")[0].lower()
        code = getattr(cause, "errno", None)
        state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        is_db = isinstance(cause, DBAPIError) or type(cause).__module__.startswith(("sqlite3", "psycopg"))
        if state in _READ_ONLY_SQLSTATE or (is_db and any(t in text for t in _READ_ONLY_TEXT)) \
                or (isinstance(cause, OSError) and code in _READ_ONLY_ERRNO):
            return WriteFailure("the database is read-only: it cannot be changed here (check the file's "
                                "permissions and mount, or EVIDENCE_DB); nothing more was written", EXIT_USAGE)
        if state in _PRIVILEGE_SQLSTATE:
            return WriteFailure("the database user may not change this database (PostgreSQL: permission denied); "
                                "use the owner's account or ask the administrator to grant write rights; "
                                "nothing was written", EXIT_USAGE)
        if state in _FULL_SQLSTATE or (is_db and any(t in text for t in _FULL_TEXT)) \
                or (isinstance(cause, OSError) and code in _FULL_ERRNO):
            return WriteFailure("the disk holding the database is full: the write was undone; free some "
                                "space and run again", EXIT_FAILED)
        if is_db and any(t in text for t in _IO_TEXT):
            return WriteFailure("the database could not be written (disk I/O error): the write was undone; "
                                "check the disk and run again", EXIT_FAILED)
    if is_busy(exc):
        return WriteFailure("the database is busy: another writer (an import or update) held it longer than the "
                            "busy timeout; the write was undone; run again in a moment", EXIT_FAILED)
    return None


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is the store refusing a write because another writer held the lock too long.

    Nothing is wrong with the database: the same write succeeds once the other
    writer's transaction ends, so the person is told to try again, not to fix anything.
    """
    from sqlalchemy.exc import DBAPIError

    for cause in _causes(exc):
        state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        is_db = isinstance(cause, DBAPIError) or type(cause).__module__.startswith(("sqlite3", "psycopg"))
        if state in _BUSY_SQLSTATE or (is_db and any(t in str(cause).split("\n")[0].lower() for t in _BUSY_TEXT)):
            return True
    return False


def describe(exc: BaseException) -> str:
    """For logs and run rows: the store's refusal in words (no SQL, no parameters), else the exception."""
    failure = write_failure(exc)
    return failure.message if failure is not None else f"{exc.__class__.__name__}: {exc}"
