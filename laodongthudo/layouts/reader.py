"""Field-by-field reading of an article page, each field down the same ladder of evidence.

For every field: the page's best layout (`layout`), then the other layouts' selectors (`other_layout`), then
evidence that holds whatever the template (`generic.py`: `generic`; `<head>` metadata and JSON-LD:
`metadata`). Each field's `Finding` says which rule found it and what it found; `--explain` prints them.
The parser reads, it never cleans: values come out as the page has them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import HTMLTranslator

from laodongthudo.layouts import generic
from laodongthudo.layouts.base import ArticleLayout, Selectors, inner_html
from laodongthudo.layouts.bylines import is_byline
from laodongthudo.layouts.metadata import PageMetadata

LAYOUT, OTHER_LAYOUT, GENERIC, METADATA = "layout", "other_layout", "generic", "metadata"
SOURCES = (LAYOUT, OTHER_LAYOUT, GENERIC, METADATA)


@dataclass(frozen=True)
class Finding:
    """What one rule found for one field; `source` None: no rule found anything."""

    field: str
    source: str | None
    rule: str
    value: Any


@functools.lru_cache(maxsize=512)
def _compiled(css: str) -> etree.XPath:
    return etree.XPath(HTMLTranslator().css_to_xpath(css))


def select(root: Any, css: str) -> list[Any]:
    """The elements below (or at) `root` that match `css`, in document order (lxml, no parsel wrappers)."""
    return [node for node in _compiled(css)(root) if isinstance(node.tag, str)]


def _text(node: Any) -> str:
    return "".join(node.itertext()) if isinstance(node.tag, str) else ""


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def _classes(node: Any) -> str:
    return (node.get("class") or "").lower()


def _is_side(node: Any, tags: frozenset[str] = generic.SIDE_TAGS) -> bool:
    """A side list or box: `li`, `article`, `aside`, ..., or a class naming a list, box, related block, ..."""
    if node.tag in tags:
        return True
    classes = _classes(node)
    return bool(classes) and any(word in classes for word in generic.SIDE_CLASS_WORDS)


def _contains(ancestor: Any, node: Any) -> bool:
    return node is ancestor or any(a is ancestor for a in node.iterancestors())


def _common_ancestor(a: Any, b: Any) -> Any:
    ancestors_of_a = {id(a): a, **{id(x): x for x in a.iterancestors()}}
    for node in (b, *b.iterancestors()):
        if id(node) in ancestors_of_a:
            return node
    return a.getroottree().getroot()


@dataclass
class PageReader:
    """Reads the fields of one parsed page; `findings` collects what each field came from."""

    page: Selector
    html: str
    layouts: tuple[ArticleLayout, ...]
    chosen: ArticleLayout | None
    meta: PageMetadata
    findings: dict[str, Finding] = field(default_factory=dict)
    title_node: Any = None
    body_node: Any = None
    scope: Any = None

    # -- the ladder ----------------------------------------------------------------------------------

    def _ladder(self, part: str) -> Iterator[tuple[str, str, Selectors]]:
        """(source, layout name, selectors of `part`) in the order they are tried."""
        if self.chosen is not None:
            yield LAYOUT, self.chosen.name, getattr(self.chosen, part)
        for other in self.layouts:
            if other is not self.chosen:
                yield OTHER_LAYOUT, other.name, getattr(other, part)

    def _root_for(self, source: str) -> Any:
        """Where a layout's selectors are looked up: the whole page for the chosen layout's, the article scope
        for the other layouts' (once the scope is known): their classes may mean something else elsewhere, and
        a subtree is quicker to search than the page."""
        return self.page.root if source == LAYOUT or self.scope is None else self.scope

    def _found(self, name: str, source: str | None, rule: str, value: Any) -> Any:
        self.findings[name] = Finding(name, source, rule, value)
        return value

    def _outside_body(self, node: Any) -> bool:
        return self.body_node is None or not _contains(self.body_node, node)

    def _in_side_list(self, node: Any) -> bool:
        """Whether the node stands in a side list or box between itself and the article scope."""
        for element in (node, *node.iterancestors()):
            if element is self.scope:
                return False
            if _is_side(element):
                return True
        return False

    def _scoped(self, css: str) -> list[Any]:
        """Nodes of `css` inside the article scope, outside the body and outside side lists."""
        root = self.scope if self.scope is not None else self.page.root
        return [node for node in select(root, css) if self._outside_body(node) and not self._in_side_list(node)]

    def _first_text(self, part: str, generic_css: Selectors, name: str) -> Any:
        """The first non-empty text down the ladder for a one-text field; None when no rule finds one."""
        for source, layout, alternatives in self._ladder(part):
            for css in alternatives:
                for node in select(self._root_for(source), css)[:1]:
                    if _text(node).strip():
                        self.findings[name] = Finding(name, source, f"{layout}: {css}", _text(node))
                        return node
        for css in generic_css:
            for node in self._scoped(css):
                if _text(node).strip() and node is not self.title_node:
                    rule = f"in the article: {css} (<{node.tag} class={node.get('class')!r}>)"
                    self.findings[name] = Finding(name, GENERIC, rule, _text(node))
                    return node
        return None

    # -- fields ------------------------------------------------------------------------------------------

    def title(self) -> str | None:
        node = None
        for source, layout, alternatives in self._ladder("title"):
            node = self._first_node(alternatives, lambda n: bool(_text(n).strip()))
            if node is not None:
                self._found("title", source, f"{layout}: {node[1]}", _text(node[0]))
                break
        if node is None:
            node = self._first_node(
                generic.TITLE, lambda n: bool(_text(n).strip()) and not self.side_anywhere(n, generic.CHROME_TAGS)
            )
            if node is not None:
                self._found("title", GENERIC, f"the page's heading: {node[1]}", _text(node[0]))
        if node is not None:
            self.title_node = node[0]
            return _text(node[0])
        if self.meta.title:
            return self._found("title", METADATA, "og:title / JSON-LD headline / <title>", self.meta.title)
        return self._found("title", None, "no title", None)

    def _first_node(self, alternatives: Selectors, accept: Any) -> tuple[Any, str] | None:
        for css in alternatives:
            for node in select(self.page.root, css):
                if accept(node):
                    return node, css
        return None

    @staticmethod
    def side_anywhere(node: Any, tags: frozenset[str] = generic.SIDE_TAGS) -> bool:
        """Whether the node stands in a side list, a box or the page's chrome, anywhere up to the root."""
        return any(_is_side(a, tags) for a in (node, *node.iterancestors()))

    def body(self, *, main_text: bool = True) -> tuple[str | None, str | None]:
        """(body HTML, source); the body node is kept for the scope and the rules that look around it.

        `main_text`: on a page without MasterCMS markers, fall back on trafilatura's main text block (never
        on a page cut short: what it would find there is the menu).
        """
        for source, layout, alternatives in self._ladder("body"):
            found = self._body_at(alternatives)
            if found is not None:
                return self._set_body(found, source, f"{layout}: {found[1]}")
        found = self._body_at(generic.BODY_MARKERS)
        if found is not None:
            return self._set_body(found, GENERIC, f"the element with MasterCMS markers: {found[1]}")
        if main_text and not select(self.page.root, ", ".join(generic.BODY_MARKERS)):
            main = _main_text_block(self.html)
            if main:
                self._found("body", GENERIC, "no MasterCMS markers: trafilatura's main text block", main)
                return main, GENERIC
        self._found("body", None, "no body element", None)
        return None, None

    def _body_at(self, alternatives: Selectors) -> tuple[SelectorList, str] | None:
        for css in alternatives:
            nodes = self.page.css(css)
            if nodes:  # the first alternative that matches decides
                return (nodes, css) if _text(nodes[0].root).strip() else None
        return None

    def _set_body(self, found: tuple[SelectorList, str], source: str, rule: str) -> tuple[str | None, str]:
        nodes = found[0]
        self.body_node = nodes[0].root
        self._found("body", source, rule, f"{len(_text(self.body_node).split())} words")
        return inner_html(nodes), source

    def set_scope(self) -> None:
        """The article scope: the smallest element holding title and body; without a body element (a main
        text block found by trafilatura), the `<article>` or `<main>` around the title; else the page."""
        if self.title_node is not None and self.body_node is not None:
            self.scope = _common_ancestor(self.title_node, self.body_node)
            return
        around = None
        if self.title_node is not None:
            around = next((a for a in self.title_node.iterancestors() if a.tag in ("article", "main")), None)
        self.scope = around if around is not None else self.page.root

    def kicker(self) -> str | None:
        node = self._first_text("kicker", generic.KICKER, "kicker")
        return _text(node) if node is not None else self._found("kicker", None, "no kicker", None)

    def sapo(self) -> str | None:
        node = self._first_text("sapo", generic.SAPO, "sapo")
        if node is not None:
            return _text(node)
        if self.meta.description:
            return self._found("sapo", METADATA, "og:description / description", self.meta.description)
        return self._found("sapo", None, "no sapo", None)

    def dates(self) -> tuple[list[str], list[str]]:
        """(date texts, their sources), most trusted first: the page's own date, then the metadata's."""
        texts: list[str] = []
        sources: list[str] = []
        found = self._layout_date() or self._generic_date()
        if found is not None:
            text, source, rule = found
            texts.append(text)
            sources.append(source)
            self._found("published_at", source, rule, text)
        for value in self.meta.published:
            if value not in texts:
                texts.append(value)
                sources.append(METADATA)
        if found is None:
            if texts:
                self._found("published_at", METADATA, "article:published_time / JSON-LD datePublished", texts[0])
            else:
                self._found("published_at", None, "no date with the title, none in the metadata", None)
        return texts, sources

    def _layout_date(self) -> tuple[str, str, str] | None:
        for source, layout, alternatives in self._ladder("dates"):
            for css in alternatives:
                for node in select(self._root_for(source), css):
                    if not self._outside_body(node) or self._in_side_list(node):
                        continue
                    text = _squeezed(_text(node))
                    if generic.DATE_IN_TEXT.search(text):
                        return text, source, f"{layout}: {css}"
        return None

    def _generic_date(self) -> tuple[str, str, str] | None:
        """The first date standing with the title (outside the body and side lists), with its time."""
        title = self.title_node
        candidates = [n for n in self._scoped(generic.DATES) if title is None or not _contains(n, title)]
        for i, node in enumerate(candidates):
            iso = node.get("datetime") or node.get("content")
            if iso and generic.DATE_IN_TEXT.search(iso):
                return iso.strip(), GENERIC, f"date beside the title: <{node.tag}> datetime attribute"
            text = _squeezed(_text(node))
            if not generic.DATE_IN_TEXT.search(text):
                continue
            rule = f"first date beside the title: <{node.tag} class={node.get('class')!r}>"
            if generic.TIME_IN_TEXT.search(text):
                return text, GENERIC, rule
            # Date and time in two elements: the nearest time-only candidate sharing a small parent.
            for other in (*candidates[i + 1 : i + 2], *candidates[max(i - 1, 0) : i]):
                other_text = _squeezed(_text(other))
                if (
                    generic.TIME_IN_TEXT.search(other_text)
                    and not generic.DATE_IN_TEXT.search(other_text)
                    and not _contains(node, other)
                    and len(_squeezed(_text(_common_ancestor(node, other)))) <= generic.DATE_NEIGHBOURHOOD_CHARS
                ):
                    before = other in candidates[:i]
                    joined = f"{other_text} {text}" if before else f"{text} {other_text}"
                    return joined, GENERIC, rule + " and the time beside it"
            return text, GENERIC, rule
        return None

    def author(self) -> tuple[str | None, str | None]:
        """(author found on the page outside the body text, the metadata's author for a pipeline to fall back on)."""
        meta_author = self.meta.author
        for source, layout, alternatives in self._ladder("author"):
            for css in alternatives:
                for node in select(self._root_for(source), css):
                    if _short_name(_text(node)):
                        self._found("author", source, f"{layout}: {css}", _text(node))
                        return _text(node), meta_author
        if self.body_node is not None:
            after = next(
                (s for s in self.body_node.itersiblings() if isinstance(s.tag, str) and _text(s).strip()), None
            )
            if after is not None and is_byline(_text(after)):
                self._found("author", GENERIC, "byline right after the body element", _text(after))
                return _text(after), meta_author
        for css in generic.AUTHOR:
            for node in self._scoped(css):
                if _short_name(_text(node)):
                    self._found("author", GENERIC, f"author in the meta line: {css}", _text(node))
                    return _text(node), meta_author
        rule = "none outside the body: a byline closing the body, else the metadata's author"
        self._found("author", None, rule, meta_author)
        return None, meta_author

    def tags(self) -> list[str]:
        for source, layout, alternatives in self._ladder("tags"):
            for css in alternatives:
                values = [v for v in map(_text, select(self._root_for(source), css)) if v.strip()]
                if values:
                    return self._found("tags", source, f"{layout}: {css}", values)
        for css in generic.TAGS:
            values = [_text(n) for n in self._scoped(css) if _text(n).strip()]
            if values:
                return self._found("tags", GENERIC, f"tag links in the article: {css}", values)
        if self.meta.keywords:
            return self._found("tags", METADATA, "news_keywords / keywords", self.meta.keywords)
        return self._found("tags", None, "no tags", [])

    def section_path(self) -> str | None:
        for source, layout, alternatives in self._ladder("breadcrumb"):
            for css in alternatives:
                path = _deepest_path(_hrefs(select(self.page.root, css)))
                if path:
                    return self._found("section", source, f"{layout}: {css}", path)
        for css in generic.BREADCRUMB:
            path = _deepest_path(_hrefs(select(self.page.root, css)))
            if path:
                return self._found("section", GENERIC, f"breadcrumb links: {css}", path)
        return self._found("section", None, "no breadcrumb", None)


def _hrefs(nodes: list[Any]) -> list[str]:
    return [href for node in nodes if (href := node.get("href")) is not None]


def _deepest_path(hrefs: list[str]) -> str | None:
    """The path of the breadcrumb's deepest link: the section the article belongs to."""
    paths = [p for p in (urlsplit(href).path.rstrip("/") for href in hrefs) if p]
    return paths[-1] if paths else None


def _short_name(text: str) -> bool:
    text = _squeezed(text)
    return bool(text) and len(text) <= generic.AUTHOR_MAX_CHARS and not any(c.isdigit() for c in text)


def _main_text_block(html: str) -> str | None:
    """The page's main text as HTML, by trafilatura (only for pages without any MasterCMS marker)."""
    import trafilatura  # imported here: only pages of an unknown CMS template need it

    extracted = trafilatura.extract(
        html, output_format="html", include_images=True, include_tables=True, include_comments=False
    )
    if not extracted:
        return None
    root = etree.fromstring(extracted, etree.HTMLParser())
    body = root.find(".//body")
    container = body if body is not None else root
    return "".join(etree.tostring(child, encoding="unicode", method="html") for child in container)
