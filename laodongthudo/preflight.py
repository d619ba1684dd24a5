"""Settings and arguments checked before the first request: a typo is one ERROR line and exit 1, not a run.

`scrapy crawl` (laodongthudo.commands.crawl) calls `problems()`; each problem is a sentence that says what is
wrong and what would be right.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings
from sqlalchemy import URL

from laodongthudo.db import mask_url, normalize_url


def base_url_problem(base_url: str | None) -> str | None:
    parts = urlsplit((base_url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"LDTD_BASE_URL must be an http(s) site root such as https://laodongthudo.vn, not {base_url!r}"
    return None


def sqlite_path(url: URL) -> Path | None:
    """The absolute path of a SQLite database file (None: in memory, or not SQLite)."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).expanduser().resolve()


def database_problem(database_url: str | None) -> str | None:
    try:
        url = normalize_url(database_url or "")
    except ValueError as error:
        return f"DATABASE_URL: {error}"
    path = sqlite_path(url)
    if path is not None and not path.parent.is_dir():
        return f"DATABASE_URL: the folder of the SQLite file {path} does not exist (create it, or fix the URL)"
    return None


def describe_database(database_url: str) -> str:
    """For the log: the SQLite file's absolute path, or the URL with its password masked."""
    try:
        path = sqlite_path(normalize_url(database_url))
    except ValueError:
        return mask_url(database_url)
    return f"SQLite file {path}" if path else mask_url(database_url)


def arguments_problem(spidercls: type, spider_args: Mapping[str, Any]) -> str | None:
    """The spider's own checks of its `-a` arguments, made by building it once (it has no side effects)."""
    try:
        spidercls(**spider_args)
    except (TypeError, ValueError) as error:
        return f"bad argument: {error}"
    return None


def problems(settings: BaseSettings, spidercls: type, spider_args: Mapping[str, Any]) -> list[str]:
    found = [
        base_url_problem(settings.get("LDTD_BASE_URL")),
        database_problem(settings.get("DATABASE_URL")),
        arguments_problem(spidercls, spider_args),
    ]
    return [problem for problem in found if problem]
