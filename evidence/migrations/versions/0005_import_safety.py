"""import safety: record revisions, retraction notices, fields a partial trial record did not give

``publication.date_revised``, ``pmid_version`` and ``dtd_date`` let an import
keep the newer of two copies of a record; ``retracted``, ``corrections`` and
``retraction_seen`` flag reports PubMed marks as retracted (or corrected, or
of concern). ``trial.unknown_fields`` lists the fields no record seen so far
gave (a ``fields=``-limited download), so a later record fills them in.
Plain ADD/DROP COLUMN (no table rebuild), so the full-text triggers of
0002 stay attached to the publication table.

Revision ID: 0005_import_safety
Revises: 0004_durability
Create Date: 2026-12-01
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005_import_safety"
down_revision = "0004_durability"
branch_labels = None
depends_on = None

_COLUMNS = (
    sa.Column("date_revised", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""),
    sa.Column("pmid_version", sa.Integer(), nullable=False, server_default="1"),
    sa.Column("dtd_date", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""),
    sa.Column("retracted", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("corrections", sa.JSON(), nullable=False, server_default="[]"),
    sa.Column("retraction_seen", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
)


def upgrade() -> None:
    for column in _COLUMNS:
        op.add_column("publication", column)
    op.create_index("ix_publication_retracted", "publication", ["retracted"])
    op.add_column("trial", sa.Column("unknown_fields", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    op.drop_column("trial", "unknown_fields")
    op.drop_index("ix_publication_retracted", table_name="publication")
    for column in reversed(_COLUMNS):
        op.drop_column("publication", column.name)
