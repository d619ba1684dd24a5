"""Issue 6, fault test: PostgreSQL goes away in the middle of a crawl and comes back.

A throwaway cluster of the test's own is stopped (fast shutdown: open connections are cut) once the crawl
has stored its first batches, kept down for a few seconds and started again.
- With the default patience (bounded retries, items kept in the buffer) no item is lost.
- Without retries the crawl stops cleanly (`store_unavailable`, exit status 4, a message saying why), and
  the next ordinary scheduled run completes the data (its row, written at its start, tells the next run).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.pool import NullPool

from laodongthudo.db import ArticleRow, CrawlRunRow, make_engine
from laodongthudo.db.state import read_crawl_state
from laodongthudo.urls import CANONICAL_ROOT
from replica import build_site, serve
from tests.crawling import CrawlResult, run_crawl, stored_rows
from tests.pgcluster import PgCluster

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(150)]

OUTAGE_SECONDS = 3.0
# A little politeness, so that the crawl is still going when the server stops; small batches, so that the
# database is written to all along.
SETTINGS = {"DOWNLOAD_DELAY": "0.02", "CONCURRENT_REQUESTS_PER_DOMAIN": "8", "STORE_BATCH_SIZE": "10"}


@pytest.fixture(scope="module")
def site() -> Any:
    return build_site(n_articles=300, seed=11)


@pytest.fixture(scope="module")
def replica(site: Any) -> Iterator[Any]:
    with serve(site) as server:
        yield server


@pytest.fixture
def database(own_pg_cluster: PgCluster) -> str:
    admin = make_engine(own_pg_cluster.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text("CREATE DATABASE news TEMPLATE template0 ENCODING 'UTF8'"))
    admin.dispose()
    return own_pg_cluster.url.set(database="news").render_as_string(hide_password=False)


def expected_urls(site: Any) -> set[str]:
    return {CANONICAL_ROOT + truth.path for truth in site.union_articles()}


def count_articles(url: str) -> int:
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(ArticleRow)) or 0
    except Exception:
        return -1  # not there yet (the crawl is migrating) or down
    finally:
        engine.dispose()


def crawl_with_an_outage(
    replica: Any, cluster: PgCluster, url: str, settings: dict[str, str], *, outlives_outage: bool
) -> CrawlResult:
    """Start the crawl, stop the server once articles are being stored, start it again after a while."""
    with ThreadPoolExecutor(1) as pool:
        crawl: Future[CrawlResult] = pool.submit(run_crawl, replica.base_url, url, settings=settings, timeout=120)
        deadline = time.monotonic() + 60
        while count_articles(url) < 20:
            assert not crawl.done(), crawl.result().log[-3000:]
            assert time.monotonic() < deadline, "the crawl stored nothing in 60 s"
            time.sleep(0.05)
        cluster.pause()
        try:
            time.sleep(OUTAGE_SECONDS)
            if outlives_outage:
                assert not crawl.done(), "the crawl was over before the outage ended: make the replica bigger"
        finally:
            cluster.resume()
        return crawl.result()


def test_an_outage_mid_crawl_loses_no_item(site: Any, replica: Any, own_pg_cluster: PgCluster, database: str) -> None:
    settings = {**SETTINGS, "STORE_RETRY_TIMES": "6", "STORE_RETRY_DELAY": "0.5"}  # waits up to 31 s in all
    result = crawl_with_an_outage(replica, own_pg_cluster, database, settings, outlives_outage=True)

    assert result.returncode == 0, result.log[-3000:]
    assert result.stat("store/retries") >= 1, "the outage was not noticed"
    assert "retrying" in result.log
    assert result.stat("store/lost") == 0 and result.stat("store/error") == 0
    urls = [row["url"] for row in stored_rows(database)]
    assert len(urls) == len(set(urls))
    assert set(urls) == expected_urls(site)
    # The run record was written too, after the server came back.
    engine = make_engine(database)
    with engine.connect() as connection:
        [run] = connection.execute(select(CrawlRunRow.finish_reason, CrawlRunRow.articles_new)).all()
    engine.dispose()
    assert run == ("finished", len(urls))


def test_without_retries_the_crawl_stops_cleanly_and_the_next_run_completes(
    site: Any, replica: Any, own_pg_cluster: PgCluster, database: str
) -> None:
    replica.reset()
    settings = {**SETTINGS, "STORE_RETRY_TIMES": "0"}
    first = crawl_with_an_outage(replica, own_pg_cluster, database, settings, outlives_outage=False)

    assert first.returncode == 4, first.log[-3000:]
    assert "Database unavailable after 0 retries" in first.log
    assert "Closing spider (store_unavailable)" in first.log
    assert "Exiting with status 4: the database was unavailable" in first.log
    assert "Traceback" not in first.log
    stored = {row["url"] for row in stored_rows(database)}
    assert stored < expected_urls(site)
    # The next run is told: the run's row was written when it started, and is either finished as incomplete
    # or (the server still down at close) left unfinished by a process that is gone.
    last = read_crawl_state(database).last_run
    assert last is not None and not last.complete
    if last.finished:
        assert last.finish_reason == "store_unavailable"
    else:
        assert "Cannot write the run record" in first.log

    # An ordinary scheduled run catches up: it reads every listing page and fetches only what is missing.
    second = run_crawl(replica.base_url, database, settings=SETTINGS)
    assert "reads every listing page" in second.log and "caught up" in second.log
    assert second.returncode == 0, second.log[-3000:]
    urls = [row["url"] for row in stored_rows(database)]
    assert len(urls) == len(set(urls))
    assert set(urls) == expected_urls(site)
    assert second.stat("store/new") == len(expected_urls(site) - stored)
    last = read_crawl_state(database).last_run
    assert last is not None and last.complete
