"""`published_at` and `event_date` from the parser's date strings and the sapo (`laodongthudo.dates`).

An article whose publication date cannot be read is dropped (`dropped/no_date`), never stored with a
date guessed from the crawl time.
"""

from __future__ import annotations

from itemadapter import ItemAdapter

from laodongthudo.dates import event_date, published_at
from pipelines._base import ItemPipeline


class DatesPipeline(ItemPipeline):
    def process_item(self, item, spider=None):
        adapter = ItemAdapter(item)
        texts = adapter.get("date_texts") or []
        sources = adapter.get("date_sources") or []
        published, source = None, None
        for i, text in enumerate(texts):  # the first that parses, and where it came from
            published = published_at([text])
            if published is not None:
                source = sources[i] if i < len(sources) else None
                break
        if published is None:
            raise self.drop("no_date", adapter.get("url"), f"no publication date in {adapter.get('date_texts')!r}")
        adapter["published_at"] = published
        if source and "field_sources" in adapter.field_names():
            adapter["field_sources"] = {**(adapter.get("field_sources") or {}), "published_at": source}
        adapter["event_date"] = event_date(adapter.get("sapo"), published)
        return item
