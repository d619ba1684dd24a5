"""CPU per article for each stage of the crawl's code, in process, over the pages the crawl fetched.

The stages run the code a crawl runs, in its order: `HtmlResponse.text` and `layouts.parse_article` (what
`UnionSpider.parse_article` does with a response), then every item pipeline of `settings.ITEM_PIPELINES` but
storage (`laodongthudo.extract.extraction_pipelines()`, each `process_item(item)` as Scrapy 2.13+ calls it),
then `laodongthudo.db.Store.write_batch` in batches of STORE_BATCH_SIZE, the API the store pipeline uses.
CPU is `time.process_time()`: run it with no other thread of this process busy (the replica stopped).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse
from scrapy.settings import Settings

from laodongthudo import settings as project_settings
from laodongthudo.extract import extraction_pipelines
from laodongthudo.layouts import NotAnArticle, parse_article

STAGES = ("parse", "strip", "normalise", "dates", "entities", "other")
_STAGE_OF_MODULE = {
    "pipelines.strip_related": "strip",
    "pipelines.normalize_text": "normalise",
    "pipelines.dates": "dates",
    "pipelines.date_range": "dates",
    "pipelines.entities": "entities",
}  # anything else (validate, fingerprint, pipelines added later) counts as "other"


@dataclass(frozen=True)
class FetchedPage:
    url: str
    body: bytes
    content_type: str


@dataclass
class StageTimes:
    cpu_s: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    pages: int = 0
    items: list[Any] = field(default_factory=list)  # articles that came out of the last pipeline
    refused: Counter[str] = field(default_factory=Counter)

    def ms_per_article(self, stage: str) -> float:
        return 1000 * self.cpu_s[stage] / max(1, len(self.items))

    @property
    def pipeline_ms(self) -> float:
        return sum(self.ms_per_article(s) for s in STAGES)


def stage_of(pipeline: object) -> str:
    return _STAGE_OF_MODULE.get(type(pipeline).__module__, "other")


def run_stages(pages: Sequence[FetchedPage]) -> StageTimes:
    """Every page through the crawl's parsing and pipelines, CPU time summed per stage."""
    pipelines = [(stage_of(p), p) for p in extraction_pipelines()]
    clock = time.process_time
    out = StageTimes()
    for page in pages:
        out.pages += 1
        start = clock()
        response = HtmlResponse(url=page.url, body=page.body, headers={"Content-Type": page.content_type})
        try:
            item = parse_article(response.text, response.url)
        except NotAnArticle as exc:
            out.cpu_s["parse"] += clock() - start
            out.refused[f"skipped/{exc.reason}"] += 1
            continue
        if not (item.section_path or "").startswith("/cong-doan"):  # the spider's off-section check
            out.cpu_s["parse"] += clock() - start
            out.refused["skipped/off_section"] += 1
            continue
        item.fetched_at = datetime.now(UTC)
        out.cpu_s["parse"] += clock() - start
        try:
            for stage, pipeline in pipelines:
                start = clock()
                try:
                    item = pipeline.process_item(item)
                finally:
                    out.cpu_s[stage] += clock() - start
        except DropItem as exc:
            out.refused[f"dropped/{str(exc).split(':', 1)[0]}"] += 1
            continue
        out.items.append(item)
    return out


def batch_size() -> int:
    settings = Settings()
    settings.setmodule(project_settings)
    return max(1, settings.getint("STORE_BATCH_SIZE", 50))


@dataclass
class DatabaseTimes:
    cpu_s: float = 0.0  # this process (SQLAlchemy, the driver, SQLite itself for SQLite)
    wall_s: float = 0.0
    server_cpu_s: float | None = None  # PostgreSQL's own processes, when known
    counts: Counter[str] = field(default_factory=Counter)


def time_database(url: str, items: Sequence[Any], server_cpu: Callable[[], float] | None = None) -> DatabaseTimes:
    """Write the items with `Store.write_batch`, as the store pipeline does; schema creation is not timed."""
    from laodongthudo.db import Store

    out = DatabaseTimes()
    size = batch_size()
    with Store.open(url) as store:
        server_start = server_cpu() if server_cpu else None
        for start in range(0, len(items), size):
            wall, cpu = time.perf_counter(), time.process_time()
            result = store.write_batch(items[start : start + size])
            out.cpu_s += time.process_time() - cpu
            out.wall_s += time.perf_counter() - wall
            out.counts.update(result.counts())
        if server_cpu and server_start is not None:
            out.server_cpu_s = server_cpu() - server_start
    return out


@dataclass
class BaselineTimes:
    cpu_s: float = 0.0
    pages: int = 0
    empty: int = 0  # pages it found no text in

    @property
    def ms_per_page(self) -> float:
        return 1000 * self.cpu_s / max(1, self.pages)


def time_trafilatura(pages: Sequence[FetchedPage], with_metadata: bool = False) -> BaselineTimes:
    """trafilatura's extraction alone on the same bytes (it decodes them itself), default options."""
    import trafilatura

    out = BaselineTimes()
    for page in pages:
        start = time.process_time()
        text = trafilatura.extract(page.body, url=page.url, with_metadata=with_metadata)
        out.cpu_s += time.process_time() - start
        out.pages += 1
        out.empty += not text
    return out


def profile(pages: Sequence[FetchedPage], top: int = 30) -> str:
    """cProfile of `run_stages` over the pages: the functions with the most own time, then by cumulative."""
    profiler = cProfile.Profile()
    profiler.enable()
    run_stages(pages)
    profiler.disable()
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return buffer.getvalue()
