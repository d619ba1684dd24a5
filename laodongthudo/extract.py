"""One page through the same parsers and item pipelines a crawl uses, minus storage.

    python -m laodongthudo.extract PAGE.html --url https://laodongthudo.vn/slug-123.html
    python -m laodongthudo.extract --stored https://laodongthudo.vn/slug-123.html   # its newest stored page

prints the item a crawl would store, as one JSON object, with the layout the page was read with (`layout`) and
`crawl_skip`: why a crawl would skip the page although it reads as an article (`{"reason": "off_section",
"detail": "breadcrumb /xa-hoi"}`; the exit status is then 1), else null. It is what a maintainer runs when fixing
a selector; with `--explain` it prints instead, per field, the rule that found it (which layout's selector, or
which template-independent rule) and what it found. A reader that stops early (`| head`) ends it quietly.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
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
from laodongthudo.layouts import Finding, NotAnArticle, read_article
from laodongthudo.reasons import section_skip

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


def extract_explained(html: str | bytes, url: str) -> tuple[Article, list[Finding]]:
    """Parse and clean one page, with the parser's finding for each field.

    Raises NotAnArticle or DropItem when a crawl would not store the page.
    """
    text = decode_page(html, url) if isinstance(html, bytes) else html
    read = read_article(text, url)
    item = read.article
    for pipeline in extraction_pipelines():
        item = pipeline.process_item(item, None)
    return item, read.findings


def extract(html: str | bytes, url: str) -> Article:
    """Parse and clean one page; raises NotAnArticle or DropItem when a crawl would not store it."""
    return extract_explained(html, url)[0]


EXPLAINED_FIELDS = ("title", "kicker", "sapo", "published_at", "author", "body", "images", "related", "tags", "section")


def _shown(value: Any, width: int = 90) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=to_json)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def explanation(article: Article, findings: list[Finding]) -> str:
    """Per field: where the stored value came from, the rule that found it, what the page held, what is stored."""
    by_field = {f.field: f for f in findings}
    lines = [f"layout: {article.layout or 'none of the layouts (template-independent rules only)'}"]
    for name in EXPLAINED_FIELDS:
        finding = by_field.get(name)
        source = article.field_sources.get(name) or "-"
        stored = getattr(article, "section_path" if name == "section" else name)
        if name in ("images", "related"):
            rule = "out of the body" if stored else "none in the body"
        elif name == "author" and finding is not None and finding.source is None and stored:
            rule = "the byline closing the body" if source != "metadata" else "meta author / JSON-LD author"
        else:
            rule = finding.rule if finding is not None else "-"
        lines.append(f"{name:<13} {source:<13} {rule}")
        if finding is not None and finding.source is not None and name not in ("body", "images", "related"):
            lines.append(f"{'':<13} {'found':<13} {_shown(finding.value)}")
        lines.append(f"{'':<13} {'stored':<13} {_shown(stored) if stored not in (None, [], '') else '(nothing)'}")
    return "\n".join(lines) + "\n"


def to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def article_dict(article: Article) -> dict[str, Any]:
    data = dataclasses.asdict(article)
    for handover in ("date_texts", "date_sources", "meta_author", "section_path", "layout", "page_sha256"):
        data.pop(handover, None)
    return data


def crawl_skip(article: Article) -> dict[str, str] | None:
    """Why a crawl would skip this article for its section (the spider's rule), read without a listing: a page
    naming no section is stored only when a union section's own listing column lists it."""
    skip = section_skip(article.section_path, None)
    if skip is None:
        return None
    reason, detail = skip
    if reason == "no_section":
        detail = "no breadcrumb: stored only when a union section's listing lists it"
    return {"reason": reason, "detail": detail}


def report(article: Article) -> dict[str, Any]:
    """The JSON the command prints: the item, the layout it was read with, and whether a crawl would skip it."""
    return {**article_dict(article), "layout": article.layout, "crawl_skip": crawl_skip(article)}


def write_quietly(text: str) -> bool:
    """Write to stdout; False when the reader has gone (`| head`): stdout is then pointed at /dev/null, so
    that Python's own flush at exit does not fail again."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m laodongthudo.extract", description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path, nargs="?", help="a saved article page (HTML)")
    parser.add_argument("--url", help="the page's URL (gives the article id)")
    parser.add_argument("--explain", action="store_true", help="per field: the rule that found it, and what")
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
        article, findings = extract_explained(args.page.read_bytes(), args.url)
    except OSError as exc:
        print(f"error: cannot read {args.page}: {exc.strerror}", file=sys.stderr)
        return 2
    except NotAnArticle as exc:
        print(f"error: not an article ({exc})", file=sys.stderr)
        return 1
    except DropItem as exc:
        print(f"error: a crawl would drop this page ({exc})", file=sys.stderr)
        return 1
    if args.explain:
        write_quietly(explanation(article, findings))
        return 0
    return print_article(article)


def print_article(article: Article) -> int:
    """Print the JSON; 1 when a crawl would skip the page (said on stderr too), else 0."""
    data = report(article)
    write_quietly(json.dumps(data, ensure_ascii=False, indent=2, default=to_json) + "\n")
    if data["crawl_skip"]:
        skip = data["crawl_skip"]
        print(f"note: a crawl would skip this page ({skip['reason']}: {skip['detail']})", file=sys.stderr)
        return 1
    return 0


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
    return print_article(derived.article)


if __name__ == "__main__":
    sys.exit(main())
