"""Issue 14, real processes: one run per JOBDIR, and a second Ctrl-C ends with status 130.

- A second run on a live JOBDIR refuses to start with one line and status 7, deletes nothing, and the first run
  finishes with every article; after it, the JOBDIR can be used again.
- A second SIGINT during a graceful shutdown (slow article pages keep it waiting) forces an unclean end: status
  130, as a shell would give, and the run's row stays unfinished, so the next scheduled run catches up.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from laodongthudo.db.state import read_crawl_state
from laodongthudo.urls import CANONICAL_ROOT
from replica import build_site, serve
from replica.site import Response
from tests.crawling import REPO, crawl_command, crawl_env, stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

SLOW = {"DOWNLOAD_DELAY": "0.03", "CONCURRENT_REQUESTS_PER_DOMAIN": "4", "STORE_BATCH_SIZE": "4"}


def count_rows(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def wait_for(condition: Any, process: subprocess.Popen[Any], log: Path, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert process.poll() is None, f"the crawl ended before {what}:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"no {what} in 60 s"
        time.sleep(0.02)


def test_a_second_run_on_a_live_jobdir_refuses_and_changes_nothing(tmp_path: Path) -> None:
    site = build_site(n_articles=60, seed=31)
    database = tmp_path / "crawl.db"
    jobdir = tmp_path / "job"
    with serve(site) as replica:
        command = crawl_command(
            replica.base_url, f"sqlite:///{database}", "since=2010-01-01", settings={**SLOW, "JOBDIR": str(jobdir)}
        )
        log = tmp_path / "first.log"
        with log.open("w") as out:
            first = subprocess.Popen(command, cwd=REPO, env=crawl_env(), stdout=out, stderr=subprocess.STDOUT)
            try:
                wait_for(lambda: count_rows(database) >= 8, first, log, "8 stored rows")
                queue = (jobdir / "requests.queue").stat().st_ino  # a discarded queue would be a new directory
                second = subprocess.run(command, cwd=REPO, env=crawl_env(), capture_output=True, text=True, timeout=60)
                assert first.poll() is None, "the first run ended before the second was refused"
                assert (jobdir / "requests.queue").stat().st_ino == queue
                first.wait(timeout=120)
            finally:
                if first.poll() is None:
                    first.kill()
                    first.wait()
        second_log = second.stderr + second.stdout

        assert second.returncode == 7, second_log[-3000:]
        errors = [line for line in second_log.splitlines() if " ERROR: " in line]
        assert errors == [errors[0]] and f"JOBDIR {jobdir} is in use by another run (pid {first.pid})" in errors[0]
        assert "Traceback" not in second_log and "Spider opened" not in second_log and "did not close" not in second_log
        first_log = log.read_text()
        assert first.returncode == 0, first_log[-3000:]
        assert "did not close" not in first_log
        urls = [row["url"] for row in stored_rows(f"sqlite:///{database}")]
        assert len(urls) == len(set(urls))
        assert set(urls) == {CANONICAL_ROOT + truth.path for truth in site.union_articles()}

        # The lock goes with its process: the same command runs again (every section done: nothing to fetch).
        again = subprocess.run(command, cwd=REPO, env=crawl_env(), capture_output=True, text=True, timeout=60)
        assert again.returncode == 0, (again.stderr + again.stdout)[-3000:]
        assert "finished in an earlier run of this backfill" in again.stderr


def test_ctrl_c_twice_exits_130_and_leaves_the_run_unfinished(tmp_path: Path) -> None:
    site = build_site(n_articles=20, seed=3)
    section = "thang-cong-nhan"
    slow = {rec.path for rec in site.listing_items(section, 1) if rec.kind == "article"}
    honest = site.respond

    def respond(path: str, hit: int = 1) -> Response:
        answer = honest(path, hit)
        if path.split("?", 1)[0] in slow:
            answer.delay = 30.0  # a graceful shutdown waits for pages in flight: this one waits long
        return answer

    site.respond = respond  # type: ignore[method-assign]
    database_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with serve(site) as replica:
        command = crawl_command(replica.base_url, database_url, f"section={section}", settings={"RETRY_TIMES": "0"})
        log = tmp_path / "crawl.log"
        with log.open("w") as out:
            process = subprocess.Popen(command, cwd=REPO, env=crawl_env(), stdout=out, stderr=subprocess.STDOUT)
            try:
                wait_for(lambda: slow & set(replica.request_log), process, log, "a slow article requested")
                process.send_signal(signal.SIGINT)
                wait_for(lambda: "shutting down gracefully" in log.read_text(), process, log, "a graceful shutdown")
                process.send_signal(signal.SIGINT)
                process.wait(timeout=20)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        text = log.read_text()

    assert process.returncode == 130, text[-3000:]
    assert "Exiting with status 130: stopped by a second SIGINT" in text
    last = read_crawl_state(database_url).last_run
    assert last is not None and not last.finished and not last.complete
