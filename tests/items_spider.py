"""A spider that yields `count` articles without fetching anything (`scrapy runspider`), for storage tests.

Article 0's content hash depends on `version`, so a second run with another version updates it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy

from laodongthudo.items import Article


class ItemsSpider(scrapy.Spider):
    name = "items"
    count = "0"
    version = "1"

    async def start(self) -> AsyncIterator[Any]:
        for n in range(int(self.count)):
            yield Article(
                url=f"https://laodongthudo.vn/tin-{n}-{n}.html",
                article_id=n,
                title=f"Tin {n}",
                content_hash=f"h{n}-{self.version if n == 0 else 1}",
                entities=[{"type": "PERSON", "name": "Nguyễn Văn Hoà", "count": 1}],
            )
