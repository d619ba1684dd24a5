"""Write the crawl's final stats as JSON to the file the `STATS_FILE` setting names (for schedulers, tests)."""

from __future__ import annotations

import json
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class StatsFile:
    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsFile:
        path = crawler.settings.get("STATS_FILE")
        if not path:
            raise NotConfigured
        extension = cls(crawler, Path(path))
        # After the stats collector has closed (finish_reason, elapsed time are in by then).
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_stopped(self, spider: Spider | None = None) -> None:
        stats = self.crawler.stats.get_stats()
        self.path.write_text(json.dumps(stats, ensure_ascii=False, indent=1, sort_keys=True, default=str))
