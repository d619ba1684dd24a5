"""The `union` spider: the Công đoàn sections, listing page by listing page, article by article.

It knows the site only through `LDTD_BASE_URL` and the layout parsers, and what is already stored only
through `laodongthudo.db.state`. Every page it does not turn into an article is logged with a reason, counted
in the crawl stats under `skipped/<reason>`, and announced with the `page_skipped` signal.

Paging follows the page's own links: the first page of each section is the only URL built; the next page is
the one the listing links (`laodongthudo.layouts.listing`: the pager's next link, the link numbered page + 1,
a "load more" input). A listing page waits for the outcome of every article it listed, then, by the run's
plan (`laodongthudo.crawlplan`):
- scheduled: stop a section at the first listing page that holds nothing unseen (a first run on an empty
  database, and a catch-up run after an incomplete one, read every page);
- backfill / refresh with `since`: page on until a listing page holds only articles older than `since`;
- otherwise: to the last page.
Bounds (MAX_LISTING_PAGES, MAX_BARREN_LISTING_PAGES, MAX_LINKS_PER_LISTING) stop a section with a warning and
`run/bounded` in the stats (exit 6). No request can vanish: over-long links are refused first, middleware
refusals reach the errbacks, and whatever a middleware dropped in silence is resolved as `lost` at idle.

Section: an article from a known listing layout's main column belongs to that listing's section unless its
page names another (`off_section`); naming none, it takes the listing's (`section/from_listing`).

Markup failures (laodongthudo.reasons: no body, a script shell, no section; the pipelines' no date, empty body,
no title) are counted as `markup/<reason>` with example URLs for the markup alert, remembered as retryable, and
asked for again directly by later scheduled runs (`retry_urls` of the crawl state).

Progress: every listing page a run completes is logged with how far back in time its section has reached
("reached back to DATE"), and the stats keep it under `progress/reached_back/<section>`.

Resuming (`-s JOBDIR=...`): requests are `dont_filter=True` and the database is the record of what is known,
so a request lost in a kill only means a fetch again. A backfill also checkpoints its progress in
`self.state` (atomically, to Scrapy's `JOBDIR/spider.state`, which Scrapy itself writes only at a clean
close): per section, the listing pages it has completed (by URL) and the articles each sent to storage. A
resumed backfill starts each section at its last page whose articles are all in the database (so nothing
that was still in a storage buffer when the process died is skipped), and skips the sections it had finished.
After an unclean end (`kill -9`, a forced second Ctrl-C) Scrapy's request queue on disk may be half-written;
the spider then discards it before the scheduler opens it.
"""

from __future__ import annotations

import logging
import os
import pickle
import re
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
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.job import job_dir
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure

from laodongthudo import reasons, urls
from laodongthudo import settings as defaults
from laodongthudo.crawlplan import CrawlPlan, Mode, hanoi_day
from laodongthudo.decoding import page_text
from laodongthudo.failures import decompressed_too_large
from laodongthudo.jobdir import JobDirLock
from laodongthudo.layouts import NotAnArticle, parse_article, parse_listing
from laodongthudo.layouts.shell import is_template_shell
from laodongthudo.middlewares import OffsiteRedirect
from laodongthudo.outcome.verdict import BOUND_STAT, CAUGHT_UP_STAT
from laodongthudo.reasons import MARKUP_REASONS, listing_section_path, section_skip
from laodongthudo.runcontext import RunContext
from laodongthudo.signals import page_skipped

# The union subsections (site-notes, "URLs"); `cong-doan` is the whole-section listing.
UNION_SECTIONS = ("hoat-dong", "vi-loi-ich-doan-vien", "thang-cong-nhan", "thu-do-anh-hung-thanh-pho-hoa-binh")

PageKey = tuple[str, str]  # (section, listing page as path and query)


def failure_reason(failure: Failure) -> str:
    """A stats key for a request that failed for good: a timeout and an oversize page are not the same news."""
    if failure.check(OffsiteRedirect):
        return reasons.OFFSITE_REDIRECT
    if failure.check(DownloadTimeoutError, TimeoutError, TwistedTimeoutError):
        return reasons.TIMEOUT
    if failure.check(DownloadCancelledError) or decompressed_too_large(failure):  # over DOWNLOAD_MAXSIZE
        return reasons.TOO_LARGE
    if failure.check(HttpError):
        return reasons.http_reason(failure.value.response.status)
    if failure.check(IgnoreRequest):  # a downloader middleware refused it (HttpError is one too: above)
        return "robots_txt" if "robots" in failure.getErrorMessage().lower() else "ignored"
    return reasons.FAILED


def drop_reason(exception: BaseException | None) -> str | None:
    """The reason a pipeline dropped an item with (pipelines._base: "reason: url (detail)")."""
    match = _DROP_REASON.match(str(exception or ""))
    return match.group(1) if match else None


_DROP_REASON = re.compile(r"^([a-z_]+): ")

logger = logging.getLogger(__name__)

ARGUMENTS = ("section", "since", "until", "refresh")
RUNNING_MARK = "union.running"  # in JOBDIR while a run is open; left behind by a run that did not close
STATE_KEY = "union"  # the spider's part of `self.state`
STATE_VERSION = 2  # checkpoints keyed by listing URL (version 1 counted pages by number)
MARKUP_EXAMPLES = 3  # example URLs kept per markup reason for the alert


@dataclass
class ListingPage:
    """A listing page whose articles are still being fetched (paging waits for their outcomes)."""

    section: str
    page: int  # its number in the section, counting from 1 (for logs and bounds; its URL is `ref`)
    ref: str
    next_url: str | None = None  # the next page as this one links it (on the configured base)
    pending: set[str] = field(default_factory=set)  # canonical URLs not yet resolved
    dates: list[datetime] = field(default_factory=list)  # publication times of its articles
    stored: list[str] = field(default_factory=list)  # its articles this run sent to storage
    unseen: int = 0  # articles listed that are neither stored nor skipped (retries not counted)
    productive: bool = False  # one of its articles was sent to storage in this run


@dataclass
class SectionProgress:
    """A backfill's progress in one section, as checkpointed in `self.state`."""

    base: tuple[str, int] | None = None  # (listing ref, page): pages up to it completed and durable
    pages: list[tuple[str, int, list[str]]] = field(default_factory=list)  # completed since, in order
    finished_at: str | None = None  # ref of the page at which the section ended (older than `since`, or last)
    reached: date | None = None  # the oldest publication day seen

    def to_state(self) -> dict[str, Any]:
        """Plain data for `self.state` (pickled by Scrapy: no classes of ours in it)."""
        return {
            "v": STATE_VERSION,
            "base": list(self.base) if self.base else None,
            "pages": [[ref, page, list(stored)] for ref, page, stored in self.pages],
            "finished_at": self.finished_at,
            "reached": self.reached.isoformat() if self.reached else None,
        }

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> SectionProgress:
        if data.get("v") != STATE_VERSION:
            return cls()  # a checkpoint of an older version (pages by number): start the section over
        reached = date.fromisoformat(data["reached"]) if data.get("reached") else None
        base = tuple(data["base"]) if data.get("base") else None
        pages = [(ref, int(page), list(stored)) for ref, page, stored in data.get("pages", [])]
        return cls(base, pages, data.get("finished_at"), reached)  # type: ignore[arg-type]

    def durable(self, known: dict[str, Any]) -> tuple[str, int] | None:
        """The last page up to which every completed page's stored articles are in the database."""
        base = self.base
        for ref, page, stored in self.pages:
            if not all(url in known for url in stored):
                break
            base = (ref, page)
        return base


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
        # Published on the crawler for the pipelines and the run record; the sets below are its own.
        self.run_context = RunContext(self.plan, self.sections)
        self.known: dict[str, datetime | None] = {}  # stored article URL -> publication time
        self.catching_up = False  # a scheduled run after an incomplete one reads every listing page
        self.skipped_before: set[str] = self.run_context.skipped_before  # URLs earlier runs skipped for good
        self.retry_urls: set[str] = set()  # URLs earlier runs could not read, to be tried again
        self.retries_sent = False
        self.requested: set[str] = set()  # article URLs asked for in this run
        self.outcomes: dict[str, datetime | None] = {}  # article URL -> publication time, once resolved
        self.stored_urls: set[str] = set()  # article URLs sent to storage in this run
        self.waiting_pages: dict[PageKey, ListingPage] = {}
        self.waiting_for: dict[str, set[PageKey]] = {}  # article URL -> listing pages waiting for it
        self.pages_requested: set[PageKey] = set()  # listing pages asked for in this run (or in its resumed queue)
        self.pages_asked: set[PageKey] = set()  # listing pages this run's own paging asked for
        self.pages_parsed: set[PageKey] = set()  # listing pages handled in this run
        self.listing_outstanding: dict[PageKey, int] = {}  # listing pages asked for, with no outcome yet
        self.barren: dict[str, int] = {}  # section -> pages in a row that brought no article
        self.unknown_layout_warned: set[str] = set()  # sections whose unknown listing layout was logged
        self.oldest_seen: dict[str, date] = self.run_context.reached_back
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
        spider.run_context.publish(crawler)
        crawler.signals.connect(spider._item_scraped, signal=signals.item_scraped)
        for signal in (signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider._item_not_stored, signal=signal)
        crawler.signals.connect(spider._callback_error, signal=signals.spider_error)
        crawler.signals.connect(spider._spider_idle, signal=signals.spider_idle)
        spider._mark_running(job_dir(crawler.settings))
        return spider

    @staticmethod
    def _parse_sections(arg: str | None) -> tuple[str, ...]:
        if arg is None:
            return UNION_SECTIONS
        if not arg.strip(" ,"):  # `-a section=` from a script whose variable was empty: not "every section"
            raise ValueError("section is empty; leave it out to crawl every union section")
        chosen = tuple(s.strip().strip("/").removeprefix("cong-doan/") for s in arg.split(",") if s.strip())
        unknown = [s for s in chosen if s not in (*UNION_SECTIONS, "cong-doan")]
        if unknown:
            known = ", ".join((*UNION_SECTIONS, "cong-doan"))
            raise ValueError(f"unknown section(s) {', '.join(unknown)}; known: {known}")
        return chosen

    @property
    def base_url(self) -> str:
        return self.settings.get("LDTD_BASE_URL").rstrip("/")

    @property
    def reads_everything(self) -> bool:
        """A scheduled run that must read every listing page: the first on an empty database, or a catch-up."""
        return self.catching_up or not self.known

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
            point = first_pages.get(section, (urls.site_ref(urls.section_url(self.base_url, section)), 1))
            if point is not None:
                ref, page = point
                for request in self._listing_request(section, urls.on_base(ref, self.base_url), page):
                    yield request

    def _load_crawl_state(self) -> None:
        from laodongthudo.db.state import read_crawl_state  # the database is optional for the spider

        dead_after = self.settings.getfloat("RUN_RECORD_DEAD_AFTER", defaults.RUN_RECORD_DEAD_AFTER)
        state = read_crawl_state(self.settings.get("DATABASE_URL"), self.sections, dead_after)
        self.known = state.known_articles
        self.skipped_before.update(state.skipped_urls)
        self.retry_urls = state.retry_urls
        if self.plan.mode is Mode.SCHEDULED and state.last_run is not None and not state.last_run.complete:
            # Articles that run fetched but could not store sit behind stored ones: page on to the end.
            self.catching_up = True
            self.crawler.stats.set_value(CAUGHT_UP_STAT, state.last_run.describe())
            self.logger.warning(
                "The last run did not complete: this scheduled run reads every listing page (fetching only "
                "unseen articles) to fill the gap it may have left"
            )

    def _retry_requests(self) -> Iterator[scrapy.Request]:
        """A scheduled run asks again for the pages earlier runs could not read (transient or markup reasons),
        wherever they now stand in the listings: a fixed parser, or a site that recovered, then stores them.
        Asked for once the listings are done (at the first idle), so that a page this run saw listed was
        fetched with its listing's section; these are the others."""
        if self.plan.mode is not Mode.SCHEDULED or self.retries_sent:
            return
        self.retries_sent = True
        due = sorted(url for url in self.retry_urls if url not in self.requested and url not in self.known)
        if due:
            self.logger.info("Trying again %d pages that earlier runs could not read", len(due))
        for url in due:
            self.requested.add(url)
            self.crawler.stats.inc_value("retry/requested")
            yield scrapy.Request(
                urls.on_base(url, self.base_url),
                callback=self.parse_article,
                errback=self._article_failed,
                meta={"listed_url": url},
                dont_filter=True,
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

    def _resume_points(self) -> dict[str, tuple[str, int] | None]:
        """Per section, the listing page (ref, number) to start at (None: finished in an earlier run)."""
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
        points: dict[str, tuple[str, int] | None] = {}
        for section in self.sections:
            before = SectionProgress.from_state(previous.get(section, {}))
            durable = before.durable(self.known)
            progress = SectionProgress(base=durable, reached=before.reached)
            if before.reached:
                self.oldest_seen[section] = before.reached
            if before.finished_at is not None and durable is not None and durable[0] == before.finished_at:
                progress.finished_at = before.finished_at
                points[section] = None
                self.logger.info("%s: finished in an earlier run of this backfill", section)
            elif durable:
                # The last durable page once more: the listing may have shifted since (deleted stories).
                points[section] = durable
                self.logger.info(
                    "%s: resuming at listing page %d, %s (pages 1-%d done in an earlier run; reached back to %s)",
                    section,
                    durable[1],
                    durable[0],
                    durable[1],
                    before.reached or "-",
                )
            self.progress[section] = progress
        sections = {section: progress.to_state() for section, progress in self.progress.items()}
        self.state[STATE_KEY] = {"plan": self.plan.key, "sections": sections}
        self._checkpoint(force=True)
        return points

    def _record_progress(self, state: ListingPage, done: bool) -> None:
        if not self.checkpointing or state.section not in self.progress:
            return
        progress = self.progress[state.section]
        if progress.base is None or progress.base[0] != state.ref:  # not the durable page read once more
            progress.pages.append((state.ref, state.page, state.stored))
        if done:
            progress.finished_at = state.ref
        progress.reached = self.oldest_seen.get(state.section)
        self.state[STATE_KEY]["sections"][state.section] = progress.to_state()
        self._checkpoint(force=done)

    def _checkpoint(self, force: bool = False) -> None:
        """Write `self.state` now (Scrapy's SpiderState writes it only at a clean close), atomically."""
        if not self.checkpointing or not self.jobdir:
            return
        now = time.monotonic()
        interval = self.settings.getfloat("LDTD_CHECKPOINT_INTERVAL", defaults.LDTD_CHECKPOINT_INTERVAL)
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

    # -- listing pages -----------------------------------------------------------------------------------

    def _listing_request(self, section: str, url: str, page: int) -> Iterator[scrapy.Request]:
        key = (section, urls.site_ref(url))
        if key in self.pages_requested:
            if key in self.pages_asked:  # this run's own paging came back to it: the pager loops
                self.crawler.stats.inc_value("listing/pager_loop")
                self.logger.warning("%s: listing page %d links back to %s; section done", section, page - 1, url)
            return  # a resumed queue and this run's own paging both reached it
        if len(url) > self.settings.getint("URLLENGTH_LIMIT", defaults.URLLENGTH_LIMIT):
            self._skip(url, "url_too_long", None, canonical=False, detail=f"{len(url)} characters")
            self._section_stopped(section, page, "its URL is too long to request")
            return
        self.pages_requested.add(key)
        self.pages_asked.add(key)
        self.listing_outstanding[key] = page
        yield scrapy.Request(
            url,
            callback=self.parse_listing,
            errback=self._listing_failed,
            cb_kwargs={"section": section, "page": page, "ref": key[1]},
            dont_filter=True,  # our own bookkeeping decides what is fetched (safe to resume after kill -9)
        )

    def parse_listing(
        self, response: Response, section: str, page: int, ref: str | None = None
    ) -> Iterator[scrapy.Request]:
        key = (section, ref or urls.site_ref(response.request.url if response.request else response.url))
        self.listing_outstanding.pop(key, None)
        if key in self.pages_parsed:
            self.logger.debug("%s: listing page %d already handled in this run", section, page)
            return
        self.pages_parsed.add(key)
        self.pages_requested.add(key)  # also when the request came from a resumed queue
        if response.status != 200 or not isinstance(response, TextResponse):
            self._skip(
                response.url,
                reasons.LISTING_PREFIX + reasons.http_reason(response.status),
                response.status,
                canonical=False,
            )
            self._section_stopped(section, page, f"HTTP {response.status}")
            return
        self.crawler.stats.inc_value("listing/pages")
        listing = parse_listing(response.text, response.url, page)
        self._note_layout(section, response.url, listing.layout, len(listing.article_urls))
        if not listing.article_urls:
            self.logger.warning("No article links at %s", response.url)
            self.crawler.stats.inc_value("listing/empty")
        article_urls = self._bounded_links(section, page, response.url, listing.article_urls)
        for url in listing.other_urls:
            if urls.canonical_url(url) in self.skipped_before and not self.plan.refetch_known:
                self.crawler.stats.inc_value("listing/known_skipped")
            else:
                self._skip(url, "not_article", None)

        state = ListingPage(section, page, key[1], next_url=self._next_page(section, page, listing))
        # Only links of a known layout's main column stand for the section (an unknown one: the whole page).
        listed_in = section if listing.layout is not None else None
        for url in article_urls:
            yield from self._listed_article(state, key, url, listed_in)
        self.waiting_pages[key] = state
        if not state.pending:
            yield from self._page_complete(key)

    def _note_layout(self, section: str, url: str, layout: str | None, links: int) -> None:
        if layout is not None:
            self.crawler.stats.inc_value(f"listing/layout/{layout}")
            return
        self.crawler.stats.inc_value("listing/unknown_layout")
        if section in self.unknown_layout_warned:  # once per section and run: a warning, not noise
            self.logger.debug("Listing layout not recognised at %s either", url)
            return
        self.unknown_layout_warned.add(section)
        self.logger.warning(
            "Listing layout not recognised at %s: following all %d article links on the page and keeping only "
            "articles whose breadcrumb names a union section (said once per section; listing/unknown_layout "
            "counts the pages)",
            url,
            links,
        )

    def _bounded_links(self, section: str, page: int, url: str, links: list[str]) -> list[str]:
        limit = self.settings.getint("MAX_LINKS_PER_LISTING", defaults.MAX_LINKS_PER_LISTING)
        if len(links) <= limit:
            return links
        self.crawler.stats.inc_value("listing/links_capped")
        self._bound(
            f"{section}: listing page {page} ({url}) holds {len(links)} article links, more than a page could "
            f"plausibly show (MAX_LINKS_PER_LISTING={limit}); only the first {limit} were followed"
        )
        return links[:limit]

    def _next_page(self, section: str, page: int, listing: Any) -> str | None:
        """The next listing page the page links, on the configured base; None when it links none."""
        if not listing.next_url:
            return None
        if not urls.same_site(listing.next_url, self.base_url):
            self._skip(listing.next_url, "offsite_pager", None, canonical=False, detail=f"{section} page {page}")
            return None
        self.crawler.stats.inc_value(f"listing/next/{listing.next_by}")
        return urls.on_base(listing.next_url, self.base_url)

    def _listed_article(
        self, state: ListingPage, key: PageKey, url: str, listed_in: str | None
    ) -> Iterator[scrapy.Request]:
        canonical = urls.canonical_url(url)
        retry = canonical in self.retry_urls  # a page tried again is no news: it does not keep paging going
        if not urls.same_site(url, self.base_url):
            self._skip(url, "off_site", None, canonical=False)
        elif canonical in self.requested:
            # Listed twice in this run (pinned story, moved between pages, overlapping sections): not fetched
            # again, but new all the same, and its outcome counts for this page too.
            state.unseen += 0 if retry else 1
            if canonical in self.outcomes:
                if (published := self.outcomes[canonical]) is not None:
                    state.dates.append(published)
                state.productive |= canonical in self.stored_urls
            else:
                state.pending.add(canonical)
                self.waiting_for.setdefault(canonical, set()).add(key)
        elif canonical in self.skipped_before and not self.plan.refetch_known:
            self.crawler.stats.inc_value("listing/known_skipped")
        elif canonical in self.known and (not self.plan.refetch_known or self._stored_out_of_range(canonical)):
            self.crawler.stats.inc_value("listing/known")
            if published := self.known[canonical]:
                state.dates.append(published)
        else:
            target = urls.on_base(url, self.base_url)
            if len(target) > self.settings.getint("URLLENGTH_LIMIT", defaults.URLLENGTH_LIMIT):
                # Scrapy would drop it without calling back: the page would wait for it for ever.
                self._skip(target, "url_too_long", None, canonical=False, detail=f"{len(target)} characters")
                return
            state.unseen += 0 if retry else 1
            self.requested.add(canonical)
            state.pending.add(canonical)
            self.waiting_for.setdefault(canonical, set()).add(key)
            yield scrapy.Request(
                target,
                callback=self.parse_article,
                errback=self._article_failed,
                meta={"listing_key": key, "listed_url": canonical, "listed_in": listed_in},
                dont_filter=True,
            )

    def _stored_out_of_range(self, url: str) -> bool:
        """A refresh over a date range leaves alone a stored article whose stored date is outside it."""
        published = self.known.get(url)
        if published is None or not self.plan.bounded or self.plan.in_range(published):
            return False
        self.crawler.stats.inc_value("refresh/out_of_range")
        return True

    def _page_complete(self, key: PageKey) -> Iterator[scrapy.Request]:
        state = self.waiting_pages.pop(key)
        section, page = state.section, state.page
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
        scheduled = self.plan.mode is Mode.SCHEDULED and not self.reads_everything
        barren = self.barren[section] = 0 if state.productive or not state.unseen else self.barren.get(section, 0) + 1
        max_barren = self.settings.getint("MAX_BARREN_LISTING_PAGES", defaults.MAX_BARREN_LISTING_PAGES)
        max_pages = self.settings.getint("MAX_LISTING_PAGES", defaults.MAX_LISTING_PAGES)
        if scheduled and not state.unseen:
            self.logger.info("%s: listing page %d holds nothing new; section done", section, page)
        elif self.plan.since and state.dates and all(self.plan.before_range(d) for d in state.dates):
            self.logger.info("%s: listing page %d is older than %s; section done", section, page, self.plan.since)
        elif state.next_url is None:
            self.logger.info("%s: listing page %d is the last; section done", section, page)
        elif scheduled and barren >= max_barren:
            self._bound(
                f"{section}: {barren} listing pages in a row (to page {page}) listed unseen links but brought no "
                f"article (MAX_BARREN_LISTING_PAGES={max_barren}); the section stops there this run"
            )
        elif page >= max_pages:
            self._bound(
                f"{section}: stopped after {page} listing pages (MAX_LISTING_PAGES={max_pages}); the pager "
                f"still links {state.next_url}"
            )
        else:
            done = False
            yield from self._listing_request(section, state.next_url, page + 1)
        self._record_progress(state, done)

    def _bound(self, message: str) -> None:
        """A section stopped at a bound: logged, counted, and the run says so (exit status 6)."""
        self.crawler.stats.inc_value("bounds/stopped")
        previous = self.crawler.stats.get_value(BOUND_STAT)
        self.crawler.stats.set_value(BOUND_STAT, f"{previous}; {message}" if previous else message)
        self.logger.warning("Bound reached: %s", message)

    def _resolve(self, meta: dict[str, Any], published: datetime | None, stored: bool) -> None:
        if url := meta.get("listed_url"):
            self._resolve_url(url, published, stored)

    def _resolve_url(self, url: str, published: datetime | None, stored: bool) -> None:
        """An article has an outcome; a listing page waiting for it asks for the next page once all have one."""
        if url in self.outcomes:
            return
        self.outcomes[url] = published
        if stored:
            self.stored_urls.add(url)
        for key in sorted(self.waiting_for.pop(url, ())):
            state = self.waiting_pages.get(key)
            if state is None or url not in state.pending:
                continue
            state.pending.discard(url)
            state.productive |= stored
            if published is not None:
                state.dates.append(published)
            if stored:
                state.stored.append(url)
                stored = False  # one page answers for it in the checkpoint
            if not state.pending:
                for request in self._page_complete(key):
                    self.crawler.engine.crawl(request)

    def _spider_idle(self, spider: scrapy.Spider) -> None:
        """Nothing left to download, yet pages wait: their requests were dropped without a callback (a
        middleware filtered them). Each gets an outcome (`skipped/lost`), so every listing page ends."""
        lost_pages = sorted(self.listing_outstanding.items())
        self.listing_outstanding.clear()
        for (section, ref), page in lost_pages:
            self._skip(urls.on_base(ref, self.base_url), reasons.LOST, None, canonical=False, detail="no answer came")
            self._section_stopped(section, page, "its request was dropped without an answer")
        lost = sorted({url for state in self.waiting_pages.values() for url in state.pending})
        for url in lost:
            self._skip(url, reasons.LOST, None, detail="the request was dropped without an answer")
            self._resolve_url(url, None, stored=False)
        for request in self._retry_requests():
            self.crawler.engine.crawl(request)
        # Requests scheduled here (a next listing page, retries) keep Scrapy from closing: it checks again.

    def _item_scraped(self, item: Any, response: Response, spider: scrapy.Spider, **kwargs: Any) -> None:
        self._resolve(response.meta, getattr(item, "published_at", None), stored=True)

    def _item_not_stored(self, item: Any, response: Response, spider: scrapy.Spider, **kwargs: Any) -> None:
        reason = drop_reason(kwargs.get("exception"))
        url = getattr(item, "url", None)
        if reason in MARKUP_REASONS and url:
            # Not readable with today's parsers: remembered, so that later runs try it again (bounded).
            self._markup(reason, url, again=self._is_retry(response))
            self.crawler.signals.send_catch_log(page_skipped, url=url, reason=reason, status=response.status)
        self._resolve(response.meta, getattr(item, "published_at", None), stored=False)

    def _callback_error(self, failure: Failure, response: Response, spider: scrapy.Spider, **kwargs: Any) -> None:
        # A parser bug must not leave the article's listing page waiting for ever (its section would stop).
        self._resolve(response.meta, None, stored=False)

    # -- article pages -----------------------------------------------------------------------------------

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A page of either kind, told apart by its URL: what `scrapy parse --spider=union URL` calls (a crawl
        names its callbacks). A listing page's section and number come from its path (`/cong-doan/<s>/pN`)."""
        if urls.is_article_url(response.url):
            yield from self.parse_article(response)
            return
        parts = urls.site_ref(response.url).split("?")[0].strip("/").split("/")
        page = int(parts.pop()[1:]) if len(parts) > 1 and re.fullmatch(r"p\d+", parts[-1]) else 1
        section = parts[1] if len(parts) > 1 and parts[0] == "cong-doan" else "cong-doan"
        requests = list(self.parse_listing(response, section, page))
        # One page shown, not a crawl: nothing waits for its articles to page on.
        self.waiting_pages.clear()
        self.waiting_for.clear()
        yield from requests

    def parse_article(self, response: Response) -> Iterator[Any]:
        if url := response.meta.get("listed_url"):
            self.requested.add(url)  # also when the request came from a resumed queue
        if response.status != 200:
            self._skip_article(response, reasons.http_reason(response.status), response.status)
            return
        if not isinstance(response, TextResponse):
            self._skip_article(response, "not_html", response.status)
            return
        self.crawler.stats.inc_value("articles/fetched")
        if self._is_retry(response):
            self.crawler.stats.inc_value("articles/fetched_again")
        html = page_text(response, self.crawler.stats)
        try:
            article = parse_article(html, response.url)
        except NotAnArticle as exc:
            shell = exc.reason == reasons.NO_BODY and is_template_shell(html)
            reason = reasons.TEMPLATE_SHELL if shell else exc.reason
            self._skip_article(response, reason, response.status, exc.detail)
            return
        listed_in = response.meta.get("listed_in")
        if skip := section_skip(article.section_path, listed_in):
            self._skip_article(response, skip[0], response.status, skip[1])
            return
        if not article.section_path:
            # Listed in a union section's own column and naming no other: it belongs there.
            article.section_path = listing_section_path(listed_in)
            article.section = listed_in
            self.crawler.stats.inc_value("section/from_listing")
        listed = response.meta.get("listed_url")
        if listed and listed != article.url:  # an on-site redirect: the article is stored under its final URL
            self._skip(listed, "redirected", response.status, detail=f"to {article.url}")
        article.fetched_at = datetime.now(UTC)
        self.crawler.stats.inc_value("articles/parsed")
        yield article

    def _skip_article(self, response: Response, reason: str, status: int | None, detail: str = "") -> None:
        # A redirected page is remembered under the URL the listing gave (the one later runs see listed).
        url = response.meta.get("listed_url") if response.meta.get("redirect_urls") else None
        self._skip(url or response.url, reason, status, detail=detail)
        if reason in MARKUP_REASONS:
            self._markup(reason, urls.canonical_url(url or response.url), again=self._is_retry(response))
        self._resolve(response.meta, None, stored=False)

    def _is_retry(self, response: Response) -> bool:
        return response.meta.get("listed_url") in self.retry_urls

    def _markup(self, reason: str, url: str, again: bool = False) -> None:
        """A page unreadable for a markup reason: counted for the markup alert, with a few example URLs. A page
        that earlier runs could not read either is counted apart (`markup/again/...`): it is no new evidence."""
        stats = self.crawler.stats
        if again:
            stats.inc_value(f"markup/again/{reason}")
            return
        stats.inc_value(f"markup/{reason}")
        examples = stats.get_value(f"markup/examples/{reason}") or []
        if len(examples) < MARKUP_EXAMPLES and url not in examples:
            stats.set_value(f"markup/examples/{reason}", [*examples, url])

    def _article_failed(self, failure: Failure) -> None:
        request = failure.request
        reason = failure_reason(failure)
        url = request.url
        if isinstance(failure.value, OffsiteRedirect):
            url = failure.value.source
        self._skip(url, reason, None, detail=failure.getErrorMessage())
        self._resolve(request.meta, None, stored=False)

    def _listing_failed(self, failure: Failure) -> None:
        kwargs = failure.request.cb_kwargs
        section, page = kwargs.get("section", "?"), kwargs.get("page", 0)
        ref = kwargs.get("ref") or urls.site_ref(failure.request.url)
        self.listing_outstanding.pop((section, ref), None)
        offsite = failure.check(OffsiteRedirect)
        reason = reasons.OFFSITE_REDIRECT if offsite else reasons.LISTING_PREFIX + failure_reason(failure)
        self._skip(failure.request.url, reason, None, canonical=False, detail=failure.getErrorMessage())
        self._section_stopped(section, page, failure.getErrorMessage())

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
