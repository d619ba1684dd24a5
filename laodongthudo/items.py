"""The `Article` item: the contract between page parsers, item pipelines and the database.

A layout parser fills the *raw* fields (title, kicker, sapo, body_html as found on the page, date_texts);
the pipelines clean them in place and fill the derived ones (body, author, images, related,
published_at, event_date, title_key, entities, content_hash). Field names are part of the public
contract: the database columns and the extract command's JSON use them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypedDict


class Image(TypedDict):
    src: str
    caption: str | None


class RelatedLink(TypedDict):
    url: str
    title: str


class EntityMention(TypedDict, total=False):
    type: str  # PERSON | ORGANIZATION | LOCATION
    name: str  # canonical name
    role: str | None  # role the article gives a person, else None
    count: int  # mentions in this article
    aliases: list[str]  # surface forms seen in this article


@dataclass
class Article:
    url: str  # canonical: https, site host, no query or fragment
    article_id: int  # the numeric id in the URL, stable across edits
    section: str | None = None  # subsection slug, e.g. "hoat-dong"
    kicker: str | None = None
    title: str | None = None
    sapo: str | None = None
    body: str | None = None  # clean paragraph texts joined by one blank line
    body_html: str | None = None  # raw from the parser; sanitised by the strip pipeline
    author: str | None = None
    published_at: datetime | None = None  # timezone-aware, Hanoi time
    event_date: date | None = None  # the day the sapo's opening names ("Chiều 27/11")
    title_key: str | None = None  # lowercase, accent- and punctuation-free title, for matching
    tags: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    related: list[RelatedLink] = field(default_factory=list)
    entities: list[EntityMention] = field(default_factory=list)
    fetched_at: datetime | None = None
    content_hash: str | None = None
    # Where each field came from: layout | other_layout | generic | metadata (layouts/reader.py).
    field_sources: dict[str, str] = field(default_factory=dict)
    # Parser hand-over, consumed by the pipelines and not stored.
    layout: str | None = None  # name of the layout parser that read the page
    section_path: str | None = None  # path of the breadcrumb's section link, e.g. "/cong-doan/hoat-dong"
    date_texts: list[str] = field(default_factory=list)  # publication-date strings, most trusted first
    date_sources: list[str] = field(default_factory=list)  # where each of date_texts came from
    meta_author: str | None = None  # the metadata's author: used when neither the page nor the body shows one
    # Storage hand-over: the sha256 of the fetched page this was read from (pages table), set by whoever holds it.
    page_sha256: str | None = None


STORED_FIELDS: tuple[str, ...] = (
    "url",
    "article_id",
    "section",
    "kicker",
    "title",
    "sapo",
    "body",
    "body_html",
    "author",
    "published_at",
    "event_date",
    "title_key",
    "tags",
    "images",
    "related",
    "content_hash",
    "field_sources",
)
