"""A first full crawl that is interrupted (one Ctrl-C) is completed by the next scheduled run by itself: that run
catches up (reads every listing page, fetches only unseen articles), as the README says."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from laodongthudo.urls import CANONICAL_ROOT
from replica import build_site, serve
from tests.crawling import REPO, crawl_command, crawl_env, run_crawl, stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
SLOW = {"DOWNLOAD_DELAY": "0.03", "CONCURRENT_REQUESTS_PER_DOMAIN": "2", "STORE_BATCH_SIZE": "2"}


def stored_count(path: Path) -> int:
    try:
        with sqlite3.connect(path) as connection:
            return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # no table yet
        return 0


def test_an_interrupted_first_crawl_is_completed_by_the_next_scheduled_run(tmp_path: Path) -> None:
    site = build_site(n_articles=60, seed=43)
    path = tmp_path / "crawl.db"
    database_url = f"sqlite:///{path}"
    expected = {CANONICAL_ROOT + truth.path for truth in site.union_articles()}
    with serve(site) as replica:
        command = crawl_command(replica.base_url, database_url, settings=SLOW)
        process = subprocess.Popen(command, cwd=REPO, env=crawl_env(), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)  # fmt: skip
        deadline = time.monotonic() + 60
        while stored_count(path) < 10:
            assert process.poll() is None and time.monotonic() < deadline, "the crawl ended before 10 rows"
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)  # one Ctrl-C: Scrapy closes the run cleanly, unfinished work left
        first_log = process.communicate(timeout=120)[1]
        interrupted = {row["url"] for row in stored_rows(database_url)}
        assert 10 <= len(interrupted) < len(expected), first_log[-3000:]

        replica.reset()
        second = run_crawl(replica.base_url, database_url)  # the next scheduled run: no backfill asked for
    assert second.returncode == 0, second.log[-3000:]
    assert "finish reason shutdown" in second.log and "reads every listing page" in second.log
    assert {row["url"] for row in stored_rows(database_url)} == expected
    fetched = {CANONICAL_ROOT + p for p in replica.request_log if p.endswith(".html")}
    assert not fetched & interrupted  # only what the first run had not stored
