"""Shared fixtures.

Databases, all real:
- `sqlite_url`: a SQLite file in the test's tmp_path.
- `pg_server` (session): URL of a PostgreSQL maintenance database. `LDTD_TEST_PG_URL` if set (the role
  needs CREATEDB), else a throwaway cluster started here from the server binaries (.ci/pg-install
  installs them). Without binaries: skipped, or failed when the `CI` variable is set.
- `pg_url` (session): an empty database on that server, dropped at the end.
- `fresh_pg_url`: an empty database of its own for one test (CREATE DATABASE, ~0.1 s).
- `db_url`: parametrised over sqlite and postgresql (marked `postgres`); empty for each test.
- `pg_role_url`: an empty database owned by a new role that has a password (with URL-special characters).
- `unreachable_pg_url`: a PostgreSQL URL with a password (URL-special characters) and a port nobody listens on.
- `own_pg_cluster`: a throwaway cluster of the test's own (`PgCluster`), to pause and resume.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import URL, create_engine, make_url, text
from sqlalchemy.pool import NullPool

from laodongthudo.db import Store
from tests.crawling import free_port
from tests.pgcluster import PgCluster, pg_bindir

PG_URL_ENV = "LDTD_TEST_PG_URL"


def pg_bindir_or_skip() -> Path:
    """The server binaries; without them the test is skipped, or failed when the `CI` variable is set."""
    bindir = pg_bindir()
    if bindir is None:
        message = f"no PostgreSQL server binaries (run .ci/pg-install) and {PG_URL_ENV} is not set"
        if os.environ.get("CI"):
            pytest.fail(f"CI must test PostgreSQL: {message}", pytrace=False)
        pytest.skip(message)
    return bindir


@pytest.fixture(scope="session")
def pg_server() -> Iterator[URL]:
    if os.environ.get(PG_URL_ENV):
        url = make_url(os.environ[PG_URL_ENV])
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        yield url
        return
    cluster = PgCluster(pg_bindir_or_skip())
    try:
        cluster.start()
        yield cluster.url
    finally:
        cluster.stop()


@contextlib.contextmanager
def _database(server: URL) -> Iterator[str]:
    name = f"ldtd_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:  # FORCE: a test may have left a connection open
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_url(pg_server: URL) -> Iterator[str]:
    with _database(pg_server) as url:
        yield url


@pytest.fixture
def fresh_pg_url(pg_server: URL) -> Iterator[str]:
    with _database(pg_server) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'laodongthudo.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "fresh_pg_url")


@pytest.fixture
def pg_role_url(pg_server: URL) -> Iterator[str]:
    role = f"ldtd_crawler_{uuid.uuid4().hex[:8]}"
    password = f"Pw-{secrets.token_hex(6)}@/#x"  # URL-special characters: the URL carries it encoded
    name = f"ldtd_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'"))
        connection.execute(text(f'CREATE DATABASE "{name}" OWNER "{role}" TEMPLATE template0 ENCODING \'UTF8\''))
    try:
        url = pg_server.set(username=role, password=password, database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


@pytest.fixture
def unreachable_pg_url() -> str:
    return f"postgresql+psycopg://crawler:{quote('s3cr@t/:%', safe='')}@127.0.0.1:{free_port()}/news"


@pytest.fixture
def own_pg_cluster() -> Iterator[PgCluster]:
    cluster = PgCluster(pg_bindir_or_skip())
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


# -- a Store with a clock the test moves (test_store, test_revisions, test_skipped) ---------------------------

T0 = datetime(2025, 3, 1, 1, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def tick(self, hours: float = 1) -> datetime:
        self.now += timedelta(hours=hours)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(db_url: str, clock: Clock) -> Iterator[Store]:
    with Store.open(db_url, clock=clock) as store:
        yield store
