"""The SQL storage of crawled articles, usable without Scrapy.

engine = make_engine("sqlite:///laodongthudo.db")   # or postgresql+psycopg://...
upgrade(engine)                                     # schema to head; a no-op when it is there
store = Store(engine)                               # or Store.open(url), which does both
result = store.write_batch(articles)                # Article items or dicts with the same keys
result.counts()                                     # {"new": .., "updated": .., "unchanged": .., ...}
"""

from .engine import make_engine, mask_url, normalize_url
from .migrate import current_revision, downgrade, head_revision, upgrade
from .models import ENTITY_TYPES, ArticleEntityRow, ArticleRow, Base, EntityRow
from .store import BatchResult, RowError, Store, StoreUnavailable, describe_error, is_transient
from .types import HANOI, AwareDateTime, JSONType

__all__ = [
    "ENTITY_TYPES",
    "HANOI",
    "ArticleEntityRow",
    "ArticleRow",
    "AwareDateTime",
    "Base",
    "BatchResult",
    "EntityRow",
    "JSONType",
    "RowError",
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
