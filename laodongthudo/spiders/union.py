"""The `union` spider: the Công đoàn sections, listing page by listing page, article by article.

It knows the site only through `LDTD_BASE_URL` and the layout parsers, and what is already stored only
through `laodongthudo.db.state`. Every page it does not turn into an article is logged with a reason, counted
in the crawl stats under `skipped/<reason>`, and announced with the `page_skipped` signal.

Paging depends on the run's plan (`laodongthudo.crawlplan`):
- scheduled: stop a section at the first listing page that holds nothing unseen;
- backfill / refresh with `since`: page on until a listing page holds only articles older than `since`
  (so the next page is asked for once the current page's articles are in);
- otherwise: to the last page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from laodongthudo import urls
from laodongthudo.crawlplan import CrawlPlan, Mode
from laodongthudo.layouts import NotAnArticle, parse_article, parse_listing
from laodongthudo.signals import page_skipped

# The union subsections (site-notes, "URLs"); `cong-doan` is the whole-section listing.
UNION_SECTIONS = ("hoat-dong", "vi-loi-ich-doan-vien", "thang-cong-nhan", "thu-do-anh-hung-thanh-pho-hoa-binh")
UNION_ROOT = "/cong-doan"

PageKey = tuple[str, int]  # (section, listing page number)


@dataclass
class ListingPage:
    """A listing page whose articles are still being fetched (paging that waits for their dates)."""

    has_next: bool
    pending: set[str] = field(default_factory=set)  # canonical URLs not yet resolved
    dates: list[datetime] = field(default_factory=list)  # publication times of its articles


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
        super().__init__(**kwargs)
        self.sections = self._parse_sections(section)
        self.plan = CrawlPlan.from_args(since, until, refresh)
        self.known: dict[str, datetime | None] = {}  # stored article URL -> publication time
        self.skipped_before: set[str] = set()  # URLs earlier runs skipped for good
        self.requested: set[str] = set()  # article URLs asked for in this run
        self.waiting_pages: dict[PageKey, ListingPage] = {}
        self.oldest_seen: dict[str, datetime] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> UnionSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider._item_done, signal=signal)
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
        for section in self.sections:
            yield self._listing_request(section, 1)

    def _load_crawl_state(self) -> None:
        from laodongthudo.db.state import read_crawl_state  # the database is optional for the spider

        state = read_crawl_state(self.settings.get("DATABASE_URL"))
        self.known, self.skipped_before = state.known_articles, state.skipped_urls

    def _listing_request(self, section: str, page: int) -> scrapy.Request:
        return scrapy.Request(
            urls.section_url(self.base_url, section, page),
            callback=self.parse_listing,
            errback=self._listing_failed,
            cb_kwargs={"section": section, "page": page},
            dont_filter=True,  # our own bookkeeping decides what is fetched (safe to resume after kill -9)
        )

    # -- listing pages -----------------------------------------------------------------------------------

    def parse_listing(self, response: Response, section: str, page: int) -> Iterator[scrapy.Request]:
        if response.status != 200 or not isinstance(response, TextResponse):
            self._skip(response.url, f"listing_http_{response.status}", response.status, canonical=False)
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
            self._skip(url, "not_article", None)

        key = (section, page)
        state = ListingPage(has_next=any(n > page for n in listing.page_numbers))
        unseen = 0
        for url in listing.article_urls:
            canonical = urls.canonical_url(url)
            if not urls.same_site(url, self.base_url):
                self._skip(url, "off_site", None, canonical=False)
            elif canonical in self.requested:
                continue  # listed twice in this run (pinned story, moved between pages)
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
                yield scrapy.Request(
                    urls.on_base(url, self.base_url),
                    callback=self.parse_article,
                    errback=self._article_failed,
                    meta={"listing_key": key, "listed_url": canonical},
                    dont_filter=True,
                )

        if self.plan.mode is Mode.SCHEDULED:
            if not unseen:
                self.logger.info("%s: listing page %d holds nothing new; section done", section, page)
            elif state.has_next:
                yield self._listing_request(section, page + 1)
            return
        self.waiting_pages[key] = state
        if not state.pending:
            yield from self._page_complete(key)

    def _page_complete(self, key: PageKey) -> Iterator[scrapy.Request]:
        section, page = key
        state = self.waiting_pages.pop(key)
        if state.dates:
            oldest = min(state.dates)
            if section not in self.oldest_seen or oldest < self.oldest_seen[section]:
                self.oldest_seen[section] = oldest
            self.logger.info("%s: listing page %d done; reached back to %s", section, page, oldest.date())
        if self.plan.since and state.dates and all(self.plan.before_range(d) for d in state.dates):
            self.logger.info("%s: listing page %d is older than %s; section done", section, page, self.plan.since)
        elif state.has_next:
            yield self._listing_request(section, page + 1)

    def _resolve(self, meta: dict[str, Any], published: datetime | None) -> None:
        """An article of a waiting listing page has an outcome; ask for the next page once all have one."""
        key, url = meta.get("listing_key"), meta.get("listed_url")
        state = self.waiting_pages.get(key) if key else None
        if state is None or url not in state.pending:
            return
        state.pending.discard(url)
        if published is not None:
            state.dates.append(published)
        if not state.pending:
            for request in self._page_complete(key):
                self.crawler.engine.crawl(request)

    def _item_done(self, item: Any, response: Response, spider: scrapy.Spider, **kwargs: Any) -> None:
        self._resolve(response.meta, getattr(item, "published_at", None))

    # -- article pages -----------------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[Any]:
        if response.status != 200:
            self._skip_article(response, f"http_{response.status}", response.status)
            return
        if not isinstance(response, TextResponse):
            self._skip_article(response, "not_html", response.status)
            return
        try:
            article = parse_article(response.text, response.url)
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
        self._resolve(response.meta, None)

    def _article_failed(self, failure: Failure) -> None:
        request = failure.request
        self._skip(request.url, "failed", None, detail=failure.getErrorMessage())
        self._resolve(request.meta, None)

    def _listing_failed(self, failure: Failure) -> None:
        self._skip(failure.request.url, "listing_failed", None, canonical=False, detail=failure.getErrorMessage())

    def _skip(self, url: str, reason: str, status: int | None, canonical: bool = True, detail: str = "") -> None:
        self.crawler.stats.inc_value(f"skipped/{reason}")
        self.logger.info("Skipped (%s): %s%s", reason, url, f" ({detail})" if detail else "")
        if canonical and urls.same_site(url, self.base_url):
            self.crawler.signals.send_catch_log(page_skipped, url=urls.canonical_url(url), reason=reason, status=status)
