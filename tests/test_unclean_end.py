"""Issue 14: a scheduled run that dies leaves no gap that the next scheduled run does not fill.

The run's `crawl_runs` row is written when it starts, so a run killed with -9 still leaves its mark: the next
scheduled run finds the row unfinished and its process gone, reads every listing page (fetching only unseen
articles), says so, and the database ends equal to a clean crawl's. The run after that is an ordinary one.
"""

from __future__ import annotations

import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from laodongthudo.db import CrawlRunRow, make_engine
from laodongthudo.db.state import read_crawl_state
from laodongthudo.urls import CANONICAL_ROOT
from replica import MALFORMED_PATH, UNION_SUBSECTIONS, build_site, serve
from tests.crawling import REPO, crawl_command, crawl_env, run_crawl, stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

NEWEST = 70  # articles "published" since the last run: deleted from a full crawl
# Slow enough to be killed in the middle; small batches, so that rows arrive as the crawl goes.
SLOW = {"DOWNLOAD_DELAY": "0.03", "CONCURRENT_REQUESTS_PER_DOMAIN": "4", "STORE_BATCH_SIZE": "4"}
# What two crawls of one site must agree on (ids and the times of storing aside).
CONTENT = ("url", "article_id", "section", "title", "sapo", "body", "published_at", "content_hash", "tags")


@pytest.fixture(scope="module")
def site() -> Any:
    return build_site(n_articles=140, seed=41)


@pytest.fixture(scope="module")
def replica(site: Any) -> Any:
    with serve(site) as server:
        yield server


@pytest.fixture(scope="module")
def clean(replica: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clean") / "crawl.db"
    run = run_crawl(replica.base_url, f"sqlite:///{path}")
    assert run.returncode == 0, run.log[-3000:]
    return path


def content(database_url: str) -> dict[str, tuple]:
    rows = stored_rows(database_url)
    assert len(rows) == len({row["url"] for row in rows}), "duplicate rows"
    return {row["url"]: tuple(row[name] for name in CONTENT) for row in rows}


def mentions(database_url: str) -> set[tuple[str, str, str, int]]:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT a.url, e.type, e.key, ae.mention_count FROM article_entities ae"
                " JOIN articles a ON a.id = ae.article_id JOIN entities e ON e.id = ae.entity_id"
            )
        )
        found = {tuple(row) for row in rows}
    engine.dispose()
    return found


def count_rows(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def delete_newest(database_url: str, n: int) -> set[str]:
    """As if `n` articles had been published since the last run: their rows go (entity links cascade)."""
    engine = make_engine(database_url)
    with engine.begin() as connection:
        urls = connection.execute(text("SELECT url FROM articles ORDER BY published_at DESC LIMIT :n"), {"n": n})
        gone = {row.url for row in urls}
        connection.execute(
            text("DELETE FROM articles WHERE url IN (SELECT url FROM articles ORDER BY published_at DESC LIMIT :n)"),
            {"n": n},
        )
    engine.dispose()
    return gone


def kill_when(command: list[str], database: Path, at_rows: int, log: Path) -> None:
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=REPO, env=crawl_env(), stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while count_rows(database) < at_rows:
                assert process.poll() is None, f"the crawl ended before {at_rows} rows:\n{log.read_text()[-3000:]}"
                assert time.monotonic() < deadline, "no progress"
                time.sleep(0.02)
            process.send_signal(signal.SIGKILL)
        finally:
            process.wait(timeout=60)


def test_a_scheduled_run_killed_halfway_leaves_no_gap(site: Any, replica: Any, clean: Path, tmp_path: Path) -> None:
    path = tmp_path / "crawl.db"
    shutil.copyfile(clean, path)
    database_url = f"sqlite:///{path}"
    gone = delete_newest(database_url, NEWEST)
    kept = count_rows(path)

    kill_when(
        crawl_command(replica.base_url, database_url, settings=SLOW), path, kept + NEWEST // 2, tmp_path / "1.log"
    )
    after_kill = {row["url"] for row in stored_rows(database_url)}
    assert gone - after_kill, "the kill came too late: nothing was left to fill"
    engine = make_engine(database_url)
    with engine.connect() as connection:
        [killed] = connection.execute(select(CrawlRunRow).where(CrawlRunRow.finished_at.is_(None))).all()
    engine.dispose()
    assert killed.pid and killed.host and killed.mode == "scheduled"

    replica.reset()
    second = run_crawl(replica.base_url, database_url)

    assert second.returncode == 0, second.log[-3000:]
    assert f"run #{killed.id} (scheduled" in second.log and "never finished" in second.log
    assert "reads every listing page" in second.log
    assert re.search(rf"caught up\s+read every listing page: run #{killed.id} ", second.log)
    assert content(database_url) == content(f"sqlite:///{clean}")
    assert mentions(database_url) == mentions(f"sqlite:///{clean}")
    # Every listing page was read, and only unseen articles were fetched.
    fetched = {CANONICAL_ROOT + p for p in replica.request_log if p.endswith(".html")}
    assert not fetched & after_kill
    assert second.stat("store/new") == len(gone - after_kill)
    for section in UNION_SUBSECTIONS:
        assert f"/cong-doan/{section}/p{site.last_page(section)}" in replica.request_log or site.last_page(section) == 1
    engine = make_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(select(CrawlRunRow).order_by(CrawlRunRow.id)).all()
    engine.dispose()
    assert rows[-2].id == killed.id and rows[-2].finished_at is None
    assert rows[-1].finish_reason == "finished" and f"run #{killed.id}" in rows[-1].caught_up

    # The gap is closed: the next run is an ordinary one again (first listing pages only).
    state = read_crawl_state(database_url)
    assert state.last_run.complete
    # Besides, a scheduled run tries again the unreadable pages seen fewer than 3 times: the replica's malformed
    # page, unless the killed run had reached it too (then the clean, killed and catch-up runs make 3).
    retried = sorted(url.removeprefix(CANONICAL_ROOT) for url in state.retry_urls)
    assert set(retried) <= {MALFORMED_PATH}
    replica.reset()
    third = run_crawl(replica.base_url, database_url)
    assert third.returncode == 0, third.log[-3000:]
    assert "reads every listing page" not in third.log
    expected = ["/robots.txt", *(f"/cong-doan/{s}" for s in UNION_SUBSECTIONS), *retried]
    extra = sorted(set(replica.request_log) - set(expected))
    why = "\n".join(line for line in third.log.splitlines() if any(path in line for path in extra))
    assert sorted(replica.request_log) == sorted(expected), f"also fetched {extra}:\n{why[-3000:]}"


def test_a_full_disk_mid_run_leaves_no_gap(replica: Any, clean: Path, tmp_path: Path) -> None:
    """The disk fills up while the run stores (a file size limit on its process: writes past it fail as on a
    full disk); the store gives up, the run's row cannot be finished. The next scheduled run catches up."""
    path = tmp_path / "crawl.db"
    shutil.copyfile(clean, path)
    database_url = f"sqlite:///{path}"
    delete_newest(database_url, NEWEST)
    kept = count_rows(path)
    limit = 400 * 1024  # SQLite's write-ahead log may grow this far: some batches, not all (search indexes included)

    def full_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    command = crawl_command(
        replica.base_url,
        database_url,
        settings={"STORE_BATCH_SIZE": "4", "STORE_RETRY_TIMES": "1", "STORE_RETRY_DELAY": "0.1"},  # fmt: skip
    )
    first = subprocess.run(
        command, cwd=REPO, env=crawl_env(), capture_output=True, text=True, timeout=120, preexec_fn=full_disk
    )
    log = first.stderr + first.stdout
    assert first.returncode == 4, log[-3000:]
    assert "Database unavailable after 1 retries" in log and "Traceback" not in log
    assert kept < count_rows(path) < kept + NEWEST, "the disk filled too early or too late"
    last = read_crawl_state(database_url).last_run
    assert last is not None and not last.complete

    second = run_crawl(replica.base_url, database_url)
    assert second.returncode == 0, second.log[-3000:]
    assert "reads every listing page" in second.log
    assert content(database_url) == content(f"sqlite:///{clean}")
    assert mentions(database_url) == mentions(f"sqlite:///{clean}")
