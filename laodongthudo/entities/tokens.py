"""Tokens of a paragraph, and the tries the word lists are compiled into.

Every comparison goes through a token's `key` (`textnorm.match_key`: case, Unicode form and tone
placement folded), so a rule written `key_of("quận")` matches "Quận", "QUẬN" and "quận".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from laodongthudo.textnorm import match_key

# A word (letters and digits, "KCN&CX" kept whole) or any other single non-space character.
TOKEN_PATTERN = re.compile(r"[^\W_]+(?:&[^\W_]+)*|\S")
CLOSERS = frozenset({",", ";", ".", ":", "(", ")", "…", "?", "!", '"', "“", "”", "'", "/"})
DASHES = frozenset({"-", "–", "—"})

# A trie of phrases: nested dicts keyed by token key; the key None holds the phrase's value.
Trie = dict


@cache
def key_of(word: str) -> str:
    """The match key of a literal word of the rules, to compare with `Tok.key`."""
    return match_key(word)


def phrase_keys(text: str) -> tuple[str, ...]:
    """The keys of a phrase's tokens, split as a paragraph would be ("Lao động, Thương binh" has a
    comma token)."""
    return tuple(match_key(m.group()) for m in TOKEN_PATTERN.finditer(text))


@dataclass(frozen=True, slots=True)
class Tok:
    """One token's text and features; shared by every occurrence of that text (see `word_token`), so it
    holds no position: a segment keeps its tokens' offsets apart (`Segment.starts`/`ends`)."""

    text: str
    key: str
    cap: bool  # starts with an upper-case letter or a digit
    title: bool  # one capitalised syllable, letters only ("Ngà")
    upper: bool  # an acronym ("LĐLĐ", "TNHH")
    word: bool


@lru_cache(maxsize=65536)
def word_token(text: str) -> Tok:
    # Cached per distinct word: the vocabulary of the paper is small, the articles many.
    first = text[0]
    word = first.isalnum()
    upper = word and len(text) > 1 and text.isupper()
    cap = word and (first.isupper() or first.isdigit())
    title = cap and text.isalpha() and not upper and (len(text) == 1 or text[1:].islower())
    return Tok(text, match_key(text), cap, title, upper, word)


@lru_cache(maxsize=65536)
def _chunk_tokens(chunk: str) -> tuple[tuple[Tok, int, int], ...]:
    """The tokens of one space-free run of text with their offsets in it. No token spans a space, so
    tokenising text chunk by chunk gives what `TOKEN_PATTERN` gives on the whole (pinned by
    tests/test_entities_invariants.py); chunks ("Nội,") repeat."""
    return tuple((word_token(m.group()), m.start(), m.end()) for m in TOKEN_PATTERN.finditer(chunk))


def tokenize(text: str) -> tuple[list[Tok], list[int], list[int]]:
    """`TOKEN_PATTERN`'s tokens of `text` and their start and end offsets, from the per-chunk cache."""
    toks: list[Tok] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for chunk in text.split(" "):
        if chunk:
            for tok, s, e in _chunk_tokens(chunk):
                toks.append(tok)
                starts.append(pos + s)
                ends.append(pos + e)
        pos += len(chunk) + 1
    return toks, starts, ends


def build_trie(phrases: Iterable[tuple[tuple[str, ...], object]]) -> Trie:
    root: Trie = {}
    for keys, value in phrases:
        node = root
        for key in keys:
            node = node.setdefault(key, {})
        node[None] = value
    return root


def first_words(trie: Trie) -> frozenset[str]:
    """The keys a phrase of the trie can start with."""
    return frozenset(k for k in trie if k is not None)


def longest_match(trie: Trie, keys: Sequence[str], i: int) -> tuple[int, object] | None:
    """The longest phrase of the trie at token i: (end, value) or None. `keys` are the tokens' keys."""
    if i >= len(keys) or keys[i] not in trie:
        return None  # the usual case, answered before the loop
    node, best, j, n = trie, None, i, len(keys)
    while j < n and keys[j] in node:
        node = node[keys[j]]
        j += 1
        if None in node:
            best = (j, node[None])
    return best


def all_match_ends(trie: Trie, keys: Sequence[str], i: int) -> list[int]:
    """Every end of a phrase of the trie that starts at i, longest first."""
    node, ends, j = trie, [], i
    while j < len(keys) and keys[j] in node:
        node = node[keys[j]]
        j += 1
        if None in node:
            ends.append(j)
    return ends[::-1]
