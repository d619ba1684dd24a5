"""datasette opens the SQLite database with datasette/metadata.json, as the README shows: every canned query
runs and gives what the same SQL gives, the search query ignores diacritics, and the metadata names only
tables and columns that exist."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import pytest
from datasette.app import Datasette

from laodongthudo.db import HANOI, Store, make_engine
from laodongthudo.items import Article
from laodongthudo.search import Searcher, SearchQuery
from tests.crawling import REPO

METADATA = REPO / "datasette" / "metadata.json"


def _article(n: int, title: str, sapo: str, when: datetime, entities: list[dict]) -> Article:
    return Article(
        url=f"https://laodongthudo.vn/bai-{n}-{n}.html", article_id=n, section="hoat-dong", title=title, sapo=sapo,
        body=f"{sapo}\n\nĐoàn viên công đoàn tham gia đông đủ.", published_at=when, content_hash=f"h{n}",
        entities=entities,
    )  # fmt: skip


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "laodongthudo.db"  # the file's stem is the database's name in the metadata
    chair = "Chủ tịch Liên đoàn Lao động quận Thanh Xuân"
    articles = [
        _article(1, "Công đoàn Yamaha chăm lo Tết", "Công ty TNHH Yamaha Motor Việt Nam trao quà.",
                 datetime(2025, 1, 20, 9, tzinfo=HANOI),
                 [{"type": "ORGANIZATION", "name": "Công ty TNHH Yamaha Motor Việt Nam"},
                  {"type": "PERSON", "name": "Nguyễn Văn An", "role": chair}]),
        _article(2, "LĐLĐ quận Cầu Giấy ra quân", "Sáng 5/1, LĐLĐ quận Cầu Giấy tổ chức Tết sum vầy.",
                 datetime(2026, 1, 5, 10, tzinfo=HANOI), [{"type": "LOCATION", "name": "quận Cầu Giấy"}]),
        _article(3, "Cầu Giấy năm cũ", "Tổng kết năm 2025 ở quận Cầu Giấy.",
                 datetime(2025, 12, 31, 20, tzinfo=HANOI), [{"type": "LOCATION", "name": "quận Cầu Giấy"}]),
    ]  # fmt: skip
    with Store.open(f"sqlite:///{path}") as store:
        assert store.write_batch(articles).new == 3
    return path


def datasette_get(database: Path, path: str) -> list[dict]:
    """A request to datasette in this process (the command line costs seconds per request)."""

    async def get() -> list[dict]:
        app = Datasette([str(database)], metadata=json.loads(METADATA.read_text()))
        response = await app.client.get(path)
        assert response.status_code == 200, response.text[:2000]
        return response.json()

    return asyncio.run(get())


def test_the_documented_command_opens_the_database(database: Path) -> None:
    # README: datasette laodongthudo.db -m datasette/metadata.json (--get: one request, no server)
    path = "/laodongthudo/yamaha.json?_shape=array"
    command = [sys.executable, "-m", "datasette", str(database), "-m", str(METADATA), "--get", path]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert [row["title"] for row in json.loads(done.stdout)] == ["Công đoàn Yamaha chăm lo Tết"]


def canned(database: Path, name: str, **params: object) -> list[dict]:
    return datasette_get(database, f"/laodongthudo/{name}.json?{urlencode({**params, '_shape': 'array'})}")


def test_every_canned_query_gives_what_its_sql_gives(database: Path) -> None:
    queries = json.loads(METADATA.read_text())["databases"]["laodongthudo"]["queries"]
    assert {"search", "chair_of_thanh_xuan", "yamaha", "cau_giay_this_year", "people_of_an_article"} <= set(queries)
    params = {"search": {"q": "tet"}, "people_of_an_article": {"article_id": 1}}
    connection = sqlite3.connect(database)
    connection.row_factory = sqlite3.Row
    for name, query in queries.items():
        shown = canned(database, name, **params.get(name, {}))
        expected = [dict(row) for row in connection.execute(query["sql"], params.get(name, {}))]
        assert shown == expected, name
        assert shown, name  # the fixture has an answer for each
    connection.close()
    assert [r["title"] for r in canned(database, "cau_giay_this_year")] == ["LĐLĐ quận Cầu Giấy ra quân"]
    assert [r["role"] for r in canned(database, "people_of_an_article", article_id=1)] == [
        "Chủ tịch Liên đoàn Lao động quận Thanh Xuân"
    ]


def test_the_search_query_ignores_diacritics(database: Path) -> None:
    with_marks = canned(database, "search", q="Tết sum vầy")
    assert [r["title"] for r in with_marks] == ["LĐLĐ quận Cầu Giấy ra quân"]
    assert canned(database, "search", q="tet sum vay") == with_marks
    assert "[Tết] [sum] [vầy]" in with_marks[0]["snippet"]
    assert len(canned(database, "search", q="đoàn viên")) == 3
    assert canned(database, "search", q='"vay sum"') == []


def test_the_search_query_ranks_as_the_command_does(database: Path) -> None:
    # Both steps: the words as typed, side by side (index of word pairs), then the others (syllable index).
    engine = make_engine(f"sqlite:///{database}", read_only=True)
    searcher = Searcher(engine)
    steps = set()
    for q in ("cau giay", "nam cau giay", "cau giay nam", "doan vien tham", "đoàn viên công đoàn", "yamaha", "tết"):
        hits = searcher.search(SearchQuery(q, limit=50))
        assert [r["url"] for r in canned(database, "search", q=q)] == [hit.url for hit in hits], q
        steps |= {hit.exact for hit in hits}
    engine.dispose()
    assert steps == {True, False}


def test_the_articles_table_search_box_uses_the_index(database: Path) -> None:
    rows = datasette_get(database, "/laodongthudo/articles.json?_search=yamaha+motor&_shape=array")
    assert [r["article_id"] for r in rows] == [1]


def test_the_metadata_names_existing_tables_and_columns(database: Path) -> None:
    tables = json.loads(METADATA.read_text())["databases"]["laodongthudo"]["tables"]
    connection = sqlite3.connect(database)
    existing = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table, meta in tables.items():
        assert table in existing, table
        columns = {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}
        assert set(meta.get("columns", {})) <= columns, table
    connection.close()
    visible = existing - {t for t, meta in tables.items() if meta.get("hidden")} - {"alembic_version"}
    assert visible <= set(tables)  # every table a user sees is described
