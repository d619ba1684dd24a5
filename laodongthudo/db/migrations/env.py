"""Alembic environment. `laodongthudo.db.upgrade()` passes an open connection in
`config.attributes["connection"]`; the `alembic` command line (see ../alembic.ini) uses
`-x url=...`, else the `DATABASE_URL` environment variable."""

from __future__ import annotations

import os
from typing import Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import JSON, Connection, text
from sqlalchemy.pool import NullPool

from laodongthudo.db.engine import make_engine, mask_url
from laodongthudo.db.models import Base
from laodongthudo.db.searchindex import include_object

# Any constant works: it only has to be the same for every process migrating this database.
MIGRATION_LOCK_KEY = 0x4C445444  # "LDTD"

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    url = url or os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("no database: pass -x url=... or set DATABASE_URL")
    return url


def _render_item(type_: str, obj: object, autogen_context: AutogenContext) -> str | Literal[False]:
    # Autogenerate would spell out the JSON/JSONB variant (and forget an import): name ours instead.
    if type_ == "type" and isinstance(obj, JSON):
        autogen_context.imports.add("import laodongthudo.db.types")
        return "laodongthudo.db.types.JSONType"
    return False


def _configure(**kwargs: object) -> None:
    # Batch mode lets autogenerate write ALTERs that SQLite can run (it rebuilds the table).
    context.configure(
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
        include_object=include_object,
        **kwargs,
    )


def _run(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Two crawlers starting at once: the second waits here, then finds the schema at head.
        # (SQLite gets the same from BEGIN IMMEDIATE, see engine.py.)
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    _configure(url=_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = _url()
    print(f"Migrating {mask_url(url)}")
    engine = make_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
