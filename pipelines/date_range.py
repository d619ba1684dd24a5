"""Backfills store only the articles published inside the run's days (`-a since=... -a until=...`)."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from laodongthudo.runcontext import RunContext
from pipelines._base import ItemPipeline


class DateRangePipeline(ItemPipeline):
    def process_item(self, item: Any, spider: Any = None) -> Any:
        context = RunContext.of(self.crawler)  # None outside a crawl of the union spider
        plan = context.plan if context is not None else None
        if plan is None or not plan.bounded:
            return item
        adapter = ItemAdapter(item)
        published = adapter.get("published_at")
        if published is not None and not plan.in_range(published):
            raise self.drop("out_of_range", adapter.get("url"), f"published {published.date()}")
        return item
