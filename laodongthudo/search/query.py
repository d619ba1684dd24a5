"""The search box's syntax, shared by both databases: words (all must match), "quoted phrases", OR between
alternatives and -word to leave out; diacritics and case never matter.

Words typed next to each other are also read as a phrase (`Group.phrases`): Vietnamese words are several
syllables, so "cong doan hoang mai" is first looked for as written, in the index of word pairs
(0011_search_pairs), and only then as four syllables anywhere in the article.

PostgreSQL reads it with `websearch_to_tsquery`, which defines this syntax; for SQLite `fts5_expression`
writes the same query in FTS5's syntax.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import pairwise

from laodongthudo.db.searchindex import PAIR_JOINER

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

    @property
    def words(self) -> list[str]:
        return self.text.split()


@dataclass
class Group:
    """Terms that must all be present, and terms that must not be."""

    required: list[Term] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    # The required terms with each run of words typed next to each other joined into one phrase.
    phrases: list[Term] = field(default_factory=list)

    def add_required(self, term: Term, follows_word: bool) -> None:
        self.required.append(term)
        if follows_word and not term.phrase and self.phrases and not self.phrases[-1].phrase:
            self.phrases[-1] = Term(f"{self.phrases[-1].text} {term.text}")
        else:
            self.phrases.append(term)

    @property
    def typed_phrases(self) -> list[Term]:
        """The phrases of several words, quoted or typed together: what the index of word pairs can find."""
        return [term for term in self.phrases if len(term.words) > 1]


def normalize_query(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def parse_query(text: str) -> list[Group]:
    """Alternatives (OR) of groups of terms. Raises QuerySyntaxError when nothing is left to search for."""
    groups = [Group()]
    follows_word = False  # the last part was a bare word that must be present
    for match in _PART.finditer(normalize_query(text)):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare == "OR":
            if groups[-1].required:
                groups.append(Group())
            follows_word = False
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        words = quoted if quoted is not None else bare
        if not words or not _HAS_WORD.search(words):
            follows_word = False
            continue  # punctuation alone matches nothing in either index
        term = Term(" ".join(words.split()), phrase=quoted is not None)
        if negated:
            groups[-1].excluded.append(term)
        else:
            groups[-1].add_required(term, follows_word)
        follows_word = not negated and quoted is None
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


def pair_string(term: Term) -> str:
    """The phrase as the index of word pairs holds it: "Bùi Minh Tiến" -> "Bùi0Minh Minh0Tiến"."""
    return " ".join(first + PAIR_JOINER + second for first, second in pairwise(term.words))


def fts5_pairs_expression(terms: list[Term]) -> str:
    """Those phrases (two words or more each), all required, as a MATCH expression over the pairs index."""
    return " AND ".join(_fts5_string(Term(pair_string(term), phrase=True)) for term in terms)


def fts5_words_expression(terms: list[Term]) -> str:
    """Terms all required, as a MATCH expression over the syllable index."""
    return " AND ".join(_fts5_string(term) for term in terms)
