"""Alembic revisions: they build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlalchemy.dialects.postgresql import JSONB

from laodongthudo.db import Base, current_revision, downgrade, head_revision, make_engine, upgrade
from laodongthudo.db.searchindex import include_object, is_search_object
from laodongthudo.items import STORED_FIELDS

TABLES = {"articles", "entities", "article_entities", "skipped_urls", "article_revisions", "crawl_runs", "pages"}
# What each revision adds, in order: stepping down one revision at a time removes exactly these.
STEPS = [
    ("0001_articles", {"articles"}),
    ("0002_entities", {"entities", "article_entities"}),
    ("0003_skipped_urls", {"skipped_urls"}),
    ("0004_article_revisions", {"article_revisions"}),
    ("0005_crawl_runs", {"crawl_runs"}),
    ("0006_field_sources", set()),  # a column of articles
    ("0007_run_liveness", set()),  # liveness columns of crawl_runs
    ("0008_pages", {"pages"}),
    ("0009_search", set()),  # the search index: tests/test_search.py
    ("0010_run_outcome", set()),  # exit status and site root of crawl_runs
    ("0011_search_pairs", set()),  # the index of word pairs: tests/test_search.py
]


@pytest.fixture
def engine(db_url: str) -> Engine:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def tables(engine: Engine) -> set[str]:
    names = set(inspect(engine).get_table_names()) - {"alembic_version"}
    return {name for name in names if not is_search_object(name, "table")}


def test_upgrade_builds_the_schema_from_an_empty_database(engine: Engine) -> None:
    assert tables(engine) == set()
    assert current_revision(engine) is None

    upgrade(engine)

    assert tables(engine) == TABLES
    assert current_revision(engine) == head_revision()
    columns = {c["name"] for c in inspect(engine).get_columns("articles")}
    assert set(STORED_FIELDS) <= columns
    assert {"id", "first_seen_at", "last_seen_at", "updated_at"} <= columns


def test_schema_matches_the_models(engine: Engine) -> None:
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_twice_is_a_no_op_that_keeps_rows(engine: Engine) -> None:
    upgrade(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO entities (type, name, key, aliases) VALUES ('PERSON', 'An', 'an', '[]')"
        )
    upgrade(engine)
    upgrade(engine.url)  # a URL works too
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT name FROM entities").scalars().all() == ["An"]


def test_revisions_step_up_and_down(engine: Engine) -> None:
    assert STEPS[-1][0] == head_revision()
    expected: set[str] = set()
    for revision, added in STEPS:
        upgrade(engine, revision)
        expected |= added
        assert tables(engine) == expected, revision
    assert expected == TABLES
    for index in reversed(range(len(STEPS))):
        revision, added = STEPS[index]
        downgrade(engine, STEPS[index - 1][0] if index else "base")
        expected -= added
        assert tables(engine) == expected, f"down from {revision}"
    assert tables(engine) == set()
    upgrade(engine)
    assert tables(engine) == TABLES


def test_new_revisions_keep_the_rows_of_older_ones(engine: Engine) -> None:
    # A database of an older release, with rows, upgrades in place.
    upgrade(engine, "0002_entities")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO articles (url, article_id, tags, images, related, first_seen_at, last_seen_at, updated_at)"
            " VALUES ('https://laodongthudo.vn/a-1.html', 1, '[]', '[]', '[]', '2025-01-01T00:00:00.000000+00:00',"
            " '2025-01-01T00:00:00.000000+00:00', '2025-01-01T00:00:00.000000+00:00')"
        )
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT url FROM articles").scalars().all() == [
            "https://laodongthudo.vn/a-1.html"
        ]


def test_crawlers_starting_at_once_migrate_once(db_url: str) -> None:
    # Real processes: without the lock in the database, all but one fail on CREATE TABLE.
    # They start together after their imports, or start-up time would run them one after the other.
    code = (
        "import sys, time; from laodongthudo.db import upgrade;"
        " time.sleep(max(0, float(sys.argv[2]) - time.time())); upgrade(sys.argv[1])"
    )
    start = str(time.time() + 3)
    processes = [
        subprocess.Popen([sys.executable, "-c", code, db_url, start], stderr=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    errors = [p.communicate(timeout=120)[1] for p in processes]
    assert [p.returncode for p in processes] == [0] * 6, errors
    engine = make_engine(db_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_threads_of_one_process_can_upgrade_at_once(db_url: str) -> None:
    def migrate(_: int) -> None:
        upgrade(db_url)

    with ThreadPoolExecutor(3) as pool:
        list(pool.map(migrate, range(3)))


def test_connections_opening_a_new_sqlite_file_at_once_all_get_in(tmp_path: Path) -> None:
    # The first connections to a new file race to switch it to WAL, and SQLite fails the loser at once
    # ("database is locked", no busy wait). One race in a few hundred: so 300 new files, 8 threads each.
    failures: list[str] = []
    for number in range(300):
        url = f"sqlite:///{tmp_path}/{number}.db"
        ready = threading.Barrier(8)

        def connect(_: int, url: str = url, ready: threading.Barrier = ready) -> None:
            engine = make_engine(url)
            ready.wait()
            try:
                with engine.connect() as connection:
                    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            except Exception as error:  # noqa: BLE001 - collected, asserted below
                failures.append(f"{url}: {error}")
            finally:
                engine.dispose()

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(connect, range(8)))
    assert failures == []


@pytest.mark.postgres
def test_postgresql_types(fresh_pg_url: str) -> None:
    engine = make_engine(fresh_pg_url)
    upgrade(engine)
    columns = {c["name"]: c["type"] for c in inspect(engine).get_columns("articles")}
    engine.dispose()
    assert columns["published_at"].timezone is True  # timestamptz
    assert isinstance(columns["tags"], JSONB)
    engine = make_engine(fresh_pg_url)
    runs = {c["name"]: c["type"] for c in inspect(engine).get_columns("crawl_runs")}
    revisions = {c["name"]: c["type"] for c in inspect(engine).get_columns("article_revisions")}
    engine.dispose()
    assert runs["started_at"].timezone is True
    assert isinstance(runs["stats"], JSONB) and isinstance(revisions["images"], JSONB)


def test_migrations_run_from_a_zipped_package(tmp_path: Path) -> None:
    # Scrapyd imports the project from its egg, a zip: Alembic still finds the revisions.
    package = Path(__file__).resolve().parents[1] / "laodongthudo"
    archive = tmp_path / "project.egg"
    with zipfile.ZipFile(archive, "w") as egg:
        for path in package.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".db":
                egg.write(path, path.relative_to(package.parent).as_posix())
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import laodongthudo.db as db;"
        " assert db.__file__.startswith(sys.argv[1]), db.__file__;"
        " db.upgrade(sys.argv[2]); engine = db.make_engine(sys.argv[2]);"
        " print(db.current_revision(engine), db.head_revision())"
    )
    url = f"sqlite:///{tmp_path / 'egg.db'}"
    done = subprocess.run(
        [sys.executable, "-c", code, str(archive), url], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    current, head = done.stdout.split()
    assert current == head == head_revision()
    engine = make_engine(url)
    assert tables(engine) == TABLES
    engine.dispose()
