"""Schema migrations, run from code: crawls call `upgrade()` at start, nobody runs alembic by hand."""

from __future__ import annotations

import atexit
import functools
import importlib.resources
import logging
import shutil
import tempfile
import threading
from importlib.resources.abc import Traversable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Engine

from .engine import make_engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")  # in a zipped egg (Scrapyd): no directory, see below
# Alembic keeps its running context in module globals: one migration at a time per process.
# (Processes exclude each other in the database: see migrations/env.py.)
_process_lock = threading.Lock()
# Alembic announces each of its plugins at INFO on every run: noise in every crawl's log.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def _copy_tree(source: Traversable, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            _copy_tree(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())


@functools.cache
def migrations_dir() -> Path:
    """The directory of the Alembic scripts. Alembic reads them from a file system: when the package is
    imported from a zip (Scrapyd runs crawls from the project's egg), they are copied out once per process."""
    if MIGRATIONS_DIR.is_dir():
        return MIGRATIONS_DIR
    source = importlib.resources.files(__package__ or "laodongthudo.db") / "migrations"
    root = Path(tempfile.mkdtemp(prefix="ldtd-migrations-"))
    atexit.register(shutil.rmtree, root, True)
    _copy_tree(source, root / "migrations")
    return root / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _run(engine_or_url: Engine | str | URL, action: str, revision: str) -> None:
    engine = engine_or_url if isinstance(engine_or_url, Engine) else make_engine(engine_or_url)
    config = alembic_config()
    try:
        # One transaction for the whole run: a failed revision leaves the schema as it was, and on
        # SQLite, BEGIN IMMEDIATE makes a second process wait for the first instead of racing it.
        with _process_lock, engine.begin() as connection:
            config.attributes["connection"] = connection
            getattr(command, action)(config, revision)
    finally:
        if engine is not engine_or_url:
            engine.dispose()


def upgrade(engine_or_url: Engine | str | URL, revision: str = "head") -> None:
    """Bring the schema to `revision` (default: the newest); a no-op when it is already there."""
    _run(engine_or_url, "upgrade", revision)


def downgrade(engine_or_url: Engine | str | URL, revision: str) -> None:
    """Take the schema back to `revision` ("base" drops every table)."""
    _run(engine_or_url, "downgrade", revision)
