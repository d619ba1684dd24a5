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
        # From the crawler, not from `spider`: Scrapy 2.13+ no longer passes `spider` to a pipeline
        # whose `process_item` does not require it, so spider.crawler.stats is out of reach there.
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
            texts = adapter.get("date_texts")
            raise DropItem(f"no_date: {adapter.get('url', '?')} (no publication date in {texts!r})")
        adapter["published_at"] = published
        adapter["event_date"] = event_date(adapter.get("sapo"), published)
        return item
