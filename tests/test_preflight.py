"""Wrong settings fail loudly before the first request: one ERROR line, no traceback, exit 1.

Bad spider arguments: tests/test_backfill.py.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from laodongthudo import preflight
from tests.crawling import REPO, crawl_command, crawl_env

CLOSED = "http://127.0.0.1:9"  # never contacted: every case below must stop before the first request


def run(base_url: str, database_url: str, *spider_args: str) -> subprocess.CompletedProcess:
    command = crawl_command(base_url, database_url, *spider_args)
    return subprocess.run(command, cwd=REPO, env=crawl_env(), capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("base_url", "database", "spider_args", "says"),
    [
        ("127.0.0.1:8765", "ok", (), "LDTD_BASE_URL must be an http(s) site root"),
        ("ftp://127.0.0.1/", "ok", (), "LDTD_BASE_URL must be an http(s) site root"),
        (CLOSED, "notaurl", (), "not a database URL: 'notaurl'"),
        (CLOSED, "mysql://u:secret@h/db", (), "unsupported database 'mysql'"),
        (CLOSED, "missing-folder", (), "does not exist"),
        (CLOSED, "notaurl", ("section=",), "section is empty"),  # every problem, in the one line
    ],
)
def test_a_wrong_setting_is_one_error_line_and_exit_1(
    tmp_path: Path, base_url: str, database: str, spider_args: tuple[str, ...], says: str
) -> None:
    target = tmp_path / "crawl.db"
    database_url = {"ok": f"sqlite:///{target}", "missing-folder": f"sqlite:///{tmp_path / 'no' / 'x.db'}"}.get(
        database, database
    )
    done = run(base_url, database_url, *spider_args)
    log = done.stderr + done.stdout
    assert done.returncode == 1, log[-3000:]
    errors = [line for line in log.splitlines() if " ERROR: " in line]
    assert len(errors) == 1 and says in errors[0], errors
    assert "Traceback" not in log and "secret" not in log
    assert not target.exists() and not (tmp_path / "no").exists()  # nothing created, nothing crawled
    assert "Spider opened" not in log


def test_the_log_names_the_database_file_by_its_absolute_path(tmp_path: Path) -> None:
    assert preflight.describe_database("sqlite:///relative.db") == f"SQLite file {Path.cwd() / 'relative.db'}"
    assert "***" in preflight.describe_database("postgresql://u:pw@host/db")
    done = run(CLOSED, f"sqlite:///{tmp_path / 'crawl.db'}", "section=hoat-dong")
    assert f"Database: SQLite file {tmp_path / 'crawl.db'}" in done.stderr
