"""`scrapy parse --spider=union URL` (the spider's `parse`, laodongthudo/commands/parse.py): it shows what the
spider makes of one page, article or listing, and leaves the user's database alone."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from laodongthudo.db import make_engine, upgrade
from replica import OFF_SECTION_PATH, build_site, serve
from tests.crawling import REPO, crawl_env

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
SEED_2022 = "/hoat-dong-cong-doan-huong-ve-co-so-vi-doan-vien-nguoi-lao-dong-148269.html"


def scrapy_parse(base_url: str, database_url: str, path: str) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "scrapy", "parse", "--spider=union", "-s", f"LDTD_BASE_URL={base_url}",
            "-s", f"DATABASE_URL={database_url}", "-s", "ROBOTSTXT_OBEY=False", base_url + path]  # fmt: skip
    return subprocess.run(args, cwd=REPO, env=crawl_env(), capture_output=True, text=True, timeout=120)


def counts(database_url: str) -> tuple[int, int, int]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return tuple(
                connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("crawl_runs", "skipped_urls", "articles")
            )
    finally:
        engine.dispose()


def test_scrapy_parse_shows_an_article_a_listing_and_writes_nothing(tmp_path) -> None:
    database = tmp_path / "user.db"
    database_url = f"sqlite:///{database}"
    with serve(build_site(n_articles=30, seed=6)) as server:
        article = scrapy_parse(server.base_url, database_url, SEED_2022)
        assert article.returncode == 0, article.stderr[-3000:]
        assert "NotImplementedError" not in article.stderr
        assert "'title': 'Hoạt động Công đoàn hướng về cơ sở vì đoàn viên, người lao động'" in article.stdout
        assert not database.exists()  # not even created

        upgrade(database_url)  # a user's database: a parse adds no run, no skipped page, no article to it
        listing = scrapy_parse(server.base_url, database_url, "/cong-doan/hoat-dong")
        off_section = scrapy_parse(server.base_url, database_url, OFF_SECTION_PATH)
    assert listing.returncode == 0, listing.stderr[-3000:]
    assert listing.stdout.count("<GET ") >= 10  # the articles the listing page links
    assert off_section.returncode == 0 and "Skipped (off_section)" in off_section.stderr
    assert "WARNING" not in article.stderr + listing.stderr and "lost" not in listing.stderr  # one page, not a crawl
    assert counts(database_url) == (0, 0, 0)
