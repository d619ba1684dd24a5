"""Downloader middlewares: one that honours `Retry-After` (Scrapy's own retry ignores it), one that keeps
redirects on the configured site.

On a 429 or 503 carrying `Retry-After`, the domain's download slot is slowed to at least that delay while the
request waits, then the request is retried and the slot gets its own delay back; after `RETRY_AFTER_MAX_TIMES`
such answers for one request it gives up and lets the response through (the spider counts it). Delays are capped
by `RETRY_AFTER_MAX_DELAY`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from laodongthudo import settings as defaults
from laodongthudo import urls

logger = logging.getLogger(__name__)


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` value (delta-seconds or HTTP-date); None if absent or unreadable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    codes = (429, 503)

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_times = crawler.settings.getint("RETRY_AFTER_MAX_TIMES", defaults.RETRY_AFTER_MAX_TIMES)
        self.max_delay = crawler.settings.getfloat("RETRY_AFTER_MAX_DELAY", defaults.RETRY_AFTER_MAX_DELAY)
        self._waiting: dict[str, tuple[int, float]] = {}  # slot key -> (requests waiting, the slot's own delay)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Any:
        if response.status not in self.codes:
            return response
        delay = retry_after_seconds(response.headers.get("Retry-After"))
        if delay is None:
            return response  # no advice: Scrapy's RetryMiddleware handles it as a plain retryable code
        stats = self.crawler.stats
        tries = request.meta.get("retry_after_times", 0) + 1
        if tries > self.max_times:
            stats.inc_value("retry_after/gave_up")
            logger.warning(
                "Gave up on %s after %d answers %d with Retry-After", request.url, tries - 1, response.status
            )
            return response
        delay = min(delay, self.max_delay)
        stats.inc_value("retry_after/retried")
        logger.info("%d with Retry-After %.0fs for %s: waiting, then retrying", response.status, delay, request.url)
        with self._slowed(request, delay):
            await asyncio.sleep(delay)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = tries
        return retry

    @contextmanager
    def _slowed(self, request: Request, delay: float) -> Iterator[None]:
        """The request's download slot spaced by at least `delay` while inside; its own delay back after.

        Several requests may wait on one slot at once: the slot's delay comes back when the last one is done."""
        downloader = self.crawler.engine.downloader if self.crawler.engine else None
        key = downloader.get_slot_key(request) if downloader else None
        slot = downloader.slots.get(key) if downloader else None
        if slot is None:
            yield
            return
        waiting, own_delay = self._waiting.get(key, (0, slot.delay))
        self._waiting[key] = (waiting + 1, own_delay)
        slot.delay = max(slot.delay, delay)
        try:
            yield
        finally:
            waiting, own_delay = self._waiting.pop(key)
            if waiting > 1:
                self._waiting[key] = (waiting - 1, own_delay)
            else:
                slot.delay = own_delay


class OffsiteRedirect(IgnoreRequest):
    """A redirect (HTTP 3xx or meta refresh) that would leave the configured site: not followed."""

    def __init__(self, source: str, target: str) -> None:
        super().__init__(f"redirect off the site not followed: {source} -> {target}")
        self.source = source
        self.target = target


class OffsiteRedirectMiddleware:
    """Refuses a redirected request whose URL is not on `LDTD_BASE_URL`'s host and port.

    Scrapy's redirect middlewares send the redirected request through every downloader middleware again, with
    the URLs it came from in `meta["redirect_urls"]`; this one stops it before it is downloaded. The request's
    errback then gets an `OffsiteRedirect` (the spider counts it as `skipped/offsite_redirect`)."""

    def __init__(self, crawler: Crawler) -> None:
        self.base_url: str = crawler.settings.get("LDTD_BASE_URL", defaults.LDTD_BASE_URL)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OffsiteRedirectMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        sources = request.meta.get("redirect_urls")
        if not sources or urls.same_origin(request.url, self.base_url):
            return None
        logger.info("Redirect off the site not followed: %s -> %s", sources[0], request.url)
        raise OffsiteRedirect(sources[0], request.url)
