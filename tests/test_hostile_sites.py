"""Small hostile sites (issue 14): redirects off the site, links no request can carry, requests dropped in
silence, pagers that never end and listings too long to be true. Every case ends with a named reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from laodongthudo.urls import CANONICAL_ROOT
from replica import build_site, serve
from replica.site import Response, Site
from tests.crawling import run_crawl, stored_rows
from tests.dropping_middleware import DROP_MARK

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

LISTING = "/cong-doan/hoat-dong"


def list_item(href: str, title: str = "Tin") -> str:
    return f'<div class="list_news"><div class="list_news_title"><h2><a href="{href}">{title}</a></h2></div></div>'


class HostileSite:
    """A replica with some answers replaced: `routes` (path -> Response), links added to the first page of the
    hoat-dong listing (`extra_links`), another robots.txt, or a hoat-dong pager that never ends."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.routes: dict[str, Response] = {}
        self.extra_links: list[str] = []
        self.robots: str | None = None
        self.endless = False
        self.loop = False  # page 2's "next" link goes back to page 1

    def respond(self, path: str, hit: int = 1) -> Response:
        if path in self.routes:
            return self.routes[path]
        if path == "/robots.txt" and self.robots is not None:
            return Response(200, self.robots.encode(), "text/plain")
        if self.endless and (page := self._hoat_dong_page(path)):
            return Response(200, endless_page(page).encode())
        answer = self.site.respond(path, hit)
        if self.loop and path == f"{LISTING}/p2":
            html = answer.body.decode().replace(f'href="{LISTING}/p3" class="next"', f'href="{LISTING}" class="next"')
            answer = Response(200, html.encode())
        if path == LISTING and self.extra_links:
            html = answer.body.decode()
            items = "".join(list_item(href) for href in self.extra_links)
            answer = Response(
                200, html.replace('<div class="col_category">', '<div class="col_category">' + items, 1).encode()
            )
        return answer

    @staticmethod
    def _hoat_dong_page(path: str) -> int | None:
        if path == LISTING:
            return 1
        match = re.fullmatch(rf"{LISTING}/p(\d+)", path)
        return int(match[1]) if match else None

    def publish(self, *args, **kwargs):  # ReplicaServer.publish_new
        return self.site.publish(*args, **kwargs)


def endless_page(page: int) -> str:
    """A listing page of 12 new links (all 404) and a "next" link to one more such page, for ever."""
    items = "".join(list_item(f"/tin-moi-{page}-{k}-9{page:04d}{k:02d}.html", f"Tin {page}.{k}") for k in range(12))
    pager = f'<div class="__MB_ARTICLE_PAGING"><a class="next" href="{LISTING}/p{page + 1}">›</a></div>'
    return f'<html><body><div class="col_category">{items}{pager}</div></body></html>\n'


def redirect(location: str, status: int = 302) -> Response:
    return Response(status, b"", headers={"Location": location})


@pytest.fixture
def hostile() -> Iterator[tuple[HostileSite, object]]:
    hostile = HostileSite(build_site(n_articles=40, seed=41))
    with serve(hostile) as server:  # type: ignore[arg-type]
        yield hostile, server


def urls_stored(database_url: str) -> set[str]:
    return {row["url"] for row in stored_rows(database_url)}


def hoat_dong_truth(site: Site) -> set[str]:
    return {CANONICAL_ROOT + t.path for t in site.section_articles("hoat-dong")}


def test_redirects_stay_on_the_site_and_no_link_stalls_the_section(hostile, sqlite_url: str) -> None:
    site, server = hostile
    elsewhere = build_site(n_articles=10, seed=2)
    foreign = elsewhere.union_articles()[0].path
    on_site = site.site.section_articles("vi-loi-ich-doan-vien")[0].path  # not listed in hoat-dong
    long_link = "/" + "rat-dai-" * 380 + "900084.html"
    with serve(elsewhere) as other:
        site.routes = {
            "/chuyen-sang-900080.html": redirect(f"http://localhost:{other.port}{foreign}"),
            "/chuyen-cong-900085.html": redirect(f"http://127.0.0.1:{other.port}{foreign}"),  # same host, other port
            "/bai-cu-900082.html": redirect(on_site, 301),
            "/bai-sai-900083.html": redirect("/cong-doan/thang-cong-nhan"),
        }
        site.extra_links = [*site.routes, long_link, "/bi-cam-900086.html", f"/{DROP_MARK}-900087.html"]
        site.robots = "User-agent: *\nDisallow: /search\nDisallow: /bi-cam-900086.html\n"
        run = run_crawl(
            server.base_url,
            sqlite_url,
            "section=hoat-dong",
            settings={"SPIDER_MIDDLEWARES": json.dumps({"tests.dropping_middleware.DropMarkedRequests": 10})},
        )
        assert not [path for path in other.request_log if path.endswith(".html")]  # never followed

    assert run.returncode == 0, run.log[-3000:]
    assert urls_stored(sqlite_url) == hoat_dong_truth(site.site) | {CANONICAL_ROOT + on_site}
    assert run.stat("skipped/offsite_redirect") == 2
    source = f"{server.base_url}/chuyen-sang-900080.html"
    assert f"INFO: Redirect off the site not followed: {source} -> http://localhost:{other.port}{foreign}" in run.log
    assert run.stat("skipped/redirected") == 1  # the old URL, stored under the one it redirects to
    assert run.stat("skipped/not_article_url") == 1  # redirected to a listing: refused
    assert run.stat("skipped/url_too_long") == 1
    assert run.stat("skipped/robots_txt") == 1
    assert run.stat("skipped/lost") == 1  # dropped by a middleware without a callback: resolved at idle
    last = len(site.site.listing_pages("hoat-dong"))
    assert f"hoat-dong: listing page {last} is the last; section done" in run.log
    assert not any("90008" in url for url in urls_stored(sqlite_url))


def test_a_pager_that_never_ends_stops_at_a_bound(hostile, sqlite_url: str) -> None:
    site, server = hostile
    first = run_crawl(server.base_url, sqlite_url, "section=hoat-dong")
    assert first.returncode == 0, first.log[-3000:]

    site.endless = True
    server.reset()
    scheduled = run_crawl(server.base_url, sqlite_url, "section=hoat-dong")
    listings = [path for path in server.request_log if path.startswith(LISTING)]

    assert scheduled.returncode == 6, scheduled.log[-3000:]
    assert len(listings) == 3  # MAX_BARREN_LISTING_PAGES: pages of new links that bring no article
    assert scheduled.stat("skipped/http_404") == 36
    assert "MAX_BARREN_LISTING_PAGES=3" in scheduled.stats["run/bounded"]
    assert re.search(r"STOPPED AT A BOUND\s+hoat-dong: 3 listing pages in a row", scheduled.log)
    assert "Exiting with status 6" in scheduled.log

    server.reset()
    backfill = run_crawl(
        server.base_url,
        sqlite_url,
        "section=hoat-dong",
        "since=2010-01-01",
        settings={"MAX_LISTING_PAGES": "4", "MAX_LINKS_PER_LISTING": "5"},
    )
    listings = [path for path in server.request_log if path.startswith(LISTING)]
    articles = [path for path in server.request_log if path.endswith(".html")]
    assert backfill.returncode == 6, backfill.log[-3000:]
    # Five links taken per page; those of pages 1-3 are known 404s from the run before: only page 4's are new.
    assert len(listings) == 4 and len(articles) == 5
    assert backfill.stat("listing/links_capped") == 4
    assert "MAX_LISTING_PAGES=4" in backfill.stats["run/bounded"]
    assert "MAX_LINKS_PER_LISTING=5" in backfill.stats["run/bounded"]
    assert re.search(r"WARNING: Bound reached: hoat-dong: listing page 1 .* holds 12 article links", backfill.log)


def test_the_card_listing_is_recognised_without_a_warning(tmp_path: Path) -> None:
    site = build_site(n_articles=40, seed=42)
    with serve(site) as server:
        run = run_crawl(server.base_url, f"sqlite:///{tmp_path / 'c.db'}", "section=thu-do-anh-hung-thanh-pho-hoa-binh")
    assert run.returncode == 0, run.log[-3000:]
    assert run.stat("listing/layout/story_cards") == len(site.listing_pages("thu-do-anh-hung-thanh-pho-hoa-binh"))
    assert "Listing layout not recognised" not in run.log and run.stat("listing/unknown_layout") == 0


def test_a_pager_that_links_back_ends_the_section(hostile, sqlite_url: str) -> None:
    site, server = hostile
    site.loop = True
    assert len(site.site.listing_pages("hoat-dong")) >= 3
    run = run_crawl(server.base_url, sqlite_url, "section=hoat-dong", "since=2010-01-01")

    assert run.returncode == 0, run.log[-3000:]
    assert [p for p in server.request_log if p.startswith(LISTING)] == [LISTING, f"{LISTING}/p2"]
    assert run.stat("listing/pager_loop") == 1
    assert "hoat-dong: listing page 2 links back to" in run.log
    on_read_pages = {CANONICAL_ROOT + r.path for page in (1, 2) for r in site.site.listing_items("hoat-dong", page)}
    assert urls_stored(sqlite_url) == hoat_dong_truth(site.site) & on_read_pages
