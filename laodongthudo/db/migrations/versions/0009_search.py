"""search: accent-insensitive full-text index over articles' title, sapo and body

SQLite: an FTS5 table `articles_fts` (tokenizer `unicode61 remove_diacritics 2`) whose content is read
from `articles` (external content: the text is not stored twice). unicode61 keeps đ/Đ, so the index is
fed the text with đ→d, Đ→D; the folding keeps every token in its place, so snippet() and highlight()
still show the original text read from `articles`. Triggers keep it in step with the rows.

PostgreSQL: a text search configuration `laodongthudo_search` (`simple` behind `unaccent`, which folds
đ/Đ too), a weighted `articles.search_document` tsvector kept by a trigger that recomputes it only when
title, sapo or body change (a generated column would be recomputed on every last_seen_at update), and a
GIN index on it.

Revision ID: 0009_search
Revises: 0008_pages
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009_search"
down_revision: str | Sequence[str] | None = "0008_pages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fold(expression: str) -> str:
    return f"replace(replace({expression}, 'đ', 'd'), 'Đ', 'D')"


def _folded_row(prefix: str) -> str:
    return ", ".join(_fold(f"{prefix}.{column}") for column in ("title", "sapo", "body"))


SQLITE_UP = [
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, sapo, body, content='articles', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 2')",
    # `ORDER BY rank` = these bm25 weights (title, sapo, body), and FTS5 sorts by it without SQLite's sorter.
    "INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0)')",
    # Not the 'rebuild' command: it would index the unfolded text of `articles`.
    f"INSERT INTO articles_fts (rowid, title, sapo, body) SELECT a.id, {_folded_row('a')} FROM articles a",
    f"""CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts (rowid, title, sapo, body) VALUES (new.id, {_folded_row("new")});
END""",
    # An external-content delete must be given the values that were indexed: the folded old ones.
    f"""CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, sapo, body) VALUES ('delete', old.id, {_folded_row("old")});
END""",
    f"""CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, sapo, body ON articles
WHEN old.title IS NOT new.title OR old.sapo IS NOT new.sapo OR old.body IS NOT new.body BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, sapo, body) VALUES ('delete', old.id, {_folded_row("old")});
  INSERT INTO articles_fts (rowid, title, sapo, body) VALUES (new.id, {_folded_row("new")});
END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS articles_fts_update",
    "DROP TRIGGER IF EXISTS articles_fts_delete",
    "DROP TRIGGER IF EXISTS articles_fts_insert",
    "DROP TABLE IF EXISTS articles_fts",
]

PG_DOCUMENT = (
    "setweight(to_tsvector('laodongthudo_search', laodongthudo_search_text({row}.title)), 'A')"
    " || setweight(to_tsvector('laodongthudo_search', laodongthudo_search_text({row}.sapo)), 'B')"
    " || setweight(to_tsvector('laodongthudo_search', laodongthudo_search_text({row}.body)), 'C')"
)
# In a database whose LC_CTYPE is C, the text search parser takes every non-ASCII character for a letter,
# so that “Mái or …đoàn would be words of their own: non-ASCII punctuation and symbols become spaces first.
PG_SEARCH_TEXT = r"""CREATE FUNCTION laodongthudo_search_text(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(coalesce(value, ''), U&'[\00A0-\00BF\00D7\00F7\2000-\206F\2190-\2BFF\3000-\303F]', ' ', 'g')
$$"""
PG_UP = [
    # unaccent is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION laodongthudo_search (COPY = pg_catalog.simple)",
    "ALTER TEXT SEARCH CONFIGURATION laodongthudo_search ALTER MAPPING FOR"
    " asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword, hword_numpart"
    " WITH unaccent, simple",
    PG_SEARCH_TEXT,
    "ALTER TABLE articles ADD COLUMN search_document tsvector",
    f"""CREATE FUNCTION articles_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_document := {PG_DOCUMENT.format(row="NEW")};
  RETURN NEW;
END
$$""",
    """CREATE TRIGGER articles_search_insert BEFORE INSERT ON articles
FOR EACH ROW EXECUTE FUNCTION articles_search_document()""",
    """CREATE TRIGGER articles_search_update BEFORE UPDATE OF title, sapo, body ON articles FOR EACH ROW
WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.sapo IS DISTINCT FROM NEW.sapo
      OR OLD.body IS DISTINCT FROM NEW.body)
EXECUTE FUNCTION articles_search_document()""",
    f"UPDATE articles SET search_document = {PG_DOCUMENT.format(row='articles')}",
    "CREATE INDEX ix_articles_search_document ON articles USING gin (search_document)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS ix_articles_search_document",
    "DROP TRIGGER IF EXISTS articles_search_update ON articles",
    "DROP TRIGGER IF EXISTS articles_search_insert ON articles",
    "DROP FUNCTION IF EXISTS articles_search_document()",
    "ALTER TABLE articles DROP COLUMN IF EXISTS search_document",
    "DROP FUNCTION IF EXISTS laodongthudo_search_text(text)",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS laodongthudo_search",
    # The unaccent extension stays: something else in the database may use it.
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _run(PG_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP)


def downgrade() -> None:
    _run(PG_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN)
