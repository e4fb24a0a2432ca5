"""full-text search on PostgreSQL: a generated tsvector column with a GIN index

The PostgreSQL counterpart of revision 0002 (SQLite FTS5), over the same
columns. A stored generated column is computed by the server on every write,
so, as with the SQLite triggers, no write path has to remember it. The
``simple`` configuration lower-cases without stemming (FTS5's unicode61
does the same), and accents are folded with ``translate`` (immutable, no
extension needed), matching FTS5's ``remove_diacritics``; the search side
folds the words typed the same way (``evidence.search``). SQLite skips this
revision.

Revision ID: 0006_postgres_fts
Revises: 0005_import_safety
Create Date: 2026-12-01
"""
import unicodedata

from alembic import op

revision = "0006_postgres_fts"
down_revision = "0005_import_safety"
branch_labels = None
depends_on = None

COLUMN = "search_vector"
_INDEXES = {
    "publication": ("title", "abstract", "journal"),
    "report": ("label", "title", "journal", "product", "notes"),
}


def _accent_map() -> tuple[str, str]:
    """Latin letters with diacritics (U+00C0–U+024F) and their bare letters, for translate()."""
    accented, bare = "", ""
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if len(base) == 1 and base != char:
            accented, bare = accented + char, bare + base
    return accented, bare


def _expression(cols: tuple[str, ...]) -> str:
    accented, bare = _accent_map()
    text = " || ' ' || ".join(f"coalesce({c}, '')" for c in cols)
    return f"to_tsvector('simple'::regconfig, translate({text}, '{accented}', '{bare}'))"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, cols in _INDEXES.items():
        op.execute(f"ALTER TABLE {table} ADD COLUMN {COLUMN} tsvector "
                   f"GENERATED ALWAYS AS ({_expression(cols)}) STORED")
        op.execute(f"CREATE INDEX ix_{table}_{COLUMN} ON {table} USING gin ({COLUMN})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _INDEXES:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_{COLUMN}")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {COLUMN}")
