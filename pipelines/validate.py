"""Last check before storage: never store an empty or undated article."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from pipelines._drop import drop


class ValidatePipeline:
    def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        url = adapter.get("url", "?")
        if not (adapter.get("title") or "").strip():
            raise drop(spider, "no_title", url)
        if not (adapter.get("body") or "").strip():
            raise drop(spider, "empty_body", url)
        published = adapter.get("published_at")
        if published is None or published.tzinfo is None:
            raise drop(spider, "no_date", url, "publication date missing or not timezone-aware")
        return item
