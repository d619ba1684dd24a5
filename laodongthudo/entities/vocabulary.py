"""The word lists of `lexicon.py`, `abbreviations.py` and the gazetteer, compiled once per process into
key sets and tries (`vocabulary()`)."""

from __future__ import annotations

from functools import cache

from laodongthudo.entities.abbreviations import ABBREVIATIONS, NON_ENTITY_ABBREVIATIONS
from laodongthudo.entities.gazetteer import UNIT_TYPES, Gazetteer, load_gazetteer
from laodongthudo.entities.lexicon import (
    COMPANY_FORMS,
    HANOI_PARKS_FORMS,
    HONORIFICS,
    LIST_OPENERS,
    NAME_STOP_PAIRS,
    NAME_STOP_WORDS,
    OCCUPATIONS,
    ORDINAL_WORDS,
    ORG_HEADS,
    PARK_HEADS,
    ROLE_TITLES,
    SCHOOL_LEVELS,
    SECTORS,
    STOP_WORDS,
    SURNAMES,
    TERM_OPENERS,
    UNIT_WORDS_ENDING_A_NAME,
)
from laodongthudo.entities.tokens import Tok, build_trie, first_words, key_of, phrase_keys
from laodongthudo.textnorm import match_key


class Vocabulary:
    """Everything compiled once: tries of heads, titles, sectors; sets of surnames and stop words."""

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        self.surnames = {match_key(s) for s in SURNAMES}
        self.name_stops = {match_key(s) for s in NAME_STOP_WORDS}
        self.name_stop_pairs = {phrase_keys(p) for p in NAME_STOP_PAIRS}
        self.stop = {match_key(s) for s in STOP_WORDS}
        self.run_breakers = {match_key(w) for w in UNIT_WORDS_ENDING_A_NAME}
        self.list_openers = frozenset(key_of(w) for w in LIST_OPENERS)
        self.bare_titles = {match_key(t) for t in ROLE_TITLES}
        self.honorifics = build_trie((phrase_keys(h), True) for h in HONORIFICS)
        self.titles = build_trie((phrase_keys(t), t) for t in ROLE_TITLES)
        self.jobs = build_trie((phrase_keys(t), t) for t in OCCUPATIONS)
        self.sectors = build_trie((phrase_keys(v), variants[0]) for variants in SECTORS for v in variants)
        self.company_forms = build_trie((phrase_keys(f), f) for f in COMPANY_FORMS)
        self.school_levels = build_trie((phrase_keys(f), f) for f in SCHOOL_LEVELS)
        self.unit_types = build_trie([(phrase_keys(t), t) for t in UNIT_TYPES] + [(("tp",), "thành phố")])
        self.unit_first = first_words(self.unit_types)
        self.abbr = {match_key(a): e for a, e in ABBREVIATIONS.items()}
        bare_names = (*gaz.provinces, *gaz.hanoi_districts)  # the names accepted without a type word
        # Their first words, a quick reject, and their first two words: bare names have two or three.
        self.bare_first = {k.split()[0] for k in bare_names}
        self.bare_pairs = {tuple(k.split()[:2]) for k in bare_names}
        # First words of any place `places.place_at` can read: a quick reject.
        self.place_first = self.unit_first | self.bare_first
        self.typed_first = self.unit_first | {key_of("các")}  # "các" opens "các KCN ... Hà Nội"
        self.non_entity = {match_key(a) for a in NON_ENTITY_ABBREVIATIONS}
        self.hanoi_parks = [phrase_keys(p) for p in HANOI_PARKS_FORMS]
        self.hanoi_parks_second = frozenset(p[1] for p in self.hanoi_parks)
        self.park_heads = build_trie((phrase_keys(h), True) for h in PARK_HEADS)
        self.term_openers = build_trie((phrase_keys(p), True) for p in TERM_OPENERS)
        self.ordinals = frozenset(match_key(w) for w in ORDINAL_WORDS)
        self.heads = build_trie((phrase_keys(h), (h, kind)) for h, kind in ORG_HEADS)
        # The first words of the phrases of a trie, for `Segment.where`.
        self.head_first = first_words(self.heads)
        self.title_first = first_words(self.titles)
        self.park_first = first_words(self.park_heads)

    def expand(self, tok: Tok) -> str:
        """An acronym's full form ("LĐLĐ" -> "Liên đoàn Lao động"), any other token as written."""
        if tok.upper and tok.key in self.abbr:
            return self.abbr[tok.key]
        return tok.text


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary(load_gazetteer())
