"""Issue 4's three questions, asked in SQL of a crawl of the replica, and every query of the README as written."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from laodongthudo.db import make_engine
from laodongthudo.timezone import HANOI
from laodongthudo.urls import CANONICAL_ROOT
from replica import build_site, serve
from tests.crawling import run_crawl

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

SEED_2019 = "/dat-ket-qua-cao-tu-nhung-net-moi-sang-tao-trong-hoat-dong-cong-doan-98821.html"
SEED_2022 = "/hoat-dong-cong-doan-huong-ve-co-so-vi-doan-vien-nguoi-lao-dong-148269.html"

# The README's queries (SQLite spelling: times are stored as UTC ISO text there).
CHAIR_OF_THANH_XUAN = """
SELECT DISTINCT a.url FROM articles a
JOIN article_entities ae ON ae.article_id = a.id
JOIN entities e ON e.id = ae.entity_id
WHERE e.type = 'PERSON' AND ae.role LIKE 'Chủ tịch Liên đoàn Lao động quận Thanh Xuân%'
"""
NAMING_YAMAHA = """
SELECT DISTINCT a.url FROM articles a
JOIN article_entities ae ON ae.article_id = a.id
JOIN entities e ON e.id = ae.entity_id
WHERE e.type = 'ORGANIZATION' AND e.name = 'Công ty TNHH Yamaha Motor Việt Nam'
"""
IN_CAU_GIAY_THIS_YEAR = """
SELECT DISTINCT a.url FROM articles a
JOIN article_entities ae ON ae.article_id = a.id
JOIN entities e ON e.id = ae.entity_id
WHERE e.type = 'LOCATION' AND e.name = 'quận Cầu Giấy'
  AND a.published_at >= :year_start AND a.published_at < :year_end
"""


def truth_entities(site, path):
    return site.article_details(path)["entities"] or []


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    site = build_site(n_articles=150, seed=11)
    database_url = f"sqlite:///{tmp_path_factory.mktemp('q') / 'crawl.db'}"
    with serve(site) as server:
        result = run_crawl(server.base_url, database_url)
    assert result.returncode == 0, result.log[-3000:]
    return site, database_url


def ask(database_url: str, sql: str, **params) -> set[str]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return {row.url for row in conn.execute(text(sql), params)}
    finally:
        engine.dispose()


def test_articles_naming_the_chair_of_thanh_xuan_federation(crawled):
    site, database_url = crawled
    expected = {CANONICAL_ROOT + SEED_2019}  # Cao Đắc Tiến, Chủ tịch LĐLĐ quận Thanh Xuân
    for truth in site.union_articles():
        for entity in truth_entities(site, truth.path):
            role = entity.get("role") or ""
            if entity["type"] == "PERSON" and role.startswith("Chủ tịch") and role.endswith("quận Thanh Xuân"):
                expected.add(CANONICAL_ROOT + truth.path)
    assert len(expected) >= 2
    assert ask(database_url, CHAIR_OF_THANH_XUAN) == expected


def test_articles_naming_yamaha(crawled):
    site, database_url = crawled
    expected = {CANONICAL_ROOT + SEED_2022}
    for truth in site.union_articles():
        if any(e["name"] == "Công ty TNHH Yamaha Motor Việt Nam" for e in truth_entities(site, truth.path)):
            expected.add(CANONICAL_ROOT + truth.path)
    assert ask(database_url, NAMING_YAMAHA) == expected


def test_what_happened_in_cau_giay_this_year(crawled):
    site, database_url = crawled
    about_cau_giay = [
        truth
        for truth in site.union_articles()
        if any("Cầu Giấy" in e["name"] for e in truth_entities(site, truth.path))
    ]
    # "This year" in the replica's timeline: the latest year it has news from Cầu Giấy in.
    year = max(truth.published.year for truth in about_cau_giay)
    expected = {CANONICAL_ROOT + truth.path for truth in about_cau_giay if truth.published.year == year}
    utc = ZoneInfo("UTC")
    bounds = {
        "year_start": datetime(year, 1, 1, tzinfo=HANOI).astimezone(utc).isoformat(),
        "year_end": datetime(year + 1, 1, 1, tzinfo=HANOI).astimezone(utc).isoformat(),
    }
    assert ask(database_url, IN_CAU_GIAY_THIS_YEAR, **bounds) == expected


README = Path(__file__).resolve().parent.parent / "README.md"
SQL_BLOCK = re.compile(r"```sql\n-- (?P<databases>[^\n]+)\n(?P<sql>.*?)```", re.S)


def readme_queries(database: str) -> list[str]:
    """The README's "Asking the database" queries spelled for `database` (each block's first line names them)."""
    section = README.read_text(encoding="utf-8").split("### Asking the database", 1)[1].split("\n### ", 1)[0]
    blocks = list(SQL_BLOCK.finditer(section))
    assert len(blocks) >= 5, "the README's query blocks must start with a '-- <databases>' line"
    return [m["sql"].strip().rstrip(";") for m in blocks if database in m["databases"]]


@pytest.fixture(scope="module")
def crawled_pg(pg_server):
    from tests.conftest import _database

    site = build_site(n_articles=150, seed=11)
    with _database(pg_server) as database_url, serve(site) as server:
        result = run_crawl(server.base_url, database_url)
        assert result.returncode == 0, result.log[-3000:]
        yield database_url


def rows_of(database_url: str, sql: str) -> list[tuple]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)))
    finally:
        engine.dispose()


def test_every_readme_query_returns_rows_on_sqlite(crawled):
    _, database_url = crawled
    queries = readme_queries("SQLite")
    assert len(queries) >= 4
    for sql in queries:
        assert rows_of(database_url, sql), sql


@pytest.mark.postgres
def test_every_readme_query_returns_rows_on_postgresql(crawled, crawled_pg):
    _, sqlite_url = crawled
    queries = readme_queries("PostgreSQL")
    assert len(queries) >= 4
    for sql in queries:
        assert rows_of(crawled_pg, sql), sql
    # The two spellings of "Cầu Giấy in 2021" (Hanoi days) find the same articles on the same replica.
    pg_only = next(sql for sql in queries if sql not in readme_queries("SQLite"))
    sqlite_only = next(sql for sql in readme_queries("SQLite") if sql not in queries)
    assert sorted(r.title for r in rows_of(crawled_pg, pg_only)) == sorted(
        r.title for r in rows_of(sqlite_url, sqlite_only)
    )
