"""What the database already knows, read once at the start of a crawl (the spider's only database access)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url

from .engine import make_engine, mask_url
from .models import ArticleRow

logger = logging.getLogger(__name__)


@dataclass
class CrawlState:
    known_articles: dict[str, datetime | None] = field(default_factory=dict)  # url -> published_at
    skipped_urls: set[str] = field(default_factory=set)


def read_crawl_state(url: str) -> CrawlState:
    """Stored article URLs with their publication times, and URLs earlier runs skipped for good.

    A database that does not exist yet knows nothing; it is not created here (storage does that)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        from pathlib import Path

        if not parsed.database or parsed.database == ":memory:" or not Path(parsed.database).exists():
            return CrawlState()
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        state = CrawlState()
        with engine.connect() as conn:
            if "articles" in tables:
                rows = conn.execute(select(ArticleRow.url, ArticleRow.published_at))
                state.known_articles = {row.url: row.published_at for row in rows}
            if "skipped_urls" in tables:
                from .models import SkippedUrlRow

                state.skipped_urls = set(conn.scalars(select(SkippedUrlRow.url)))
        logger.info(
            "%s knows %d articles and %d skipped pages",
            mask_url(url),
            len(state.known_articles),
            len(state.skipped_urls),
        )
        return state
    finally:
        engine.dispose()
