"""crawl_runs says how each run ended (exit status, every alert) and which site it crawled; the README's
"runs that failed this week" query finds the failed ones (migration 0010_run_outcome)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from laodongthudo.db import CrawlRunRow, make_engine, upgrade
from laodongthudo.db.state import read_crawl_state
from laodongthudo.extensions.run_record import BOUND_STAT, UNREACHABLE_STAT, exit_status, run_alert
from replica import build_site, serve
from tests.crawling import run_crawl

README = Path(__file__).resolve().parent.parent / "README.md"
SQL_BLOCK = re.compile(r"```sql\n-- (?P<databases>[^\n]+)\n(?P<sql>.*?)```", re.S)


def failed_runs_queries(database: str) -> list[str]:
    section = README.read_text(encoding="utf-8").split("### Runs that failed", 1)[1].split("\n### ", 1)[0]
    queries = [m["sql"].strip().rstrip(";") for m in SQL_BLOCK.finditer(section) if database in m["databases"]]
    assert queries, f"no query for {database} under 'Runs that failed'"
    return queries


def run_rows(database_url: str) -> list[dict[str, Any]]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return [dict(r._mapping) for r in connection.execute(select(CrawlRunRow.__table__).order_by("id"))]
    finally:
        engine.dispose()


def failed_ids(database_url: str, database: str) -> list[int]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return [row.id for sql in failed_runs_queries(database) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def closed_port() -> int:
    with socket.socket() as probe:  # nothing listens on it once the probe is closed
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    "stats, status, alerted",
    [
        ({"finish_reason": "finished"}, 0, []),
        ({"finish_reason": "finished", "run/alert": "markup moved"}, 3, ["markup moved"]),
        ({"finish_reason": "store_unavailable", "store/lost": 7}, 4, ["The database was unavailable"]),
        ({"finish_reason": "finished", "store/lost": 2}, 4, ["2 items not stored"]),
        ({"finish_reason": "finished", UNREACHABLE_STAT: "The site could not be read"}, 5, ["could not be read"]),
        ({"finish_reason": "finished", BOUND_STAT: "hoat-dong: MAX_LISTING_PAGES"}, 6, ["Stopped at a bound"]),
    ],
)
def test_every_outcome_that_exits_non_zero_has_its_alert(stats: dict, status: int, alerted: list[str]) -> None:
    assert exit_status(stats) == status
    alert = run_alert(stats)
    assert (alert is None) == (status == 0)
    for words in alerted:
        assert alert is not None and words in alert


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    engine = make_engine(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "fresh_pg_url"))
    yield engine
    engine.dispose()


def test_the_migration_gives_older_rows_their_exit_status_and_alert(engine: Engine) -> None:
    upgrade(engine, "0007_run_liveness")
    start = "2026-11-30T01:00:00.000000+00:00" if engine.dialect.name == "sqlite" else "2026-11-30 01:00+00"
    runs = [  # finished ok; the unreachable site (alert NULL before 0010); a markup alert; still running
        (start, "finished", None, '{"finish_reason": "finished"}'),
        (start, "finished", None, '{"run/site_unreachable": "The site could not be read: 4 section(s)"}'),
        (start, "finished", "markup moved", '{"run/alert": "markup moved"}'),
        (None, None, None, "{}"),
    ]
    with engine.begin() as connection:
        for finished_at, reason, alert, stats in runs:
            connection.execute(
                text(
                    "INSERT INTO crawl_runs (started_at, finished_at, sections, pages_fetched, listing_pages,"
                    " articles_new, articles_updated, articles_unchanged, dropped, skipped, errors, finish_reason,"
                    " alert, stats) VALUES (:start, :finished_at, '[]', 0, 0, 0, 0, 0, '{}', '{}', 0, :reason,"
                    " :alert, :stats)"
                ),
                {"start": start, "finished_at": finished_at, "reason": reason, "alert": alert, "stats": stats},
            )
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT exit_status, alert, base_url FROM crawl_runs ORDER BY id")).all()
    assert [(r.exit_status, r.alert) for r in rows] == [
        (0, None),
        (5, "The site could not be read: 4 section(s)"),
        (3, "markup moved"),
        (None, None),
    ]
    assert {r.base_url for r in rows} == {None}  # not known for older runs


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_failed_runs_are_in_the_table_and_the_readme_query_finds_them(sqlite_url: str) -> None:
    with serve(build_site(n_articles=8, seed=3)) as server:
        done = run_crawl(server.base_url, sqlite_url, "section=hoat-dong")
        bounded = run_crawl(server.base_url, sqlite_url, "section=hoat-dong", settings={"MAX_LINKS_PER_LISTING": "1"})
    unreachable_root = f"http://127.0.0.1:{closed_port()}"
    unreachable = run_crawl(unreachable_root, sqlite_url, "section=hoat-dong", settings={"RETRY_TIMES": "0"})
    assert (done.returncode, bounded.returncode, unreachable.returncode) == (0, 6, 5), unreachable.log[-2000:]

    ok, bound, down = run_rows(sqlite_url)
    assert (ok["exit_status"], ok["alert"], ok["base_url"]) == (0, None, server.base_url)
    assert bound["exit_status"] == 6 and bound["alert"] == f"Stopped at a bound: {bounded.stats[BOUND_STAT]}"
    assert down["exit_status"] == 5 and down["alert"] == unreachable.stats[UNREACHABLE_STAT]
    assert down["base_url"] == unreachable_root  # a replica's rows say which root they came from
    assert re.search(r"exit status\s+5", unreachable.log)
    # Neither outcome is a markup alert: the next scheduled run does not read every listing page for it.
    last = read_crawl_state(sqlite_url).last_run
    assert last is not None and last.id == down["id"] and last.complete

    assert failed_ids(sqlite_url, "SQLite") == [bound["id"], down["id"]]
    # "This week": a run of last month is not listed.
    engine = make_engine(sqlite_url)
    with engine.begin() as connection:
        old = (datetime.now(UTC) - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
        connection.execute(
            text("UPDATE crawl_runs SET started_at = :old WHERE id = :id"), {"old": old, "id": bound["id"]}
        )
    engine.dispose()
    assert failed_ids(sqlite_url, "SQLite") == [down["id"]]


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.timeout(240)
def test_the_readme_query_on_postgresql(fresh_pg_url: str) -> None:
    unreachable = run_crawl(
        f"http://127.0.0.1:{closed_port()}", fresh_pg_url, "section=hoat-dong", settings={"RETRY_TIMES": "0"}
    )
    assert unreachable.returncode == 5, unreachable.log[-2000:]
    (down,) = run_rows(fresh_pg_url)
    assert down["exit_status"] == 5 and down["alert"] == unreachable.stats[UNREACHABLE_STAT]
    assert failed_ids(fresh_pg_url, "PostgreSQL") == [down["id"]]
