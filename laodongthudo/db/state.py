"""What the database already knows, read once at the start of a crawl (the spider's only database access)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url

from .engine import make_engine, mask_url
from .models import ArticleRow, SkippedUrlRow

logger = logging.getLogger(__name__)

# A page that failed for a reason that may pass (connection lost, 5xx, 429 after Scrapy's retries) is
# fetched again by the next scheduled runs, until it has failed in this many of them.
TRANSIENT_GIVE_UP_AFTER = 3


# Skip reasons of the spider that may pass: a download that failed, timed out or came back cut short.
TRANSIENT_REASONS = frozenset({"failed", "timeout", "truncated"})


def is_transient_skip(reason: str, status: int | None = None) -> bool:
    """Could fetching the page again work? (A 404, an off-section or malformed page stays what it is.)"""
    if reason in TRANSIENT_REASONS:
        return True
    code = status
    if code is None and reason.startswith("http_") and reason[5:].isdigit():
        code = int(reason[5:])
    return code is not None and (code >= 500 or code in (408, 429))


@dataclass
class CrawlState:
    known_articles: dict[str, datetime | None] = field(default_factory=dict)  # url -> published_at
    skipped_urls: set[str] = field(default_factory=set)


def read_crawl_state(url: str) -> CrawlState:
    """Stored article URLs with their publication times, and URLs earlier runs skipped for good.

    Skipped for good: every skipped_urls row, except transient failures (`is_transient_skip`) seen fewer
    than TRANSIENT_GIVE_UP_AFTER times, which scheduled runs try again.

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
                skips = conn.execute(
                    select(SkippedUrlRow.url, SkippedUrlRow.reason, SkippedUrlRow.http_status, SkippedUrlRow.times)
                )
                state.skipped_urls = {
                    row.url
                    for row in skips
                    if row.times >= TRANSIENT_GIVE_UP_AFTER or not is_transient_skip(row.reason, row.http_status)
                }
        logger.info(
            "%s knows %d articles and %d skipped pages",
            mask_url(url),
            len(state.known_articles),
            len(state.skipped_urls),
        )
        return state
    finally:
        engine.dispose()
