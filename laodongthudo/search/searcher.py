"""Ranked, accent-insensitive search of the stored articles, on the index of revision 0009_search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, Select, and_, bindparam, exists, func, literal_column, select, text
from sqlalchemy.sql.elements import ColumnElement

from laodongthudo import settings as defaults
from laodongthudo.db.models import ArticleEntityRow, ArticleRow, EntityRow
from laodongthudo.db.searchindex import PG_CONFIG, PG_DOCUMENT_COLUMN, SQLITE_FTS_TABLE
from laodongthudo.db.types import HANOI, AwareDateTime
from laodongthudo.textnorm import match_key, title_key

from .query import fts5_expression, normalize_query, parse_query

_articles = ArticleRow.__table__
_links = ArticleEntityRow.__table__
_entities = EntityRow.__table__
# Title matches count most, then the sapo, then the body (SQLite: the index's rank, bm25(10.0, 4.0, 1.0), set
# by revision 0009_search; PostgreSQL: ts_rank's weights of D, C, B, A).
PG_WEIGHTS = "{0.1, 0.4, 0.6, 1.0}"


@dataclass(frozen=True)
class SearchQuery:
    text: str
    section: str | None = None  # subsection slug, e.g. "hoat-dong"
    since: date | None = None  # inclusive, Hanoi calendar day
    until: date | None = None  # inclusive
    entity: str | None = None  # a person, organisation or place the article names
    limit: int = defaults.SEARCH_LIMIT


@dataclass(frozen=True)
class SearchHit:
    id: int  # articles.id
    url: str
    section: str | None
    title: str | None
    published_at: datetime | None
    snippet: str
    rank: float  # higher is better, comparable within one result list only

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "section": self.section,
            "title": self.title,
            "url": self.url,
            "snippet": self.snippet,
            "rank": self.rank,
        }


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), HANOI)


class Searcher:
    """Runs `SearchQuery`s on one engine (SQLite or PostgreSQL), newest schema required."""

    def __init__(
        self,
        engine: Engine,
        *,
        snippet_words: int = defaults.SEARCH_SNIPPET_WORDS,
        highlight: tuple[str, str] = defaults.SEARCH_HIGHLIGHT,
    ) -> None:
        if engine.dialect.name not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported database {engine.dialect.name!r}")
        self.engine = engine
        self.snippet_words = snippet_words
        self.highlight = highlight

    def search(self, query: SearchQuery) -> list[SearchHit]:
        parse_query(query.text)  # QuerySyntaxError before touching the database
        parameters = {"q": self._query_parameter(query.text)}
        with self.engine.connect() as connection:
            entity_ids = self._entity_ids(connection, query.entity) if query.entity else None
            if entity_ids == []:
                return []
            filters = self._filters(query, entity_ids)
            if self.engine.dialect.name == "postgresql":
                rows = connection.execute(self._postgresql(filters, query.limit), parameters)
                return [self._hit(row, row.rank) for row in rows]
            # Two steps: the best ids and their ranks from the index alone, then snippets for those only.
            ranks = {id_: rank for id_, rank in connection.execute(self._sqlite_best(filters, query.limit), parameters)}
            if not ranks:
                return []
            rows = connection.execute(self._sqlite_hits(), {**parameters, "ids": list(ranks)})
            found = {row.id: self._hit(row, -ranks[row.id]) for row in rows}  # bm25: lower is better
            return [found[id_] for id_ in ranks if id_ in found]

    @staticmethod
    def _hit(row: Any, rank: float) -> SearchHit:
        return SearchHit(row.id, row.url, row.section, row.title, row.published_at, row.snippet or "", rank)

    def _query_parameter(self, text: str) -> str:
        if self.engine.dialect.name == "postgresql":
            return normalize_query(text)
        return fts5_expression(text)

    @staticmethod
    def _columns() -> list[ColumnElement[Any]]:
        a = _articles.c
        return [a.id, a.url, a.section, a.title, a.published_at]

    @staticmethod
    def _sqlite_best(filters: list[ColumnElement[bool]], limit: int) -> Select[Any]:
        """The ids of the best `limit` matches, from the index alone: reading `articles` rows (long bodies,
        overflow pages) for every match would cost more than the search. Filters become id sets that the
        indexes of `articles` answer."""
        fts = literal_column(SQLITE_FTS_TABLE)
        rowid = literal_column(f"{SQLITE_FTS_TABLE}.rowid")
        rank = literal_column(f"{SQLITE_FTS_TABLE}.rank")  # bm25 with the weights 0009_search configured
        best = select(rowid, rank).select_from(text(SQLITE_FTS_TABLE)).where(fts.op("MATCH")(bindparam("q")))
        if filters:
            best = best.where(rowid.in_(select(_articles.c.id).where(*filters)))
        return best.order_by(rank).limit(limit)

    def _sqlite_hits(self) -> Select[Any]:
        """Those articles with their snippets (snippet() needs the MATCH in its own query). Not their rank:
        selecting it here makes FTS5 rank every match again."""
        fts = literal_column(SQLITE_FTS_TABLE)
        rowid = literal_column(f"{SQLITE_FTS_TABLE}.rowid")
        start, stop = self.highlight
        snippet = func.snippet(fts, -1, start, stop, "…", min(max(self.snippet_words, 1), 64))  # FTS5: 1 to 64
        return (
            select(*self._columns(), snippet.label("snippet"))
            .select_from(text(SQLITE_FTS_TABLE))
            .join(_articles, _articles.c.id == rowid)
            .where(fts.op("MATCH")(bindparam("q")), rowid.in_(bindparam("ids", expanding=True)))
        )

    def _postgresql(self, filters: list[ColumnElement[bool]], limit: int) -> Select[Any]:
        config = literal_column(f"'{PG_CONFIG}'::regconfig")
        tsquery = func.websearch_to_tsquery(config, bindparam("q"))
        document = literal_column(f"articles.{PG_DOCUMENT_COLUMN}")
        rank = func.ts_rank(literal_column(f"'{PG_WEIGHTS}'::float4[]"), document, tsquery)
        best = (
            select(*self._columns(), rank.label("rank"))
            .where(document.op("@@")(tsquery), *filters)
            .order_by(rank.desc(), _articles.c.published_at.desc())
            .limit(limit)
            .subquery("best")
        )
        # ts_headline re-parses the whole text: only for the returned rows.
        start, stop = self.highlight
        words = max(self.snippet_words, 2)
        options = (
            f"StartSel={start}, StopSel={stop}, MaxWords={words}, MinWords={max(words // 2, 1)},"
            ' MaxFragments=2, FragmentDelimiter=" … "'
        )
        whole = func.laodongthudo_search_text(
            func.concat_ws(" ", _articles.c.title, _articles.c.sapo, _articles.c.body)
        )
        snippet = func.ts_headline(config, whole, tsquery, options)
        return (
            select(best, snippet.label("snippet"))
            .join(_articles, _articles.c.id == best.c.id)
            .order_by(best.c.rank.desc(), best.c.published_at.desc())
        )

    def _filters(self, query: SearchQuery, entity_ids: list[int] | None) -> list[ColumnElement[bool]]:
        a = _articles.c
        filters: list[ColumnElement[bool]] = []
        if query.section:
            filters.append(a.section == query.section)
        if query.since:
            filters.append(a.published_at >= bindparam("since", day_start(query.since), type_=AwareDateTime()))
        if query.until:
            end = day_start(query.until + timedelta(days=1))
            filters.append(a.published_at < bindparam("until", end, type_=AwareDateTime()))
        if entity_ids is not None:
            filters.append(exists().where(and_(_links.c.article_id == a.id, _links.c.entity_id.in_(entity_ids))))
        return filters

    @staticmethod
    def _entity_ids(connection: Any, name: str) -> list[int]:
        """Entities of that name: the same key (case, Unicode form, tone placement folded), else the same
        name without diacritics, else every entity whose name contains it as whole words."""
        exact = connection.execute(select(_entities.c.id).where(_entities.c.key == match_key(name))).scalars().all()
        if exact:
            return list(exact)
        wanted = title_key(name)
        if not wanted:
            return []
        rows = connection.execute(select(_entities.c.id, _entities.c.name)).all()
        same = [id_ for id_, entity in rows if title_key(entity) == wanted]
        if same:
            return same
        return [id_ for id_, entity in rows if f" {wanted} " in f" {title_key(entity)} "]
