"""Test doubles for `reextract` tests: run a crawl or a reextract with a parser bug, or slowly.

    python -m tests.patched [--broken-parser] [--slow SECONDS] crawl ARGS...      # scrapy crawl union ARGS
    python -m tests.patched [--broken-parser] [--slow SECONDS] reextract ARGS...  # python -m laodongthudo.reextract

--broken-parser stands for a selector that a later fix corrects: the current layout misses every kicker and tag (rows
come out changed), and the 2019 layout misses every body (those pages are refused as `no_body`). --slow makes each
page's derivation take that long, so that a test can kill a reextract half-way. Only tests import this.
"""

from __future__ import annotations

import argparse
import sys
import time


def break_parsers() -> None:
    """Where the crawl and reextract call the parsers, a reading that loses every kicker and tag of the current
    layout and refuses every 2019 page as `no_body` (the reader's fallbacks would read past one broken selector)."""
    import laodongthudo.derive as derive
    import laodongthudo.spiders.union as union
    from laodongthudo.layouts import NotAnArticle, read_article

    def broken(html: str, url: str):  # type: ignore[no-untyped-def]
        read = read_article(html, url)
        if read.layout == "legacy2019":
            raise NotAnArticle("no_body", "a broken body selector (tests/patched.py)")
        read.article.kicker, read.article.tags = None, []
        return read.article

    derive.parse_article = broken
    union.parse_article = broken


def slow_down(seconds: float) -> None:
    import laodongthudo.reextract as reextract

    derive = reextract.derive

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(seconds)
        return derive(*args, **kwargs)

    reextract.derive = slow


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--broken-parser", action="store_true")
    parser.add_argument("--slow", type=float, default=0.0)
    parser.add_argument("command", choices=("crawl", "reextract"))
    args, rest = parser.parse_known_args()
    if args.broken_parser:
        break_parsers()
    if args.slow:
        slow_down(args.slow)
    if args.command == "reextract":
        from laodongthudo.reextract import main as reextract

        return reextract(rest)
    from scrapy.cmdline import execute

    execute(["scrapy", "crawl", "union", *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
