"""Test equipment shared by the end-to-end tests: a free loopback port, and `scrapy` run in a subprocess as a
user runs it (`run_crawl`: the union spider against a replica; `run_scrapy`: any scrapy command line)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from laodongthudo.db import ArticleRow, make_engine

REPO = Path(__file__).resolve().parent.parent

# Politeness off: the replica is ours and local.
FAST = {
    "ROBOTSTXT_OBEY": "True",
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "RETRY_TIMES": "3",
    "LOG_LEVEL": "INFO",
}


def free_port() -> int:
    """A loopback port nothing listens on (once this returns)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class CrawlResult:
    returncode: int
    log: str
    stats: dict

    def stat(self, key: str) -> int:
        return int(self.stats.get(key, 0) or 0)


def crawl_command(
    base_url: str, database_url: str, *spider_args: str, settings: dict[str, str] | None = None
) -> list[str]:
    """The `scrapy crawl union` command line, politeness off, for the given site and database."""
    return scrapy_command(union_command(spider_args), crawl_settings(base_url, database_url, settings))


def union_command(spider_args: tuple[str, ...]) -> list[str]:
    """`crawl union` with each spider argument (`since=2025-01-01`) as `-a`."""
    return ["crawl", "union", *(arg for spider_arg in spider_args for arg in ("-a", spider_arg))]


def crawl_settings(base_url: str, database_url: str, settings: dict[str, str] | None = None) -> dict[str, str]:
    """Politeness off, then `settings`, then the site and the database."""
    return {**FAST, **(settings or {}), "LDTD_BASE_URL": base_url, "DATABASE_URL": database_url}


def scrapy_command(command: list[str], settings: dict[str, str]) -> list[str]:
    """`python -m scrapy` with this command and its arguments, then every setting as `-s NAME=value`."""
    args = [sys.executable, "-m", "scrapy", *command]
    for name, value in settings.items():
        args += ["-s", f"{name}={value}"]
    return args


def crawl_env() -> dict[str, str]:
    """This environment without the variables a crawl would otherwise take its site and database from."""
    return {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LDTD_BASE_URL")}


def run_scrapy(command: list[str], settings: dict[str, str], timeout: float = 300) -> CrawlResult:
    """A scrapy command run in the repository as a user runs it; stats read back from the JSON the STATS_FILE
    setting names."""
    stats_file = Path(tempfile.mkstemp(prefix="ldtd-stats-", suffix=".json")[1])
    stats_file.unlink()
    args = scrapy_command(command, {**settings, "STATS_FILE": str(stats_file)})
    done = subprocess.run(args, cwd=REPO, env=crawl_env(), capture_output=True, text=True, timeout=timeout)
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    stats_file.unlink(missing_ok=True)
    return CrawlResult(done.returncode, done.stderr + done.stdout, stats)


def run_crawl(
    base_url: str,
    database_url: str,
    *spider_args: str,
    settings: dict[str, str] | None = None,
    timeout: float = 300,
) -> CrawlResult:
    """`scrapy crawl union` against `base_url`, into `database_url`, politeness off."""
    return run_scrapy(union_command(spider_args), crawl_settings(base_url, database_url, settings), timeout)


def stored_rows(database_url: str) -> list[dict]:
    """Every stored article as a dict of its columns (JSON decoded, times aware), ordered by URL."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(ArticleRow.__table__).order_by(ArticleRow.url))
            return [dict(row._mapping) for row in rows]
    finally:
        engine.dispose()
