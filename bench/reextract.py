"""`bench/run.py --reextract`: re-extraction from stored pages against the crawl and trafilatura, same run.

- a crawl of the replica into SQLite (the crawl's articles/s, as `bench/run.py` measures it);
- `reextract` over the pages that crawl stored, with 1 and with N worker processes (N = usable cores):
  articles re-derived per second of the run (stats `elapsed_time_seconds`: after the database is open, to the
  summary), nothing changed so each row is compared and left;
- trafilatura's `extract` on one core over the same article pages: pages/s;
- memory: peak RSS of `reextract -j N` over 2,000 and over 20,000 stored article pages (pages of generated
  sites written straight to the pages table: no crawl needed to hold them), main process and largest worker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import _machine
from _stages import time_trafilatura

from laodongthudo.db import Store, make_engine
from laodongthudo.db.models import CrawlRunRow
from laodongthudo.db.pages import Page
from laodongthudo.urls import CANONICAL_ROOT
from replica import build_site

REPO = Path(__file__).resolve().parent.parent
TARGET_SPEEDUP = 1.7  # N workers against one, on 2 cores
TARGET_VS_TRAFILATURA = 3.0
TARGET_MEMORY_RATIO = 1.3


@dataclass
class ReextractFigures:
    label: str
    derived: int
    elapsed_s: float
    peak_rss_mb: float
    worker_rss_mb: float
    cpu_s: float
    status: int
    steady_per_s: float = 0.0  # after the first chunk (parsers and lexicon loaded)
    load: float = 0.0  # the machine's 1-minute load average at the end (other work competes for the cores)

    @property
    def per_cpu_s(self) -> float:
        return self.derived / self.cpu_s if self.cpu_s else 0.0

    @property
    def articles_per_s(self) -> float:
        return self.derived / self.elapsed_s if self.elapsed_s else 0.0

    def line(self) -> str:
        return (
            f"{self.label}: {self.derived} articles re-derived in {self.elapsed_s:.1f} s -> "
            f"{self.articles_per_s:.1f} articles/s ({self.steady_per_s:.1f} after the first chunk); "
            f"CPU {self.cpu_s:.1f} s ({self.per_cpu_s:.1f} articles per CPU second); load average "
            f"{self.load:.1f}; peak RSS {self.peak_rss_mb:.0f} MB "
            f"(largest worker {self.worker_rss_mb:.0f} MB); exit {self.status}"
        )


def run_reextract(label: str, database_url: str, workers: int) -> ReextractFigures:
    with tempfile.TemporaryDirectory(prefix="ldtd-bench-rx-") as tmp:
        usage_file = Path(tmp, "rusage.json")
        command = [sys.executable, str(REPO / "bench" / "_reextract.py"), str(usage_file), "--database",
                   database_url, "-j", str(workers)]  # fmt: skip
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
        usage = json.loads(usage_file.read_text()) if usage_file.exists() else {}
    if done.returncode:
        print(f"{label}: reextract exited {done.returncode}:\n{done.stderr[-3000:]}")
    engine = make_engine(database_url)
    with engine.connect() as connection:
        query = CrawlRunRow.__table__.select().where(CrawlRunRow.mode == "reextract").order_by(CrawlRunRow.id.desc())
        row = connection.execute(query.limit(1)).first()
    stats = row.stats if row is not None else {}
    engine.dispose()
    steady_s = float(stats.get("reextract/derive_seconds", 0)) - float(stats.get("reextract/warm_up_seconds", 0))
    pages = int(stats.get("reextract/pages", 0)) - int(stats.get("reextract/warm_up_pages", 0))
    derived = int(stats.get("reextract/derived", 0))
    steady = derived * pages / max(1, int(stats.get("reextract/pages", 0))) / steady_s if steady_s > 0 else 0.0
    return ReextractFigures(
        label=label,
        derived=int(stats.get("reextract/derived", 0)),
        elapsed_s=float(stats.get("elapsed_time_seconds", 0.0)),
        peak_rss_mb=float(usage.get("max_rss_kib", 0)) / 1024,
        worker_rss_mb=float(usage.get("children_max_rss_kib", 0)) / 1024,
        cpu_s=float(usage.get("user_s", 0)) + float(usage.get("sys_s", 0)) + float(usage.get("children_cpu_s", 0)),
        status=done.returncode,
        steady_per_s=steady,
        load=os.getloadavg()[0],
    )


def fill_pages(database_url: str, n_articles: int, seed: int) -> int:
    """Write the article pages of a generated site straight into the pages table; how many."""
    site = build_site(n_articles=n_articles, seed=seed)
    now = datetime.now(UTC)
    written = 0
    with Store.open(database_url) as store:
        batch: list[Page] = []
        for truth in site.union_articles():
            response = site.respond(truth.path)
            if response.status != 200 or not isinstance(response.body, bytes):
                continue
            headers = [("Content-Type", response.content_type)]
            batch.append(Page(CANONICAL_ROOT + truth.path, 200, headers, response.body, now))
            if len(batch) >= 200:
                written += store.write_batch([], (), batch).pages_saved
                batch = []
        written += store.write_batch([], (), batch).pages_saved
    return written


def stored_bytes(database_url: str) -> tuple[int, int, int]:
    """(page versions, their compressed bytes, stored articles)."""
    from sqlalchemy import func, select

    from laodongthudo.db import ArticleRow
    from laodongthudo.db.models import PageRow

    engine = make_engine(database_url)
    with engine.connect() as connection:
        count, size = connection.execute(select(func.count(), func.sum(func.length(PageRow.body)))).one()
        articles = connection.execute(select(func.count()).select_from(ArticleRow)).scalar_one()
    engine.dispose()
    return int(count), int(size or 0), int(articles)


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def reextract_bench(crawl_figures, crawled_db: str, pages, memory_articles: int, seed: int) -> int:
    """crawl_figures: the crawl of `crawled_db` (bench/run.py CrawlFigures); pages: its article pages."""
    workers = max(2, _machine.usable_cores())
    count, size, articles = stored_bytes(crawled_db)
    print(f"pages table after the crawl: {count} page versions, {size / 1e6:.1f} MB compressed, "
          f"{size / max(1, articles):.0f} bytes per stored article ({articles}); 20,000 articles: "
          f"{20000 * size / max(1, articles) / 1e6:.0f} MB")  # fmt: skip
    one = run_reextract("reextract -j 1", crawled_db, 1)
    print(one.line())
    many = run_reextract(f"reextract -j {workers}", crawled_db, workers)
    print(many.line())
    traf = time_trafilatura(pages)
    traf_per_s = 1000 / traf.ms_per_page if traf.ms_per_page else 0.0
    print(f"trafilatura {_machine._version('trafilatura')} extract, one core, same {traf.pages} pages: "
          f"{traf_per_s:.1f} pages per CPU second (process time)")  # fmt: skip
    print(f"  per CPU second: -j 1 {one.per_cpu_s:.1f}, -j {workers} {many.per_cpu_s:.1f} articles, trafilatura "
          f"{traf_per_s:.1f} pages: -j 1 / trafilatura {one.per_cpu_s / traf_per_s:.2f}x")  # fmt: skip
    crawl_rate = crawl_figures.articles_per_s
    speedup = many.articles_per_s / one.articles_per_s if one.articles_per_s else 0.0
    vs_traf = many.articles_per_s / traf_per_s if traf_per_s else 0.0
    steady = many.steady_per_s / one.steady_per_s if one.steady_per_s else 0.0
    print(f"  after the first chunk: -j {workers} / -j 1 {steady:.2f}x, -j {workers} / trafilatura "
          f"{many.steady_per_s / traf_per_s:.2f}x")  # fmt: skip
    print(f"  ratios: -j {workers} / -j 1 {speedup:.2f}x; -j 1 / crawl {one.articles_per_s / crawl_rate:.2f}x, "
          f"-j {workers} / crawl {many.articles_per_s / crawl_rate:.2f}x; -j {workers} / trafilatura "
          f"{vs_traf:.2f}x, -j 1 / trafilatura {one.articles_per_s / traf_per_s:.2f}x")  # fmt: skip

    peaks = []
    for n in (memory_articles // 10, memory_articles):
        with tempfile.TemporaryDirectory(prefix="ldtd-bench-mem-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'pages.db'}"
            stored = fill_pages(url, n, seed)
            figures = run_reextract(f"reextract -j {workers} over {stored} stored pages", url, workers)
            _, size, articles = stored_bytes(url)
            print(f"  {stored} article pages: {size / 1e6:.1f} MB compressed, {size / max(1, stored):.0f} bytes each")
        print(figures.line())
        peaks.append(figures)
    small, large = peaks
    ratio = large.peak_rss_mb / small.peak_rss_mb if small.peak_rss_mb else float("inf")
    worker_ratio = large.worker_rss_mb / small.worker_rss_mb if small.worker_rss_mb else float("inf")
    print(f"  peak RSS {small.peak_rss_mb:.0f} -> {large.peak_rss_mb:.0f} MB: ratio {ratio:.2f}; largest worker "
          f"{small.worker_rss_mb:.0f} -> {large.worker_rss_mb:.0f} MB: ratio {worker_ratio:.2f}")  # fmt: skip
    print(f"\ntargets: -j {workers} >= {TARGET_SPEEDUP}x -j 1: {verdict(speedup >= TARGET_SPEEDUP)} ({speedup:.2f}); "
          f">= {TARGET_VS_TRAFILATURA}x trafilatura: {verdict(vs_traf >= TARGET_VS_TRAFILATURA)} ({vs_traf:.2f}); "
          f"memory 20k/2k <= {TARGET_MEMORY_RATIO}: {verdict(ratio <= TARGET_MEMORY_RATIO)} ({ratio:.2f})")  # fmt: skip
    figures = [one, many, *peaks]
    return 0 if all(f.status == 0 and f.derived for f in figures) else 1
