"""Opening the store: settings → engine → schema → curated data, in one call."""

from __future__ import annotations

import logging
from collections.abc import Collection
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from evidence import models
from evidence.curated import CuratedDataError, RowError, data_hash, load_curated, stored_data_hash
from evidence.db import StoreError, init_db, make_engine, sqlite_path, sqlite_writable
from evidence.roundtrip import unexported_work
from evidence.settings import Settings

log = logging.getLogger(__name__)

TABLES = (models.Publication, models.Trial, models.TrialChange, models.PublicationTrialLink,
          models.Cohort, models.Report, models.Outcome, models.HarvestRun,
          models.ScreeningDecision, models.ExclusionReason, models.AuditEntry, models.TrialSite,
          models.TeamMember)


def open_store(settings: Settings, *, create: bool = True, readonly: bool | None = False) -> Engine:
    """An engine on the configured database (schema not touched).

    ``create=False`` makes a SQLite file that does not exist a StoreError
    (commands and the app: a mistyped path must not become an empty database).
    ``readonly=True`` never writes (info, whats-new, exports); ``False`` must be
    able to write (StoreError for a read-only SQLite file, before any work
    starts); ``None`` writes only when it may (the app).
    """
    path = sqlite_path(settings.database_url)
    if path is not None and path.exists() and not sqlite_writable(path):
        if readonly is False:
            raise StoreError(f"database {settings.database_label} is read-only for this user "
                             "(no write permission on the file or its folder): nothing was changed")
        readonly = True
    return make_engine(settings.database_url, create=create, readonly=bool(readonly))


def initialise(settings: Settings, reload: bool = False, allow_empty: Collection[str] = ()) -> dict:
    """Create or upgrade the schema, then load the curated data if it changed.

    Idempotent: a second call on an up-to-date database changes nothing.
    ``allow_empty`` names curated files that may hold only their header.
    """
    engine = open_store(settings, create=True)
    try:
        revision = init_db(engine)
        data_dir = Path(settings.data_dir)
        current = data_hash(data_dir)
        loaded = None
        if reload or stored_data_hash(engine) != current:
            _keep_workbench_work(engine, data_dir)
            loaded = load_curated(engine, data_dir, allow_empty)
        else:
            log.info("curated data unchanged (%s…), not reloaded", current[:12])
    finally:
        engine.dispose()
    return {"revision": revision, "loaded": loaded}


def _keep_workbench_work(engine: Engine, data_dir: Path) -> None:
    """Refuse a reload that would replace the workbench's unexported work (nothing is written)."""
    at_risk = unexported_work(engine, data_dir)
    if at_risk:
        raise CuratedDataError([RowError(name, 1, f"the workbench changed {', '.join(keys[:5])}"
                                         f"{' …' if len(keys) > 5 else ''} and {data_dir} does not hold it; "
                                         f"run `evidence export-data {data_dir}` first")
                                for name, keys in at_risk.items()])


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
