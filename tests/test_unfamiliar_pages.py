"""A crawl that meets unfamiliar pages loses nothing for good and says so (issue 10).

- Listing parsing on the two real MasterCMS listings of `../shared/real-pages/` (offset pager, load more).
- On the replica with mixed pagers (`/pN`, offsets, load more): a backfill reads every listing page.
- An article whose page names no section, listed in a union section's column, is stored with that section.
- A third of the articles served as a script shell: exit 3; once served normally, the next scheduled run
  stores every one of them, no `refresh`.
- One unreadable page of many: no alert, counted, tried again and stored by the next run.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from sqlalchemy import select

from laodongthudo.crawlplan import Mode
from laodongthudo.db import SkippedUrlRow, make_engine
from laodongthudo.db.state import read_crawl_state
from laodongthudo.extensions.run_record import ALERT_STAT, RunRecord, exit_status, fallback_alert, markup_alert
from laodongthudo.layouts.listing import parse_listing
from laodongthudo.layouts.shell import is_template_shell
from laodongthudo.reasons import MARKUP_REASONS
from laodongthudo.spiders.union import SectionProgress
from laodongthudo.urls import CANONICAL_ROOT
from replica import MALFORMED_PATH, MIXED_PAGERS, UNION_SUBSECTIONS, build_site, serve
from tests.crawling import run_crawl, stored_rows

REAL_PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "real-pages"
OFFSET_LISTING = REAL_PAGES / "thoibaonganhang-listing-doanh-nghiep-doanh-nhan.html"
LOAD_MORE_LISTING = REAL_PAGES / "netbiz-listing-showbiz.html"


def skipped_rows(database_url: str) -> dict[str, SkippedUrlRow]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return {row.url: row for row in connection.execute(select(SkippedUrlRow.__table__))}
    finally:
        engine.dispose()


def stored_urls(database_url: str) -> set[str]:
    return {row["url"] for row in stored_rows(database_url)}


def truth_urls(site, sections=UNION_SUBSECTIONS) -> set[str]:
    return {CANONICAL_ROOT + t.path for s in sections for t in site.section_articles(s)}


# -- listing parsing on real pages -------------------------------------------------------------------------


def test_an_offset_pager_of_a_real_listing_is_followed_by_its_links() -> None:
    html = OFFSET_LISTING.read_text(encoding="utf-8")
    first = parse_listing(html, "https://thoibaonganhang.vn/doanh-nghiep-doanh-nhan")
    assert first.layout == "list_news"
    assert len(first.article_urls) == 24  # `ul.list-news > li`, one link each (thumbnail and title agree)
    assert first.article_urls[0].endswith("-112427.html")
    assert first.next_url == "https://thoibaonganhang.vn/doanh-nghiep-doanh-nhan&s_cond=&BRSR=24"
    # Read as page 2 of its section, the same pager's link numbered 3 is the next one.
    second = parse_listing(html, first.next_url, 2)
    assert second.next_url == "https://thoibaonganhang.vn/doanh-nghiep-doanh-nhan&s_cond=&BRSR=48"


def test_a_load_more_listing_of_a_real_site_is_followed_by_its_input() -> None:
    listing = parse_listing(LOAD_MORE_LISTING.read_text(encoding="utf-8"), "https://netbiz.net.vn/showbiz")
    assert listing.layout == "mb_list_item"
    assert len(listing.article_urls) == 10  # the `div.__MB_LIST_ITEM` cards; the side lists' 8 are left out
    assert all(url.startswith("https://netbiz.net.vn/") for url in listing.article_urls)
    assert listing.next_by == "load_more"
    assert listing.next_url.startswith("https://netbiz.net.vn/apicenter@/article_lm&sid=21&")
    assert "&BRSR=0&lim=10&" in listing.next_url  # as the page gives it, entities decoded


@pytest.mark.parametrize(
    ("pager", "page", "expected"),
    [
        ('<span class="current">1</span> <a href="?page=2">2</a> <a href="?page=3">3</a>', 1, "?page=2"),
        ('<a href="?page=1">1</a> <span class="current">2</span> <a href="?page=3">3</a>', 2, "?page=3"),
        ('<a href="/x/p1">1</a> <a href="/x/p3" rel="next">Sau</a>', 2, "/x/p3"),
        ('<a href="/x&BRSR=0">1</a> <span>2</span> <a href="/x&BRSR=48">»</a>', 2, None),  # no next, no 3
        ('<span class="current">1</span>', 1, None),
    ],
)
def test_the_next_page_is_a_link_of_the_pager(pager: str, page: int, expected: str | None) -> None:
    html = (
        '<html><body><div class="col_category"><div class="list_news"><h2><a href="/tin-1-1.html">T</a></h2></div>'
        f'<div class="__MB_ARTICLE_PAGING">{pager}</div></div></body></html>'
    )
    listing = parse_listing(html, "https://laodongthudo.vn/x", page)
    assert listing.next_url == (None if expected is None else urljoin("https://laodongthudo.vn/x", expected))


def test_a_last_page_links_no_next_page_and_none_is_built() -> None:
    site = build_site(n_articles=30, seed=4, pagers=MIXED_PAGERS)
    for section in ("hoat-dong", *MIXED_PAGERS):
        last = site.listing_pages(section)[-1]
        html = site.respond(last).body.decode()
        listing = parse_listing(html, "http://replica" + last, len(site.listing_pages(section)))
        assert listing.next_url is None, section
        assert listing.article_urls, section


def test_checkpoints_are_kept_by_listing_url() -> None:
    known = {"a": None, "b": None}
    progress = SectionProgress(pages=[("/s", 1, ["a"]), ("/s&BRSR=12", 2, ["b"]), ("/s&BRSR=24", 3, ["c"])])
    assert progress.durable(known) == ("/s&BRSR=12", 2)
    again = SectionProgress.from_state(progress.to_state())
    assert again == progress
    assert SectionProgress.from_state({"base": 3, "pages": {4: []}}) == SectionProgress()  # an old checkpoint


def test_a_script_shell_is_told_from_a_cut_page() -> None:
    site = build_site(n_articles=30, seed=4, faults=("script_shell",))
    shell = site.respond(site.shell_paths()[0]).body.decode()
    assert is_template_shell(shell)
    article = next(t for t in site.union_articles() if CANONICAL_ROOT + t.path not in site.shell_paths())
    page = site.respond(article.path).body.decode()
    assert not is_template_shell(page)
    assert not is_template_shell(shell[: len(shell) // 2])  # cut short: truncated, not a shell


# -- the alert, the exit status and the coverage line, from stats -------------------------------------------


@pytest.mark.parametrize(
    ("stats", "alerted"),
    [
        ({"store/new": 89, "articles/fetched": 100, "markup/no_body": 11}, True),  # 11% > 10%
        ({"store/new": 90, "articles/fetched": 100, "markup/no_body": 10}, False),  # exactly 10%: not more
        ({"store/new": 97, "articles/fetched": 100, "markup/no_date": 2, "markup/template_shell": 9}, True),
        # Tried again from earlier runs: no new evidence, left out of both sides.
        ({"store/new": 10, "articles/fetched": 15, "articles/fetched_again": 5, "markup/again/no_body": 5}, False),
        ({"store/new": 0, "articles/fetched": 0}, False),
    ],
)
def test_the_markup_alert_fires_on_a_share_of_unreadable_pages(stats: dict, alerted: bool) -> None:
    stats = {**stats, "markup/examples/no_body": ["https://laodongthudo.vn/a-1.html"]}
    alert = markup_alert(stats, 0.10)
    assert (alert is not None) is alerted
    if alert:
        assert "no_body" in alert or "template_shell" in alert
        assert "https://laodongthudo.vn/a-1.html" in alert or "no_body" not in alert


def test_a_field_found_only_by_fallbacks_where_the_layout_found_it_alerts() -> None:
    now = {"fields/author/layout": 0, "fields/author/metadata": 30, "fields/title/layout": 30}
    assert "author" in (fallback_alert(now, {"fields/author/layout": 28}) or "")
    assert fallback_alert(now, {"fields/author/metadata": 28}) is None  # never found by the layout: no news
    assert fallback_alert(now, None) is None


def test_a_run_stopped_at_a_bound_exits_6_and_says_so() -> None:
    stats = {"finish_reason": "finished", "run/bounded": "hoat-dong: stopped after 5000 listing pages"}
    assert exit_status(stats) == 6
    assert exit_status({**stats, ALERT_STAT: "markup"}) == 3
    record = RunRecord.from_stats(
        {**stats, "coverage/articles": 4, "coverage/title": 4, "coverage/author": 3, "fields/author/metadata": 3},
        None,
    )
    summary = record.summary()
    assert re.search(r"STOPPED AT A BOUND\s+hoat-dong: stopped after 5000 listing pages", summary)
    assert re.search(r"coverage\s+title 4/4; .*author 3/4 \(metadata 3\)", summary)


# -- crawls --------------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_a_backfill_reads_every_page_of_every_pager_form(tmp_path: Path) -> None:
    site = build_site(n_articles=110, seed=21, pagers=MIXED_PAGERS)
    for section in UNION_SUBSECTIONS:
        assert len(site.listing_pages(section)) >= 2, section
    database_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with serve(site) as replica:
        run = run_crawl(replica.base_url, database_url, "since=2010-01-01")
        log = replica.request_log

    assert run.returncode == 0, run.log[-3000:]
    assert stored_urls(database_url) == truth_urls(site)
    listings = [path for path in log if not path.endswith(".html") and path != "/robots.txt"]
    assert sorted(listings) == sorted(p for s in UNION_SUBSECTIONS for p in site.listing_pages(s))
    assert not [path for path in log if "/p" in path and path.startswith(("/cong-doan/vi-loi", "/cong-doan/thang"))]
    assert run.stat("listing/next/load_more") == len(site.listing_pages("thang-cong-nhan")) - 1
    assert run.stat("listing/layout/list_news") == len(site.listing_pages("vi-loi-ich-doan-vien"))
    assert run.stat("listing/layout/story_cards") == len(site.listing_pages("thu-do-anh-hung-thanh-pho-hoa-binh"))
    assert run.stat("listing/unknown_layout") == 0 and "Listing layout not recognised" not in run.log
    for section in UNION_SUBSECTIONS:
        last = len(site.listing_pages(section))
        assert f"{section}: listing page {last} is the last; section done" in run.log


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_an_article_without_breadcrumb_is_stored_with_the_section_that_lists_it(tmp_path: Path) -> None:
    site = build_site(n_articles=120, seed=22, faults=("no_breadcrumb",), pagers=MIXED_PAGERS)
    target = site.record(site.fault_paths["no_breadcrumb"])
    assert 'class="breadcrumbs' in site.respond(target.path).body.decode()
    database_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with serve(site) as replica:
        run = run_crawl(replica.base_url, database_url, f"section={target.section}")

    assert run.returncode == 0, run.log[-3000:]
    rows = {row["url"]: row for row in stored_rows(database_url)}
    assert set(rows) == truth_urls(site, [target.section])
    assert rows[CANONICAL_ROOT + target.path]["section"] == target.section
    assert run.stat("section/from_listing") == 1
    assert run.stat("skipped/off_section") == run.stat("skipped/no_section") == 0
    assert CANONICAL_ROOT + target.path not in skipped_rows(database_url)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_third_of_the_articles_as_script_shells_alerts_and_the_next_run_recovers_them(tmp_path: Path) -> None:
    site = build_site(n_articles=50, seed=23, faults=("script_shell",), pagers=MIXED_PAGERS)
    shells = {CANONICAL_ROOT + path for path in site.shell_paths()}
    expected = truth_urls(site)
    assert 0.2 * len(expected) < len(shells & expected) < 0.45 * len(expected)
    database_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with serve(site) as replica:
        first = run_crawl(replica.base_url, database_url)

        assert first.returncode == 3, first.log[-3000:]
        assert "ERROR: The site's markup has probably changed" in first.log
        assert first.stat("markup/template_shell") == len(shells & expected)
        assert stored_urls(database_url) == expected - shells
        row = read_crawl_state(database_url).last_run
        assert row is not None and row.alert and "template_shell" in row.alert
        assert any(url in row.alert for url in shells)  # examples named
        assert not {u for u, r in skipped_rows(database_url).items() if r.reason in MARKUP_REASONS}  # forgotten

        site.disable("script_shell")  # the parsers can read the pages again
        replica.reset()
        second = run_crawl(replica.base_url, database_url)

    assert second.returncode == 0, second.log[-3000:]
    assert "reads every listing page" in second.log  # the run after an alerted one catches up
    assert stored_urls(database_url) == expected
    assert second.stat("store/new") == len(shells & expected)
    # Only the replica's malformed page (no body on any try) is still waiting for a parser that reads it.
    unreadable = {u for u, r in skipped_rows(database_url).items() if r.reason in MARKUP_REASONS}
    assert unreadable == {CANONICAL_ROOT + MALFORMED_PATH}


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_one_unreadable_page_of_many_is_counted_and_tried_again_next_run(tmp_path: Path) -> None:
    site = build_site(n_articles=60, seed=24, faults=("script_shell",))
    site.shell_share = 0.02
    expected = truth_urls(site)
    shells = {CANONICAL_ROOT + path for path in site.shell_paths()} & expected
    assert 1 <= len(shells) < 0.1 * len(expected)
    database_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with serve(site) as replica:
        first = run_crawl(replica.base_url, database_url)

        assert first.returncode == 0, first.log[-3000:]
        assert first.stats.get("run/alert") is None
        assert first.stat("markup/template_shell") == len(shells)
        assert {u for u, r in skipped_rows(database_url).items() if r.reason == "template_shell"} == shells
        state = read_crawl_state(database_url)
        assert shells <= state.retry_urls and not shells & state.skipped_urls

        site.disable("script_shell")
        replica.reset()
        second = run_crawl(replica.base_url, database_url)
        log = replica.request_log

    assert second.returncode == 0, second.log[-3000:]
    assert stored_urls(database_url) == expected
    assert second.stat("store/new") == len(shells)
    assert {CANONICAL_ROOT + path for path in log if path.endswith(".html")} >= shells
    assert not shells & set(skipped_rows(database_url))
    assert read_crawl_state(database_url).last_run.mode == Mode.SCHEDULED


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_a_finished_backfill_with_a_jobdir_knows_its_offset_and_load_more_pages(tmp_path: Path) -> None:
    site = build_site(n_articles=110, seed=25, pagers=MIXED_PAGERS)
    database_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    settings = {"JOBDIR": str(tmp_path / "job"), "LDTD_CHECKPOINT_INTERVAL": "0"}
    with serve(site) as replica:
        first = run_crawl(replica.base_url, database_url, "since=2010-01-01", settings=settings)
        assert first.returncode == 0, first.log[-3000:]
        replica.reset()
        again = run_crawl(replica.base_url, database_url, "since=2010-01-01", settings=settings)
        log = replica.request_log

    assert again.returncode == 0, again.log[-3000:]
    for section in UNION_SUBSECTIONS:
        assert f"{section}: finished in an earlier run of this backfill" in again.log
    assert not [path for path in log if path != "/robots.txt"]
    assert stored_urls(database_url) == truth_urls(site)
