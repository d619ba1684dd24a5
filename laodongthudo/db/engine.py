"""Engines and database URLs: which backends we support and how each is tuned."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, exc, make_url

SUPPORTED_BACKENDS = ("sqlite", "postgresql")
_PASSWORD_IN_URL = re.compile(r"(://[^:/@]*:)[^@/]*@")


def normalize_url(url: str | URL) -> URL:
    """Parse a database URL; a bare `postgresql://` (or `postgres://`) gets the psycopg 3 driver we ship.

    Raises ValueError, with the password masked, for an unparsable URL or an unsupported backend.
    """
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        raise ValueError(f"not a database URL: {mask_url(url)!r}") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        raise ValueError(
            f"unsupported database {parsed.get_backend_name()!r} in {mask_url(parsed)}:"
            " use sqlite:///path/to/file.db or postgresql+psycopg://user:password@host/dbname"
        )
    return parsed


def mask_url(url: str | URL) -> str:
    """The URL for logs and messages, password replaced by ***; works even on unparsable strings."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return _PASSWORD_IN_URL.sub(r"\1***@", url)


def _json_dumps(value: Any) -> str:
    # Keep Vietnamese readable in SQLite's JSON text (the default escapes every accented letter).
    return json.dumps(value, ensure_ascii=False)


def make_engine(url: str | URL, *, read_only: bool = False, **kwargs: Any) -> Engine:
    """An engine for SQLite or PostgreSQL, tuned for the crawler's write pattern.

    SQLite: foreign keys on (cascade deletes), WAL (readers do not block the crawler), a 30 s busy
    timeout and write transactions that start with BEGIN IMMEDIATE, so two writers queue instead of
    failing with "database is locked" when a read transaction tries to become a write one.
    `read_only`: transactions start with a plain BEGIN instead, which takes no write lock, so that a search,
    report or export neither waits for a crawl's write nor holds it up (WAL: it reads a snapshot).
    PostgreSQL: connections are pinged before use and time out after 10 s instead of hanging.
    """
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, read_only, **kwargs)
    connect_args = {"connect_timeout": 10, **kwargs.pop("connect_args", {})}
    return create_engine(parsed, json_serializer=_json_dumps, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def _sqlite_engine(url: URL, read_only: bool, **kwargs: Any) -> Engine:
    memory = url.database in (None, "", ":memory:")
    if not memory:
        # A missing folder would fail with a bare "unable to open database file".
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    connect_args = kwargs.pop("connect_args", {})
    if "timeout" not in url.query:  # sqlite:///x.db?timeout=5 sets another busy timeout
        connect_args = {"timeout": 30, **connect_args}
    engine = create_engine(url, json_serializer=_json_dumps, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see "begin").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        if not memory:
            _switch_to_wal(cursor)
        cursor.close()

    begin = "BEGIN" if read_only else "BEGIN IMMEDIATE"

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine


def _switch_to_wal(cursor: sqlite3.Cursor) -> None:
    """Put the database in WAL mode (a no-op once it is: the mode is stored in the file).

    On a new file, two connections switching at once can deadlock on the exclusive lock the switch needs;
    SQLite then fails one at once with "database is locked" instead of calling its busy handler. So a
    locked switch is retried here, for as long as the connection's busy timeout.
    """
    deadline = time.monotonic() + cursor.execute("PRAGMA busy_timeout").fetchone()[0] / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
        time.sleep(0.01)
