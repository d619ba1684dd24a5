"""`EntitiesPipeline` on an `Article`: fills `entities`, counts in stats, never raises."""

from __future__ import annotations

import logging

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

import pipelines.entities as entities_pipeline
from laodongthudo.items import Article
from pipelines.entities import EntitiesPipeline


def article() -> Article:
    return Article(
        url="https://laodongthudo.vn/dat-ket-qua-cao-123456.html",
        article_id=123456,
        title="Đạt kết quả cao từ những nét mới, sáng tạo trong hoạt động công đoàn",
        sapo="Chiều 27/11, tại Quận ủy Thanh Xuân, đoàn khảo sát của Liên đoàn Lao động Thành phố Hà Nội làm việc.",
        body=("Ông Nguyễn Văn Ngà, Chủ tịch LĐLĐ quận Bắc Từ Liêm được bầu là Cụm trưởng.\n\nĐỗ Đạt"),
        author="Đỗ Đạt",
        images=[
            {
                "src": "https://laodongthudo.vn/a.jpg",
                "caption": "Ông Cao Đắc Tiến, Chủ tịch LĐLĐ quận Thanh Xuân báo cáo",
            },
            {"src": "https://laodongthudo.vn/b.jpg", "caption": None},
        ],
    )


def crawler_pipeline() -> tuple[EntitiesPipeline, MemoryStatsCollector]:
    crawler = get_crawler()
    pipeline = EntitiesPipeline.from_crawler(crawler)
    return pipeline, crawler.stats


def test_pipeline_fills_entities_from_text_and_captions():
    pipeline, stats = crawler_pipeline()
    pipeline.open_spider()  # loads the gazetteer once, before the first item
    item = pipeline.process_item(article())
    by_name = {e["name"]: e for e in item.entities}
    assert by_name["Nguyễn Văn Ngà"]["role"] == "Chủ tịch Liên đoàn Lao động quận Bắc Từ Liêm"
    assert by_name["Cao Đắc Tiến"]["role"] == "Chủ tịch Liên đoàn Lao động quận Thanh Xuân"  # from a caption
    assert by_name["Quận ủy Thanh Xuân"]["type"] == "ORGANIZATION"
    assert by_name["quận Thanh Xuân"] == {
        "type": "LOCATION",
        "name": "quận Thanh Xuân",
        "role": None,
        "count": 2,
        "aliases": ["Thanh Xuân", "quận Thanh Xuân"],
    }
    assert "Đỗ Đạt" not in by_name  # the byline
    assert stats.get_value("entities/extracted") == len(item.entities)
    assert stats.get_value("entities/articles") == 1
    assert stats.get_value("entities/error") is None


def test_pipeline_without_crawler_and_with_empty_fields():
    item = Article(url="https://laodongthudo.vn/x-1.html", article_id=1)
    assert EntitiesPipeline().process_item(item).entities == []


def test_pipeline_logs_and_counts_errors_and_keeps_the_item(monkeypatch, caplog):
    def boom(*args, **kwargs):
        raise ValueError("odd text")

    monkeypatch.setattr(entities_pipeline, "extract_entities", boom)
    pipeline, stats = crawler_pipeline()
    item = article()
    item.entities = [{"type": "PERSON", "name": "stale"}]
    with caplog.at_level(logging.ERROR, logger="pipelines.entities"):
        out = pipeline.process_item(item)
    assert out is item and item.entities == []
    assert stats.get_value("entities/error") == 1
    assert "entity extraction failed" in caplog.text
