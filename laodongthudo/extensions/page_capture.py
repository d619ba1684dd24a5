"""Keeps every article and listing response the crawl receives (refused ones too) for the pages table.

On Scrapy's `response_received` signal (after the downloader middlewares: retried 5xx answers are not kept,
the last answer is), each response of the site but robots.txt becomes a `laodongthudo.db.pages.Page` and is
announced with the `page_fetched` signal; the store pipeline writes it with its next batch, and points the
article read from it at it. The spider does not know about any of this.

Settings: PAGES_STORE (default on; `off` disables: no page kept, articles get no page_id).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings

from laodongthudo.db.pages import Page
from laodongthudo.signals import page_fetched

_OFF = frozenset({"off", "0", "false", "no", "none", ""})
# The body Scrapy hands over is already decoded: headers that describe the wire form would lie about it.
WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


def pages_enabled(settings: BaseSettings) -> bool:
    return str(settings.get("PAGES_STORE", "on")).strip().lower() not in _OFF


def response_headers(response: Response) -> list[tuple[str, str]]:
    """[name, value] pairs in the order received, minus those of the wire encoding."""
    pairs: list[tuple[str, str]] = []
    for name, values in response.headers.items():
        text = name.decode("latin-1")
        if text.lower() in WIRE_HEADERS:
            continue
        pairs.extend((text, value.decode("latin-1")) for value in values)
    return pairs


class PageCapture:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageCapture:
        if not pages_enabled(crawler.settings):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        return extension

    def response_received(self, response: Response, request: Request, **kwargs: Any) -> None:
        if urlsplit(response.url).path == "/robots.txt":
            return
        page = Page(
            fetched_url=response.url,  # what the spider parses the page as
            status=response.status,
            headers=response_headers(response),
            body=response.body,
            fetched_at=datetime.now(UTC),
        )
        self.crawler.stats.inc_value(f"pages/{page.kind}")
        self.crawler.signals.send_catch_log(page_fetched, page=page)
