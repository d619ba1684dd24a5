"""Re-derive the database from the stored pages (or a WARC file), with today's parsers, without one request.

    python -m laodongthudo.reextract [--since DAY] [--until DAY] [--section S] [--url URL] [--only-failed]
                                     [--dry-run] [-j N] [--warc FILE.warc.gz]

The newest stored version of every article page goes through `laodongthudo.derive` (the spider's checks, the
layout parsers, the crawl's item pipelines) in N worker processes, and what comes out is written through the
same `Store` as a crawl's: a changed article is updated (its old version kept in `article_revisions`, its
entities re-linked), a page readable now is stored as a new article and leaves `skipped_urls`, an unchanged one
is left as it is. The run ends with a summary and a `crawl_runs` row of mode `reextract`, and exits like
`scrapy crawl`: 0 done, 1 bad arguments, 3 markup alert (no article derived while pages lacked a body or a
date), 4 database unavailable. `--warc` first stores the WARC's response records as pages, then re-derives
those. Killed half-way, it can simply be run again: every batch is one transaction and the work idempotent.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from scrapy.settings import Settings
from sqlalchemy import select
from tqdm import tqdm

from laodongthudo import settings as project_settings
from laodongthudo import urls
from laodongthudo.db import HANOI, ArticleRow, SkippedUrlRow, Store, StoreUnavailable, describe_error, mask_url
from laodongthudo.db.engine import make_engine
from laodongthudo.db.pages import PageReader, PageSummary
from laodongthudo.db.store import Skip
from laodongthudo.derive import Derived, derive

logger = logging.getLogger("laodongthudo.reextract")

MODE = "reextract"
CHUNK = 16  # pages per task sent to a worker
IN_FLIGHT_PER_WORKER = 4  # tasks queued per worker: bounded memory whatever the archive's size


def project_setting() -> Settings:
    settings = Settings()
    settings.setmodule(project_settings)
    return settings


def hanoi_day(value: datetime) -> date:
    return value.astimezone(HANOI).date()


@dataclass(frozen=True)
class Known:
    """What the database holds about an article URL before the run."""

    section: str | None
    published_at: datetime | None
    content_hash: str | None


@dataclass
class Selection:
    """Which stored pages to re-derive."""

    since: date | None = None
    until: date | None = None
    sections: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    only_failed: bool = False

    def wants(self, page: PageSummary, known: Known | None) -> bool:
        if self.only_failed and known is not None:
            return False
        if self.sections and (known is None or known.section not in self.sections):
            return False
        if self.since or self.until:
            # The publication day when the article is known, else the day the page was fetched.
            day = hanoi_day(known.published_at if known and known.published_at else page.last_fetched_at)
            if (self.since and day < self.since) or (self.until and day > self.until):
                return False
        return True


@dataclass
class Tally:
    """What the run did, in the crawl's stats keys (so that the run record and exit status read it alike)."""

    pages: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    would_change: list[str] = field(default_factory=list)  # --dry-run: URLs whose row would change
    warm_up_s: float = 0.0  # from the start of the derivation to its first chunk (parsers and lexicon loading)
    warm_up_pages: int = 0
    derive_s: float = 0.0  # the whole derivation and writing

    def stats(self) -> dict[str, Any]:
        timing = {"reextract/warm_up_seconds": round(self.warm_up_s, 3), "reextract/warm_up_pages": self.warm_up_pages,
                  "reextract/derive_seconds": round(self.derive_s, 3)}  # fmt: skip
        return {**self.counts, **timing}


# -- worker processes ------------------------------------------------------------------------------------------

_reader: PageReader | None = None


def _worker_init(database_url: str) -> None:
    global _reader
    if _reader is not None:  # forked from a process that had one: its connections are the parent's
        _reader.engine.dispose(close=False)
    logging.getLogger().setLevel(logging.WARNING)  # the parsers' INFO lines would drown the progress bar
    _reader = PageReader(make_engine(database_url, read_only=True))


def _derive_chunk(jobs: Sequence[tuple[int, str | None]]) -> list[Derived]:
    assert _reader is not None
    sections = dict(jobs)
    return [derive(page, sections.get(page.id)) for page in _reader.load([page_id for page_id, _ in jobs])]


def derived_pages(database_url: str, jobs: Sequence[tuple[int, str | None]], workers: int) -> Iterator[Derived]:
    """Every page derived, in the order of `jobs` (page id, the section of its stored article if any); in
    `workers` processes (1: in this one)."""
    chunks = [jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    if workers <= 1:
        _worker_init(database_url)
        for chunk in chunks:
            yield from _derive_chunk(chunk)
        return
    # The first chunk here: parsers, pipelines and the entity lexicon are then loaded once, and forked workers
    # start with them (copy-on-write) instead of spending seconds each on it.
    _worker_init(database_url)
    yield from _derive_chunk(chunks[0] if chunks else [])
    chunks = chunks[1:]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with context.Pool(workers, initializer=_worker_init, initargs=(database_url,)) as pool:
        pending: deque[Any] = deque()
        queued = iter(chunks)
        for chunk in queued:
            pending.append(pool.apply_async(_derive_chunk, (chunk,)))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                break
        while pending:
            yield from pending.popleft().get()
            chunk = next(queued, None)
            if chunk is not None:
                pending.append(pool.apply_async(_derive_chunk, (chunk,)))


# -- the run ---------------------------------------------------------------------------------------------------


class Reextraction:
    def __init__(self, store: Store, database_url: str, settings: Settings, *, dry_run: bool, workers: int) -> None:
        self.store = store
        self.database_url = database_url
        self.dry_run = dry_run
        self.workers = workers
        self.batch_size = max(1, settings.getint("STORE_BATCH_SIZE", 50))
        self.retry_times = max(0, settings.getint("STORE_RETRY_TIMES", 5))
        self.retry_delay = settings.getfloat("STORE_RETRY_DELAY", 2.0)
        self.tally = Tally()

    def known_articles(self) -> dict[str, Known]:
        columns = (ArticleRow.url, ArticleRow.section, ArticleRow.published_at, ArticleRow.content_hash)
        with self.store.engine.connect() as connection:
            return {url: Known(*rest) for url, *rest in connection.execute(select(*columns))}

    def skipped_reasons(self) -> dict[str, str]:
        with self.store.engine.connect() as connection:
            return dict(connection.execute(select(SkippedUrlRow.url, SkippedUrlRow.reason)).all())

    def choose(self, selection: Selection, known: dict[str, Known]) -> list[PageSummary]:
        reader = PageReader(self.store.engine)
        wanted = tuple(urls.canonical_url(u) for u in selection.urls)
        return [p for p in reader.latest(kind="article", urls_only=wanted) if selection.wants(p, known.get(p.url))]

    def run(self, pages: list[PageSummary], known: dict[str, Known]) -> None:
        skipped = self.skipped_reasons()
        self.tally.pages = len(pages)
        articles: list[Any] = []
        skips: list[Skip] = []
        bar = tqdm(total=len(pages), unit="page", desc="reextract", file=sys.stderr, mininterval=0.5, smoothing=0.1)
        started = time.perf_counter()
        try:
            jobs = [(p.id, known[p.url].section if p.url in known else None) for p in pages]
            for derived in derived_pages(self.database_url, jobs, self.workers):
                if not self.tally.warm_up_pages:
                    self.tally.warm_up_s = time.perf_counter() - started
                    self.tally.warm_up_pages = min(CHUNK, len(pages))
                self._count(derived, known, skipped, articles, skips)
                if len(articles) >= self.batch_size or len(skips) >= self.batch_size:
                    self._write(articles, skips)
                bar.update(1)
            self._write(articles, skips)
        finally:
            self.tally.derive_s = time.perf_counter() - started
            bar.close()

    def _count(
        self,
        derived: Derived,
        known: dict[str, Known],
        skipped: dict[str, str],
        articles: list[Any],
        skips: list[Skip],
    ) -> None:
        counts = self.tally.counts
        before = known.get(derived.url)
        if derived.article is None:
            reason = derived.refused or derived.dropped or "?"
            prefix = "skipped" if derived.refused else "dropped"
            if before is not None:
                # Stored once, refused by today's parsers: the row stays (a regression to look at, not data lost).
                counts[f"reextract/refused_stored/{reason}"] += 1
                logger.warning("%s is stored but today's parsers refuse it (%s)", derived.url, reason)
                return
            counts[f"{prefix}/{reason}"] += 1
            if derived.refused and skipped.get(derived.url) != derived.refused:
                skips.append(Skip(derived.url, derived.refused, derived.status))
            return
        counts["reextract/derived"] += 1
        if self.dry_run:
            if before is None:
                counts["store/new"] += 1
            elif before.content_hash == derived.article.content_hash:
                counts["store/unchanged"] += 1
            else:
                counts["store/updated"] += 1
                self.tally.would_change.append(derived.url)
            return
        articles.append(derived.article)

    def _write(self, articles: list[Any], skips: list[Skip]) -> None:
        if self.dry_run or not (articles or skips):
            return
        for attempt in range(self.retry_times + 1):
            try:
                result = self.store.write_batch(articles, skips)
                break
            except StoreUnavailable as error:
                if attempt == self.retry_times:
                    raise
                delay = self.retry_delay * 2**attempt
                logger.warning("%s; retrying %d articles in %.1f s", error, len(articles), delay)
                time.sleep(delay)
        for name, value in result.counts().items():
            if value:
                self.tally.counts[f"store/{name}"] += value
        articles.clear()
        skips.clear()


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day (YYYY-MM-DD): {text!r}") from None


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m laodongthudo.reextract", description=__doc__.splitlines()[0])
    parser.add_argument("--since", type=parse_day, help="first day (publication, else fetch day; Hanoi)")
    parser.add_argument("--until", type=parse_day, help="last day, inclusive")
    parser.add_argument("--section", action="append", default=[], help="only articles of this section (repeatable)")
    parser.add_argument("--url", action="append", default=[], help="only this page (repeatable)")
    parser.add_argument("--only-failed", action="store_true", help="only pages that were refused (no article row)")
    parser.add_argument("--dry-run", action="store_true", help="write nothing; report what would change")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (CPU count)")
    parser.add_argument("--warc", type=Path, help="store this WARC file's responses as pages, then derive those")
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: DATABASE_URL setting)")
    parser.add_argument("--batch-size", type=int, default=None, help="articles per transaction (STORE_BATCH_SIZE)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("-j must be 1 or more")
    if args.since and args.until and args.since > args.until:
        parser.error("--since is after --until")
    if args.warc is not None and not args.warc.is_file():
        parser.error(f"no such WARC file: {args.warc}")
    if args.warc is not None and args.dry_run:
        parser.error("--dry-run cannot read a WARC: reading one stores its pages")
    return args


def run_stats(tally: Tally, started: datetime, finished: datetime, reason: str, workers: int) -> dict[str, Any]:
    stats: dict[str, Any] = {
        "start_time": started,
        "finish_time": finished,
        "finish_reason": reason,
        "reextract/pages": tally.pages,
        "reextract/workers": workers,
        "elapsed_time_seconds": (finished - started).total_seconds(),
    }
    for name in ("new", "updated", "unchanged", "error"):
        stats[f"store/{name}"] = 0
    stats.update(tally.stats())
    return stats


def main(argv: list[str] | None = None) -> int:
    from laodongthudo.extensions.run_record import ALERT_STAT, RunRecord, exit_status, markup_alert, write_run

    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(levelname)s %(name)s: %(message)s")
    try:
        args = arguments(argv)
    except SystemExit as stop:
        return 1 if stop.code else 0
    settings = project_setting()
    if args.batch_size:
        settings.set("STORE_BATCH_SIZE", args.batch_size)
    database_url = args.database or settings.get("DATABASE_URL")
    started = datetime.now(UTC)
    try:
        store = Store.open(database_url)
    except StoreUnavailable as error:
        logger.error("%s", error)
        return 4
    except ValueError as error:
        logger.error("Bad database URL: %s", error)
        return 1
    job = Reextraction(store, database_url, settings, dry_run=args.dry_run, workers=args.jobs)
    selection = Selection(args.since, args.until, tuple(args.section), tuple(args.url), args.only_failed)
    reason = "finished"
    try:
        if args.warc is not None:
            from laodongthudo.warc import import_warc

            imported = import_warc(store, args.warc, batch_size=job.batch_size)
            logger.info("%s: stored, with %d article pages", args.warc, len(imported))
            asked = {urls.canonical_url(u) for u in selection.urls}
            # The file's article pages (those asked for, with --url); none: nothing to derive.
            selection.urls = tuple(sorted(u for u in imported if not asked or u in asked)) or ("-",)
        known = job.known_articles()
        pages = job.choose(selection, known)
        logger.info("Re-deriving %d stored pages with %d worker(s)%s", len(pages), args.jobs,
                    " (dry run)" if args.dry_run else "")  # fmt: skip
        job.run(pages, known)
    except StoreUnavailable as error:
        logger.error("Database unavailable: %s", error)
        reason = "store_unavailable"
    except KeyboardInterrupt:
        reason = "shutdown"
    finally:
        store.close()
    finished = datetime.now(UTC)
    stats = run_stats(job.tally, started, finished, reason, args.jobs)
    if alert := markup_alert(stats):
        stats[ALERT_STAT] = alert
        logger.error(alert)
    record = RunRecord.from_stats(stats, None)
    record.mode = MODE
    record.sections = list(args.section)
    record.since, record.until = args.since, args.until
    if not args.dry_run:
        try:
            record.id = write_run(database_url, record)
        except Exception as error:
            logger.error("Cannot write the run record to %s: %s", mask_url(database_url), describe_error(error))
    print(summary(record, job.tally, stats, dry_run=args.dry_run), file=sys.stderr)
    if reason == "shutdown":
        return 130
    return exit_status(stats)


def summary(record: Any, tally: Tally, stats: dict[str, Any], *, dry_run: bool) -> str:
    seconds = max(float(stats["elapsed_time_seconds"]), 1e-9)
    refused = {k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith(("skipped/", "dropped/"))}
    regressed = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("reextract/refused_stored/")}
    word = "would be" if dry_run else ""
    rows = [
        ("run", "dry run (nothing written)" if dry_run else (f"#{record.id}" if record.id else "(not recorded)")),
        (
            "pages",
            f"{tally.pages} in {seconds:.1f} s ({tally.pages / seconds:.1f} pages/s), "
            f"{stats['reextract/workers']} worker(s)",
        ),  # fmt: skip
        ("re-derived", str(stats.get("reextract/derived", 0))),
        ("changed", f"{stats['store/updated']} {word}".strip()),
        ("newly stored", f"{stats['store/new']} {word}".strip()),
        ("unchanged", str(stats["store/unchanged"])),
        ("still refused", ", ".join(f"{r} {n}" for r, n in sorted(refused.items())) or "0"),
        ("stored, refused now", ", ".join(f"{r} {n}" for r, n in sorted(regressed.items())) or "0"),
        ("errors", str(stats["store/error"])),
        ("finish reason", str(stats["finish_reason"])),
    ]
    if stats.get("run/alert"):
        rows.append(("ALERT", str(stats["run/alert"])))
    width = max(len(label) for label, _ in rows)
    lines = ["Re-extraction summary", "-" * 60, *(f"{label:<{width}}  {value}" for label, value in rows), "-" * 60]
    if dry_run and tally.would_change:
        lines += ["would change:", *(f"  {url}" for url in tally.would_change[:50])]
        if len(tally.would_change) > 50:
            lines.append(f"  ... and {len(tally.would_change) - 50} more")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
