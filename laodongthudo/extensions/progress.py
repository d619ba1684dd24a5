"""Progress with a total, for the runs that read every listing page: backfills, refreshes, first full crawls.

Every LDTD_PROGRESS_INTERVAL seconds it says how many listing pages and articles are done out of those the run
knows of so far (a listing page adds its unseen articles and its next page when it is read, so both totals grow),
the rate, and for a backfill with `since` how far back each section has reached against that day, which gives
an ETA. When stderr is a terminal this is a tqdm bar (the log lines then print above it); otherwise an INFO
log line. A scheduled run that pages only through what is new stays quiet: it is over in a few requests.

It reads the spider's own bookkeeping (what was asked for, what has an outcome, `oldest_seen`), which counts
retried and failed requests once, as Scrapy's per-minute counters do not.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import AsyncioLoopingCall, create_looping_call
from twisted.internet.task import LoopingCall

from laodongthudo.crawlplan import HANOI, Mode

logger = logging.getLogger(__name__)


def _duration(seconds: float) -> str:
    return str(timedelta(seconds=round(max(seconds, 0))))


@dataclass(frozen=True)
class Snapshot:
    """Where a run stands: counts done out of those known so far, and for `since` backfills the days covered."""

    elapsed: float  # seconds since the run started
    listing_done: int
    listing_known: int
    articles_done: int
    articles_known: int
    since: date | None = None
    start_day: date | None = None  # the newest day the backfill pages back from (`until`, or today)
    reached: dict[str, date | None] | None = None  # section -> oldest day its listing reached (None: not yet)
    finished: frozenset[str] = frozenset()  # sections with no listing page left to read or waiting

    @property
    def rate(self) -> float:
        """Articles with an outcome per minute."""
        return self.articles_done / self.elapsed * 60 if self.elapsed > 0 else 0.0

    @property
    def span_days(self) -> int:
        if self.since is None or self.start_day is None:
            return 0
        return max((self.start_day - self.since).days, 1)

    @property
    def days_covered(self) -> int | None:
        """Days of the range the slowest section has paged through (None: not a `since` backfill)."""
        if not self.span_days or not self.reached:
            return None
        assert self.start_day is not None
        covered = [
            self.span_days if section in self.finished else (self.start_day - (day or self.start_day)).days
            for section, day in self.reached.items()
        ]
        return max(0, min(min(covered), self.span_days))

    @property
    def fraction(self) -> float | None:
        covered = self.days_covered
        return covered / self.span_days if covered is not None else None

    @property
    def eta(self) -> float | None:
        """Seconds left, from the pace so far at which the listings page back in time."""
        fraction = self.fraction
        if not fraction or self.elapsed <= 0:
            return None
        return self.elapsed * (1 - fraction) / fraction

    def counts(self) -> str:
        return (
            f"listing pages {self.listing_done}/{self.listing_known}, articles {self.articles_done}/"
            f"{self.articles_known} done ({self.rate:.1f}/min)"
        )

    def reach(self) -> str:
        if self.fraction is None or self.reached is None:
            return ""
        sections = ", ".join(
            f"{section} {day.isoformat() if day else '-'}" for section, day in sorted(self.reached.items())
        )
        eta = self.eta
        eta_text = f", ETA {_duration(eta)}" if eta is not None else ""
        return f"reached back to {sections} of {self.since} ({self.fraction:.0%}{eta_text})"

    def line(self) -> str:
        """The log line."""
        reach = self.reach()
        return f"Progress after {_duration(self.elapsed)}: {self.counts()}" + (f"; {reach}" if reach else "")


def snapshot(spider: Spider, elapsed: float, today: date | None = None) -> Snapshot:
    """Read the spider's bookkeeping (laodongthudo.spiders.union.UnionSpider)."""
    pages_requested = getattr(spider, "pages_requested", set())
    outstanding = getattr(spider, "listing_outstanding", {})
    plan = getattr(spider, "plan", None)
    since = getattr(plan, "since", None)
    start_day = None
    reached = None
    if since is not None:
        start_day = min(getattr(plan, "until", None) or date.max, today or datetime.now(HANOI).date())
        oldest = getattr(spider, "oldest_seen", {})
        reached = {str(section): oldest.get(section) for section in getattr(spider, "sections", ())}
    busy = {section for section, _ in outstanding} | {section for section, _ in getattr(spider, "waiting_pages", {})}
    return Snapshot(
        elapsed=elapsed,
        listing_done=len(pages_requested) - len(outstanding),
        listing_known=len(pages_requested),
        articles_done=len(getattr(spider, "outcomes", {})),
        articles_known=len(getattr(spider, "requested", set())),
        since=since,
        start_day=start_day,
        reached=reached,
        finished=frozenset({section for section, _ in pages_requested} & set(reached or {}) - busy),
    )


def reads_everything(spider: Spider) -> bool:
    """Is this a long run: a backfill, a refresh, a first full crawl or a catch-up?"""
    plan = getattr(spider, "plan", None)
    return getattr(plan, "mode", None) is not Mode.SCHEDULED or bool(getattr(spider, "reads_everything", False))


class _AboveTheBar:
    """A stream for the log handlers while the bar shows: each record prints above the bar, not through it."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        from tqdm import tqdm

        tqdm.write(text, file=self.stream, end="")

    def flush(self) -> None:
        self.stream.flush()


class ProgressBar:
    """A tqdm bar on stderr: days of the range for `since` backfills, else articles done of those known."""

    def __init__(self) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=0, unit="article", file=sys.stderr, dynamic_ncols=True, leave=True)
        # The handlers keep their level, filters and format (tqdm's logging_redirect_tqdm drops the first two).
        self.redirected: list[tuple[logging.StreamHandler[Any], Any]] = []
        for handler in logging.root.handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream in (sys.stderr, sys.stdout):
                self.redirected.append((handler, handler.setStream(_AboveTheBar(handler.stream))))

    def show(self, state: Snapshot) -> None:
        covered = state.days_covered
        if covered is not None:
            self.bar.unit = "day"
            self.bar.total, self.bar.n = state.span_days, covered
            self.bar.set_postfix_str(state.counts(), refresh=False)
        else:
            self.bar.total, self.bar.n = state.articles_known, state.articles_done
            self.bar.set_postfix_str(f"listing pages {state.listing_done}/{state.listing_known}", refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        self.bar.close()
        for handler, stream in self.redirected:
            handler.setStream(stream)


class Progress:
    """The extension: LDTD_PROGRESS_INTERVAL (seconds between log lines; 0 turns it off), LDTD_PROGRESS_BAR
    (`auto`: a bar when stderr is a terminal; `off`: log lines always)."""

    def __init__(self, crawler: Crawler, interval: float, bar: bool) -> None:
        self.crawler = crawler
        self.interval = interval
        self.use_bar = bar
        self.started = time.monotonic()
        self.last_line = self.started
        self.bar: ProgressBar | None = None
        self.active: bool | None = None  # decided at the first tick, once the spider has read the database
        self.task: AsyncioLoopingCall | LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("LDTD_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        bar = crawler.settings.get("LDTD_PROGRESS_BAR") == "auto" and sys.stderr.isatty()
        extension = cls(crawler, interval, bar)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.spider = spider
        self.started = self.last_line = time.monotonic()
        self.task = create_looping_call(self.tick)
        # A bar moves every second; log lines come every `interval`.
        self.task.start(min(1.0, self.interval) if self.use_bar else self.interval, now=False)

    def tick(self) -> None:
        if self.active is None:
            self.active = reads_everything(self.spider)
        if not self.active:
            return
        now = time.monotonic()
        state = snapshot(self.spider, now - self.started)
        if self.use_bar:
            if self.bar is None:
                self.bar = ProgressBar()
            self.bar.show(state)
        elif now - self.last_line >= self.interval - 0.01:
            self.last_line = now
            logger.info("%s", state.line())

    def spider_closed(self, spider: Spider) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.bar is not None:
            self.bar.show(snapshot(spider, time.monotonic() - self.started))
            self.bar.close()
        if self.active or (self.active is None and reads_everything(spider)):
            logger.info("%s", snapshot(spider, time.monotonic() - self.started).line().replace("Progress", "Done", 1))
