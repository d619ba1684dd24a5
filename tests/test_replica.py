"""The replica of laodongthudo.vn: served over HTTP, it shows the markup and faults it promises."""

from __future__ import annotations

import re
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest

from replica import (
    FLAKY_PATH,
    MALFORMED_PATH,
    MEDIA_PATH,
    MISSING_PATH,
    OFF_SECTION_HARD_PATH,
    OFF_SECTION_PATH,
    RATE_LIMIT_PATH,
    SECTIONS,
    SWITCHABLE_PATHS,
    UNION_SUBSECTIONS,
    ReplicaServer,
    build_site,
    serve,
)
from replica.seeds import write_seed_pages

ARTICLE_PATH = re.compile(r"^/[a-z0-9]+(?:-[a-z0-9]+)*-\d+\.html$")
DATA = Path(__file__).resolve().parents[1] / "replica" / "data"


@pytest.fixture(scope="module")
def server() -> Iterator[ReplicaServer]:
    with serve(build_site(120, seed=1)) as srv:
        yield srv


def fetch(base: str, path: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def page(base: str, path: str) -> lxml.html.HtmlElement:
    status, _, body = fetch(base, path)
    assert status == 200, path
    return lxml.html.fromstring(body.decode("utf-8"))


def main_links(doc: lxml.html.HtmlElement) -> list[str]:
    cards = doc.cssselect("div.col_category div.list_news_title h2 a") or doc.cssselect(
        "div.cat-stories article.story h3.story__heading a"
    )
    return [a.get("href") for a in cards]


def test_listing_has_main_column_side_boxes_and_pager(server: ReplicaServer) -> None:
    doc = page(server.base_url, "/cong-doan/hoat-dong")
    items = doc.cssselect("div.col_category > div.list_news")
    assert 10 <= len(items) <= 15
    for item in items:
        assert item.cssselect("div.list_news_img a img")
        assert item.cssselect("div.list_news_title h2 a")
        assert item.cssselect("p")[0].text_content().strip()
    boxes = [h.text_content() for h in doc.cssselect("h3.box-title")]
    assert {"Đọc nhiều", "Tin khác", "Nên xem"} <= set(boxes)
    side = [a.get("href") for a in doc.cssselect("div.col_right a")]
    assert OFF_SECTION_PATH in side
    main = set(main_links(doc))
    side_articles = {h for h in side if ARTICLE_PATH.match(h)}
    assert side_articles and not side_articles & main
    site = server.site
    assert all(not site.record(h).union for h in side_articles)
    pager = doc.cssselect("div[class*='__MB_ARTICLE_PAGING'] a")
    assert any(a.get("href") == "/cong-doan/hoat-dong/p2" for a in pager)
    assert doc.cssselect("div.__MB_ARTICLE_PAGING a.next")[0].get("href") == "/cong-doan/hoat-dong/p2"


def test_story_card_section_has_no_2020_classes(server: ReplicaServer) -> None:
    status, _, body = fetch(server.base_url, "/cong-doan/thu-do-anh-hung-thanh-pho-hoa-binh")
    assert status == 200
    assert b"col_category" not in body and b"list_news" not in body
    doc = lxml.html.fromstring(body.decode())
    assert len(doc.cssselect("div.cat-stories article.story h3.story__heading a")) == 10
    assert doc.cssselect("div[class*='__MB_ARTICLE_PAGING']")


def test_pager_reaches_last_page_and_listings_match_ground_truth(server: ReplicaServer) -> None:
    site = server.site
    union_paths = {a.path for a in site.union_articles()}
    seen_union: set[str] = set()
    for section in UNION_SUBSECTIONS:
        path, pages = SECTIONS[section].path, 0
        expected = [a.path for a in site.section_articles(section)]
        listed: list[str] = []
        while path:
            doc = page(server.base_url, path)
            pages += 1
            listed.extend(main_links(doc))
            nxt = doc.cssselect("div.__MB_ARTICLE_PAGING a.next")
            path = nxt[0].get("href") if nxt else None
        assert pages == site.last_page(section) >= 2
        ordinary = [h for h in listed if h in union_paths]
        assert ordinary == expected
        seen_union.update(ordinary)
    assert seen_union == union_paths
    # The whole-section listing holds the same articles.
    whole: list[str] = []
    for path in site.listing_pages("cong-doan"):
        whole.extend(main_links(page(server.base_url, path)))
    assert [h for h in whole if h in union_paths] == [a.path for a in site.union_articles()]
    dates = [a.published for a in site.union_articles()]
    assert dates == sorted(dates, reverse=True)
    assert dates[-1].year == 2015 and dates[0].year >= 2025


def test_page_past_the_last_is_an_empty_listing(server: ReplicaServer) -> None:
    last = server.site.last_page("hoat-dong")
    doc = page(server.base_url, f"/cong-doan/hoat-dong/p{last + 1}")
    assert doc.cssselect("div.col_category") and not doc.cssselect("div.list_news")
    assert not doc.cssselect("div.__MB_ARTICLE_PAGING a.next")
    site404 = build_site(40, past_last="404")
    assert site404.respond(f"/cong-doan/hoat-dong/p{site404.last_page('hoat-dong') + 1}").status == 404


def test_flaky_page_fails_twice_then_succeeds() -> None:
    with serve(build_site(30)) as srv:
        assert [fetch(srv.base_url, FLAKY_PATH)[0] for _ in range(3)] == [500, 500, 200]
        assert fetch(srv.base_url, FLAKY_PATH)[0] == 200
        srv.reset()
        assert fetch(srv.base_url, FLAKY_PATH)[0] == 500
        assert srv.request_log == [FLAKY_PATH]


def test_fixed_faults(server: ReplicaServer) -> None:
    base = server.base_url
    first_pages = {
        h for s in UNION_SUBSECTIONS for p in server.site.listing_pages(s) for h in main_links(page(base, p))
    }
    assert {MEDIA_PATH, MISSING_PATH, FLAKY_PATH, MALFORMED_PATH} <= first_pages
    assert fetch(base, MISSING_PATH)[0] == 404
    status, _, body = fetch(base, MALFORMED_PATH)
    assert status == 200 and b"__MASTERCMS_CONTENT" not in body and b"</html>" not in body
    media = page(base, MEDIA_PATH)
    assert media.cssselect("div.e-magazine") and MEDIA_PATH.endswith(".media")
    off = page(base, OFF_SECTION_PATH)
    assert [s.text_content() for s in off.cssselect(".title_new_nav > span > a > span")] == ["Xã hội"]
    # The harder off-section article: union-sounding, linked only from /cong-doan's side box.
    whole = page(base, "/cong-doan")
    assert OFF_SECTION_HARD_PATH in [a.get("href") for a in whole.cssselect("div.col_right a")]
    assert OFF_SECTION_HARD_PATH not in main_links(whole)
    sub = fetch(base, "/cong-doan/hoat-dong")[2].decode()
    assert OFF_SECTION_HARD_PATH not in sub
    hard = page(base, OFF_SECTION_HARD_PATH)
    assert hard.cssselect(".title_new_nav a")[0].get("href") == "/xa-hoi"
    assert fetch(base, "/robots.txt")[2] == b"User-agent: *\nDisallow: /search\n"


def test_article_pages_follow_markup(server: ReplicaServer) -> None:
    site = server.site
    layouts, date_texts = set(), set()
    for truth in site.union_articles()[::7]:
        doc = page(server.base_url, truth.path)
        crumbs = [s.text_content() for s in doc.cssselect(".title_new_nav > span > a > span")]
        assert crumbs == ["Công đoàn", SECTIONS[truth.section].name]
        if truth.layout == "mastercms":
            assert doc.cssselect("h1.article-detail-title")[0].text_content() == truth.title
            assert doc.cssselect("#__MB_MASTERCMS_EL_3 p")
            when = doc.cssselect(".article-date")[0].text_content()
            assert truth.published.strftime("%d/%m/%Y") in when and truth.published.strftime("%H:%M") in when
        else:
            assert doc.cssselect("h1.title_detail")[0].text_content() == truth.title
            assert doc.cssselect(".content_detail .detail_info p")
            when = doc.cssselect(".content_detail .tool")[0].text_content()
            assert truth.published.strftime("%d/%m/%Y") in when
        date_texts.add(re.sub(r"\d", "9", when))
        layouts.add(truth.layout)
        for img in doc.cssselect("img.__img_mastercms"):
            assert img.get("title") == truth.title and img.get("alt") == img.get("alt").lower()
        assert doc.cssselect(".tags a")[0].get("href").endswith(".tag")
        boxes = [h.text_content() for h in doc.cssselect("h3.box-title")]
        assert boxes[:3] == ["Có thể bạn quan tâm", "Nên xem", "Tin khác"]
        assert "Phiên bản di động" in doc.text_content()
    assert layouts == {"mastercms", "legacy2019"}
    assert len(date_texts) >= 4


def test_details_ground_truth_and_nfd_pages(server: ReplicaServer) -> None:
    site = server.site
    recent = [a for a in site.union_articles() if a.published.year >= 2022]
    details = [site.article_details(a.id) for a in recent[:30]]
    assert sum(d["sapo"].startswith("(LĐTĐ) ") for d in details) >= 25
    people = [e for d in details for e in d["entities"] if e["type"] == "PERSON"]
    assert people and all(e["role"] for e in people)
    d = details[0]
    body = fetch(server.base_url, d["path"])[2].decode()
    text = unicodedata.normalize("NFC", lxml.html.fromstring(body).text_content()).replace("\xa0", " ")
    text = re.sub(r" +", " ", text)
    for p in d["paragraphs"]:
        assert p in text
    for ent in d["entities"]:
        assert any(alias in text for alias in ent["aliases"]), ent
    assert len(site.nfd_ids) == 2
    nfd_path = site.record(next(iter(site.nfd_ids))).path
    raw = fetch(server.base_url, nfd_path)[2].decode()
    assert raw == unicodedata.normalize("NFD", raw) and raw != unicodedata.normalize("NFC", raw)


def test_publish_new_puts_an_article_on_top(server: ReplicaServer) -> None:
    site = server.site
    before = len(site.union_articles())
    rec = server.publish_new("vi-loi-ich-doan-vien")
    assert main_links(page(server.base_url, "/cong-doan/vi-loi-ich-doan-vien"))[0] == rec.path
    assert main_links(page(server.base_url, "/cong-doan"))[0] == rec.path
    assert site.union_articles()[0].path == rec.path and len(site.union_articles()) == before + 1
    assert page(server.base_url, rec.path).cssselect("h1")[0].text_content() == rec.title


def test_switchable_faults() -> None:
    site = build_site(60)
    paths = SWITCHABLE_PATHS
    with serve(site) as srv:
        base = srv.base_url
        for name in ("slow", "truncated", "wrong_charset", "cp1258", "garbage", "huge"):
            assert fetch(base, paths[name])[0] == 200, name
        assert fetch(base, RATE_LIMIT_PATH)[0] == 200
        site.slow_seconds = 1.0
        site.enable("rate_limit", "slow", "truncated", "wrong_charset", "cp1258", "garbage", "huge", "offsite_links")
        srv.reset()
        status, headers, _ = fetch(base, RATE_LIMIT_PATH)
        assert status == 429 and headers["Retry-After"] == "2"
        assert fetch(base, RATE_LIMIT_PATH)[0] == 200
        with pytest.raises(TimeoutError):
            fetch(base, paths["slow"], timeout=0.3)
        assert not fetch(base, paths["truncated"])[2].rstrip().endswith(b"</html>")
        _, headers, body = fetch(base, paths["wrong_charset"])
        assert "iso-8859-1" in headers["Content-Type"] and "Tuyên dương".encode() in body
        _, headers, body = fetch(base, paths["cp1258"])
        assert "windows-1258" in headers["Content-Type"]
        assert "Công nhân lao động" in unicodedata.normalize("NFC", body.decode("cp1258"))
        _, headers, body = fetch(base, paths["garbage"])
        assert headers["Content-Type"].startswith("text/html") and b"<html" not in body
        assert len(fetch(base, paths["huge"])[2]) >= 10 * 1024 * 1024
        listing = fetch(base, "/cong-doan/hoat-dong")[2].decode()
        assert "https://laodongthudo.vn.evil.example/" in listing and "https://example.com/" in listing
        site.disable("offsite_links")
        assert "evil.example" not in fetch(base, "/cong-doan/hoat-dong")[2].decode()
    with pytest.raises(ValueError):
        site.enable("no-such-fault")


def test_seed_pages_are_served_and_in_sync(tmp_path: Path) -> None:
    site = build_site(20)
    seeds = [r for r in site.records.values() if r.kind == "seed"]
    assert sorted(r.id for r in seeds) == [98821, 148269]
    static = {p.name: p.read_bytes() for p in DATA.glob("seed_*.html")}
    write_seed_pages(tmp_path)  # regenerating from data/seeds.json gives the committed files
    assert {p.name: p.read_bytes() for p in tmp_path.glob("seed_*.html")} == static
    with serve(site) as srv:
        for rec in seeds:
            doc = page(srv.base_url, rec.path)
            assert doc.cssselect("h1")[0].text_content() == rec.title
            # Every link of the page's related tables and boxes resolves on the replica.
            for a in doc.cssselect("table.__MB_ARTICLE_A a, table.__mb_article_in_image a, .story a"):
                assert site.record(a.get("href")).path == a.get("href")
    s2019 = (DATA / "seed_2019.html").read_text(encoding="utf-8")
    assert "Thứ tư, 27/11/2019 - 17:45" in s2019 and s2019.count('class="MASTERCMS_TPL_TABLE"') == 3


def test_large_site_builds_fast_and_renders_lazily() -> None:
    started = time.perf_counter()
    site = build_site(20_000, seed=7)
    assert time.perf_counter() - started < 10
    assert len(site.union_articles()) > 20_000
    assert not hasattr(site.records[next(iter(site.records))], "__dict__")  # slotted records, no page text
    truth = site.union_articles()
    last = site.listing_pages("hoat-dong")[-1]
    assert site.respond(last).status == 200
    middle = truth[len(truth) // 2]
    started = time.perf_counter()
    assert middle.title.encode() in site.respond(middle.path).body
    assert time.perf_counter() - started < 0.5
    assert build_site(20_000, seed=7).union_articles()[:50] == truth[:50]
