"""Crawl throughput, per-stage CPU and memory of the crawler, against the replica, on this machine.

    python bench/run.py               # 5,000 generated articles, into SQLite and into PostgreSQL (~10 min)
    python bench/run.py --quick       # 500 articles, under two minutes
    python bench/run.py --memory      # peak RSS of a 2,000- and a 20,000-article backfill, and their ratio
    python bench/run.py --reextract   # re-extraction from stored pages vs the crawl and trafilatura
    options: --articles N, --no-postgres, --profile (cProfile of the stages), --seed S

What is measured:
- end to end: `scrapy crawl union` (bench/_crawl.py: the real command in a subprocess) with politeness off
  against a replica whose pages were rendered up front (bench/_replica.py); articles/s and pages/s over the
  crawl's own elapsed time (stats `elapsed_time_seconds`: engine start to close), peak RSS of the crawl process;
- per stage: the crawl's code over the same article pages, in this process (bench/_stages.py): CPU ms per
  stored article for parse, strip, normalise, dates, entities, other pipelines, and the database
  (`Store.write_batch`; for PostgreSQL also the server's own CPU);
- baseline: trafilatura's extraction alone on the same pages (`trafilatura.extract`, default options; also
  with metadata, which reads title and date like ours does).
"pipeline" is parse through the last pipeline before storage: what `python -m laodongthudo.extract` runs.

Targets on the 2-core reference machine: >= 200 articles/s end to end into SQLite; our pipeline cheaper in CPU
than trafilatura's extraction; a 20,000-article backfill peaks within 1.3x the RSS of a 2,000-article one.
The last line is `throughput: N articles/s; pipeline X ms/article; trafilatura Y ms/page; peak RSS M MB`.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _machine  # noqa: E402
import _pg  # noqa: E402
from _replica import Prerendered  # noqa: E402
from _stages import (  # noqa: E402
    STAGES,
    FetchedPage,
    StageTimes,
    batch_size,
    run_stages,
    time_database,
    time_trafilatura,
)

from laodongthudo.urls import CANONICAL_ROOT  # noqa: E402
from replica import Site, build_site, serve  # noqa: E402

TARGET_ARTICLES_PER_S = 200.0
TARGET_MEMORY_RATIO = 1.3
POLITENESS_OFF = {
    "ROBOTSTXT_OBEY": "False",
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "LOG_LEVEL": "INFO",
}


@dataclass
class CrawlFigures:
    label: str
    stored: int
    elapsed_s: float  # engine start to close (stats)
    pages: int
    wall_s: float  # the whole process: start-up, migrations, crawl, shutdown
    cpu_s: float  # the crawl process's user + system CPU
    peak_rss_mb: float
    returncode: int
    finish_reason: str

    @property
    def articles_per_s(self) -> float:
        return self.stored / self.elapsed_s if self.elapsed_s else 0.0

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.elapsed_s if self.elapsed_s else 0.0

    def line(self) -> str:
        return (
            f"{self.label}: {self.stored} articles stored in {self.elapsed_s:.1f} s -> {self.articles_per_s:.1f} "
            f"articles/s; {self.pages} pages -> {self.pages_per_s:.1f} pages/s; process {self.wall_s:.1f} s wall, "
            f"{self.cpu_s:.1f} s CPU ({1000 * self.cpu_s / max(1, self.stored):.1f} ms/article); "
            f"peak RSS {self.peak_rss_mb:.0f} MB; exit {self.returncode} ({self.finish_reason})"
        )


def crawl(label: str, base_url: str, database_url: str, *spider_args: str) -> CrawlFigures:
    """`scrapy crawl union` in a subprocess, as a user runs it; stats via STATS_FILE, rusage via bench/_crawl.py."""
    with tempfile.TemporaryDirectory(prefix="ldtd-bench-") as tmp:
        stats_file, rusage_file, log_file = Path(tmp, "stats.json"), Path(tmp, "rusage.json"), Path(tmp, "crawl.log")
        settings = {**POLITENESS_OFF, "LDTD_BASE_URL": base_url, "DATABASE_URL": database_url}
        settings["STATS_FILE"] = str(stats_file)
        command = [sys.executable, str(REPO / "bench" / "_crawl.py"), str(rusage_file), "crawl", "union"]
        for name, value in settings.items():
            command += ["-s", f"{name}={value}"]
        for arg in spider_args:
            command += ["-a", arg]
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LDTD_BASE_URL")}
        with log_file.open("w") as log:
            done = subprocess.run(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
        stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
        usage = json.loads(rusage_file.read_text()) if rusage_file.exists() else {}
        if done.returncode or not stats:
            print(f"{label}: crawl exited {done.returncode}; log tail:\n{log_file.read_text()[-3000:]}")
    return CrawlFigures(
        label=label,
        stored=int(stats.get("store/new", 0)) + int(stats.get("store/updated", 0)),
        elapsed_s=float(stats.get("elapsed_time_seconds", 0.0)),
        pages=int(stats.get("downloader/response_count", 0)),
        wall_s=float(usage.get("wall_s", 0.0)),
        cpu_s=float(usage.get("user_s", 0.0)) + float(usage.get("sys_s", 0.0)),
        peak_rss_mb=float(usage.get("max_rss_kib", 0)) / 1024,
        returncode=done.returncode,
        finish_reason=str(stats.get("finish_reason", "?")),
    )


def article_pages(site: Site, replica: Prerendered | None = None) -> list[FetchedPage]:
    """The union article pages, as the crawl receives them (bytes and Content-Type)."""
    pages = []
    for truth in site.union_articles():
        response = replica.respond(truth.path) if replica else site.respond(truth.path)
        if response.status == 200 and isinstance(response.body, bytes):
            pages.append(FetchedPage(CANONICAL_ROOT + truth.path, response.body, response.content_type))
    return pages


@contextlib.contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="ldtd-bench-db-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'bench.db'}"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def warm_up() -> None:
    # Load what a crawl loads once (dateparser's languages, the entity gazetteer, trafilatura's models) on
    # another site's pages, so that the timed runs measure steady state.
    pages = article_pages(build_site(n_articles=20, seed=99))
    run_stages(pages)
    time_trafilatura(pages[:10])
    time_trafilatura(pages[:10], with_metadata=True)


def crawl_both(replica: Prerendered, pg: _pg.Server | None) -> list[CrawlFigures]:
    """The same crawl into SQLite, then (when there is a server) into PostgreSQL."""
    crawls = []
    with serve(replica) as server:  # type: ignore[arg-type]  (duck-typed site)
        with sqlite_url() as url:
            crawls.append(crawl("crawl into SQLite", server.base_url, url))
        print(crawls[-1].line())
        if pg is not None:
            with _pg.database(pg.url) as url:
                before = pg.cpu_seconds()
                crawls.append(crawl("crawl into PostgreSQL", server.base_url, url))
                after = pg.cpu_seconds()
            print(crawls[-1].line())
            if before is not None and after is not None:
                print(f"  PostgreSQL server CPU during that crawl: {after - before:.1f} s")
    return crawls


def print_stages(stages: StageTimes) -> None:
    refused = ", ".join(f"{k} {v}" for k, v in sorted(stages.refused.items())) or "none"
    print(f"\nCPU per stored article, the crawl's code in process over the same {stages.pages} pages "
          f"({len(stages.items)} articles; refused: {refused}):")  # fmt: skip
    total = max(1e-9, sum(stages.cpu_s.values()))
    for stage in STAGES:
        print(f"  {stage:<10} {stages.ms_per_article(stage):7.2f} ms  ({100 * stages.cpu_s[stage] / total:4.1f}%)")
    print(f"  {'pipeline':<10} {stages.pipeline_ms:7.2f} ms  (parse through the last pipeline before storage)")


def database_stage(items: list, pg: _pg.Server | None) -> float:
    """Print the database stage; return SQLite's CPU ms per article."""
    n = max(1, len(items))
    with sqlite_url() as url:
        db = time_database(url, items)
    print(f"  database, SQLite      {1000 * db.cpu_s / n:6.2f} ms CPU, {1000 * db.wall_s / n:6.2f} ms wall "
          f"(Store.write_batch, {batch_size()} per batch)")  # fmt: skip
    if pg is not None:
        with _pg.database(pg.url) as url:
            pgdb = time_database(url, items, server_cpu=pg.cpu_seconds)
        server = "" if pgdb.server_cpu_s is None else f" + {1000 * pgdb.server_cpu_s / n:.2f} ms server"
        print(f"  database, PostgreSQL  {1000 * pgdb.cpu_s / n:6.2f} ms CPU client{server}, "
              f"{1000 * pgdb.wall_s / n:6.2f} ms wall")  # fmt: skip
    return 1000 * db.cpu_s / n


def throughput(args: argparse.Namespace) -> int:
    n = args.articles or (500 if args.quick else 5000)
    started = time.perf_counter()
    site = build_site(n_articles=n, seed=args.seed)
    replica = Prerendered(site, site.all_pages())
    pages = article_pages(site, replica)
    print(f"replica: {n} generated articles, {len(site.union_articles())} union articles in all, {len(pages)} "
          f"article pages, {sum(len(p.body) for p in pages) / len(pages) / 1024:.1f} KiB each on average; "
          f"rendered up front in {time.perf_counter() - started:.1f} s")  # fmt: skip

    with contextlib.ExitStack() as stack:
        pg = None if args.no_postgres else stack.enter_context(_pg.server())  # one cluster for the whole run
        crawls = crawl_both(replica, pg)
        # Per stage, in this process, the replica stopped: nothing else of ours runs meanwhile.
        warm_up()
        gc.collect()
        stages = run_stages(pages)
        print_stages(stages)
        db_ms = database_stage(stages.items, pg)
    pipeline_ms = stages.pipeline_ms
    print(f"  whole per-article pipeline with SQLite: {pipeline_ms + db_ms:.2f} ms")

    traf = time_trafilatura(pages)
    # With metadata (title, date: what ours also reads) as a second reference; on a sample when --quick.
    traf_meta = time_trafilatura(pages[:150] if args.quick else pages, with_metadata=True)
    print(f"\ntrafilatura {_machine._version('trafilatura')} on the same {traf.pages} pages: extract "
          f"{traf.ms_per_page:.2f} ms/page ({traf.empty} empty); with metadata {traf_meta.ms_per_page:.2f} ms/page "
          f"({traf_meta.pages} pages)")  # fmt: skip
    print(f"  ratio ours/trafilatura: pipeline {pipeline_ms / traf.ms_per_page:.2f}x, pipeline + SQLite "
          f"{(pipeline_ms + db_ms) / traf.ms_per_page:.2f}x; against trafilatura with metadata "
          f"{pipeline_ms / traf_meta.ms_per_page:.2f}x")  # fmt: skip

    if args.profile:
        from _stages import profile

        print("\ncProfile of the stages over the first 500 pages:\n" + profile(pages[:500]))

    sqlite = crawls[0]
    print(f"\ntargets: >= {TARGET_ARTICLES_PER_S:.0f} articles/s into SQLite: "
          f"{verdict(sqlite.articles_per_s >= TARGET_ARTICLES_PER_S)} ({sqlite.articles_per_s:.1f}); "
          f"pipeline cheaper than trafilatura: {verdict(pipeline_ms < traf.ms_per_page)} "
          f"({pipeline_ms:.2f} vs {traf.ms_per_page:.2f} ms)")  # fmt: skip
    print(f"total benchmark time {time.perf_counter() - started:.0f} s")
    print(f"throughput: {sqlite.articles_per_s:.0f} articles/s; pipeline {pipeline_ms:.1f} ms/article; "
          f"trafilatura {traf.ms_per_page:.1f} ms/page; peak RSS {sqlite.peak_rss_mb:.0f} MB")  # fmt: skip
    return 0 if all(c.returncode == 0 and c.stored for c in crawls) else 1


def memory(args: argparse.Namespace) -> int:
    """Peak RSS of a small and a large backfill; a crawl whose memory grows with the site fails the ratio."""
    peaks: list[CrawlFigures] = []
    large = args.articles or 20000
    for n in (large // 10, large):
        site = build_site(n_articles=n, seed=args.seed)
        # Served live (rendered per request): the replica's memory is not the crawler's.
        with serve(site) as server, sqlite_url() as url:
            figures = crawl(f"backfill of {n} generated articles", server.base_url, url, "since=2015-01-01")
        print(figures.line())
        peaks.append(figures)
    small, large = peaks
    ratio = large.peak_rss_mb / small.peak_rss_mb if small.peak_rss_mb else float("inf")
    print(f"peak RSS {small.peak_rss_mb:.0f} MB -> {large.peak_rss_mb:.0f} MB: ratio {ratio:.2f} "
          f"(target <= {TARGET_MEMORY_RATIO}: {verdict(ratio <= TARGET_MEMORY_RATIO)})")  # fmt: skip
    return 0 if all(p.returncode == 0 and p.stored for p in peaks) else 1


def reextract(args: argparse.Namespace) -> int:
    from reextract import reextract_bench

    n = args.articles or 2000
    site = build_site(n_articles=n, seed=args.seed)
    replica = Prerendered(site, site.all_pages())
    pages = article_pages(site, replica)
    warm_up()
    with serve(replica) as server, sqlite_url() as url:  # type: ignore[arg-type]  (duck-typed site)
        figures = crawl("crawl into SQLite", server.base_url, url)
        print(figures.line())
        return reextract_bench(figures, url, pages, memory_articles=20000, seed=args.seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="500 articles, under two minutes")
    mode.add_argument("--memory", action="store_true", help="peak RSS of a 2,000 and a 20,000-article backfill")
    mode.add_argument("--reextract", action="store_true", help="reextract from stored pages: speed and memory")
    parser.add_argument(
        "--articles", type=int, help="generated articles (default 5000, --quick 500; --memory: the large run, 20000)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--profile", action="store_true", help="cProfile of the per-stage run")
    args = parser.parse_args(argv)
    print(_machine.describe())
    if args.reextract:
        return reextract(args)
    return memory(args) if args.memory else throughput(args)


if __name__ == "__main__":
    sys.exit(main())
