"""What every item pipeline here shares: the crawler (None outside a crawl) and counted, logged drops.

Scrapy 2.13+ passes `spider` to `process_item` only when the method requires it, so pipelines reach the
crawl's stats through the crawler given to `from_crawler`, never through `spider`; what they need from the
run (the plan, known skips) comes from the RunContext the spider publishes (laodongthudo.runcontext).
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem


class ItemPipeline:
    def __init__(self, crawler: Crawler | None = None) -> None:
        self.crawler = crawler  # None when run by `laodongthudo.extract` or a test

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ItemPipeline:
        return cls(crawler)

    def count(self, key: str, amount: int = 1) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, amount)

    def drop(self, reason: str, url: str | None, detail: str = "") -> DropItem:
        """Count `dropped/<reason>` and build the DropItem to raise (Scrapy logs it with the reason)."""
        self.count(f"dropped/{reason}")
        return DropItem(f"{reason}: {url or '?'}" + (f" ({detail})" if detail else ""))
