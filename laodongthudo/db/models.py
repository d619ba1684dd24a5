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
    MetaData,
    String,
    Text,
    UniqueConstraint,
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
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    mentions: Mapped[list[ArticleEntityRow]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True
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
