"""A counted, logged drop: the one way a pipeline refuses an item."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem


def drop(spider: Any, reason: str, item_url: str, detail: str = "") -> DropItem:
    """Count `dropped/<reason>` in the crawl stats (when there is a crawl) and build the DropItem to raise."""
    crawler = getattr(spider, "crawler", None)
    if crawler is not None and crawler.stats is not None:
        crawler.stats.inc_value(f"dropped/{reason}")
    return DropItem(f"{reason}: {item_url}" + (f" ({detail})" if detail else ""))
