"""Start-up and close-down noise at DEBUG, tracebacks only where they help: a log is a few lines a person reads.

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


# Loggers whose errors come with a traceback of Scrapy's own internals, though the message says it all: a failed
# robots.txt download is the site being unreachable, which the run reports in its own words (exit 5).
ONE_LINE_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt",)


class OneLineWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info, record.exc_text = None, None
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class DemoteInfoToDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


def quiet_startup() -> None:
    """Install the filter once (a logger's filters run before its handlers see the record's level)."""
    for names, kind in ((NOISY_LOGGERS, DemoteInfoToDebug), (ONE_LINE_LOGGERS, OneLineWarning)):
        for name in names:
            logger = logging.getLogger(name)
            if not any(isinstance(f, kind) for f in logger.filters):
                logger.addFilter(kind())
