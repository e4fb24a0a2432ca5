"""Alembic environment: runs migrations on the engine handed over by evidence.db."""

from alembic import context
from sqlmodel import SQLModel

import evidence.models  # noqa: F401  (registers the tables on SQLModel.metadata)

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:
        from evidence.db import make_engine
        from evidence.settings import load_settings

        engine = make_engine(load_settings().database_url)
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite cannot ALTER most things in place
        )
        context.run_migrations()


run_migrations_online()
