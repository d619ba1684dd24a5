"""The search box's syntax, shared by both databases: words (all must match), "quoted phrases", OR between
alternatives and -word to leave out; diacritics and case never matter.

PostgreSQL reads it with `websearch_to_tsquery`, which defines this syntax; for SQLite `fts5_expression`
writes the same query in FTS5's syntax.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_PART = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_HAS_WORD = re.compile(r"[^\W_]")
# unicode61 folds every other Vietnamese letter; đ/Đ are letters of their own to it (see 0009_search).
_FOLD_D = str.maketrans({"đ": "d", "Đ": "D"})


class QuerySyntaxError(ValueError):
    """A query that cannot be searched (empty, or nothing but words to leave out)."""


@dataclass(frozen=True)
class Term:
    text: str  # one word, or a phrase of several
    phrase: bool = False


@dataclass
class Group:
    """Terms that must all be present, and terms that must not be."""

    required: list[Term] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)


def normalize_query(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def parse_query(text: str) -> list[Group]:
    """Alternatives (OR) of groups of terms. Raises QuerySyntaxError when nothing is left to search for."""
    groups = [Group()]
    for match in _PART.finditer(normalize_query(text)):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare == "OR":
            if groups[-1].required:
                groups.append(Group())
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        words = quoted if quoted is not None else bare
        if not words or not _HAS_WORD.search(words):
            continue  # punctuation alone matches nothing in either index
        term = Term(" ".join(words.split()), phrase=quoted is not None)
        (groups[-1].excluded if negated else groups[-1].required).append(term)
    groups = [group for group in groups if group.required]
    if not groups:
        raise QuerySyntaxError(f"nothing to search for in {text!r}: give at least one word that must be present")
    return groups


def _fts5_string(term: Term) -> str:
    # A double-quoted FTS5 string is tokenized like the indexed text: punctuation inside is harmless.
    return '"' + term.text.translate(_FOLD_D).replace('"', '""') + '"'


def fts5_expression(text: str) -> str:
    """The query as an FTS5 MATCH expression over the folded index, e.g. `("cong" AND "doan") NOT "le"`."""
    alternatives = []
    for group in parse_query(text):
        expression = "(" + " AND ".join(_fts5_string(term) for term in group.required) + ")"
        for term in group.excluded:
            expression += f" NOT {_fts5_string(term)}"
        alternatives.append(f"({expression})")
    return " OR ".join(alternatives)
