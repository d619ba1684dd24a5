"""Ranked, accent-insensitive search of the stored articles, on the indexes of revisions 0009_search and
0011_search_pairs.

A query is answered in two steps. First the words typed together, as phrases, in the index of word pairs:
its tokens are rare, so few articles match and ranking them is cheap. Then, only if that gave fewer results
than asked for, the query's words anywhere in the article, in the syllable index, ranked after the first
step's results. A query whose words are all single (or joined by OR) has only the second step.
Snippets are made from the rows shown (snippet.py), not by the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, Select, and_, bindparam, exists, func, literal, literal_column, select, text
from sqlalchemy.sql.elements import ColumnElement

from laodongthudo import settings as defaults
from laodongthudo.db.models import ArticleEntityRow, ArticleRow, EntityRow
from laodongthudo.db.searchindex import (
    PG_CONFIG,
    PG_DOCUMENT_COLUMN,
    PG_PAIRS_COLUMN,
    SQLITE_FTS_TABLE,
    SQLITE_PAIRS_TABLE,
)
from laodongthudo.db.types import HANOI, AwareDateTime
from laodongthudo.textnorm import match_key, title_key

from .query import (
    Group,
    Term,
    fts5_expression,
    fts5_pairs_expression,
    fts5_words_expression,
    normalize_query,
    pair_string,
    parse_query,
)
from .snippet import Snippets

_articles = ArticleRow.__table__
_links = ArticleEntityRow.__table__
_entities = EntityRow.__table__
# Title matches count most, then the sapo, then the body (SQLite: the index's rank, bm25(10.0, 4.0, 1.0), set
# by revisions 0009_search and 0011_search_pairs; PostgreSQL: ts_rank's weights of D, C, B, A).
PG_WEIGHTS = "{0.1, 0.4, 0.6, 1.0}"
_PG_CONFIG = literal_column(f"'{PG_CONFIG}'::regconfig")
# Newest first on SQLite: below this many matches, sorting them costs less than walking the date index
# (20,000 articles: 30 matches sort in 0.5 ms, the walk takes 3.5 ms; 2,000 matches: 6.8 ms against 0.8 ms).
_WALK_FROM_MATCHES = 200


@dataclass(frozen=True)
class SearchQuery:
    text: str
    section: str | None = None  # subsection slug, e.g. "hoat-dong"
    since: date | None = None  # inclusive, Hanoi calendar day
    until: date | None = None  # inclusive
    entity: str | None = None  # a person, organisation or place the article names
    limit: int = defaults.SEARCH_LIMIT
    newest: bool = False  # newest first within each step instead of best first (nothing to rank: cheap)


@dataclass(frozen=True)
class SearchHit:
    id: int  # articles.id
    url: str
    section: str | None
    title: str | None
    published_at: datetime | None
    snippet: str
    rank: float  # higher is better, comparable among hits of the same `exact`, within one list; 0 if `newest`
    # Holds the words as typed, those typed together side by side; such hits come first.
    exact: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "section": self.section,
            "title": self.title,
            "url": self.url,
            "snippet": self.snippet,
            "rank": self.rank,
            "exact": self.exact,
        }


@dataclass(frozen=True)
class PhraseStep:
    """The first step of a one-group query: its phrases of several words from the pairs index, its single
    words and the words left out from the syllable index."""

    phrases: list[Term]
    words: list[Term]
    excluded: list[Term]

    @classmethod
    def of(cls, groups: list[Group]) -> PhraseStep | None:
        if len(groups) != 1 or not groups[0].typed_phrases:
            return None
        group = groups[0]
        words = [term for term in group.phrases if len(term.words) == 1]
        return cls(group.typed_phrases, words, group.excluded)


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
        groups = parse_query(query.text)  # QuerySyntaxError before touching the database
        step = PhraseStep.of(groups)
        # Without a first step, a hit holds the words as typed unless words typed together were split by OR.
        exact_anyway = step is None and not any(g.typed_phrases for g in groups)
        with self.engine.connect() as connection:
            entity_ids = self._entity_ids(connection, query.entity) if query.entity else None
            if entity_ids == []:
                return []
            filters = self._filters(query, entity_ids)
            ranked: list[tuple[int, float, bool]] = []  # id, rank, exact
            if step is not None:
                typed = self._phrase_step(connection, step, filters, query.limit, query.newest)
                ranked = [(id_, rank, True) for id_, rank in typed]
            if len(ranked) < query.limit:
                found = [id_ for id_, _, _ in ranked]
                more = self._words_step(connection, query, filters, query.limit - len(ranked), found)
                ranked += [(id_, rank, exact_anyway) for id_, rank in more]
            if not ranked:
                return []
            rows = {row.id: row for row in connection.execute(self._shown(), {"ids": [id_ for id_, _, _ in ranked]})}
        snippets = self._snippets(groups)
        return [
            SearchHit(
                row.id,
                row.url,
                row.section,
                row.title,
                row.published_at,
                snippets.make((row.sapo, row.body, row.title)),
                rank,
                exact,
            )
            for id_, rank, exact in ranked
            if (row := rows.get(id_)) is not None
        ]

    def _snippets(self, groups: list[Group]) -> Snippets:
        phrase = next((term.words for group in groups for term in group.phrases if len(term.words) > 1), [])
        words = [word for group in groups for term in group.required for word in term.words]
        return Snippets(phrase, words, self.snippet_words, self.highlight)

    def _phrase_step(
        self, connection: Any, step: PhraseStep, filters: list[ColumnElement[bool]], limit: int, newest: bool
    ) -> list[tuple[int, float]]:
        if self.engine.dialect.name == "postgresql":
            statement, parameters = self._postgresql_phrases(step, filters, limit, newest)
            return [tuple(row) for row in connection.execute(statement, parameters)]
        parameters: dict[str, Any] = {"q": fts5_pairs_expression(step.phrases)}
        statement, ident = self._sqlite_select(connection, SQLITE_PAIRS_TABLE, parameters, filters, limit, newest)
        syllables = literal_column(SQLITE_FTS_TABLE)
        if step.words:
            parameters["words"] = fts5_words_expression(step.words)
            within = select(literal_column("rowid")).select_from(text(SQLITE_FTS_TABLE))
            statement = statement.where(ident.in_(within.where(syllables.op("MATCH")(bindparam("words")))))
        if step.excluded:
            parameters["excluded"] = " OR ".join(fts5_words_expression([term]) for term in step.excluded)
            left_out = select(literal_column("rowid")).select_from(text(SQLITE_FTS_TABLE))
            statement = statement.where(ident.not_in(left_out.where(syllables.op("MATCH")(bindparam("excluded")))))
        return [(id_, -rank) for id_, rank in connection.execute(statement, parameters)]  # bm25: lower is better

    def _words_step(
        self, connection: Any, query: SearchQuery, filters: list[ColumnElement[bool]], limit: int, found: list[int]
    ) -> list[tuple[int, float]]:
        if self.engine.dialect.name == "postgresql":
            statement = self._postgresql_words(filters, limit, found, query.newest)
            return [tuple(row) for row in connection.execute(statement, {"q": normalize_query(query.text)})]
        parameters = {"q": fts5_expression(query.text)}
        statement, ident = self._sqlite_select(connection, SQLITE_FTS_TABLE, parameters, filters, limit, query.newest)
        if found:
            statement = statement.where(ident.not_in(found))
        return [(id_, -rank) for id_, rank in connection.execute(statement, parameters)]

    @staticmethod
    def _shown() -> Select[Any]:
        a = _articles.c
        return select(a.id, a.url, a.section, a.title, a.published_at, a.sapo, a.body).where(
            a.id.in_(bindparam("ids", expanding=True))
        )

    @staticmethod
    def _sqlite_select(
        connection: Any, table: str, parameters: dict[str, Any], filters: list[ColumnElement[bool]], limit: int,
        newest: bool,
    ) -> tuple[Select[Any], ColumnElement[Any]]:  # fmt: skip
        """The first `limit` (id, rank) matches of `:q` in that index, and the id column to add conditions on.

        Best first: from the index alone, `ORDER BY rank` (bm25 with the weights the migrations set); reading
        `articles` rows (long bodies, overflow pages) for every match would cost more than the search, so
        filters become id sets that the indexes of `articles` answer.
        Newest first: a few matches are looked up and sorted; many, and SQLite walks the `published_at` index
        from its end, looking each entry up in the set of matches, until `limit` are found (`+id` keeps it
        from looking the matches up by id instead)."""
        if newest:
            a = _articles.c
            fts = literal_column(table)
            matches = select(literal_column("rowid")).select_from(text(table)).where(fts.op("MATCH")(bindparam("q")))
            count = connection.execute(select(func.count()).select_from(matches.subquery()), parameters).scalar_one()
            ident = literal_column("+articles.id") if count > _WALK_FROM_MATCHES else a.id
            statement = (
                select(a.id, literal(0.0).label("rank"))
                .where(ident.in_(matches), *filters)
                .order_by(a.published_at.desc(), a.id.desc())
            )
            return statement.limit(limit), ident
        fts = literal_column(table)
        rowid = literal_column(f"{table}.rowid")
        rank = literal_column(f"{table}.rank")
        statement = select(rowid, rank).select_from(text(table)).where(fts.op("MATCH")(bindparam("q")))
        if filters:
            statement = statement.where(rowid.in_(select(_articles.c.id).where(*filters)))
        return statement.order_by(rank).limit(limit), rowid

    @staticmethod
    def _pg_select(
        document: str, tsquery: ColumnElement[Any], filters: list[ColumnElement[bool]], limit: int, newest: bool
    ) -> Select[Any]:
        column = literal_column(f"articles.{document}")
        a = _articles.c
        if newest:
            return (
                select(a.id, literal(0.0).label("rank"))
                .where(column.op("@@")(tsquery), *filters)
                .order_by(a.published_at.desc().nulls_last(), a.id.desc())
                .limit(limit)
            )
        rank = func.ts_rank(literal_column(f"'{PG_WEIGHTS}'::float4[]"), column, tsquery)
        return (
            select(a.id, rank.label("rank"))
            .where(column.op("@@")(tsquery), *filters)
            .order_by(rank.desc(), a.published_at.desc())
            .limit(limit)
        )

    def _postgresql_phrases(
        self, step: PhraseStep, filters: list[ColumnElement[bool]], limit: int, newest: bool
    ) -> tuple[Select[Any], dict[str, Any]]:
        parameters: dict[str, Any] = {}
        tsquery: ColumnElement[Any] | None = None
        for number, term in enumerate(step.phrases):
            parameters[f"p{number}"] = pair_string(term)
            phrase = func.phraseto_tsquery(_PG_CONFIG, func.laodongthudo_search_text(bindparam(f"p{number}")))
            tsquery = phrase if tsquery is None else tsquery.op("&&")(phrase)
        assert tsquery is not None
        statement = self._pg_select(PG_PAIRS_COLUMN, tsquery, filters, limit, newest)
        if step.words or step.excluded:
            rest = [term.text for term in step.words] + [f'-"{term.text}"' for term in step.excluded]
            parameters["rest"] = " ".join(rest)
            words = func.websearch_to_tsquery(_PG_CONFIG, bindparam("rest"))
            statement = statement.where(literal_column(f"articles.{PG_DOCUMENT_COLUMN}").op("@@")(words))
        return statement, parameters

    def _postgresql_words(
        self, filters: list[ColumnElement[bool]], limit: int, found: list[int], newest: bool
    ) -> Select[Any]:
        tsquery = func.websearch_to_tsquery(_PG_CONFIG, bindparam("q"))
        statement = self._pg_select(PG_DOCUMENT_COLUMN, tsquery, filters, limit, newest)
        if found:
            statement = statement.where(_articles.c.id.not_in(found))
        return statement

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
