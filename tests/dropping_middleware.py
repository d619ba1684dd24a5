"""A spider middleware for tests: drops, without a word, every request whose URL contains `DROP_MARK`.

It stands for Scrapy's own middlewares that filter a callback's requests silently (URL length, depth, the
spider-side offsite filter of older versions): none of them calls the request's errback.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request

DROP_MARK = "bi-bo-qua"


class DropMarkedRequests:
    async def process_spider_output(self, response: Any, result: AsyncIterator[Any], spider: Any = None):
        async for item in result:
            if isinstance(item, Request) and DROP_MARK in item.url:
                continue
            yield item
