"""durability and missing numbers: report.no_numbers_reason, outcome.timepoint_months

A report with treated patients but no outcome row now says why
(``no_numbers_reason``); an outcome row can say how many months after
infusion its number refers to (``timepoint_months``), which the durability
outcomes read "at last follow-up" need.

Revision ID: 0004_durability
Revises: 0003_disease_counts
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0004_durability"
down_revision = "0003_disease_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): the report table carries the full-text triggers of 0002.
    op.add_column("report", sa.Column("no_numbers_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default=""))
    op.add_column("outcome", sa.Column("timepoint_months", sa.Float(), nullable=True))


def downgrade() -> None:
    op.drop_column("outcome", "timepoint_months")
    op.drop_column("report", "no_numbers_reason")
