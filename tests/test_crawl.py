"""End to end: `scrapy crawl union` over HTTP against the replica, into SQLite and into PostgreSQL."""

from __future__ import annotations

import pytest

from laodongthudo.urls import CANONICAL_ROOT
from replica import (
    MALFORMED_PATH,
    MEDIA_PATH,
    MISSING_PATH,
    OFF_SECTION_HARD_PATH,
    OFF_SECTION_PATH,
    build_site,
    serve,
)
from tests.crawling import run_crawl, stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

# Words that only the page furniture carries, never an article body.
BOX_HEADINGS = ("Có thể bạn quan tâm", "Nên xem", "Tin khác", "Xem thêm", "Phiên bản di động", "Đọc nhiều")


@pytest.fixture(scope="module")
def site():
    return build_site(n_articles=60, seed=7)


@pytest.fixture(scope="module")
def replica(site):
    with serve(site) as server:
        yield server


def expected_urls(site) -> set[str]:
    return {CANONICAL_ROOT + truth.path for truth in site.union_articles()}


def assert_crawl_stored_exactly_the_union_articles(site, replica, database_url):
    first = run_crawl(replica.base_url, database_url)
    assert first.returncode == 0, first.log[-3000:]
    rows = stored_rows(database_url)
    urls = [row["url"] for row in rows]
    assert len(urls) == len(set(urls)), "duplicate rows"
    assert set(urls) == expected_urls(site)
    for bad in (MEDIA_PATH, MISSING_PATH, MALFORMED_PATH, OFF_SECTION_PATH, OFF_SECTION_HARD_PATH):
        assert CANONICAL_ROOT + bad not in urls
    assert first.stat("store/new") == len(rows)
    # Where the fields came from is stored and counted: the replica's layouts are the layouts' own.
    assert first.stat("fields/body/layout") == first.stat("fields/title/layout") == len(rows)
    assert all(row["field_sources"]["body"] == "layout" for row in rows)
    assert all(row["field_sources"]["published_at"] in ("layout", "metadata") for row in rows)
    assert first.stat("skipped/not_article_url") + first.stat("skipped/not_article") >= 1  # the .media page
    assert first.stat("skipped/http_404") >= 1
    assert first.stat("skipped/no_body") >= 1  # the malformed page
    # Off-section stories stand in the side boxes only: every listing layout is known, so none is fetched.
    assert first.stat("skipped/off_section") == 0

    for row in rows:
        assert row["title"] and row["body"] and row["published_at"] is not None, row["url"]
        assert row["section"] in {
            "hoat-dong",
            "vi-loi-ich-doan-vien",
            "thang-cong-nhan",
            "thu-do-anh-hung-thanh-pho-hoa-binh",
        }, row["url"]
        for heading in BOX_HEADINGS:
            assert heading not in row["body"], (row["url"], heading)
        assert "(LĐTĐ)" not in (row["sapo"] or "")
        if row["author"]:
            assert not row["body"].rstrip().endswith(row["author"]), row["url"]
        for image in row["images"] or []:
            if image.get("caption"):
                assert image["caption"] not in row["body"], row["url"]
        for link in row["related"] or []:
            assert link["title"] not in row["body"], row["url"]

    # A second scheduled run: one listing request per section and robots.txt, nothing written; the page it
    # could not read (the malformed one) is tried again.
    replica.reset()
    second = run_crawl(replica.base_url, database_url)
    assert second.returncode == 0, second.log[-3000:]
    assert stored_rows(database_url) == rows
    assert sorted(replica.request_log) == sorted(
        ["/robots.txt"]
        + [
            f"/cong-doan/{s}"
            for s in ("hoat-dong", "vi-loi-ich-doan-vien", "thang-cong-nhan", "thu-do-anh-hung-thanh-pho-hoa-binh")
        ]
        + [MALFORMED_PATH]
    )
    assert second.stat("store/new") == second.stat("store/updated") == 0


def test_crawl_into_sqlite(site, replica, tmp_path):
    assert_crawl_stored_exactly_the_union_articles(site, replica, f"sqlite:///{tmp_path / 'crawl.db'}")


@pytest.mark.postgres
def test_crawl_into_postgresql(site, replica, fresh_pg_url):
    assert_crawl_stored_exactly_the_union_articles(site, replica, fresh_pg_url)
