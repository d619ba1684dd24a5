"""What the database already knows, read once at the start of a crawl (the spider's only database access)."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Connection, inspect, select
from sqlalchemy.engine import make_url

from laodongthudo import settings as defaults
from laodongthudo.reasons import is_retryable_skip

from .engine import make_engine, mask_url
from .models import ArticleRow, CrawlRunRow, SkippedUrlRow

logger = logging.getLogger(__name__)

# A page that failed for a reason that may pass (laodongthudo.reasons: transient or markup) is fetched again
# by the next scheduled runs, until it has failed in this many of them.
TRANSIENT_GIVE_UP_AFTER = 3
WHOLE_SECTION = "cong-doan"  # the listing of every union article
MARKUP_ALERT_EXIT = 3  # a run's exit status for the markup alert (commands/crawl.py): its gap is caught up


@dataclass(frozen=True)
class LastRun:
    """How an earlier crawl on this database ended (its crawl_runs row)."""

    started_at: datetime
    mode: str | None
    finish_reason: str | None
    alert: str | None
    lost: int  # items it could not store (store/lost)
    id: int | None = None
    sections: tuple[str, ...] = ()
    finished: bool = True  # False: its row was never finished (the run died: kill -9, outage, full disk)
    ended_at: datetime | None = None  # finished_at, else its last sign of life

    @property
    def complete(self) -> bool:
        """Did it store everything it found? If not, a scheduled run that stops at the first known listing
        page would leave its gap: the articles it fetched and could not store sit behind stored ones."""
        return self.finished and self.finish_reason == "finished" and not self.alert and not self.lost

    def describe(self) -> str:
        """Why it is not complete, in a few words, for logs and the run summary."""
        what = f"run #{self.id} ({self.mode}, started {self.started_at.isoformat(timespec='seconds')})"
        if not self.finished:
            return f"{what} never finished (killed, or its database or disk failed)"
        if self.alert:
            return f"{what} ended with the markup alert"
        return f"{what} ended with finish reason {self.finish_reason}, {self.lost} items not stored"


@dataclass
class CrawlState:
    known_articles: dict[str, datetime | None] = field(default_factory=dict)  # url -> published_at
    skipped_urls: set[str] = field(default_factory=set)
    retry_urls: set[str] = field(default_factory=set)  # skipped for a reason that may pass: fetch again
    # The run whose gap is still open in one of this run's sections, else the run that ended last (None: no
    # run recorded yet). A scheduled run catches up when it is not complete.
    last_run: LastRun | None = None


def process_alive(pid: int) -> bool:
    """Is there a running (not zombie) process with this id on this machine?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child its parent has not reaped yet is a zombie: dead all the same
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _overlap(mine: Sequence[str], theirs: Sequence[str]) -> bool:
    """Do two runs share a listing? `cong-doan` (the whole-section listing) shares every subsection's articles."""
    if not mine or not theirs:
        return True
    return bool(set(mine) & set(theirs)) or WHOLE_SECTION in mine or WHOLE_SECTION in theirs


@dataclass(frozen=True)
class _Run:
    """A crawl_runs row as the gap search reads it."""

    record: LastRun
    caught_up: bool
    since: date | None
    until: date | None
    host: str | None
    pid: int | None
    heartbeat_at: datetime | None

    def alive(self, now: datetime, dead_after: float, host: str) -> bool:
        """Still running? A row nobody finished belongs to a live run unless its process is gone (same host) or
        it has given no sign of life for `dead_after` seconds (a run on another machine)."""
        if self.record.finished:
            return False
        if self.host == host and self.pid is not None and self.pid != os.getpid() and not process_alive(self.pid):
            return False
        last_sign = self.heartbeat_at or self.record.started_at
        return (now - last_sign).total_seconds() < dead_after

    def covers(self, gap: _Run, section: str) -> bool:
        """Did this run, complete, read everything the incomplete `gap` may have left unstored in `section`?"""
        if not self.record.complete or gap.record.ended_at is None or self.record.started_at < gap.record.ended_at:
            return False
        if not _overlap([section], self.record.sections):
            return False
        if self.caught_up:
            return True
        # A backfill completed over the range of an interrupted one (a resumed backfill) fills its gap.
        return (
            self.record.mode == gap.record.mode == "backfill"
            and (self.since is None or (gap.since is not None and self.since <= gap.since))
            and (self.until is None or (gap.until is not None and self.until >= gap.until))
        )


def open_gap(runs: Sequence[_Run], sections: Sequence[str]) -> LastRun | None:
    """The earliest incomplete run that left a gap in one of `sections` no later complete run has filled."""
    for gap in sorted((r for r in runs if not r.record.complete), key=lambda r: r.record.started_at):
        for section in sections or gap.record.sections or (WHOLE_SECTION,):
            if _overlap([section], gap.record.sections) and not any(run.covers(gap, section) for run in runs):
                return gap.record
    return None


def _read_runs(conn: Connection) -> list[_Run]:
    table = CrawlRunRow.__table__
    columns = set(table.columns.keys()) & {c["name"] for c in inspect(conn).get_columns("crawl_runs")}
    liveness = "heartbeat_at" in columns  # before migration 0007 every row was written at the end of its run
    wanted = ["id", "started_at", "finished_at", "mode", "sections", "since", "until", "finish_reason", "alert"]
    wanted += ["stats"] if not liveness else ["heartbeat_at", "host", "pid", "items_lost", "caught_up"]
    wanted += ["exit_status"] if "exit_status" in columns else []  # since 0010, `alert` holds every alert
    runs = []
    for row in conn.execute(select(*(table.c[name] for name in wanted)).order_by(table.c.id)):
        values = row._mapping
        lost = int(values["items_lost"] if liveness else (values["stats"] or {}).get("store/lost") or 0)
        heartbeat = values.get("heartbeat_at")
        record = LastRun(
            started_at=values["started_at"],
            mode=values["mode"],
            finish_reason=values["finish_reason"],
            alert=values["alert"] if values.get("exit_status") in (None, MARKUP_ALERT_EXIT) else None,
            lost=lost,
            id=values["id"],
            sections=tuple(values["sections"] or ()),
            finished=values["finished_at"] is not None,
            ended_at=values["finished_at"] or heartbeat or values["started_at"],
        )
        caught_up = bool(values.get("caught_up"))
        runs.append(
            _Run(record, caught_up, values["since"], values["until"], values.get("host"), values.get("pid"), heartbeat)
        )
    return runs


def read_crawl_state(
    url: str, sections: Sequence[str] = (), dead_after: float = defaults.RUN_RECORD_DEAD_AFTER
) -> CrawlState:
    """Stored article URLs with their publication times, URLs earlier runs skipped for good, and the earlier
    run that matters to a run of `sections` (empty: any section).

    That run is the first incomplete run (it died, stopped early, lost items, or raised the markup alert) whose
    gap in one of `sections` no complete later run has filled: a scheduled run that caught up (read every
    listing page), or a backfill over its range. Runs still going are left out: an unfinished row is a dead
    run when its process is gone (same host) or it gave no sign of life for `dead_after` seconds.
    Without such a gap it is the run that ended last.

    Skipped for good: every skipped_urls row, except transient and markup failures (`is_retryable_skip`)
    seen fewer than TRANSIENT_GIVE_UP_AFTER times, which scheduled runs try again (`retry_urls`).

    A database that does not exist yet knows nothing; it is not created here (storage does that)."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and (database in ("", ":memory:") or not Path(database).exists()):
        return CrawlState()
    engine = make_engine(url, read_only=True)
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
                now, host = datetime.now(UTC), socket.gethostname()
                runs = [run for run in _read_runs(conn) if not run.alive(now, dead_after, host)]
                state.last_run = open_gap(runs, sections) or max(
                    (run.record for run in runs), key=lambda r: r.ended_at or r.started_at, default=None
                )
        logger.info(
            "%s knows %d articles and %d skipped pages (%d to try again)",
            mask_url(url),
            len(state.known_articles),
            len(state.skipped_urls),
            len(state.retry_urls),
        )
        if state.last_run is not None and not state.last_run.complete:
            logger.warning("An earlier run left a gap no later run has filled: %s", state.last_run.describe())
        return state
    finally:
        engine.dispose()
