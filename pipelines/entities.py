"""`entities`: the people, organisations and places the article names (`laodongthudo.entities`).

Runs after text normalisation and dates, on the clean title, sapo, body and image captions. The
byline is not an entity. Odd text never stops an item: the error is logged, the item goes on with no
entities, and `entities/error` counts it. `entities/extracted` counts entity rows,
`entities/articles` the items read.
"""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter

from laodongthudo.entities import extract_entities, warm_up

logger = logging.getLogger(__name__)


class EntitiesPipeline:
    def __init__(self, stats=None) -> None:
        # From the crawler, as in the other pipelines: Scrapy 2.13+ may not pass `spider`.
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(stats=crawler.stats)

    def open_spider(self, spider=None) -> None:
        # The gazetteer loads once per process; do it before the first item rather than during it.
        warm_up()

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)

    def process_item(self, item, spider=None):
        adapter = ItemAdapter(item)
        captions = [image.get("caption") for image in adapter.get("images") or [] if isinstance(image, dict)]
        try:
            entities = extract_entities(
                adapter.get("title"),
                adapter.get("sapo"),
                adapter.get("body"),
                captions,
                author=adapter.get("author"),
            )
        except Exception:
            logger.exception("entity extraction failed for %s", adapter.get("url", "?"))
            self._inc("entities/error")
            adapter["entities"] = []
            return item
        adapter["entities"] = entities
        self._inc("entities/articles")
        self._inc("entities/extracted", len(entities))
        return item
