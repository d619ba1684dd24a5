"""python -m laodongthudo.search "QUERY" [--section S] [--since D] [--until D] [--entity NAME] [--limit N] [--json]

Ranked, accent-insensitive search: "cong doan hoang mai" finds "Công đoàn Hoàng Mai". Words must all be
present; "a quoted phrase" must appear as such; OR gives alternatives; -word leaves articles out.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from laodongthudo.crawlplan import parse_day
from laodongthudo.db.engine import mask_url
from laodongthudo.db.reading import open_for_command, project_settings

from .query import QuerySyntaxError
from .searcher import Searcher, SearchHit, SearchQuery


def _day(name: str):  # argparse type: a clear message for a bad date
    def parse(value: str) -> date:
        try:
            day = parse_day(value, name)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
        assert day is not None
        return day

    return parse


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return number


def build_parser(default_url: str, default_limit: int) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m laodongthudo.search",
        description=__doc__.split("\n\n", 1)[1].strip(),
    )
    parser.add_argument("query", help='words, "phrases", OR, -word; with or without diacritics')
    parser.add_argument("--section", help="subsection slug, e.g. hoat-dong")
    parser.add_argument("--since", type=_day("--since"), help="first day, YYYY-MM-DD (Hanoi time, inclusive)")
    parser.add_argument("--until", type=_day("--until"), help="last day, YYYY-MM-DD (Hanoi time, inclusive)")
    parser.add_argument("--entity", help="only articles naming this person, organisation or place")
    parser.add_argument("--limit", type=_positive, default=default_limit, help=f"results (default {default_limit})")
    parser.add_argument(
        "--newest", action="store_true", help="newest first instead of best first (the words as typed still first)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON array instead of text")
    parser.add_argument("--database", default=default_url, help="SQLAlchemy URL (default: DATABASE_URL)")
    return parser


def format_hit(number: int, hit: SearchHit) -> str:
    day = hit.published_at.strftime("%Y-%m-%d") if hit.published_at else "----------"
    return f"{number:>3}. {day}  {hit.section or '-'}  {hit.title or '(no title)'}\n     {hit.url}\n     {hit.snippet}"


def main(argv: list[str] | None = None) -> int:
    settings = project_settings()
    args = build_parser(settings.get("DATABASE_URL"), settings.getint("SEARCH_LIMIT")).parse_args(argv)
    if args.since and args.until and args.since > args.until:
        print(f"error: --since {args.since} is after --until {args.until}", file=sys.stderr)
        return 2
    query = SearchQuery(args.query, args.section, args.since, args.until, args.entity, args.limit, args.newest)
    engine = open_for_command(args.database)
    if isinstance(engine, int):
        return engine
    try:
        highlight = tuple(settings.getlist("SEARCH_HIGHLIGHT"))
        searcher = Searcher(engine, snippet_words=settings.getint("SEARCH_SNIPPET_WORDS"), highlight=highlight)
        hits = searcher.search(query)
    except QuerySyntaxError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    if args.json:
        json.dump([hit.as_dict() for hit in hits], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        if not hits:
            print(f"No article matches {args.query!r} in {mask_url(args.database)}.", file=sys.stderr)
        for number, hit in enumerate(hits, 1):
            print(format_hit(number, hit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
