"""Which earlier run a new one must catch up on (`read_crawl_state(...).last_run`), from real crawl_runs rows.

A row nobody finished is a dead run when its process is gone (same host) or it has been silent too long; a
live run's row is left alone. A gap is closed by a later complete run that read every listing page of the
section (or, for a backfill, a complete backfill over its range).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from laodongthudo.db import CrawlRunRow, make_engine, upgrade
from laodongthudo.db.runs import this_host
from laodongthudo.db.state import read_crawl_state

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
ALL = ["hoat-dong", "vi-loi-ich-doan-vien", "thang-cong-nhan", "thu-do-anh-hung-thanh-pho-hoa-binh"]


@pytest.fixture
def database(sqlite_url: str) -> Iterator[Any]:
    engine = make_engine(sqlite_url)
    upgrade(engine)

    def add(minutes: int, *, finished: int | None, reason: str | None = "finished", **values: Any) -> int:
        row = {
            "started_at": T0 + timedelta(minutes=minutes),
            "finished_at": None if finished is None else T0 + timedelta(minutes=finished),
            "heartbeat_at": T0 + timedelta(minutes=finished if finished is not None else minutes),
            "host": this_host(),
            "pid": None,
            "mode": "scheduled",
            "sections": ALL,
            "finish_reason": reason if finished is not None else None,
            "stats": {},
            "dropped": {},
            "skipped": {},
        } | values
        with engine.begin() as connection:
            return connection.execute(insert(CrawlRunRow).returning(CrawlRunRow.id), [row]).scalar_one()

    yield sqlite_url, add
    engine.dispose()


@pytest.fixture(scope="module")
def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def last_run(url: str, sections: list[str] = ALL, dead_after: float = 600.0) -> Any:
    return read_crawl_state(url, sections, dead_after).last_run


def test_a_dead_process_is_a_dead_run_at_once_and_a_live_one_is_left_alone(database: Any, dead_pid: int) -> None:
    url, add = database
    add(0, finished=5)
    now = datetime.now(UTC)
    live = add(0, finished=None, started_at=now, heartbeat_at=now, pid=os.getppid())  # a process that runs
    assert last_run(url).complete  # the live run is not a gap (it is not over)
    dead = add(0, finished=None, started_at=now, heartbeat_at=now, pid=dead_pid)
    gap = last_run(url)
    assert gap.id == dead and not gap.finished and not gap.complete and "never finished" in gap.describe()
    assert gap.id != live


def test_a_run_on_another_host_is_dead_once_silent_for_dead_after(database: Any) -> None:
    url, add = database
    now = datetime.now(UTC)
    add(0, finished=None, host="elsewhere", pid=1, started_at=now, heartbeat_at=now - timedelta(seconds=30))
    assert last_run(url, dead_after=600) is None  # only a live run so far
    assert not last_run(url, dead_after=20).complete


@pytest.mark.parametrize(
    ("later", "closed"),
    [
        ({"caught_up": "run #1 never finished"}, True),
        ({}, False),  # an ordinary scheduled run stops early: it fills nothing
        ({"caught_up": "run #1", "sections": ["thang-cong-nhan"]}, False),  # another section
        ({"caught_up": "run #1", "sections": ["cong-doan"]}, True),  # the whole-section listing
        ({"caught_up": "run #1", "reason": "shutdown"}, False),  # the catch-up did not complete
        ({"caught_up": "run #1", "items_lost": 2}, False),
    ],
)
def test_a_gap_is_closed_by_a_complete_catch_up_of_its_sections(
    database: Any, dead_pid: int, later: dict[str, Any], closed: bool
) -> None:
    url, add = database
    gap = add(0, finished=None, pid=dead_pid, sections=["hoat-dong", "thang-cong-nhan"])
    reason = later.pop("reason", "finished")
    add(30, finished=40, reason=reason, **later)
    assert last_run(url).complete is closed
    if not closed:
        assert last_run(url).id == gap
    # A run of a section the gap does not touch does not have to catch up (unless the later run left a gap too).
    later_complete = reason == "finished" and not later.get("items_lost")
    assert last_run(url, ["vi-loi-ich-doan-vien"]).complete is later_complete


def test_rows_that_ended_incomplete_are_gaps_too(database: Any) -> None:
    url, add = database
    stopped = add(0, finished=10, reason="store_unavailable")
    assert last_run(url).id == stopped and "store_unavailable" in last_run(url).describe()
    add(20, finished=30, caught_up="run #1")
    lost = add(40, finished=50, items_lost=3)
    assert last_run(url).id == lost and not last_run(url).complete


def test_a_backfill_is_closed_by_a_complete_backfill_over_its_range(database: Any, dead_pid: int) -> None:
    url, add = database
    backfill = {"mode": "backfill", "since": date(2015, 1, 1), "until": date(2019, 12, 31)}
    add(0, finished=None, pid=dead_pid, **backfill)
    add(10, finished=20, **(backfill | {"since": date(2016, 1, 1)}))  # a narrower one: not enough
    assert not last_run(url).complete
    add(30, finished=40, **backfill)  # the same command again (resumed with its JOBDIR)
    assert last_run(url).complete
