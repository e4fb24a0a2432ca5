"""Copying a whole store to another database (SQLite ⇄ PostgreSQL), proven by per-table checksums.

A team outgrows one laptop: ``copy_store`` moves every table of the schema
into a target that ``init_db`` has brought to the same revision, in one
transaction (a failure leaves the target as it was), and then compares row
counts and a content checksum per table between the two. The checksum is
computed on values as Python sees them (JSON canonicalised, timestamps in
UTC), so it is the same on both back ends and does not depend on row order
or collation.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator

from sqlalchemy import URL, Connection, Engine, Table, delete, func, select, text
from sqlmodel import SQLModel

import evidence.models  # noqa: F401  (registers every table on SQLModel.metadata)
from evidence.db import init_db, schema_version, sqlite_path

BATCH = 1000
_MOD = 1 << 256


class TransferError(RuntimeError):
    """The copy cannot start (non-empty target, different schema versions, same database)."""


@dataclass(frozen=True)
class TableCheck:
    table: str
    source_rows: int
    target_rows: int
    source_checksum: str
    target_checksum: str

    @property
    def ok(self) -> bool:
        return (self.source_rows, self.source_checksum) == (self.target_rows, self.target_checksum)


def store_tables() -> list[Table]:
    """Every table of the schema, parents before children."""
    return list(SQLModel.metadata.sorted_tables)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return aware.astimezone(timezone.utc).isoformat()
    if isinstance(value, float):
        return repr(value)
    return value


def _row_hash(row: Iterable[Any]) -> int:
    payload = json.dumps([_canonical(v) for v in row], sort_keys=True, ensure_ascii=False, default=str)
    return int.from_bytes(hashlib.sha256(payload.encode()).digest(), "big")


def table_checksum(conn: Connection, table: Table) -> tuple[int, str]:
    """(rows, checksum) of a table: the sum of its rows' SHA-256, so row order does not matter."""
    total, rows = 0, 0
    for row in conn.execute(select(*table.columns)).yield_per(BATCH):
        total = (total + _row_hash(row)) % _MOD
        rows += 1
    return rows, f"{total:064x}"


def checksums(engine: Engine) -> dict[str, tuple[int, str]]:
    """(rows, checksum) per table, read in one transaction."""
    with engine.connect() as conn:
        return {t.name: table_checksum(conn, t) for t in store_tables()}


def _only_seed(conn, table: Table) -> bool:
    """A table that a migration fills with defaults holds nothing of anyone's while it holds just those."""
    if table.name != "exclusionreason":
        return False
    from evidence.vocab import DefaultExclusionReason

    rows = set(conn.execute(select(table.c.code, table.c.label)).all())
    return rows <= {(r.value, r.label) for r in DefaultExclusionReason}


def is_empty(engine: Engine) -> bool:
    """Whether no table of the schema holds a row of data (the target of a copy, before it).

    Defaults that a fresh schema seeds (the workbench's exclusion reasons)
    are not data: a freshly initialised target is still empty.
    """
    with engine.connect() as conn:
        return all(conn.execute(select(func.count()).select_from(t)).scalar_one() == 0 or _only_seed(conn, t)
                   for t in store_tables())


def _parents_first(table: Table, rows: list[dict]) -> list[dict]:
    """Rows of a self-referencing table (a report superseding another) ordered so references exist."""
    (child, parent), = [(fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table]
    placed: set = set()
    ordered: list[dict] = []
    pending = rows
    while pending:
        ready = [r for r in pending if r[child] is None or r[child] in placed]
        if not ready:  # a cycle cannot be inserted in any order; let the database say so
            return ordered + pending
        ordered += ready
        placed |= {r[parent] for r in ready}
        done = {id(r) for r in ready}
        pending = [r for r in pending if id(r) not in done]
    return ordered


def _copy_table(source: Connection, target: Connection, table: Table) -> None:
    result = source.execute(select(*table.columns)).mappings()
    if any(fk.column.table is table for fk in table.foreign_keys):
        rows = _parents_first(table, [dict(r) for r in result])
        for start in range(0, len(rows), BATCH):
            target.execute(table.insert(), rows[start:start + BATCH])
        return
    for batch in result.partitions(BATCH):
        target.execute(table.insert(), [dict(r) for r in batch])


def _reset_sequences(target: Connection) -> None:
    """After explicit ids, PostgreSQL's serial counters must continue above them."""
    if target.dialect.name != "postgresql":
        return
    for table in store_tables():
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].autoincrement is not False and pk[0].type.python_type is int:
            name, col = table.name, pk[0].name
            target.execute(text(f"SELECT setval(pg_get_serial_sequence(:t, :c), "
                                f"coalesce((SELECT max({col}) FROM {name}), 0) + 1, false)"),
                           {"t": name, "c": col})


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see one consistent state, while others keep writing."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        else:  # pysqlite begins transactions only before writes; a read snapshot needs an explicit one
            conn.exec_driver_sql("BEGIN")
        yield conn


def same_database(a: Engine, b: Engine) -> bool:
    """Whether two engines reach the same database (read-only and read-write SQLite URLs of one file alike)."""
    if a.dialect.name == b.dialect.name == "sqlite":
        pa, pb = sqlite_path(a.url), sqlite_path(b.url)
        return pa is not None and pb is not None and pa.resolve() == pb.resolve()
    return _where(a.url) == _where(b.url)


def _where(url: URL) -> tuple:
    return url.get_backend_name(), url.host, url.port, url.database, url.query.get("host")


def copy_store(source: Engine, target: Engine, *, force: bool = False) -> list[TableCheck]:
    """Copy every table from ``source`` into ``target`` and check counts and checksums per table.

    The target's schema is created or upgraded first; a target holding any
    row is refused unless ``force`` (then its rows are replaced).
    """
    if same_database(source, target):
        raise TransferError("the source and the target are the same database")
    init_db(target)
    if schema_version(source) != schema_version(target):
        raise TransferError(f"the source is at schema {schema_version(source)}, the target at "
                            f"{schema_version(target)}: run `evidence init` on the source first")
    if not force and not is_empty(target):
        raise TransferError("the target database already holds data; give --force to replace it")
    tables = store_tables()
    with _snapshot(source) as src:
        with target.begin() as dst:
            for table in reversed(tables):
                dst.execute(delete(table))
            for table in tables:
                _copy_table(src, dst, table)
            _reset_sequences(dst)
        before = {t.name: table_checksum(src, t) for t in tables}
    after = checksums(target)
    return [TableCheck(name, before[name][0], after[name][0], before[name][1], after[name][1])
            for name in before]
