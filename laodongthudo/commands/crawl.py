"""`scrapy crawl` with an exit status that tells a scheduler (cron, systemd, Scrapyd) how the run went.

Scrapy's own `crawl` exits non-zero only when the crawler cannot start. This one also exits
- 3 when the run ended with the markup alert (`run/alert` in the stats, see extensions/run_record.py),
- 4 when the database was unavailable (finish reason `store_unavailable`, or items left unstored),
- 5 when the site could not be read (`run/site_unreachable`: no listing page answered),
- 6 when a section stopped at a bound (`run/bounded`: MAX_LISTING_PAGES, MAX_BARREN_LISTING_PAGES or
  MAX_LINKS_PER_LISTING),
- 7 when another live run holds the JOBDIR (laodongthudo.jobdir): nothing was started or changed,
- 128 + the signal's number when a second Ctrl-C (or SIGTERM) forced an unclean end: 130, as a shell would.
Scrapyd's runner goes through `scrapy.cmdline.execute` too, so its jobs end with the same status.
"""

from __future__ import annotations

import argparse
import logging
import signal
from collections.abc import Callable
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.spiders import Spider

from laodongthudo import preflight
from laodongthudo.extensions.run_record import ALERT_STAT, BOUND_STAT, UNREACHABLE_STAT, exit_status
from laodongthudo.jobdir import JobDirBusy, JobDirLock
from laodongthudo.logquiet import quiet_startup

logger = logging.getLogger(__name__)

JOBDIR_BUSY = 7
# Scrapy's handlers of a second shutdown signal (with and without a Twisted reactor).
_FORCED_STOP_HANDLERS = ("_signal_kill", "_signal_kill_reactorless")


class Command(ScrapyCrawlCommand):
    crawler: Crawler | None = None
    forced_by: int | None = None  # the signal of a forced (second) shutdown

    def long_desc(self) -> str:
        return (
            f"{super().long_desc()} Exits with status 3 when the site's markup has probably changed (more than "
            "MARKUP_ALERT_SHARE of the article pages were unreadable, or the run stored nothing and pages lacked a "
            "body or date), 4 when the database was unavailable, 5 when the site could not be read, 6 when a "
            "section stopped at a bound, 7 when another run holds the JOBDIR, 130 after a second Ctrl-C."
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        quiet_startup()  # before Scrapy logs its versions (cmdline creates the CrawlerProcess after this)

    def _create_crawler(self, spidercls: type[Spider] | str) -> Crawler:
        self.crawler = super()._create_crawler(spidercls)
        return self.crawler

    def _watch_forced_stop(self) -> None:
        """Note the signal when Scrapy forces an unclean shutdown (the second Ctrl-C), so we can exit 128 + it."""
        process = self.crawler_process
        for name in _FORCED_STOP_HANDLERS:
            handler: Callable[[int, Any], None] | None = getattr(process, name, None)
            if handler is None:
                continue

            def forced(signum: int, frame: Any, _handler: Callable[[int, Any], None] = handler) -> None:
                self.forced_by = signum
                _handler(signum, frame)

            setattr(process, name, forced)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args and self.crawler_process is not None:
            spidercls = self.crawler_process.spider_loader.load(args[0])
            found = preflight.problems(self.settings, spidercls, opts.spargs)
            if found:
                logger.error("Not started: %s", "; ".join(found))
                self.exitcode = 1
                return
            logger.info("Database: %s", preflight.describe_database(self.settings.get("DATABASE_URL")))
        jobdir = self.settings.get("JOBDIR") if self.settings is not None else None
        if jobdir:
            try:
                JobDirLock.acquire(jobdir)  # before anything in JOBDIR is looked at; held to the end
            except JobDirBusy as busy:
                logger.error("%s", busy)
                self.exitcode = JOBDIR_BUSY
                return
        self._watch_forced_stop()
        super().run(args, opts)
        if self.forced_by is not None:
            self.exitcode = 128 + self.forced_by
            logger.error(
                "Exiting with status %d: stopped by a second %s before the run could close (its run record stays "
                "unfinished; the next scheduled run catches up)",
                self.exitcode,
                signal.Signals(self.forced_by).name,
            )
            return
        if self.exitcode or self.crawler is None or self.crawler.stats is None:
            return
        stats = self.crawler.stats.get_stats()
        status = exit_status(stats)
        if status:
            reason = {
                3: stats.get(ALERT_STAT),
                4: f"the database was unavailable ({stats.get('finish_reason')})",
                5: stats.get(UNREACHABLE_STAT),
                6: f"stopped at a bound: {stats.get(BOUND_STAT)}",
            }[status]
            logger.error("Exiting with status %d: %s", status, reason)
            self.exitcode = status
