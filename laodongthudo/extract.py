"""One page through the same parsers and item pipelines a crawl uses, minus storage.

    python -m laodongthudo.extract PAGE.html --url https://laodongthudo.vn/slug-123.html
    python -m laodongthudo.extract --stored https://laodongthudo.vn/slug-123.html   # its newest stored page

prints the item a crawl would store, as one JSON object. It is what a maintainer runs when fixing a selector.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.misc import load_object

from laodongthudo import settings as project_settings
from laodongthudo.decoding import page_text
from laodongthudo.items import Article
from laodongthudo.layouts import NotAnArticle, parse_article

# Pipelines that touch the outside world are not part of extraction.
NOT_EXTRACTION = ("pipelines.store.",)


@cache
def extraction_pipelines() -> tuple[Any, ...]:
    """The crawl's item pipelines in order, storage excluded, each built once."""
    settings = Settings()
    settings.setmodule(project_settings)
    ordered = sorted(settings.getdict("ITEM_PIPELINES").items(), key=lambda kv: kv[1])
    return tuple(load_object(path)() for path, _ in ordered if not path.startswith(NOT_EXTRACTION))


def decode_page(body: bytes, url: str) -> str:
    """Bytes to text the way a crawl decodes them (HTTP-less: BOM, then <meta charset>, then guessing)."""
    return page_text(HtmlResponse(url=url, body=body))


def extract(html: str | bytes, url: str) -> Article:
    """Parse and clean one page; raises NotAnArticle or DropItem when a crawl would not store it."""
    text = decode_page(html, url) if isinstance(html, bytes) else html
    item = parse_article(text, url)
    for pipeline in extraction_pipelines():
        item = pipeline.process_item(item, None)
    return item


def to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def article_dict(article: Article) -> dict[str, Any]:
    data = dataclasses.asdict(article)
    for handover in ("date_texts", "section_path", "layout", "page_sha256"):
        data.pop(handover, None)
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m laodongthudo.extract", description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path, nargs="?", help="a saved article page (HTML)")
    parser.add_argument("--url", help="the page's URL (gives the article id)")
    parser.add_argument("--stored", metavar="URL", help="read the newest stored page of this URL (pages table)")
    parser.add_argument("--database", help="with --stored: SQLAlchemy URL (default: DATABASE_URL setting)")
    args = parser.parse_args(argv)
    if args.stored:
        if args.page is not None:
            parser.error("give a page file or --stored URL, not both")
        return extract_stored(args.stored, args.database)
    if args.page is None or not args.url:
        parser.error("a page file and --url are required (or --stored URL)")
    try:
        article = extract(args.page.read_bytes(), args.url)
    except OSError as exc:
        print(f"error: cannot read {args.page}: {exc.strerror}", file=sys.stderr)
        return 2
    except NotAnArticle as exc:
        print(f"error: not an article ({exc})", file=sys.stderr)
        return 1
    except DropItem as exc:
        print(f"error: a crawl would drop this page ({exc})", file=sys.stderr)
        return 1
    print_article(article)
    return 0


def print_article(article: Article) -> None:
    json.dump(article_dict(article), sys.stdout, ensure_ascii=False, indent=2, default=to_json)
    sys.stdout.write("\n")


def extract_stored(url: str, database_url: str | None) -> int:
    """The newest stored version of the page through the crawl's checks, parsers and pipelines."""
    from laodongthudo.db import Store, StoreUnavailable
    from laodongthudo.db.pages import PageReader
    from laodongthudo.derive import derive

    settings = Settings()
    settings.setmodule(project_settings)
    try:
        store = Store.open(database_url or settings.get("DATABASE_URL"))
    except StoreUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 4
    with store:
        page = PageReader(store.engine).latest_of(url)
    if page is None:
        print(f"error: no stored page for {url}", file=sys.stderr)
        return 2
    derived = derive(page)
    if derived.article is None:
        what = "not an article" if derived.refused else "a crawl would drop this page"
        print(f"error: {what} ({derived.refused or derived.dropped}: {derived.detail})", file=sys.stderr)
        return 1
    print_article(derived.article)
    return 0


if __name__ == "__main__":
    sys.exit(main())
