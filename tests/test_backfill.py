"""Backfills (`-a since=... -a until=...`), refresh (`-a refresh=1`) and bad arguments.

Real `scrapy crawl union` in a subprocess, over HTTP to the replica, into SQLite. Expected rows and expected
listing pages are computed from the replica's ground truth (publication times, listing contents).
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from laodongthudo.crawlplan import hanoi_day
from laodongthudo.urls import CANONICAL_ROOT
from replica import UNION_SUBSECTIONS, build_site, serve
from tests.crawling import run_crawl, stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

# Listing entries that are ordinary articles (ground truth kinds); the others never yield a date.
DATED_KINDS = ("article", "seed", "fixed", "flaky")
LOGSTATS_LINE = re.compile(r"Crawled \d+ pages \(at \d+ pages/min\), scraped \d+ items \(at \d+ items/min\)")


@pytest.fixture(scope="module")
def site():
    return build_site(n_articles=80, seed=21)


@pytest.fixture(scope="module")
def replica(site):
    with serve(site) as server:
        yield server


def truth_urls(site, since: date | None = None, until: date | None = None) -> set[str]:
    return {
        CANONICAL_ROOT + truth.path
        for truth in site.union_articles()
        if (since is None or hanoi_day(truth.published) >= since)
        and (until is None or hanoi_day(truth.published) <= until)
    }


def day_at(site, fraction: float) -> date:
    """The publication day of the ground-truth article `fraction` of the way from the newest to the oldest."""
    articles = site.union_articles()
    return hanoi_day(articles[int(fraction * (len(articles) - 1))].published)


def pages_needed(site, section: str, since: date | None) -> int:
    """The last listing page a backfill must read: the first whose articles are all older than `since`."""
    last = site.last_page(section)
    for page in range(1, last + 1):
        days = [hanoi_day(r.published) for r in site.listing_items(section, page) if r.kind in DATED_KINDS]
        if since is not None and days and all(day < since for day in days):
            return page
    return last


def listing_paths(section: str, pages: int) -> set[str]:
    return {f"/cong-doan/{section}"} | {f"/cong-doan/{section}/p{page}" for page in range(2, pages + 1)}


def requested_listings(request_log: list[str]) -> set[str]:
    return {path for path in request_log if path.startswith("/cong-doan/")}


def stored_urls(database_url: str) -> list[str]:
    return [row["url"] for row in stored_rows(database_url)]


def test_backfill_stores_exactly_the_range_and_pages_no_further_than_needed(site, replica, tmp_path):
    since, until = day_at(site, 0.45), day_at(site, 0.15)
    assert since < until
    database_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    replica.reset()

    run = run_crawl(
        replica.base_url,
        database_url,
        f"since={since}",
        f"until={until}",
        settings={"LOGSTATS_INTERVAL": "0.5"},
    )

    assert run.returncode == 0, run.log[-3000:]
    urls = stored_urls(database_url)
    assert len(urls) == len(set(urls))
    assert set(urls) == truth_urls(site, since, until)

    needed = {section: pages_needed(site, section, since) for section in UNION_SUBSECTIONS}
    assert any(needed[s] < site.last_page(s) for s in UNION_SUBSECTIONS), "the range should end a section early"
    assert requested_listings(replica.request_log) == set().union(
        *(listing_paths(section, pages) for section, pages in needed.items())
    )
    # Union articles are fetched from the pages read only; those outside the range are dropped, and counted.
    on_read_pages = {
        CANONICAL_ROOT + record.path
        for section, pages in needed.items()
        for page in range(1, pages + 1)
        for record in site.listing_items(section, page)
    }
    fetched = {CANONICAL_ROOT + path for path in replica.request_log if path.endswith(".html")} & truth_urls(site)
    assert fetched <= on_read_pages
    assert run.stat("dropped/out_of_range") == len(fetched - set(urls))

    # Progress: per-minute rates (Scrapy's LogStats) and how far back each section has reached.
    assert len(LOGSTATS_LINE.findall(run.log)) >= 2
    for section, pages in needed.items():
        reached = min(
            hanoi_day(record.published)
            for page in range(1, pages + 1)
            for record in site.listing_items(section, page)
            if record.kind in DATED_KINDS
        )
        assert f"{section}: listing page {pages} done; reached back to {reached}" in run.log
        assert run.stats[f"progress/reached_back/{section}"] == reached.isoformat()


def test_backfill_since_only(site, replica, tmp_path):
    since = day_at(site, 0.3)
    database_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    replica.reset()

    run = run_crawl(replica.base_url, database_url, f"since={since}")

    assert run.returncode == 0, run.log[-3000:]
    urls = stored_urls(database_url)
    assert len(urls) == len(set(urls))
    assert set(urls) == truth_urls(site, since=since)
    # A drop is one INFO line, never the item (its body_html alone is kilobytes).
    drops = [line for line in run.log.splitlines() if "Dropped (out_of_range" in line]
    assert len(drops) == run.stat("dropped/out_of_range") > 0
    assert all(" INFO: " in line and len(line) < 300 for line in drops)
    assert len(run.log.encode()) < 1024 * run.stat("downloader/response_count")
    needed = {section: pages_needed(site, section, since) for section in UNION_SUBSECTIONS}
    assert requested_listings(replica.request_log) == set().union(
        *(listing_paths(section, pages) for section, pages in needed.items())
    )


def test_backfill_until_only_reads_every_page(site, replica, tmp_path):
    until = day_at(site, 0.6)
    database_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    replica.reset()

    run = run_crawl(replica.base_url, database_url, f"until={until}")

    assert run.returncode == 0, run.log[-3000:]
    urls = stored_urls(database_url)
    assert len(urls) == len(set(urls))
    assert set(urls) == truth_urls(site, until=until)
    assert requested_listings(replica.request_log) == set().union(
        *(listing_paths(section, site.last_page(section)) for section in UNION_SUBSECTIONS)
    )
    for section in UNION_SUBSECTIONS:
        assert f"{section}: listing page {site.last_page(section)} is the last; section done" in run.log


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["since=2020-13-01"], "since must be a date as YYYY-MM-DD, not '2020-13-01'"),
        (["since=2024-05-02", "until=2024-05-01"], "since (2024-05-02) is after until (2024-05-01)"),
        (["section=hoat-dong,tin-tuc"], "unknown section(s) tin-tuc"),
        (["refresh=maybe"], "refresh must be 1 or 0"),
        (["sinse=2024-01-01"], "unknown argument(s) sinse"),
        (["section="], "section is empty"),
    ],
)
def test_bad_arguments_end_with_a_clear_error_and_a_non_zero_exit(replica, tmp_path, args, message):
    database_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    replica.reset()

    run = run_crawl(replica.base_url, database_url, *args, timeout=60)

    assert run.returncode == 1
    assert re.search(r"ERROR: Not started: bad argument: .*" + re.escape(message), run.log), run.log[-2000:]
    assert "Traceback" not in run.log
    assert replica.request_log == []
    assert not (tmp_path / "crawl.db").exists()


def test_refresh_refetches_known_articles_and_updates_changed_ones(tmp_path):
    site = build_site(n_articles=40, seed=22)  # its own: an article's text is changed below
    database_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with serve(site) as replica:
        first = run_crawl(replica.base_url, database_url)
        assert first.returncode == 0, first.log[-3000:]
        before = {row["url"]: row for row in stored_rows(database_url)}
        assert set(before) == truth_urls(site)

        # Unchanged site: every known article is fetched again, no row changes.
        replica.reset()
        same = run_crawl(replica.base_url, database_url, "refresh=1")
        assert same.returncode == 0, same.log[-3000:]
        fetched = {CANONICAL_ROOT + path for path in replica.request_log if path.endswith(".html")}
        assert set(before) <= fetched
        assert same.stat("store/unchanged") == len(before)
        assert same.stat("store/new") == same.stat("store/updated") == 0
        after = {row["url"]: row for row in stored_rows(database_url)}
        assert set(after) == set(before)
        for url, row in after.items():
            assert row["content_hash"] == before[url]["content_hash"], url
            assert row["updated_at"] == before[url]["updated_at"], url

        # The newsroom rewrites one article's sapo: its row, and only its row, is updated.
        edited = site.union_articles()[5]
        record = site.record(edited.path)
        record.sapo_override = "Bản tin đã được biên tập lại: công đoàn cơ sở tổ chức thêm hoạt động cho đoàn viên."
        replica.reset()
        changed = run_crawl(replica.base_url, database_url, "refresh=1")
        assert changed.returncode == 0, changed.log[-3000:]
        assert changed.stat("store/updated") == 1
        assert changed.stat("store/unchanged") == len(before) - 1
        rows = {row["url"]: row for row in stored_rows(database_url)}
        url = CANONICAL_ROOT + edited.path
        assert rows[url]["sapo"] == record.sapo_override
        assert rows[url]["content_hash"] != before[url]["content_hash"]
        assert rows[url]["updated_at"] > before[url]["updated_at"]
        assert {u: r["content_hash"] for u, r in rows.items() if u != url} == {
            u: r["content_hash"] for u, r in before.items() if u != url
        }


def test_refresh_over_a_range_fetches_only_the_stored_articles_dated_in_it(tmp_path):
    site = build_site(n_articles=40, seed=23)
    database_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with serve(site) as replica:
        first = run_crawl(replica.base_url, database_url)
        assert first.returncode == 0, first.log[-3000:]
        stored = {row["url"]: hanoi_day(row["published_at"]) for row in stored_rows(database_url)}
        since = day_at(site, 0.3)
        in_range = {url for url, day in stored.items() if day >= since}
        assert 0 < len(in_range) < len(stored)

        replica.reset()
        refresh = run_crawl(replica.base_url, database_url, "refresh=1", f"since={since}")
        assert refresh.returncode == 0, refresh.log[-3000:]
        fetched = {CANONICAL_ROOT + path for path in replica.request_log if path.endswith(".html")}
    assert in_range <= fetched  # every stored article of the range is fetched again...
    assert not (fetched & set(stored)) - in_range  # ...and no stored one outside it
    assert refresh.stat("refresh/out_of_range") > 0
    assert refresh.stat("store/unchanged") == len(in_range) and refresh.stat("store/updated") == 0
