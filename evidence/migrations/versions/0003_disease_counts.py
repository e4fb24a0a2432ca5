"""patients per disease of a report (mixed-disease cohorts)

A whole-cohort number of a mixed cohort (4 SLE, 3 myositis, 1 SSc) is not an
SLE number; the analysis set needs the split to say so, and to let a
reviewer include a cohort in which the disease is the majority.

Revision ID: 0003_disease_counts
Revises: 0002
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_disease_counts"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report") as batch:
        batch.add_column(sa.Column("disease_counts", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("report") as batch:
        batch.drop_column("disease_counts")
