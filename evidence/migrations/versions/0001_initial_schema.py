"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('cohort',
    sa.Column('cohort_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('centre', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('product', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('registry_ids', sa.JSON(), nullable=False),
    sa.Column('grouping_evidence', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('grouping_inferred', sa.Boolean(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('cohort_id')
    )
    op.create_table('harvestrun',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('fetched', sa.Integer(), nullable=False),
    sa.Column('new', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('cursor', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('pid', sa.Integer(), nullable=True),
    sa.Column('hostname', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('harvestrun', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_harvestrun_source'), ['source'], unique=False)

    op.create_table('meta',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('publication',
    sa.Column('pmid', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('abstract', sa.Text(), nullable=False),
    sa.Column('journal', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('journal_iso', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pub_date', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pub_year', sa.Integer(), nullable=True),
    sa.Column('doi', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('pmcid', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('authors', sa.JSON(), nullable=False),
    sa.Column('publication_types', sa.JSON(), nullable=False),
    sa.Column('mesh_terms', sa.JSON(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('registry_ids', sa.JSON(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('diseases', sa.JSON(), nullable=False),
    sa.Column('targets', sa.JSON(), nullable=False),
    sa.Column('car_construct', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('population', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('raw_xml', sa.Text(), nullable=True),
    sa.Column('first_seen', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_seen', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('pmid')
    )
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_doi'), ['doi'], unique=False)

    op.create_table('publicationtriallink',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pmid', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('registry_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('matched_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('pmid', 'registry_id', 'method', name='uq_link')
    )
    with op.batch_alter_table('publicationtriallink', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publicationtriallink_pmid'), ['pmid'], unique=False)
        batch_op.create_index(batch_op.f('ix_publicationtriallink_registry_id'), ['registry_id'], unique=False)

    op.create_table('trial',
    sa.Column('registry_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('registry_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('brief_title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('official_title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('acronym', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('why_stopped', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('phases', sa.JSON(), nullable=False),
    sa.Column('study_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('enrollment', sa.Integer(), nullable=True),
    sa.Column('enrollment_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('start_date', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('primary_completion_date', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('completion_date', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('first_posted', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('last_update_posted', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('sponsor', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('collaborators', sa.JSON(), nullable=False),
    sa.Column('conditions', sa.JSON(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('interventions', sa.JSON(), nullable=False),
    sa.Column('min_age', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('max_age', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('age_groups', sa.JSON(), nullable=False),
    sa.Column('paediatric', sa.Boolean(), nullable=True),
    sa.Column('countries', sa.JSON(), nullable=False),
    sa.Column('has_results', sa.Boolean(), nullable=False),
    sa.Column('diseases', sa.JSON(), nullable=False),
    sa.Column('targets', sa.JSON(), nullable=False),
    sa.Column('car_construct', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('product', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('population', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('seen_date', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('raw_json', sa.Text(), nullable=True),
    sa.Column('first_seen', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_seen', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('enrollment IS NULL OR enrollment >= 0', name='ck_trial_enrollment'),
    sa.PrimaryKeyConstraint('registry_id')
    )
    op.create_table('report',
    sa.Column('report_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('cohort_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('supersedes', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('first_author', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('journal', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pmid', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('doi', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('conference', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('abstract_number', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('registry_ids', sa.JSON(), nullable=False),
    sa.Column('diseases', sa.JSON(), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('car_construct', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('product', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('population', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('dose', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('lymphodepletion', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('n_treated', sa.Integer(), nullable=True),
    sa.Column('n_treated_source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('data_cutoff', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('followup', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('followup_months', sa.Float(), nullable=True),
    sa.Column('followup_source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint('n_treated IS NULL OR n_treated >= 0', name='ck_report_n_treated'),
    sa.CheckConstraint('supersedes IS NULL OR supersedes != report_id', name='ck_report_not_self'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.cohort_id'], ),
    sa.ForeignKeyConstraint(['supersedes'], ['report.report_id'], ),
    sa.PrimaryKeyConstraint('report_id')
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_pmid'), ['pmid'], unique=False)

    op.create_table('trialchange',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registry_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('old', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('new', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('observed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('harvest_run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['harvest_run_id'], ['harvestrun.id'], ),
    sa.ForeignKeyConstraint(['registry_id'], ['trial.registry_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('trialchange', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trialchange_observed_at'), ['observed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_trialchange_registry_id'), ['registry_id'], unique=False)

    op.create_table('outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('subgroup', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('variant', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('patients', sa.Integer(), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('definition', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('timepoint', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_location', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint('events <= patients', name='ck_outcome_events_le_patients'),
    sa.CheckConstraint('events >= 0', name='ck_outcome_events_nonneg'),
    sa.CheckConstraint('patients > 0', name='ck_outcome_patients_pos'),
    sa.ForeignKeyConstraint(['report_id'], ['report.report_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('report_id', 'outcome', 'subgroup', 'variant', name='uq_outcome')
    )
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.create_index('ix_outcome_lookup', ['outcome', 'subgroup'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.drop_index('ix_outcome_lookup')

    op.drop_table('outcome')
    with op.batch_alter_table('trialchange', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trialchange_registry_id'))
        batch_op.drop_index(batch_op.f('ix_trialchange_observed_at'))

    op.drop_table('trialchange')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_pmid'))
        batch_op.drop_index(batch_op.f('ix_report_cohort_id'))

    op.drop_table('report')
    op.drop_table('trial')
    with op.batch_alter_table('publicationtriallink', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publicationtriallink_registry_id'))
        batch_op.drop_index(batch_op.f('ix_publicationtriallink_pmid'))

    op.drop_table('publicationtriallink')
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_doi'))

    op.drop_table('publication')
    op.drop_table('meta')
    with op.batch_alter_table('harvestrun', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_harvestrun_source'))

    op.drop_table('harvestrun')
    op.drop_table('cohort')

