"""What the database already knows, read once at the start of a crawl (the spider's only database access)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url

from laodongthudo.reasons import MARKUP_REASONS, TRANSIENT_REASONS

from .engine import make_engine, mask_url
from .models import ArticleRow, CrawlRunRow, SkippedUrlRow

logger = logging.getLogger(__name__)

# A page that failed for a reason that may pass (connection lost, 5xx, 429 after Scrapy's retries) is
# fetched again by the next scheduled runs, until it has failed in this many of them.
TRANSIENT_GIVE_UP_AFTER = 3


# Transient and markup reasons (laodongthudo.reasons): later runs fetch such a page again, a bounded number
# of times; a markup failure is forgotten altogether after a run that raised the markup alert.


def is_transient_skip(reason: str, status: int | None = None) -> bool:
    """Could fetching the page again work? (A 404, an off-section or malformed page stays what it is.)"""
    if reason in TRANSIENT_REASONS:
        return True
    code = status
    if code is None and reason.startswith("http_") and reason[5:].isdigit():
        code = int(reason[5:])
    return code is not None and (code >= 500 or code in (408, 429))


def is_retryable_skip(reason: str, status: int | None = None) -> bool:
    """Should later runs fetch the page again (a bounded number of times)? Transient and markup reasons."""
    return reason in MARKUP_REASONS or is_transient_skip(reason, status)


@dataclass(frozen=True)
class LastRun:
    """How the previous crawl on this database ended (its crawl_runs row)."""

    started_at: datetime
    mode: str | None
    finish_reason: str | None
    alert: str | None
    lost: int  # items it could not store (store/lost)

    @property
    def complete(self) -> bool:
        """Did it store everything it found? If not, a scheduled run that stops at the first known listing
        page would leave its gap: the articles it fetched and could not store sit behind stored ones."""
        return self.finish_reason == "finished" and not self.alert and not self.lost


@dataclass
class CrawlState:
    known_articles: dict[str, datetime | None] = field(default_factory=dict)  # url -> published_at
    skipped_urls: set[str] = field(default_factory=set)
    retry_urls: set[str] = field(default_factory=set)  # skipped for a reason that may pass: fetch again
    last_run: LastRun | None = None  # None: no run recorded yet


def read_crawl_state(url: str) -> CrawlState:
    """Stored article URLs with their publication times, and URLs earlier runs skipped for good.

    Skipped for good: every skipped_urls row, except transient and markup failures (`is_retryable_skip`)
    seen fewer than TRANSIENT_GIVE_UP_AFTER times, which scheduled runs try again (`retry_urls`).

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
                for row in skips:
                    if row.times < TRANSIENT_GIVE_UP_AFTER and is_retryable_skip(row.reason, row.http_status):
                        state.retry_urls.add(row.url)
                    else:
                        state.skipped_urls.add(row.url)
            if "crawl_runs" in tables:
                columns = (CrawlRunRow.started_at, CrawlRunRow.mode, CrawlRunRow.finish_reason, CrawlRunRow.alert)
                last = conn.execute(
                    select(*columns, CrawlRunRow.stats).order_by(CrawlRunRow.id.desc()).limit(1)
                ).first()
                if last is not None:
                    lost = int((last.stats or {}).get("store/lost") or 0)
                    state.last_run = LastRun(last.started_at, last.mode, last.finish_reason, last.alert, lost)
        logger.info(
            "%s knows %d articles and %d skipped pages (%d to try again)",
            mask_url(url),
            len(state.known_articles),
            len(state.skipped_urls),
            len(state.retry_urls),
        )
        if state.last_run is not None and not state.last_run.complete:
            logger.warning(
                "The last run (%s, started %s) did not complete: %s",
                state.last_run.mode,
                state.last_run.started_at.isoformat(timespec="seconds"),
                "markup alert"
                if state.last_run.alert
                else f"finish reason {state.last_run.finish_reason}, {state.last_run.lost} items not stored",
            )
        return state
    finally:
        engine.dispose()
