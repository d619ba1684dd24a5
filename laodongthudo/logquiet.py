"""Start-up and close-down noise at DEBUG, tracebacks only where they help: a log is a few lines a person reads.

Scrapy logs its versions, every enabled component, the overridden settings and the whole stats dict at INFO;
Alembic logs its dialect at every connection. The run summary (extensions/run_record.py) and `STATS_FILE` carry
what matters of them; `LOG_LEVEL=DEBUG` shows them all again.
"""

from __future__ import annotations

import logging

# Loggers whose INFO records are start-up or close-down detail: the messages starting so (None: every one).
NOISY_LOGGERS: dict[str, tuple[str, ...] | None] = {
    "scrapy.utils.log": None,  # versions
    "scrapy.addons": None,
    "scrapy.middleware": None,  # enabled extensions, middlewares, pipelines
    "scrapy.crawler": ("Overridden settings",),  # not "Received SIGINT, shutting down gracefully"
    "scrapy.statscollectors": None,  # the stats dump
    "alembic.runtime.migration": ("Context impl", "Will assume"),  # not "Running upgrade ..."
}

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
    def __init__(self, prefixes: tuple[str, ...] | None = None) -> None:
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO and (self.prefixes is None or str(record.msg).startswith(self.prefixes)):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


def _install(name: str, log_filter: logging.Filter) -> None:
    logger = logging.getLogger(name)
    if not any(type(f) is type(log_filter) for f in logger.filters):
        logger.addFilter(log_filter)


def quiet_startup() -> None:
    """Install the filters once (a logger's filters run before its handlers see the record's level)."""
    for name, prefixes in NOISY_LOGGERS.items():
        _install(name, DemoteInfoToDebug(prefixes))
    for name in ONE_LINE_LOGGERS:
        _install(name, OneLineWarning())
