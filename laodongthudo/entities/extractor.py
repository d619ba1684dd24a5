"""Rule-based extraction of people, organisations and places from one article.

How a text is read, in passes over the tokens of one paragraph (title, sapo, each body paragraph and
each caption are read apart, so a span never crosses them):

1. inline definitions `(LĐLĐ)`, `(MTTQ)` that repeat what was just spelt out are dropped; an unknown
   one after an organisation (`(HANDICO)`) becomes that organisation's short name for the article;
2. places with their type word (`quận Thanh Xuân`, `các xã Hợp Tiến, Hợp Thanh và An Phú`) checked
   against the gazetteer;
3. personal names: a family name and one to three capitalised syllables;
4. industrial parks (`KCN Thăng Long`, `các KCN Thăng Long, Nội Bài và Quang Minh`);
5. organisations, by head word (`LĐLĐ`, `Công đoàn`, `Quận ủy`, `UBND`, `Công ty`, ...), each head
   with its own grammar for what may follow; an organisation's place is also a mention of the place
   (except Hà Nội, which nearly every union body of the paper carries in its name);
6. bare places left over (`Hà Nội`, `Cầu Giấy` where the paper drops `quận`);
7. roles: a chain of titles and organisations right before a name (`Phó Bí thư Thường trực Quận ủy
   Thanh Xuân Nguyễn Minh Tiến`) or right after it (`ông Nguyễn Văn Ngà, Chủ tịch LĐLĐ quận Bắc Từ
   Liêm`).

Mentions are merged per `(type, match_key(name))`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache, lru_cache

from laodongthudo.entities.abbreviations import ABBREVIATIONS, NON_ENTITY_ABBREVIATIONS
from laodongthudo.entities.gazetteer import HANOI, Gazetteer, load_gazetteer
from laodongthudo.entities.lexicon import (
    COMPANY_FORMS,
    HONORIFICS,
    NAME_STOP_PAIRS,
    NAME_STOP_WORDS,
    OCCUPATIONS,
    ROLE_TITLES,
    SCHOOL_LEVELS,
    SECTORS,
    STOP_WORDS,
    SURNAMES,
)
from laodongthudo.items import EntityMention
from laodongthudo.textnorm import clean_text, match_key

PERSON, ORGANIZATION, LOCATION = "PERSON", "ORGANIZATION", "LOCATION"

_TOKEN = re.compile(r"[^\W_]+(?:&[^\W_]+)*|\S")
_CLOSERS = frozenset({",", ";", ".", ":", "(", ")", "…", "?", "!", '"', "“", "”", "'", "/"})
_DASHES = frozenset({"-", "–", "—"})
KCN_HN = "các Khu công nghiệp và chế xuất Hà Nội"


@cache
def _K(word: str) -> str:
    """The match key of a literal word, to compare with `Tok.key`."""
    return match_key(word)


# The same pure functions, memoised for the short strings they see here (names, roles), which repeat
# across mentions and articles; bounded, as names are an open set.
_name_key = lru_cache(maxsize=65536)(match_key)
_clean_name = lru_cache(maxsize=65536)(clean_text)


def _k(text: str) -> tuple[str, ...]:
    # The tokens' keys, split as the text is ("Lao động, Thương binh" has a comma token).
    return tuple(match_key(m.group()) for m in _TOKEN.finditer(text))


def _trie(phrases: Iterable[tuple[tuple[str, ...], object]]) -> dict:
    root: dict = {}
    for keys, value in phrases:
        node = root
        for key in keys:
            node = node.setdefault(key, {})
        node[None] = value
    return root


@dataclass(frozen=True, slots=True)
class Tok:
    """One token's text and features; shared by every occurrence of that text (see `_word`), so it
    holds no position: a segment keeps its tokens' offsets apart (`_Segment.starts`/`ends`)."""

    text: str
    key: str
    cap: bool  # starts with an upper-case letter or a digit
    title: bool  # one capitalised syllable, letters only ("Ngà")
    upper: bool  # an acronym ("LĐLĐ", "TNHH")
    word: bool


@lru_cache(maxsize=65536)
def _word(text: str) -> Tok:
    # Cached per distinct word: the vocabulary of the paper is small, the articles many.
    first = text[0]
    word = first.isalnum()
    upper = word and len(text) > 1 and text.isupper()
    cap = word and (first.isupper() or first.isdigit())
    title = cap and text.isalpha() and not upper and (len(text) == 1 or text[1:].islower())
    return Tok(text, match_key(text), cap, title, upper, word)


@lru_cache(maxsize=65536)
def _chunk(chunk: str) -> tuple[tuple[Tok, int, int], ...]:
    """The tokens of one space-free run of text with their offsets in it. No token spans a space, so
    tokenising text chunk by chunk gives what `_TOKEN` gives on the whole; chunks ("Nội,") repeat."""
    return tuple((_word(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(chunk))


def _tokenize(text: str) -> tuple[list[Tok], list[int], list[int]]:
    """`_TOKEN`'s tokens of `text` and their start and end offsets, from the per-chunk cache."""
    toks: list[Tok] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for chunk in text.split(" "):
        if chunk:
            for tok, s, e in _chunk(chunk):
                toks.append(tok)
                starts.append(pos + s)
                ends.append(pos + e)
        pos += len(chunk) + 1
    return toks, starts, ends


@dataclass
class Place:
    start: int
    end: int
    name: str  # canonical location name ("quận Cầu Giấy", "Hà Nội")
    org_form: str  # how an organisation's name carries it ("quận Cầu Giấy", "thành phố Hà Nội")
    unit_type: str
    hanoi_city: bool = False
    implicit: bool = False  # "Thành phố" alone: the paper's shorthand for Hà Nội, only after a head


@dataclass
class Org:
    start: int
    end: int
    name: str
    places: list[Place] = field(default_factory=list)
    inner: list[Org] = field(default_factory=list)
    kind: str = ""


@dataclass
class Mention:
    type: str
    name: str
    surface: str
    order: int
    role: str | None = None


class _Lexicon:
    """Everything compiled once: tries of heads, titles, sectors; sets of surnames and stop words."""

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        self.surnames = {match_key(s) for s in SURNAMES}
        self.name_stops = {match_key(s) for s in NAME_STOP_WORDS}
        self.name_stop_pairs = {_k(p) for p in NAME_STOP_PAIRS}
        self.stop = {match_key(s) for s in STOP_WORDS}
        # A unit's type word with no name after it ("Hội Cựu chiến binh phường.") ends a name.
        self.run_breakers = {match_key(w) for w in ("phường", "quận", "huyện", "tỉnh")}
        self.bare_titles = {match_key(t) for t in ROLE_TITLES}
        self.honorifics = _trie((_k(h), True) for h in HONORIFICS)
        self.titles = _trie((_k(t), t) for t in ROLE_TITLES)
        self.jobs = _trie((_k(t), t) for t in OCCUPATIONS)
        self.sectors = _trie((_k(v), variants[0]) for variants in SECTORS for v in variants)
        self.company_forms = _trie((_k(f), f) for f in COMPANY_FORMS)
        self.school_levels = _trie((_k(f), f) for f in SCHOOL_LEVELS)
        self.unit_types = _trie(
            [(_k(t), t) for t in ("tỉnh", "thành phố", "quận", "huyện", "thị xã", "phường", "xã", "thị trấn")]
            + [(("tp",), "thành phố")]
        )
        self.unit_first = _first(self.unit_types)
        self.abbr = {match_key(a): e for a, e in ABBREVIATIONS.items()}
        # First words of the names accepted bare (provinces, Hanoi's districts): a quick reject.
        self.bare_first = {k.split()[0] for k in (*gaz.provinces, *gaz.hanoi_districts)}
        # ... and their first two words: `_Segment._bare_name` reads names of two or three words.
        self.bare_pairs = {tuple(k.split()[:2]) for k in (*gaz.provinces, *gaz.hanoi_districts)}
        # First words of any place `_Segment.place_at` can read: a quick reject.
        self.place_first = self.unit_first | self.bare_first
        self.typed_first = self.unit_first | {match_key("các")}  # "các" opens "các KCN ... Hà Nội"
        self.non_entity = {match_key(a) for a in NON_ENTITY_ABBREVIATIONS}
        self.kcn_hn = [
            _k(p) for p in (KCN_HN, "các KCN và chế xuất Hà Nội", "các KCN&CX Hà Nội", "các KCN - CX Hà Nội")
        ]
        self.kcn_hn_second = frozenset(p[1] for p in self.kcn_hn)
        self.kcn_heads = _trie((_k(h), True) for h in ("Khu công nghiệp", "KCN", "Khu chế xuất", "Khu công nghệ cao"))
        heads = [
            ("Tổng Liên đoàn Lao động Việt Nam", "tld"),
            ("Tổng LĐLĐ Việt Nam", "tld"),
            ("TLĐLĐVN", "tld"),
            ("Tổng LĐLĐVN", "tld"),
            ("Tổng Liên đoàn Lao động", "tld"),
            ("Tổng Liên đoàn", "tld"),
            ("Tổng LĐLĐ", "tld"),
            ("Liên đoàn Lao động", "ldld"),
            ("LĐLĐ", "ldld"),
            ("Công đoàn", "cd"),
            ("CĐCS", "cdcs"),
            ("Công đoàn cơ sở", "cdcs"),
            ("Quận ủy", "party"),
            ("Huyện ủy", "party"),
            ("Thành ủy", "party"),
            ("Tỉnh ủy", "party"),
            ("Thị ủy", "party"),
            ("Đảng ủy", "party"),
            ("Ủy ban nhân dân", "state"),
            ("UBND", "state"),
            ("Hội đồng nhân dân", "state"),
            ("HĐND", "state"),
            ("Ủy ban Mặt trận Tổ quốc", "mttq"),
            ("Ủy ban MTTQ", "mttq"),
            ("MTTQ", "mttq"),
            ("Mặt trận Tổ quốc", "mttq"),
            ("Sở", "sector"),
            ("Bộ", "sector"),
            ("Ban quản lý", "bql"),
            ("Ban Quản lý", "bql"),
            ("Công ty", "company"),
            ("Tổng Công ty", "company"),
            ("Tập đoàn", "generic"),
            ("Hợp tác xã", "generic"),
            ("HTX", "generic"),
            ("Trường", "school"),
            ("Bệnh viện", "generic"),
            ("Quỹ", "generic"),
            ("Ngân hàng", "generic"),
            ("Nghiệp đoàn", "generic"),
            ("Hội", "generic"),
            ("Trung tâm", "generic"),
            ("Đoàn Thanh niên", "youth"),
            ("Đoàn Thanh niên Cộng sản Hồ Chí Minh", "youth"),
            ("Viện", "generic"),
            ("Học viện", "generic"),
            ("Đại học", "generic"),
        ]
        self.heads = _trie((_k(h), (h, kind)) for h, kind in heads)
        # The first words of the phrases of a trie, for `_Segment.where`.
        self.head_first = _first(self.heads)
        self.title_first = _first(self.titles)
        self.kcn_first = _first(self.kcn_heads)


@cache
def _lexicon() -> _Lexicon:
    return _Lexicon(load_gazetteer())


def _first(trie: dict) -> frozenset[str]:
    return frozenset(k for k in trie if k is not None)


def _longest(trie: dict, keys: Sequence[str], i: int) -> tuple[int, object] | None:
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


def _all_ends(trie: dict, keys: Sequence[str], i: int) -> list[int]:
    """Every end of a phrase of the trie that starts at i, longest first."""
    node, ends, j = trie, [], i
    while j < len(keys) and keys[j] in node:
        node = node[keys[j]]
        j += 1
        if None in node:
            ends.append(j)
    return ends[::-1]


def _expand(tok: Tok, lex: _Lexicon) -> str:
    if tok.upper and tok.key in lex.abbr:
        return lex.abbr[tok.key]
    return tok.text


class _Segment:
    """One paragraph's tokens and the spans found in them."""

    def __init__(self, text: str, lex: _Lexicon, defs: dict[str, Org]) -> None:
        self.text = text
        self.lex = lex
        self.defs = defs  # article-wide short names defined inline: key -> Org
        toks, starts, ends = _tokenize(text)
        if "(" in text:
            toks, starts, ends = self._drop_known_definitions(toks, starts, ends)
        self.toks = toks
        self.starts = starts  # offset in `text` of each token
        self.ends = ends
        self.keys = [t.key for t in toks]  # the hot loops compare keys only
        self.n = len(self.toks)
        self.blocked: set[int] = set()  # tokens inside a typed place: not a personal name
        self.silent: set[int] = set()  # tokens that name no place on their own
        self.persons: dict[int, int] = {}  # start -> end
        self.places: list[Place] = []
        self.orgs: dict[int, Org] = {}
        self.memo: dict[int, Org | None] = {}
        self.kcns: list[tuple[int, int, str]] = []

    # -- pass 1 --------------------------------------------------------------------------------------
    def _drop_known_definitions(
        self, toks: list[Tok], starts: list[int], ends: list[int]
    ) -> tuple[list[Tok], list[int], list[int]]:
        keep: list[int] = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if (
                t.text == "("
                and i + 2 < len(toks)
                and toks[i + 2].text == ")"
                and toks[i + 1].upper
                and (toks[i + 1].key in self.lex.abbr or toks[i + 1].key in self.lex.non_entity)
            ):
                i += 3  # "Liên đoàn Lao động (LĐLĐ) quận Đống Đa" reads as without the brackets
                continue
            keep.append(i)
            i += 1
        if len(keep) == len(toks):
            return toks, starts, ends
        return [toks[k] for k in keep], [starts[k] for k in keep], [ends[k] for k in keep]

    def surface(self, i: int, j: int) -> str:
        return self.text[self.starts[i] : self.ends[j - 1]]

    def key(self, i: int) -> str:
        return self.keys[i] if 0 <= i < self.n else ""

    def where(self, first: AbstractSet[str]) -> list[int]:
        """The tokens whose key is in `first`, in order: each pass visits only the tokens that can start
        what it looks for (the first words of its phrases) instead of trying every token."""
        return [i for i, k in enumerate(self.keys) if k in first]

    # -- places --------------------------------------------------------------------------------------
    def _bare_name(self, i: int, lookup):
        """The longest run of 2-3 capitalised syllables at `i` that `lookup` knows: (size, hit) or None."""
        if i + 1 >= self.n or (self.keys[i], self.keys[i + 1]) not in self.lex.bare_pairs:
            return None
        for size in range(min(3, self.n - i), 1, -1):
            toks = self.toks[i : i + size]
            if all(t.title for t in toks) and (hit := lookup(" ".join(t.key for t in toks))):
                return size, hit
        return None

    def _province(self, i: int) -> Place | None:
        found = self._bare_name(i, self.lex.gaz.province)
        if found is None:
            return None
        size, (short, kind) = found
        return Place(i, i + size, short, f"{kind} {short}", kind, hanoi_city=short == HANOI)

    def _hanoi_district(self, i: int) -> Place | None:
        found = self._bare_name(i, self.lex.gaz.hanoi_district)
        if found is None:
            return None
        size, (unit_type, short) = found
        name = f"{unit_type} {short}"
        return Place(i, i + size, name, name, unit_type)

    def _named_unit(self, unit_type: str, i: int) -> Place | None:
        gaz, toks = self.lex.gaz, self.toks
        # Only runs of capitalised words can name a unit: the sizes to try are those within the run.
        run = 0
        while run < gaz.max_words and i + run < self.n and toks[i + run].cap and toks[i + run].word:
            run += 1
        for size in range(run, 0, -1):
            key = " ".join(self.keys[i : i + size])
            if unit_type in ("tỉnh", "thành phố"):
                hit = gaz.province(key)
                # "thành phố Hà Tĩnh" is the city, "tỉnh Hà Tĩnh" and "thành phố Hà Nội" the provinces.
                if hit and hit[1] == unit_type:
                    short, kind = hit
                    return Place(i, i + size, short, f"{kind} {short}", kind, hanoi_city=short == HANOI)
            short = gaz.unit(unit_type, key)
            if short:
                name = f"{unit_type} {short}"
                return Place(i, i + size, name, name, unit_type)
        return None

    def typed_place(self, i: int, implicit_city: bool = False) -> Place | None:
        """`quận Thanh Xuân`, `thành phố Hà Nội`; with `implicit_city`, `Thành phố` alone is Hà Nội."""
        if i >= self.n:
            return None
        hit = _longest(self.lex.unit_types, self.keys, i)
        if not hit:
            return None
        j, unit_type = hit
        first = self.toks[i]
        if first.upper and first.key != "tp":
            return None
        place = self._named_unit(str(unit_type), j) if j < self.n else None
        if place:
            place.start = i
            return place
        if implicit_city and unit_type == "thành phố" and (first.cap or first.key == "tp"):
            return Place(i, j, HANOI, f"thành phố {HANOI}", "thành phố", hanoi_city=True, implicit=True)
        return None

    def place_at(self, i: int, implicit_city: bool = False, bare_district: bool = True) -> Place | None:
        if i >= self.n or self.keys[i] not in self.lex.place_first:
            return None  # neither a unit type word nor a bare name starts here
        place = self.typed_place(i, implicit_city) or self._province(i)
        if place is None and bare_district:
            place = self._hanoi_district(i)
        return place

    def continuation(self, place: Place) -> list[Place]:
        """`quận Thanh Xuân, Tây Hồ, Cầu Giấy và Hà Đông`: more units of the same type, bare."""
        out: list[Place] = []
        j = place.end
        while j + 1 < self.n and (self.toks[j].text == "," or self.key(j) == "và"):
            nxt = self._named_unit(place.unit_type, j + 1)
            if nxt is None or nxt.hanoi_city:
                break
            out.append(nxt)
            j = nxt.end
        return out

    def find_typed_places(self) -> None:
        cac = _K("các")
        nxt = 0  # tokens before it are inside what was found
        for i in self.where(self.lex.typed_first):
            if i < nxt:
                continue
            kcn_hn = self._kcn_hn(i) if self.keys[i] == cac else None
            if kcn_hn:
                # "các khu công nghiệp và chế xuất Hà Nội": the name of Hanoi's park system, as in
                # "Công đoàn các ...", not a mention of Hà Nội on its own.
                self.blocked.update(range(i, kcn_hn))
                self.silent.update(range(i, kcn_hn))
                nxt = kcn_hn
                continue
            place = self.typed_place(i)
            if place is None:
                continue
            group = [place, *self.continuation(place)]
            for p in group:
                self.blocked.update(range(p.start, p.end))
            nxt = group[-1].end

    # -- persons -------------------------------------------------------------------------------------
    def find_persons(self) -> None:
        lex, toks = self.lex, self.toks
        nxt = 0  # tokens before it are inside what was found
        for i in self.where(lex.surnames):
            if i < nxt or not toks[i].title or i in self.blocked:
                continue
            j = i + 1
            while j < self.n and j - i < 4:
                u = toks[j]
                if not u.title or u.key in lex.name_stops or j in self.blocked:
                    break
                # "Thành ủy", "Thành phố", "Công đoàn", "Thường trực": not name syllables there.
                head = _longest(lex.heads, self.keys, j)
                if (u.key, self.key(j + 1)) in lex.name_stop_pairs or (head and head[0] - j >= 2):
                    break
                j += 1
            # "Nam Từ Liêm", "Gia Lâm", "Hà Nội": a place, not a name, even where a surname starts it.
            covering = self._place_covering(i)
            if covering is not None:
                nxt = covering
                continue
            street = self.key(i - 1) in (_K("phố"), _K("đường")) and self.key(i - 2) != _K("thành")
            if j - i >= 2 and not street:
                self.persons[i] = j
                nxt = j

    def _place_covering(self, i: int) -> int | None:
        """End of a bare province or Hanoi district name that covers token i, if one does."""
        for b in (0, 1, 2):
            for size in (2, 3):
                s = i - b
                if s < 0 or b >= size or s + size > self.n:
                    continue
                if all(t.title for t in self.toks[s : s + size]) and self._is_place_name(s, s + size):
                    return s + size
        return None

    def _is_place_name(self, i: int, j: int) -> bool:
        if (self.keys[i], self.keys[i + 1]) not in self.lex.bare_pairs:
            return False  # no province or Hanoi district starts with these two words
        key = " ".join(self.keys[i:j])
        gaz = self.lex.gaz
        return gaz.province(key) is not None or gaz.hanoi_district(key) is not None

    def full_person_at(self, i: int) -> bool:
        # Only names of three syllables or more end an organisation's name: two capitalised
        # syllables after a head are more often the organisation's own ("Bạch Mai", "Văn Đức").
        end = self.persons.get(i)
        return end is not None and end - i >= 3

    # -- industrial parks ----------------------------------------------------------------------------
    def _kcn_name(self, i: int) -> int:
        j = i
        while j < self.n:
            t = self.toks[j]
            if self.full_person_at(j) and j > i:
                break
            if t.cap and t.word and not _longest(self.lex.heads, self.keys, j):
                j += 1
            elif t.text in _DASHES and j > i and j + 1 < self.n and self.toks[j + 1].title:
                if _longest(self.lex.titles, self.keys, j + 1):
                    break
                j += 1
            else:
                break
        while j > i and self.toks[j - 1].text in _DASHES:
            j -= 1
        return j

    def find_kcns(self) -> None:
        nxt = 0  # tokens before it are inside what was found
        for i in self.where(self.lex.kcn_first):
            if i < nxt:
                continue
            hit = _longest(self.lex.kcn_heads, self.keys, i)
            if not hit or not (self.toks[i].cap):
                continue
            j = hit[0]
            end = self._kcn_name(j)
            if end == j:
                nxt = j
                continue
            self.kcns.append((i, end, "Khu công nghiệp " + self.surface(j, end)))
            # "các KCN Thăng Long, Nội Bài và Quang Minh"
            while end + 1 < self.n and (self.toks[end].text == "," or self.key(end) == "và"):
                more = self._kcn_name(end + 1)
                if more == end + 1 or self.typed_place(end + 1) or _longest(self.lex.kcn_heads, self.keys, end + 1):
                    break
                self.kcns.append((end + 1, more, "Khu công nghiệp " + self.surface(end + 1, more)))
                end = more
            nxt = end

    # -- organisations -------------------------------------------------------------------------------
    def _kcn_hn(self, i: int) -> int | None:
        if self.key(i + 1) not in self.lex.kcn_hn_second:
            return None  # every form is "các" + a park word + ...: "các" alone is common
        keys = self.keys
        for phrase in self.lex.kcn_hn:
            size = len(phrase)
            if tuple(keys[i : i + size]) == phrase:
                return i + size
            if tuple(keys[i : i + size - 2]) == phrase[:-2]:  # without "Hà Nội"
                return i + size - 2
        return None

    def name_run(self, i: int, allow_person_first: bool = False) -> tuple[int, list[str], Place | None]:
        """A proper name after a head: capitalised words, joined by `và`/`-`/`&`, with lower-case runs
        that the next word shows to be part of it; a place ends it."""
        lex, toks = self.lex, self.toks
        parts: list[str] = []
        j = i
        while j < self.n:
            t = toks[j]
            if (j > i or not allow_person_first) and self.full_person_at(j):
                break
            place = self.place_at(j, implicit_city=bool(parts)) if parts else None
            if place:
                parts.append(place.org_form if place.implicit else self.surface(place.start, place.end))
                return place.end, parts, place
            if t.cap and t.word:
                if parts and (_longest(lex.heads, self.keys, j) or _longest(lex.titles, self.keys, j)):
                    break
                if t.key in lex.non_entity:
                    break
                parts.append(_expand(t, lex))
                j += 1
                if t.key == _K("nam") and self.key(j - 2) == _K("việt"):
                    # "... Việt Nam" ends a company's name; only a numeral may follow ("Việt Nam II").
                    if j < self.n and toks[j].upper and set(toks[j].text) <= set("IVX"):
                        parts.append(toks[j].text)
                        j += 1
                    break
                continue
            if not parts:
                break
            if t.text in _DASHES or t.text == "&" or t.key == "và":
                if (
                    j + 1 < self.n
                    and toks[j + 1].cap
                    and toks[j + 1].word
                    and not self.full_person_at(j + 1)
                    and not _longest(lex.heads, self.keys, j + 1)
                    and not _longest(lex.titles, self.keys, j + 1)
                ):
                    parts.append(t.text)
                    j += 1
                    continue
                if t.key != "và":
                    break
            if t.word and not t.cap and t.key not in lex.stop:
                k = self._lower_run(j)
                if k == j:
                    break
                parts.append(self.surface(j, k))
                j = k
                continue
            break
        return j, parts, None

    def _lower_run(self, j: int) -> int:
        """End of the lower-case words at j that belong to a name ("Nông dân", "Đầu tư xây dựng hạ
        tầng và giao thông"): the longest run, up to eight words, that the next token shows to be
        part of a name (a capitalised word, a place, a closing mark); j when there is none."""
        lex, toks = self.lex, self.toks
        k = j
        while k < self.n and k - j < 8:
            u = toks[k]
            if not u.word or u.cap or (u.key in lex.stop and u.key != _K("và")) or u.key in lex.run_breakers:
                break
            k += 1
        for end in range(k, j, -1):
            if toks[end - 1].key == _K("và"):
                continue
            nxt = toks[end] if end < self.n else None
            if (
                nxt is None
                or nxt.text in _CLOSERS
                or (nxt.cap and nxt.word and not self.full_person_at(end) and not _longest(lex.titles, self.keys, end))
                or self.typed_place(end) is not None
                or self._province(end) is not None
                or nxt.key in lex.run_breakers
                or (nxt.key == _K("và") and end + 1 < self.n and toks[end + 1].cap)
            ):
                return end
        return j

    def _with_place(self, head: str, j: int, kind: str, require: bool = True) -> Org | None:
        place = self.place_at(j, implicit_city=True)
        if place is None:
            return None if require else Org(0, j, head, kind=kind)
        return Org(0, place.end, f"{head} {place.org_form}", [place], kind=kind)

    def org_at(self, i: int) -> Org | None:
        if i in self.orgs:
            return self.orgs[i]
        if i in self.memo:
            return self.memo[i]
        if i >= self.n or not self._may_open_org(i):
            return None  # no head and no inline short name can start here, whatever comes later
        org = self._org_at(i)
        if org is not None:
            org.start = i
        # Memoised: roles and names ask for the organisation at one token many times. Inline short
        # names defined later in the paragraph are not seen by earlier tokens, as in reading order.
        self.memo[i] = org
        return org

    def _may_open_org(self, i: int) -> bool:
        """False where `_org_at` is None whatever the article defines: only an acronym (a short name
        defined inline) or a capitalised head ("ban" also lower-case) opens an organisation."""
        t = self.toks[i]
        return t.upper or (t.key in self.lex.heads and (t.cap or t.key == "ban"))

    def _org_at(self, i: int) -> Org | None:
        lex, toks = self.lex, self.toks
        t = toks[i]
        if t.upper and t.key in self.defs and not _longest(lex.heads, self.keys, i):
            d = self.defs[t.key]
            return Org(i, i + 1, d.name, kind=d.kind)
        hit = _longest(lex.heads, self.keys, i)
        if not hit:
            return None
        j, (head, kind) = hit
        if not (t.cap or (kind == "bql" and t.key == "ban")):
            return None
        if kind == "tld":
            if tuple(x.key for x in toks[j : j + 2]) == (_K("việt"), _K("nam")):
                j += 2
            return Org(i, j, "Tổng Liên đoàn Lao động Việt Nam", kind=kind)
        if kind == "ldld":
            return self._with_place("Liên đoàn Lao động", j, kind)
        if kind == "state":
            name = "Ủy ban nhân dân" if _K(head) in ("ubnd", _K("Ủy ban nhân dân")) else "Hội đồng nhân dân"
            return self._with_place(name, j, kind)
        if kind == "mttq":
            if tuple(x.key for x in toks[j : j + 2]) == (_K("việt"), _K("nam")):
                j += 2
            return self._with_place("Ủy ban Mặt trận Tổ quốc Việt Nam", j, kind)
        if kind == "party":
            return self._party(head, j)
        if kind == "sector":
            hit = _longest(lex.sectors, self.keys, j)
            if not hit:
                return None
            k, sector = hit
            name = f"{head} {sector}"
            place = self.place_at(k, implicit_city=True)
            if place:
                org_place = place.org_form if place.implicit else self.surface(place.start, place.end)
                return Org(i, place.end, f"{name} {org_place}", [place], kind=kind)
            return Org(i, k, name, kind=kind)
        if kind == "bql":
            end = self._kcn_hn(j)
            if end:
                return Org(i, end, "Ban quản lý " + KCN_HN, kind=kind)
            return None
        if kind in ("cd", "cdcs"):
            return self._union(i, j, kind)
        return self._generic(i, j, head, kind)

    def _party(self, head: str, j: int) -> Org | None:
        if self.key(j) == _K("viên"):
            return None  # "Thành ủy viên" is a role
        head_key = _K(head)
        if head_key == _K("Đảng ủy"):
            end = self._kcn_hn(j)
            if end:
                return Org(0, end, "Đảng ủy " + KCN_HN, kind="party")
            place = self.typed_place(j)
            if place:
                return Org(0, place.end, f"Đảng ủy {place.org_form}", [place], kind="party")
            return None
        place = self.place_at(j)
        if place is not None:
            if place.unit_type in ("quận", "huyện", "thị xã") and place.start == j and self.toks[j].cap:
                short = place.name.split(" ", 1)[1] if place.name.startswith(place.unit_type) else place.name
                return Org(0, place.end, f"{head} {short}", [place], kind="party")
            return Org(0, place.end, f"{head} {place.name}", [place], kind="party")
        if head_key == _K("Thành ủy"):
            # In this paper "Thành ủy" alone is Hanoi's city party committee.
            return Org(0, j, f"Thành ủy {HANOI}", kind="party")
        return None

    def _union(self, i: int, j: int, kind: str) -> Org | None:
        lex, toks = self.lex, self.toks
        head = "Công đoàn cơ sở" if kind == "cdcs" else "Công đoàn"
        if kind == "cd" and tuple(x.key for x in toks[j : j + 2]) == ("cơ", "sở"):
            head, j = "Công đoàn cơ sở", j + 2
        end = self._kcn_hn(j)
        if end:
            return Org(i, end, "Công đoàn " + KCN_HN, kind="cd")
        if j >= self.n:
            return None
        if toks[j].cap or self.key(j) == "ban":
            inner = self.org_at(j)
            if inner is not None and inner.kind not in ("cd", "cdcs"):
                return Org(i, inner.end, f"{head} {inner.name}", list(inner.places), [inner], kind="cd")
        if self.key(j) == _K("ngành"):
            hit = _longest(lex.sectors, self.keys, j + 1)
            if hit:
                return self._sector_union(i, hit[0], f"{head} ngành {hit[1]}")
            return None
        hit = _longest(lex.sectors, self.keys, j)
        if hit and toks[j].cap:
            return self._sector_union(i, hit[0], f"{head} {hit[1]}", require_place=True)
        if tuple(x.key for x in toks[j : j + 2]) == (_K("việt"), _K("nam")):
            return Org(i, j + 2, "Công đoàn Việt Nam", kind="cd")
        place = self.typed_place(j)
        if place and not place.hanoi_city:
            return Org(i, place.end, f"{head} {place.org_form}", [place], kind="cd")
        return None

    def _sector_union(self, i: int, k: int, name: str, require_place: bool = False) -> Org | None:
        place = self.place_at(k, implicit_city=True)
        if place:
            org_place = (
                place.org_form
                if place.implicit
                or place.start != k
                or self.toks[k].key in (_K("tỉnh"), _K("thành"), _K("quận"), _K("huyện"))
                else self.surface(place.start, place.end)
            )
            return Org(i, place.end, f"{name} {org_place}", [place], kind="cd")
        if tuple(x.key for x in self.toks[k : k + 2]) == (_K("việt"), _K("nam")):
            return Org(i, k + 2, f"{name} Việt Nam", kind="cd")
        return None if require_place else Org(i, k, name, kind="cd")

    def _generic(self, i: int, j: int, head: str, kind: str) -> Org | None:
        lex = self.lex
        prefix = [head]
        forms = lex.company_forms if kind == "company" else lex.school_levels if kind == "school" else None
        if forms is not None:
            hit = _longest(forms, self.keys, j)
            if hit:
                prefix.append(self.surface(j, hit[0]))
                j = hit[0]
        if kind == "youth":
            # "Đoàn Thanh niên phường X": the head is the name; a place may follow.
            place = self.place_at(j, implicit_city=True)
            if place is None:
                return Org(i, j, head, kind=kind)
            return Org(i, place.end, f"{head} {place.org_form}", [place], kind=kind)
        end, parts, place = self.name_run(j, allow_person_first=kind == "school")
        if not parts:
            return None
        name = " ".join(prefix + parts).replace(" - ", " - ")
        name = re.sub(r"\s+([-&])\s+", r" \1 ", name)
        return Org(i, end, name, [place] if place else [], kind=kind)

    def find_orgs(self) -> None:
        heads = self.lex.heads
        nxt = 0  # tokens before it are inside what was found
        for i in [i for i, t in enumerate(self.toks) if t.upper or t.key in heads]:
            if i < nxt:
                continue
            org = self.org_at(i)  # None at once where `_may_open_org` says no
            if org is None:
                continue
            self.orgs[i] = org
            self._definition(org)
            end = org.end
            # "UBND và LĐLĐ huyện Gia Lâm": a head with no place shares the next one's.
            # "LĐLĐ quận Thanh Xuân, Tây Hồ, ... và Cầu Giấy": one head, several places.
            if org.places and org.kind in ("ldld", "state", "party", "cd") and org.places[-1].end == end:
                for place in self.continuation(org.places[-1]):
                    base = org.name[: len(org.name) - len(org.places[-1].org_form)].rstrip()
                    if org.kind == "party" or not base:
                        break
                    self.orgs[place.start] = Org(
                        place.start, place.end, f"{base} {place.org_form}", [place], kind=org.kind
                    )
                    end = place.end
            nxt = end

    def shared_head(self, i: int) -> Org | None:
        """`Ủy ban nhân dân (UBND) và Liên đoàn Lao động (LĐLĐ) huyện Gia Lâm`: the first head has no
        place of its own and takes the second one's."""
        hit = _longest(self.lex.heads, self.keys, i)
        if not hit or not self.toks[i].cap:
            return None
        j, (head, kind) = hit
        if kind not in ("ldld", "state") or self.key(j) != "và":
            return None
        nxt = self.orgs.get(j + 1)
        if nxt is None or not nxt.places or nxt.kind not in ("ldld", "state"):
            return None
        place = nxt.places[-1]
        name = {"ldld": "Liên đoàn Lao động"}.get(kind) or (
            "Ủy ban nhân dân" if _K(head) in ("ubnd", _K("Ủy ban nhân dân")) else "Hội đồng nhân dân"
        )
        return Org(i, j, f"{name} {place.org_form}", [place], kind=kind)

    def _definition(self, org: Org) -> None:
        # "Tổng Công ty Đầu tư và Phát triển nhà Hà Nội (HANDICO)": the short name, for this article.
        e = org.end
        if (
            e + 2 < self.n
            and self.toks[e].text == "("
            and self.toks[e + 1].upper
            and self.toks[e + 2].text in (")", ",")
        ):
            key = self.toks[e + 1].key
            if key not in self.lex.abbr and key not in self.lex.non_entity:
                self.defs.setdefault(key, org.inner[0] if org.inner else org)

    # -- roles ---------------------------------------------------------------------------------------
    def role_at(self, i: int, after_name: bool) -> tuple[int, str] | None:
        lex, toks = self.lex, self.toks
        hit = _longest(lex.titles, self.keys, i)
        job = False
        if not hit and after_name:
            hit = _longest(lex.jobs, self.keys, i)
            job = hit is not None
        if not hit:
            return None
        k = hit[0]
        if not job:
            # "Bí thư Đảng ủy xã Sóc Sơn": a title that also reads as a shorter one followed by an
            # organisation is read the second way.
            for end in _all_ends(lex.titles, self.keys, i)[1:]:
                if self.org_at(end) is not None and self.org_at(k) is None:
                    k = end
                    break
        title = self.surface(i, k)
        if job and toks[i].cap:
            return None
        # "Phó Trưởng ban quản lý các KCN ...": the title's last word opens the organisation.
        if self.key(k - 1) == "ban" and k - 1 > i:
            org = self.org_at(k - 1)
            if org is not None and org.kind == "bql":
                return self._chain(org.end, f"{self.surface(i, k - 1)} {org.name}")
        org = self.org_at(k) if k < self.n else None
        if org is None and k < self.n and self.key(k) == "phụ" and self.key(k + 1) == _K("trách"):
            org2 = self.org_at(k + 2)
            if org2:
                return self._chain(org2.end, f"{title} phụ trách {org2.name}")
        if org is not None:
            return self._chain(org.end, f"{title} {org.name}")
        # Up to five words before an organisation ("Giám đốc khu vực phía Bắc của Công ty ...").
        m = k
        while m < self.n and m - k < 6 and toks[m].word and not self.full_person_at(m) and m not in self.persons:
            org = self.org_at(m)
            if org is not None:
                filler = " ".join(_expand(x, lex) for x in toks[k:m])
                return self._chain(org.end, f"{title} {filler} {org.name}")
            if not toks[m].cap and toks[m].key in lex.stop and toks[m].key != _K("của"):
                break
            m += 1
        if job:
            return None
        # No organisation: a short capitalised complement ("Bí thư Chi bộ", "Phó Bí thư Thường trực Đảng ủy").
        m = k
        while m < self.n and m - k < 3 and toks[m].word and m not in self.persons:
            if toks[m].key in lex.stop or (m == k and not toks[m].cap):
                break
            m += 1
        words = [_expand(x, lex) for x in toks[k:m]]
        return self._chain(m, " ".join([title, *words]))

    def _chain(self, end: int, text: str) -> tuple[int, str]:
        # "Thành ủy viên, Bí thư Huyện ủy Gia Lâm": titles joined by commas are one role.
        if end + 1 < self.n and self.toks[end].text == ",":
            if self.key(end + 1) == "phụ" and self.key(end + 2) == _K("trách"):
                org = self.org_at(end + 3)
                if org:
                    return self._chain(org.end, f"{text}, phụ trách {org.name}")
            nxt = self.role_at(end + 1, after_name=False)
            if nxt:
                return nxt[0], f"{text}, {nxt[1]}"
        return end, text

    def honorific_before(self, i: int) -> int:
        """Start of the honorific right before token i (i itself when there is none)."""
        for size in (2, 1):
            if i - size >= 0 and _longest(self.lex.honorifics, self.keys, i - size) == (i, True):
                return i - size
        return i

    def person_role(self, p: int, e: int, chains: dict[int, tuple[int, str]]) -> str | None:
        q = self.honorific_before(p)
        if q in chains:
            return chains[q][1]
        if e < self.n and (self.toks[e].text == "," or self.toks[e].text in _DASHES):
            if e + 1 in self.persons:
                return None
            hit = self.role_at(e + 1, after_name=True)
            if hit:
                return hit[1]
        return None

    def role_chains(self) -> dict[int, tuple[int, str]]:
        """Roles ending where a name (or its honorific) starts: end -> (start, text), longest kept."""
        ends: dict[int, tuple[int, str]] = {}
        found = self.where(self.lex.title_first)  # a role before a name opens with a title
        if not found or not self.persons:
            return ends  # no title, or no name for one to end at
        starts = {self.honorific_before(p) for p in self.persons} | set(self.persons)
        for i in found:
            if not self.toks[i].cap or i in self.persons:
                continue
            hit = self.role_at(i, after_name=False)
            if hit is None or hit[0] not in starts:
                continue
            end, text = hit
            if end not in ends or ends[end][0] > i:
                ends[end] = (i, text)
        return ends


def _spans_overlap(a: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def _read_segment(seg: _Segment, order: list[int], out: list[Mention], author_key: str) -> None:
    seg.find_typed_places()
    seg.find_persons()
    seg.find_kcns()
    seg.find_orgs()

    def add(t: str, name: str, surface: str, role: str | None = None) -> None:
        out.append(Mention(t, _clean_name(name), surface, order[0], role))
        order[0] += 1

    org_spans = [(o.start, o.end) for o in seg.orgs.values()]
    for i in seg.where(seg.lex.head_first):  # a capitalised head opens it
        if not seg.toks[i].cap:
            continue
        shared = seg.shared_head(i)
        if shared is not None and not _spans_overlap((shared.start, shared.end), org_spans):
            seg.orgs[i] = shared
    org_spans = [(o.start, o.end) for o in seg.orgs.values()]
    kcn_spans = [(s, e) for s, e, _ in seg.kcns]
    taken = org_spans + kcn_spans

    chains = seg.role_chains()
    events: list[tuple[int, int, Mention | None]] = []

    def emit_org(org: Org, surface: str, pos: int) -> None:
        events.append((pos, 0, Mention(ORGANIZATION, org.name, surface, 0)))
        for inner in org.inner:
            emit_org(inner, seg.surface(inner.start, inner.end), pos)
        for place in org.places:
            if not place.hanoi_city:
                events.append((pos, 1, Mention(LOCATION, place.name, seg.surface(place.start, place.end), 0)))

    for org in seg.orgs.values():
        emit_org(org, seg.surface(org.start, org.end), org.start)
    for s, e, name in seg.kcns:
        events.append((s, 0, Mention(LOCATION, name, seg.surface(s, e), 0)))
    for p, e in seg.persons.items():
        if _spans_overlap((p, e), taken):
            continue
        name = seg.surface(p, e)
        if author_key and _name_key(name) == author_key:
            continue  # the byline is not an entity
        events.append((p, 0, Mention(PERSON, name, name, 0, seg.person_role(p, e, chains))))
    # Places not inside an organisation, a park or a name.
    blocked = set(seg.silent)
    for s, e in taken + list(seg.persons.items()):
        blocked.update(range(s, e))
    nxt = 0  # tokens before it are inside a place found
    for i in seg.where(seg.lex.place_first):
        if i < nxt or i in blocked:
            continue
        place = seg.place_at(i)  # a typed place, else a province, else a Hanoi district
        if place is None or any(k in blocked for k in range(place.start, place.end)):
            continue
        group = [place, *seg.continuation(place)] if seg.toks[i].word and seg.key(i) in _unit_keys() else [place]
        for p in group:
            events.append((p.start, 0, Mention(LOCATION, p.name, seg.surface(p.start, p.end), 0)))
        nxt = group[-1].end
    for _pos, _sub, m in sorted(events, key=lambda x: (x[0], x[1])):
        if m is not None:
            add(m.type, m.name, m.surface, m.role)


@cache
def _unit_keys() -> frozenset[str]:
    return frozenset(_K(w) for w in ("tỉnh", "thành", "quận", "huyện", "thị", "phường", "xã", "tp", "các"))


def _segments(title: str | None, sapo: str | None, body: str | None, captions: Iterable[str | None]) -> list[str]:
    parts: list[str] = []
    for text in (title, sapo, body, *captions):
        if text:
            parts.extend(p for p in (clean_text(x) for x in text.split("\n")) if p)
    return parts


def warm_up() -> None:
    """Load the gazetteer and compile the word lists now rather than on the first article (~1 s)."""
    _lexicon()


def extract_entities(
    title: str | None,
    sapo: str | None,
    body: str | None,
    captions: Iterable[str | None] = (),
    author: str | None = None,
) -> list[EntityMention]:
    """People, organisations and places the article names, one row per entity (see module doc)."""
    lex = _lexicon()
    defs: dict[str, Org] = {}
    mentions: list[Mention] = []
    order = [0]
    author_key = match_key(author) if author else ""
    for text in _segments(title, sapo, body, list(captions or ())):
        _read_segment(_Segment(text, lex, defs), order, mentions, author_key)
    return merge(mentions)


def merge(mentions: Iterable[Mention]) -> list[EntityMention]:
    """One row per `(type, match_key(name))`: count, surface forms, the first role the text gives."""
    rows: dict[tuple[str, str], EntityMention] = {}
    names: dict[tuple[str, str], dict[str, int]] = {}
    bare_titles = _lexicon().bare_titles
    for m in mentions:
        key = (m.type, _name_key(m.name))
        row = rows.get(key)
        if row is None:
            row = rows[key] = EntityMention(type=m.type, name=m.name, role=None, count=0, aliases=[])
            names[key] = {}
        row["count"] = row.get("count", 0) + 1
        if m.surface not in row["aliases"]:
            row["aliases"].append(m.surface)
        names[key][m.name] = names[key].get(m.name, 0) + 1
        if m.role and not row.get("role"):
            row["role"] = m.role
        elif (
            m.role
            and row["role"]
            and _name_key(row["role"]) in bare_titles
            and _name_key(m.role).startswith(_name_key(row["role"]) + " ")
        ):
            # "Bộ trưởng Đào Ngọc Dung" first, "Bộ trưởng Bộ Giáo dục ... Đào Ngọc Dung" later: the role
            # with the organisation is the more specific one.
            row["role"] = m.role
    for key, row in rows.items():
        # The spelling written most often names the entity; the first one seen wins a tie.
        counts = names[key]
        row["name"] = max(counts, key=lambda n: (counts[n], -list(counts).index(n)))
    return list(rows.values())
