"""search_pairs: an index of adjacent word pairs, so that words typed together are found together, fast

Vietnamese writes a word as several syllables ("công đoàn", "Hoàng Mai"), and every syllable is common: the
syllable index of 0009_search matches "bui minh tien" in 1,428 of 20,000 articles, of which 30 name the person,
and must rank them all. This index holds each pair of neighbouring whitespace-separated words of title, sapo and
body as one token, the two joined by "0" ("Bùi Minh Tiến" -> "Bùi0Minh Minh0Tiến"), so a phrase is a phrase of
rare tokens. Punctuation stays in the pair and the tokenizer splits there, so no pair spans a comma or a full
stop. The searcher reads it first (search/searcher.py); the syllable index still finds everything else.

SQLite: a contentless FTS5 table `articles_fts_pairs` (same tokenizer, đ folded, same bm25 weights), fed by
triggers that build the pairs in SQL (the words as a JSON array, json_each over it, lead() for the neighbour).
A contentless table forgets its text: a delete gives the pairs again, built from the old row by the same
expression.

PostgreSQL: `articles.search_pairs`, a weighted tsvector of the pairs, with its own GIN index, set by the same
trigger as `search_document`.

Revision ID: 0011_search_pairs
Revises: 0010_run_outcome
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011_search_pairs"
down_revision: str | Sequence[str] | None = "0010_run_outcome"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("title", "sapo", "body")


def _sqlite_words(expression: str) -> str:
    """The text as a JSON array of its space-separated words (đ folded; empty strings where runs of spaces
    were). json_quote escapes what JSON needs escaped, and no escape holds a space: splitting its output at
    the spaces gives valid JSON strings."""
    text = f"replace(replace({expression}, 'đ', 'd'), 'Đ', 'D')"
    spaced = f"replace(replace(replace({text}, char(10), ' '), char(13), ' '), char(9), ' ')"
    return f"'[' || replace(json_quote({spaced}), ' ', '\",\"') || ']'"


def _sqlite_pairs(expression: str) -> str:
    # Empty words are left out before lead(): a run of whitespace separates two words like one space.
    return (
        "(SELECT group_concat(word || '0' || next_word, ' ') FROM (SELECT value AS word,"
        f" lead(value) OVER (ORDER BY key) AS next_word FROM json_each({_sqlite_words(expression)})"
        " WHERE value <> '') WHERE next_word IS NOT NULL)"
    )


def _sqlite_row(prefix: str) -> str:
    return ", ".join(_sqlite_pairs(f"{prefix}.{column}") for column in COLUMNS)


SQLITE_UP = [
    "CREATE VIRTUAL TABLE articles_fts_pairs USING fts5(title, sapo, body, content='',"
    " tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO articles_fts_pairs (articles_fts_pairs, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0)')",
    f"INSERT INTO articles_fts_pairs (rowid, title, sapo, body) SELECT a.id, {_sqlite_row('a')} FROM articles a",
    f"""CREATE TRIGGER articles_fts_pairs_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts_pairs (rowid, title, sapo, body) VALUES (new.id, {_sqlite_row("new")});
END""",
    f"""CREATE TRIGGER articles_fts_pairs_delete AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts_pairs (articles_fts_pairs, rowid, title, sapo, body)
  VALUES ('delete', old.id, {_sqlite_row("old")});
END""",
    f"""CREATE TRIGGER articles_fts_pairs_update AFTER UPDATE OF title, sapo, body ON articles
WHEN old.title IS NOT new.title OR old.sapo IS NOT new.sapo OR old.body IS NOT new.body BEGIN
  INSERT INTO articles_fts_pairs (articles_fts_pairs, rowid, title, sapo, body)
  VALUES ('delete', old.id, {_sqlite_row("old")});
  INSERT INTO articles_fts_pairs (rowid, title, sapo, body) VALUES (new.id, {_sqlite_row("new")});
END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS articles_fts_pairs_update",
    "DROP TRIGGER IF EXISTS articles_fts_pairs_delete",
    "DROP TRIGGER IF EXISTS articles_fts_pairs_insert",
    "DROP TABLE IF EXISTS articles_fts_pairs",
]

# The pairs of the raw text; laodongthudo_search_text (0009) then blanks the punctuation inside them.
PG_PAIRS_FUNCTION = r"""CREATE FUNCTION laodongthudo_search_pairs(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(word || '0' || next_word, ' ' ORDER BY n), '')
  FROM (SELECT n, word, lead(word) OVER (ORDER BY n) AS next_word
        FROM unnest(regexp_split_to_array(coalesce(value, ''), '\s+')) WITH ORDINALITY AS w(word, n)) p
  WHERE word <> '' AND next_word <> ''
$$"""
PG_PAIRS = " || ".join(
    "setweight(to_tsvector('laodongthudo_search',"
    f" laodongthudo_search_text(laodongthudo_search_pairs({{row}}.{column}))), '{weight}')"
    for column, weight in zip(COLUMNS, "ABC", strict=True)
)
PG_DOCUMENT = (  # as in 0009_search
    "setweight(to_tsvector('laodongthudo_search', laodongthudo_search_text({row}.title)), 'A')"
    " || setweight(to_tsvector('laodongthudo_search', laodongthudo_search_text({row}.sapo)), 'B')"
    " || setweight(to_tsvector('laodongthudo_search', laodongthudo_search_text({row}.body)), 'C')"
)


def _pg_trigger_function(with_pairs: bool) -> str:
    pairs = f"\n  NEW.search_pairs := {PG_PAIRS.format(row='NEW')};" if with_pairs else ""
    return f"""CREATE OR REPLACE FUNCTION articles_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_document := {PG_DOCUMENT.format(row="NEW")};{pairs}
  RETURN NEW;
END
$$"""


PG_UP = [
    PG_PAIRS_FUNCTION,
    "ALTER TABLE articles ADD COLUMN search_pairs tsvector",
    _pg_trigger_function(with_pairs=True),
    f"UPDATE articles SET search_pairs = {PG_PAIRS.format(row='articles')}",
    "CREATE INDEX ix_articles_search_pairs ON articles USING gin (search_pairs)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS ix_articles_search_pairs",
    _pg_trigger_function(with_pairs=False),
    "ALTER TABLE articles DROP COLUMN IF EXISTS search_pairs",
    "DROP FUNCTION IF EXISTS laodongthudo_search_pairs(text)",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _run(PG_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP)


def downgrade() -> None:
    _run(PG_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN)
