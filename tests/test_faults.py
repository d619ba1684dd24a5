"""Faults over HTTP: a real `scrapy crawl union` against a replica that misbehaves.

One crawl (module fixture) meets truncated pages, a wrong charset, a windows-1258 page, binary garbage,
10 MB pages (with and without Content-Length) and a page slower than DOWNLOAD_TIMEOUT; a second one meets a
429 with Retry-After. The crawl must finish, count every fault by its reason, and store the good articles
exactly as the replica's ground truth says.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from laodongthudo.urls import CANONICAL_ROOT
from replica import RATE_LIMIT_PATH, ReplicaServer, Site, build_site, serve
from tests.crawling import CrawlResult, run_crawl, stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

FAULTS = ("slow", "truncated", "truncated_body", "wrong_charset", "cp1258", "garbage", "huge", "huge_unsized")
TIMEOUT_S = 1  # DOWNLOAD_TIMEOUT of the crawl
SLOW_S = 3.0  # the slow page answers after this, well past the timeout
RETRIES = 3
# Sequences that UTF-8 Vietnamese read as latin-1/cp1252 turns into ("Ã´" for ô, "á»" for ợ/ộ..., "Ä‘" for đ).
MOJIBAKE = ("Ã", "á»", "Ä‘", "Æ°", "Ä�", "â€")
TEXT_COLUMNS = ("title", "kicker", "sapo", "body", "body_html", "author")

SKIP_LINE = re.compile(r"Skipped \((?P<reason>[\w/.-]+)\): (?P<url>\S+)")
DROP_LINE = re.compile(r"Dropped \((?P<reason>\w+): (?P<url>[^\s)]+)")


def nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


def norm(text: str | None) -> str:
    """NFC with runs of whitespace (non-breaking spaces included) as one space: how stored text is kept."""
    return " ".join(nfc(text).split())


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]


def outcomes(result: CrawlResult, path: str) -> set[str]:
    """How the crawl log says a page ended: {"skipped/<reason>", "dropped/<reason>"} (empty: not refused)."""
    found = set()
    for pattern, kind in ((SKIP_LINE, "skipped"), (DROP_LINE, "dropped")):
        for match in pattern.finditer(result.log):
            if path_of(match["url"]) == path:
                found.add(f"{kind}/{match['reason']}")
    return found


def exception_count(result: CrawlResult, name: str) -> int:
    """downloader/exception_type_count/<module>.<name>, whatever module Scrapy keeps the class in."""
    prefix = "downloader/exception_type_count/"
    return sum(int(v) for k, v in result.stats.items() if k.startswith(prefix) and k.endswith("." + name))


def assert_refused_and_counted(result: CrawlResult, rows: dict[str, dict], path: str) -> str:
    """The page is not stored, and its refusal is logged with a reason that the stats count."""
    assert CANONICAL_ROOT + path not in rows, f"{path} was stored"
    reasons = outcomes(result, path)
    assert len(reasons) == 1, f"{path}: expected one logged refusal, got {reasons}"
    (reason,) = reasons
    assert result.stat(reason) >= 1, f"{reason} is logged for {path} but not counted in the stats"
    return reason


@dataclass
class FaultCrawl:
    site: Site
    server: ReplicaServer
    result: CrawlResult
    rows: dict[str, dict]  # canonical URL -> stored row

    def fault(self, name: str) -> str:
        return self.site.fault_paths[name]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultCrawl]:
    site = build_site(n_articles=40, seed=11, faults=FAULTS)
    site.slow_seconds = SLOW_S
    database = f"sqlite:///{tmp_path_factory.mktemp('faults') / 'faults.db'}"
    with serve(site) as server:
        result = run_crawl(
            server.base_url,
            database,
            settings={"DOWNLOAD_TIMEOUT": str(TIMEOUT_S), "RETRY_TIMES": str(RETRIES), "ROBOTSTXT_OBEY": "False"},
            timeout=150,
        )
        rows = {row["url"]: row for row in stored_rows(database)}
        yield FaultCrawl(site, server, result, rows)


def test_crawl_finishes_despite_every_fault(crawl: FaultCrawl) -> None:
    result = crawl.result
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats.get("finish_reason") == "finished"
    # Faults are handled, never crash a callback or a pipeline.
    assert not any(k.startswith("spider_exceptions/") for k in result.stats), result.stats
    assert "Traceback" not in result.log, result.log[result.log.index("Traceback") - 500 :][:3000]
    assert result.stat("store/error") == 0


def test_good_articles_are_stored_exactly_as_published(crawl: FaultCrawl) -> None:
    # Every union article that is not a fault target, with its text as the ground truth has it.
    faulty = {crawl.fault(name) for name in FAULTS}
    expected = [t for t in crawl.site.union_articles() if t.path not in faulty]
    assert len(expected) > 50
    missing = [t.path for t in expected if CANONICAL_ROOT + t.path not in crawl.rows]
    assert not missing, f"not stored: {missing}"
    for truth in expected:
        row = crawl.rows[CANONICAL_ROOT + truth.path]
        assert row["title"] == norm(truth.title), truth.path
        assert row["published_at"] == truth.published, truth.path
        body = nfc(row["body"])
        for paragraph in crawl.site.article_details(truth.path)["paragraphs"]:
            assert norm(paragraph) in body, (truth.path, paragraph[:60])


def test_no_stored_text_is_mojibake(crawl: FaultCrawl) -> None:
    # Every row, the wrong-charset and windows-1258 pages included.
    assert CANONICAL_ROOT + crawl.fault("cp1258") in crawl.rows
    for url, row in crawl.rows.items():
        for column in TEXT_COLUMNS:
            value = row[column] or ""
            assert not any(m in value for m in MOJIBAKE), (url, column, value[:120])


def test_wrong_charset_page_is_decoded_or_refused(crawl: FaultCrawl) -> None:
    path = crawl.fault("wrong_charset")
    row = crawl.rows.get(CANONICAL_ROOT + path)
    if row is None:
        assert_refused_and_counted(crawl.result, crawl.rows, path)
        return
    assert row["title"] == norm(crawl.site.record(path).title)
    for column in TEXT_COLUMNS:
        assert not any(m in (row[column] or "") for m in MOJIBAKE), column


def test_windows_1258_page_is_stored_with_correct_vietnamese(crawl: FaultCrawl) -> None:
    # windows-1258 writes most tones as combining marks: the stored text must be the same NFC Vietnamese.
    path = crawl.fault("cp1258")
    row = crawl.rows[CANONICAL_ROOT + path]
    details = crawl.site.article_details(path)
    assert row["title"] == norm(details["title"])
    assert row["sapo"] == norm(details["sapo"]).removeprefix("(LĐTĐ) ")
    for paragraph in details["paragraphs"]:
        assert norm(paragraph) in row["body"]
    for column in ("title", "sapo", "body", "body_html"):
        assert row[column] == nfc(row[column]), f"{column} is not NFC"
        assert not any(m in row[column] for m in MOJIBAKE)


def test_page_cut_after_its_body_is_stored_whole(crawl: FaultCrawl) -> None:
    # `truncated` loses the last 45% of the page: boxes and footer, not the article.
    path = crawl.fault("truncated")
    row = crawl.rows[CANONICAL_ROOT + path]
    for paragraph in crawl.site.article_details(path)["paragraphs"]:
        assert norm(paragraph) in row["body"]


def test_page_cut_inside_its_body_is_refused_and_counted(crawl: FaultCrawl) -> None:
    assert_refused_and_counted(crawl.result, crawl.rows, crawl.fault("truncated_body"))


def test_binary_garbage_is_refused_and_counted(crawl: FaultCrawl) -> None:
    assert_refused_and_counted(crawl.result, crawl.rows, crawl.fault("garbage"))


def test_page_slower_than_the_timeout_is_retried_then_refused_and_counted(crawl: FaultCrawl) -> None:
    result, path = crawl.result, crawl.fault("slow")
    reason = assert_refused_and_counted(result, crawl.rows, path)
    assert reason == "skipped/timeout"
    assert f"took longer than {float(TIMEOUT_S)} seconds" in result.log
    # Tried once and retried RETRY_TIMES times, each attempt cut by the timeout.
    assert crawl.server.hits(path) == RETRIES + 1
    assert exception_count(result, "DownloadTimeoutError") >= RETRIES + 1


def test_pages_over_download_maxsize_are_refused_and_counted(crawl: FaultCrawl) -> None:
    result = crawl.result
    for name in ("huge", "huge_unsized"):
        assert assert_refused_and_counted(result, crawl.rows, crawl.fault(name)) == "skipped/too_large", name
    assert "larger than download max size" in result.log
    assert exception_count(result, "DownloadCancelledError") == 2


def test_timeouts_and_oversize_pages_have_their_own_reasons(crawl: FaultCrawl) -> None:
    assert outcomes(crawl.result, crawl.fault("slow")) == {"skipped/timeout"}
    assert outcomes(crawl.result, crawl.fault("huge")) == {"skipped/too_large"}
    assert outcomes(crawl.result, crawl.fault("huge_unsized")) == {"skipped/too_large"}


# -- 429 with Retry-After ----------------------------------------------------------------------------------

RETRY_AFTER_S = 1


@dataclass
class RateLimitedCrawl:
    site: Site
    result: CrawlResult
    rows: dict[str, dict]
    timed_log: list[tuple[float, str]]


@pytest.fixture(scope="module")
def rate_limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RateLimitedCrawl]:
    # No generated articles: hoat-dong is two listing pages, the second answers 429 once.
    site = build_site(n_articles=0, seed=5, faults=("rate_limit",))
    site.retry_after = str(RETRY_AFTER_S)
    assert site.last_page("hoat-dong") == 2
    database = f"sqlite:///{Path(tmp_path_factory.mktemp('ratelimit')) / 'rl.db'}"
    with serve(site) as server:
        result = run_crawl(
            server.base_url, database, "section=hoat-dong", settings={"ROBOTSTXT_OBEY": "False"}, timeout=120
        )
        rows = {row["url"]: row for row in stored_rows(database)}
        yield RateLimitedCrawl(site, result, rows, server.timed_log)


def test_429_with_retry_after_is_waited_out_counted_and_the_page_crawled(rate_limited: RateLimitedCrawl) -> None:
    result = rate_limited.result
    assert result.returncode == 0, result.log[-3000:]
    assert result.stat("downloader/response_status_count/429") == 1
    assert result.stat("retry_after/retried") == 1
    times = [t for t, p in rate_limited.timed_log if p == RATE_LIMIT_PATH]
    assert len(times) == 2, "the 429 page is asked for again once"
    assert times[1] - times[0] >= RETRY_AFTER_S * 0.95, "Retry-After was not honoured"
    # The articles of the rate-limited page (and of the whole section) are stored.
    expected = {CANONICAL_ROOT + t.path for t in rate_limited.site.section_articles("hoat-dong")}
    page2 = {CANONICAL_ROOT + r.path for r in rate_limited.site.listing_items("hoat-dong", 2)}
    assert page2 & expected and page2 & expected <= set(rate_limited.rows)
    assert expected <= set(rate_limited.rows)


def test_one_retry_after_does_not_slow_the_rest_of_the_crawl(rate_limited: RateLimitedCrawl) -> None:
    # The slot is slowed only while the 429's request waits (it once stayed slowed for the rest of the crawl).
    log = rate_limited.timed_log
    retried_at = max(i for i, (_, p) in enumerate(log) if p == RATE_LIMIT_PATH)
    later = [t for t, _ in log[retried_at:]]
    assert len(later) >= 6
    gaps = [b - a for a, b in zip(later, later[1:], strict=False)]
    # With DOWNLOAD_DELAY=0 and 32 parallel requests the page's articles are asked for at once.
    median = statistics.median(gaps)
    assert median < 0.3 * RETRY_AFTER_S, f"median gap {median:.2f}s between requests after the retried page"
