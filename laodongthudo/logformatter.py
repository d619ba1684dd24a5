"""How Scrapy logs items: one line per drop, never the item itself (a body_html is kilobytes).

Expected drops (an article outside a backfill's days) are INFO; the others, which a person may want to look at,
are WARNING. Scraped items are DEBUG, as in Scrapy.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import logformatter
from scrapy.exceptions import DropItem

# `pipelines._base.ItemPipeline.drop` reasons a run expects to meet.
EXPECTED_DROPS = frozenset({"out_of_range"})


class LogFormatter(logformatter.LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any) -> dict[str, Any]:
        message = str(exception) or type(exception).__name__
        reason = message.split(":", 1)[0]
        level = logging.INFO if isinstance(exception, DropItem) and reason in EXPECTED_DROPS else logging.WARNING
        return {"level": level, "msg": "Dropped (%(message)s)", "args": {"message": message}}

    def item_error(self, item: Any, exception: BaseException, response: Any, spider: Any) -> dict[str, Any]:
        url = getattr(item, "url", None) or getattr(response, "url", "?")
        return {"level": logging.ERROR, "msg": "Error processing %(url)s", "args": {"url": url}}
