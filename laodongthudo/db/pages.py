"""The raw page store: every fetched page version, compressed, once per (canonical URL, sha256 of the body).

A `Page` is what a response was (URL, status, headers, body, fetch time), independent of Scrapy, so that the
crawl, a WARC file and `reextract` all speak it. `save_pages` writes a batch inside the caller's transaction
(the Store's, next to the articles derived from them) and returns their row ids; `PageReader` reads them back.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, func, select, text, tuple_

from laodongthudo import urls

from .models import PageRow

_pages = PageRow.__table__
_IN_CHUNK = 400  # (url, sha256) pairs per IN (...): two parameters each

COMPRESSION = "zlib"
ZLIB_LEVEL = 6  # zlib's default: within 10 % of level 9's size at a third of its CPU on these pages

PageKey = tuple[str, str]  # (canonical url, sha256)
_COMES_BACK = text(
    "EXISTS (SELECT 1 FROM pages AS newer WHERE newer.url = pages.url"
    " AND newer.last_fetched_at > pages.last_fetched_at)"
)


def page_kind(url: str) -> str:
    """article (an article URL, whatever became of it), listing (a section page), or other."""
    if urls.is_article_url(url) and not urls.is_non_article_url(url):
        return "article"
    if urlsplit(url).path.startswith("/cong-doan"):
        return "listing"
    return "other"


@dataclass
class Page:
    """One response as received. `body` is the uncompressed payload (after any Content-Encoding)."""

    fetched_url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    url: str = ""  # canonical; derived from fetched_url when empty
    kind: str = ""
    sha256: str = ""
    id: int | None = None  # the row, once stored

    def __post_init__(self) -> None:
        self.url = self.url or urls.canonical_url(self.fetched_url)
        self.kind = self.kind or page_kind(self.url)
        self.sha256 = self.sha256 or hashlib.sha256(self.body).hexdigest()

    @property
    def key(self) -> PageKey:
        return (self.url, self.sha256)

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def row(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "fetched_url": self.fetched_url,
            "kind": self.kind,
            "status": self.status,
            "headers": [list(pair) for pair in self.headers],
            "body": zlib.compress(self.body, ZLIB_LEVEL),
            "compression": COMPRESSION,
            "size": len(self.body),
            "sha256": self.sha256,
            "fetched_at": self.fetched_at,
            "last_fetched_at": self.fetched_at,
        }

    @classmethod
    def from_row(cls, row: Any) -> Page:
        m = row._mapping if hasattr(row, "_mapping") else row
        if m["compression"] != COMPRESSION:
            raise ValueError(f"page {m['id']}: unknown compression {m['compression']!r}")
        return cls(
            fetched_url=m["fetched_url"],
            status=m["status"],
            headers=[(str(k), str(v)) for k, v in m["headers"] or []],
            body=zlib.decompress(m["body"]),
            fetched_at=m["fetched_at"],
            url=m["url"],
            kind=m["kind"],
            sha256=m["sha256"],
            id=m["id"],
        )


def _chunks(values: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def save_pages(connection: Connection, insert: Any, pages: Iterable[Page]) -> dict[PageKey, int]:
    """Insert the pages not stored yet and return the row id of every (url, sha256) given. A version already
    stored is not written again; only when it comes back after another version does its `last_fetched_at` move
    (so that the newest version by `last_fetched_at` is the one the site serves). `insert` is the dialect's."""
    latest: dict[PageKey, Page] = {}
    for page in pages:  # one row per version: a statement may not upsert a row twice
        if page.key not in latest or page.fetched_at > latest[page.key].fetched_at:
            latest[page.key] = page
    if not latest:
        return {}
    statement = insert(_pages)
    greatest = func.max if connection.dialect.name == "sqlite" else func.greatest
    statement = statement.on_conflict_do_update(
        index_elements=["url", "sha256"],
        set_={"last_fetched_at": greatest(_pages.c.last_fetched_at, statement.excluded.last_fetched_at)},
        # Only a version coming back after another one moves: fetching the current version again writes
        # nothing (a quiet scheduled run leaves the database as it was). Text: SQLAlchemy would not correlate
        # a subquery on the conflicting row's own table.
        where=_COMES_BACK,
    )
    # Sorted: concurrent writers lock rows in one order.
    connection.execute(statement, [latest[key].row() for key in sorted(latest)])
    return page_ids(connection, list(latest))


def page_ids(connection: Connection, keys: Sequence[PageKey]) -> dict[PageKey, int]:
    """Row ids of these page versions (those stored)."""
    found: dict[PageKey, int] = {}
    for part in _chunks(sorted(set(keys))):
        query = select(_pages.c.url, _pages.c.sha256, _pages.c.id).where(
            tuple_(_pages.c.url, _pages.c.sha256).in_(part)
        )
        found.update({(url, sha): id_ for url, sha, id_ in connection.execute(query)})
    return found


@dataclass(frozen=True)
class PageSummary:
    """What choosing pages to re-derive needs, without their bodies."""

    id: int
    url: str
    kind: str
    status: int
    fetched_at: datetime
    last_fetched_at: datetime


_SUMMARY = (_pages.c.id, _pages.c.url, _pages.c.kind, _pages.c.status, _pages.c.fetched_at, _pages.c.last_fetched_at)


class PageReader:
    """Reads stored pages; each process opens its own (engines do not cross a fork)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def latest(self, *, kind: str | None = "article", urls_only: Sequence[str] = ()) -> list[PageSummary]:
        """The newest version of every page (of this kind), by URL: the one a crawl would parse today."""
        newest = select(_pages.c.url, func.max(_pages.c.last_fetched_at).label("seen"))
        if kind:
            newest = newest.where(_pages.c.kind == kind)
        newest = newest.group_by(_pages.c.url).subquery()
        query = (
            select(*_SUMMARY)
            .join(newest, (newest.c.url == _pages.c.url) & (newest.c.seen == _pages.c.last_fetched_at))
            .order_by(_pages.c.url, _pages.c.id)
        )
        with self.engine.connect() as connection:
            summaries: dict[str, PageSummary] = {}
            for row in connection.execute(query):
                summaries[row.url] = PageSummary(*row)  # two versions last seen at once: the later row wins
        chosen = list(summaries.values())
        if urls_only:
            wanted = set(urls_only)
            chosen = [s for s in chosen if s.url in wanted]
        return chosen

    def all(self, *, kinds: Sequence[str] = ()) -> Iterator[PageSummary]:
        """Every stored page version (of these kinds)."""
        # In fetch order, by content: the same pages give the same order in any database (ids differ).
        query = select(*_SUMMARY).order_by(_pages.c.fetched_at, _pages.c.url, _pages.c.sha256)
        if kinds:
            query = query.where(_pages.c.kind.in_(list(kinds)))
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                yield PageSummary(*row)

    def load(self, ids: Sequence[int]) -> list[Page]:
        """These pages, bodies decompressed, in the order asked."""
        by_id: dict[int, Page] = {}
        with self.engine.connect() as connection:
            for part in _chunks(list(ids)):
                for row in connection.execute(select(_pages).where(_pages.c.id.in_(part))):
                    by_id[row.id] = Page.from_row(row)
        return [by_id[i] for i in ids if i in by_id]

    def latest_of(self, url: str) -> Page | None:
        """The newest stored version of one page (canonical URL), or None."""
        query = (
            select(_pages)
            .where(_pages.c.url == urls.canonical_url(url))
            .order_by(_pages.c.last_fetched_at.desc(), _pages.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return Page.from_row(row) if row is not None else None
