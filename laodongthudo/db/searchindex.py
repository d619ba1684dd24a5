"""Names of the full-text index objects (revisions 0009_search, 0011_search_pairs), which the models do not describe.

The index lives outside the models on purpose: on SQLite it is a virtual table with shadow tables, on
PostgreSQL a column and a GIN index filled by a trigger, and the store never writes either of them.
Alembic's comparison of the schema with the models (`migrations/env.py`, tests) skips them.
"""

from __future__ import annotations

from typing import Any

SQLITE_FTS_TABLE = "articles_fts"  # FTS5, external content = articles, rowid = articles.id
PG_DOCUMENT_COLUMN = "search_document"  # articles.search_document tsvector
PG_DOCUMENT_INDEX = "ix_articles_search_document"
PG_CONFIG = "laodongthudo_search"  # text search configuration: unaccent, then simple
# Adjacent word pairs as tokens (0011_search_pairs): words typed together are matched as one rare token each.
SQLITE_PAIRS_TABLE = "articles_fts_pairs"  # FTS5, contentless, rowid = articles.id
PG_PAIRS_COLUMN = "search_pairs"  # articles.search_pairs tsvector
PG_PAIRS_INDEX = "ix_articles_search_pairs"
PAIR_JOINER = "0"  # joins the two words of a pair: a digit, so that both tokenizers keep the pair one token


def is_search_object(name: str | None, type_: str, table_name: str | None = None) -> bool:
    if name is None:
        return False
    if type_ == "table":
        return name == SQLITE_FTS_TABLE or name.startswith(SQLITE_FTS_TABLE + "_")
    if type_ == "column":
        return name in (PG_DOCUMENT_COLUMN, PG_PAIRS_COLUMN) and table_name == "articles"
    if type_ == "index":
        return name in (PG_DOCUMENT_INDEX, PG_PAIRS_INDEX)
    return False


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic `include_object` hook: leave the search index out of model comparisons."""
    table_name = getattr(getattr(obj, "table", None), "name", None)
    return not (reflected and compare_to is None and is_search_object(name, type_, table_name))
