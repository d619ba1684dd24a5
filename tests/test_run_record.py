"""Run records: the crawl_runs row, the summary, the markup alert and the exit status of `scrapy crawl`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from laodongthudo.crawlplan import CrawlPlan
from laodongthudo.db import CrawlRunRow, SkippedUrlRow, make_engine
from laodongthudo.db.state import read_crawl_state
from laodongthudo.extensions.run_record import (
    ALERT_STAT,
    UNREACHABLE_STAT,
    RunRecord,
    exit_status,
    markup_alert,
    site_unreachable,
)
from laodongthudo.outcome.verdict import assess
from laodongthudo.runcontext import RunContext
from replica import build_site, serve
from tests.crawling import FAST, REPO, free_port, run_crawl


def run_rows(database_url: str) -> list[dict[str, Any]]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(CrawlRunRow.__table__).order_by(CrawlRunRow.id))
            return [dict(row._mapping) for row in rows]
    finally:
        engine.dispose()


def summary_of(log: str) -> str:
    """The summary block as logged (the lines between the two rules after its heading)."""
    match = re.search(r"Crawl run summary\n-+\n(.*?)\n-+\n", log, re.S)
    assert match, log[-3000:]
    return match.group(1)


# -- rules ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stats", "alerted"),
    [
        ({"store/new": 0, "skipped/no_body": 12}, True),
        ({"store/new": 0, "dropped/no_date": 3, "listing/known": 9}, True),
        ({"store/new": 0, "dropped/empty_body": 1}, True),
        ({"store/new": 0, "listing/unknown_layout": 4, "listing/empty": 4}, True),  # no article link anywhere
        ({"store/new": 2, "skipped/no_body": 12}, False),  # some pages parse: the malformed ones are skipped
        ({"store/unchanged": 5, "dropped/no_date": 1}, False),
        ({"store/new": 0, "listing/unknown_layout": 1, "listing/known": 30}, False),  # a quiet scheduled run
        ({"store/new": 0, "listing/known": 30, "listing/known_skipped": 2}, False),
        ({"store/new": 0, "skipped/http_404": 3}, False),
    ],
)
def test_the_markup_alert_needs_an_empty_run_and_parse_failures(stats: dict[str, int], alerted: bool) -> None:
    alert = markup_alert(stats)
    assert (alert is not None) is alerted
    if alert:
        assert "markup" in alert
        for key, value in stats.items():
            if value and key.startswith(("skipped/no_body", "dropped/", "listing/unknown", "listing/empty")):
                assert f"{key}={value}" in alert


def test_exit_status() -> None:
    assert exit_status({"finish_reason": "finished"}) == 0
    assert exit_status({"finish_reason": "finished", ALERT_STAT: "markup"}) == 3
    assert exit_status({"finish_reason": "store_unavailable"}) == 4
    assert exit_status({"finish_reason": "finished", "store/lost": 3}) == 4
    assert exit_status({"finish_reason": "finished", UNREACHABLE_STAT: "down"}) == 5


QUIET = {"finish_reason": "finished", "listing/pages": 4, "listing/known": 30, "store/new": 0}


@pytest.mark.parametrize(
    ("stats", "previous", "alerted", "unreachable", "status"),
    [
        (QUIET, None, False, False, 0),
        ({**QUIET, "run/bounded": "hoat-dong: stopped after 5000 listing pages"}, None, False, False, 6),
        ({**QUIET, "store/new": 0, "listing/known": 0, "dropped/no_date": 3}, None, True, False, 3),
        ({**QUIET, "store/new": 1, "fields/title/generic": 1}, {"fields/title/layout": 40}, True, False, 3),
        ({**QUIET, "store/new": 1, "fields/title/generic": 1}, None, False, False, 0),  # no run before
        ({"listing/section_stopped": 4, "skipped/listing_failed": 4}, None, False, True, 5),
        ({**QUIET, "finish_reason": "store_unavailable"}, None, False, False, 4),
    ],
)  # fmt: skip
def test_the_verdict_of_a_run_from_its_stats_alone(
    stats: dict[str, Any], previous: dict[str, Any] | None, alerted: bool, unreachable: bool, status: int
) -> None:
    verdict = assess(stats, 0.10, previous)
    assert (verdict.alert is not None, verdict.unreachable is not None, verdict.status) == (
        alerted,
        unreachable,
        status,
    )
    assert exit_status({**stats, **verdict.stats()}) == status


@pytest.mark.parametrize(
    ("stats", "unreachable"),
    [
        ({"listing/section_stopped": 4, "skipped/listing_failed": 4}, True),
        ({"listing/section_stopped": 1, "skipped/listing_http_503": 1}, True),
        ({"listing/section_stopped": 1, "listing/pages": 3}, False),  # one section stopped, others were read
        ({"listing/pages": 4, "store/new": 0}, False),  # a quiet scheduled run
        ({}, False),  # a resumed backfill with every section done asks for no listing page
    ],
)
def test_the_unreachable_site_alert_needs_every_listing_to_fail(stats: dict[str, int], unreachable: bool) -> None:
    message = site_unreachable(stats)
    assert (message is not None) is unreachable
    if message:
        assert "could not be read" in message
        for key, value in stats.items():
            if key.startswith("skipped/listing_"):
                assert f"{key.removeprefix('skipped/')} {value}" in message


def test_record_from_stats_and_its_summary() -> None:
    start = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    stats = {
        "start_time": start,
        "finish_time": start + timedelta(minutes=2),
        "finish_reason": "finished",
        "downloader/response_count": 240,
        "listing/pages": 12,
        "store/new": 30,
        "store/updated": 2,
        "store/unchanged": 8,
        "store/error": 1,
        "log_count/ERROR": 2,
        "dropped/no_date": 1,
        "dropped/out_of_range": 4,
        "skipped/http_404": 2,
        "skipped/off_section": 5,
        "note": "postgresql://crawler:p%40ss@db/news and p@ss",
    }
    context = RunContext(
        plan=CrawlPlan.from_args(since="2025-01-01"),
        sections=("hoat-dong", "thang-cong-nhan"),
        reached_back={"hoat-dong": date(2025, 1, 2), "thang-cong-nhan": datetime(2024, 12, 29, 20, tzinfo=UTC)},
    )
    record = RunRecord.from_stats(stats, context, secrets=["p@ss", "p%40ss"])
    assert (record.mode, record.sections, record.since, record.until) == (
        "backfill", ["hoat-dong", "thang-cong-nhan"], date(2025, 1, 1), None
    )  # fmt: skip
    assert (record.pages_fetched, record.listing_pages, record.errors) == (240, 12, 3)
    assert (record.articles_new, record.articles_updated, record.articles_unchanged) == (30, 2, 8)
    assert record.dropped == {"no_date": 1, "out_of_range": 4}
    assert record.skipped == {"http_404": 2, "off_section": 5}
    assert record.stats["note"] == "postgresql://crawler:***@db/news and ***"
    assert record.stats["start_time"] == start.isoformat()

    lines = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in record.summary().splitlines()[2:-1])
    assert lines["mode"] == "backfill"
    assert lines["duration"] == "0:02:00 (120.0 s)"
    assert lines["pages fetched"] == "240 (120.0/min)"
    assert lines["articles"] == "new 30, updated 2, unchanged 8 (20.0/min stored, 15.0/min new)"
    assert lines["dropped"] == "5: out_of_range 4, no_date 1"
    assert lines["skipped"] == "7: off_section 5, http_404 2"
    assert lines["reached back to"] == "hoat-dong 2025-01-02, thang-cong-nhan 2024-12-30"
    assert "ALERT" not in lines


# -- real crawls ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def replica() -> Iterator[Any]:
    with serve(build_site(n_articles=30, seed=5)) as server:
        yield server


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_normal_run_exits_0_and_its_row_matches_its_stats(replica: Any, sqlite_url: str) -> None:
    for run in (1, 2):
        result = run_crawl(replica.base_url, sqlite_url)
        assert result.returncode == 0, result.log[-3000:]
        rows = run_rows(sqlite_url)
        assert len(rows) == run
        row, stats = rows[-1], result.stats
        assert row["mode"] == "scheduled" and row["since"] is None and row["until"] is None
        assert row["sections"] == ["hoat-dong", "vi-loi-ich-doan-vien", "thang-cong-nhan",
                                   "thu-do-anh-hung-thanh-pho-hoa-binh"]  # fmt: skip
        assert row["pages_fetched"] == stats["downloader/response_count"]
        assert row["listing_pages"] == stats["listing/pages"]
        assert (row["articles_new"], row["articles_updated"], row["articles_unchanged"]) == (
            result.stat("store/new"), result.stat("store/updated"), result.stat("store/unchanged")
        )  # fmt: skip
        assert row["skipped"] == {k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith("skipped/")}
        assert row["dropped"] == {k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith("dropped/")}
        assert row["errors"] == result.stat("log_count/ERROR") + result.stat("store/error") == 0
        assert row["finish_reason"] == stats["finish_reason"] == "finished"
        assert row["alert"] is None and ALERT_STAT not in stats
        assert row["started_at"] == datetime.fromisoformat(stats["start_time"])
        assert row["finished_at"] >= row["started_at"]
        # The whole stats, as they were at close (the log lines counted after it aside).
        counted = {k for k in {*row["stats"], *stats} if not k.startswith("log_count/") and not k.endswith("_time")}
        assert {k: row["stats"].get(k) for k in counted} == {k: stats.get(k) for k in counted}

        summary = summary_of(result.log)
        assert f"#{row['id']}" in summary
        assert re.search(rf"pages fetched\s+{row['pages_fetched']} \(", summary)
        assert re.search(rf"articles\s+new {row['articles_new']}, updated 0, unchanged 0", summary)
        assert re.search(r"finish reason\s+finished", summary)
    assert rows[0]["articles_new"] > 0 and rows[1]["articles_new"] == 0  # the second run found nothing new
    last = read_crawl_state(sqlite_url).last_run  # what the next run reads at its start
    assert last is not None and last.complete
    assert (last.started_at, last.mode, last.finish_reason) == (rows[1]["started_at"], "scheduled", "finished")


# A site whose markup changed: listings as before, article pages without any known body container.
BROKEN_ARTICLES = 6


class BrokenSite(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = self.path.split("?")[0].rstrip("/")
        if path == "/cong-doan/hoat-dong":
            links = "".join(
                f'<div class="list_news"><h2><a href="/bai-viet-so-{n}-30000{n}.html">Bài {n}</a></h2></div>'
                for n in range(BROKEN_ARTICLES)
            )
            body = f'<html><body><div class="col_category">{links}</div></body></html>'
        elif re.fullmatch(r"/bai-viet-so-\d-30000\d\.html", path):
            body = (
                '<html><body><div class="new-article-shell"><h1 class="headline">Bài</h1>'
                "<section data-role=content><p>Nội dung mới chuyển sang khung khác.</p></section></div></body></html>"
            )
        else:
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def broken_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BrokenSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def assert_markup_alert(returncode: int, log: str, database_url: str) -> None:
    assert returncode == 3, log[-3000:]
    assert re.search(r"ERROR: The site's markup has probably changed", log)
    assert f"skipped/no_body={BROKEN_ARTICLES}" in log
    assert "Exiting with status 3" in log
    row = run_rows(database_url)[-1]
    assert row["alert"] and "markup has probably changed" in row["alert"]
    assert f"skipped/no_body={BROKEN_ARTICLES}" in row["alert"]
    assert row["skipped"] == {"no_body": BROKEN_ARTICLES}
    assert row["articles_new"] == row["articles_updated"] == row["articles_unchanged"] == 0
    assert row["stats"][ALERT_STAT] == row["alert"]
    assert re.search(r"ALERT\s+The site's markup", summary_of(log))
    last = read_crawl_state(database_url).last_run
    assert last is not None and last.alert == row["alert"] and not last.complete
    # The pages are not remembered as skipped: once the parser is fixed, the next run fetches them.
    engine = make_engine(database_url)
    with engine.connect() as connection:
        assert connection.execute(select(SkippedUrlRow.url)).all() == []
    engine.dispose()


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_run_that_parses_nothing_raises_the_markup_alert(broken_site: str, sqlite_url: str) -> None:
    result = run_crawl(broken_site, sqlite_url, "section=hoat-dong")
    assert result.stat("skipped/no_body") == BROKEN_ARTICLES
    assert_markup_alert(result.returncode, result.log, sqlite_url)
    assert result.stats[ALERT_STAT]


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_scrapyds_runner_exits_with_the_alert_too(broken_site: str, sqlite_url: str) -> None:
    # Scrapyd starts each job as `python -m scrapyd.runner crawl <spider> -s ... -a ...` in the project.
    args = [sys.executable, "-m", "scrapyd.runner", "crawl", "union", "-a", "section=hoat-dong"]
    for name, value in {**FAST, "LDTD_BASE_URL": broken_site, "DATABASE_URL": sqlite_url}.items():
        args += ["-s", f"{name}={value}"]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LDTD_BASE_URL")}
    env["SCRAPY_PROJECT"] = "default"
    done = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert_markup_alert(done.returncode, done.stderr + done.stdout, sqlite_url)


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_run_against_a_site_that_does_not_answer_exits_5(sqlite_url: str) -> None:
    result = run_crawl(f"http://127.0.0.1:{free_port()}", sqlite_url, settings={"RETRY_TIMES": "0"})
    assert result.returncode == 5, result.log[-3000:]
    assert result.stat("listing/section_stopped") == 4 and result.stat("listing/pages") == 0
    assert "ERROR: The site could not be read: 4 section(s) stopped" in result.log
    assert "Exiting with status 5: The site could not be read" in result.log
    assert "Traceback" not in result.log  # robots.txt's failure is one WARNING line, not Scrapy's internals
    assert re.search(r"ALERT\s+The site could not be read", summary_of(result.log))
    row = run_rows(sqlite_url)[-1]
    assert row["stats"][UNREACHABLE_STAT] == result.stats[UNREACHABLE_STAT]
    assert row["articles_new"] == 0 and row["skipped"] == {"listing_failed": 4}
    # Alerted (and exit status 5 in the row), but not a markup alert: the next scheduled run is an ordinary one.
    assert row["alert"] == result.stats[UNREACHABLE_STAT] and row["exit_status"] == 5
    last = read_crawl_state(sqlite_url).last_run
    assert last is not None and last.complete


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.timeout(180)
def test_the_password_appears_nowhere(replica: Any, pg_role_url: str, tmp_path: Path) -> None:
    from sqlalchemy import make_url

    password = make_url(pg_role_url).password
    assert password
    forms = {password, *re.findall(r":([^:@/]+)@", pg_role_url)}  # as given and URL-encoded
    result = run_crawl(replica.base_url, pg_role_url, settings={"LOG_LEVEL": "DEBUG"})
    assert result.returncode == 0, result.log[-3000:]
    [row] = run_rows(pg_role_url)
    assert row["articles_new"] > 0
    recorded = json.dumps(row, default=str, ensure_ascii=False)
    stats = json.dumps(result.stats, default=str, ensure_ascii=False)
    for form in forms:
        assert form not in result.log
        assert form not in recorded
        assert form not in stats
    assert "***" in result.log  # the URL is logged, masked
