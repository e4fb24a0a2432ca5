"""trial sites and eligibility: trialsite table, trial.eligibility_criteria / sex / healthy_volunteers / sites_known

A clinician looking for a trial to refer a patient to needs the sites (city,
country, recruitment status) and the eligibility text of the registry
record, which the harvest already fetched and kept in ``trial.raw_json``.
The upgrade fills the new columns from that stored JSON, so a database
harvested before this revision shows sites without waiting for the trials to
change in the registry, and drops the contact persons (names, phones,
e-mails) from the stored JSON: the store keeps no personal contact data.

The extraction is a frozen copy of the parser's rules (``harvest.ctgov_parse``
``_sites``, ``_criteria``, ``without_contacts``), so this revision never
changes when the parser does. A record without ``contactsLocationsModule``
leaves its sites unknown (``sites_known`` false), never "no site". The
downgrade drops the table and columns; the contacts removed from the JSON
do not come back (they are not the store's to keep).

Revision ID: 0009_trial_sites
Revises: 0008_users
Create Date: 2026-12-02
"""
import json

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009_trial_sites"
down_revision = "0008_users"
branch_labels = None
depends_on = None

_STR = sqlmodel.sql.sqltypes.AutoString
_SITE_TEXT = ("facility", "city", "state", "zip", "country", "status")


def _text(node, key):
    value = node.get(key) if isinstance(node, dict) else None
    return value.strip() if isinstance(value, str) else ""


def _coordinate(point, key):
    value = point.get(key) if isinstance(point, dict) else None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _sites(module):
    rows, locations = [], module.get("locations")
    for loc in locations if isinstance(locations, list) else []:
        if not isinstance(loc, dict):
            continue
        row = {key: _text(loc, key) for key in _SITE_TEXT}
        row["lat"], row["lon"] = _coordinate(loc.get("geoPoint"), "lat"), _coordinate(loc.get("geoPoint"), "lon")
        if any(row.values()):
            rows.append(row)
    return rows


def _without_contacts(study, protocol, module):
    cleaned = {k: v for k, v in module.items() if k != "centralContacts"}
    if isinstance(module.get("locations"), list):
        cleaned["locations"] = [{k: v for k, v in loc.items() if k != "contacts"} if isinstance(loc, dict) else loc
                                for loc in module["locations"]]
    return {**study, "protocolSection": {**protocol, "contactsLocationsModule": cleaned}}


def _backfill(bind, trial, site) -> None:
    """Eligibility, sites and contact-free JSON from the registry records already stored."""
    rows = bind.execute(sa.select(trial.c.registry_id, trial.c.raw_json).where(trial.c.raw_json.is_not(None))).all()
    for registry_id, raw in rows:
        try:
            study = json.loads(raw)
        except ValueError:
            continue
        protocol = study.get("protocolSection") if isinstance(study, dict) else None
        if not isinstance(protocol, dict):
            continue
        values = {}
        eligibility = protocol.get("eligibilityModule")
        if isinstance(eligibility, dict):
            criteria = eligibility.get("eligibilityCriteria")
            values["eligibility_criteria"] = criteria.replace("\r\n", "\n").strip() if isinstance(criteria, str) else ""
            values["sex"] = _text(eligibility, "sex")
            volunteers = eligibility.get("healthyVolunteers")
            values["healthy_volunteers"] = volunteers if isinstance(volunteers, bool) else None
        module = protocol.get("contactsLocationsModule")
        if isinstance(module, dict):
            sites = _sites(module)
            if sites:
                bind.execute(site.insert(), [{"registry_id": registry_id, "position": i, **s}
                                             for i, s in enumerate(sites)])
            values["sites_known"] = True
            values["raw_json"] = json.dumps(_without_contacts(study, protocol, module), ensure_ascii=False,
                                            separators=(",", ":"))
        if values:
            bind.execute(trial.update().where(trial.c.registry_id == registry_id).values(**values))


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy), as in 0004.
    op.add_column("trial", sa.Column("eligibility_criteria", sa.Text(), nullable=False, server_default=""))
    op.add_column("trial", sa.Column("sex", _STR(), nullable=False, server_default=""))
    op.add_column("trial", sa.Column("healthy_volunteers", sa.Boolean(), nullable=True))
    op.add_column("trial", sa.Column("sites_known", sa.Boolean(), nullable=False, server_default=sa.false()))
    site = op.create_table(
        "trialsite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registry_id", _STR(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *(sa.Column(name, _STR(), nullable=False) for name in _SITE_TEXT),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["registry_id"], ["trial.registry_id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_trialsite_registry_id", "trialsite", ["registry_id"])
    trial = sa.table("trial", sa.column("registry_id", sa.String), sa.column("raw_json", sa.Text),
                     sa.column("eligibility_criteria", sa.Text), sa.column("sex", sa.String),
                     sa.column("healthy_volunteers", sa.Boolean), sa.column("sites_known", sa.Boolean))
    _backfill(op.get_bind(), trial, site)


def downgrade() -> None:
    op.drop_index("ix_trialsite_registry_id", table_name="trialsite")
    op.drop_table("trialsite")
    for column in ("sites_known", "healthy_volunteers", "sex", "eligibility_criteria"):
        op.drop_column("trial", column)
