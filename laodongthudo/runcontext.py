"""What a run publishes once for the components that need it: the plan, the sections, the pages earlier runs
skipped for good, and how far back in time each section has reached.

The spider builds it and publishes it on its crawler; pipelines and extensions read it with
`RunContext.of(crawler)` and never read the spider's attributes. None means no run published one (`extract`,
or a test driving a pipeline by hand): a pipeline then applies no plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from weakref import WeakKeyDictionary

from scrapy.crawler import Crawler

from laodongthudo.crawlplan import CrawlPlan


@dataclass
class RunContext:
    plan: CrawlPlan
    sections: tuple[str, ...] = ()
    # Filled by the spider as the run goes: when it has read the crawl state, and after each listing page.
    skipped_before: set[str] = field(default_factory=set)  # URLs earlier runs skipped for good
    reached_back: dict[str, date] = field(default_factory=dict)  # section -> oldest publication day seen

    def publish(self, crawler: Crawler) -> None:
        _published[crawler] = self

    @staticmethod
    def of(crawler: Crawler | None) -> RunContext | None:
        return _published.get(crawler) if crawler is not None else None


_published: WeakKeyDictionary[Crawler, RunContext] = WeakKeyDictionary()
