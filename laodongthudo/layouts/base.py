"""What a layout is: a named set of selectors, and how a page is read with them.

A layout module only declares selectors (see `mastercms.py`, `legacy2019.py`); the reading is the same for
all of them and lives here. Parsers read, they never clean: text comes out as the page has it.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsel import Selector, SelectorList

Selectors = tuple[str, ...]


class NotAnArticle(Exception):
    """The page is not an ordinary article; `reason` is a short stats key (`no_body`, `media`, ...)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class ArticleLayout:
    """CSS selectors of one article-page template.

    Each part is a tuple of alternatives in order of preference: the first that matches anything wins.
    An empty tuple means the layout has no such part (the page metadata may still give it).
    """

    name: str
    marker: str  # present on every page of this layout, and only there
    body: Selectors
    title: Selectors
    kicker: Selectors
    sapo: Selectors
    dates: Selectors  # an element holding the publication date (and time): the first outside side lists
    breadcrumb: Selectors  # the breadcrumb's links, outermost section first
    tags: Selectors
    after_body: Selectors  # what follows the body on every page: its presence shows the body arrived whole
    author: Selectors = ()  # a byline element outside the body (most pages close the body with it instead)

    def matches(self, page: Selector) -> bool:
        return bool(page.css(self.marker))


def first_match(page: Selector, alternatives: Selectors) -> SelectorList:
    """The nodes of the first alternative that matches anything (empty if none does)."""
    for css in alternatives:
        nodes = page.css(css)
        if nodes:
            return nodes
    return SelectorList()


def text_of(nodes: SelectorList) -> str | None:
    """All text of the first node, as one string (whitespace as on the page), or None."""
    if not nodes:
        return None
    text = nodes[0].xpath("string()").get()
    return text if text and text.strip() else None


def inner_html(nodes: SelectorList) -> str | None:
    """The markup inside the first node, or None."""
    if not nodes:
        return None
    return "".join(nodes[0].xpath("node()").getall())
