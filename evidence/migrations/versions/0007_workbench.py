"""reviewer's workbench: exclusion reasons, screening decisions, append-only audit trail

The audit trail is append-only in the database itself: triggers refuse
UPDATE and DELETE on ``auditentry``, so no code path can rewrite history.
The exclusion reasons start as the defaults of ``vocab.DefaultExclusionReason``
(copied here so the migration never changes when the vocabulary does).

Revision ID: 0007_workbench
Revises: 0006_postgres_fts
Create Date: 2026-12-01
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007_workbench"
down_revision = "0006_postgres_fts"
branch_labels = None
depends_on = None

DEFAULT_REASONS = [
    ("not_car", "Not CAR or relative", False),
    ("malignancy", "Malignancy indication", False),
    ("review", "Review or commentary", False),
    ("preclinical", "Preclinical", False),
    ("no_patient_results", "No patient-level results", False),
    ("duplicate", "Duplicate of a report in the base", False),
    ("other", "Other (with text)", True),
]
_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    reasons = op.create_table(
        "exclusionreason",
        sa.Column("code", _STR(), nullable=False),
        sa.Column("label", _STR(), nullable=False),
        sa.Column("needs_text", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.bulk_insert(reasons, [{"code": c, "label": label, "needs_text": text, "active": True, "position": i}
                             for i, (c, label, text) in enumerate(DEFAULT_REASONS)])
    op.create_table(
        "screeningdecision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pmid", _STR(), nullable=False),
        sa.Column("reviewer", _STR(), nullable=False),
        sa.Column("stage", _STR(), nullable=False),
        sa.Column("decision", _STR(), nullable=False),
        sa.Column("reason", _STR(), nullable=True),
        sa.Column("reason_text", _STR(), nullable=False),
        sa.Column("resolves_conflict", sa.Boolean(), nullable=False),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["reason"], ["exclusionreason.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pmid", "reviewer", "stage", name="uq_screening_decision"),
        sa.CheckConstraint("decision IN ('include', 'maybe', 'exclude')", name="ck_screening_decision"),
        sa.CheckConstraint("(decision = 'exclude') = (reason IS NOT NULL)", name="ck_screening_reason"),
    )
    op.create_index("ix_screeningdecision_pmid", "screeningdecision", ["pmid"])
    op.create_index("ix_screeningdecision_reviewer", "screeningdecision", ["reviewer"])
    op.create_table(
        "auditentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("reviewer", _STR(), nullable=False),
        sa.Column("action", _STR(), nullable=False),
        sa.Column("entity", _STR(), nullable=False),
        sa.Column("entity_id", _STR(), nullable=False),
        sa.Column("field", _STR(), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("why", _STR(), nullable=False),
        sa.Column("change", _STR(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for col in ("at", "entity", "entity_id", "change"):
        op.create_index(f"ix_auditentry_{col}", "auditentry", [col])
    _append_only()


def _append_only() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER auditentry_no_{verb.lower()} BEFORE {verb} ON auditentry "
                       f"BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END")
    elif dialect == "postgresql":
        op.execute("CREATE FUNCTION auditentry_append_only() RETURNS trigger AS $$ BEGIN "
                   "RAISE EXCEPTION 'the audit trail is append-only'; END; $$ LANGUAGE plpgsql")
        op.execute("CREATE TRIGGER auditentry_append_only BEFORE UPDATE OR DELETE ON auditentry "
                   "FOR EACH ROW EXECUTE FUNCTION auditentry_append_only()")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS auditentry_no_update")
        op.execute("DROP TRIGGER IF EXISTS auditentry_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS auditentry_append_only ON auditentry")
        op.execute("DROP FUNCTION IF EXISTS auditentry_append_only()")
    op.drop_table("auditentry")
    op.drop_table("screeningdecision")
    op.drop_table("exclusionreason")
