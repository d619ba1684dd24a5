"""Full-text search (revision 0009_search) on SQLite and the real PostgreSQL, after a real crawl of the replica.

Every expected result is a brute-force scan of the stored titles, sapos and bodies: folded (diacritics and
đ removed, lowercased) and split into words, the way both indexes read them.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import time
import unicodedata
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import URL, create_engine, inspect, text
from sqlalchemy.pool import NullPool

from laodongthudo.db import Store, downgrade, make_engine, upgrade
from laodongthudo.db.migrate import alembic_config
from laodongthudo.db.reading import open_for_reading
from laodongthudo.db.searchindex import PG_DOCUMENT_COLUMN, PG_PAIRS_COLUMN, SQLITE_FTS_TABLE, SQLITE_PAIRS_TABLE
from laodongthudo.db.types import HANOI
from laodongthudo.items import Article
from laodongthudo.search import QuerySyntaxError, Searcher, SearchHit, SearchQuery, fts5_expression
from laodongthudo.urls import CANONICAL_ROOT
from replica import build_site, serve
from tests.crawling import REPO, crawl_env, run_crawl, stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
FIELDS = ("title", "sapo", "body")
ALL = 100_000
_WORDS = re.compile(r"[^\W_]+")


def fold(value: str | None) -> str:
    decomposed = unicodedata.normalize("NFD", value or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D").lower()


def words(value: str | None) -> list[str]:
    return _WORDS.findall(fold(value))


def has_diacritics(word: str) -> bool:
    return fold(word) != word.lower()


@dataclass
class Archive:
    url: str
    base_url: str
    site: object

    def rows(self) -> list[dict]:
        return stored_rows(self.url)

    def hits(self, query: str, limit: int = ALL, **filters: object) -> list[SearchHit]:
        engine = make_engine(self.url)
        try:
            return Searcher(engine).search(SearchQuery(query, limit=limit, **filters))
        finally:
            engine.dispose()

    def search(self, query: str, **filters: object) -> list[int]:
        return [hit.id for hit in self.hits(query, **filters)]


def with_all_words(rows: list[dict], query_words: list[str]) -> set[int]:
    wanted = {fold(w) for w in query_words}
    return {r["id"] for r in rows if wanted <= {w for f in FIELDS for w in words(r[f])}}


def with_phrase(rows: list[dict], phrase: list[str]) -> set[int]:
    wanted = [fold(w) for w in phrase]
    n = len(wanted)

    def contains(tokens: list[str]) -> bool:
        return any(tokens[i : i + n] == wanted for i in range(len(tokens) - n + 1))

    return {r["id"] for r in rows if any(contains(words(r[f])) for f in FIELDS)}


@pytest.fixture(scope="module")
def site():
    return build_site(n_articles=40, seed=12)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def archive(request: pytest.FixtureRequest, site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    with serve(site) as replica:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('search') / 'laodongthudo.db'}"
            yield from _crawled(Archive(url, replica.base_url, site), replica)
            return
        server: URL = request.getfixturevalue("pg_server")
        name = f"ldtd_search_{uuid.uuid4().hex[:10]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"))
        try:
            url = server.set(database=name).render_as_string(hide_password=False)
            yield from _crawled(Archive(url, replica.base_url, site), replica)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _crawled(archive: Archive, replica) -> Iterator[Archive]:
    archive.replica = replica
    result = run_crawl(archive.base_url, archive.url)
    assert result.returncode == 0, result.log[-3000:]
    assert result.stat("store/new") > 40
    yield archive


def test_a_word_without_diacritics_finds_exactly_the_articles_with_it(archive: Archive) -> None:
    rows = archive.rows()
    frequency = Counter(w for r in rows for w in {w for f in FIELDS for w in _WORDS.findall((r[f] or "").lower())})
    # Words with diacritics that some articles have and others lack, one of them with đ.
    candidates = sorted((w for w, n in frequency.items() if has_diacritics(w) and 2 <= n <= len(rows) // 2),
                        key=lambda w: (-frequency[w], w))  # fmt: skip
    chosen = candidates[:5] + [w for w in candidates if "đ" in w][:2]
    assert len(chosen) == 7
    for word in chosen:
        expected = with_all_words(rows, [word])
        assert 0 < len(expected) < len(rows), word
        assert set(archive.search(fold(word))) == expected, word
        assert archive.search(word) == archive.search(fold(word)), word
        assert set(archive.search(word.upper())) == expected, word


def test_a_query_with_diacritics_gives_the_results_of_the_same_query_without(archive: Archive) -> None:
    rows = archive.rows()
    for query in ("công đoàn hoàng mai", "Tháng Công nhân", "đoàn viên người lao động", "Liên đoàn Lao động"):
        expected = with_all_words(rows, query.split())
        assert expected, query
        assert set(archive.search(query)) == expected, query
        assert archive.search(fold(query)) == archive.search(query), query


def test_a_quoted_phrase_matches_as_a_phrase(archive: Archive) -> None:
    rows = archive.rows()
    joined = " ".join(fold(r[f]) for r in rows for f in FIELDS)
    pairs = Counter(pair for r in rows for f in FIELDS for pair in set(zip(words(r[f]), words(r[f])[1:], strict=False)))
    tested = 0
    for (first, second), _ in pairs.most_common():
        if tested == 4:
            break
        # Skip words also written in hyphenated compounds: PostgreSQL's parser places those apart.
        if any(re.search(rf"(?<![^\W_]){w}(?=[-/])|(?<=[-/]){w}(?![^\W_])", joined) for w in (first, second)):
            continue
        phrase = with_phrase(rows, [first, second])
        loose = with_all_words(rows, [first, second])
        if not (phrase and phrase < loose):  # only pairs where the phrase rules some articles out
            continue
        assert set(archive.search(f'"{first} {second}"')) == phrase, (first, second)
        assert set(archive.search(f"{first} {second}")) == loose, (first, second)
        tested += 1
    assert tested == 4


def typed_pairs(value: str | None) -> set[tuple[str, str]]:
    """The pairs of neighbouring words a text holds as typed: two whitespace-separated parts, with no
    punctuation where they meet (how the pairs index of 0011_search_pairs reads a text)."""
    parts = (value or "").split()
    found = set()
    for first, second in zip(parts, parts[1:], strict=False):
        if _WORDS.fullmatch(first[-1]) and _WORDS.fullmatch(second[0]):
            found.add((words(first)[-1], words(second)[0]))
    return found


def test_words_typed_together_come_first(archive: Archive) -> None:
    """Two words typed side by side: the articles that hold them side by side, then the others holding both."""
    rows = archive.rows()
    joined = " ".join(fold(r[f]) for r in rows for f in FIELDS)
    held = {r["id"]: set().union(*(typed_pairs(r[f]) for f in FIELDS)) for r in rows}
    counts = Counter(pair for pairs in held.values() for pair in pairs)
    tested = 0
    for (first, second), _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if tested == 3:
            break
        if any(re.search(rf"(?<![^\W_]){w}(?=[-/])|(?<=[-/]){w}(?![^\W_])", joined) for w in (first, second)):
            continue  # PostgreSQL's parser reads hyphenated compounds apart
        together = {id_ for id_, pairs in held.items() if (first, second) in pairs}
        apart = with_all_words(rows, [first, second]) - together
        if not apart:
            continue
        hits = archive.hits(f"{first} {second}")
        exact = [h for h in hits if h.exact]
        assert hits[: len(exact)] == exact, "the articles with the words as typed come first"
        assert {h.id for h in exact} == together, (first, second)
        assert {h.id for h in hits[len(exact) :]} == apart, (first, second)
        for part in (exact, hits[len(exact) :]):
            assert [h.rank for h in part] == sorted((h.rank for h in part), reverse=True)
        # A short list is the start of the long one.
        assert archive.hits(f"{first} {second}", limit=2) == hits[:2]
        # With a single word to hold and one to leave out (the syllable index filters the pairs' matches).
        mixed = archive.hits(f'"{first} {second}" đoàn -hoàng')
        wanted = (with_phrase(rows, [first, second]) & with_all_words(rows, ["đoàn"])) - with_all_words(rows, ["hoàng"])
        assert {h.id for h in mixed} == wanted
        assert {h.id for h in mixed if h.exact} == together & wanted
        tested += 1
    assert tested == 3


def test_newest_first(archive: Archive) -> None:
    """`newest`: the same articles, the words as typed still first, each step by publication time, newest first."""
    rows = {r["id"]: r for r in archive.rows()}
    for query in ("hoàng mai", "doan vien", "cong doan hoang mai", "đoàn"):
        best = archive.hits(query)
        newest = archive.hits(query, newest=True)
        assert {h.id for h in newest} == {h.id for h in best}, query
        assert [h.exact for h in newest] == sorted((h.exact for h in newest), reverse=True), query
        for exact in (True, False):
            part = [h for h in newest if h.exact is exact]
            assert {h.id for h in part} == {h.id for h in best if h.exact is exact}, query
            keys = [(rows[h.id]["published_at"], h.id) for h in part]
            assert keys == sorted(keys, reverse=True), query
        assert archive.hits(query, limit=3, newest=True) == newest[:3], query


def test_or_and_excluded_words(archive: Archive) -> None:
    rows = archive.rows()
    either = with_all_words(rows, ["hoàng"]) | with_all_words(rows, ["chương"])
    assert set(archive.search("hoàng OR chương")) == either
    without = with_all_words(rows, ["đoàn"]) - with_all_words(rows, ["hoàng"])
    assert set(archive.search("doan -hoang")) == without
    with pytest.raises(QuerySyntaxError):
        archive.search("-hoang")
    with pytest.raises(QuerySyntaxError):
        archive.search(' " ... " ')


def test_filters_by_section_dates_and_entity(archive: Archive) -> None:
    rows = archive.rows()
    everything = with_all_words(rows, ["đoàn"])
    assert set(archive.search("đoàn", section="hoat-dong")) == {r["id"] for r in rows if r["id"] in everything
                                                                 and r["section"] == "hoat-dong"}  # fmt: skip
    days = sorted(r["published_at"].date() for r in rows if r["id"] in everything)
    since, until = days[len(days) // 4], days[3 * len(days) // 4]
    in_range = {r["id"] for r in rows if r["id"] in everything and since <= r["published_at"].date() <= until}
    assert set(archive.search("đoàn", since=since, until=until)) == in_range
    assert archive.search("đoàn", since=until + timedelta(days=1), until=until) == []

    engine = make_engine(archive.url)
    with engine.connect() as connection:
        name, named = connection.execute(
            text(
                "SELECT e.name, count(*) FROM entities e JOIN article_entities ae ON ae.entity_id = e.id"
                " WHERE e.type = 'LOCATION' GROUP BY e.name ORDER BY count(*) DESC, e.name LIMIT 1"
            )
        ).one()
        ids = set(connection.execute(text(
            "SELECT ae.article_id FROM article_entities ae JOIN entities e ON e.id = ae.entity_id WHERE e.name = :n"
        ), {"n": name}).scalars())  # fmt: skip
    engine.dispose()
    assert len(ids) == named >= 2
    expected = ids & everything
    assert set(archive.search("đoàn", entity=name)) == expected
    assert set(archive.search("đoàn", entity=fold(name).upper())) == expected  # typed without diacritics
    assert archive.search("đoàn", entity="Không Có Ai Tên Này") == []


def test_results_are_ranked_with_highlighted_snippets(archive: Archive) -> None:
    engine = make_engine(archive.url)
    try:
        hits = Searcher(engine).search(SearchQuery("hoàng mai", limit=5))
    finally:
        engine.dispose()
    assert hits
    assert [h.rank for h in hits] == sorted((h.rank for h in hits), reverse=True)
    for hit in hits:
        marked = {fold(m) for m in re.findall(r"\[([^\]]+)\]", hit.snippet)}
        assert marked and marked <= {"hoang", "mai"}, hit.snippet
        assert "đ" in hit.snippet.lower() or "Đ" in hit.snippet or not re.search("d", fold(hit.snippet))


def test_the_command_line(archive: Archive) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "laodongthudo.search", *args, "--database", archive.url]
        return subprocess.run(command, cwd=REPO, env=crawl_env(), capture_output=True, text=True, timeout=60)

    done = run("cong doan hoang mai", "--json", "--limit", "3")
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert [r["id"] for r in results] == archive.search("công đoàn hoàng mai")[:3]
    assert {"published_at", "section", "title", "url", "snippet"} <= set(results[0])
    assert all(r["url"].startswith(CANONICAL_ROOT) for r in results)

    listing = run("Công Đoàn Hoàng Mai", "--limit", "2", "--section", "hoat-dong", "--since", "2015-01-01")
    assert listing.returncode == 0, listing.stderr
    first = archive.search("cong doan hoang mai", section="hoat-dong")[0]
    assert next(r for r in archive.rows() if r["id"] == first)["url"] in listing.stdout

    newest = json.loads(run("cong doan hoang mai", "--json", "--newest", "--limit", "4").stdout)
    assert [r["id"] for r in newest] == [h.id for h in archive.hits("công đoàn hoàng mai", limit=4, newest=True)]

    bad = run("doan", "--since", "1/1/2020")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
    empty = run("... -doan")
    assert empty.returncode == 2 and "nothing to search for" in empty.stderr


def test_a_later_crawl_that_updates_an_article_updates_the_index(archive: Archive) -> None:
    # Last in the module: it edits the replica and refreshes the archive.
    site = archive.site
    edited = site.union_articles()[6]
    record = site.record(edited.path)
    url = CANONICAL_ROOT + edited.path
    before = {r["url"]: r for r in archive.rows()}
    old_words = [w for w in words(before[url]["sapo"]) if len(w) > 3][:6]
    new_sapo = "Công đoàn phường Nghĩa Đô trao tặng xe lăn cho đoàn viên khuyết tật ở Xuân Đỉnh."
    assert archive.search('"xe lăn" khuyết tật Xuân Đỉnh') == []
    # Two words the old sapo holds as typed, and neither title nor body does.
    old = before[url]
    old_pairs = typed_pairs(old["sapo"]) - typed_pairs(old["title"]) - typed_pairs(old["body"])
    old_phrase = next(f"{a} {b}" for a, b in sorted(old_pairs))
    assert any(h.exact for h in archive.hits(old_phrase) if h.id == old["id"])
    record.sapo_override = new_sapo
    try:
        archive.replica.reset()
        refreshed = run_crawl(archive.base_url, archive.url, "refresh=1")
        assert refreshed.returncode == 0, refreshed.log[-3000:]
        assert refreshed.stat("store/updated") == 1
    finally:
        record.sapo_override = None
    rows = archive.rows()
    article_id = next(r["id"] for r in rows if r["url"] == url)
    assert archive.search('"xe lan" khuyet tat xuan dinh') == [article_id]
    [hit] = archive.hits('"xe lan" cho doan vien khuyet tat o xuan dinh')
    assert hit.id == article_id and hit.exact  # found in the index of word pairs, updated by its trigger
    assert not any(h.exact for h in archive.hits(old_phrase) if h.id == article_id), old_phrase  # pairs deleted
    assert set(archive.search(" ".join(old_words))) == with_all_words(rows, old_words)


def pairs_matching(db_url: str, pair: str) -> int:
    """Rows the index of word pairs itself holds for a pair token."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                sql = f"SELECT count(*) FROM articles WHERE {PG_PAIRS_COLUMN} @@ to_tsquery('simple', :pair)"
            else:
                sql = f"SELECT count(*) FROM {SQLITE_PAIRS_TABLE} WHERE {SQLITE_PAIRS_TABLE} MATCH :pair"
            return connection.execute(text(sql), {"pair": pair}).scalar_one()
    finally:
        engine.dispose()


def test_control_characters_and_line_breaks_in_the_text(db_url: str) -> None:
    """JSON strings cannot hold control characters, and the SQLite triggers build the pairs from a JSON array
    of the words: the row is stored, and its words are paired all the same, across line breaks too."""
    body = "Đoàn viên nhận quà\x01 Tết sum vầy\n\nBùi Minh\tTiến trao quà."
    article = Article(url=f"{CANONICAL_ROOT}/a-9.html", article_id=9, title='Chợ "Tết" \\ Công đoàn', body=body,
                      content_hash="h9")  # fmt: skip
    with Store.open(db_url) as store:
        assert store.write_batch([article]).new == 1
    archive = Archive(db_url, "", None)
    for query in ("tet sum vay", "cong doan", "bui minh tien", "vay bui"):
        [hit] = archive.hits(query)
        assert hit.exact, query
    assert not archive.hits("qua tet")[0].exact  # the control character parts them, as punctuation would
    assert archive.hits("tet sum vay")[0].snippet.startswith("Đoàn viên nhận quà\x01 [Tết] [sum] [vầy] Bùi Minh Tiến")


def test_the_migration_indexes_existing_rows_and_steps_down(db_url: str) -> None:
    # The revision just before the search index: the Store of today writes every column it has.
    before = ScriptDirectory.from_config(alembic_config()).get_revision("0009_search").down_revision
    upgrade(db_url, before)
    article = Article(url=f"{CANONICAL_ROOT}/a-1.html", article_id=1, section="hoat-dong", title="Đêm hội Trăng rằm",
                      sapo="Niềm vui của đoàn viên.", body="Các cháu thiếu nhi phá cỗ.", content_hash="h1")  # fmt: skip
    with Store.open(db_url, migrate=False) as store:
        assert store.write_batch([article]).new == 1
    upgrade(db_url)
    archive = Archive(db_url, "", None)
    [hit] = archive.hits("dem hoi trang ram")
    assert hit.exact  # the pairs index was built over the row already there
    assert len(archive.search("doan vien")) == 1
    assert pairs_matching(db_url, "dem0hoi") == 1
    with Store.open(db_url) as store, store.engine.begin() as connection:
        connection.execute(text("DELETE FROM articles"))
    assert archive.search("dem hoi") == []
    assert pairs_matching(db_url, "dem0hoi") == 0  # a contentless FTS5 table forgets a row only when told

    downgrade(db_url, before)
    engine = make_engine(db_url)
    inspector = inspect(engine)
    assert not {SQLITE_FTS_TABLE, SQLITE_PAIRS_TABLE} & set(inspector.get_table_names())
    assert not {PG_DOCUMENT_COLUMN, PG_PAIRS_COLUMN} & {c["name"] for c in inspector.get_columns("articles")}
    engine.dispose()
    upgrade(db_url)


def test_fts5_expression_quotes_every_term() -> None:
    assert fts5_expression('Công Đoàn "hoàng  mai" -lễ') == '(("Công" AND "Doàn" AND "hoàng mai") NOT "lễ")'
    assert fts5_expression('a OR b"c') == '(("a")) OR (("b""c"))'
    assert fts5_expression("x OR OR y") == '(("x")) OR (("y"))'
    with pytest.raises(QuerySyntaxError):
        fts5_expression("OR - ...")


def test_the_readme_sql_finds_what_the_command_finds(db_url: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8").split("### Searching the archive", 1)[1]
    found = re.search(r"```sql\n-- SQLite\n(.*?)\n-- PostgreSQL\n(.*?)```", readme, re.S)
    assert found, "README: the search SQL block"
    sql = found.group(2 if db_url.startswith("postgresql") else 1)
    assert "'cong doan \"hoang mai\"'" in sql
    articles = [
        Article(url=f"{CANONICAL_ROOT}/a-{i}.html", article_id=i, title=title, sapo=sapo, content_hash=str(i))
        for i, (title, sapo) in enumerate(
            [
                ("Công đoàn Hoàng Mai", "Trao quà Tết."),
                ("Hoàng Mai", "Công đoàn"),
                ("Mai vàng", "Hoàng hôn, công đoàn."),
            ]
        )  # fmt: skip
    ]
    with Store.open(db_url) as store:
        store.write_batch(articles)
        with store.engine.connect() as connection:
            rows = connection.exec_driver_sql(sql.replace("%", "%%")).all()
    urls = {row["id"]: row["url"] for row in stored_rows(db_url)}
    assert [row.url for row in rows] == [urls[i] for i in Archive(db_url, "", None).search('cong doan "hoang mai"')]
    assert len(rows) == 2 and all("[" in row.snippet for row in rows)


@pytest.mark.parametrize("command", [["laodongthudo.search", "doan"], ["laodongthudo.report", "-o", "unused.html"]])
def test_the_commands_say_when_the_database_cannot_be_reached(
    command: list[str], unreachable_pg_url: str, tmp_path
) -> None:
    def run(url: str) -> subprocess.CompletedProcess[str]:
        env = {**crawl_env(), "PYTHONPATH": str(REPO)}
        args = [sys.executable, "-m", *command, "--database", url]
        return subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)

    done = run(unreachable_pg_url)
    assert done.returncode == 4, done.stderr
    assert "cannot open" in done.stderr and "s3cret" not in done.stderr  # the password stays out of messages
    assert "Traceback" not in done.stderr
    bad = run("mysql://x/y")
    assert bad.returncode == 2 and "unsupported database" in bad.stderr


def test_searching_neither_waits_for_a_crawl_writing_nor_holds_it_up(tmp_path) -> None:
    """SQLite: the crawl writes inside BEGIN IMMEDIATE transactions; the reading tools (search, report, export)
    read a snapshot instead of queueing for the write lock (they used to wait, then fail "database is locked")."""
    url = f"sqlite:///{tmp_path / 'laodongthudo.db'}"
    with Store.open(url) as store:
        store.write_batch([Article(url=f"{CANONICAL_ROOT}/a-1.html", article_id=1, title="Tết sum vầy",
                                   content_hash="h1")])  # fmt: skip
    writer = make_engine(url)
    reader = open_for_reading(f"{url}?timeout=1")
    try:
        with writer.begin() as connection:  # a crawl's batch, not yet committed
            connection.execute(text("UPDATE articles SET title = 'Tết sum vầy 2025'"))
            started = time.monotonic()
            [hit] = Searcher(reader).search(SearchQuery("tet sum vay"))
            assert time.monotonic() - started < 0.9
            assert hit.title == "Tết sum vầy"  # what was committed
            with reader.connect() as reading:  # a report's long read, while the crawl goes on writing
                assert reading.execute(text("SELECT count(*) FROM articles")).scalar_one() == 1
        with reader.connect() as reading:
            reading.execute(text("SELECT count(*) FROM articles")).scalar_one()
            with writer.begin() as connection:  # and a reader holding a snapshot leaves the writer free
                connection.execute(text("UPDATE articles SET title = 'Tết sum vầy 2026'"))
        assert Searcher(reader).search(SearchQuery("tet sum vay 2026"))[0].exact
    finally:
        reader.dispose()
        writer.dispose()


def test_newest_first_over_many_matches(db_url: str) -> None:
    """Enough matches that SQLite walks the date index (searcher._WALK_FROM_MATCHES), stored out of date order."""
    rng = random.Random(7)
    start = datetime(2020, 1, 1, 8, tzinfo=HANOI)
    days = list(range(600))
    rng.shuffle(days)
    articles = [
        Article(url=f"{CANONICAL_ROOT}/a-{i}.html", article_id=i, section="hoat-dong",
                title=f"Tết sum vầy lần {i}" if i % 3 else f"Sum họp vui vầy, tết {i}",
                body="Đoàn viên vui Tết." if i % 50 else "Hoàng Mai tặng quà đoàn viên.",
                published_at=start + timedelta(days=day), content_hash=str(i))
        for i, day in enumerate(days)
    ]  # fmt: skip
    with Store.open(db_url) as store:
        store.write_batch(articles)
    by_url = {a.url: a for a in articles}
    archive = Archive(db_url, "", None)
    ids = {row["url"]: row["id"] for row in stored_rows(db_url)}

    def newest_of(selected: list[Article]) -> list[int]:
        return [ids[a.url] for a in sorted(selected, key=lambda a: a.published_at, reverse=True)]

    typed = [a for a in articles if "Tết sum vầy" in a.title]
    assert len(typed) > 200  # the walk
    hits = archive.hits("tet sum vay", limit=20, newest=True)
    assert [h.id for h in hits] == newest_of(typed)[:20] and all(h.exact for h in hits)
    few = [a for a in articles if "Hoàng Mai" in (a.body or "")]
    assert [h.id for h in archive.hits("hoang mai", newest=True)] == newest_of(few)  # the sort
    # Past the typed ones: the articles holding the words apart, newest first too.
    everything = archive.hits("tet sum vay", newest=True)
    assert [h.id for h in everything] == newest_of(typed) + newest_of([a for a in articles if a not in typed])
    section = archive.hits("tet sum vay", newest=True, limit=5, since=(start + timedelta(days=100)).date())
    assert [h.id for h in section] == newest_of([a for a in typed if by_url[a.url].published_at >= start
                                                  + timedelta(days=100)])[:5]  # fmt: skip
