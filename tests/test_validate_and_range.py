from datetime import datetime

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from laodongthudo.items import Article
from laodongthudo.spiders.union import UnionSpider
from laodongthudo.timezone import HANOI
from pipelines.date_range import DateRangePipeline
from pipelines.fingerprint import FingerprintPipeline
from pipelines.validate import ValidatePipeline


def article(**fields) -> Article:
    base = dict(
        url="https://laodongthudo.vn/a-1.html",
        article_id=1,
        title="T",
        body="B",
        published_at=datetime(2020, 5, 1, 9, 0, tzinfo=HANOI),
    )
    return Article(**{**base, **fields})


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"title": " "}, "no_title"),
        ({"body": ""}, "empty_body"),
        ({"published_at": None}, "no_date"),
        ({"published_at": datetime(2020, 5, 1, 9, 0)}, "no_date"),
    ],
)
def test_validate_drops_and_counts(fields, reason):
    crawler = get_crawler()
    with pytest.raises(DropItem, match=reason):
        ValidatePipeline.from_crawler(crawler).process_item(article(**fields))
    assert crawler.stats.get_value(f"dropped/{reason}") == 1


def test_validate_passes_a_complete_article():
    item = article()
    assert ValidatePipeline().process_item(item) is item


def spider_crawler(**spider_args):
    crawler = get_crawler(UnionSpider)
    crawler.spider = UnionSpider.from_crawler(crawler, **spider_args)
    return crawler


def test_date_range_keeps_only_the_backfill_days():
    crawler = spider_crawler(since="2020-05-01", until="2020-05-31")
    pipeline = DateRangePipeline.from_crawler(crawler)
    # Hanoi days: 00:30 on 1 May in Hanoi is still 30 April in UTC, and belongs to May.
    assert pipeline.process_item(article(published_at=datetime(2020, 5, 1, 0, 30, tzinfo=HANOI)))
    with pytest.raises(DropItem, match="out_of_range"):
        pipeline.process_item(article(published_at=datetime(2020, 4, 30, 23, 59, tzinfo=HANOI)))
    with pytest.raises(DropItem, match="out_of_range"):
        pipeline.process_item(article(published_at=datetime(2020, 6, 1, 0, 0, tzinfo=HANOI)))
    assert crawler.stats.get_value("dropped/out_of_range") == 2


def test_date_range_is_off_for_scheduled_runs():
    crawler = spider_crawler()
    item = article(published_at=datetime(2001, 1, 1, tzinfo=HANOI))
    assert DateRangePipeline.from_crawler(crawler).process_item(item) is item


def test_content_hash_moves_with_content_only():
    one, two = article(), article(fetched_at=datetime(2026, 1, 1, tzinfo=HANOI))
    FingerprintPipeline().process_item(one)
    FingerprintPipeline().process_item(two)
    assert one.content_hash == two.content_hash
    three = FingerprintPipeline().process_item(article(body="B2"))
    assert three.content_hash != one.content_hash
