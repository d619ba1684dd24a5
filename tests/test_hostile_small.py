"""Issue 14, small cases on a hostile local site: each ends with a named reason and a count, none a crash.

The replica serves the site; a few of its pages are replaced by hostile ones: an article with bytes that are
not UTF-8, an article and a listing page that are gzip bombs (small on the wire, far over DOWNLOAD_MAXSIZE once
decompressed).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from laodongthudo.db import CrawlRunRow, SkippedUrlRow, make_engine
from laodongthudo.urls import CANONICAL_ROOT
from replica import build_site, serve
from replica.site import Response
from tests.crawling import run_crawl, stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

MAX_SIZE = 512 * 1024
BOMB = gzip.compress(b"<html>" + b" " * (8 * MAX_SIZE), compresslevel=9)  # ~4 KB, 4 MB inflated
INVALID = b"\xff\xfe"  # two bytes no UTF-8 text holds: two U+FFFD
# The section's few articles include the replica's no-body page: 1 in 5 would raise the partial-breakage alert,
# which is not what these tests are about (tests/test_unfamiliar_pages.py is).
SETTINGS = {
    "DOWNLOAD_MAXSIZE": str(MAX_SIZE),
    "DOWNLOAD_WARNSIZE": str(MAX_SIZE),
    "RETRY_TIMES": "0",
    "MARKUP_ALERT_SHARE": "1.0",
}


def bomb() -> Response:
    return Response(200, BOMB, headers={"Content-Encoding": "gzip"})


@pytest.fixture(scope="module")
def hostile() -> Iterator[dict[str, Any]]:
    site = build_site(n_articles=20, seed=3)
    garbled, exploding = [rec for rec in site.listing_items("thang-cong-nhan", 1) if rec.kind == "article"][:2]
    page = site.respond(garbled.path).body
    title = site.truth(garbled).title.encode()
    first_word = title.split(b" ", 1)[0]
    places = page.count(title)
    assert places and first_word
    page = page.replace(title, first_word + INVALID + title[len(first_word) :])
    honest = site.respond

    def respond(path: str, hit: int = 1) -> Response:
        path = path.split("?", 1)[0]
        if path == garbled.path:
            return Response(200, page)
        if path in (exploding.path, "/cong-doan/vi-loi-ich-doan-vien"):
            return bomb()
        return honest(path, hit)

    site.respond = respond  # type: ignore[method-assign]
    with serve(site) as server:
        yield {"server": server, "site": site, "garbled": garbled, "exploding": exploding, "places": places}


def test_invalid_utf8_is_counted_and_a_gzip_bomb_is_too_large(hostile: dict[str, Any], sqlite_url: str) -> None:
    site, garbled, exploding = hostile["site"], hostile["garbled"], hostile["exploding"]
    result = run_crawl(hostile["server"].base_url, sqlite_url, "section=thang-cong-nhan", settings=SETTINGS)

    assert result.returncode == 0, result.log[-3000:]
    assert "Traceback" not in result.log
    # Invalid UTF-8: stored as U+FFFD (as a browser shows it), every one counted, the page named in the log.
    assert result.stat("decode/replacement_chars") == len(INVALID) * hostile["places"]
    assert result.stat("decode/pages_with_replacements") == 1
    assert re.search(rf"WARNING: {len(INVALID) * hostile['places']} byte sequence\(s\) invalid in utf-8 at \S+"
                     rf"{re.escape(garbled.path)}: stored as U\+FFFD", result.log)  # fmt: skip
    rows = {row["url"]: row for row in stored_rows(sqlite_url)}
    assert "\ufffd\ufffd" in rows[CANONICAL_ROOT + garbled.path]["title"]
    # The bomb: too_large, not failed, and remembered as such.
    assert result.stat("skipped/too_large") == 1 and result.stat("skipped/failed") == 0
    assert CANONICAL_ROOT + exploding.path not in rows
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        reasons = dict(connection.execute(select(SkippedUrlRow.url, SkippedUrlRow.reason)).all())
        [run] = connection.execute(select(CrawlRunRow)).all()
    engine.dispose()
    assert reasons[CANONICAL_ROOT + exploding.path] == "too_large"
    assert run.skipped["too_large"] == 1 and run.stats["decode/replacement_chars"] == result.stat(
        "decode/replacement_chars"
    )
    assert re.search(r"skipped\s+\d+: .*too_large 1", result.log)
    assert re.search(rf"replaced chars\s+{result.stat('decode/replacement_chars')} invalid byte", result.log)
    # Everything else of the section is stored.
    expected = {CANONICAL_ROOT + t.path for t in site.section_articles("thang-cong-nhan")} - {
        CANONICAL_ROOT + exploding.path
    }
    assert set(rows) == expected


def test_a_gzip_bomb_listing_is_not_called_a_network_problem(hostile: dict[str, Any], sqlite_url: str) -> None:
    result = run_crawl(hostile["server"].base_url, sqlite_url, "section=vi-loi-ich-doan-vien", settings=SETTINGS)

    assert result.returncode == 5, result.log[-3000:]
    assert result.stat("skipped/listing_too_large") == 1
    message = result.stats["run/site_unreachable"]
    assert "the site answered, unreadably: listing_too_large 1 (larger than DOWNLOAD_MAXSIZE" in message
    assert "network" in message and "Check LDTD_BASE_URL and the network" not in message
    assert "Check LDTD_BASE_URL" not in result.log
