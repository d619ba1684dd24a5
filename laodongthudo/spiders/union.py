"""The `union` spider: the Công đoàn sections, listing page by listing page, article by article.

It knows the site only through `LDTD_BASE_URL` and the layout parsers. Every page it skips is logged with a
reason and counted in the crawl stats under `skipped/<reason>`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from laodongthudo import urls
from laodongthudo.layouts import NotAnArticle, parse_article, parse_listing

# The union subsections (site-notes, "URLs"); `cong-doan` is the whole-section listing.
UNION_SECTIONS = (
    "hoat-dong",
    "vi-loi-ich-doan-vien",
    "thang-cong-nhan",
    "thu-do-anh-hung-thanh-pho-hoa-binh",
)
UNION_ROOT = "/cong-doan"


class UnionSpider(scrapy.Spider):
    name = "union"

    def __init__(self, section: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sections = self._parse_sections(section)

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

    def count(self, key: str, reason: str, url: str) -> None:
        self.crawler.stats.inc_value(f"{key}/{reason}")
        self.logger.info("%s (%s): %s", key, reason, url)

    async def start(self):
        for section in self.sections:
            yield self.listing_request(section, 1)

    def listing_request(self, section: str, page: int) -> scrapy.Request:
        return scrapy.Request(
            urls.section_url(self.base_url, section, page),
            callback=self.parse_listing,
            errback=self.listing_failed,
            cb_kwargs={"section": section, "page": page},
        )

    def parse_listing(self, response: Response, section: str, page: int) -> Iterator[scrapy.Request]:
        if response.status != 200:
            self.count("skipped", f"listing_http_{response.status}", response.url)
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
            self.count("skipped", "not_article", url)
        for url in listing.article_urls:
            if not urls.same_site(url, self.base_url):
                self.count("skipped", "off_site", url)
                continue
            yield scrapy.Request(
                urls.on_base(url, self.base_url),
                callback=self.parse_article,
                errback=self.article_failed,
                cb_kwargs={"listed_in": section},
            )
        next_pages = [n for n in listing.page_numbers if n > page]
        if next_pages:
            yield self.listing_request(section, page + 1)

    def parse_article(self, response: Response, listed_in: str) -> Iterator[Any]:
        if response.status != 200:
            self.count("skipped", f"http_{response.status}", response.url)
            return
        if not isinstance(response, scrapy.http.TextResponse):
            self.count("skipped", "not_html", response.url)
            return
        try:
            article = parse_article(response.text, response.url)
        except NotAnArticle as exc:
            self.count("skipped", exc.reason, response.url)
            return
        if not (article.section_path or "").startswith(UNION_ROOT):
            self.count("skipped", "off_section", f"{response.url} (breadcrumb {article.section_path})")
            return
        article.fetched_at = datetime.now(UTC)
        self.crawler.stats.inc_value("articles/parsed")
        yield article

    def article_failed(self, failure: Failure) -> None:
        self.count("skipped", "failed", f"{failure.request.url} ({failure.getErrorMessage()})")

    def listing_failed(self, failure: Failure) -> None:
        self.count("skipped", "listing_failed", f"{failure.request.url} ({failure.getErrorMessage()})")
