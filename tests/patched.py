"""Test doubles for `reextract` tests: run a crawl or a reextract with a parser bug, or slowly.

    python -m tests.patched [--broken-parser] [--slow SECONDS] crawl ARGS...      # scrapy crawl union ARGS
    python -m tests.patched [--broken-parser] [--slow SECONDS] reextract ARGS...  # python -m laodongthudo.reextract

--broken-parser stands for a selector that a later fix corrects: the current layout misses every kicker (rows come
out changed), and the 2019 layout misses every body (those pages are refused as `no_body`). --slow makes each
page's derivation take that long, so that a test can kill a reextract half-way. Only tests import this.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time

BROKEN_KICKER = ("div.no-such-kicker",)
BROKEN_BODY = ("div.no-such-body",)


def break_parsers() -> None:
    import laodongthudo.layouts as layouts

    layouts.ARTICLE_LAYOUTS = tuple(
        dataclasses.replace(layout, kicker=BROKEN_KICKER)
        if layout.name == "mastercms"
        else dataclasses.replace(layout, body=BROKEN_BODY)
        for layout in layouts.ARTICLE_LAYOUTS
    )


def slow_down(seconds: float) -> None:
    import laodongthudo.reextract as reextract

    derive = reextract.derive

    def slow(page):  # type: ignore[no-untyped-def]
        time.sleep(seconds)
        return derive(page)

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
