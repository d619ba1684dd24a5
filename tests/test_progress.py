"""Progress of the long runs (laodongthudo/extensions/progress.py): done of known so far, rate, how far back a
backfill reached against `since` with an ETA; a tqdm bar on a terminal, log lines otherwise."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import struct
import subprocess
import termios
from datetime import date

import pytest

from laodongthudo.extensions.progress import Snapshot
from replica import build_site, serve
from tests.crawling import REPO, crawl_command, crawl_env, run_crawl

DONE_LINE = re.compile(r"Done after [\d:]+: listing pages (\d+)/(\d+), articles (\d+)/(\d+) done \(([\d.]+)/min\)(.*)")


def test_a_backfill_halfway_through_its_range_has_an_eta() -> None:
    state = Snapshot(
        elapsed=600,
        listing_done=9,
        listing_known=10,
        articles_done=300,
        articles_known=320,
        since=date(2024, 1, 1),
        start_day=date(2024, 1, 11),
        reached={"hoat-dong": date(2024, 1, 6), "thang-cong-nhan": date(2024, 1, 2), "vi-loi-ich-doan-vien": None},
        finished=frozenset({"vi-loi-ich-doan-vien"}),  # its listing ended before since: nothing left there
    )
    assert (state.span_days, state.days_covered, state.fraction) == (10, 5, 0.5)  # the slowest section counts
    assert state.rate == 30.0 and state.eta == 600
    assert state.line() == (
        "Progress after 0:10:00: listing pages 9/10, articles 300/320 done (30.0/min); reached back to hoat-dong "
        "2024-01-06, thang-cong-nhan 2024-01-02, vi-loi-ich-doan-vien - of 2024-01-01 (50%, ETA 0:10:00)"
    )


def test_a_crawl_without_since_has_counts_and_no_eta() -> None:
    state = Snapshot(elapsed=0, listing_done=0, listing_known=4, articles_done=0, articles_known=0)
    assert state.fraction is None and state.eta is None and state.rate == 0.0
    assert state.line() == "Progress after 0:00:00: listing pages 0/4, articles 0/0 done (0.0/min)"
    unmoved = Snapshot(1, 1, 1, 1, 1, since=date(2024, 1, 1), start_day=date(2024, 1, 11), reached={"a": None})
    assert unmoved.fraction == 0 and unmoved.eta is None  # no pace yet, no ETA


SLOW = {"LDTD_PROGRESS_INTERVAL": "0.3", "DOWNLOAD_DELAY": "0.01", "CONCURRENT_REQUESTS_PER_DOMAIN": "2"}


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_a_backfill_logs_its_progress_and_a_scheduled_run_does_not(sqlite_url: str) -> None:
    with serve(build_site(n_articles=40, seed=3)) as server:
        backfill = run_crawl(server.base_url, sqlite_url, "since=2024-01-01", settings=SLOW)
        scheduled = run_crawl(server.base_url, sqlite_url, settings=SLOW)
    assert backfill.returncode == scheduled.returncode == 0, backfill.log[-3000:]

    lines = re.findall(r"INFO: Progress after [\d:]+: listing pages (\d+)/(\d+), articles (\d+)/(\d+)", backfill.log)
    assert lines, backfill.log[-3000:]
    assert all(int(done) <= int(known) for pair in lines for done, known in (pair[:2], pair[2:]))
    (done_line,) = DONE_LINE.findall(backfill.log)
    listing_done, listing_known, articles_done, articles_known, rate, reach = done_line
    assert listing_done == listing_known == str(backfill.stat("listing/pages"))
    # Every article asked for has an outcome: stored, out of range, or skipped.
    assert articles_done == articles_known and int(articles_done) >= backfill.stat("articles/fetched") > 0
    assert float(rate) > 0
    assert reach.startswith("; reached back to hoat-dong ") and reach.endswith("of 2024-01-01 (100%, ETA 0:00:00)")

    assert "Progress after" not in scheduled.log and "Done after" not in scheduled.log  # a short run stays quiet


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_on_a_terminal_a_first_full_crawl_shows_a_bar(sqlite_url: str) -> None:
    with serve(build_site(n_articles=30, seed=4)) as server:
        args = crawl_command(server.base_url, sqlite_url, settings=SLOW)
        controller, terminal = os.openpty()
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 200, 0, 0))  # a terminal has a size
        process = subprocess.Popen(args, cwd=REPO, env=crawl_env(), stdin=subprocess.DEVNULL, stdout=terminal,
                                   stderr=terminal)  # fmt: skip
        os.close(terminal)
        output = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError as error:  # the child closed the terminal
                assert error.errno == errno.EIO
                break
            if not chunk:
                break
            output += chunk
        os.close(controller)
        assert process.wait(timeout=60) == 0
    text = output.decode("utf-8", "replace")
    bars = re.findall(r"(\d+)/(\d+) \[[\d:]+<[^\]]*article/s, listing pages (\d+)/(\d+)\]", text)
    assert bars, text[-3000:]
    done, known, listing_done, listing_known = map(int, bars[-1])
    assert done == known > 0 and listing_done == listing_known > 0
    assert "INFO: Progress after" not in text  # the bar instead of the log lines
    assert DONE_LINE.search(text)  # the log's last word on it all the same
    assert re.search(r"Crawl run summary", text)  # log lines still print (above the bar)
