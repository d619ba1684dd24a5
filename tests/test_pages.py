"""The raw page store and re-derivation: crawls keep their pages, `reextract` re-derives rows from them (after a
selector fix, killed half-way, from a WARC), on SQLite and PostgreSQL, against the replica over HTTP."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler
from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.pool import NullPool
from warcio.archiveiterator import ArchiveIterator

from laodongthudo import extract
from laodongthudo.db import ArticleRevisionRow, ArticleRow, CrawlRunRow, SkippedUrlRow, Store, make_engine
from laodongthudo.db.models import ArticleEntityRow, EntityRow, PageRow
from laodongthudo.db.pages import Page, PageReader
from laodongthudo.extensions.page_capture import PageCapture
from laodongthudo.items import Article
from laodongthudo.urls import CANONICAL_ROOT
from replica import MALFORMED_PATH, MISSING_PATH, build_site, serve
from tests.crawling import REPO, crawl_command, crawl_env, run_crawl

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

# Columns that say when a row was written, not what it holds.
WHEN = ("id", "first_seen_at", "last_seen_at", "updated_at", "page_id")


@pytest.fixture(scope="module")
def site():
    return build_site(n_articles=30, seed=11)


@pytest.fixture(scope="module")
def replica(site):
    with serve(site) as server:
        yield server


@pytest.fixture(scope="module")
def reference_db(replica, tmp_path_factory) -> str:
    """A plain crawl of the replica with today's parsers: what every re-derivation must come back to."""
    url = f"sqlite:///{tmp_path_factory.mktemp('reference') / 'reference.db'}"
    done = run_crawl(replica.base_url, url)
    assert done.returncode == 0, done.log[-3000:]
    return url


def run_module(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, env=crawl_env(), capture_output=True, text=True,
                          timeout=timeout)  # fmt: skip


def reextract(database_url: str, *args: str, patched: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    module = ("tests.patched", *patched, "reextract") if patched else ("laodongthudo.reextract",)
    return run_module(*module, "--database", database_url, *args)


def broken_crawl(base_url: str, database_url: str) -> subprocess.CompletedProcess[str]:
    """The crawl as it ran before the selector fix (tests/patched.py)."""
    command = crawl_command(base_url, database_url)
    assert command[1:5] == ["-m", "scrapy", "crawl", "union"]
    return run_module("tests.patched", "--broken-parser", "crawl", *command[5:], timeout=300)


def query(database_url: str, statement) -> list:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(statement))
    finally:
        engine.dispose()


def contents(database_url: str) -> dict[str, dict]:
    """url -> the article's stored content (no ids or times)."""
    rows = query(database_url, select(ArticleRow.__table__))
    return {r.url: {k: v for k, v in r._mapping.items() if k not in WHEN} for r in rows}


def links(database_url: str) -> set[tuple]:
    statement = (
        select(ArticleRow.url, EntityRow.type, EntityRow.key, ArticleEntityRow.mention_count, ArticleEntityRow.role)
        .join(ArticleEntityRow, ArticleEntityRow.article_id == ArticleRow.id)
        .join(EntityRow, EntityRow.id == ArticleEntityRow.entity_id)
    )
    return {tuple(r) for r in query(database_url, statement)}


def revisions(database_url: str) -> list[tuple]:
    statement = select(ArticleRow.url, ArticleRevisionRow.content_hash, ArticleRevisionRow.kicker).join(
        ArticleRow, ArticleRow.id == ArticleRevisionRow.article_id
    )
    return sorted(tuple(r) for r in query(database_url, statement))


def skipped(database_url: str) -> set[tuple[str, str]]:
    return {tuple(r) for r in query(database_url, select(SkippedUrlRow.url, SkippedUrlRow.reason))}


def last_run(database_url: str) -> CrawlRunRow:
    [row] = query(database_url, select(CrawlRunRow.__table__).order_by(CrawlRunRow.id.desc()).limit(1))
    return row


def clone(database_url: str, tmp_path: Path) -> str:
    """A copy of the database (a file copy; on PostgreSQL CREATE DATABASE ... TEMPLATE)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        copy = tmp_path / f"clone-{uuid.uuid4().hex[:6]}.db"
        shutil.copy(url.database, copy)
        return f"sqlite:///{copy}"
    name = f"ldtd_clone_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


# -- a crawl keeps its pages; reextract over them changes nothing -------------------------------------------------


def test_a_crawl_keeps_every_page_and_reextract_over_them_changes_nothing(replica, db_url, reference_db):
    done = run_crawl(replica.base_url, db_url)
    assert done.returncode == 0, done.log[-3000:]
    pages = query(db_url, select(PageRow.__table__))
    articles = query(db_url, select(ArticleRow.url, ArticleRow.page_id))
    by_id = {p.id: p for p in pages}

    # Every response but robots.txt, refused ones included; each body as received, under its sha256.
    assert len(pages) == done.stat("pages/article") + done.stat("pages/listing")
    assert done.stat("pages/listing") == done.stat("listing/pages")
    for page in pages:
        body = zlib.decompress(page.body)
        assert hashlib.sha256(body).hexdigest() == page.sha256 and len(body) == page.size
        assert page.url.startswith(CANONICAL_ROOT) and page.fetched_url.startswith(replica.base_url)
    stored_urls = {p.url: p for p in pages}
    assert stored_urls[CANONICAL_ROOT + MISSING_PATH].status == 404
    # A refused page is kept too (the off-section story stands only in side boxes, which are not followed).
    assert stored_urls[CANONICAL_ROOT + MALFORMED_PATH].status == 200
    assert any(p.kind == "listing" and p.url.endswith("/cong-doan/hoat-dong") for p in pages)
    # Every article points to the page version it was read from.
    for url, page_id in articles:
        assert by_id[page_id].url == url and by_id[page_id].kind == "article"

    before = contents(db_url)
    assert before == contents(reference_db)  # same crawl, same rows
    run = reextract(db_url, "-j", "2")
    assert run.returncode == 0, run.stderr[-3000:]
    assert contents(db_url) == before
    assert revisions(db_url) == []
    row = last_run(db_url)
    assert (row.mode, row.pages_fetched, row.articles_new, row.articles_updated) == ("reextract", 0, 0, 0)
    assert row.articles_unchanged == len(articles)
    assert row.skipped["http_404"] >= 1 and row.skipped["no_body"] >= 1
    assert "it/s" in run.stderr or "page/s" in run.stderr  # the progress bar's rate


def test_an_article_stored_with_its_listings_section_is_re_derived_with_it(tmp_path):
    # The page names no section (no breadcrumb); the crawl took its section from the listing. Re-deriving has no
    # listing: it takes the stored article's section instead, and the row stays as it is.
    site = build_site(n_articles=12, seed=5, faults=["no_breadcrumb"])
    database_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with serve(site) as server:
        done = run_crawl(server.base_url, database_url)
    assert done.returncode == 0, done.log[-3000:]
    assert done.stat("section/from_listing") == 1
    before = contents(database_url)
    run = reextract(database_url, "-j", "1")
    assert run.returncode == 0, run.stderr[-3000:]
    assert contents(database_url) == before
    row = last_run(database_url)
    assert (row.articles_updated, row.articles_new) == (0, 0)
    assert not any(key.startswith("reextract/refused_stored/") for key in row.stats)


# -- a selector fix reaches the archive without a request ---------------------------------------------------------


def test_reextract_after_a_selector_fix_gives_what_a_fresh_crawl_gives(replica, db_url, reference_db, tmp_path):
    done = broken_crawl(replica.base_url, db_url)
    # The broken body selector refuses a share of the pages past MARKUP_ALERT_SHARE: the crawl says so.
    assert done.returncode == 3 and "markup has probably changed" in done.stderr, done.stderr[-3000:]
    reference = contents(reference_db)
    broken = contents(db_url)
    legacy = set(reference) - set(broken)  # the 2019 layout's pages, refused for want of a body
    assert legacy and all(row["kicker"] is None for row in broken.values())
    # Refused for a markup reason in an alerted run: not remembered as skipped (the next runs fetch them), but
    # their pages are kept.
    assert not {url for url, _ in skipped(db_url)} & legacy
    kept = {p.url for p in query(db_url, select(PageRow.url))}
    assert legacy <= kept
    to_fix = {url for url, row in broken.items() if row != reference[url]}
    assert to_fix
    replica.reset()

    # Dry run: says what would change, writes nothing.
    dry = reextract(db_url, "--dry-run", "-j", "1")
    assert dry.returncode == 0, dry.stderr[-3000:]
    assert f"changed              {len(to_fix)} would be" in dry.stderr
    assert f"newly stored         {len(legacy)} would be" in dry.stderr
    assert contents(db_url) == broken

    # --only-failed: the refused pages become articles and leave skipped_urls; stored rows are not touched.
    failed = reextract(db_url, "--only-failed", "-j", "2")
    assert failed.returncode == 0, failed.stderr[-3000:]
    after_failed = contents(db_url)
    assert set(after_failed) == set(reference)
    assert {url: after_failed[url] for url in broken} == broken
    assert not {url for url, _ in skipped(db_url)} & legacy
    assert (last_run(db_url).articles_new, last_run(db_url).articles_updated) == (len(legacy), 0)

    # The fix over everything, killed half-way and run again, against a copy run once without interruption.
    uninterrupted = clone(db_url, tmp_path)
    killed = subprocess.Popen(
        [sys.executable, "-m", "tests.patched", "--slow", "0.5", "reextract", "--database", db_url, "-j", "2",
         "--batch-size", "2"],  # fmt: skip
        cwd=REPO, env=crawl_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not revisions(db_url) and time.monotonic() < deadline and killed.poll() is None:
            time.sleep(0.05)
        os.killpg(killed.pid, signal.SIGKILL)  # the run and its worker processes
    finally:
        killed.wait(timeout=30)
    assert 1 <= len(revisions(db_url)) < len(to_fix), "the kill did not land half-way"

    for database in (db_url, uninterrupted):
        run = reextract(database, "-j", "2")
        assert run.returncode == 0, run.stderr[-3000:]
    fixed = contents(db_url)
    assert fixed == contents(uninterrupted)
    assert links(db_url) == links(uninterrupted)
    assert revisions(db_url) == revisions(uninterrupted)
    assert skipped(db_url) == skipped(uninterrupted)

    # Row by row what a fresh crawl with the fixed parsers stored; each fixed row kept its broken version.
    assert fixed == reference
    assert links(db_url) == links(reference_db)
    assert [(url, kicker) for url, _, kicker in revisions(db_url)] == [(url, None) for url in sorted(to_fix)]
    assert replica.request_log == []  # not one request

    again = reextract(db_url, "-j", "2")
    assert again.returncode == 0 and contents(db_url) == fixed
    assert (last_run(db_url).articles_new, last_run(db_url).articles_updated) == (0, 0)


# -- WARC ----------------------------------------------------------------------------------------------------------


def test_warc_export_is_valid_round_trips_and_rebuilds_the_articles(reference_db, db_url, tmp_path):
    exported = tmp_path / "pages.warc.gz"
    done = run_module("laodongthudo.pages", "--database", reference_db, "export", "--warc", str(exported))
    assert done.returncode == 0, done.stderr
    check = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check", "-v", str(exported)],
                           capture_output=True, text=True)  # fmt: skip
    assert check.returncode == 0 and "digest pass" in check.stdout, check.stdout + check.stderr

    stored = {(p.url, p.sha256): p for p in query(reference_db, select(PageRow.__table__))}
    with exported.open("rb") as stream:
        records = [
            (r.rec_headers.get_header("WARC-Target-URI"), r.http_headers.get_statuscode(), r.content_stream().read())
            for r in ArchiveIterator(stream)
        ]
    assert len(records) == len(stored)
    for uri, status, payload in records:
        page = stored[uri, hashlib.sha256(payload).hexdigest()]
        assert payload == zlib.decompress(page.body) and int(status) == page.status

    # Into a fresh database: the same articles as the crawl, the same pages (the re-export is the same file).
    run = reextract(db_url, "--warc", str(exported), "-j", "2")
    assert run.returncode == 0, run.stderr[-3000:]
    assert contents(db_url) == contents(reference_db)
    assert links(db_url) == links(reference_db)
    again = tmp_path / "again.warc.gz"
    done = run_module("laodongthudo.pages", "--database", db_url, "export", "--warc", str(again))
    assert done.returncode == 0, done.stderr
    assert again.read_bytes() == exported.read_bytes()


def test_extract_reads_a_stored_page(reference_db, tmp_path, capsys):
    [(url, page_id)] = query(reference_db, select(ArticleRow.url, ArticleRow.page_id).limit(1))
    [body] = query(reference_db, select(PageRow.body).where(PageRow.id == page_id))
    saved = tmp_path / "page.html"
    saved.write_bytes(zlib.decompress(body[0]))
    assert extract.main([str(saved), "--url", url]) == 0
    from_file = json.loads(capsys.readouterr().out)
    assert extract.main(["--stored", url, "--database", reference_db]) == 0
    from_store = json.loads(capsys.readouterr().out)
    [(fetched_at,)] = query(reference_db, select(PageRow.fetched_at).where(PageRow.id == page_id))
    assert datetime.fromisoformat(from_store.pop("fetched_at")) == fetched_at  # the page knows when it was fetched
    assert from_file.pop("fetched_at") is None
    assert from_store == from_file
    assert from_file["title"] == contents(reference_db)[url]["title"]
    assert extract.main(["--stored", CANONICAL_ROOT + "/khong-co-1.html", "--database", reference_db]) == 2


# -- the store, without a crawl -----------------------------------------------------------------------------------


def page(body: bytes, at: datetime, n: int = 1) -> Page:
    return Page(f"http://127.0.0.1:1/tin-{n}-{n}.html", 200, [("Content-Type", "text/html; charset=utf-8")],
                body, at)  # fmt: skip


def test_an_unchanged_page_is_stored_once_and_articles_point_to_their_version(db_url):
    t0 = datetime(2025, 3, 1, 1, 0, tzinfo=UTC)
    v1, v2 = page(b"<html>v1</html>", t0), page(b"<html>v2</html>", t0 + timedelta(hours=2))
    article = Article(url=f"{CANONICAL_ROOT}/tin-1-1.html", article_id=1, title="A", content_hash="h1",
                      page_sha256=v1.sha256)  # fmt: skip
    with Store.open(db_url) as store:
        assert store.write_batch([article], pages=[v1]).pages_saved == 1
        store.write_batch([], pages=[page(b"<html>v1</html>", t0 + timedelta(hours=1))])  # the same, fetched again
        store.write_batch([], pages=[v2])
        changed = Article(url=article.url, article_id=1, title="B", content_hash="h2", page_sha256=v2.sha256)
        store.write_batch([changed])
        rows = {r.sha256: r for r in query(db_url, select(PageRow.__table__))}
        assert len(rows) == 2
        assert rows[v1.sha256].fetched_at == rows[v1.sha256].last_fetched_at == t0  # nothing written again
        [(page_id,)] = query(db_url, select(ArticleRow.page_id))
        assert page_id == rows[v2.sha256].id
        [(old_page_id,)] = query(db_url, select(ArticleRevisionRow.page_id))
        assert old_page_id == rows[v1.sha256].id
        assert PageReader(store.engine).latest_of(article.url).sha256 == v2.sha256

        # v1 back after v2: the newest version again, without a second row.
        store.write_batch([], pages=[page(b"<html>v1</html>", t0 + timedelta(hours=3))])
        assert PageReader(store.engine).latest_of(article.url).sha256 == v1.sha256
        assert [p.id for p in PageReader(store.engine).latest()] == [rows[v1.sha256].id]
        store.write_batch([], pages=[page(b"<html>v1</html>", t0 + timedelta(hours=4))])
    rows = {r.sha256: r for r in query(db_url, select(PageRow.__table__))}
    assert rows[v1.sha256].last_fetched_at == t0 + timedelta(hours=3)
    assert query(db_url, select(func.count()).select_from(PageRow))[0][0] == 2


@pytest.mark.parametrize("value", ["off", "OFF", "0", "false"])
def test_pages_store_off_disables_the_capture(value):
    with pytest.raises(NotConfigured):
        PageCapture.from_crawler(get_crawler(settings_dict={"PAGES_STORE": value}))
    assert isinstance(PageCapture.from_crawler(get_crawler(settings_dict={})), PageCapture)


def test_reextract_exits_like_the_crawl(site, tmp_path, unreachable_pg_url):
    from laodongthudo.reextract import main

    assert main(["-j", "0"]) == 1
    assert main(["--since", "2025-02-01", "--until", "2025-01-01"]) == 1
    assert main(["--database", unreachable_pg_url]) == 4

    # Nothing derivable while pages lack a body: the markup alert, status 3 (2019 pages, body selector broken).
    database = f"sqlite:///{tmp_path / 'alert.db'}"
    old = [t for t in site.union_articles() if t.published.year < 2021][:5]
    assert old
    at = datetime(2025, 3, 1, tzinfo=UTC)
    with Store.open(database) as store:
        store.write_batch(
            [],
            pages=[
                Page(
                    CANONICAL_ROOT + t.path,
                    200,
                    [("Content-Type", "text/html; charset=utf-8")],
                    site.respond(t.path).body,
                    at,
                )
                for t in old
            ],  # fmt: skip
        )
    run = reextract(database, "-j", "1", patched=("--broken-parser",))
    assert run.returncode == 3, run.stderr[-3000:]
    row = last_run(database)
    assert (row.mode, row.skipped, row.articles_new) == ("reextract", {"no_body": len(old)}, 0)
    assert row.alert and "markup" in row.alert
    fixed = reextract(database, "-j", "1")
    assert fixed.returncode == 0 and last_run(database).articles_new == len(old)


def test_selection_by_day_section_url_and_failure():
    from laodongthudo.db import HANOI
    from laodongthudo.db.pages import PageSummary
    from laodongthudo.reextract import Known, Selection

    fetched = datetime(2025, 3, 10, 18, 0, tzinfo=UTC)  # 11 March in Hanoi
    summary = PageSummary(1, f"{CANONICAL_ROOT}/tin-1-1.html", "article", 200, fetched, fetched)
    stored = Known("hoat-dong", datetime(2025, 3, 1, 23, 30, tzinfo=HANOI), "h")
    day = datetime(2025, 3, 1).date()
    assert Selection().wants(summary, stored) and Selection().wants(summary, None)
    # Publication day when the article is known, else the (Hanoi) fetch day.
    assert Selection(since=day, until=day).wants(summary, stored)
    assert not Selection(since=day.replace(day=2)).wants(summary, stored)
    assert Selection(since=day.replace(day=11), until=day.replace(day=11)).wants(summary, None)
    assert not Selection(until=day.replace(day=10)).wants(summary, None)
    assert Selection(sections=("hoat-dong",)).wants(summary, stored)
    assert not Selection(sections=("thang-cong-nhan",)).wants(summary, stored)
    assert not Selection(sections=("hoat-dong",)).wants(summary, None)  # no article, no section
    assert Selection(only_failed=True).wants(summary, None) and not Selection(only_failed=True).wants(summary, stored)


def test_pages_stats_say_what_the_table_costs(reference_db, capsys):
    from laodongthudo import pages

    assert pages.main(["--database", reference_db, "stats"]) == 0
    out = capsys.readouterr().out
    [(count, size)] = query(reference_db, select(func.count(), func.sum(func.length(PageRow.body))))
    articles = len(contents(reference_db))
    assert f"{size / articles:.0f} stored page bytes per stored article ({articles} articles)" in out
    assert (
        sum(int(line.split()[1]) for line in out.splitlines()[1:] if line.split()[0] in ("article", "listing")) == count
    )


def test_export_since_until_select_by_fetch_day(reference_db, tmp_path):
    from laodongthudo import pages
    from laodongthudo.db import HANOI

    [(first, last)] = query(reference_db, select(func.min(PageRow.fetched_at), func.max(PageRow.fetched_at)))
    day = first.astimezone(HANOI).date()
    everything, nothing = tmp_path / "all.warc.gz", tmp_path / "none.warc.gz"
    assert pages.main(["--database", reference_db, "export", "--warc", str(everything), "--since", str(day),
                       "--until", str(last.astimezone(HANOI).date())]) == 0  # fmt: skip
    assert pages.main(["--database", reference_db, "export", "--warc", str(nothing), "--until",
                       str(day - timedelta(days=1))]) == 0  # fmt: skip
    with everything.open("rb") as stream:
        assert sum(1 for _ in ArchiveIterator(stream)) == len(query(reference_db, select(PageRow.id)))
    with nothing.open("rb") as stream:
        assert sum(1 for _ in ArchiveIterator(stream)) == 0
    assert pages.main(["--database", reference_db, "export"]) == 1  # --warc is required
