"""Section listing pages: the main column's article links and the way to the next page (site-notes, "Listing
pages" and "What real MasterCMS pages of sister sites show").

The next page is only ever one the page itself links: the pager's "next" link, else its link numbered
`page + 1` (whatever the URL looks like: `/p2`, `&BRSR=24`, `?page=2`), else a MasterCMS "load more" URL
(`input.__MB_NEXT_URL`). Nothing here builds a URL.
"""

from __future__ import annotations

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
    next_url: str | None = None  # absolute: the page the listing itself links as the next one
    next_by: str | None = None  # how it was found: "next_link", "numbered", "load_more"
    layout: str | None = None  # None: no known layout, every article link of the page was taken


# laodongthudo.vn as public crawlers saw it in 2020.
LISTING_2020 = ListingLayout(
    name="listing2020",
    main_column="div.col_category",
    item_links="div.list_news div.list_news_title a, div.list_news div.list_news_img a, div.list_news h2 a",
)
# Story cards (the replica's `thu-do-anh-hung-thanh-pho-hoa-binh` section, a plausible newer template).
STORY_CARDS = ListingLayout(
    name="story_cards",
    main_column="div.cat-stories",
    item_links="article.story h3.story__heading a, article.story a.story__thumb",
)
# thoibaonganhang.vn (MasterCMS): `ul.list-news > li` with a thumbnail and a title link.
LIST_NEWS = ListingLayout(
    name="list_news",
    main_column="ul.list-news",
    item_links="li div.box-title a, li a.box-img, li h3 a, li h2 a",
)
# netbiz.net.vn (MasterCMS): `article.article` cards inside `div.__MB_LIST_ITEM` (also what "load more" returns).
MB_LIST_ITEM = ListingLayout(
    name="mb_list_item",
    main_column="div.__MB_LIST_ITEM",
    item_links="article.article h3.article-title a, article.article a.article-thumb",
)
LISTING_LAYOUTS: tuple[ListingLayout, ...] = (LISTING_2020, STORY_CARDS, LIST_NEWS, MB_LIST_ITEM)

PAGER = "div[class*='__MB_ARTICLE_PAGING']"
# The pager's own "next" link, by markup; then by the words and arrows pagers print on it.
PAGER_NEXT = "a[rel~='next'], a.next, a[class*='next'], a[title='Trang sau'], a[title='Trang tiếp']"
NEXT_TEXTS = ("›", ">", "Trang sau", "Sau", "Tiếp", "Next")  # not "»" or ">|": the last page
LOAD_MORE = "input.__MB_NEXT_URL::attr(value), input[name='__MB_NEXT_URL']::attr(value)"


def _absolute(page_url: str, href: str | None) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith(("#", "javascript:")):
        return None
    return urljoin(page_url, href)


def find_next(page: Selector, page_url: str, page_number: int) -> tuple[str | None, str | None]:
    """The next listing page the page links, and how it was found; (None, None) on the last page."""
    this = urlsplit(page_url)
    here = (this.path.rstrip("/"), this.query)

    def usable(href: str | None) -> str | None:
        absolute = _absolute(page_url, href)
        if absolute is None:
            return None
        parts = urlsplit(absolute)
        return None if (parts.path.rstrip("/"), parts.query) == here else absolute

    pager = page.css(PAGER)
    for href in pager.css(PAGER_NEXT).xpath("@href").getall():
        if found := usable(href):
            return found, "next_link"
    wanted = str(page_number + 1)
    for link in pager.css("a"):
        if link.xpath("normalize-space(string())").get() == wanted and (found := usable(link.attrib.get("href"))):
            return found, "numbered"
    for link in pager.css("a"):
        if link.xpath("normalize-space(string())").get() in NEXT_TEXTS and (found := usable(link.attrib.get("href"))):
            return found, "next_link"
    for value in page.css(LOAD_MORE).getall():
        if found := usable(value):
            return found, "load_more"
    return None, None


def parse_listing(html: str, page_url: str, page_number: int = 1) -> Listing:
    """The article links of a listing page's main column and the next page it links (`page_number`: which
    page of its section this one is, counting from 1, for a pager that only numbers its links)."""
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
        absolute = _absolute(page_url, href)
        if absolute is None:
            continue
        path = urlsplit(absolute).path
        if path in seen:
            continue
        seen.add(path)
        if urls.is_article_url(absolute):
            listing.article_urls.append(absolute)
        elif urls.is_non_article_url(absolute):
            listing.other_urls.append(absolute)
    listing.next_url, listing.next_by = find_next(page, page_url, page_number)
    return listing
