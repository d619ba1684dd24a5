"""Issue 4's three questions, asked in SQL (the README's queries) of a crawl of the replica."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from laodongthudo.db import make_engine
from laodongthudo.replica import build_site, serve
from laodongthudo.urls import CANONICAL_ROOT
from tests.crawling import run_crawl

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
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
