"""Page parsers, one small module of selectors per site layout (the way Fundus keeps parser versions).

`parse_article(html, url)` chooses the article layout by evidence (of the layouts whose marker the page
carries, the one whose own selectors fill the required fields: body, title, date), then reads every field
down the same ladder (`reader.py`): that layout, the other layouts' selectors, then template-independent rules
(`generic.py`) and `<head>` metadata. `parse_listing` does the same for section listing pages. Both work on a
stored page, without a crawl. Everything known about the markup lives in this package, and only here.
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html
from lxml import etree
from parsel import Selector

from laodongthudo import urls
from laodongthudo.items import Article
from laodongthudo.layouts import generic
from laodongthudo.layouts.base import ArticleLayout, NotAnArticle, first_match
from laodongthudo.layouts.legacy2019 import LEGACY_2019
from laodongthudo.layouts.listing import Listing, parse_listing
from laodongthudo.layouts.mastercms import MASTERCMS
from laodongthudo.layouts.metadata import read_metadata
from laodongthudo.layouts.reader import GENERIC, Finding, PageReader

# Tried in order: the current template first (it wins a tie of evidence).
ARTICLE_LAYOUTS: tuple[ArticleLayout, ...] = (MASTERCMS, LEGACY_2019)

# The article id is stored as a 64-bit integer.
MAX_ARTICLE_ID = 2**63 - 1
# Deeper bodies are refused (`too_deep`): no article nests so deep, and the cleaning walks the tree.
MAX_BODY_DEPTH = 200
_DEEPER_THAN_MAX = etree.XPath("boolean(" + "*/" * MAX_BODY_DEPTH + "*)")

__all__ = [
    "ARTICLE_LAYOUTS",
    "Finding",
    "Listing",
    "NotAnArticle",
    "ReadArticle",
    "choose_layout",
    "parse_article",
    "parse_listing",
    "read_article",
]


def _fills_required(page: Selector, layout: ArticleLayout) -> int:
    """How many of the required fields (body, title, date) the layout's own selectors fill on the page."""
    body = first_match(page, layout.body)
    filled = (
        bool(body)
        and bool(body[0].xpath("normalize-space(string())").get())
        and not PageReader.side_anywhere(body[0].root)  # a MasterCMS widget in a side box is no body
    )
    filled_title = any(page.css(css).xpath("normalize-space(string())").get() for css in layout.title)
    filled_date = any(
        generic.DATE_IN_TEXT.search(text) for css in layout.dates for text in page.css(css).xpath("string()").getall()
    )
    return int(filled) + int(bool(filled_title)) + int(filled_date)


def choose_layout(page: Selector) -> ArticleLayout | None:
    """Of the layouts whose marker the page carries, the one whose selectors fill most required fields."""
    matching = [layout for layout in ARTICLE_LAYOUTS if layout.matches(page)]
    if len(matching) <= 1:
        return matching[0] if matching else None
    return max(matching, key=lambda layout: _fills_required(page, layout))  # a tie: the first in order


def parse_page(html: str) -> Selector:
    """The page as parsel would parse it (lxml, huge_tree), refused when lxml had to cut it short.

    Even with huge_tree, libxml2 stops at 2,048 levels and drops the rest of the page without a word: such a
    page is refused as `too_deep`, never read in part.
    """
    parser = lxml.html.HTMLParser(recover=True, encoding="utf8", huge_tree=True)
    data = html.strip().replace("\x00", "").encode("utf8") or b"<html/>"
    root = etree.fromstring(data, parser=parser)
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise NotAnArticle("too_deep", "the page nests deeper than the HTML parser reads")
    return Selector(root=root if root is not None else etree.fromstring(b"<html/>"), type="html")


def _cut_short(html: str) -> bool:
    """No closing </html> near the end: the transfer stopped early (lxml quietly closes what was open)."""
    return "</html" not in html[-4096:].lower()


@dataclass
class ReadArticle:
    article: Article
    layout: str | None  # the layout chosen for the page; None: no layout's marker on it
    findings: list[Finding]  # per field, the rule that found it and what it found


def read_article(html: str, url: str) -> ReadArticle:
    """Read an article page into an `Article` with raw fields, and say where each came from.

    Raises `NotAnArticle` for anything that is not an ordinary, whole article page.
    """
    if urls.is_non_article_url(url):
        raise NotAnArticle("not_article_url", url)
    article_id = urls.article_id(url)
    if article_id is None:
        raise NotAnArticle("not_article_url", url)
    if article_id > MAX_ARTICLE_ID:
        raise NotAnArticle("bad_id", f"article id {article_id} does not fit a 64-bit integer")
    page = parse_page(html)
    layout = choose_layout(page)
    meta = read_metadata(page)
    reader = PageReader(page, html, ARTICLE_LAYOUTS, layout, meta)
    title = reader.title()
    cut_short = _cut_short(html)
    body_html, body_source = reader.body(main_text=not cut_short)
    reader.set_scope()
    dates, date_sources = reader.dates()
    if not body_html or (layout is None and body_source == GENERIC and not dates):
        # Without a layout and a date nothing says the page is an article (an error page, a new shell).
        raise NotAnArticle("no_body", f"no body element ({layout.name if layout else 'no known layout'})")
    if reader.body_node is not None and _DEEPER_THAN_MAX(reader.body_node):
        raise NotAnArticle("too_deep", f"the body nests more than {MAX_BODY_DEPTH} elements deep")
    after_body = layout.after_body if layout else tuple(css for lay in ARTICLE_LAYOUTS for css in lay.after_body)
    if cut_short and not first_match(page, after_body):
        raise NotAnArticle("truncated", "the page ends inside its body")
    author, meta_author = reader.author()
    section_path = reader.section_path()
    article = Article(
        url=urls.canonical_url(url),
        article_id=article_id,
        section=section_path.rsplit("/", 1)[-1] if section_path else None,
        section_path=section_path,
        kicker=reader.kicker(),
        title=title,
        sapo=reader.sapo(),
        body_html=body_html,
        author=author,
        tags=reader.tags(),
        date_texts=dates,
        date_sources=date_sources,
        meta_author=meta_author,
        layout=layout.name if layout else None,
    )
    article.field_sources = {
        f.field: f.source for f in reader.findings.values() if f.source is not None and f.field != "published_at"
    }
    return ReadArticle(article, article.layout, list(reader.findings.values()))


def parse_article(html: str, url: str) -> Article:
    """Read an article page into an `Article` with raw fields; raise `NotAnArticle` for anything else."""
    return read_article(html, url).article
