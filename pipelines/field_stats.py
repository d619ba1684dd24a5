"""Counts where each stored article's fields came from: `fields/<field>/<source>` in the crawl stats.

A run that lives on fallbacks (`other_layout`, `generic`, `metadata` instead of `layout`) shows it there: the
site's markup has moved and a layout wants fixing (README, "fixing a selector").
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from pipelines._base import ItemPipeline


class FieldStatsPipeline(ItemPipeline):
    def process_item(self, item: Any, spider: Any = None) -> Any:
        for name, source in (ItemAdapter(item).get("field_sources") or {}).items():
            self.count(f"fields/{name}/{source}")
        return item
