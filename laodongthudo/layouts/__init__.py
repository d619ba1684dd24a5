"""Page parsers, one small module of selectors per site layout (the way Fundus keeps parser versions).

`parse_article(html, url)` picks the article layout whose marker the page carries, reads the raw fields with
its selectors, and falls back to `<head>` metadata for any field the layout misses. `parse_listing` does the
same for section listing pages. Both work on a stored page, without a crawl.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from parsel import Selector

from laodongthudo import urls
from laodongthudo.items import Article
from laodongthudo.layouts.base import ArticleLayout, NotAnArticle, first_match, inner_html, text_of
from laodongthudo.layouts.legacy2019 import LEGACY_2019
from laodongthudo.layouts.listing import Listing, parse_listing
from laodongthudo.layouts.mastercms import MASTERCMS
from laodongthudo.layouts.metadata import read_metadata

# Tried in order: the current template first.
ARTICLE_LAYOUTS: tuple[ArticleLayout, ...] = (MASTERCMS, LEGACY_2019)

__all__ = ["ARTICLE_LAYOUTS", "Listing", "NotAnArticle", "choose_layout", "parse_article", "parse_listing"]


def choose_layout(page: Selector) -> ArticleLayout | None:
    return next((layout for layout in ARTICLE_LAYOUTS if layout.matches(page)), None)


def _breadcrumb_path(page: Selector, layout: ArticleLayout) -> str | None:
    """The path of the breadcrumb's deepest link: the section the article belongs to."""
    hrefs = first_match(page, layout.breadcrumb).xpath("@href").getall()
    paths = [p for p in (urlsplit(href).path.rstrip("/") for href in hrefs) if p]
    return paths[-1] if paths else None


def _cut_short(html: str) -> bool:
    """No closing </html> near the end: the transfer stopped early (lxml quietly closes what was open)."""
    return "</html" not in html[-4096:].lower()


def parse_article(html: str, url: str) -> Article:
    """Read an article page into an `Article` with raw fields; raise `NotAnArticle` for anything else."""
    if urls.is_non_article_url(url):
        raise NotAnArticle("not_article_url", url)
    article_id = urls.article_id(url)
    if article_id is None:
        raise NotAnArticle("not_article_url", url)
    page = Selector(text=html)
    layout = choose_layout(page)
    if layout is None:
        raise NotAnArticle("no_body", "no known article layout on the page")
    body = first_match(page, layout.body)
    body_html = inner_html(body)
    if not body_html or not body[0].xpath("normalize-space(string())").get():
        raise NotAnArticle("no_body", f"empty body container ({layout.name})")
    if _cut_short(html) and not first_match(page, layout.after_body):
        raise NotAnArticle("truncated", "the page ends inside its body")
    meta = read_metadata(page)
    section_path = _breadcrumb_path(page, layout)
    page_date = " ".join(t.strip() for t in first_match(page, layout.dates).xpath("string()").getall()).strip()
    return Article(
        url=urls.canonical_url(url),
        article_id=article_id,
        section=section_path.rsplit("/", 1)[-1] if section_path else None,
        section_path=section_path,
        kicker=text_of(first_match(page, layout.kicker)),
        title=text_of(first_match(page, layout.title)) or meta.title,
        sapo=text_of(first_match(page, layout.sapo)) or meta.description,
        body_html=body_html,
        tags=first_match(page, layout.tags).xpath("string()").getall() or meta.keywords,
        date_texts=list(dict.fromkeys(([page_date] if page_date else []) + meta.published)),
        layout=layout.name,
    )
