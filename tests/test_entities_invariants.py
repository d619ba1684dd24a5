"""The invariants the entity extractor's shortcuts rely on, checked on random paragraphs (hypothesis).

The shortcuts, and what each assumes:
- tokens are cut chunk by chunk (per-chunk cache) and kept as parallel lists of shared tokens and offsets:
  the same tokens, at the same offsets, as the token pattern gives on the whole text;
- each pass visits only the tokens that can start what it looks for (`Segment.where`, `may_open_org`,
  `place_first`, `bare_pairs`): a reader at any other token finds nothing;
- `organisations.org_at` keeps its answers for the paragraph: in a paragraph that defines no short
  name, reading with the cache gives what reading without it gives. (A short name defined inline is
  not seen by tokens the paragraph has already read: `test_short_name_is_seen_in_reading_order`.)

Paragraphs are random runs of words cut from the gold articles, so heads, titles, places and names meet
in orders the articles never show. Deterministic (`derandomize=True`, no example database).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laodongthudo.entities import extract_entities
from laodongthudo.entities.extractor import paragraphs, read_paragraph
from laodongthudo.entities.lexicon import COMPANY_FORMS, HONORIFICS, ORG_HEADS, ROLE_TITLES
from laodongthudo.entities.organisations import may_open_org, read_org, shared_head
from laodongthudo.entities.parks import find_parks
from laodongthudo.entities.places import (
    bare_name,
    hanoi_district_at,
    hanoi_parks_end,
    is_place_name,
    place_at,
    province_at,
    typed_place_at,
)
from laodongthudo.entities.roles import role_at
from laodongthudo.entities.segment import Org, Segment
from laodongthudo.entities.tokens import TOKEN_PATTERN, longest_match, tokenize, word_token
from laodongthudo.entities.vocabulary import vocabulary
from laodongthudo.textnorm import match_key

pytestmark = pytest.mark.timeout(120)

GOLD_DIR = Path(__file__).resolve().parent / "entities_gold"
PROFILE = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow],
)


@cache
def gold_words() -> tuple[str, ...]:
    words: list[str] = []
    for path in sorted(GOLD_DIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for text in paragraphs(doc["title"], doc["sapo"], doc["body"], doc["captions"]):
            words.extend(text.split(" "))
    return tuple(words)


# Pieces of the rules' own vocabulary, so that heads, titles, places and names meet often.
PIECES = (
    *(head for head, _kind in ORG_HEADS),
    *ROLE_TITLES,
    *HONORIFICS,
    *COMPANY_FORMS,
    "quận Thanh Xuân",
    "huyện Gia Lâm",
    "Thành phố",
    "thành phố Hà Nội",
    "Hà Nội",
    "Cầu Giấy",
    "Tây Hồ",
    "xã Hợp Tiến",
    "Nguyễn Văn Ngà",
    "Cao Đắc Tiến",
    "Lê Minh",
    "Thăng Long",
    "Việt Nam",
    "ngành Giáo dục",
    "phụ trách",
    "nhiệm kỳ 2019 - 2024",
    ",",
    "và",
    "-",
    ".",
)


@st.composite
def paragraph(draw: st.DrawFn, brackets: bool = True) -> str:
    """Runs of 1-8 consecutive words of the gold articles and pieces of the rules' vocabulary, joined
    in a random order."""
    words = gold_words()
    runs = []
    for _ in range(draw(st.integers(1, 12))):
        if draw(st.booleans()):
            runs.append(draw(st.sampled_from(PIECES)))
        else:
            start = draw(st.integers(0, len(words) - 1))
            runs.append(" ".join(words[start : start + draw(st.integers(1, 8))]))
    text = " ".join(runs)
    return text if brackets else text.replace("(", " ").replace(")", " ")


def segment(text: str, defs: dict[str, Org] | None = None) -> Segment:
    return Segment(text, vocabulary(), {} if defs is None else defs)


# -- tokens ------------------------------------------------------------------------------------------------
@PROFILE
@given(st.one_of(st.text(), paragraph()))
def test_tokens_cut_by_chunk_are_the_tokens_of_the_whole_text(text):
    toks, starts, ends = tokenize(text)
    assert [(t.text, s, e) for t, s, e in zip(toks, starts, ends, strict=True)] == [
        (m.group(), m.start(), m.end()) for m in TOKEN_PATTERN.finditer(text)
    ]
    for tok in toks:  # a shared token is the one a fresh read would give
        assert tok == word_token.__wrapped__(tok.text)


@PROFILE
@given(paragraph())
def test_parallel_token_lists_agree_after_definitions_are_dropped(text):
    seg = segment(text)
    assert len(seg.toks) == len(seg.starts) == len(seg.ends) == len(seg.keys) == seg.n
    for i, tok in enumerate(seg.toks):
        assert seg.text[seg.starts[i] : seg.ends[i]] == tok.text
        assert seg.keys[i] == tok.key == match_key(tok.text)
    assert seg.starts == sorted(seg.starts)


# -- quick rejects -----------------------------------------------------------------------------------------
def _plain_bare_name(seg: Segment, i: int, lookup):
    for size in range(min(3, seg.n - i), 1, -1):
        toks = seg.toks[i : i + size]
        if all(t.title for t in toks) and (hit := lookup(" ".join(t.key for t in toks))):
            return size, hit
    return None


@PROFILE
@given(paragraph())
def test_readers_find_nothing_where_the_passes_do_not_look(text):
    vocab = vocabulary()
    seg = segment(text)
    find_parks(seg)  # the parks pass visits `park_first` only: a park head elsewhere would be missed
    park_starts = {p.start for p in seg.parks}
    for i in range(seg.n):
        key = seg.keys[i]
        if key not in vocab.place_first:
            assert typed_place_at(seg, i, implicit_city=True) is None
            assert province_at(seg, i) is None and hanoi_district_at(seg, i) is None
            assert place_at(seg, i, implicit_city=True) is None
        if key not in vocab.typed_first:
            assert typed_place_at(seg, i) is None and hanoi_parks_end(seg, i) is None
        if key not in vocab.head_first:
            assert shared_head(seg, i) is None and longest_match(vocab.heads, seg.keys, i) is None
        if key not in vocab.title_first:
            assert role_at(seg, i, after_name=False) is None
        if key not in vocab.park_first:
            assert longest_match(vocab.park_heads, seg.keys, i) is None and i not in park_starts
        for lookup in (vocab.gaz.province, vocab.gaz.hanoi_district):
            assert bare_name(seg, i, lookup) == _plain_bare_name(seg, i, lookup)
        for j in (i + 2, i + 3):
            if j <= seg.n:
                plain = " ".join(seg.keys[i:j])
                assert is_place_name(seg, i, j) == (
                    vocab.gaz.province(plain) is not None or vocab.gaz.hanoi_district(plain) is not None
                )


@PROFILE
@given(paragraph(), st.sets(st.sampled_from(["HANDICO", "EVN", "VNPT", "LĐLĐ", "KCN", "TNHH", "ABC"])))
def test_no_organisation_opens_where_may_open_org_says_no(text, short_names):
    defs = {match_key(s): Org(0, 1, f"Tổng Công ty {s}", kind="company") for s in short_names}
    seg = segment(f"{text} {' '.join(short_names)}", defs)
    for i in range(seg.n):
        if not may_open_org(seg, i):
            assert read_org(seg, i) is None


# -- the organisation cache --------------------------------------------------------------------------------
class _Forgetful(dict):
    """A cache that keeps nothing: every question is read afresh."""

    def __setitem__(self, key, value) -> None:
        pass


@PROFILE
@given(paragraph(brackets=False))
def test_cached_reading_equals_fresh_reading_without_inline_definitions(text):
    cached = segment(text)
    fresh = segment(text)
    fresh.org_cache = _Forgetful()
    assert read_paragraph(cached, "") == read_paragraph(fresh, "")


def test_short_name_is_seen_in_reading_order():
    # The name is defined after "HANDICO" was read as a role's complement: the role keeps what was read.
    text = "Giám đốc HANDICO Nguyễn Văn An phát biểu tại Tổng Công ty Đầu tư và Phát triển nhà Hà Nội (HANDICO)."
    person = next(e for e in extract_entities(None, None, text) if e["type"] == "PERSON")
    assert person["role"] == "Giám đốc HANDICO"
    later = extract_entities(None, None, "Tổng Công ty Đầu tư và Phát triển nhà Hà Nội (HANDICO).\n" + text)
    person = next(e for e in later if e["type"] == "PERSON")
    assert person["role"] == "Giám đốc Tổng Công ty Đầu tư và Phát triển nhà Hà Nội"
