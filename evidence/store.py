"""Opening the store: settings → engine → schema → curated data, in one call."""

from __future__ import annotations

import logging
from collections.abc import Collection
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from evidence import models
from evidence.curated import data_hash, load_curated, stored_data_hash
from evidence.db import init_db, make_engine
from evidence.settings import Settings

log = logging.getLogger(__name__)

TABLES = (models.Publication, models.Trial, models.TrialChange, models.PublicationTrialLink,
          models.Cohort, models.Report, models.Outcome, models.HarvestRun)


def open_store(settings: Settings) -> Engine:
    """An engine on the configured database (schema not touched)."""
    return make_engine(settings.database_url)


def initialise(settings: Settings, reload: bool = False, allow_empty: Collection[str] = ()) -> dict:
    """Create or upgrade the schema, then load the curated data if it changed.

    Idempotent: a second call on an up-to-date database changes nothing.
    ``allow_empty`` names curated files that may hold only their header.
    """
    engine = open_store(settings)
    revision = init_db(engine)
    data_dir = Path(settings.data_dir)
    current = data_hash(data_dir)
    loaded = None
    if reload or stored_data_hash(engine) != current:
        loaded = load_curated(engine, data_dir, allow_empty)
    else:
        log.info("curated data unchanged (%s…), not reloaded", current[:12])
    return {"revision": revision, "loaded": loaded}


def table_counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {m.__tablename__: session.execute(select(func.count()).select_from(m)).scalar_one()
                for m in TABLES}


def last_harvests(engine: Engine) -> list[models.HarvestRun]:
    """The most recent run per source."""
    with Session(engine) as session:
        runs = session.execute(select(models.HarvestRun).order_by(models.HarvestRun.id.desc())).scalars().all()
        latest: dict[str, models.HarvestRun] = {}
        for run in runs:
            latest.setdefault(run.source, run)
        session.expunge_all()
        return list(latest.values())
