"""team members and their roles (sign-in on a team server)

One row per person who may change something: the e-mail the sign-in provider
vouches for (lower case) and a role from ``vocab.Role`` (copied into the
check constraint so the migration never changes when the vocabulary does).
An empty table means a single-user install, where the settings' reviewer
acts with every role.

Revision ID: 0008_users
Revises: 0007_workbench
Create Date: 2026-12-02
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008_users"
down_revision = "0007_workbench"
branch_labels = None
depends_on = None

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "teammember",
        sa.Column("email", _STR(), nullable=False),
        sa.Column("name", _STR(), nullable=False),
        sa.Column("role", _STR(), nullable=False),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("email"),
        sa.CheckConstraint("role IN ('viewer', 'screener', 'extractor', 'verifier', 'admin')",
                           name="ck_teammember_role"),
    )


def downgrade() -> None:
    op.drop_table("teammember")
