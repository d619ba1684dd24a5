"""The last pipeline: writes items to the SQL database in batches, off the event loop.

Settings: DATABASE_URL, STORE_BATCH_SIZE (items per transaction), STORE_RETRY_TIMES and
STORE_RETRY_DELAY (seconds, doubled per retry) for when the database is unreachable or locked.
Stats: store/new, store/updated, store/unchanged, store/error (rows the database refused, logged),
store/batches, store/retries, store/lost (items still unstored when the spider closed),
store/revisions (previous versions kept), store/skips_saved and store/skips_cleared (skipped_urls rows
written, and deleted because the page is an article now), store/skips_lost.

Pages the spider skips (the `laodongthudo.signals.page_skipped` signal) are buffered too and written
with the next batch, so that later scheduled runs do not fetch them again. So are the fetched pages
themselves (`page_fetched`, from the page capture extension, PAGES_STORE): each batch writes every page
received so far, and each article points to the page version it was read from (`page_id`). Stat:
store/pages_saved.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider

from laodongthudo import settings as defaults
from laodongthudo.db import BatchResult, Skip, Store, StoreUnavailable, describe_error, mask_url
from laodongthudo.db.pages import Page
from laodongthudo.items import Article
from laodongthudo.outcome.verdict import STORE_UNAVAILABLE
from laodongthudo.runcontext import RunContext
from laodongthudo.signals import page_fetched, page_skipped

logger = logging.getLogger(__name__)

T = TypeVar("T")
CLOSE_REASON = STORE_UNAVAILABLE
COUNTED = ("new", "updated", "unchanged", "error")
EXTRA_COUNTS = ("entities_skipped", "revisions", "skips_saved", "skips_cleared", "pages_saved")


class StorePipeline:
    """Buffers items and upserts them `STORE_BATCH_SIZE` at a time through `laodongthudo.db.Store`.

    The database work runs in one worker thread, so the crawl goes on while a batch is written;
    the item that fills a batch waits for it (back-pressure when the database is slow). Items stay
    in the buffer until their batch has committed. `counts` and the `store/*` stats say what
    happened; `store` is the open Store, for other components that want the same database.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.url: str = settings.get("DATABASE_URL") or defaults.DATABASE_URL
        self.batch_size = max(1, settings.getint("STORE_BATCH_SIZE", defaults.STORE_BATCH_SIZE))
        self.retry_times = max(0, settings.getint("STORE_RETRY_TIMES", defaults.STORE_RETRY_TIMES))
        self.retry_delay = settings.getfloat("STORE_RETRY_DELAY", defaults.STORE_RETRY_DELAY)
        self.store: Store | None = None
        self.counts: Counter[str] = Counter()
        self._buffer: list[Any] = []
        self._skips: list[Skip] = []  # skipped pages, written with the next batch
        self._pages: list[Page] = []  # fetched pages, written with the next batch
        self._page_sha: dict[str, str] = {}  # article URL -> sha256 of its last fetched page, until its item comes
        self._skip_flush: asyncio.Future[Any] | None = None
        self._lock = asyncio.Lock()  # one flush at a time: batches commit in arrival order
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self._unavailable = False
        self._closing: asyncio.Future[Any] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.page_skipped, signal=page_skipped)
        crawler.signals.connect(pipeline.page_fetched, signal=page_fetched)
        return pipeline

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    async def _in_thread(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    async def open_spider(self) -> None:
        for name in COUNTED:
            self.stats.set_value(f"store/{name}", 0)
        try:
            # Connects and brings the schema to head: nobody has to run migrations by hand.
            self.store = await self._in_thread(Store.open, self.url)
        except Exception as error:
            reason = str(error) if isinstance(error, ValueError | StoreUnavailable) else describe_error(error)
            logger.error(
                "Cannot store items in the database %s: %s. Stopping the crawl, nothing would be saved.",
                mask_url(self.url),
                reason,
            )
            raise CloseSpider(CLOSE_REASON) from None
        logger.info("Storing items in %s, %d per transaction", mask_url(self.store.engine.url), self.batch_size)

    async def process_item(self, item: Any) -> Any:
        if self.store is None:  # the database never opened; the spider is closing
            return item
        if isinstance(item, Article):
            item.page_sha256 = self._page_sha.pop(item.url, None)
        self._buffer.append(item)
        if self._batch_ready() and not self._unavailable:
            await self._flush(final=False)
        return item

    def page_fetched(self, page: Page, **kwargs: Any) -> None:
        """Signal handler: keep a fetched page; the article read from it (if any) will point to it."""
        if self.store is None:
            return
        self._pages.append(page)
        if page.kind == "article":
            self._page_sha[page.url] = page.sha256
        self._flush_soon(len(self._pages))

    def page_skipped(self, url: str, reason: str, status: int | None = None, **kwargs: Any) -> None:
        """Signal handler: remember a page the spider did not turn into an article."""
        self._page_sha.pop(url, None)
        if self._known_skip(url):
            return
        self._skips.append(Skip(url, reason, status))
        self._flush_soon(len(self._skips))

    def _flush_soon(self, buffered: int) -> None:
        # Skips and pages ride with the item batches; a run that skips page after page (say the markup
        # changed and nothing parses) writes them without waiting for items.
        if (
            self.store is not None
            and buffered >= self.batch_size
            and not self._unavailable
            and (self._skip_flush is None or self._skip_flush.done())
        ):
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no event loop (driven by hand): they wait for the next batch
                return
            self._skip_flush = loop.create_task(self._flush(final=False))

    def _known_skip(self, url: str) -> bool:
        """Already remembered as skipped for good, and not fetched again by this run (the spider only saw it
        listed): nothing new to write. A quiet scheduled run thus writes nothing but its run record."""
        context = RunContext.of(self.crawler)
        if context is None or context.plan.refetch_known:
            return False
        return url in context.skipped_before

    def _batch_ready(self) -> bool:
        return (
            len(self._buffer) >= self.batch_size
            or len(self._skips) >= self.batch_size
            or len(self._pages) >= self.batch_size
        )

    async def close_spider(self) -> None:
        if self.store is None:
            self._executor.shutdown(wait=False)
            return
        try:
            if self._skip_flush is not None:
                await self._skip_flush
            await self._flush(final=True)
            if self._buffer:
                self.stats.set_value("store/lost", len(self._buffer))
                logger.error(
                    "%d items were not stored: the database %s stayed unavailable",
                    len(self._buffer),
                    mask_url(self.store.engine.url),
                )
            if self._skips:  # not data, only a saving for later runs: a warning
                self.stats.set_value("store/skips_lost", len(self._skips))
                logger.warning("%d skipped pages were not recorded; later runs will fetch them again", len(self._skips))
            if self._pages:
                self.stats.set_value("store/pages_lost", len(self._pages))
                logger.warning("%d fetched pages were not kept in the pages table", len(self._pages))
            logger.info("Stored items: %s", ", ".join(f"{k} {self.counts[k]}" for k in COUNTED))
        finally:
            await self._in_thread(self.store.close)
            self._executor.shutdown(wait=False)

    async def _flush(self, *, final: bool) -> None:
        async with self._lock:
            while (self._buffer or self._skips or self._pages) and (final or self._batch_ready()):
                if self._unavailable and not final:
                    return
                batch = self._buffer[: self.batch_size]
                skips = self._skips[: self.batch_size]
                # Every page so far: the batch's articles were read from pages that came before them.
                pages = self._pages[:]
                try:
                    result = await self._write(batch, skips, pages)
                except StoreUnavailable as error:
                    self._unavailable = True
                    logger.error("Database unavailable after %d retries: %s", self.retry_times, error)
                    if not final:
                        self._close_spider()
                    return
                except Exception:
                    # A bug, not an outage: retrying the batch forever would stop all storing.
                    logger.exception("Cannot store a batch of %d items; they are dropped", len(batch))
                    result = BatchResult(error=len(batch))
                # Committed (or given up as a bug): only now do the items leave the buffer.
                del self._buffer[: len(batch)]
                del self._skips[: len(skips)]
                del self._pages[: len(pages)]
                self._record(result)

    async def _write(self, batch: list[Any], skips: list[Skip], pages: list[Page]) -> BatchResult:
        assert self.store is not None
        for attempt in range(self.retry_times + 1):
            try:
                return await self._in_thread(self.store.write_batch, batch, skips, pages)
            except StoreUnavailable as error:
                if attempt == self.retry_times:
                    raise
                delay = self.retry_delay * 2**attempt
                self.stats.inc_value("store/retries")
                logger.warning(
                    "%s; retrying %d items and %d skipped pages in %.1f s", error, len(batch), len(skips), delay
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    def _record(self, result: BatchResult) -> None:
        counts = result.counts()
        self.counts.update(counts)
        self.stats.inc_value("store/batches")
        for name in COUNTED:
            if counts[name]:
                self.stats.inc_value(f"store/{name}", counts[name])
        for name in EXTRA_COUNTS:
            if counts[name]:
                self.stats.inc_value(f"store/{name}", counts[name])

    def _close_spider(self) -> None:
        # Items keep arriving while the spider closes; they wait in the buffer for close_spider's
        # last attempt. Scheduled, not awaited: closing waits for this very item to finish.
        if self._closing is not None:
            return
        try:
            engine = self.crawler.engine
        except RuntimeError:  # no crawl running (the pipeline driven by hand, as in tests)
            return
        logger.error("Closing the spider (%s); unstored items get one more try at close", CLOSE_REASON)
        self._closing = asyncio.ensure_future(engine.close_spider_async(reason=CLOSE_REASON))
