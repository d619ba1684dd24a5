"""A long backfill with `-s JOBDIR=...`, stopped (kill -9, or one Ctrl-C) and run again, ends as if never stopped.

What Scrapy keeps in JOBDIR: the request queue (`requests.queue/`, whose sizes and `active.json` are written
only at a clean close), `requests.seen` (our requests are all `dont_filter`) and `spider.state` (Scrapy writes
it at a clean close; the spider also checkpoints it atomically while running). A kill can leave the queue
half-written: the spider discards it, and the database stays the record of what is known.
"""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from laodongthudo.urls import CANONICAL_ROOT
from replica import UNION_SUBSECTIONS, build_site, serve
from tests.crawling import REPO, crawl_command, crawl_env, run_crawl, stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

BACKFILL = ("since=2010-01-01",)  # everything, page by page to the oldest
# Slow enough to be stopped in the middle; small batches, so that rows arrive as the crawl goes.
SLOW = {
    "DOWNLOAD_DELAY": "0.04",
    "RANDOMIZE_DOWNLOAD_DELAY": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "4",
    "STORE_BATCH_SIZE": "4",
    "LDTD_CHECKPOINT_INTERVAL": "0",
}


def backfill_command(base_url: str, database_url: str, jobdir: Path) -> list[str]:
    """The backfill with a JOBDIR, as a command line for a process we can signal."""
    return crawl_command(base_url, database_url, *BACKFILL, settings={**SLOW, "JOBDIR": str(jobdir)})


def count_rows(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # no database or no table yet
        return 0


def interrupt(command: list[str], database: Path, at_rows: int, signum: int, log: Path) -> str:
    """Run the crawl, send `signum` once `at_rows` rows are stored; its log once it has ended."""
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=REPO, env=crawl_env(), stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while count_rows(database) < at_rows:
                assert process.poll() is None, f"the crawl ended before {at_rows} rows:\n{log.read_text()[-3000:]}"
                assert time.monotonic() < deadline, "no progress"
                time.sleep(0.05)
            process.send_signal(signum)
            process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    return log.read_text()


def resume(command: list[str], log: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=REPO, env=crawl_env(), capture_output=True, text=True, timeout=120)
    log.write_text(done.stderr + done.stdout)
    return done


def hashes(database_url: str) -> dict[str, str]:
    rows = stored_rows(database_url)
    urls = [row["url"] for row in rows]
    assert len(urls) == len(set(urls)), "duplicate rows"
    return {row["url"]: row["content_hash"] for row in rows}


def resume_pages(log: str) -> dict[str, int | None]:
    """Where the resumed run says each section starts (None: finished before); absent: page 1."""
    points: dict[str, int | None] = {}
    for section, page in re.findall(r"\] INFO: ([a-z-]+): resuming at listing page (\d+)", log):
        points[section] = int(page)
    for section in re.findall(r"\] INFO: ([a-z-]+): finished in an earlier run of this backfill", log):
        points[section] = None
    return points


@pytest.fixture(scope="module")
def site():
    return build_site(n_articles=60, seed=31)


@pytest.fixture(scope="module")
def replica(site):
    with serve(site) as server:
        yield server


@pytest.fixture(scope="module")
def uninterrupted(site, replica, tmp_path_factory) -> dict[str, str]:
    """URL -> content hash after the same backfill run without a stop."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('whole') / 'crawl.db'}"
    run = run_crawl(replica.base_url, database_url, *BACKFILL)
    assert run.returncode == 0, run.log[-3000:]
    result = hashes(database_url)
    assert set(result) == {CANONICAL_ROOT + truth.path for truth in site.union_articles()}
    return result


def assert_resumed_efficiently(site, replica, log: str, stored_before: set[str]) -> None:
    """The resumed run fetched no stored article again, and read listing pages only from its resume points."""
    fetched = {CANONICAL_ROOT + path for path in replica.request_log if path.endswith(".html")}
    assert not fetched & stored_before
    points = resume_pages(log)
    for section in UNION_SUBSECTIONS:
        read = {path for path in replica.request_log if path.startswith(f"/cong-doan/{section}")}
        start = points.get(section, 1)
        if start is None:
            assert not read, section
            continue
        pages = range(start, site.last_page(section) + 1)
        assert read == {f"/cong-doan/{section}" + (f"/p{page}" if page > 1 else "") for page in pages}, section


def test_kill_9_in_the_middle_then_the_same_command_again(site, replica, uninterrupted, tmp_path):
    database = tmp_path / "crawl.db"
    database_url = f"sqlite:///{database}"
    command = backfill_command(replica.base_url, database_url, tmp_path / "job")
    replica.reset()

    interrupt(command, database, at_rows=len(uninterrupted) * 2 // 3, signum=signal.SIGKILL, log=tmp_path / "1.log")
    stored_before = set(hashes(database_url))
    assert 0 < len(stored_before) < len(uninterrupted)
    assert (tmp_path / "job" / "union.running").exists()  # the killed run could not clean up

    replica.reset()
    again = resume(command, tmp_path / "2.log")

    assert again.returncode == 0, (again.stderr + again.stdout)[-3000:]
    log = again.stderr + again.stdout
    assert "did not close (killed?)" in log
    assert hashes(database_url) == uninterrupted
    assert_resumed_efficiently(site, replica, log, stored_before)
    assert any(point != 1 for point in resume_pages(log).values()), "the checkpoint was not used"
    assert not (tmp_path / "job" / "union.running").exists()


def test_one_ctrl_c_then_the_same_command_again(site, replica, uninterrupted, tmp_path):
    database = tmp_path / "crawl.db"
    database_url = f"sqlite:///{database}"
    command = backfill_command(replica.base_url, database_url, tmp_path / "job")
    replica.reset()

    first = interrupt(command, database, at_rows=len(uninterrupted) // 3, signum=signal.SIGINT, log=tmp_path / "1.log")
    assert "shutting down gracefully" in first
    assert "(shutdown)" in first  # the spider closed: queue, seen requests and state were written
    stored_before = set(hashes(database_url))
    assert 0 < len(stored_before) < len(uninterrupted)

    replica.reset()
    again = resume(command, tmp_path / "2.log")

    log = again.stderr + again.stdout
    assert again.returncode == 0, log[-3000:]
    assert "did not close" not in log
    assert hashes(database_url) == uninterrupted
    assert not {CANONICAL_ROOT + p for p in replica.request_log if p.endswith(".html")} & stored_before


def test_a_half_written_request_queue_left_by_a_kill_is_discarded(site, replica, uninterrupted, tmp_path):
    """A clean stop writes the queue; a later run killed while writing it leaves records cut in half.

    Made deterministic here: the queue of a Ctrl-C is cut by a few bytes and the run-in-progress mark put
    back, as a kill leaves them. Read as it is, such a queue hangs or crashes the next run."""
    database = tmp_path / "crawl.db"
    database_url = f"sqlite:///{database}"
    job = tmp_path / "job"
    command = backfill_command(replica.base_url, database_url, job)
    replica.reset()
    interrupt(command, database, at_rows=len(uninterrupted) // 4, signum=signal.SIGINT, log=tmp_path / "1.log")
    queues = [p for p in (job / "requests.queue").rglob("*") if p.is_file() and p.name != "active.json"]
    assert queues and (job / "requests.queue" / "active.json").exists()
    for queue in queues:
        queue.write_bytes(queue.read_bytes()[:-3])
    (job / "union.running").write_text("12345\n")

    again = resume(command, tmp_path / "2.log")

    log = again.stderr + again.stdout
    assert again.returncode == 0, log[-3000:]
    assert "did not close (killed?)" in log
    assert "Traceback" not in log
    assert hashes(database_url) == uninterrupted
