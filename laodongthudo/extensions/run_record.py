"""The extension that gives every crawl a `crawl_runs` row, a summary in the log, and its verdict.

A thin wire: the alert policy and the exit statuses are laodongthudo.outcome.verdict, the row
laodongthudo.outcome.record (written by laodongthudo.db.runs), the summary text laodongthudo.outcome.summary;
what the run was asked comes from the RunContext the spider publishes.

The row is inserted when the spider opens (no `finished_at` yet; `host`, `pid` and a `heartbeat_at` renewed
every RUN_RECORD_HEARTBEAT seconds), so a run that dies (kill -9, a second Ctrl-C, a database outage or a full
disk that also stops the final write) still leaves its mark: the next scheduled run finds the row unfinished
and its process gone, and catches up (`laodongthudo.db.state`). When the spider closes (after the item
pipelines, so the store pipeline has written everything), this extension assesses the final stats, puts the
alerts in them (`run/alert`, `run/site_unreachable`, logged at ERROR; `scrapy crawl` exits 3 or 5), completes
the row with engines of its own, and logs the summary at INFO. Pages skipped for a markup reason during an
alerted run are forgotten from `skipped_urls`, so that the runs after the parser is fixed fetch them again (and
the next scheduled run, after an alerted one, reads every listing page).

Settings: RUN_RECORD_ENABLED, RUN_RECORD_HEARTBEAT, MARKUP_ALERT_SHARE, DATABASE_URL, STORE_RETRY_TIMES /
STORE_RETRY_DELAY (the same patience as the store pipeline when the database is unavailable).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from laodongthudo import settings as defaults
from laodongthudo.db import StoreUnavailable, describe_error, mask_url
from laodongthudo.db.runs import finish_run, heartbeat, previous_run_stats, start_run
from laodongthudo.outcome.record import RunRecord, aware, scrub, secret_words
from laodongthudo.outcome.summary import COVERAGE_FIELDS
from laodongthudo.outcome.verdict import (
    ALERT_STAT,
    BOUND_STAT,
    CAUGHT_UP_STAT,
    STORE_UNAVAILABLE,
    UNREACHABLE_STAT,
    Verdict,
    assess,
    exit_status,
    fallback_alert,
    markup_alert,
    markup_share_alert,
    needs_previous_run,
    run_alert,
    site_unreachable,
)
from laodongthudo.reasons import MARKUP_REASONS
from laodongthudo.runcontext import RunContext

logger = logging.getLogger(__name__)


def write_run(database_url: str, record: RunRecord, *, forget_markup_skips: bool = False) -> int:
    """Complete the run's row (`record.id`; inserted when there is none yet, schema brought to head) and
    return its id.

    With `forget_markup_skips`, the skipped_urls rows this run left for a markup reason are deleted in the
    same transaction. Raises StoreUnavailable when the database cannot be reached."""
    forget = (tuple(sorted(MARKUP_REASONS)), record.started_at) if forget_markup_skips else None
    return finish_run(database_url, record.row(), record.id, forget_skips=forget)


class RunRecordExtension:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.database_url: str = settings.get("DATABASE_URL") or defaults.DATABASE_URL
        self.retry_times = max(0, settings.getint("STORE_RETRY_TIMES", defaults.STORE_RETRY_TIMES))
        self.retry_delay = settings.getfloat("STORE_RETRY_DELAY", defaults.STORE_RETRY_DELAY)
        self.alert_share = settings.getfloat("MARKUP_ALERT_SHARE", defaults.MARKUP_ALERT_SHARE)
        self.base_url: str | None = (settings.get("LDTD_BASE_URL") or "").rstrip("/") or None
        self.heartbeat_interval = settings.getfloat("RUN_RECORD_HEARTBEAT", defaults.RUN_RECORD_HEARTBEAT)
        self.record: RunRecord | None = None
        self.run_id: int | None = None  # the row inserted at the start
        self._heartbeat: asyncio.Task[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecordExtension:
        if not crawler.settings.getbool("RUN_RECORD_ENABLED", defaults.RUN_RECORD_ENABLED):
            raise NotConfigured
        extension = cls(crawler)
        # Connected after CoreStats (a built-in extension), so finish_time and finish_reason are set.
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        return extension

    def item_scraped(self, item: Any, **kwargs: Any) -> None:
        """Count which fields an article that passed every pipeline had (the summary's coverage line)."""
        stats = self.crawler.stats
        if stats is None:
            return
        stats.inc_value("coverage/articles")
        for name in COVERAGE_FIELDS:
            value = getattr(item, name, None) if not isinstance(item, Mapping) else item.get(name)
            if value not in (None, "", [], {}):
                stats.inc_value(f"coverage/{name}")

    async def spider_opened(self, spider: Spider) -> None:
        """Leave the run's mark before it can die: its row, unfinished, then a heartbeat."""
        assert self.crawler.stats is not None
        started_at = aware(self.crawler.stats.get_value("start_time"), datetime.now(UTC))
        row = RunRecord.starting(RunContext.of(self.crawler), started_at, self.base_url)
        try:
            self.run_id = await asyncio.to_thread(start_run, self.database_url, row)
        except Exception as error:
            message = str(error) if isinstance(error, StoreUnavailable) else describe_error(error)
            logger.warning("Cannot write the run's start record (it is written at its end): %s", message)
            return
        logger.info("Run #%d recorded as started in %s", self.run_id, mask_url(self.database_url))
        if self.heartbeat_interval > 0:
            self._heartbeat = asyncio.ensure_future(self._beat(self.run_id))

    async def _beat(self, run_id: int) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_interval)
            try:
                await asyncio.to_thread(heartbeat, self.database_url, run_id)
            except Exception as error:  # an outage: the store pipeline reports it; the run goes on
                logger.debug("Cannot renew the run record's heartbeat: %s", error)

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("finish_reason", stats.get_value("finish_reason") or reason)
        verdict = await self._assess(stats.get_stats())
        for key, message in verdict.stats().items():
            stats.set_value(key, message)
            logger.error(message)
        secrets = secret_words(self.database_url)
        record = RunRecord.from_stats(
            stats.get_stats(), RunContext.of(self.crawler), secrets=secrets, base_url=self.base_url
        )
        record.id = self.run_id
        self.record = record
        try:
            record.id = await self._write(record)
        except Exception as error:
            message = str(error) if isinstance(error, StoreUnavailable) else describe_error(error)
            logger.error("Cannot write the run record to %s: %s", mask_url(self.database_url), message)
        text = record.summary()
        for secret in secrets:
            text = text.replace(secret, "***")
        logger.info("%s", text)

    async def _assess(self, stats: Mapping[str, Any]) -> Verdict:
        previous = None
        if needs_previous_run(stats, self.alert_share):
            try:
                previous = await asyncio.to_thread(previous_run_stats, self.database_url, self.run_id)
            except Exception as error:  # the run record is written (or reported missing) all the same
                logger.warning("Cannot read the previous run's stats: %s", describe_error(error))
        return assess(stats, self.alert_share, previous)

    async def _write(self, record: RunRecord) -> int:
        # The store pipeline has waited out the database already when it gave up: one try is enough then.
        retries = 0 if record.finish_reason == STORE_UNAVAILABLE else self.retry_times
        for attempt in range(retries + 1):
            try:
                return await asyncio.to_thread(
                    write_run, self.database_url, record, forget_markup_skips=bool(record.stats.get(ALERT_STAT))
                )
            except StoreUnavailable as error:
                if attempt == retries:
                    raise
                delay = self.retry_delay * 2**attempt
                logger.warning("%s; writing the run record again in %.1f s", error, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")


__all__ = [
    "ALERT_STAT",
    "BOUND_STAT",
    "CAUGHT_UP_STAT",
    "STORE_UNAVAILABLE",
    "UNREACHABLE_STAT",
    "RunRecord",
    "RunRecordExtension",
    "exit_status",
    "run_alert",
    "fallback_alert",
    "markup_alert",
    "markup_share_alert",
    "scrub",
    "site_unreachable",
    "write_run",
]
