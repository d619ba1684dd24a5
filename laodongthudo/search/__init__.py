"""Accent-insensitive full-text search of the stored articles (SQLite FTS5, PostgreSQL tsvector + unaccent).

    from laodongthudo.search import Searcher, SearchQuery
    hits = Searcher(engine).search(SearchQuery("cong doan hoang mai", section="hoat-dong", limit=10))

The indexes are built and kept in step by the database itself (revisions 0009_search, 0011_search_pairs).
The command line:
`python -m laodongthudo.search "QUERY" [--section S] [--since D] [--until D] [--entity NAME] [--limit N] [--json]`.
"""

from .query import QuerySyntaxError, fts5_expression, parse_query
from .searcher import Searcher, SearchHit, SearchQuery

__all__ = ["QuerySyntaxError", "SearchHit", "SearchQuery", "Searcher", "fts5_expression", "parse_query"]
