"""The Store (laodongthudo.db) against real SQLite and PostgreSQL databases."""

from __future__ import annotations

import random
import threading
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, func, select

from laodongthudo.db import (
    HANOI,
    ArticleEntityRow,
    ArticleRow,
    EntityRow,
    Store,
    make_engine,
    upgrade,
)
from laodongthudo.items import Article
from laodongthudo.textnorm import match_key
from tests.conftest import T0, Clock


def article(n: int, version: int = 1, **fields: object) -> Article:
    values: dict[str, object] = {
        "url": f"https://laodongthudo.vn/tin-{n}-{n}.html",
        "article_id": n,
        "section": "hoat-dong",
        "title": f"Tin {n} v{version}",
        "title_key": f"tin {n} v{version}",
        "body": f"Nội dung {n} phiên bản {version}",
        "published_at": datetime(2025, 2, 27, 9, 30, tzinfo=HANOI),
        "event_date": date(2025, 2, 26),
        "tags": ["công đoàn"],
        "images": [{"src": f"https://laodongthudo.vn/i/{n}.jpg", "caption": "Ảnh"}],
        "related": [{"url": "https://laodongthudo.vn/x-1.html", "title": "X"}],
        "content_hash": f"hash-{n}-{version}",
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def person(name: str, count: int = 1, role: str | None = None, aliases: list[str] | None = None) -> dict:
    return {"type": "PERSON", "name": name, "count": count, "role": role, "aliases": aliases or []}


def rows(store: Store) -> list[ArticleRow]:
    with store.session() as session:
        return list(session.scalars(select(ArticleRow).order_by(ArticleRow.url)))


def links(store: Store, url: str) -> dict[str, tuple[int, str | None]]:
    with store.session() as session:
        query = (
            select(EntityRow.name, ArticleEntityRow.mention_count, ArticleEntityRow.role)
            .join(ArticleEntityRow.entity)
            .join(ArticleEntityRow.article)
            .where(ArticleRow.url == url)
        )
        return {name: (count, role) for name, count, role in session.execute(query)}


def test_new_then_unchanged_then_changed(store: Store, clock: Clock) -> None:
    first = article(1, entities=[person("Nguyễn Văn An", 2, "Chủ tịch"), person("Trần Thị Bình")])
    assert store.write_batch([first]).counts()["new"] == 1
    [row] = rows(store)
    assert row.first_seen_at == row.last_seen_at == row.updated_at == T0
    assert (row.title, row.article_id, row.content_hash) == ("Tin 1 v1", 1, "hash-1-1")
    assert links(store, first.url) == {"Nguyễn Văn An": (2, "Chủ tịch"), "Trần Thị Bình": (1, None)}

    # Re-crawled, same content: only last_seen_at moves.
    t1 = clock.tick()
    result = store.write_batch([article(1, title="ignored: same hash")])
    assert (result.new, result.updated, result.unchanged) == (0, 0, 1)
    [row] = rows(store)
    assert (row.first_seen_at, row.last_seen_at, row.updated_at) == (T0, t1, T0)
    assert row.title == "Tin 1 v1"
    assert len(links(store, first.url)) == 2

    # Edited: every field rewritten, links replaced; entities themselves stay.
    t2 = clock.tick()
    changed = article(1, version=2, tags=[], author="Hà Anh", entities=[person("Lê Văn Cường", 3)])
    result = store.write_batch([changed])
    assert (result.new, result.updated, result.unchanged) == (0, 1, 0)
    assert result.outcomes == {changed.url: "updated"}
    [row] = rows(store)
    assert (row.first_seen_at, row.last_seen_at, row.updated_at) == (T0, t2, t2)
    assert (row.title, row.body, row.author, row.tags) == ("Tin 1 v2", "Nội dung 1 phiên bản 2", "Hà Anh", [])
    assert links(store, first.url) == {"Lê Văn Cường": (3, None)}
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(EntityRow)) == 3
    assert store.totals["new"] == store.totals["updated"] == store.totals["unchanged"] == 1


def test_recrawling_a_batch_never_duplicates(store: Store, clock: Clock) -> None:
    batch = [article(n) for n in range(20)]
    assert store.write_batch(batch).counts()["new"] == 20
    clock.tick()
    batch[3] = article(3, version=2)
    result = store.write_batch(batch + [article(20)])
    assert (result.new, result.updated, result.unchanged) == (1, 1, 19)
    assert len(rows(store)) == 21


def test_fields_round_trip(store: Store) -> None:
    original = article(7, kicker="Hà Nội", sapo="Chiều 27/11...", body_html="<p>x</p>")
    store.write_batch([original])
    [row] = rows(store)
    for name in ("url", "article_id", "section", "kicker", "title", "title_key", "sapo", "body", "body_html"):
        assert getattr(row, name) == getattr(original, name), name
    assert row.event_date == date(2025, 2, 26)
    assert row.tags == ["công đoàn"]
    assert row.images == [{"src": "https://laodongthudo.vn/i/7.jpg", "caption": "Ảnh"}]
    assert row.related == [{"url": "https://laodongthudo.vn/x-1.html", "title": "X"}]


def test_published_at_reads_back_aware_in_hanoi_time(store: Store) -> None:
    moments = {
        1: datetime(2025, 2, 27, 9, 30, tzinfo=HANOI),
        2: datetime(2025, 2, 27, 2, 31, tzinfo=UTC),  # 09:31 in Hanoi
        3: datetime(2025, 2, 27, 4, 29, tzinfo=timezone(timedelta(hours=2))),  # 09:29 in Hanoi
    }
    store.write_batch([article(n, published_at=moment) for n, moment in moments.items()])
    for row in rows(store):
        assert row.published_at == moments[row.article_id]
        assert row.published_at.utcoffset() == timedelta(hours=7)
        assert row.first_seen_at.utcoffset() == timedelta(hours=7)
    # Ordered by time, not by how each was written (on SQLite this is text order).
    with store.session() as session:
        order = session.scalars(select(ArticleRow.article_id).order_by(ArticleRow.published_at)).all()
        later = session.scalars(
            select(ArticleRow.article_id).where(ArticleRow.published_at > datetime(2025, 2, 27, 2, 30, tzinfo=UTC))
        ).all()
    assert order == [3, 1, 2]
    assert later == [2]


def test_a_bad_row_is_reported_and_the_rest_of_the_batch_stored(store: Store) -> None:
    naive = article(2, published_at=datetime(2025, 2, 27, 9, 30))  # no timezone: refused
    malformed = article(4, entities=["not a mention"])
    result = store.write_batch([article(1), naive, article(3), {"title": "no url"}, malformed])
    assert (result.new, result.error) == (2, 3)
    assert [e.url for e in result.errors] == [None, malformed.url, naive.url]
    assert "naive datetime" in result.errors[2].error
    assert [row.article_id for row in rows(store)] == [1, 3]
    assert store.totals["error"] == 3


def test_entities_merge_by_match_key_and_keep_aliases(store: Store) -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn Hoà")
    store.write_batch([article(1, entities=[person("Nguyễn Văn Hoà", aliases=["ông Hoà"])])])
    store.write_batch(
        [
            article(2, entities=[person("nguyễn văn hòa", 2)]),  # other case, old-style tone placement
            article(3, entities=[person(nfd, 1, "Bí thư"), person("Nguyễn Văn Hòa", 4)]),  # twice in one
            article(4, entities=[{"type": "LOCATION", "name": "Nguyễn Văn Hoà"}]),  # a street: not him
        ]
    )
    with store.session() as session:
        people = session.scalars(select(EntityRow).where(EntityRow.type == "PERSON")).all()
        places = session.scalars(select(EntityRow).where(EntityRow.type == "LOCATION")).all()
    assert len(people) == 1 and len(places) == 1
    [hoa] = people
    assert hoa.name == "Nguyễn Văn Hoà"  # the first seen
    assert hoa.key == match_key(nfd)
    assert hoa.aliases == ["Nguyễn Văn Hoà", "ông Hoà", "nguyễn văn hòa", "Nguyễn Văn Hòa"]  # NFC, once each
    assert all(unicodedata.is_normalized("NFC", alias) for alias in hoa.aliases)
    assert links(store, article(3).url) == {"Nguyễn Văn Hoà": (5, "Bí thư")}
    with store.session() as session:
        assert session.scalar(select(func.count()).where(ArticleEntityRow.entity_id == hoa.id)) == 3


def test_unusable_mentions_are_skipped_not_fatal(store: Store) -> None:
    mentions = [person("Phạm Minh"), {"type": "EVENT", "name": "Tết"}, {"type": "PERSON", "name": "  "}]
    result = store.write_batch([article(1, entities=mentions)])
    assert (result.new, result.entities_skipped) == (1, 2)
    assert links(store, article(1).url) == {"Phạm Minh": (1, None)}


def test_same_url_twice_in_one_batch(store: Store) -> None:
    result = store.write_batch([article(1), article(1, version=2), article(1, version=2)])
    assert (result.new, result.updated, result.unchanged) == (1, 1, 1)
    [row] = rows(store)
    assert row.title == "Tin 1 v2"


def test_article_without_hash_is_always_rewritten(store: Store) -> None:
    store.write_batch([article(1, content_hash=None)])
    result = store.write_batch([article(1, content_hash=None, title="new title")])
    assert result.updated == 1
    assert rows(store)[0].title == "new title"


def test_deleting_an_article_deletes_its_links(store: Store) -> None:
    store.write_batch([article(1, entities=[person("Võ Thị Dung")])])
    with store.session() as session, session.begin():
        session.execute(delete(ArticleRow))
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(ArticleEntityRow)) == 0
        assert session.scalar(select(func.count()).select_from(EntityRow)) == 1


def test_dicts_work_as_articles(store: Store) -> None:
    item = {"url": "https://laodongthudo.vn/a-9.html", "article_id": "9", "title": "T", "content_hash": "h"}
    assert store.write_batch([item]).new == 1
    assert rows(store)[0].article_id == 9


def test_two_writers_with_overlapping_articles(db_url: str) -> None:
    """Two crawls writing the same database at once: no duplicate, no lost row, entities merged."""
    upgrade(db_url)
    shared_people = [person(f"Người {i}") for i in range(5)]

    def crawl(seed: int, numbers: list[int], counts: dict[str, int]) -> None:
        rng = random.Random(seed)
        rng.shuffle(numbers)
        store = Store(make_engine(db_url))
        try:
            for start in range(0, len(numbers), 10):
                batch = [
                    article(n, version=1 + (n % 3 == 0) * seed, entities=rng.sample(shared_people, 3))
                    for n in numbers[start : start + 10]
                ]
                for name, value in store.write_batch(batch).counts().items():
                    counts[name] = counts.get(name, 0) + value
        finally:
            store.close()

    counts: list[dict[str, int]] = [{}, {}]
    threads = [
        threading.Thread(target=crawl, args=(1, list(range(0, 120)), counts[0])),
        threading.Thread(target=crawl, args=(2, list(range(60, 180)), counts[1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    engine = make_engine(db_url)
    with engine.connect() as connection:
        stored = connection.execute(select(ArticleRow.url)).scalars().all()
        entity_keys = connection.execute(select(EntityRow.key)).scalars().all()
        linked = connection.scalar(select(func.count(func.distinct(ArticleEntityRow.article_id))))
    engine.dispose()
    assert len(stored) == len(set(stored)) == 180
    assert sorted(entity_keys) == sorted(match_key(p["name"]) for p in shared_people)
    assert linked == 180
    assert counts[0]["error"] == counts[1]["error"] == 0
    assert counts[0]["new"] + counts[1]["new"] == 180  # each article created exactly once
    assert sum(c["new"] + c["updated"] + c["unchanged"] for c in counts) == 240


@pytest.mark.parametrize(
    ("url", "reason"),
    [("not a url", "not a database URL"), ("mysql://u:pw@h/db", "unsupported database 'mysql'")],
)
def test_bad_urls_are_explained(url: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as error:
        Store.open(url)
    assert "pw" not in str(error.value)
