"""Properties of the parsers and pipelines on random and mutated pages (hypothesis).

Pages start as the replica's rendered articles (both layouts, NFD ones included) and the two seed pages, then
get mutated: elements dropped, duplicated, shuffled; the page cut; odd characters, markup, text nodes and
changed digits injected; all or part of it put in NFD; bytes damaged before decoding. Whatever comes in:
- `extract` raises nothing but NotAnArticle or DropItem (never an unhandled error);
- every item that comes out has a title, a non-empty body and a timezone-aware `published_at`;
- `parse_listing` never raises and returns only article URLs.
Deterministic (`derandomize=True`, no example database) and small enough for CI.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from scrapy.exceptions import DropItem

from laodongthudo.extract import extract
from laodongthudo.items import Article
from laodongthudo.layouts import NotAnArticle, parse_listing
from laodongthudo.urls import CANONICAL_ROOT, is_article_url
from replica import Site, build_site

pytestmark = pytest.mark.timeout(120)

PROFILE = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

# What pages really contain after decoding, at its oddest: controls, NUL, BOM, zero-width and direction marks,
# combining tones, non-characters, replacement characters, astral characters. (Lone surrogates are left out:
# no decoded HTTP body holds one.)
ODD_CHARS = (
    "\x00\x01\x08\x0b\x0c\x0e\x1b\x1f\x7f\x85\xa0\xad\u200b\u200c\u200d\u200e\u202e\u2028\u2029\u2060"
    "\ufeff\ufffd\ufffe\uffff\u0300\u0301\u0303\u0309\u0323\u0110\u0111\u01a0\u01af\U0001f600\U0010ffff\r\t"
)
ODD_SNIPPETS = (
    "&nbsp;",
    "&#0;",
    "&#xD800;",
    "&#1114112;",
    "&amp",
    "&bogus;",
    "<",
    ">",
    "</p>",
    "</div></div></div>",
    "<p>",
    "<div>",
    "<br/>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<?php echo 1; ?>",
    "<script>",
    "</script>",
    "<style>p{}</style>",
    "<table><tr><td>",
    "</table>",
    '<a href="javascript:alert(1)">',
    '<img src="data:image/gif;base64,R0lGOD">',
    '<meta charset="windows-1258">',
    "</body></html>",
    "<html><body>",
    "<h1></h1>",
    '<span class="format_date">31/02/2021</span>',
    '<div class="__MASTERCMS_CONTENT"></div>',
    '<div class="detail_info"></div>',
)


@dataclass(frozen=True)
class Page:
    url: str
    html: str
    mutations: tuple[str, ...] = ()

    def __repr__(self) -> str:  # a failing example names its page and mutations, not 30 kB of markup
        return f"Page({self.url!r}, {len(self.html)} chars, mutations={list(self.mutations)})"


@cache
def replica() -> Site:
    return build_site(n_articles=30, seed=23)


@cache
def article_pages() -> tuple[Page, ...]:
    """Rendered replica articles of both layouts and sapo styles, the NFD pages, and the seed pages."""
    site = replica()
    truths = [t for t in site.union_articles() if site.record(t.path).kind == "article"]  # no fault pages
    chosen = [t for t in truths if t.id in site.nfd_ids]
    for layout in ("mastercms", "legacy2019"):
        chosen += [t for t in truths if t.layout == layout and t.id not in site.nfd_ids][:4]
    pages = {t.path: site.respond(t.path).body.decode("utf-8") for t in chosen}
    for record in site.records.values():
        if record.kind == "seed":
            pages[record.path] = site.respond(record.path).body.decode("utf-8")
    assert len(pages) >= 10
    return tuple(Page(CANONICAL_ROOT + path, html) for path, html in sorted(pages.items()))


@cache
def listing_pages() -> tuple[Page, ...]:
    site = replica()
    paths = [
        "/cong-doan",
        "/cong-doan/hoat-dong",
        "/cong-doan/hoat-dong/p2",
        "/cong-doan/thu-do-anh-hung-thanh-pho-hoa-binh",
    ]
    return tuple(Page(CANONICAL_ROOT + p, site.respond(p).body.decode("utf-8")) for p in paths)


# -- mutations ------------------------------------------------------------------------------------------


def _tree(html: str) -> etree._Element | None:
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def _serialise(root: etree._Element) -> str:
    return lxml.html.tostring(root, encoding="unicode")


def _elements(root: etree._Element) -> list[etree._Element]:
    return [el for el in root.iter() if isinstance(el.tag, str) and el.getparent() is not None]


# Text that lxml accepts in a tree (no controls, no lone surrogates); odder characters go in as raw text.
TREE_TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Cn"), include_characters="\t\n"), min_size=1, max_size=40
)
KINDS = ("drop", "duplicate", "shuffle", "truncate", "odd", "snippet", "text_node", "nfd", "digits", "strip_tag")


TEXT_KINDS = ("truncate", "odd", "snippet", "nfd", "digits")  # mutations of the text; the others of the tree


def mutate(draw: st.DrawFn, html: str) -> tuple[str, str]:
    """One mutation of the page, chosen and parameterised by hypothesis: (new html, what was done)."""
    kind = draw(st.sampled_from(KINDS))
    return _mutate_text(draw, kind, html) if kind in TEXT_KINDS else _mutate_tree(draw, kind, html)


def _mutate_text(draw: st.DrawFn, kind: str, html: str) -> tuple[str, str]:
    if kind == "truncate":
        at = draw(st.integers(0, len(html)))
        return html[:at], f"truncate at {at}"
    if kind in ("odd", "snippet"):
        at = draw(st.integers(0, len(html)))
        if kind == "odd":
            insert = draw(st.text(alphabet=ODD_CHARS, min_size=1, max_size=8))
        else:
            insert = draw(st.sampled_from(ODD_SNIPPETS))
        return html[:at] + insert + html[at:], f"insert {insert!r} at {at}"
    if kind == "nfd":
        start = draw(st.integers(0, len(html)))
        end = draw(st.integers(start, len(html)))
        return html[:start] + unicodedata.normalize("NFD", html[start:end]) + html[end:], f"NFD {start}:{end}"
    if kind == "digits":
        # Dates, ids, times: change some digits of the page.
        digits = [m.start() for m in re.finditer(r"\d", html)]
        if not digits:
            return html, "digits (none)"
        chars = list(html)
        changed = []
        for at in draw(st.lists(st.sampled_from(digits), min_size=1, max_size=6)):
            chars[at] = draw(st.sampled_from("0123456789"))
            changed.append(f"{at}={chars[at]}")
        return "".join(chars), f"digits {' '.join(changed)}"
    raise AssertionError(f"not a text mutation: {kind}")


def _mutate_tree(draw: st.DrawFn, kind: str, html: str) -> tuple[str, str]:
    root = _tree(html)
    if root is None:
        return html, f"{kind} (unparsable)"
    elements = _elements(root)
    if not elements:
        return html, f"{kind} (no elements)"
    index = draw(st.integers(0, len(elements) - 1))
    el = elements[index]
    done = f"{kind} <{el.tag} class={el.get('class')!r}> #{index}"
    try:
        if kind == "drop":
            el.drop_tree()
        elif kind == "strip_tag":
            el.drop_tag()
        elif kind == "duplicate":
            el.addnext(copy.deepcopy(el))
        elif kind == "shuffle":
            children = list(el)
            if len(children) > 1:
                order = draw(st.permutations(range(len(children))))
                for child in children:
                    el.remove(child)
                for i in order:
                    el.append(children[i])
                done += f" order {order}"
        elif kind == "text_node":
            words = draw(TREE_TEXT)
            if draw(st.booleans()):
                el.text = (el.text or "") + words
            else:
                el.tail = words + (el.tail or "")
            done += f" + {words!r}"
    except ValueError:
        # lxml will not set text holding the control characters an earlier "odd" mutation let in.
        return html, f"{kind} (lxml refused)"
    return _serialise(root), done


def mutated(draw: st.DrawFn, page: Page) -> Page:
    html, log = page.html, []
    for _ in range(draw(st.integers(1, 4))):
        html, done = mutate(draw, html)
        log.append(done)
    return Page(page.url, html, tuple(log))


@st.composite
def mutated_article(draw: st.DrawFn) -> Page:
    return mutated(draw, draw(st.sampled_from(article_pages())))


@st.composite
def mutated_listing(draw: st.DrawFn) -> Page:
    return mutated(draw, draw(st.sampled_from(listing_pages())))


@st.composite
def damaged_bytes(draw: st.DrawFn) -> tuple[str, bytes]:
    """An article page's bytes with bytes flipped, removed or inserted (invalid UTF-8 included), maybe cut."""
    page = draw(st.sampled_from(article_pages()))
    data = bytearray(page.html.encode("utf-8"))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(("flip", "insert", "delete")))
        if op == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 16))]
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return page.url, bytes(data)  # hypothesis shows the draws that built it, not the bytes


# -- properties -----------------------------------------------------------------------------------------


def extract_or_refuse(html: str | bytes, url: str) -> Article | None:
    """The item, or None when the page is refused the documented ways; anything else propagates and fails."""
    try:
        return extract(html, url)
    except (NotAnArticle, DropItem):
        return None


def assert_storable(item: Article) -> None:
    assert isinstance(item.title, str) and item.title.strip(), "no title"
    assert isinstance(item.body, str) and item.body.strip(), "empty body"
    assert isinstance(item.published_at, datetime), "no publication time"
    assert item.published_at.tzinfo is not None and item.published_at.utcoffset() is not None, "naive time"
    assert "<script" not in (item.body_html or "").lower()


def test_the_unmutated_pages_are_articles() -> None:
    # The starting points are good articles: mutations are what makes examples odd.
    for page in article_pages():
        item = extract(page.html, page.url)
        assert_storable(item)


@st.composite
def mutated_article_input(draw: st.DrawFn) -> tuple[str, str]:
    page = draw(mutated_article())
    return page.url, page.html


def random_text() -> st.SearchStrategy[tuple[str, str]]:
    text = st.text(max_size=300).filter(lambda s: not any(0xD800 <= ord(c) < 0xE000 for c in s))
    return st.tuples(st.just(CANONICAL_ROOT + "/bai-viet-ngau-nhien-123456.html"), text)


# What goes through the parsers and the pipeline chain (`extract`): (url, page text or bytes), how many
# examples, and whether every one must be refused. Random text is no article page (no layout, no body, no date).
PAGE_INPUTS = {
    "mutated article pages": (mutated_article_input, 300, False),
    "damaged bytes": (damaged_bytes, 150, False),
    "random text": (random_text, 60, True),
}


@pytest.mark.parametrize("source", PAGE_INPUTS)
def test_any_page_gives_a_storable_item_or_a_documented_refusal(source: str) -> None:
    strategy, examples, refused = PAGE_INPUTS[source]

    @settings(PROFILE, max_examples=examples)
    @given(strategy())
    def check(case: tuple[str, str | bytes]) -> None:
        url, page = case
        item = extract_or_refuse(page, url)
        if refused:
            assert item is None, "random text parsed into an item"
        elif item is not None:
            assert_storable(item)

    check()


@settings(PROFILE, max_examples=100)
@given(mutated_listing())
def test_mutated_listing_pages_parse_to_article_links(page: Page) -> None:
    listing = parse_listing(page.html, page.url)
    assert all(is_article_url(u) for u in listing.article_urls)
    assert len(set(listing.article_urls)) == len(listing.article_urls)
    assert listing.next_url is None or (isinstance(listing.next_url, str) and listing.next_by is not None)


def test_a_publication_date_in_the_future_is_not_stored() -> None:
    # A typo year in the visible date (2095): the metadata's time is taken, or the page refused, never 2095.
    site = replica()
    truth = next(t for t in site.union_articles() if t.layout == "mastercms" and t.id not in site.nfd_ids)
    html = site.respond(truth.path).body.decode("utf-8")
    if "article:published_time" not in html:  # the fallback source the fix would use
        head_end = html.index("</head>")
        iso = truth.published.isoformat()
        html = html[:head_end] + f'<meta property="article:published_time" content="{iso}">' + html[head_end:]
    # The visible date only ("14/12/2025" -> "14/12/2095"); the metadata keeps the true time.
    visible = re.compile(r'(<span class="format_date">\d{2}/\d{2}/)(\d{4})(</span>)')
    assert visible.search(html) and visible.search(html)[2] == str(truth.published.year)
    typo = visible.sub(r"\g<1>2095\g<3>", html, count=1)
    item = extract_or_refuse(typo, CANONICAL_ROOT + truth.path)
    assert item is None or item.published_at == truth.published
