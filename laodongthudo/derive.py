"""A stored page to what a crawl would make of it: an article ready for storage, or the reason it is refused.

The same checks as the spider's `parse_article`, in the same order (HTTP status, HTML, the layout parsers,
the union breadcrumb), then the crawl's item pipelines (`extract.extraction_pipelines`). No request, no
database: `reextract` runs it in worker processes, `extract --stored` on one page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from scrapy.exceptions import DropItem
from scrapy.http import Headers, TextResponse
from scrapy.responsetypes import responsetypes

from laodongthudo.db.pages import Page
from laodongthudo.decoding import page_text
from laodongthudo.extract import extraction_pipelines
from laodongthudo.items import Article
from laodongthudo.layouts import NotAnArticle, parse_article
from laodongthudo.reasons import listing_section_path, section_skip

logger = logging.getLogger(__name__)


@dataclass
class Derived:
    """What one page gave: `article`, or a `refused` reason (the spider's skip) or a `dropped` one (a pipeline's)."""

    page_id: int | None
    url: str  # canonical
    status: int
    article: Article | None = None
    refused: str | None = None
    dropped: str | None = None
    detail: str = ""

    @property
    def outcome(self) -> str:
        if self.article is not None:
            return "article"
        return f"refused/{self.refused}" if self.refused else f"dropped/{self.dropped}"


def as_response(page: Page) -> TextResponse:
    """The page as the Scrapy response the spider was given (same class, so the same decoding)."""
    headers = Headers()
    for name, value in page.headers:
        headers.appendlist(name, value)
    cls = responsetypes.from_args(headers=headers, url=page.fetched_url, body=page.body)
    return cls(url=page.fetched_url, status=page.status, headers=headers, body=page.body)


def drop_reason(error: DropItem) -> str:
    # Pipelines raise DropItem("<reason>: <url> (detail)") (pipelines/_base.py).
    return str(error).split(":", 1)[0].strip() or "dropped"


def derive(page: Page, listed_in: str | None = None) -> Derived:
    """The page as a crawl would store it; `listed_in`: the section its stored article was given (a crawl takes
    it from the listing that lists a page whose breadcrumb names none)."""
    result = Derived(page.id, page.url, page.status)
    if page.status != 200:
        result.refused = f"http_{page.status}"
        return result
    response = as_response(page)
    if not isinstance(response, TextResponse):
        result.refused = "not_html"
        return result
    try:
        article = parse_article(page_text(response), response.url)
    except NotAnArticle as refusal:
        result.refused, result.detail = refusal.reason, refusal.detail
        return result
    if skip := section_skip(article.section_path, listed_in):
        result.refused, result.detail = skip
        return result
    if not article.section_path and listed_in:
        article.section_path, article.section = listing_section_path(listed_in), listed_in
    article.fetched_at = page.fetched_at
    try:
        for pipeline in extraction_pipelines():
            article = pipeline.process_item(article, None)
    except DropItem as error:
        result.dropped, result.detail = drop_reason(error), str(error)
        return result
    article.page_sha256 = page.sha256
    result.article = article
    return result
