"""A crawl of article pages in templates no layout knows by name (the sister sites' variants) stores them right.

The replica's fault `sister_templates` renders three in four 2021+ articles in the `detail`, `post` and `dual`
templates (replica/render.py): renamed title, sapo and date classes, the byline after the body
element or as a `/tac-gia/` link before it, date and time in one element, side lists with their own dates, and
a page carrying two templates' markers.
"""

from __future__ import annotations

import unicodedata

import pytest

from laodongthudo.urls import CANONICAL_ROOT
from replica import build_site, serve
from tests.crawling import run_crawl, stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def nfc(text: str) -> str:
    # Two replica pages are served in NFD; editors' non-breaking and double spaces are one space once stored.
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_every_article_in_an_unknown_template_is_stored_with_its_date_and_byline(sqlite_url: str) -> None:
    site = build_site(n_articles=40, seed=5, faults=("sister_templates",))
    truths = {CANONICAL_ROOT + t.path: t for t in site.union_articles()}
    templates = {site._template(site.record(t.path), t.layout) for t in truths.values()}
    assert {"detail", "post", "dual"} <= templates
    with serve(site) as replica:
        crawl = run_crawl(replica.base_url, sqlite_url)
    assert crawl.returncode == 0, crawl.log[-3000:]
    rows = {row["url"]: row for row in stored_rows(sqlite_url)}
    assert set(rows) == set(truths)  # not one refused
    for url, row in rows.items():
        truth = truths[url]
        details = site.article_details(truth.id)
        assert row["title"] == nfc(truth.title) and row["published_at"] == truth.published, url
        assert row["author"] == (nfc(details["byline"]) or None), url
        assert row["body"] == "\n\n".join(nfc(p) for p in details["paragraphs"]), url
        assert row["tags"] == [nfc(tag) for tag in details["tags"]], url
    # The run shows it lives on the template-independent rules for these pages.
    assert crawl.stat("fields/published_at/generic") >= 3
    assert crawl.stat("fields/title/generic") >= 3
    assert crawl.stat("fields/author/generic") >= 1
