"""Opening the database for the reading tools (search, report): the schema brought to head first, so that
an archive crawled by an older release gets its search index built before it is searched."""

from __future__ import annotations

import logging
import sys

from scrapy.settings import Settings
from sqlalchemy import URL, Engine

from laodongthudo import settings as project_module

from .engine import make_engine, mask_url
from .migrate import current_revision, head_revision, upgrade
from .store import StoreUnavailable, describe_error, is_transient

logger = logging.getLogger(__name__)


def project_settings() -> Settings:
    """The crawler's settings (laodongthudo/settings.py, environment variables included)."""
    settings = Settings()
    settings.setmodule(project_module)
    return settings


def open_for_reading(url: str | URL) -> Engine:
    """A read-only engine (it never waits for a crawl's writes) on an up-to-date schema, brought there by a
    writing engine if need be. ValueError for a bad URL, StoreUnavailable when unreachable."""
    engine = make_engine(url, read_only=True)
    try:
        if current_revision(engine) != head_revision():
            logger.info("Bringing the schema of %s to %s", mask_url(engine.url), head_revision())
            upgrade(engine.url)
    except Exception as error:
        engine.dispose()
        if is_transient(error):
            raise StoreUnavailable(f"cannot open {mask_url(url)}: {describe_error(error)}") from error
        raise
    return engine


def open_for_command(url: str | URL) -> Engine | int:
    """`open_for_reading` for a command line: the engine, or the exit status (2 bad URL, 4 unreachable) after a
    one-line error on stderr."""
    try:
        return open_for_reading(url)
    except (ValueError, StoreUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return 4 if isinstance(error, StoreUnavailable) else 2
