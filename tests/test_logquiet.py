"""Start-up noise goes to DEBUG; what a person must see (a shutdown, a migration, a warning) stays."""

from __future__ import annotations

import logging

import pytest

from laodongthudo.logquiet import quiet_startup


@pytest.mark.parametrize(
    ("logger", "message", "level", "shown"),
    [
        ("scrapy.crawler", "Overridden settings:\n{...}", logging.INFO, False),
        ("scrapy.crawler", "Received SIGINT, shutting down gracefully. Send again to force ", logging.INFO, True),
        ("scrapy.middleware", "Enabled item pipelines:\n[...]", logging.INFO, False),
        ("scrapy.statscollectors", "Dumping Scrapy stats:\n{...}", logging.INFO, False),
        ("alembic.runtime.migration", "Context impl SQLiteImpl.", logging.INFO, False),
        ("alembic.runtime.migration", "Running upgrade 0005 -> 0006, field sources", logging.INFO, True),
        ("scrapy.middleware", "something went wrong", logging.WARNING, True),
    ],
)
def test_only_noise_is_demoted(caplog, logger: str, message: str, level: int, shown: bool) -> None:
    quiet_startup()
    with caplog.at_level(logging.INFO):
        logging.getLogger(logger).log(level, message)
    assert bool(caplog.records) is shown


def test_a_robots_failure_is_one_warning_line(caplog) -> None:
    quiet_startup()
    try:
        raise ConnectionRefusedError("refused")
    except ConnectionRefusedError:
        with caplog.at_level(logging.INFO):
            logging.getLogger("scrapy.downloadermiddlewares.robotstxt").error("Error downloading x", exc_info=True)
    (record,) = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
