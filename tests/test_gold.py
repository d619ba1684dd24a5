"""The gold set: every page through `laodongthudo.extract.extract` gives exactly the expected fields.

Pages and expectations live in tests/gold/pages/ (see tests/gold/README.md); the two seed pages are read
from the replica's data by reference.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import DropItem

from laodongthudo.extract import extract

REPO = Path(__file__).resolve().parent.parent
GOLD = Path(__file__).resolve().parent / "gold" / "pages"
FIELDS = (
    "url",
    "article_id",
    "section",
    "kicker",
    "title",
    "title_key",
    "sapo",
    "body",
    "author",
    "published_at",
    "event_date",
    "tags",
    "images",
    "related",
)


def gold_cases() -> list[dict[str, Any]]:
    cases = []
    for spec in sorted(GOLD.glob("*.json")):
        case = json.loads(spec.read_text(encoding="utf-8"))
        case["name"] = spec.stem
        case["html_path"] = REPO / case["source"] if "source" in case else GOLD / case["page"]
        cases.append(case)
    return cases


CASES = gold_cases()


def as_plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def load(case: dict[str, Any]) -> bytes:
    assert case["html_path"].exists(), f"{case['name']}: its page {case['html_path']} is missing"
    return case["html_path"].read_bytes()


def test_the_gold_set_is_big_enough_and_covers_both_layouts() -> None:
    assert len(CASES) >= 20
    covers = " ".join(" ".join(c["covers"]) for c in CASES)
    assert "mastercms" in covers and "legacy2019" in covers
    assert any("dropped" in c for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_gold_page(case: dict[str, Any]) -> None:
    html = load(case)
    if "dropped" in case:
        with pytest.raises(DropItem, match=case["dropped"]):
            extract(html, case["fetch_url"])
        return
    article = extract(html, case["fetch_url"])
    got = {name: as_plain(getattr(article, name)) for name in FIELDS}
    expected = {name: case["expected"][name] for name in FIELDS}
    assert got == expected  # pytest shows the fields that differ
