"""The raw page store from the command line.

    python -m laodongthudo.pages export --warc FILE.warc.gz [--since DAY] [--until DAY]
    python -m laodongthudo.pages stats

`export` writes the stored pages as standard WARC response records (laodongthudo.warc); `stats` says what the
pages table holds and costs. Both read DATABASE_URL (or `--database`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import func, select

from laodongthudo.db import ArticleRow, Store, StoreUnavailable
from laodongthudo.db.models import PageRow
from laodongthudo.reextract import parse_day, project_setting


def stats(store: Store) -> str:
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(PageRow.kind, func.count(), func.sum(PageRow.size), func.sum(func.length(PageRow.body)))
            .group_by(PageRow.kind)
            .order_by(PageRow.kind)
        ).all()
        articles = connection.execute(select(func.count()).select_from(ArticleRow)).scalar_one()
    lines = [f"{'kind':<8} {'versions':>9} {'raw bytes':>13} {'stored bytes':>13}"]
    for kind, count, raw, stored in rows:
        lines.append(f"{kind:<8} {count:>9} {int(raw or 0):>13} {int(stored or 0):>13}")
    stored_total = sum(int(r[3] or 0) for r in rows)
    if articles:
        lines.append(f"{stored_total / articles:.0f} stored page bytes per stored article ({articles} articles)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m laodongthudo.pages", description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: DATABASE_URL setting)")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write the stored pages to a WARC file")
    export.add_argument("--warc", type=Path, required=True, help="the .warc.gz file to write")
    export.add_argument("--since", type=parse_day, help="pages fetched on or after this Hanoi day")
    export.add_argument("--until", type=parse_day, help="pages fetched on or before this Hanoi day")
    commands.add_parser("stats", help="what the pages table holds")
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        return 1 if stop.code else 0
    database_url = args.database or project_setting().get("DATABASE_URL")
    try:
        store = Store.open(database_url)
    except StoreUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 4
    with store:
        if args.command == "stats":
            print(stats(store))
            return 0
        from laodongthudo.warc import export_warc

        count = export_warc(store, args.warc, since=args.since, until=args.until)
        print(f"{count} records written to {args.warc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
