"""The `crawl_runs` row of a run: what it was asked (its RunContext) and what its final stats say.

The row is written by laodongthudo.db.runs (inserted at the start, completed at the end); the stats stored in
it have the database password scrubbed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote, quote_plus

from sqlalchemy import make_url

from laodongthudo.db.models import CrawlRunRow
from laodongthudo.db.runs import this_host
from laodongthudo.runcontext import RunContext
from laodongthudo.timezone import HANOI

from . import summary
from .counts import by_reason, count
from .verdict import CAUGHT_UP_STAT, exit_status, run_alert


def aware(value: Any, default: datetime) -> datetime:
    """A stats time (a datetime, or ISO text once through JSON) as an aware datetime; naive ones are UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return default
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _day(value: date) -> date:
    """A day as the summary shows it: datetimes (aware or Hanoi-naive) become their Hanoi calendar day."""
    if isinstance(value, datetime):
        return value.astimezone(HANOI).date() if value.tzinfo else value.date()
    return value


def secret_words(database_url: str | None) -> list[str]:
    """The database password, as written and as it appears URL-encoded."""
    if not database_url:
        return []
    try:
        password = make_url(database_url).password
    except Exception:
        return []
    if not password:
        return []
    return sorted({str(password), quote(str(password), safe=""), quote_plus(str(password))}, key=len, reverse=True)


def scrub(value: Any, secrets: list[str]) -> Any:
    """A JSON-able copy of `value` (datetimes as ISO text) with every secret replaced by ***."""
    text = json.dumps(value, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v))
    for secret in secrets:
        if secret:
            text = text.replace(json.dumps(secret)[1:-1], "***")
    return json.loads(text)


def _asked(context: RunContext | None) -> dict[str, Any]:
    """The columns that say what the run was asked: its mode, sections and days."""
    plan = context.plan if context is not None else None
    return {
        "mode": str(plan.mode) if plan is not None else None,
        "sections": [str(s) for s in context.sections] if context is not None else [],
        "since": plan.since if plan is not None else None,
        "until": plan.until if plan is not None else None,
    }


@dataclass
class RunRecord:
    """The `crawl_runs` row of a run, built from its final stats (see CrawlRunRow for the columns)."""

    started_at: datetime
    finished_at: datetime
    mode: str | None
    sections: list[str]
    since: date | None
    until: date | None
    pages_fetched: int
    listing_pages: int
    articles_new: int
    articles_updated: int
    articles_unchanged: int
    dropped: dict[str, int]
    skipped: dict[str, int]
    errors: int
    finish_reason: str | None
    alert: str | None
    stats: dict[str, Any]
    items_lost: int = 0
    caught_up: str | None = None
    host: str | None = None
    pid: int | None = None
    reached_back: dict[str, date] = field(default_factory=dict)  # not stored: in `stats` as progress/*
    exit_status: int | None = None  # verdict.exit_status(stats); empty on the row while the run goes on
    base_url: str | None = None  # LDTD_BASE_URL: the live site or a replica
    id: int | None = None

    @property
    def heartbeat_at(self) -> datetime:
        return self.finished_at

    @staticmethod
    def starting(context: RunContext | None, started_at: datetime, base_url: str | None = None) -> dict[str, Any]:
        """The row inserted when a run starts: what it was asked, where it runs, nothing done yet."""
        row = {name: 0 for name in ("pages_fetched", "listing_pages", "errors", "items_lost")}
        row |= {f"articles_{name}": 0 for name in ("new", "updated", "unchanged")}
        return (
            row
            | _asked(context)
            | {
                "started_at": started_at,
                "finished_at": None,
                "heartbeat_at": started_at,
                "host": this_host(),
                "pid": os.getpid(),
                "base_url": base_url,
                "dropped": {},
                "skipped": {},
                "stats": {},
            }
        )

    @classmethod
    def from_stats(
        cls,
        stats: Mapping[str, Any],
        context: RunContext | None,
        *,
        secrets: Sequence[str] = (),
        now: datetime | None = None,
        base_url: str | None = None,
    ) -> RunRecord:
        now = now or datetime.now(UTC)
        reached = context.reached_back if context is not None else {}
        return cls(
            started_at=aware(stats.get("start_time"), now),
            finished_at=aware(stats.get("finish_time"), now),
            **_asked(context),
            pages_fetched=count(stats, "downloader/response_count"),
            listing_pages=count(stats, "listing/pages"),
            articles_new=count(stats, "store/new"),
            articles_updated=count(stats, "store/updated"),
            articles_unchanged=count(stats, "store/unchanged"),
            dropped=by_reason(stats, "dropped/"),
            skipped=by_reason(stats, "skipped/"),
            errors=count(stats, "log_count/ERROR") + count(stats, "store/error"),
            finish_reason=stats.get("finish_reason"),
            alert=run_alert(stats),
            stats=scrub(dict(stats), list(secrets)),
            items_lost=count(stats, "store/lost"),
            caught_up=stats.get(CAUGHT_UP_STAT),
            host=this_host(),
            pid=os.getpid(),
            reached_back={str(k): _day(v) for k, v in reached.items() if isinstance(v, date)},
            exit_status=exit_status(stats),
            base_url=base_url,
        )

    def row(self) -> dict[str, Any]:
        columns = {c.name for c in CrawlRunRow.__table__.columns} - {"id"}
        return {name: getattr(self, name) for name in columns}

    @property
    def duration(self) -> timedelta:
        return max(self.finished_at - self.started_at, timedelta(0))

    def coverage(self) -> str:
        return summary.coverage(self.stats)

    def summary(self) -> str:
        return summary.summary(self)
