"""Search latency on a 20,000-article archive: the full-text index against a LIKE scan, in the same run.

    python bench/search.py [--articles 20000] [--repeat 3] [--no-postgres]

The archive is written through the Store from the replica's article generator (no crawl): every union
article of a replica of that size, entities left out (they play no part in a search). For each database:
- index build time: the rows are stored at revision 0008 (just before the index), then `upgrade()` to
  head builds the indexes over them (revisions 0009_search and 0011_search_pairs) -- what an existing archive
  pays once;
- size on disk of the index;
- 20 queries drawn at random from the archive (names it mentions, words of its titles), typed without
  diacritics, each through `Searcher` (ranked, with snippets, 20 results; the words as typed first, from the
  index of word pairs, then the syllable index to fill), then in quotes (a phrase), and as
  the LIKE a user would need instead (the text with its diacritics, in title, sapo or body): a scan for
  every match, and the 20 newest matches (LIKE may then stop early). Each query runs `--repeat` times, its
  median time counts; the summary gives the median and 95th percentile over the 20 queries and the ratios;
- the floor: the first step's ranked index statement alone, on the driver's cursor (no SQLAlchemy, no rows
  read, no snippets). No ranked search on that database can be faster; its ratio to the LIKE scan bounds
  what any ranked search can reach there.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import Engine, Select, func, literal, or_, select, text  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _machine  # noqa: E402
import _pg  # noqa: E402

from laodongthudo.db import ArticleRow, Store, make_engine, upgrade  # noqa: E402
from laodongthudo.db.searchindex import (  # noqa: E402
    PG_CONFIG,
    PG_DOCUMENT_COLUMN,
    PG_PAIRS_COLUMN,
    SQLITE_FTS_TABLE,
    SQLITE_PAIRS_TABLE,
)
from laodongthudo.items import Article  # noqa: E402
from laodongthudo.search import Searcher, SearchQuery  # noqa: E402
from laodongthudo.search.query import fts5_expression, fts5_pairs_expression, pair_string, parse_query  # noqa: E402
from laodongthudo.search.searcher import PG_WEIGHTS, PhraseStep  # noqa: E402
from laodongthudo.textnorm import title_key  # noqa: E402
from laodongthudo.urls import CANONICAL_ROOT  # noqa: E402
from replica import build_site  # noqa: E402

# Worst cases, timed and shown apart from the 20: words in most articles of a union archive.
COMMON_QUERIES = [("cong doan", "công đoàn"), ("doan vien", "đoàn viên"), ("nguoi lao dong", "người lao động")]
_TITLE_WORD = re.compile(r"^[^\W\d_]+$")
NAMES = 10  # of the 20 queries; the others are words of titles


def sample_queries(n: int) -> list[tuple[str, str]]:
    """What people type (accent-free) and the accented text a LIKE needs: half names of people, organisations
    and places the archive names, half 2-3 consecutive words of a title, drawn at random (fixed seed)."""
    site = build_site(n_articles=n, seed=20)
    truths = site.union_articles()[:n]
    rng = random.Random(12)
    queries: list[tuple[str, str]] = []
    while len(queries) < NAMES:
        entities = site.article_details(rng.choice(truths).path)["entities"]
        if entities:
            name = rng.choice(entities)["name"]
            if all(name != accented for _, accented in queries):
                queries.append((title_key(name), name))
    while len(queries) < 20:
        words = rng.choice(truths).title.split()
        size = rng.choice((2, 3))
        start = rng.randrange(max(1, len(words) - size + 1))
        part = words[start : start + size]
        if len(part) == size and all(_TITLE_WORD.match(w) for w in part):
            queries.append((title_key(" ".join(part)), " ".join(part)))
    return queries


def generated_articles(n: int) -> Iterator[Article]:
    site = build_site(n_articles=n, seed=20)
    for truth in site.union_articles()[:n]:
        details = site.article_details(truth.path)
        body = "\n\n".join(details["paragraphs"])
        yield Article(
            url=CANONICAL_ROOT + truth.path, article_id=truth.id, section=truth.section, kicker=truth.kicker,
            title=truth.title, sapo=details["sapo"], body=body, author=details["byline"],
            published_at=truth.published, event_date=details["event_date"], tags=details["tags"],
            content_hash=f"bench-{truth.id}",
        )  # fmt: skip


def load(url: str, n: int) -> tuple[float, float]:
    """Rows at revision 0008_pages, then the index built over them: (seconds writing, seconds building)."""
    upgrade(url, "0008_pages")
    started = time.perf_counter()
    with Store.open(url, migrate=False) as store:
        batch: list[Article] = []
        for article in generated_articles(n):
            batch.append(article)
            if len(batch) == 500:
                store.write_batch(batch)
                batch = []
        store.write_batch(batch)
    written = time.perf_counter() - started
    started = time.perf_counter()
    upgrade(url)
    return written, time.perf_counter() - started


def index_size(engine: Engine, path: Path | None) -> str:
    with engine.connect() as c:
        if engine.dialect.name == "postgresql":
            mib = 2**20
            parts = []
            for column, index in (("search_document", "ix_articles_search_document"),
                                  ("search_pairs", "ix_articles_search_pairs")):  # fmt: skip
                gin = c.execute(text(f"SELECT pg_relation_size('{index}')")).scalar_one()
                size = c.execute(text(f"SELECT sum(pg_column_size({column})) FROM articles")).scalar_one()
                parts.append(f"{column}: GIN {gin / mib:.1f} MiB + tsvector {size / mib:.1f} MiB")
            table = c.execute(text("SELECT pg_total_relation_size('articles')")).scalar_one()
            return "; ".join(parts) + f" (articles in all {table / mib:.1f} MiB)"
    # SQLite: the FTS5 shadow tables' pages (dbstat), outside SQLAlchemy's transaction.
    assert path is not None
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pairs = raw.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'articles_fts_pairs%'").fetchone()[0]
    pages = raw.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'articles_fts%'").fetchone()[0]
    raw.close()
    total, mib = path.stat().st_size, 2**20
    return (
        f"FTS5 {pages / mib:.1f} MiB: syllables {(pages - pairs) / mib:.1f}, word pairs {pairs / mib:.1f}"
        f" (database file {total / mib:.1f} MiB; the text is not stored twice)"
    )


def like_statement(accented: str, newest: int | None = None) -> Select[Any]:
    """The LIKE a user needs instead: the text as typed with its diacritics, in title, sapo or body. A scan
    returns every match (what the search ranks); `newest` keeps only the newest N, on which LIKE can stop
    early by walking the published_at index, which favours it."""
    a = ArticleRow.__table__.c
    pattern = literal(f"%{accented}%")
    statement = select(a.id, a.url, a.title, a.published_at).where(
        or_(a.title.like(pattern), a.sapo.like(pattern), a.body.like(pattern))
    )
    if newest is not None:
        statement = statement.order_by(a.published_at.desc()).limit(newest)
    return statement


def floor_statement(dialect: str, typed: str) -> tuple[str, tuple[str, ...]]:
    """The statement of the search's first step, ranked, 20 rows, in the driver's parameter style."""
    step = PhraseStep.of(parse_query(typed))
    assert step is None or not (step.words or step.excluded), "the sampled queries are plain words"
    if dialect == "sqlite":
        if step:
            table, match = SQLITE_PAIRS_TABLE, fts5_pairs_expression(step.phrases)
        else:
            table, match = SQLITE_FTS_TABLE, fts5_expression(typed)
        return f"SELECT rowid, rank FROM {table} WHERE {table} MATCH ? ORDER BY rank LIMIT 20", (match,)
    if step:
        column, parameters = PG_PAIRS_COLUMN, tuple(pair_string(term) for term in step.phrases)
        tsquery = " && ".join(f"phraseto_tsquery('{PG_CONFIG}', laodongthudo_search_text(%s))" for _ in parameters)
    else:
        column, parameters = PG_DOCUMENT_COLUMN, (typed,)
        tsquery = f"websearch_to_tsquery('{PG_CONFIG}', %s)"
    return (
        f"SELECT id, ts_rank('{PG_WEIGHTS}', {column}, q) AS r FROM articles, (SELECT {tsquery} AS q) AS t"
        f" WHERE {column} @@ q ORDER BY r DESC LIMIT 20",
        parameters,
    )


def timed(call: Callable[[], int], repeat: int) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        found = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), found


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass
class Timing:
    query: str
    hits: int  # search results shown (at most 20)
    search: float
    scan: float  # LIKE: every match
    scan_hits: int
    newest: float  # LIKE: the 20 newest matches
    phrase: float  # search for the same words in quotes (a phrase)
    floor: float  # the first step's ranked statement alone, on the driver's cursor


def time_queries(engine: Engine, queries: list[tuple[str, str]], repeat: int) -> list[Timing]:
    searcher = Searcher(engine)
    raw = engine.raw_connection()  # for the floor: the driver's own connection and cursor
    timings = []
    for typed, accented in queries:

        def search(typed: str = typed) -> int:
            return len(searcher.search(SearchQuery(typed, limit=20)))

        def like(accented: str = accented, newest: int | None = None) -> int:
            with engine.connect() as c:
                return len(c.execute(like_statement(accented, newest)).all())

        def floor(statement: tuple[str, tuple[str, ...]] = floor_statement(engine.dialect.name, typed)) -> int:
            cursor = raw.cursor()
            cursor.execute(*statement)
            found = len(cursor.fetchall())
            cursor.close()
            return found

        search_time, hits = timed(search, repeat)
        scan_time, scan_hits = timed(like, repeat)
        newest_time, _ = timed(lambda: like(newest=20), repeat)  # noqa: B023 (called at once)
        phrase_time, _ = timed(lambda: search(f'"{typed}"'), repeat)  # noqa: B023
        floor_time, _ = timed(floor, repeat)
        timings.append(Timing(typed, hits, search_time, scan_time, scan_hits, newest_time, phrase_time, floor_time))
    raw.rollback()
    raw.close()
    return timings


def show(timings: list[Timing]) -> None:
    header = ("query (typed without diacritics)", "hits", "search ms", "LIKE scan ms", "ratio", "LIKE newest 20",
              "ratio", "phrase ms", "floor ms", "LIKE matches")  # fmt: skip
    line = "  {:<44} {:>4} {:>9}  {:>12} {:>6}  {:>14} {:>6}  {:>9}  {:>8}  {}"
    print(line.format(*header))
    for t in timings:
        print(line.format(t.query, t.hits, f"{t.search * 1e3:.2f}", f"{t.scan * 1e3:.2f}", f"{t.scan / t.search:.0f}x",
                          f"{t.newest * 1e3:.2f}", f"{t.newest / t.search:.1f}x", f"{t.phrase * 1e3:.2f}",
                          f"{t.floor * 1e3:.2f}", t.scan_hits))  # fmt: skip


def summary(name: str, search: list[float], like: list[float], pick: Callable[[list[float]], float]) -> str:
    s, l_ = pick(search), pick(like)
    return f"{name} {s * 1e3:.2f} ms vs {l_ * 1e3:.2f} ms: {l_ / s:.1f}x"


def measure(url: str, n: int, repeat: int, queries: list[tuple[str, str]], path: Path | None = None) -> None:
    written, built = load(url, n)
    engine = make_engine(url)
    with engine.connect() as c:
        stored = c.execute(select(func.count()).select_from(ArticleRow.__table__)).scalar_one()
    print(f"\n{engine.dialect.name}: {stored} articles written in {written:.1f} s; index built in {built:.2f} s")
    print(f"  size: {index_size(engine, path)}")
    timings = time_queries(engine, queries, repeat)
    show(timings)
    search, phrase = [t.search for t in timings], [t.phrase for t in timings]
    for label, fts, like in (
        ("search vs LIKE scan", search, [t.scan for t in timings]),
        ("search vs LIKE newest 20", search, [t.newest for t in timings]),
        ('"phrase" search vs LIKE scan', phrase, [t.scan for t in timings]),
        ("floor (ranked index statement alone) vs LIKE scan", [t.floor for t in timings], [t.scan for t in timings]),
    ):
        parts = (summary(n, fts, like, f) for n, f in (("median", statistics.median), ("p95", p95)))
        print(f"  {label}: " + "; ".join(parts))
    # sample_queries: names first, then words of titles (the replica's titles share few phrases: many matches).
    for label, part in (("names", timings[:NAMES]), ("words of titles", timings[NAMES:])):
        median = summary("median", [t.search for t in part], [t.scan for t in part], statistics.median)
        print(f"  search vs LIKE scan, the {len(part)} {label}: {median}")
    print("  worst cases, words most articles contain (not in the figures above):")
    show(time_queries(engine, COMMON_QUERIES, repeat))
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(_machine.describe())
    queries = sample_queries(args.articles)
    with tempfile.TemporaryDirectory(prefix="ldtd-bench-search-") as tmp:
        path = Path(tmp) / "laodongthudo.db"
        measure(f"sqlite:///{path}", args.articles, args.repeat, queries, path)
    if not args.no_postgres:
        with _pg.server() as server:
            if server is not None:
                with _pg.database(server.url) as url:
                    measure(url, args.articles, args.repeat, queries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
