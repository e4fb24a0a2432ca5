"""Telling a store that refuses writes apart from other errors, on real driver errors."""

from __future__ import annotations

import errno
import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from evidence.write_failure import EXIT_FAILED, EXIT_USAGE, describe, is_busy, write_failure


def _fail(engine, sql: str) -> Exception:
    with pytest.raises(OperationalError) as err, engine.begin() as conn:
        conn.execute(text(sql))
    return err.value


def test_a_full_database_is_a_failed_run(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'full.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x TEXT)"))
    engine.dispose()
    engine = create_engine(f"sqlite:///{tmp_path / 'full.db'}")
    with engine.begin() as conn:  # no more pages than it has: SQLITE_FULL, as on a full disk
        conn.execute(text("PRAGMA max_page_count = 3"))
        exc = pytest.raises(OperationalError, conn.execute,
                            text("INSERT INTO t SELECT hex(randomblob(2000)) FROM (SELECT 1 UNION SELECT 2 "
                                 "UNION SELECT 3 UNION SELECT 4)")).value
    assert "database or disk is full" in str(exc)
    failure = write_failure(exc)
    assert failure.exit_code == EXIT_FAILED and "disk holding the database is full" in failure.message
    assert "[SQL:" not in describe(exc) and "INSERT" not in describe(exc)


def test_a_read_only_database_is_a_configuration_error(tmp_path):
    path = tmp_path / "ro.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    failure = write_failure(_fail(engine, "INSERT INTO t VALUES (1)"))
    assert failure.exit_code == EXIT_USAGE and "read-only" in failure.message


def test_os_errors_and_other_errors():
    assert write_failure(OSError(errno.ENOSPC, "No space left on device")).exit_code == EXIT_FAILED
    assert write_failure(OSError(errno.EROFS, "Read-only file system")).exit_code == EXIT_USAGE
    assert write_failure(ValueError("read-only")) is None  # words alone, outside a driver, are not enough
    assert write_failure(RuntimeError("HTTP 500")) is None and describe(RuntimeError("x")) == "RuntimeError: x"


def test_a_database_kept_busy_by_another_writer_is_a_failed_run_to_try_again(tmp_path):
    path = tmp_path / "busy.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    importer = sqlite3.connect(path)
    importer.execute("BEGIN IMMEDIATE")  # a big import holding the write lock
    importer.execute("INSERT INTO t VALUES (1)")
    impatient = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    exc = _fail(impatient, "INSERT INTO t VALUES (2)")
    importer.rollback()
    assert is_busy(exc) and "database is locked" in str(exc)
    failure = write_failure(exc)
    assert failure.exit_code == EXIT_FAILED and "busy" in failure.message and "run again" in failure.message
    assert not is_busy(RuntimeError("database is locked"))  # words alone, outside a driver, are not enough
