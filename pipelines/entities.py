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
from pipelines._base import ItemPipeline

logger = logging.getLogger(__name__)


class EntitiesPipeline(ItemPipeline):
    def open_spider(self, spider=None) -> None:
        # The gazetteer loads once per process; do it before the first item rather than during it.
        warm_up()

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
            self.count("entities/error")
            adapter["entities"] = []
            return item
        adapter["entities"] = entities
        self.count("entities/articles")
        self.count("entities/extracted", len(entities))
        return item
