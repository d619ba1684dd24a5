"""The database's articles, with the entities each names, as JSON Lines, CSV or Parquet.

    python -m laodongthudo.export --format jsonl -o articles.jsonl [--since 2024-01-01] [--until ...] [--section ...]

Reads the database (not a crawl's feed), so it exports every stored article whatever run fetched it. The schema is
stable and public: `EXPORT_FIELDS`, in that order. Times are ISO 8601 with their offset (Hanoi, +07:00); nested
fields (tags, images, related, entities) are JSON in CSV and lists of structs in Parquet.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, select

from laodongthudo import settings as project_settings
from laodongthudo.crawlplan import parse_day
from laodongthudo.db import ArticleEntityRow, ArticleRow, EntityRow, make_engine, mask_url
from laodongthudo.db.types import HANOI

logger = logging.getLogger(__name__)

FORMATS = ("jsonl", "csv", "parquet")
EXPORT_FIELDS: tuple[str, ...] = (
    "url",
    "article_id",
    "section",
    "kicker",
    "title",
    "sapo",
    "body",
    "author",
    "published_at",
    "event_date",
    "tags",
    "images",
    "related",
    "entities",
    "first_seen_at",
    "updated_at",
)
NESTED_FIELDS = frozenset({"tags", "images", "related", "entities"})
_COLUMNS = tuple(f for f in EXPORT_FIELDS if f != "entities")
BATCH = 500  # rows read (and, for Parquet, written) at a time: memory stays flat on a large archive


def _hanoi_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), HANOI)


def _entities_of(engine: Engine, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    query = (
        select(ArticleEntityRow.article_id, EntityRow.type, EntityRow.name, ArticleEntityRow.role)
        .add_columns(ArticleEntityRow.mention_count)
        .join(EntityRow, EntityRow.id == ArticleEntityRow.entity_id)
        .where(ArticleEntityRow.article_id.in_(ids))
        .order_by(ArticleEntityRow.article_id, EntityRow.type, EntityRow.name)
    )
    found: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    with engine.connect() as conn:
        for article_id, kind, name, role, count in conn.execute(query):
            found[article_id].append({"type": kind, "name": name, "role": role, "mentions": count})
    return found


def read_articles(
    engine: Engine, *, since: date | None = None, until: date | None = None, sections: Iterable[str] = ()
) -> Iterator[dict[str, Any]]:
    """Every stored article matching the filters, in the order they were first stored, as a dict of
    `EXPORT_FIELDS` (Python values)."""
    query = select(ArticleRow.id, *(getattr(ArticleRow, f) for f in _COLUMNS)).order_by(ArticleRow.id)
    if since:
        query = query.where(ArticleRow.published_at >= _hanoi_midnight(since))
    if until:
        query = query.where(ArticleRow.published_at < _hanoi_midnight(until + timedelta(days=1)))
    if sections := list(sections):
        query = query.where(ArticleRow.section.in_(sections))
    last_id = 0
    while True:  # keyset pages: no long-lived cursor holding SQLite's writer off, memory flat
        with engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query.where(ArticleRow.id > last_id).limit(BATCH))]
        if not rows:
            return
        entities = _entities_of(engine, [r["id"] for r in rows])
        for row in rows:
            last_id = row.pop("id")
            row["entities"] = entities[last_id]
            yield {field: row[field] for field in EXPORT_FIELDS}


def _plain(value: Any) -> Any:
    """JSON-ready: times and days as ISO 8601 (times keep their offset)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def write_jsonl(articles: Iterable[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for n, article in enumerate(articles, 1):  # noqa: B007 - the count is the result
        out.write(json.dumps({k: _plain(v) for k, v in article.items()}, ensure_ascii=False) + "\n")
    return n


def write_csv(articles: Iterable[dict[str, Any]], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for n, article in enumerate(articles, 1):  # noqa: B007
        writer.writerow(
            {
                k: json.dumps(v, ensure_ascii=False) if k in NESTED_FIELDS else ("" if v is None else _plain(v))
                for k, v in article.items()
            }
        )
    return n


def parquet_schema():
    import pyarrow as pa

    link = pa.struct([("url", pa.string()), ("title", pa.string())])
    image = pa.struct([("src", pa.string()), ("caption", pa.string())])
    entity = pa.struct([("type", pa.string()), ("name", pa.string()), ("role", pa.string()), ("mentions", pa.int64())])
    stamp = pa.timestamp("us", tz="+07:00")
    return pa.schema(
        [
            ("url", pa.string()),
            ("article_id", pa.int64()),
            ("section", pa.string()),
            ("kicker", pa.string()),
            ("title", pa.string()),
            ("sapo", pa.string()),
            ("body", pa.string()),
            ("author", pa.string()),
            ("published_at", stamp),
            ("event_date", pa.date32()),
            ("tags", pa.list_(pa.string())),
            ("images", pa.list_(image)),
            ("related", pa.list_(link)),
            ("entities", pa.list_(entity)),
            ("first_seen_at", stamp),
            ("updated_at", stamp),
        ]
    )


def write_parquet(articles: Iterable[dict[str, Any]], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for article in articles:
            batch.append(article)
            if len(batch) == BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
                batch.clear()
        if batch or not n:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            n += len(batch)
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m laodongthudo.export", description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=FORMATS, default="jsonl")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: standard output; Parquet needs one)")
    parser.add_argument("--database", default=project_settings.DATABASE_URL, help="database URL (env DATABASE_URL)")
    parser.add_argument("--since", help="first Hanoi day of publication, YYYY-MM-DD")
    parser.add_argument("--until", help="last Hanoi day of publication, YYYY-MM-DD")
    parser.add_argument("--section", action="append", default=[], help="a section slug (repeat for several)")
    args = parser.parse_args(argv)
    if args.format == "parquet" and args.output is None:
        parser.error("--format parquet needs -o FILE")
    try:
        since, until = parse_day(args.since, "--since"), parse_day(args.until, "--until")
        engine = make_engine(args.database, read_only=True)
    except ValueError as error:
        parser.error(str(error))
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and not Path(database).exists():
        print(f"error: no database at {Path(database).resolve()}", file=sys.stderr)
        return 1
    articles = read_articles(engine, since=since, until=until, sections=args.section)
    try:
        if args.format == "parquet":
            count = write_parquet(articles, args.output)
        else:
            writer = write_jsonl if args.format == "jsonl" else write_csv
            if args.output is None:
                count = writer(articles, sys.stdout)
            else:
                with args.output.open("w", encoding="utf-8", newline="") as out:
                    count = writer(articles, out)
    except BrokenPipeError:  # `| head`: the reader has what it wanted
        sys.stderr.close()
        return 0
    except Exception as error:  # noqa: BLE001 - a database or disk error is one line, not a traceback
        print(f"error: export from {mask_url(args.database)} failed: {error}", file=sys.stderr)
        return 4
    finally:
        engine.dispose()
    print(f"{count} articles exported from {mask_url(args.database)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
