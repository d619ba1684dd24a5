"""The benchmarks still run: each on a tiny archive, SQLite only, its report checked for its figures.

A benchmark is run by hand, so nothing else notices when a change breaks one (bench/search.py loaded its rows
at a revision the Store had outgrown, and failed, for a whole session). These runs measure nothing.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from sqlalchemy import URL

from tests.crawling import REPO, crawl_env

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def run_bench(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=REPO, env={**crawl_env(), **(env or {})}, capture_output=True, text=True,
        timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert done.stdout.startswith("machine: "), done.stdout[:500]  # every report names its machine
    return done.stdout


def test_the_search_bench() -> None:
    report = run_bench("bench/search.py", "--articles", "300", "--repeat", "1", "--no-postgres")
    assert re.search(r"sqlite: 3\d\d articles written in [\d.]+ s; index built in [\d.]+ s", report)
    assert re.search(r"word pairs [\d.]+ \(database file", report)
    lines = ("search vs LIKE scan: median", "the 10 names: median", "the 10 words of titles: median",
             "floor (ranked index statement alone) vs LIKE scan: median")  # fmt: skip
    for line in lines:
        assert re.search(rf"{re.escape(line)} [\d.]+ ms vs [\d.]+ ms: [\d.]+x", report), line
    rows = re.findall(r"^  \S.*\s\d+\s+[\d.]+\s+[\d.]+\s+\d+x\s", report, re.M)
    assert len(rows) == 23, report  # 20 queries, 3 worst cases


@pytest.mark.postgres
def test_the_search_bench_on_postgresql(pg_server: URL) -> None:
    # Its own SQL (the floor) runs only there; on the tests' server (the bench would start a cluster of its own).
    server = pg_server.render_as_string(hide_password=False)
    report = run_bench("bench/search.py", "--articles", "300", "--repeat", "1", env={"LDTD_BENCH_PG_URL": server})
    postgresql = report[report.index("\npostgresql: ") :]
    assert re.search(r"postgresql: 3\d\d articles written in [\d.]+ s; index built in [\d.]+ s", postgresql)
    assert re.search(r"floor \(ranked index statement alone\) vs LIKE scan: median [\d.]+ ms vs", postgresql)
    assert len(re.findall(r"^  \S.*\s\d+\s+[\d.]+\s+[\d.]+\s+\d+x\s", postgresql, re.M)) == 23, postgresql


def test_the_crawl_bench() -> None:
    report = run_bench("bench/run.py", "--quick", "--articles", "30", "--no-postgres")
    assert re.search(r"crawl into SQLite: \d+ articles stored in .* exit 0 \(finished\)", report)
    assert re.search(r"pipeline\s+[\d.]+ ms", report) and "ratio ours/trafilatura" in report
    assert "targets: " in report
