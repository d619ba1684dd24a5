"""Page metadata in `<head>`: the fallback for any field a layout misses (site-notes, "Article pages")."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from parsel import Selector


@dataclass
class PageMetadata:
    title: str | None = None
    description: str | None = None
    keywords: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)  # ISO strings: article:published_time, JSON-LD
    author: str | None = None  # meta name="author", JSON-LD author name


def _meta_contents(page: Selector) -> dict[str, str]:
    """`<meta property|name="X" content="...">`: X to the first content the page gives it, in one pass over the
    page's `meta` elements (a CSS query per name cost more than the rest of the metadata)."""
    contents: dict[str, str] = {}
    for element in page.root.iter("meta"):
        content = element.get("content")
        if content is None:
            continue
        for attribute in ("property", "name"):
            if (key := element.get(attribute)) is not None:
                contents.setdefault(key, content)
    return contents


def _meta(contents: dict[str, str], *names: str) -> str | None:
    for name in names:
        value = contents.get(name)
        if value and value.strip():
            return value
    return None


def _json_ld_articles(page: Selector) -> list[dict]:
    found: list[dict] = []
    for raw in page.css('script[type="application/ld+json"]::text').getall():
        try:
            data = json.loads(raw)
        except ValueError:
            continue  # broken JSON-LD is common; the other sources still count
        stack = data if isinstance(data, list) else [data]
        while stack:
            node = stack.pop(0)
            if not isinstance(node, dict):
                continue
            stack.extend(node.get("@graph", []))
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(k in ("NewsArticle", "Article", "ReportageNewsArticle") for k in kinds):
                found.append(node)
    return found


def _json_ld_author(articles: list[dict]) -> str | None:
    for article in articles:
        authors = article.get("author")
        for author in authors if isinstance(authors, list) else [authors]:
            name = author.get("name") if isinstance(author, dict) else author
            if isinstance(name, str) and name.strip():
                return name
    return None


def read_metadata(page: Selector) -> PageMetadata:
    articles = _json_ld_articles(page)
    meta = _meta_contents(page)
    keywords = _meta(meta, "news_keywords", "keywords") or ""
    published = [
        value
        for value in (
            _meta(meta, "article:published_time"),
            *(a.get("datePublished") for a in articles),
            page.css('[itemprop="datePublished"]::attr(content)').get(),
        )
        if isinstance(value, str) and value.strip()
    ]
    return PageMetadata(
        title=_meta(meta, "og:title")
        or next((a.get("headline") for a in articles if a.get("headline")), None)
        or page.css("title::text").get(),
        description=_meta(meta, "og:description", "description"),
        keywords=[k for k in keywords.split(",") if k.strip()],
        published=published,
        author=_person((_meta(meta, "author"), _json_ld_author(articles)), _meta(meta, "og:site_name")),
    )


def _person(candidates: tuple[str | None, ...], site_name: str | None) -> str | None:
    """The first author the metadata names that is not the paper itself (`content="{og:site_name}"`)."""
    paper = " ".join((site_name or "").split()).lower()
    return next((a for a in candidates if a and " ".join(a.split()).lower() != paper), None)
