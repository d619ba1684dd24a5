"""Start-up and close-down noise at DEBUG: a no-op scheduled run's log is a few lines a person reads.

Scrapy logs its versions, every enabled component, the overridden settings and the whole stats dict at INFO;
Alembic logs its dialect at every connection. The run summary (extensions/run_record.py) and `STATS_FILE` carry
what matters of them; `LOG_LEVEL=DEBUG` shows them all again.
"""

from __future__ import annotations

import logging

# Loggers whose INFO records are start-up or close-down detail.
NOISY_LOGGERS = (
    "scrapy.utils.log",  # versions
    "scrapy.addons",
    "scrapy.middleware",  # enabled extensions, middlewares, pipelines
    "scrapy.crawler",  # overridden settings
    "scrapy.statscollectors",  # the stats dump
    "alembic.runtime.migration",  # "Context impl SQLiteImpl."
)


class DemoteInfoToDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


def quiet_startup() -> None:
    """Install the filter once (a logger's filters run before its handlers see the record's level)."""
    for name in NOISY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, DemoteInfoToDebug) for f in logger.filters):
            logger.addFilter(DemoteInfoToDebug())
