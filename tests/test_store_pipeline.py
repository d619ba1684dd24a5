"""StorePipeline: batches, stats, errors and outages, against real databases.

Most tests drive the pipeline's coroutines on an asyncio loop with a real Crawler (get_crawler);
the `slow` ones run whole crawls in a subprocess, as `scrapy crawl` would.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import func, make_url, select

from laodongthudo.db import ArticleRow, EntityRow, make_engine, upgrade
from laodongthudo.items import Article
from pipelines.store import StorePipeline
from tests.crawling import run_scrapy


def article(n: int, version: int = 1, **fields: Any) -> Article:
    return Article(
        url=f"https://laodongthudo.vn/tin-{n}-{n}.html",
        article_id=n,
        title=f"Tin {n}",
        content_hash=f"h-{n}-{version}",
        entities=[{"type": "PERSON", "name": "Nguyễn Văn Hoà", "count": 1, "aliases": []}],
        **fields,
    )


def make_pipeline(url: str, **settings: Any) -> StorePipeline:
    crawler = get_crawler(
        settings_dict={"DATABASE_URL": url, "STORE_BATCH_SIZE": 3, "STORE_RETRY_DELAY": 0.05, **settings}
    )
    return StorePipeline.from_crawler(crawler)


def count_rows(url: str, model: type = ArticleRow) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(model))
    engine.dispose()
    return count or 0


def store_stats(pipeline: StorePipeline) -> dict[str, Any]:
    return {k: v for k, v in pipeline.crawler.stats.get_stats().items() if k.startswith("store/")}


@contextlib.contextmanager
def database_locked(url: str) -> Iterator[None]:
    """Another connection holds a write lock on the whole database (SQLite) or on `articles`."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        blocker = sqlite3.connect(parsed.database, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        return
    engine = make_engine(url.split("?")[0])
    with engine.connect() as connection:
        connection.exec_driver_sql("LOCK TABLE articles IN ACCESS EXCLUSIVE MODE")
        try:
            yield
        finally:
            connection.rollback()
    engine.dispose()


def with_short_lock_wait(url: str) -> str:
    # Make "the database is busy" an error after 0.1 s instead of a long wait.
    if url.startswith("sqlite"):
        return url + "?timeout=0.1"
    return url + "?options=-c%20lock_timeout%3D100"


def test_items_are_written_in_batches_and_counted(db_url: str) -> None:
    pipeline = make_pipeline(db_url)

    async def crawl() -> int:
        await pipeline.open_spider()
        for n in range(7):
            assert await pipeline.process_item(article(n)) is not None
        in_database = count_rows(db_url)
        await pipeline.close_spider()
        return in_database

    assert asyncio.run(crawl()) == 6  # two full batches; the 7th waits for close_spider
    assert count_rows(db_url) == 7
    assert count_rows(db_url, EntityRow) == 1
    assert store_stats(pipeline) == {
        "store/new": 7,
        "store/updated": 0,
        "store/unchanged": 0,
        "store/error": 0,
        "store/batches": 3,
    }
    assert pipeline.counts["new"] == 7

    # The next crawl sees them again: one edited, one new.
    again = make_pipeline(db_url, STORE_BATCH_SIZE=50)

    async def recrawl() -> None:
        await again.open_spider()
        for item in [*(article(n) for n in range(6)), article(6, version=2), article(7)]:
            await again.process_item(item)
        await again.close_spider()

    asyncio.run(recrawl())
    assert count_rows(db_url) == 8
    stats = store_stats(again)
    assert (stats["store/new"], stats["store/updated"], stats["store/unchanged"]) == (1, 1, 6)


@pytest.mark.timeout(60)  # a write on the loop thread would wait for the lock forever on PostgreSQL
def test_a_slow_database_does_not_block_the_event_loop(db_url: str) -> None:
    pipeline = make_pipeline(db_url)

    async def crawl() -> tuple[int, float, bool]:
        await pipeline.open_spider()
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.ensure_future(ticker())
        with database_locked(db_url):
            started = time.monotonic()
            items = asyncio.gather(*(pipeline.process_item(article(n)) for n in range(3)))
            # The loop, not a thread, ends the lock: it must keep running while the batch waits.
            await asyncio.sleep(1.0)
            window = time.monotonic() - started
            ticks_while_locked, pending = ticks, not items.done()
        await items
        task.cancel()
        await pipeline.close_spider()
        return ticks_while_locked, window, pending

    ticks, window, pending = asyncio.run(crawl())
    assert pending  # the batch was waiting for the database all along
    assert window < 1.5
    assert ticks >= 50  # ~100 if the loop never stalled, ~0 if the write had blocked it
    assert count_rows(db_url) == 3


def test_a_bad_row_is_counted_and_the_rest_stored(db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    pipeline = make_pipeline(db_url)
    naive = article(1, published_at=datetime(2025, 1, 1, 8, 0))  # no timezone: refused by the database layer

    async def crawl() -> None:
        await pipeline.open_spider()
        for item in [article(0), naive, article(2)]:
            await pipeline.process_item(item)
        await pipeline.close_spider()

    with caplog.at_level(logging.ERROR):
        asyncio.run(crawl())
    stats = store_stats(pipeline)
    assert (stats["store/new"], stats["store/error"]) == (2, 1)
    assert count_rows(db_url) == 2
    assert any(naive.url in r.getMessage() and "naive datetime" in r.getMessage() for r in caplog.records)


def test_items_wait_out_an_outage_and_are_stored_at_close(db_url: str) -> None:
    url = with_short_lock_wait(db_url)
    upgrade(db_url)
    pipeline = make_pipeline(url, STORE_RETRY_TIMES=2)

    async def crawl() -> int:
        await pipeline.open_spider()
        with database_locked(db_url):
            for n in range(5):  # the first batch fails 3 times; later items are only buffered
                await pipeline.process_item(article(n))
            buffered = len(pipeline._buffer)
        await pipeline.close_spider()  # the database is back: everything is written
        return buffered

    assert asyncio.run(crawl()) == 5
    assert count_rows(db_url) == 5
    stats = store_stats(pipeline)
    assert stats["store/retries"] == 2
    assert (stats["store/new"], stats["store/error"]) == (5, 0)
    assert "store/lost" not in stats


def test_items_lost_to_an_outage_are_counted(db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    upgrade(db_url)
    pipeline = make_pipeline(with_short_lock_wait(db_url), STORE_RETRY_TIMES=0)

    async def crawl() -> None:
        await pipeline.open_spider()
        with database_locked(db_url):
            for n in range(4):
                await pipeline.process_item(article(n))
            await pipeline.close_spider()

    with caplog.at_level(logging.ERROR):
        asyncio.run(crawl())
    assert store_stats(pipeline)["store/lost"] == 4
    assert count_rows(db_url) == 0
    assert any("4 items were not stored" in r.getMessage() for r in caplog.records)


ITEMS_SPIDER = Path(__file__).with_name("items_spider.py")


def crawl_items(url: str, count: int, version: int = 1) -> tuple[dict[str, Any], str]:
    """`scrapy runspider` of tests/items_spider.py with the store pipeline alone, into `url`."""
    command = ["runspider", str(ITEMS_SPIDER), "-a", f"count={count}", "-a", f"version={version}"]
    settings = {
        "ITEM_PIPELINES": json.dumps({"pipelines.store.StorePipeline": 900}),
        "DATABASE_URL": url, "STORE_BATCH_SIZE": "4", "STORE_RETRY_TIMES": "0", "RUN_RECORD_ENABLED": "False",
    }  # fmt: skip
    result = run_scrapy(command, settings, timeout=120)
    assert result.returncode == 0, result.log[-3000:]
    return result.stats, result.log


@pytest.mark.slow
def test_a_real_crawl_stores_and_recrawls(db_url: str, tmp_path: Path) -> None:
    stats, log = crawl_items(db_url, 10)
    assert stats["finish_reason"] == "finished"
    assert (stats["store/new"], stats["store/batches"], stats["item_scraped_count"]) == (10, 3, 10)
    assert "Storing items in" in log
    assert count_rows(db_url) == 10

    stats, _ = crawl_items(db_url, 11, version=2)  # article 0 edited, article 10 new
    assert (stats["store/new"], stats["store/updated"], stats["store/unchanged"]) == (1, 1, 9)
    assert count_rows(db_url) == 11
    assert count_rows(db_url, EntityRow) == 1
