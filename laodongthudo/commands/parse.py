"""`scrapy parse --spider=union URL`: one page through the spider's callbacks, leaving the database alone.

Scrapy's own `parse` runs the crawler with the project's settings, so it would write a `crawl_runs` row and
remember skipped pages in the user's database, and report progress as a first full crawl would. This one turns
off the run record, the progress report and the store pipeline, unless `-s` asks for them.
"""

from __future__ import annotations

import argparse
import warnings

from scrapy.commands.parse import Command as ScrapyParseCommand
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.settings import SETTINGS_PRIORITIES

STORE_PIPELINE = "pipelines.store.StorePipeline"
# What a parse of one page must not do, unless the command line says otherwise.
OFF = {"RUN_RECORD_ENABLED": False, "LDTD_PROGRESS_INTERVAL": 0}


class Command(ScrapyParseCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        # Scrapy's own parse command wraps the callback in one that returns a Deferred, and Scrapy warns of it.
        warnings.filterwarnings("ignore", ".*Returning Deferreds from spider callbacks", ScrapyDeprecationWarning)
        assert self.settings is not None
        cmdline = SETTINGS_PRIORITIES["cmdline"]
        for name, value in OFF.items():
            if (self.settings.getpriority(name) or 0) < cmdline:
                self.settings.set(name, value, priority="cmdline")
        if (self.settings.getpriority("ITEM_PIPELINES") or 0) < cmdline:
            pipelines = {path: order for path, order in self.settings.getdict("ITEM_PIPELINES").items()}
            self.settings.set("ITEM_PIPELINES", {**pipelines, STORE_PIPELINE: None}, priority="cmdline")
