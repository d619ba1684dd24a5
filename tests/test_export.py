"""`python -m laodongthudo.export`: the database's articles out as JSON Lines, CSV and Parquet, on both databases."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from laodongthudo.db import HANOI, Store
from laodongthudo.export import EXPORT_FIELDS
from tests.crawling import REPO, crawl_env
from tests.test_store import article, person

ORG = {"type": "ORGANIZATION", "name": "Công đoàn ngành Xây dựng", "count": 2, "role": None, "aliases": []}


def export(database_url: str, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "laodongthudo.export", "--database", database_url, *args]
    return subprocess.run(command, cwd=REPO, env=crawl_env(), capture_output=True, text=True, timeout=120)


@pytest.fixture
def filled(store: Store, db_url: str) -> str:
    store.write_batch(
        [
            article(1, published_at=datetime(2024, 12, 31, 23, 30, tzinfo=HANOI), entities=[person("Nguyễn Văn A")]),
            article(2, published_at=datetime(2025, 1, 1, 0, 15, tzinfo=HANOI), entities=[person("Nguyễn Văn A"), ORG]),
            article(3, section="thang-cong-nhan", published_at=datetime(2025, 5, 1, 8, 0, tzinfo=HANOI), entities=[]),
            article(4, published_at=None, body_html="<p>x</p>"),
        ]
    )
    return db_url


def test_jsonl_is_every_stored_article_with_public_fields_and_entities(filled: str) -> None:
    done = export(filled, "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["article_id"] for r in records] == [1, 2, 3, 4]
    assert all(tuple(r) == EXPORT_FIELDS for r in records)  # stable order, no internal field (body_html, hash)
    second = records[1]
    assert second["published_at"] == "2025-01-01T00:15:00+07:00"
    assert second["event_date"] == "2025-02-26"
    assert second["images"] == [{"src": "https://laodongthudo.vn/i/2.jpg", "caption": "Ảnh"}]
    assert sorted((e["type"], e["name"], e["mentions"]) for e in second["entities"]) == [
        ("ORGANIZATION", "Công đoàn ngành Xây dựng", 2),
        ("PERSON", "Nguyễn Văn A", 1),
    ]
    assert records[3]["published_at"] is None
    assert "4 articles exported" in done.stderr


def test_filters_use_hanoi_days_and_sections(filled: str) -> None:
    # 2024-12-31 23:30 Hanoi is 16:30 UTC: a UTC day filter would get this wrong.
    done = export(filled, "--since", "2025-01-01", "--until", "2025-01-01")
    assert [json.loads(line)["article_id"] for line in done.stdout.splitlines()] == [2]
    done = export(filled, "--section", "thang-cong-nhan")
    assert [json.loads(line)["article_id"] for line in done.stdout.splitlines()] == [3]


def test_csv_nested_fields_are_json(filled: str, tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    done = export(filled, "--format", "csv", "-o", str(out))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [int(r["article_id"]) for r in rows] == [1, 2, 3, 4]
    assert json.loads(rows[0]["tags"]) == ["công đoàn"]
    assert json.loads(rows[0]["entities"])[0]["name"] == "Nguyễn Văn A"
    assert rows[0]["published_at"] == "2024-12-31T23:30:00+07:00"
    assert rows[3]["published_at"] == ""


def test_parquet_keeps_types_and_offsets(filled: str, tmp_path: Path) -> None:
    out = tmp_path / "a.parquet"
    done = export(filled, "--format", "parquet", "-o", str(out))
    assert done.returncode == 0, done.stderr
    table = pq.read_table(out)
    assert table.column_names == list(EXPORT_FIELDS)
    records = table.to_pylist()
    assert [r["article_id"] for r in records] == [1, 2, 3, 4]
    first = records[0]["published_at"]
    assert first.utcoffset().total_seconds() == 7 * 3600
    assert first == datetime(2024, 12, 31, 23, 30, tzinfo=HANOI)
    assert records[1]["event_date"] == date(2025, 2, 26)
    assert {e["name"] for e in records[1]["entities"]} == {"Nguyễn Văn A", "Công đoàn ngành Xây dựng"}


def test_bad_arguments_and_missing_database_are_one_line_errors(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'nope.db'}"
    done = export(missing)
    assert done.returncode == 1
    assert "no database at" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "nope.db").exists()
    done = export(missing, "--format", "parquet")
    assert done.returncode == 2 and "needs -o FILE" in done.stderr
    done = export(missing, "--since", "yesterday")
    assert done.returncode == 2 and "YYYY-MM-DD" in done.stderr
