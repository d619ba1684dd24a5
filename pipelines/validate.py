"""Last check before storage: never store an untitled, empty or undated article."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from laodongthudo.reasons import EMPTY_BODY, NO_DATE, NO_TITLE
from pipelines._base import ItemPipeline


class ValidatePipeline(ItemPipeline):
    def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        url = adapter.get("url")
        if not (adapter.get("title") or "").strip():
            raise self.drop(NO_TITLE, url)
        if not (adapter.get("body") or "").strip():
            raise self.drop(EMPTY_BODY, url)
        published = adapter.get("published_at")
        if published is None or published.tzinfo is None:
            raise self.drop(NO_DATE, url, "publication date missing or not timezone-aware")
        return item
