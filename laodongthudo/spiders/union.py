"""The `union` spider: the Công đoàn sections, listing page by listing page, article by article.

It knows the site only through `LDTD_BASE_URL` and the layout parsers, and what is already stored only
through `laodongthudo.db.state`. Every page it does not turn into an article is logged with a reason, counted
in the crawl stats under `skipped/<reason>`, and announced with the `page_skipped` signal.

Paging depends on the run's plan (`laodongthudo.crawlplan`):
- scheduled: stop a section at the first listing page that holds nothing unseen;
- backfill / refresh with `since`: page on until a listing page holds only articles older than `since`
  (so the next page is asked for once the current page's articles are in);
- otherwise: to the last page.

Progress: every listing page a waiting run completes is logged with how far back in time its section has
reached ("reached back to DATE"), and the stats keep it under `progress/reached_back/<section>`.

Resuming (`-s JOBDIR=...`): requests are `dont_filter=True` and the database is the record of what is known,
so a request lost in a kill only means a fetch again. A backfill also checkpoints its progress in
`self.state` (atomically, to Scrapy's `JOBDIR/spider.state`, which Scrapy itself writes only at a clean
close): per section, the listing pages it has completed and the articles each sent to storage. A resumed
backfill starts each section at its last page whose articles are all in the database (so nothing that was
still in a storage buffer when the process died is skipped), and skips the sections it had finished. After
an unclean end (`kill -9`, a forced second Ctrl-C) Scrapy's request queue on disk may be half-written; the
spider then discards it before the scheduler opens it.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.job import job_dir
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure

from laodongthudo import urls
from laodongthudo.crawlplan import CrawlPlan, Mode, hanoi_day
from laodongthudo.decoding import page_text
from laodongthudo.failures import decompressed_too_large
from laodongthudo.jobdir import JobDirLock
from laodongthudo.layouts import NotAnArticle, parse_article, parse_listing
from laodongthudo.signals import page_skipped

# The union subsections (site-notes, "URLs"); `cong-doan` is the whole-section listing.
UNION_SECTIONS = ("hoat-dong", "vi-loi-ich-doan-vien", "thang-cong-nhan", "thu-do-anh-hung-thanh-pho-hoa-binh")
UNION_ROOT = "/cong-doan"

PageKey = tuple[str, int]


def failure_reason(failure: Failure) -> str:
    """A stats key for a request that failed for good: a timeout and an oversize page are not the same news."""
    if failure.check(DownloadTimeoutError, TimeoutError, TwistedTimeoutError):
        return "timeout"
    if failure.check(DownloadCancelledError) or decompressed_too_large(failure):  # over DOWNLOAD_MAXSIZE
        return "too_large"
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    return "failed"  # (section, listing page number)


logger = logging.getLogger(__name__)

ARGUMENTS = ("section", "since", "until", "refresh")
CHECKPOINT_INTERVAL = 5.0  # default seconds between two checkpoints of a backfill (LDTD_CHECKPOINT_INTERVAL)
RUNNING_MARK = "union.running"  # in JOBDIR while a run is open; left behind by a run that did not close
STATE_KEY = "union"  # the spider's part of `self.state`


@dataclass
class ListingPage:
    """A listing page whose articles are still being fetched (paging that waits for their dates)."""

    has_next: bool
    pending: set[str] = field(default_factory=set)  # canonical URLs not yet resolved
    dates: list[datetime] = field(default_factory=list)  # publication times of its articles
    stored: list[str] = field(default_factory=list)  # its articles this run sent to storage


@dataclass
class SectionProgress:
    """A backfill's progress in one section, as checkpointed in `self.state`."""

    base: int = 0  # pages 1..base were completed and their articles found in the database
    pages: dict[int, list[str]] = field(default_factory=dict)  # pages completed since: URLs sent to storage
    finished_at: int | None = None  # the page at which the section ended (older than `since`, or the last)
    reached: date | None = None  # the oldest publication day seen

    def to_state(self) -> dict[str, Any]:
        """Plain data for `self.state` (pickled by Scrapy: no classes of ours in it)."""
        reached = self.reached.isoformat() if self.reached else None
        return {"base": self.base, "pages": self.pages, "finished_at": self.finished_at, "reached": reached}

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> SectionProgress:
        reached = date.fromisoformat(data["reached"]) if data.get("reached") else None
        return cls(data.get("base", 0), dict(data.get("pages", {})), data.get("finished_at"), reached)

    def durable(self, known: dict[str, Any]) -> int:
        """The last page up to which every completed page's stored articles are in the database."""
        page = self.base
        while page + 1 in self.pages and all(url in known for url in self.pages[page + 1]):
            page += 1
        return page


class UnionSpider(scrapy.Spider):
    name = "union"

    def __init__(
        self,
        section: str | None = None,
        since: str | None = None,
        until: str | None = None,
        refresh: str | None = None,
        **kwargs: Any,
    ) -> None:
        unknown = sorted(name for name in kwargs if not name.startswith("_") and name != "name")
        if unknown:  # a misspelt `-a sinse=...` would otherwise run a scheduled crawl instead of a backfill
            raise ValueError(f"unknown argument(s) {', '.join(unknown)}; known: {', '.join(ARGUMENTS)}")
        super().__init__(**kwargs)
        self.sections = self._parse_sections(section)
        self.plan = CrawlPlan.from_args(since, until, refresh)
        self.known: dict[str, datetime | None] = {}  # stored article URL -> publication time
        self.catching_up = False  # a scheduled run after an incomplete one reads every listing page
        self.skipped_before: set[str] = set()  # URLs earlier runs skipped for good
        self.requested: set[str] = set()  # article URLs asked for in this run
        self.outcomes: dict[str, datetime | None] = {}  # article URL -> publication time, once resolved
        self.waiting_pages: dict[PageKey, ListingPage] = {}
        self.waiting_for: dict[str, set[PageKey]] = {}  # article URL -> listing pages waiting for it
        self.pages_requested: set[PageKey] = set()  # listing pages asked for in this run
        self.pages_parsed: set[PageKey] = set()  # listing pages handled in this run
        self.oldest_seen: dict[str, date] = {}
        self.progress: dict[str, SectionProgress] = {}  # checkpointed (backfills with JOBDIR)
        self.jobdir: str | None = None
        self._checkpointed_at = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> UnionSpider:
        try:
            spider = super().from_crawler(crawler, *args, **kwargs)
        except ValueError as error:
            logger.error("Bad arguments for the union spider: %s", error)
            raise
        crawler.signals.connect(spider._item_scraped, signal=signals.item_scraped)
        for signal in (signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider._item_not_stored, signal=signal)
        crawler.signals.connect(spider._callback_error, signal=signals.spider_error)
        spider._mark_running(job_dir(crawler.settings))
        return spider

    @staticmethod
    def _parse_sections(arg: str | None) -> tuple[str, ...]:
        if not arg:
            return UNION_SECTIONS
        chosen = tuple(s.strip().strip("/").removeprefix("cong-doan/") for s in arg.split(",") if s.strip())
        unknown = [s for s in chosen if s not in (*UNION_SECTIONS, "cong-doan")]
        if unknown:
            known = ", ".join((*UNION_SECTIONS, "cong-doan"))
            raise ValueError(f"unknown section(s) {', '.join(unknown)}; known: {known}")
        return chosen

    @property
    def base_url(self) -> str:
        return self.settings.get("LDTD_BASE_URL").rstrip("/")

    # -- start -------------------------------------------------------------------------------------------

    async def start(self):
        self._load_crawl_state()
        self.logger.info(
            "Crawl plan: %s of %s (since %s, until %s); %d articles and %d skipped pages already known",
            self.plan.mode,
            ", ".join(self.sections),
            self.plan.since or "-",
            self.plan.until or "-",
            len(self.known),
            len(self.skipped_before),
        )
        first_pages = self._resume_points()
        for section in self.sections:
            if (page := first_pages.get(section, 1)) is not None:
                for request in self._listing_request(section, page):
                    yield request

    def _load_crawl_state(self) -> None:
        from laodongthudo.db.state import read_crawl_state  # the database is optional for the spider

        dead_after = self.settings.getfloat("RUN_RECORD_DEAD_AFTER")
        state = read_crawl_state(self.settings.get("DATABASE_URL"), self.sections, dead_after)
        self.known, self.skipped_before = state.known_articles, state.skipped_urls
        if self.plan.mode is Mode.SCHEDULED and state.last_run is not None and not state.last_run.complete:
            # Articles that run fetched but could not store sit behind stored ones: page on to the end.
            self.catching_up = True
            self.crawler.stats.set_value("run/caught_up", state.last_run.describe())
            self.logger.warning(
                "The last run did not complete: this scheduled run reads every listing page (fetching only "
                "unseen articles) to fill the gap it may have left"
            )

    # -- resuming ----------------------------------------------------------------------------------------

    @property
    def checkpointing(self) -> bool:
        """Backfills checkpoint their progress when the run has a JOBDIR (Scrapy then gives us `state`)."""
        return self.plan.mode is Mode.BACKFILL and isinstance(getattr(self, "state", None), dict)

    def _mark_running(self, jobdir: str | None) -> None:
        """Called before the scheduler opens its disk queue: discard the queue an unclean end left behind."""
        self.jobdir = jobdir
        if not jobdir:
            return
        JobDirLock.acquire(jobdir)  # one run per JOBDIR: a live run's queue is never discarded
        mark = Path(jobdir, RUNNING_MARK)
        queue = Path(jobdir, "requests.queue")
        if mark.exists() and queue.exists():
            logger.warning(
                "The previous run with JOBDIR %s did not close (killed?): its request queue may be half-written, "
                "so it is discarded; this run resumes from the spider's checkpoint and the database",
                jobdir,
            )
            shutil.rmtree(queue, ignore_errors=True)
        mark.parent.mkdir(parents=True, exist_ok=True)
        mark.write_text(f"{os.getpid()}\n")

    def _resume_points(self) -> dict[str, int | None]:
        """Per section, the listing page to start at (None: finished in an earlier run of this backfill)."""
        if not self.checkpointing:
            return {}
        saved = self.state.get(STATE_KEY)
        if saved and saved.get("plan") != self.plan.key:
            self.logger.warning(
                "JOBDIR %s holds the progress of another plan %s; starting this one (%s) from page 1",
                self.jobdir,
                saved.get("plan"),
                self.plan.key,
            )
            saved = None
        previous: dict[str, dict[str, Any]] = (saved or {}).get("sections", {})
        points: dict[str, int | None] = {}
        for section in self.sections:
            before = SectionProgress.from_state(previous.get(section, {}))
            durable = before.durable(self.known)
            progress = SectionProgress(base=durable, reached=before.reached)
            if before.reached:
                self.oldest_seen[section] = before.reached
            if before.finished_at is not None and before.finished_at <= durable:
                progress.finished_at = before.finished_at
                points[section] = None
                self.logger.info("%s: finished in an earlier run of this backfill", section)
            elif durable:
                # The last durable page once more: the listing may have shifted since (deleted stories).
                points[section] = durable
                self.logger.info(
                    "%s: resuming at listing page %d (pages 1-%d done in an earlier run; reached back to %s)",
                    section,
                    durable,
                    durable,
                    before.reached or "-",
                )
            self.progress[section] = progress
        sections = {section: progress.to_state() for section, progress in self.progress.items()}
        self.state[STATE_KEY] = {"plan": self.plan.key, "sections": sections}
        self._checkpoint(force=True)
        return points

    def _record_progress(self, section: str, page: int, stored: list[str], done: bool) -> None:
        if not self.checkpointing or section not in self.progress:
            return
        progress = self.progress[section]
        if page > progress.base:
            progress.pages[page] = stored
        if done:
            progress.finished_at = page
        progress.reached = self.oldest_seen.get(section)
        self.state[STATE_KEY]["sections"][section] = progress.to_state()
        self._checkpoint(force=done)

    def _checkpoint(self, force: bool = False) -> None:
        """Write `self.state` now (Scrapy's SpiderState writes it only at a clean close), atomically."""
        if not self.checkpointing or not self.jobdir:
            return
        now = time.monotonic()
        interval = self.settings.getfloat("LDTD_CHECKPOINT_INTERVAL", CHECKPOINT_INTERVAL)
        if not force and now - self._checkpointed_at < interval:
            return
        self._checkpointed_at = now
        path = Path(self.jobdir, "spider.state")
        partial = path.with_name(path.name + ".partial")
        with partial.open("wb") as file:
            pickle.dump(self.state, file, protocol=4)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, path)

    def closed(self, reason: str) -> None:
        if self.oldest_seen:
            self.logger.info(
                "Reached back to: %s",
                ", ".join(f"{section} {day.isoformat()}" for section, day in sorted(self.oldest_seen.items())),
            )
        if self.jobdir:
            # Scrapy has written its queue by now; SpiderState writes `self.state` next.
            Path(self.jobdir, RUNNING_MARK).unlink(missing_ok=True)

    def _listing_request(self, section: str, page: int) -> Iterator[scrapy.Request]:
        if (section, page) in self.pages_requested:
            return  # a resumed queue and this run's own paging both reached it
        self.pages_requested.add((section, page))
        yield scrapy.Request(
            urls.section_url(self.base_url, section, page),
            callback=self.parse_listing,
            errback=self._listing_failed,
            cb_kwargs={"section": section, "page": page},
            dont_filter=True,  # our own bookkeeping decides what is fetched (safe to resume after kill -9)
        )

    # -- listing pages -----------------------------------------------------------------------------------

    def parse_listing(self, response: Response, section: str, page: int) -> Iterator[scrapy.Request]:
        key = (section, page)
        if key in self.pages_parsed:
            self.logger.debug("%s: listing page %d already handled in this run", section, page)
            return
        self.pages_parsed.add(key)
        self.pages_requested.add(key)  # also when the request came from a resumed queue
        if response.status != 200 or not isinstance(response, TextResponse):
            self._skip(response.url, f"listing_http_{response.status}", response.status, canonical=False)
            self._section_stopped(section, page, f"HTTP {response.status}")
            return
        self.crawler.stats.inc_value("listing/pages")
        listing = parse_listing(response.text, response.url)
        if listing.layout is None:
            self.logger.warning(
                "Listing layout not recognised at %s: following all %d article links on the page and keeping "
                "only articles whose breadcrumb names a union section",
                response.url,
                len(listing.article_urls),
            )
            self.crawler.stats.inc_value("listing/unknown_layout")
        if not listing.article_urls:
            self.logger.warning("No article links at %s", response.url)
            self.crawler.stats.inc_value("listing/empty")
        for url in listing.other_urls:
            if urls.canonical_url(url) in self.skipped_before and not self.plan.refetch_known:
                self.crawler.stats.inc_value("listing/known_skipped")
            else:
                self._skip(url, "not_article", None)

        state = ListingPage(has_next=any(n > page for n in listing.page_numbers))
        unseen = 0
        for url in listing.article_urls:
            canonical = urls.canonical_url(url)
            if not urls.same_site(url, self.base_url):
                self._skip(url, "off_site", None, canonical=False)
            elif canonical in self.requested:
                # Listed twice in this run (pinned story, moved between pages, overlapping sections): not
                # fetched again, but new all the same, and its date counts for this page too.
                unseen += 1
                if canonical in self.outcomes:
                    if (published := self.outcomes[canonical]) is not None:
                        state.dates.append(published)
                else:
                    state.pending.add(canonical)
                    self.waiting_for.setdefault(canonical, set()).add(key)
            elif canonical in self.skipped_before and not self.plan.refetch_known:
                self.crawler.stats.inc_value("listing/known_skipped")
            elif canonical in self.known and not self.plan.refetch_known:
                self.crawler.stats.inc_value("listing/known")
                if published := self.known[canonical]:
                    state.dates.append(published)
            else:
                unseen += 1
                self.requested.add(canonical)
                state.pending.add(canonical)
                self.waiting_for.setdefault(canonical, set()).add(key)
                yield scrapy.Request(
                    urls.on_base(url, self.base_url),
                    callback=self.parse_article,
                    errback=self._article_failed,
                    meta={"listing_key": key, "listed_url": canonical},
                    dont_filter=True,
                )

        if self.plan.mode is Mode.SCHEDULED:
            if not unseen and not self.catching_up:
                self.logger.info("%s: listing page %d holds nothing new; section done", section, page)
            elif state.has_next:
                yield from self._listing_request(section, page + 1)
            return
        self.waiting_pages[key] = state
        if not state.pending:
            yield from self._page_complete(key)

    def _page_complete(self, key: PageKey) -> Iterator[scrapy.Request]:
        section, page = key
        state = self.waiting_pages.pop(key)
        if state.dates:
            oldest = min(hanoi_day(d) for d in state.dates)
            if section not in self.oldest_seen or oldest < self.oldest_seen[section]:
                self.oldest_seen[section] = oldest
                self.crawler.stats.min_value(f"progress/reached_back/{section}", oldest.isoformat())
        reached = self.oldest_seen.get(section)
        self.logger.info(
            "%s: listing page %d done; reached back to %s",
            section,
            page,
            reached.isoformat() if reached else "(no dated article yet)",
        )
        done = True
        if self.plan.since and state.dates and all(self.plan.before_range(d) for d in state.dates):
            self.logger.info("%s: listing page %d is older than %s; section done", section, page, self.plan.since)
        elif state.has_next:
            done = False
            yield from self._listing_request(section, page + 1)
        else:
            self.logger.info("%s: listing page %d is the last; section done", section, page)
        self._record_progress(section, page, state.stored, done)

    def _resolve(self, meta: dict[str, Any], published: datetime | None, stored: bool) -> None:
        """An article has an outcome; a listing page waiting for it asks for the next page once all have one."""
        url = meta.get("listed_url")
        if not url or url in self.outcomes:
            return
        self.outcomes[url] = published
        for key in sorted(self.waiting_for.pop(url, ())):
            state = self.waiting_pages.get(key)
            if state is None or url not in state.pending:
                continue
            state.pending.discard(url)
            if published is not None:
                state.dates.append(published)
            if stored:
                state.stored.append(url)
                stored = False  # one page answers for it in the checkpoint
            if not state.pending:
                for request in self._page_complete(key):
                    self.crawler.engine.crawl(request)

    def _item_scraped(self, item: Any, response: Response, spider: scrapy.Spider, **kwargs: Any) -> None:
        self._resolve(response.meta, getattr(item, "published_at", None), stored=True)

    def _item_not_stored(self, item: Any, response: Response, spider: scrapy.Spider, **kwargs: Any) -> None:
        self._resolve(response.meta, getattr(item, "published_at", None), stored=False)

    def _callback_error(self, failure: Failure, response: Response, spider: scrapy.Spider, **kwargs: Any) -> None:
        # A parser bug must not leave the article's listing page waiting for ever (its section would stop).
        self._resolve(response.meta, None, stored=False)

    # -- article pages -----------------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[Any]:
        if url := response.meta.get("listed_url"):
            self.requested.add(url)  # also when the request came from a resumed queue
        if response.status != 200:
            self._skip_article(response, f"http_{response.status}", response.status)
            return
        if not isinstance(response, TextResponse):
            self._skip_article(response, "not_html", response.status)
            return
        try:
            article = parse_article(page_text(response, self.crawler.stats), response.url)
        except NotAnArticle as exc:
            self._skip_article(response, exc.reason, response.status)
            return
        if not (article.section_path or "").startswith(UNION_ROOT):
            self._skip_article(response, "off_section", response.status, f"breadcrumb {article.section_path}")
            return
        article.fetched_at = datetime.now(UTC)
        self.crawler.stats.inc_value("articles/parsed")
        yield article

    def _skip_article(self, response: Response, reason: str, status: int | None, detail: str = "") -> None:
        self._skip(response.url, reason, status, detail=detail)
        self._resolve(response.meta, None, stored=False)

    def _article_failed(self, failure: Failure) -> None:
        request = failure.request
        self._skip(request.url, failure_reason(failure), None, detail=failure.getErrorMessage())
        self._resolve(request.meta, None, stored=False)

    def _listing_failed(self, failure: Failure) -> None:
        reason = f"listing_{failure_reason(failure)}"
        self._skip(failure.request.url, reason, None, canonical=False, detail=failure.getErrorMessage())
        kwargs = failure.request.cb_kwargs
        self._section_stopped(kwargs.get("section", "?"), kwargs.get("page", 0), failure.getErrorMessage())

    def _section_stopped(self, section: str, page: int, why: str) -> None:
        self.crawler.stats.inc_value("listing/section_stopped")
        self.logger.warning(
            "%s: listing page %d could not be read (%s); the section stops there this run (a later run, or "
            "a resumed backfill, reads it again)",
            section,
            page,
            why,
        )

    def _skip(self, url: str, reason: str, status: int | None, canonical: bool = True, detail: str = "") -> None:
        self.crawler.stats.inc_value(f"skipped/{reason}")
        self.logger.info("Skipped (%s): %s%s", reason, url, f" ({detail})" if detail else "")
        if canonical and urls.same_site(url, self.base_url):
            self.crawler.signals.send_catch_log(page_skipped, url=urls.canonical_url(url), reason=reason, status=status)
