"""Shared fixtures: a temporary database built from the test fixture CSVs, on SQLite or PostgreSQL.

The store fixtures (``settings``, ``engine``) run on SQLite unless a test
module asks for both back ends with ``pytestmark = pytest.mark.both_backends``;
then each of its tests runs once per back end (ids ``[sqlite]`` and
``[postgresql]``). The PostgreSQL server is started once per session, only
when a test needs it, from the Debian binaries (``make test`` installs them
when it can); without them those tests are skipped with the reason.

``make test`` runs the suite on every core (pytest-xdist, ``--dist loadgroup``):
the Chromium tests share one worker, one browser at a time beside the other
tests, and the R regeneration keeps its module's one run of R.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evidence.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
CURATED_FIXTURE = FIXTURES / "curated"
BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_backends: run the module's store tests on SQLite and PostgreSQL")


#: marker → the xdist group its tests run in, one after another on one worker
XDIST_GROUPS = {"browser": "chromium", "rscript": "rscript"}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for marker, group in XDIST_GROUPS.items():
            if item.get_closest_marker(marker):
                item.add_marker(pytest.mark.xdist_group(group))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_backends"):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture(scope="session")
def postgres_server():
    """One throw-away PostgreSQL server for the session (skips when the binaries are missing)."""
    from pg_server import PostgresServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found (apt-get install postgresql, or set "
                    "EVIDENCE_PG_BINDIR): the PostgreSQL variants of the store tests did not run")
    server = PostgresServer(bindir)
    try:
        server.start()
    except (RuntimeError, OSError) as exc:
        shutil.rmtree(server.root, ignore_errors=True)
        pytest.skip(f"could not start a throw-away PostgreSQL server: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres_server) -> str:
    """A PostgreSQL database initialised from the fixture data once, copied for each test's ``engine``."""
    from evidence.store import initialise

    url = postgres_server.new_database()
    initialise(Settings(db=url, data_dir=str(CURATED_FIXTURE)))
    return url


@pytest.fixture
def backend(request) -> str:
    """The store's back end: "sqlite" unless the module is marked ``both_backends``."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def database_url(request, backend: str, tmp_path: Path):
    """A URL of a new, empty database on the chosen back end (dropped after the test)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'evidence.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    url = server.new_database(create="engine" not in request.fixturenames)  # `engine` copies a template
    yield url
    server.drop_database(url)


@pytest.fixture
def curated_dir(tmp_path: Path) -> Path:
    """A writable copy of the fixture curated data."""
    target = tmp_path / "data"
    shutil.copytree(CURATED_FIXTURE, target)
    return target


@pytest.fixture
def settings(backend: str, database_url: str, tmp_path: Path, curated_dir: Path) -> Settings:
    db = str(tmp_path / "evidence.db") if backend == "sqlite" else database_url
    return Settings(db=db, data_dir=str(curated_dir))


@pytest.fixture
def engine(request, backend: str, settings: Settings):
    """The store initialised from the fixture data (on PostgreSQL, a copy of a database initialised once)."""
    from evidence.store import initialise, open_store

    if backend == "postgresql":
        request.getfixturevalue("postgres_server").clone_into(settings.db, request.getfixturevalue("postgres_template"))
    else:
        initialise(settings)
    engine = open_store(settings)
    yield engine
    engine.dispose()
