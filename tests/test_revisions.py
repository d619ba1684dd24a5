"""Article revisions: a changed article keeps its previous version, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select

from laodongthudo.db import HANOI, ArticleRevisionRow, ArticleRow, Store
from laodongthudo.items import Article
from tests.conftest import Clock


def article(n: int, version: int, **fields: object) -> Article:
    values: dict[str, object] = {
        "url": f"https://laodongthudo.vn/tin-{n}-{n}.html",
        "article_id": n,
        "kicker": f"Kicker {version}",
        "title": f"Tin {n} bản {version}",
        "sapo": f"Sapo {version}",
        "body": f"Nội dung {n} phiên bản {version}",
        "body_html": f"<p>Nội dung {n} phiên bản {version}</p>",
        "author": f"Tác giả {version}",
        "published_at": datetime(2025, 2, 27, 9, version, tzinfo=HANOI),
        "tags": [f"thẻ {version}"],
        "images": [{"src": f"https://laodongthudo.vn/i/{version}.jpg", "caption": f"Ảnh {version}"}],
        "related": [{"url": f"https://laodongthudo.vn/x-{version}.html", "title": f"X {version}"}],
        "content_hash": f"hash-{n}-{version}",
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def revisions(store: Store, n: int | None = None) -> list[ArticleRevisionRow]:
    with store.session() as session:
        query = select(ArticleRevisionRow).join(ArticleRevisionRow.article).order_by(ArticleRevisionRow.id)
        if n is not None:
            query = query.where(ArticleRow.article_id == n)
        return list(session.scalars(query))


def test_a_changed_article_keeps_its_previous_version(store: Store, clock: Clock) -> None:
    store.write_batch([article(1, 1), article(2, 1)])
    first_stored = clock.now
    clock.tick()
    result = store.write_batch([article(1, 2), article(2, 1)])
    assert (result.updated, result.unchanged, result.revisions) == (1, 1, 1)

    [old] = revisions(store)
    v1 = article(1, 1)
    for name in ("content_hash", "kicker", "title", "sapo", "body", "body_html", "author", "published_at",
                 "tags", "images", "related"):  # fmt: skip
        assert getattr(old, name) == getattr(v1, name), name
    assert (old.stored_at, old.replaced_at) == (first_stored, clock.now)
    with store.session() as session:
        current = session.scalars(select(ArticleRow).where(ArticleRow.article_id == 1)).one()
        assert current.title == "Tin 1 bản 2" and current.content_hash == "hash-1-2"
        assert [r.content_hash for r in current.revisions] == ["hash-1-1"]

    # Unchanged: no revision; changed again: the second version joins the first.
    second_stored = clock.now
    clock.tick()
    store.write_batch([article(1, 2)])
    assert len(revisions(store)) == 1
    clock.tick()
    store.write_batch([article(1, 3)])
    assert [(r.content_hash, r.stored_at, r.replaced_at) for r in revisions(store, 1)] == [
        ("hash-1-1", first_stored, second_stored),
        ("hash-1-2", second_stored, clock.now),
    ]
    assert revisions(store, 2) == []


def test_a_revision_is_written_once_when_its_batch_falls_back_to_row_by_row(store: Store) -> None:
    store.write_batch([article(1, 1)])
    naive = article(5, 1, published_at=datetime(2025, 1, 1))  # refused: the batch is retried row by row
    result = store.write_batch([article(1, 2), naive])
    assert (result.updated, result.error, result.revisions) == (1, 1, 1)
    assert [r.content_hash for r in revisions(store)] == ["hash-1-1"]


def test_the_same_article_changed_twice_in_one_batch(store: Store) -> None:
    store.write_batch([article(1, 1)])
    store.write_batch([article(1, 2), article(1, 3)])
    assert [r.content_hash for r in revisions(store)] == ["hash-1-1", "hash-1-2"]


def test_revisions_only_when_the_hash_changes(store: Store) -> None:
    store.write_batch([article(1, 1, content_hash=None)])
    store.write_batch([article(1, 2, content_hash=None)])  # no hash on either side: cannot tell, rewritten
    assert revisions(store) == []
    store.write_batch([article(1, 3)])  # a hash where there was none: the old content is kept
    assert [r.title for r in revisions(store)] == ["Tin 1 bản 2"]


def test_deleting_an_article_deletes_its_revisions(store: Store) -> None:
    store.write_batch([article(1, 1)])
    store.write_batch([article(1, 2)])
    with store.engine.begin() as connection:
        connection.execute(delete(ArticleRow))
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(ArticleRevisionRow)) == 0
