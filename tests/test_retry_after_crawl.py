"""A real crawl against the replica's `rate_limit` fault: `/cong-doan/hoat-dong/p2` answers 429 with
`Retry-After: 2`. The retry waits at least that long (server-side arrival times), the crawl completes; a URL
that keeps answering 429 is given up after a bounded number of tries, and counted.
"""

from __future__ import annotations

import pytest

from laodongthudo.urls import CANONICAL_ROOT
from replica import RATE_LIMIT_PATH, build_site, serve
from tests.crawling import run_crawl, stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


def test_the_retry_comes_after_retry_after_and_the_crawl_completes(tmp_path):
    site = build_site(n_articles=40, seed=41, faults=("rate_limit",))
    database_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with serve(site) as replica:
        run = run_crawl(replica.base_url, database_url)
        arrivals = [when for when, path in replica.timed_log if path == RATE_LIMIT_PATH]

    assert run.returncode == 0, run.log[-3000:]
    assert len(arrivals) == 2  # the 429, then the retry
    assert arrivals[1] - arrivals[0] >= float(site.retry_after)
    assert run.stat("retry_after/retried") == 1
    assert run.stat("retry_after/gave_up") == 0
    urls = [row["url"] for row in stored_rows(database_url)]
    assert len(urls) == len(set(urls))
    assert set(urls) == {CANONICAL_ROOT + truth.path for truth in site.union_articles()}


def test_a_url_that_keeps_answering_429_is_given_up_after_a_bounded_number_of_tries(tmp_path):
    site = build_site(n_articles=40, seed=42, faults=("rate_limit",))
    site.rate_limit_hits = 1000  # never recovers
    site.retry_after = "1"
    max_times, retry_times = 2, 2  # Scrapy needs 2 retries for the flaky page (500 twice)
    database_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with serve(site) as replica:
        run = run_crawl(
            replica.base_url,
            database_url,
            "section=hoat-dong",
            settings={"RETRY_AFTER_MAX_TIMES": str(max_times), "RETRY_TIMES": str(retry_times)},
        )
        arrivals = [when for when, path in replica.timed_log if path == RATE_LIMIT_PATH]

    assert run.returncode == 0, run.log[-3000:]
    # Retry-After's own tries, then Scrapy's retry of the plain 429 once ours gave up; never more.
    assert len(arrivals) == 1 + max_times + retry_times
    for before, after in zip(arrivals, arrivals[1 : 1 + max_times], strict=False):
        assert after - before >= float(site.retry_after)
    assert run.stat("retry_after/retried") == max_times
    assert run.stat("retry_after/gave_up") >= 1
    assert run.stat("skipped/listing_http_429") == 1
    assert "hoat-dong: listing page 2 could not be read" in run.log
    assert "Gave up on" in run.log
    # The section stops at the page it could not read; what page 1 listed is stored.
    page_1 = {CANONICAL_ROOT + record.path for record in site.listing_items("hoat-dong", 1)}
    expected = {CANONICAL_ROOT + truth.path for truth in site.section_articles("hoat-dong")} & page_1
    assert {row["url"] for row in stored_rows(database_url)} == expected
