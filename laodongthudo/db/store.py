"""Writing articles: upsert by URL, entities merged by `textnorm.match_key`, a batch per transaction.

An article whose content_hash changes keeps its previous version in `article_revisions` (same
transaction). Pages the spider skipped are upserted into `skipped_urls` with the batch they came
with, and an article stored after all leaves that table.

Safe with several writers on one PostgreSQL database (two crawls overlapping): rows are only
inserted with ON CONFLICT DO NOTHING, existing rows are locked before they are compared and updated,
and every lock is taken in sorted order, so writers neither duplicate rows nor lose updates.
SQLite serialises writers itself (BEGIN IMMEDIATE, see engine.py).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import URL, Connection, Engine, bindparam, delete, exc, insert, literal, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from laodongthudo.items import STORED_FIELDS
from laodongthudo.textnorm import clean_text, match_key

from .engine import make_engine, mask_url
from .migrate import upgrade
from .models import ENTITY_TYPES, ArticleEntityRow, ArticleRevisionRow, ArticleRow, EntityRow, SkippedUrlRow
from .pages import Page, page_ids, save_pages
from .types import AwareDateTime

logger = logging.getLogger(__name__)

Outcome = Literal["new", "updated", "unchanged", "error"]
OUTCOMES: tuple[Outcome, ...] = ("new", "updated", "unchanged", "error")

_articles = ArticleRow.__table__
_entities = EntityRow.__table__
_links = ArticleEntityRow.__table__
_revisions = ArticleRevisionRow.__table__
_skipped = SkippedUrlRow.__table__
# What a revision keeps: the article's stored content (not its keys, section or derived columns).
_REVISION_FIELDS = ("content_hash", "kicker", "title", "sapo", "body", "body_html", "author", "published_at",
                    "tags", "images", "related", "page_id")  # fmt: skip
_LIST_FIELDS = frozenset({"tags", "images", "related"})
_IN_CHUNK = 500  # values per IN (...) list, well under SQLite's and PostgreSQL's parameter limits


class StoreUnavailable(RuntimeError):
    """The database cannot be reached or keeps refusing work: retrying later may help, the data is fine."""


def is_transient(error: BaseException) -> bool:
    """True for errors about the database rather than a row: connection lost or refused, lock
    timeouts, deadlocks, "database is locked", a full disk. Such errors fail every row alike."""
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, exc.OperationalError | exc.InterfaceError | exc.TimeoutError)


def describe_error(error: BaseException) -> str:
    """One line for logs: the driver's message without SQLAlchemy's statement dump and links."""
    if isinstance(error, exc.StatementError) and error.orig is not None:
        error = error.orig
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class RowError:
    url: str | None
    error: str


@dataclass(frozen=True)
class Skip:
    """A page the spider did not turn into an article (the `page_skipped` signal's arguments)."""

    url: str  # canonical
    reason: str
    status: int | None = None


@dataclass
class BatchResult:
    """What a write did to each article. `counts()` is what the pipeline puts in the Scrapy stats."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    error: int = 0
    entities_skipped: int = 0  # mentions without a name or with an unknown type
    revisions: int = 0  # previous versions kept in article_revisions
    skips_saved: int = 0  # skipped pages upserted into skipped_urls
    skips_cleared: int = 0  # skipped_urls rows deleted because the page is stored now
    pages_saved: int = 0  # fetched page versions written (or seen again) in the pages table
    errors: list[RowError] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # url -> last outcome in this batch

    def record(self, url: str, outcome: Outcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        self.outcomes[url] = outcome

    def record_error(self, url: str | None, message: str) -> None:
        self.error += 1
        self.errors.append(RowError(url, message))
        if url is not None:
            self.outcomes[url] = "error"

    def merge(self, other: BatchResult) -> None:
        for name in _COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)
        self.outcomes.update(other.outcomes)

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in _COUNTERS}

    @property
    def stored(self) -> list[str]:
        """URLs whose article is in the database now (new, updated or unchanged)."""
        return [url for url, outcome in self.outcomes.items() if outcome != "error"]


_COUNTERS = (*OUTCOMES, "entities_skipped", "revisions", "skips_saved", "skips_cleared", "pages_saved")


@dataclass
class _Mention:
    type: str
    key: str
    name: str
    aliases: list[str]
    count: int
    role: str | None


@dataclass
class _Row:
    url: str
    values: dict[str, Any]  # articles columns from STORED_FIELDS, and page_id
    mentions: list[_Mention]
    page_sha256: str | None = None  # the stored page version the article was derived from


def _get(article: Any, name: str) -> Any:
    # Items arrive as the Article dataclass; dicts (JSON fixtures, other tools) work too.
    if isinstance(article, Mapping):
        return article.get(name)
    return getattr(article, name, None)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _chunks(values: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Store:
    """Writes `Article` items to the database; usable without Scrapy.

    >>> with Store.open("sqlite:///laodongthudo.db") as store:  # doctest: +SKIP
    ...     result = store.write_batch(articles)
    ...     result.counts()  # {"new": 3, "updated": 0, "unchanged": 1, "error": 0, ...}
    """

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = utcnow) -> None:
        if engine.dialect.name not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported database {engine.dialect.name!r}")
        self.engine = engine
        self.clock = clock
        self.totals: Counter[str] = Counter()  # counts() summed over every write_batch
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    @classmethod
    def open(cls, url: str | URL, *, migrate: bool = True, **kwargs: Any) -> Store:
        """Connect (and bring the schema to head). ValueError for a bad URL; StoreUnavailable when
        the server cannot be reached."""
        engine = make_engine(url)
        try:
            if migrate:
                upgrade(engine)
            else:
                with engine.connect():
                    pass
        except Exception as error:
            engine.dispose()
            if is_transient(error):
                raise StoreUnavailable(f"cannot open {mask_url(engine.url)}: {describe_error(error)}") from error
            raise
        return cls(engine, **kwargs)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def session(self) -> Session:
        """An ORM session on this store's engine, for reading rows back."""
        return Session(self.engine)

    # -- writing ---------------------------------------------------------------------------------

    def write_batch(
        self, articles: Iterable[Any], skipped: Iterable[Skip] = (), pages: Sequence[Page] = ()
    ) -> BatchResult:
        """Upsert the articles and the skipped pages in one transaction and say what happened to each article.

        `pages` (fetched pages, see `laodongthudo.db.pages`) are stored in the same transaction, first; an
        article whose `page_sha256` names a stored version of its URL gets that page's id in `page_id`.

        If the transaction fails because of a row (bad value, constraint), every article is retried
        in a transaction of its own, so only the bad ones are lost; they are logged and reported in
        `result.errors`. Errors about the database itself raise StoreUnavailable: nothing of the
        batch is lost by that, the caller may retry it later.
        """
        now = self.clock()
        result = BatchResult()
        rows: list[_Row] = []
        for article in articles:
            try:
                rows.append(self._prepare(article, result))
            except Exception as error:  # a malformed item is that item's problem, not the batch's
                self._row_failed(result, _get(article, "url"), error)
        skips = self._merge_skips(skipped)
        if rows or skips or pages:
            try:
                with self.engine.begin() as connection:
                    result.pages_saved = self._attach_pages(connection, rows, pages)
                    part = self._write(connection, rows, now)
                    part.skips_saved = self._save_skips(connection, skips, now)
                    part.skips_cleared = self._clear_skips(connection, part.stored)
                    result.merge(part)
            except Exception as error:
                self._raise_if_transient(error)
                logger.warning(
                    "Batch of %d articles failed (%s); storing them one by one", len(rows), describe_error(error)
                )
                result.pages_saved = self._pages_alone(pages)
                for row in rows:
                    try:
                        with self.engine.begin() as connection:
                            self._attach_pages(connection, [row], ())
                            part = self._write(connection, [row], now)
                            part.skips_cleared = self._clear_skips(connection, part.stored)
                            result.merge(part)
                    except Exception as row_error:
                        self._raise_if_transient(row_error)
                        self._row_failed(result, row.url, row_error)
                if skips:
                    try:
                        with self.engine.begin() as connection:
                            result.skips_saved = self._save_skips(connection, skips, now)
                            # A page may be both: skipped once, then stored (listed twice, the first try failed).
                            result.skips_cleared += self._clear_skips(connection, result.stored)
                    except Exception as skip_error:
                        # Only a saving for later runs: the articles of the batch are stored, keep them so.
                        self._raise_if_transient(skip_error)
                        logger.warning("Cannot record %d skipped pages: %s", len(skips), describe_error(skip_error))
        self.totals.update(result.counts())
        return result

    def _attach_pages(self, connection: Connection, rows: Sequence[_Row], pages: Sequence[Page]) -> int:
        """Store the pages; point each row at its page version (stored now or earlier). Pages stored."""
        ids = save_pages(connection, self._insert, pages)
        wanted = [(row.url, row.page_sha256) for row in rows if row.page_sha256]
        missing = [key for key in wanted if key not in ids]
        if missing:
            ids.update(page_ids(connection, missing))
        for row in rows:
            row.values["page_id"] = ids.get((row.url, row.page_sha256)) if row.page_sha256 else None
        return len({page.key for page in pages})

    def _pages_alone(self, pages: Sequence[Page]) -> int:
        if not pages:
            return 0
        try:
            with self.engine.begin() as connection:
                return self._attach_pages(connection, [], pages)
        except Exception as error:  # the articles matter more: they are stored without their page
            self._raise_if_transient(error)
            logger.warning("Cannot store %d fetched pages: %s", len(pages), describe_error(error))
            return 0

    def _raise_if_transient(self, error: Exception) -> None:
        if is_transient(error):
            raise StoreUnavailable(f"database {mask_url(self.engine.url)}: {describe_error(error)}") from error

    @staticmethod
    def _row_failed(result: BatchResult, url: str | None, error: Exception) -> None:
        message = describe_error(error)
        logger.error("Cannot store %s: %s", url, message)
        result.record_error(url, message)

    def _prepare(self, article: Any, result: BatchResult) -> _Row:
        url = _get(article, "url")
        if not isinstance(url, str) or not url:
            raise ValueError(f"article without a URL: {article!r:.200}")
        values = {name: _get(article, name) for name in STORED_FIELDS}
        values["article_id"] = int(values["article_id"])
        for name in _LIST_FIELDS:
            values[name] = list(values[name] or [])
        values["field_sources"] = dict(values["field_sources"] or {})
        values["page_id"] = None
        row = _Row(url, values, self._mentions(_get(article, "entities") or [], result))
        row.page_sha256 = _get(article, "page_sha256")
        return row

    @staticmethod
    def _mentions(mentions: Iterable[Mapping[str, Any]], result: BatchResult) -> list[_Mention]:
        # One link per entity and article: mentions that share a key (the parser listed "Hoà" and
        # "Hòa" apart) are added up.
        merged: dict[tuple[str, str], _Mention] = {}
        for mention in mentions:
            kind = str(mention.get("type") or "").strip().upper()
            name = clean_text(mention.get("name"))
            key = match_key(name)
            if kind not in ENTITY_TYPES or not key:
                result.entities_skipped += 1
                continue
            aliases = _unique([name, *(clean_text(a) for a in mention.get("aliases") or [])])
            count = int(mention.get("count") or 1)
            role = clean_text(mention.get("role")) or None
            seen = merged.get((kind, key))
            if seen is None:
                merged[kind, key] = _Mention(kind, key, name, aliases, count, role)
            else:
                seen.aliases = _unique([*seen.aliases, *aliases])
                seen.count += count
                seen.role = seen.role or role
        return list(merged.values())

    @staticmethod
    def _merge_skips(skipped: Iterable[Skip]) -> dict[str, tuple[Skip, int]]:
        """One row per URL (the last reason wins, `times` adds up): a statement may not upsert a row twice."""
        merged: dict[str, tuple[Skip, int]] = {}
        for skip in skipped:
            if not isinstance(skip, Skip):
                skip = Skip(**skip)
            if not skip.url:
                continue
            times = merged[skip.url][1] + 1 if skip.url in merged else 1
            merged[skip.url] = (skip, times)
        return merged

    def _save_skips(self, connection: Connection, skips: dict[str, tuple[Skip, int]], now: datetime) -> int:
        if not skips:
            return 0
        statement = self._insert(_skipped)
        statement = statement.on_conflict_do_update(
            index_elements=["url"],
            set_={
                "reason": statement.excluded.reason,
                "http_status": statement.excluded.http_status,
                "last_seen_at": statement.excluded.last_seen_at,
                "times": _skipped.c.times + statement.excluded.times,
            },
        )
        values = [
            {
                "url": url,
                "reason": skip.reason[:64],
                "http_status": skip.status,
                "first_seen_at": now,
                "last_seen_at": now,
                "times": times,
            }
            for url, (skip, times) in sorted(skips.items())  # sorted: concurrent writers lock in one order
        ]
        connection.execute(statement, values)
        return len(values)

    @staticmethod
    def _clear_skips(connection: Connection, urls: Sequence[str]) -> int:
        cleared = 0
        for part in _chunks(sorted(urls)):
            cleared += connection.execute(delete(_skipped).where(_skipped.c.url.in_(part))).rowcount or 0
        return cleared

    def _write(self, connection: Connection, rows: list[_Row], now: datetime) -> BatchResult:
        # The same URL twice in a batch: write in rounds of distinct URLs, so the second copy is
        # compared with the first, as if it had come in the next batch.
        result = BatchResult()
        pending = rows
        while pending:
            chunk: dict[str, _Row] = {}
            later: list[_Row] = []
            for row in pending:
                if row.url in chunk:
                    later.append(row)
                else:
                    chunk[row.url] = row
            self._write_distinct(connection, chunk, now, result)
            pending = later
        return result

    def _write_distinct(
        self, connection: Connection, rows: dict[str, _Row], now: datetime, result: BatchResult
    ) -> None:
        urls = sorted(rows)
        known = self._find(connection, urls, lock=False)

        # New URLs: insert; a concurrent writer may have inserted some meanwhile, those are "known".
        ids: dict[str, int] = {}
        fresh = [url for url in urls if url not in known]
        if fresh:
            stamps = {"first_seen_at": now, "last_seen_at": now, "updated_at": now}
            statement = (
                self._insert(_articles)
                .on_conflict_do_nothing(index_elements=["url"])
                .returning(_articles.c.id, _articles.c.url)
            )
            for id_, url in connection.execute(statement, [{**rows[url].values, **stamps} for url in fresh]):
                ids[url] = id_
                result.record(url, "new")

        # Known URLs: lock, then compare hashes under the lock (another writer may just have updated).
        existing = [url for url in urls if url not in ids]
        if len(ids) < len(fresh):
            logger.debug("%d new URLs were inserted meanwhile by another writer", len(fresh) - len(ids))
        locked = self._find(connection, existing, lock=True)
        unchanged: list[int] = []
        changed: list[dict[str, Any]] = []
        replaced: list[int] = []  # rows whose content_hash changes: their current version becomes a revision
        for url in existing:
            id_, stored_hash = locked[url]
            incoming = rows[url].values["content_hash"]
            if incoming is not None and incoming == stored_hash:
                unchanged.append(id_)
                result.record(url, "unchanged")
            else:  # no hash means we cannot tell: store what we have
                ids[url] = id_
                changed.append({**rows[url].values, "_id": id_, "last_seen_at": now, "updated_at": now})
                result.record(url, "updated")
                if incoming != stored_hash:
                    replaced.append(id_)
        for part in _chunks(unchanged):
            connection.execute(update(_articles).where(_articles.c.id.in_(part)).values(last_seen_at=now))
        for part in _chunks(replaced):
            result.revisions += self._keep_revisions(connection, part, now)
        if changed:
            connection.execute(update(_articles).where(_articles.c.id == bindparam("_id")), changed)
            for part in _chunks([row["_id"] for row in changed]):
                connection.execute(delete(_links).where(_links.c.article_id.in_(part)))

        self._link_entities(connection, [(ids[url], rows[url].mentions) for url in urls if url in ids])

    @staticmethod
    def _keep_revisions(connection: Connection, article_ids: Sequence[int], now: datetime) -> int:
        """Copy these articles' current content into article_revisions (before it is overwritten)."""
        columns = ["article_id", *_REVISION_FIELDS, "stored_at", "replaced_at"]
        source = select(
            _articles.c.id,
            *(_articles.c[name] for name in _REVISION_FIELDS),
            _articles.c.updated_at,
            literal(now, AwareDateTime()),
        ).where(_articles.c.id.in_(article_ids))
        connection.execute(insert(_revisions).from_select(columns, source))
        return len(article_ids)  # the rows are locked: every one of them is there

    def _find(self, connection: Connection, urls: Sequence[str], *, lock: bool) -> dict[str, tuple[int, str | None]]:
        found: dict[str, tuple[int, str | None]] = {}
        for part in _chunks(urls):
            query = (
                select(_articles.c.url, _articles.c.id, _articles.c.content_hash)
                .where(_articles.c.url.in_(part))
                .order_by(_articles.c.url)
            )
            if lock:
                query = query.with_for_update()  # no-op on SQLite, which has locked the whole file
            found.update({url: (id_, hash_) for url, id_, hash_ in connection.execute(query)})
        return found

    def _link_entities(self, connection: Connection, articles: list[tuple[int, list[_Mention]]]) -> None:
        # The batch's entities, first form seen as the display name, every form as an alias.
        wanted: dict[tuple[str, str], _Mention] = {}
        for _, mentions in articles:
            for mention in mentions:
                seen = wanted.get((mention.type, mention.key))
                if seen is None:
                    wanted[mention.type, mention.key] = _Mention(**vars(mention))
                else:
                    seen.aliases = _unique([*seen.aliases, *mention.aliases])
        if not wanted:
            return
        keys = sorted(wanted)
        insert = self._insert(_entities).on_conflict_do_nothing(index_elements=["type", "key"])
        connection.execute(
            insert,
            [{"type": t, "key": k, "name": wanted[t, k].name, "aliases": wanted[t, k].aliases} for t, k in keys],
        )

        # Lock and merge aliases; FOR NO KEY UPDATE still lets other writers link to these rows.
        entity_ids: dict[tuple[str, str], int] = {}
        grown: list[dict[str, Any]] = []
        for part in _chunks(keys):
            query = (
                select(_entities.c.id, _entities.c.type, _entities.c.key, _entities.c.aliases)
                .where(tuple_(_entities.c.type, _entities.c.key).in_(part))
                .order_by(_entities.c.type, _entities.c.key)
                .with_for_update(key_share=True)
            )
            for id_, kind, key, aliases in connection.execute(query):
                entity_ids[kind, key] = id_
                merged = _unique([*(aliases or []), *wanted[kind, key].aliases])
                if merged != aliases:
                    grown.append({"_id": id_, "aliases": merged})
        if grown:
            connection.execute(update(_entities).where(_entities.c.id == bindparam("_id")), grown)

        links = [
            {
                "article_id": article_id,
                "entity_id": entity_ids[m.type, m.key],
                "mention_count": m.count,
                "role": m.role,
            }
            for article_id, mentions in articles
            for m in mentions
        ]
        if links:
            connection.execute(self._insert(_links), links)
