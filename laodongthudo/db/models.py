"""SQLAlchemy models of the stored tables. The schema itself is created by the Alembic revisions in
`migrations/versions`; `tests/test_migrations.py` checks that both agree."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .types import AwareDateTime, JSONType

ENTITY_TYPES: tuple[str, ...] = ("PERSON", "ORGANIZATION", "LOCATION")

# Named constraints: later SQLite batch migrations can only drop or alter what has a name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: AwareDateTime(), date: Date(), str: Text()}


class ArticleRow(Base):
    """One article, keyed by its canonical URL. Field names follow `laodongthudo.items.Article`."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(unique=True)
    article_id: Mapped[int] = mapped_column(BigInteger, index=True)  # the site's id, not ours
    section: Mapped[str | None]
    kicker: Mapped[str | None]
    title: Mapped[str | None]
    title_key: Mapped[str | None] = mapped_column(index=True)
    sapo: Mapped[str | None]
    body: Mapped[str | None]
    body_html: Mapped[str | None]
    author: Mapped[str | None]
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    event_date: Mapped[date | None]
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    images: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    related: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    content_hash: Mapped[str | None] = mapped_column(String(128))
    # Where the parser found each field: {"title": "layout", "published_at": "generic", ...}.
    field_sources: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict, server_default=text("'{}'"))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="SET NULL"))  # derived from

    mentions: Mapped[list[ArticleEntityRow]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True
    )
    revisions: Mapped[list[ArticleRevisionRow]] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ArticleRevisionRow.id",
    )

    def __repr__(self) -> str:
        return f"ArticleRow(id={self.id!r}, url={self.url!r})"


class EntityRow(Base):
    """A person, organisation or place, one row per (type, match_key(name))."""

    __tablename__ = "entities"
    __table_args__ = (
        UniqueConstraint("type", "key"),
        CheckConstraint("type IN ('PERSON', 'ORGANIZATION', 'LOCATION')", name="type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(16))
    name: Mapped[str]  # display name: the first form stored
    key: Mapped[str]  # textnorm.match_key(name)
    aliases: Mapped[list[str]] = mapped_column(JSONType, default=list)  # every surface form seen

    mentions: Mapped[list[ArticleEntityRow]] = relationship(back_populates="entity")

    def __repr__(self) -> str:
        return f"EntityRow(id={self.id!r}, type={self.type!r}, name={self.name!r})"


class ArticleEntityRow(Base):
    """Which entities an article mentions. `article_id` is `articles.id`, not the site's article id."""

    __tablename__ = "article_entities"
    __table_args__ = (Index(None, "entity_id"),)

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    mention_count: Mapped[int] = mapped_column(default=1)
    role: Mapped[str | None]

    article: Mapped[ArticleRow] = relationship(back_populates="mentions")
    entity: Mapped[EntityRow] = relationship(back_populates="mentions")


class ArticleRevisionRow(Base):
    """An earlier version of an article: the stored fields as they were before its content_hash changed.

    The version was current from `stored_at` (the article row's `updated_at` then) until `replaced_at`.
    """

    __tablename__ = "article_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    content_hash: Mapped[str | None] = mapped_column(String(128))
    kicker: Mapped[str | None]
    title: Mapped[str | None]
    sapo: Mapped[str | None]
    body: Mapped[str | None]
    body_html: Mapped[str | None]
    author: Mapped[str | None]
    published_at: Mapped[datetime | None]
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    images: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    related: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="SET NULL"))
    stored_at: Mapped[datetime]
    replaced_at: Mapped[datetime]

    article: Mapped[ArticleRow] = relationship(back_populates="revisions")

    def __repr__(self) -> str:
        return f"ArticleRevisionRow(id={self.id!r}, article_id={self.article_id!r}, replaced_at={self.replaced_at!r})"


class SkippedUrlRow(Base):
    """A page the spider fetched (or saw listed) and did not turn into an article, with the last reason.

    Scheduled runs do not fetch these again (see `state.read_crawl_state`); a refresh run does, and a
    page stored as an article after all leaves this table.
    """

    __tablename__ = "skipped_urls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(unique=True)  # canonical
    reason: Mapped[str] = mapped_column(String(64))  # the spider's `skipped/<reason>` stats key
    http_status: Mapped[int | None]
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    times: Mapped[int] = mapped_column(default=1)  # how many times it was skipped, over all runs

    def __repr__(self) -> str:
        return f"SkippedUrlRow(url={self.url!r}, reason={self.reason!r}, times={self.times!r})"


class CrawlRunRow(Base):
    """One `scrapy crawl union` run: what it was asked, what it did, how it ended.

    Inserted when the run starts (`finished_at` empty, `heartbeat_at` renewed while it runs) and completed
    when it ends, so that a run that dies still leaves its mark (see `state.read_crawl_state`)."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]  # empty: still running, or died without finishing
    heartbeat_at: Mapped[datetime | None]  # last sign of life of a running run
    host: Mapped[str | None] = mapped_column(String(255))  # where it runs, and its process id:
    pid: Mapped[int | None]  # on the same host, a dead process means a dead run at once
    mode: Mapped[str | None] = mapped_column(String(16))  # scheduled, backfill, refresh
    sections: Mapped[list[str]] = mapped_column(JSONType, default=list)
    since: Mapped[date | None]
    until: Mapped[date | None]
    pages_fetched: Mapped[int] = mapped_column(default=0)  # downloader/response_count
    listing_pages: Mapped[int] = mapped_column(default=0)
    articles_new: Mapped[int] = mapped_column(default=0)
    articles_updated: Mapped[int] = mapped_column(default=0)
    articles_unchanged: Mapped[int] = mapped_column(default=0)
    dropped: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict)  # reason -> items
    skipped: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict)  # reason -> pages
    errors: Mapped[int] = mapped_column(default=0)  # log_count/ERROR + store/error
    finish_reason: Mapped[str | None]
    alert: Mapped[str | None]  # why this run needs a human: every alerting outcome's message, one a line
    items_lost: Mapped[int] = mapped_column(default=0, server_default="0")  # store/lost: items not stored
    caught_up: Mapped[str | None]  # why this scheduled run read every listing page (empty: it did not)
    exit_status: Mapped[int | None]  # what `scrapy crawl` exited with (empty: running, or died)
    base_url: Mapped[str | None]  # the site root crawled (LDTD_BASE_URL): live or replica
    stats: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # the final Scrapy stats

    def __repr__(self) -> str:
        return f"CrawlRunRow(id={self.id!r}, started_at={self.started_at!r}, finish_reason={self.finish_reason!r})"


class PageRow(Base):
    """One version of a fetched page (article or listing, refused ones too), as received, compressed.

    One row per (url, sha256 of the body): an unchanged page fetched again is not written again.
    `laodongthudo.db.pages` reads and writes them; `reextract` derives articles from them.
    """

    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("url", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(index=True)  # canonical (https://laodongthudo.vn/<path>)
    fetched_url: Mapped[str]  # the URL as requested (a replica's root, the live site...)
    kind: Mapped[str] = mapped_column(String(16))  # article, listing, other
    status: Mapped[int]
    headers: Mapped[list[list[str]]] = mapped_column(JSONType, default=list)  # [name, value] pairs, in order
    body: Mapped[bytes] = mapped_column(LargeBinary)  # compressed with `compression`
    compression: Mapped[str] = mapped_column(String(8))  # zlib
    size: Mapped[int]  # uncompressed bytes
    sha256: Mapped[str] = mapped_column(String(64))  # of the uncompressed body
    fetched_at: Mapped[datetime] = mapped_column(index=True)  # first fetch of this version
    last_fetched_at: Mapped[datetime]  # moved when this version comes back after another one

    def __repr__(self) -> str:
        return f"PageRow(id={self.id!r}, url={self.url!r}, status={self.status!r}, sha256={self.sha256[:12]!r})"
