"""The crawl_runs row of one run: inserted when it starts, renewed while it runs, finished when it ends.

Each call opens an engine of its own and closes it: the run record outlives the store pipeline's engine, and
the calls are few (one at each end, one heartbeat a minute). Database errors that may pass raise
StoreUnavailable, as the store does.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, delete, insert, inspect, select, update

from .engine import make_engine, mask_url
from .migrate import upgrade
from .models import CrawlRunRow, SkippedUrlRow
from .store import StoreUnavailable, describe_error, is_transient

T = TypeVar("T")
_runs = CrawlRunRow.__table__


def this_host() -> str:
    return socket.gethostname()[:255]


def _in_transaction(database_url: str, work: Callable[[Connection], T], *, migrate: bool) -> T:
    engine = make_engine(database_url)
    try:
        if migrate:
            upgrade(engine)
        with engine.begin() as connection:
            return work(connection)
    except Exception as error:
        if is_transient(error):
            raise StoreUnavailable(f"database {mask_url(engine.url)}: {describe_error(error)}") from error
        raise
    finally:
        engine.dispose()


def start_run(database_url: str, values: Mapping[str, Any]) -> int:
    """Insert a run's row at its start (schema brought to head first) and return its id."""
    return _in_transaction(
        database_url,
        lambda c: int(c.execute(insert(CrawlRunRow).returning(CrawlRunRow.id), [dict(values)]).scalar_one()),
        migrate=True,
    )


def heartbeat(database_url: str, run_id: int, now: datetime | None = None) -> None:
    """The run is alive: renew its row's heartbeat_at (a finished row is left as it is)."""
    statement = (
        update(_runs)
        .where(_runs.c.id == run_id, _runs.c.finished_at.is_(None))
        .values(heartbeat_at=now or datetime.now(UTC))
    )
    _in_transaction(database_url, lambda c: c.execute(statement), migrate=False)


def finish_run(
    database_url: str,
    values: Mapping[str, Any],
    run_id: int | None = None,
    *,
    forget_skips: tuple[tuple[str, ...], datetime] | None = None,
) -> int:
    """Complete the run's row (insert it when its start could not be written) and return its id.

    `forget_skips` (reasons, since): the skipped_urls rows this run left for these reasons are deleted in the
    same transaction (a run with the markup alert must not remember pages its parsers could not read)."""

    def work(connection: Connection) -> int:
        if forget_skips is not None:
            reasons, since = forget_skips
            connection.execute(
                delete(SkippedUrlRow).where(SkippedUrlRow.reason.in_(reasons), SkippedUrlRow.last_seen_at >= since)
            )
        if run_id is not None:
            done = connection.execute(update(_runs).where(_runs.c.id == run_id).values(**values))
            if done.rowcount:
                return run_id
        return int(connection.execute(insert(CrawlRunRow).returning(CrawlRunRow.id), [dict(values)]).scalar_one())

    return _in_transaction(database_url, work, migrate=run_id is None)


def previous_run_stats(database_url: str, this_run: int | None = None) -> dict[str, Any] | None:
    """The final stats of the last finished run other than `this_run` (None: no such run, or no table yet)."""
    engine = make_engine(database_url)
    try:
        if "crawl_runs" not in inspect(engine).get_table_names():
            return None
        query = select(CrawlRunRow.stats).where(CrawlRunRow.finished_at.is_not(None))
        if this_run is not None:
            query = query.where(CrawlRunRow.id != this_run)
        with engine.connect() as connection:
            row = connection.execute(query.order_by(CrawlRunRow.id.desc()).limit(1)).first()
        return dict(row.stats or {}) if row is not None else None
    finally:
        engine.dispose()
