"""One page through the same parsers and item pipelines a crawl uses, minus storage.

    python -m laodongthudo.extract PAGE.html --url https://laodongthudo.vn/slug-123.html

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
    for handover in ("date_texts", "date_sources", "meta_author", "section_path", "layout"):
        data.pop(handover, None)
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m laodongthudo.extract", description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path, help="a saved article page (HTML)")
    parser.add_argument("--url", required=True, help="the page's URL (gives the article id)")
    args = parser.parse_args(argv)
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
    json.dump(article_dict(article), sys.stdout, ensure_ascii=False, indent=2, default=to_json)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
