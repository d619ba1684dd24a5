"""Accent-insensitive full-text search of the stored articles (SQLite FTS5, PostgreSQL tsvector + unaccent).

    from laodongthudo.search import Searcher, SearchQuery
    hits = Searcher(engine).search(SearchQuery("cong doan hoang mai", section="hoat-dong", limit=10))

The index is built and kept in step by the database itself (revision 0009_search); the command line is
`python -m laodongthudo.search "QUERY" [--section S] [--since D] [--until D] [--entity NAME] [--limit N] [--json]`.
"""

from .query import QuerySyntaxError, fts5_expression, parse_query
from .searcher import Searcher, SearchHit, SearchQuery

__all__ = ["QuerySyntaxError", "SearchHit", "SearchQuery", "Searcher", "fts5_expression", "parse_query"]
