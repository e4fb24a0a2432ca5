"""site repair: sites that 0009 built from a partial registry record become unknown

``0009_trial_sites`` filled ``trialsite`` from each trial's stored registry
JSON and wrote any location with a value. A trial whose stored JSON is a
partial record (a file downloaded with ``fields=``, such as
``fields=NCTId,OverallStatus,LastUpdatePostDate,LocationCountry``, keeps only
the requested leaves: ``{"country": "China"}`` per location) got country-only
rows presented as whole sites (no facility, city or recruitment status), or,
for a module without ``locations``, ``sites_known`` with no site ("no site"
instead of unknown). The harvest now writes sites only whole: in a partial
record an absent location key is unknown, and such sites are not written.

This revision applies that rule to the sites 0009 derived: for each trial
whose stored JSON is partial and whose locations do not give every field of
every site, the sites are removed and ``sites_known`` is cleared (unknown),
provided the stored rows are exactly what 0009 derived from that JSON. Rows
that differ came from another record (a whole one, kept by the harvest) and
stay. A later full record, even an older one, fills the sites again.

The rules are frozen copies (``harvest.ctgov_parse.is_complete``, ``_sites``
and ``SITE_KEYS``; 0009's extraction), so this revision never changes when
the parser does. The downgrade does nothing: the removed rows were never
known sites.

Revision ID: 0010_site_repair
Revises: 0009_trial_sites
Create Date: 2026-12-02
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0010_site_repair"
down_revision = "0009_trial_sites"
branch_labels = None
depends_on = None

_SITE_TEXT = ("facility", "city", "state", "zip", "country", "status")
# Every key a whole location gives (geoPoint holds lat and lon).
_LOCATION_KEYS = (*_SITE_TEXT, "geoPoint")
_REQUIRED_MODULES = ("identificationModule", "statusModule", "sponsorCollaboratorsModule", "conditionsModule",
                     "designModule", "eligibilityModule")


def _complete(study) -> bool:
    """A full registry record (so an absent location key means "none", and 0009 read its sites right)."""
    protocol = study.get("protocolSection")
    status = protocol.get("statusModule") if isinstance(protocol, dict) else None
    return (isinstance(study.get("derivedSection"), dict) and isinstance(protocol, dict)
            and all(isinstance(protocol.get(m), dict) for m in _REQUIRED_MODULES)
            and isinstance(status, dict) and bool(status.get("overallStatus"))
            and bool(status.get("lastUpdatePostDateStruct")) and "hasResults" in study)


def _whole(module) -> bool:
    """A partial record's locations give every field of every site (today's rule writes them)."""
    locations = module.get("locations")
    return "locations" in module and all(
        all(key in loc for key in _LOCATION_KEYS) for loc in (locations if isinstance(locations, list) else [])
        if isinstance(loc, dict))


def _text(node, key):
    value = node.get(key) if isinstance(node, dict) else None
    return value.strip() if isinstance(value, str) else ""


def _coordinate(point, key):
    value = point.get(key) if isinstance(point, dict) else None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _sites_0009(module) -> list[tuple]:
    """The rows 0009 wrote for this module, in its order."""
    rows, locations = [], module.get("locations")
    for loc in locations if isinstance(locations, list) else []:
        if not isinstance(loc, dict):
            continue
        row = (*(_text(loc, key) for key in _SITE_TEXT), _coordinate(loc.get("geoPoint"), "lat"),
               _coordinate(loc.get("geoPoint"), "lon"))
        if any(row):
            rows.append(row)
    return rows


def _derived_from_partial(raw) -> list[tuple] | None:
    """The rows 0009 derived from this stored JSON when today's rule leaves its sites unknown, else None."""
    try:
        study = json.loads(raw)
    except ValueError:
        return None
    protocol = study.get("protocolSection") if isinstance(study, dict) else None
    module = protocol.get("contactsLocationsModule") if isinstance(protocol, dict) else None
    if not isinstance(module, dict) or _complete(study) or _whole(module):
        return None
    return _sites_0009(module)


def upgrade() -> None:
    bind = op.get_bind()
    trial = sa.table("trial", sa.column("registry_id", sa.String), sa.column("raw_json", sa.Text),
                     sa.column("sites_known", sa.Boolean))
    site = sa.table("trialsite", sa.column("registry_id", sa.String), sa.column("position", sa.Integer),
                    *(sa.column(name, sa.String) for name in _SITE_TEXT), sa.column("lat", sa.Float),
                    sa.column("lon", sa.Float))
    known = bind.execute(sa.select(trial.c.registry_id, trial.c.raw_json)
                         .where(trial.c.sites_known.is_(True), trial.c.raw_json.is_not(None))).all()
    for registry_id, raw in known:
        derived = _derived_from_partial(raw)
        if derived is None:
            continue
        stored = [tuple(row) for row in bind.execute(
            sa.select(*(site.c[name] for name in _SITE_TEXT), site.c.lat, site.c.lon)
            .where(site.c.registry_id == registry_id).order_by(site.c.position))]
        if stored != derived:  # the sites came from another, whole record: kept
            continue
        bind.execute(site.delete().where(site.c.registry_id == registry_id))
        bind.execute(trial.update().where(trial.c.registry_id == registry_id).values(sites_known=False))


def downgrade() -> None:
    pass  # the removed rows were never known sites: nothing to restore
