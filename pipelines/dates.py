"""`published_at` and `event_date` from the parser's date strings and the sapo (`laodongthudo.dates`).

An article whose publication date cannot be read is dropped (`dropped/no_date`), never stored with a
date guessed from the crawl time.
"""

from __future__ import annotations

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from laodongthudo.dates import event_date, published_at


class DatesPipeline:
    def __init__(self, stats=None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(stats=crawler.stats)

    def process_item(self, item, spider=None):
        adapter = ItemAdapter(item)
        published = published_at(adapter.get("date_texts"))
        if published is None:
            if self.stats is not None:
                self.stats.inc_value("dropped/no_date")
            raise DropItem(f"no_date: no publication date in {adapter.get('date_texts')!r} ({adapter.get('url')})")
        adapter["published_at"] = published
        adapter["event_date"] = event_date(adapter.get("sapo"), published)
        return item
