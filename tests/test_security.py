"""Security: what a hostile page can put in the database, where the crawler can be led, what its logs leak.

- Stored `body_html` is sanitised: a crawl of a replica whose article bodies carry scripts, styles, frames,
  event handlers and script URLs (the `unsafe_markup` fault), and hand-written pages through `extract`.
- The spider requests nothing off the configured site (the `offsite_links` fault), and DOWNLOAD_MAXSIZE
  refuses 10 MB pages, with and without Content-Length.
- A crawl into PostgreSQL with a password in DATABASE_URL never writes the password to its log or stats.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import lxml.html
import pytest
from scrapy.settings import Settings
from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.pool import NullPool

from laodongthudo import settings as project_settings
from laodongthudo.extract import extract
from laodongthudo.urls import CANONICAL_ROOT, is_article_url
from replica import OFFSITE_LINKS, XSS_MARKER, ReplicaServer, Site, build_site, serve
from tests.crawling import CrawlResult, run_crawl, stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

# What the sanitiser may leave (pipelines/strip_related.py ALLOWED_ATTRIBUTES); anything else is a finding.
SAFE_ATTRIBUTES = frozenset({"href", "src", "alt", "colspan", "rowspan"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
UNSAFE_TAGS = frozenset(
    [
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "form",
        "input",
        "button",
        "textarea",
        "select",
        "base",
        "meta",
        "link",
        "noscript",
        "template",
        "isindex",
        "marquee",
        "video",
        "audio",
        "source",
        "details",
    ]
)
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
GET_IN_LOG = re.compile(r"<GET (\S+?)>")
SKIPPED_OFF_SITE = re.compile(r"Skipped \(off_site\): (\S+)")


def unsafe_parts(html: str) -> list[str]:
    """Everything in `html` that could run script, load content or restyle the page; [] when clean."""
    found = []
    if not html.strip():
        return found
    if re.search(r"(?i)(java|vb)\s*script\s*:|&#|&colon;|\bon[a-z]+\s*=", html):
        found.append("script URL, entity-hidden scheme or on* attribute in the markup")
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for el in root.iter():
        if not isinstance(el.tag, str):
            found.append(f"comment or processing instruction {el!r}")
            continue
        if el.tag.lower() in UNSAFE_TAGS:
            found.append(f"<{el.tag}>")
        for name, value in el.attrib.items():
            if name.lower() not in SAFE_ATTRIBUTES:
                found.append(f"<{el.tag} {name}=...>")
            elif name in ("href", "src"):
                scheme = urlsplit("".join(value.split())).scheme.lower()
                if scheme and scheme not in SAFE_SCHEMES:
                    found.append(f"<{el.tag} {name}={value[:40]!r}>")
    return found


def norm(text_: str) -> str:
    return " ".join(text_.split())


# -- a crawl of hostile pages ----------------------------------------------------------------------------


@dataclass
class HostileCrawl:
    site: Site
    server: ReplicaServer
    result: CrawlResult
    rows: dict[str, dict]
    request_log: list[str]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileCrawl]:
    site = build_site(n_articles=40, seed=13, faults=("unsafe_markup", "offsite_links", "huge", "huge_unsized"))
    database = f"sqlite:///{tmp_path_factory.mktemp('security') / 'hostile.db'}"
    with pytest.MonkeyPatch.context() as env, serve(site) as server:
        for name in PROXY_VARIABLES:  # a proxy would hide where requests go
            env.delenv(name, raising=False)
        # DEBUG: Scrapy then logs every request it makes ("Crawled (200) <GET ...>") and every failure.
        result = run_crawl(server.base_url, database, settings={"LOG_LEVEL": "DEBUG"}, timeout=100)
        rows = {row["url"]: row for row in stored_rows(database)}
        yield HostileCrawl(site, server, result, rows, server.request_log)


def test_hostile_crawl_finishes(hostile: HostileCrawl) -> None:
    assert hostile.result.returncode == 0, hostile.result.log[-3000:]
    assert hostile.result.stats.get("finish_reason") == "finished"
    assert len(hostile.rows) > 50


def test_stored_articles_carry_no_script_style_frame_handler_or_script_url(hostile: HostileCrawl) -> None:
    generated = [r for r in hostile.rows.values() if hostile.site.record(r["article_id"]).kind == "article"]
    assert len(generated) > 30  # every one of them was served with unsafe markup
    for url, row in hostile.rows.items():
        assert unsafe_parts(row["body_html"] or "") == [], url
        # Every payload carries the marker: none may survive in any column (text, images, related links).
        assert XSS_MARKER not in json.dumps(row, default=str, ensure_ascii=False), url


def test_sanitising_keeps_the_article_text(hostile: HostileCrawl) -> None:
    # Paragraphs with handlers, script links and scripts/styles/frames between them: all text stays.
    # (The one page with every vector is left to the <embed> test below.)
    full = hostile.site.fault_paths["unsafe_markup"]
    checked = 0
    for url, row in hostile.rows.items():
        record = hostile.site.record(row["article_id"])
        if record.kind != "article" or record.path == full:
            continue
        for paragraph in hostile.site.article_details(record.path)["paragraphs"]:
            assert norm(paragraph) in row["body"], (url, paragraph[:60])
        checked += 1
    assert checked > 30


def test_no_request_leaves_the_configured_site(hostile: HostileCrawl) -> None:
    result, base = hostile.result, urlsplit(hostile.server.base_url)
    requested = GET_IN_LOG.findall(result.log)
    assert len(requested) > 50
    elsewhere = sorted({u for u in requested if urlsplit(u).netloc != base.netloc})
    assert not elsewhere, f"requests off the site: {elsewhere}"
    # Every request the downloader made reached the replica (none went to another host, none was lost).
    assert result.stat("downloader/request_count") == len(hostile.request_log)
    # The look-alike hosts were seen on listing pages, and refused and counted.
    offered = {u for u in OFFSITE_LINKS if is_article_url(u)}
    assert offered, "the fault offers article-like links off the site"
    assert offered <= set(SKIPPED_OFF_SITE.findall(result.log))
    assert result.stat("skipped/off_site") >= len(offered)


def test_download_maxsize_refuses_10_mb_pages(hostile: HostileCrawl) -> None:
    result = hostile.result
    settings = Settings()
    settings.setmodule(project_settings)
    limit = settings.getint("DOWNLOAD_MAXSIZE")
    assert 0 < limit < 10 * 1024 * 1024
    for name in ("huge", "huge_unsized"):
        path = hostile.site.fault_paths[name]
        assert CANONICAL_ROOT + path not in hostile.rows, name
        assert re.search(rf"Skipped \(too_large\): \S+{re.escape(path)}", result.log), name
    assert "larger than download max size" in result.log


# -- hand-written hostile bodies through extract ----------------------------------------------------------

# Vectors beyond the replica's: encoded and split schemes, srcset, srcdoc, xlink, noscript/comment
# mutation tricks, event attributes on odd elements. Each payload carries the marker.
HOSTILE_BODY = """
<p>Mở đầu <a href="&#106;avascript:alert('xss-entity')">liên kết mã hoá</a> và
<a href="jAvAsCrIpT&colon;alert('xss-colon')">liên kết hai chấm</a>.</p>
<p><a href="java\tscript:alert('xss-tab2')">tab</a> <a href="java&#0000010;script:alert('xss-nl')">xuống dòng</a>
<a href="  javascript:alert('xss-space')">khoảng trắng</a></p>
<p><img src="javascript:alert('xss-imgsrc')"><img src="/stores/a.jpg" srcset="javascript:alert('xss-srcset') 1x"></p>
<p><a href="https://laodongthudo.vn/ok-1.html" target="_blank" style="color:red" onfocus="alert('xss-focus')"
   autofocus>Liên kết hợp lệ</a></p>
<noscript><p title="</noscript><img src=x onerror=alert('xss-noscript')>"></p></noscript>
<!--<img src=x onerror=alert('xss-comment')>-->
<template><script>alert('xss-template')</script></template>
<iframe srcdoc="<script>alert('xss-srcdoc')</script>"></iframe>
<p><svg><a xlink:href="javascript:alert('xss-xlink')"><text>t</text></a></svg></p>
<link rel="stylesheet" href="https://evil.example/xss-link.css">
<p><a href="data:text/html,<script>alert('xss-data2')</script>">dữ liệu</a></p>
<p style="behavior:url(xss-htc.htc)">Đoạn văn có kiểu.</p>
<isindex action="javascript:alert('xss-isindex')">
<p><input onfocus="alert('xss-input')" autofocus></p>
<details open ontoggle="alert('xss-toggle')"><summary>Tóm tắt</summary></details>
<p><video><source onerror="alert('xss-video')"></video></p>
<marquee onstart="alert('xss-marquee')">Chữ chạy</marquee>
<table background="javascript:alert('xss-table')"><tr><td onmouseover="alert('xss-td')">Ô bảng</td></tr></table>
<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgneHNzLW9iaicpPC9zY3JpcHQ+"></object>
<p>Người lao động được hỗ trợ kịp thời, công đoàn cơ sở nắm chắc tình hình đoàn viên.</p>
"""


BODY_OPENING = re.compile(r'<div class="(?:__MB_MASTERCMS_EL item-content" id="__MB_MASTERCMS_EL_3|detail_info)">')


@pytest.fixture(scope="module")
def plain_site() -> Site:
    return build_site(n_articles=30, seed=17)


@pytest.mark.parametrize("layout", ["mastercms", "legacy2019"])
def test_extract_sanitises_hand_written_hostile_bodies(plain_site: Site, layout: str) -> None:
    truth = next(t for t in plain_site.union_articles() if t.layout == layout and t.id not in (98821, 148269))
    page = plain_site.respond(truth.path).body.decode()
    opening = BODY_OPENING.search(page)
    assert opening, layout
    page = page[: opening.end()] + HOSTILE_BODY + page[opening.end() :]
    article = extract(page, CANONICAL_ROOT + truth.path)
    assert unsafe_parts(article.body_html) == []
    # No payload survives anywhere, not even as an inert path (a tab-split scheme once became a site link).
    for text_ in (article.title, article.sapo, article.body, article.body_html):
        assert XSS_MARKER not in text_
    for link in [*(i["src"] for i in article.images), *(r["url"] for r in article.related)]:
        assert urlsplit(link).scheme in SAFE_SCHEMES, link
    # The legitimate text around the payloads is kept.
    for kept in ("liên kết mã hoá", "Liên kết hợp lệ", "Người lao động được hỗ trợ kịp thời"):
        assert kept in article.body
    assert 'href="https://laodongthudo.vn/ok-1.html"' in article.body_html


@pytest.mark.parametrize("layout", ["mastercms", "legacy2019"])
def test_embed_does_not_swallow_the_rest_of_the_body(plain_site: Site, layout: str) -> None:
    truth = next(t for t in plain_site.union_articles() if t.layout == layout and t.id not in (98821, 148269))
    page = plain_site.respond(truth.path).body.decode()
    opening = BODY_OPENING.search(page)
    assert opening, layout
    embed = '<p>Clip phóng sự.</p><embed src="https://laodongthudo.vn/stores/video/clip.swf" width="480" height="270">'
    article = extract(page[: opening.end()] + embed + page[opening.end() :], CANONICAL_ROOT + truth.path)
    assert "<embed" not in article.body_html
    for paragraph in plain_site.article_details(truth.path)["paragraphs"]:
        assert norm(paragraph) in article.body


# -- credentials ----------------------------------------------------------------------------------------


def assert_secret_absent(result: CrawlResult, password: str) -> None:
    forms = {password, quote(password, safe=""), quote(password)}
    dumped = result.log + json.dumps(result.stats, default=str)
    for form in forms:
        assert form not in dumped, f"the password appears in the crawl output as {form!r}"


@pytest.mark.postgres
def test_database_password_never_appears_in_the_crawl_log(pg_role_url: str) -> None:
    # conftest's role has a password with URL-special characters, percent-encoded in the URL.
    url, password = pg_role_url, make_url(pg_role_url).password
    assert password
    with serve(build_site(n_articles=0, seed=19)) as server:
        result = run_crawl(server.base_url, url, "section=hoat-dong", settings={"LOG_LEVEL": "DEBUG"}, timeout=100)
    assert result.returncode == 0, result.log[-3000:]
    assert result.stat("store/new") > 10  # it did connect and write, as the role with the password
    assert "***" in result.log  # the URL is logged, masked
    assert_secret_absent(result, password)
    # Nor does the database itself keep it (run records, skipped pages, anything the crawl wrote).
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            assert "articles" in tables
            for table in tables:
                dumped = json.dumps([list(r) for r in conn.execute(text(f'SELECT * FROM "{table}"'))], default=str)
                assert password not in dumped and quote(password, safe="") not in dumped, table
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_crawl_without_its_database_exits_4_and_never_shows_the_password(unreachable_pg_url: str) -> None:
    """The one test of an unreachable database: every error path (the store, the run record, the summary, the
    stats) names the database with its password masked, and the crawl stops cleanly with status 4."""
    url = make_url(unreachable_pg_url)
    password = url.password
    assert password and quote(password, safe="") != password  # URL-special characters: encoded in the URL
    with serve(build_site(n_articles=0, seed=19)) as server:
        # No storage retries: the point is the error paths' messages, not their patience.
        settings = {"LOG_LEVEL": "DEBUG", "STORE_RETRY_TIMES": "0"}
        result = run_crawl(server.base_url, unreachable_pg_url, "section=hoat-dong", settings=settings, timeout=100)
    assert result.returncode == 4, result.log[-3000:]
    assert "Exiting with status 4: the database was unavailable (store_unavailable)" in result.log
    assert "Spider closed (store_unavailable)" in result.log
    assert re.search(r"articles\s+new 0, updated 0, unchanged 0", result.log)  # the summary: nothing stored
    masked = f"postgresql+psycopg://crawler:***@127.0.0.1:{url.port}/news"
    assert f"Cannot store items in the database {masked}" in result.log
    assert "Connection refused" in result.log
    assert f"Cannot write the run record to {masked}" in result.log
    assert re.search(r"finish reason\s+store_unavailable", result.log)
    assert "Traceback" not in result.log
    assert_secret_absent(result, password)


def test_no_code_execution_consoles_in_the_crawl() -> None:
    settings = Settings()
    settings.setmodule(project_settings)
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED", True) is False
