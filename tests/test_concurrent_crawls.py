"""Crawler processes at once over overlapping sections, into one PostgreSQL database: no duplicate, no loss.

The processes start together on an empty database (so they also race to create the schema), list some
articles in common (`vi-loi-ich-doan-vien` in two of them, everything again in the `cong-doan` listing) and
upsert the same URLs at about the same time. The unique URL makes duplicates impossible; what is checked is
that no process loses a row to the race (exact set, no refused row) and each article is new exactly once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from laodongthudo.urls import CANONICAL_ROOT
from replica import build_site, serve
from tests.crawling import run_crawl, stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(180)]

RUNS = (
    ("hoat-dong", "vi-loi-ich-doan-vien"),
    ("vi-loi-ich-doan-vien", "thang-cong-nhan"),
)


def urls_of(site, sections: tuple[str, ...]) -> set[str]:
    return {CANONICAL_ROOT + truth.path for section in sections for truth in site.section_articles(section)}


def crawl_at_once(base_url: str, database_url: str, section_lists: list[tuple[str, ...]]):
    with ThreadPoolExecutor(len(section_lists)) as pool:
        futures = [
            pool.submit(run_crawl, base_url, database_url, f"section={','.join(sections)}")
            for sections in section_lists
        ]
        return [future.result() for future in futures]


@pytest.fixture(scope="module")
def site():
    return build_site(n_articles=40, seed=61)


@pytest.fixture(scope="module")
def replica(site):
    with serve(site) as server:
        yield server


def test_two_crawls_of_overlapping_sections_at_once(site, replica, fresh_pg_url):
    runs = crawl_at_once(replica.base_url, fresh_pg_url, list(RUNS))

    for run in runs:
        assert run.returncode == 0, run.log[-3000:]
        assert run.stat("store/error") == 0
    rows = stored_rows(fresh_pg_url)
    urls = [row["url"] for row in rows]
    assert len(urls) == len(set(urls)), "duplicate rows"
    assert set(urls) == urls_of(site, RUNS[0] + RUNS[1])
    assert all(row["title"] and row["body"] and row["content_hash"] for row in rows)
    # Every article was stored as new by exactly one of them; the other found it there.
    assert sum(run.stat("store/new") for run in runs) == len(rows)


def test_section_crawls_and_the_whole_listing_at_once(site, replica, fresh_pg_url):
    runs = crawl_at_once(replica.base_url, fresh_pg_url, [*RUNS, ("cong-doan",)])

    for run in runs:
        assert run.returncode == 0, run.log[-3000:]
        assert run.stat("store/error") == 0
    urls = [row["url"] for row in stored_rows(fresh_pg_url)]
    assert len(urls) == len(set(urls)), "duplicate rows"
    assert set(urls) == {CANONICAL_ROOT + truth.path for truth in site.union_articles()}
    assert sum(run.stat("store/new") for run in runs) == len(urls)
