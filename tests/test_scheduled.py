"""Scheduled runs (no arguments): only what is new, and a section stops at its first page with nothing new.

Real `scrapy crawl union` in a subprocess, over HTTP to the replica, into SQLite.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

from laodongthudo.db import make_engine
from laodongthudo.db.state import read_crawl_state
from laodongthudo.urls import CANONICAL_ROOT
from replica import MALFORMED_PATH, UNION_SUBSECTIONS, build_site, serve
from tests.crawling import run_crawl, stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

FIRST_PAGES = [f"/cong-doan/{section}" for section in UNION_SUBSECTIONS]
# A run's own record, not the crawled data: it is allowed to grow with every run.
RUN_RECORD_TABLES = {"crawl_runs", "alembic_version"}


def database_dump(database_url: str) -> dict[str, list[tuple]]:
    """Every row of every table (but the run record), sorted: "nothing changed" means this is equal."""
    engine = make_engine(database_url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as conn:
            return {
                name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
                for name, table in metadata.tables.items()
                if name not in RUN_RECORD_TABLES
            }
    finally:
        engine.dispose()


def crawled_copy(template: Path, tmp_path: Path) -> str:
    target = tmp_path / "crawl.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="module")
def site():
    return build_site(n_articles=40, seed=11)


@pytest.fixture(scope="module")
def replica(site):
    with serve(site) as server:
        yield server


@pytest.fixture(scope="module")
def crawled(site, replica, tmp_path_factory) -> Path:
    """A database after a first scheduled run on an empty database: every union article."""
    path = tmp_path_factory.mktemp("scheduled") / "template.db"
    first = run_crawl(replica.base_url, f"sqlite:///{path}")
    assert first.returncode == 0, first.log[-3000:]
    stored = {row["url"] for row in stored_rows(f"sqlite:///{path}")}
    assert stored == {CANONICAL_ROOT + truth.path for truth in site.union_articles()}
    return path


def without_retried(dump: dict[str, list[tuple]], retried: set[str]) -> dict[str, list[tuple]]:
    """The dump without the skipped_urls rows of pages tried again (their count and last try change)."""
    return {**dump, "skipped_urls": [row for row in dump["skipped_urls"] if row[1] not in retried]}


def test_second_run_reads_only_the_first_listing_pages_and_changes_nothing(replica, crawled, tmp_path):
    database_url = crawled_copy(crawled, tmp_path)
    before = database_dump(database_url)
    # Pages the first run could not read (the replica's malformed page) are tried again, and nothing else.
    retried = read_crawl_state(database_url).retry_urls
    assert retried == {CANONICAL_ROOT + MALFORMED_PATH}
    replica.reset()

    second = run_crawl(replica.base_url, database_url)

    assert second.returncode == 0, second.log[-3000:]
    assert sorted(replica.request_log) == sorted(["/robots.txt", *FIRST_PAGES, MALFORMED_PATH])
    assert without_retried(database_dump(database_url), retried) == without_retried(before, retried)
    assert read_crawl_state(database_url).retry_urls == retried  # one try more, not given up yet
    assert second.stat("store/new") == second.stat("store/updated") == 0
    for section in UNION_SUBSECTIONS:
        assert f"{section}: listing page 1 holds nothing new; section done" in second.log
    # An hourly no-op is a screen a person reads (no versions, component lists or stats dump), its times zoned.
    assert len(second.log.splitlines()) <= 40, second.log
    assert "Dumping Scrapy stats" not in second.log and "Enabled item pipelines" not in second.log
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4} \[", second.log, re.M)


def test_new_articles_are_picked_up_by_the_next_run_and_only_they_are_fetched(tmp_path):
    site = build_site(n_articles=40, seed=12)  # its own: publishing changes the site
    database_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with serve(site) as replica:
        first = run_crawl(replica.base_url, database_url)
        assert first.returncode == 0, first.log[-3000:]
        rows_before = {row["url"]: row for row in stored_rows(database_url)}

        # One new article: page 1 of its section holds it, page 2 holds nothing new.
        new = replica.publish_new("hoat-dong")
        replica.reset()
        second = run_crawl(replica.base_url, database_url)

        assert second.returncode == 0, second.log[-3000:]
        assert sorted(replica.request_log) == sorted(
            ["/robots.txt", *FIRST_PAGES, "/cong-doan/hoat-dong/p2", new.path, MALFORMED_PATH]
        )
        rows = {row["url"]: row for row in stored_rows(database_url)}
        assert set(rows) - set(rows_before) == {CANONICAL_ROOT + new.path}
        assert rows[CANONICAL_ROOT + new.path]["title"] == new.title
        assert rows[CANONICAL_ROOT + new.path]["published_at"] == new.published
        assert {url: rows[url] for url in rows_before} == rows_before
        assert second.stat("store/new") == 1 and second.stat("store/updated") == 0

        # More new articles than a listing page holds: paging goes on until a page holds nothing new.
        per_page = len(site.listing_items("vi-loi-ich-doan-vien", 1))
        published = [replica.publish_new("vi-loi-ich-doan-vien") for _ in range(per_page + 1)]
        replica.reset()
        third = run_crawl(replica.base_url, database_url)

        assert third.returncode == 0, third.log[-3000:]
        listings = [f"/cong-doan/vi-loi-ich-doan-vien/p{page}" for page in (2, 3)]
        assert sorted(replica.request_log) == sorted(
            ["/robots.txt", *FIRST_PAGES, *listings, *(article.path for article in published), MALFORMED_PATH]
        )
        urls = {row["url"] for row in stored_rows(database_url)}
        assert urls == {CANONICAL_ROOT + truth.path for truth in site.union_articles()}
        assert third.stat("store/new") == len(published)
