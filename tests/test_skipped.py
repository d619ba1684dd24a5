"""Skipped pages remembered in `skipped_urls`: the Store, the crawl state, the pipeline and real crawls."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from laodongthudo.crawlplan import CrawlPlan
from laodongthudo.db import Skip, SkippedUrlRow, Store, make_engine
from laodongthudo.db.state import TRANSIENT_GIVE_UP_AFTER, read_crawl_state
from laodongthudo.items import Article
from laodongthudo.reasons import is_transient_skip
from laodongthudo.runcontext import RunContext
from laodongthudo.signals import page_skipped
from laodongthudo.urls import CANONICAL_ROOT
from pipelines.store import StorePipeline
from replica import (
    FLAKY_PATH,
    MALFORMED_PATH,
    MEDIA_PATH,
    MISSING_PATH,
    OFF_SECTION_HARD_PATH,
    OFF_SECTION_PATH,
    build_site,
    serve,
)
from tests.conftest import T0, Clock
from tests.crawling import run_crawl, stored_rows


def url(n: int) -> str:
    return f"https://laodongthudo.vn/tin-{n}-{n}.html"


def article(n: int, version: int = 1) -> Article:
    return Article(url=url(n), article_id=n, title=f"Tin {n}", content_hash=f"h-{n}-{version}")


def skipped(database_url: str) -> dict[str, SkippedUrlRow]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return {row.url: row for row in connection.execute(select(SkippedUrlRow.__table__))}
    finally:
        engine.dispose()


def test_skips_are_upserted_and_counted(store: Store, db_url: str, clock: Clock) -> None:
    result = store.write_batch([article(1)], [Skip(url(2), "http_404", 404), Skip(url(3), "off_section", 200)])
    assert (result.new, result.skips_saved) == (1, 2)
    rows = skipped(db_url)
    assert set(rows) == {url(2), url(3)}
    assert (rows[url(2)].reason, rows[url(2)].http_status, rows[url(2)].times) == ("http_404", 404, 1)

    clock.now = T0 + timedelta(days=1)
    # The same page twice in one batch, and again in a later batch: one row, times add up, last reason wins.
    store.write_batch([], [Skip(url(2), "http_404", 404), Skip(url(2), "failed", None)])
    row = skipped(db_url)[url(2)]
    assert (row.reason, row.http_status, row.times) == ("failed", None, 3)
    assert (row.first_seen_at, row.last_seen_at) == (T0, T0 + timedelta(days=1))
    assert skipped(db_url)[url(3)].last_seen_at == T0


def test_a_page_stored_after_all_leaves_skipped_urls(store: Store, db_url: str) -> None:
    store.write_batch([], [Skip(url(1), "failed"), Skip(url(2), "http_500", 500)])
    result = store.write_batch([article(1)])  # a later run fetched it
    assert (result.new, result.skips_cleared) == (1, 1)
    assert set(skipped(db_url)) == {url(2)}
    # Skipped and stored in the same batch (listed twice, the first fetch failed): it is an article.
    result = store.write_batch([article(2)], [Skip(url(2), "failed")])
    assert result.new == 1
    assert skipped(db_url) == {}


def test_skips_survive_a_bad_row_in_their_batch(store: Store, db_url: str) -> None:
    naive = Article(url=url(9), article_id=9, title="x", published_at=datetime(2025, 1, 1), content_hash="n")
    result = store.write_batch([article(1), naive], [Skip(url(1), "failed"), Skip(url(5), "http_404", 404)])
    assert (result.new, result.error) == (1, 1)
    assert set(skipped(db_url)) == {url(5)}  # url(1) was stored after all


def test_crawl_state_knows_permanent_skips_and_retries_transient_ones(store: Store, db_url: str) -> None:
    store.write_batch(
        [article(1)],
        [Skip(url(2), "http_404", 404), Skip(url(3), "no_body", 200), Skip(url(4), "failed"), Skip(url(5), "http_503")],
    )
    state = read_crawl_state(db_url)
    assert set(state.known_articles) == {url(1)}
    # 3 (unreadable markup: a parser fix may read it), 4 and 5 may work next time: tried again.
    assert state.skipped_urls == {url(2)}
    assert state.retry_urls == {url(3), url(4), url(5)}
    for _ in range(TRANSIENT_GIVE_UP_AFTER - 1):
        store.write_batch([], [Skip(url(4), "failed"), Skip(url(3), "no_body", 200)])
    state = read_crawl_state(db_url)
    assert state.skipped_urls == {url(2), url(3), url(4)}  # failed too often: given up
    assert state.retry_urls == {url(5)}


@pytest.mark.parametrize(
    ("reason", "status", "transient"),
    [("failed", None, True), ("timeout", None, True), ("truncated", 200, True), ("http_500", 500, True),
     ("http_429", None, True), ("http_404", 404, False),
     ("no_body", 200, False), ("off_section", 200, False), ("not_article", None, False)],
)  # fmt: skip
def test_which_skips_are_transient(reason: str, status: int | None, transient: bool) -> None:
    assert is_transient_skip(reason, status) is transient


def make_pipeline(database_url: str, **settings: Any) -> StorePipeline:
    crawler = get_crawler(settings_dict={"DATABASE_URL": database_url, "STORE_BATCH_SIZE": 3, **settings})
    return StorePipeline.from_crawler(crawler)


def test_the_pipeline_records_skip_signals_with_its_batches(db_url: str) -> None:
    pipeline = make_pipeline(db_url)
    signals = pipeline.crawler.signals

    async def crawl() -> tuple[int, int, int]:
        await pipeline.open_spider()
        signals.send_catch_log(page_skipped, url=url(10), reason="http_404", status=404)
        await pipeline.process_item(article(1))
        before_batch = len(skipped(db_url))
        await pipeline.process_item(article(2))
        await pipeline.process_item(article(3))  # the batch is full: items and the skip are written
        after_batch = len(skipped(db_url))
        for n in range(11, 14):  # three skips and no item: written without waiting for items
            signals.send_catch_log(page_skipped, url=url(n), reason="off_section", status=200)
        await asyncio.sleep(0)
        await pipeline._lock.acquire()  # the flush the signal started has finished
        pipeline._lock.release()
        written_alone = len(skipped(db_url))
        signals.send_catch_log(page_skipped, url=url(14), reason="no_body", status=200)
        await pipeline.close_spider()
        return before_batch, after_batch, written_alone

    assert asyncio.run(crawl()) == (0, 1, 4)
    assert set(skipped(db_url)) == {url(n) for n in range(10, 15)}
    stats = pipeline.crawler.stats.get_stats()
    assert stats["store/skips_saved"] == 5
    assert stats["store/new"] == 3


@pytest.mark.parametrize("refresh", [False, True])
def test_a_page_known_as_skipped_is_rewritten_only_when_fetched_again(sqlite_url: str, refresh: bool) -> None:
    pipeline = make_pipeline(sqlite_url)
    # A scheduled run only sees such a page listed; a refresh run fetches it again.
    RunContext(CrawlPlan.from_args(refresh="1" if refresh else None), skipped_before={url(1)}).publish(pipeline.crawler)

    async def crawl() -> None:
        await pipeline.open_spider()
        for n in (1, 2):
            pipeline.crawler.signals.send_catch_log(page_skipped, url=url(n), reason="not_article", status=None)
        await pipeline.close_spider()

    asyncio.run(crawl())
    assert set(skipped(sqlite_url)) == ({url(1), url(2)} if refresh else {url(2)})


# -- real crawls ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def replica() -> Iterator[Any]:
    with serve(build_site(n_articles=30, seed=3)) as server:
        yield server


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_crawl_remembers_its_skipped_pages_and_retries_a_failed_one(replica: Any, sqlite_url: str) -> None:
    replica.reset()
    first = run_crawl(replica.base_url, sqlite_url, settings={"RETRY_TIMES": "0"})  # the flaky page fails
    assert first.returncode == 0, first.log[-3000:]
    rows = skipped(sqlite_url)
    expected = {
        MISSING_PATH: ("http_404", 404),
        MALFORMED_PATH: ("no_body", 200),
        OFF_SECTION_PATH: ("off_section", 200),
        OFF_SECTION_HARD_PATH: ("off_section", 200),
    }
    for path, (reason, status) in expected.items():
        if path in (OFF_SECTION_PATH, OFF_SECTION_HARD_PATH) and CANONICAL_ROOT + path not in rows:
            continue  # linked from side boxes only, which a crawl follows only on a listing it does not know
        row = rows[CANONICAL_ROOT + path]
        assert (row.reason, row.http_status, row.times) == (reason, status, 1), path
    flaky = rows[CANONICAL_ROOT + FLAKY_PATH]  # 500: "failed" or "http_500", a reason that may pass
    assert is_transient_skip(flaky.reason, flaky.http_status) and flaky.times == 1, flaky.reason
    assert rows[CANONICAL_ROOT + MEDIA_PATH].reason in ("not_article", "not_article_url")
    assert CANONICAL_ROOT + FLAKY_PATH not in {r["url"] for r in stored_rows(sqlite_url)}
    assert first.stat("store/skips_saved") == len(rows)

    # Next scheduled run: the 404 and off-section pages are not asked for again; the page that failed is (its
    # second request answers 500 too), and so is the malformed one (unreadable: a parser fix may read it).
    replica.reset()  # the flaky page answers 500 twice again
    second = run_crawl(replica.base_url, sqlite_url, settings={"RETRY_TIMES": "0"})
    assert second.returncode == 0, second.log[-3000:]
    for path in (MISSING_PATH, OFF_SECTION_PATH):
        assert replica.hits(path) == 0, path
    assert replica.hits(FLAKY_PATH) == replica.hits(MALFORMED_PATH) == 1
    assert skipped(sqlite_url)[CANONICAL_ROOT + FLAKY_PATH].times == 2
    assert skipped(sqlite_url)[CANONICAL_ROOT + MALFORMED_PATH].times == 2

    # The third try gets through: the page is stored and leaves skipped_urls.
    third = run_crawl(replica.base_url, sqlite_url)
    assert third.returncode == 0, third.log[-3000:]
    assert third.stat("store/new") == 1 and third.stat("store/skips_cleared") == 1
    assert CANONICAL_ROOT + FLAKY_PATH in {r["url"] for r in stored_rows(sqlite_url)}
    assert CANONICAL_ROOT + FLAKY_PATH not in skipped(sqlite_url)
    assert CANONICAL_ROOT + MISSING_PATH in skipped(sqlite_url)
