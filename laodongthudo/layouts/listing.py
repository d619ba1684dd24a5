"""Section listing pages: the main column's article links and the pager (site-notes, "Listing pages")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from laodongthudo import urls


@dataclass(frozen=True)
class ListingLayout:
    name: str
    main_column: str  # the column of the section's own stories; side boxes stand outside it
    item_links: str  # links of the stories inside the main column


@dataclass
class Listing:
    article_urls: list[str] = field(default_factory=list)  # absolute, in page order, deduplicated
    other_urls: list[str] = field(default_factory=list)  # non-article links of the column (.media, video)
    page_numbers: list[int] = field(default_factory=list)  # pages the pager links to
    layout: str | None = None  # None: no known layout, every article link of the page was taken


LISTING_2020 = ListingLayout(
    name="listing2020",
    main_column="div.col_category",
    item_links="div.list_news div.list_news_title a, div.list_news div.list_news_img a, div.list_news h2 a",
)
LISTING_LAYOUTS: tuple[ListingLayout, ...] = (LISTING_2020,)
PAGER = "div[class*='__MB_ARTICLE_PAGING'] a"
_PAGE_NUMBER = re.compile(r"/p(\d+)/?$")


def parse_listing(html: str, page_url: str) -> Listing:
    page = Selector(text=html)
    layout = next((lay for lay in LISTING_LAYOUTS if page.css(lay.main_column)), None)
    # Unknown layout: take every article link; the article's breadcrumb later decides its section.
    hrefs = (
        page.css(layout.main_column).css(layout.item_links).xpath("@href").getall()
        if layout
        else page.css("a::attr(href)").getall()
    )
    listing = Listing(layout=layout.name if layout else None)
    seen: set[str] = set()
    for href in hrefs:
        absolute = urljoin(page_url, href.strip())
        path = urlsplit(absolute).path
        if path in seen:
            continue
        seen.add(path)
        if urls.is_article_url(absolute):
            listing.article_urls.append(absolute)
        elif urls.is_non_article_url(absolute):
            listing.other_urls.append(absolute)
    for href in page.css(PAGER).xpath("@href").getall():
        match = _PAGE_NUMBER.search(urlsplit(urljoin(page_url, href)).path)
        if match:
            listing.page_numbers.append(int(match.group(1)))
    return listing
