"""The SQL storage of crawled articles, usable without Scrapy.

engine = make_engine("sqlite:///laodongthudo.db")   # or postgresql+psycopg://...
upgrade(engine)                                     # schema to head; a no-op when it is there
store = Store(engine)                               # or Store.open(url), which does both
result = store.write_batch(articles)                # Article items or dicts with the same keys
result.counts()                                     # {"new": .., "updated": .., "unchanged": .., ...}
store.write_batch(articles, skipped=[Skip(url, "http_404", 404)])   # pages the spider skipped, same transaction
store.write_batch(articles, pages=[Page(...)])   # fetched pages (laodongthudo.db.pages), same transaction

Tables: articles, entities, article_entities, article_revisions (previous versions), skipped_urls (pages
scheduled runs do not fetch again), crawl_runs (one row per crawl, see laodongthudo.extensions.run_record),
pages (every fetched page version, compressed; `reextract` derives rows from them).
"""

from .engine import make_engine, mask_url, normalize_url
from .migrate import current_revision, downgrade, head_revision, upgrade
from .models import (
    ENTITY_TYPES,
    ArticleEntityRow,
    ArticleRevisionRow,
    ArticleRow,
    Base,
    CrawlRunRow,
    EntityRow,
    SkippedUrlRow,
)
from .store import BatchResult, RowError, Skip, Store, StoreUnavailable, describe_error, is_transient
from .types import HANOI, AwareDateTime, JSONType

__all__ = [
    "ENTITY_TYPES",
    "HANOI",
    "ArticleEntityRow",
    "ArticleRevisionRow",
    "ArticleRow",
    "AwareDateTime",
    "Base",
    "BatchResult",
    "CrawlRunRow",
    "EntityRow",
    "JSONType",
    "RowError",
    "Skip",
    "SkippedUrlRow",
    "Store",
    "StoreUnavailable",
    "current_revision",
    "describe_error",
    "downgrade",
    "head_revision",
    "is_transient",
    "make_engine",
    "mask_url",
    "normalize_url",
    "upgrade",
]
