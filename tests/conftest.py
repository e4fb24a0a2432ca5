"""Shared fixtures: a temporary database built from the test fixture CSVs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evidence.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
CURATED_FIXTURE = FIXTURES / "curated"


@pytest.fixture
def curated_dir(tmp_path: Path) -> Path:
    """A writable copy of the fixture curated data."""
    target = tmp_path / "data"
    shutil.copytree(CURATED_FIXTURE, target)
    return target


@pytest.fixture
def settings(tmp_path: Path, curated_dir: Path) -> Settings:
    return Settings(db=str(tmp_path / "evidence.db"), data_dir=str(curated_dir))


@pytest.fixture
def engine(settings: Settings):
    from evidence.store import initialise, open_store

    initialise(settings)
    engine = open_store(settings)
    yield engine
    engine.dispose()
