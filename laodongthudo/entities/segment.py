"""One paragraph being read: its tokens, and the spans the passes have found in it so far."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from laodongthudo.entities.tokens import Tok, tokenize
from laodongthudo.entities.vocabulary import Vocabulary


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
    inner: list[Org] = field(default_factory=list)  # the company of "Công đoàn Công ty ..."
    kind: str = ""  # the head's grammar (`lexicon.ORG_HEADS`)


@dataclass
class Park:
    start: int
    end: int
    name: str  # "Khu công nghiệp Thăng Long"


class Segment:
    """One paragraph's tokens, as parallel lists (`toks`, `starts`, `ends`, `keys`), and the spans
    found in them."""

    def __init__(self, text: str, vocab: Vocabulary, defs: dict[str, Org]) -> None:
        self.text = text
        self.vocab = vocab
        self.defs = defs  # article-wide short names defined inline: key -> Org
        toks, starts, ends = tokenize(text)
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
        self.orgs: dict[int, Org] = {}  # start -> organisation found there
        self.org_cache: dict[int, Org | None] = {}  # `organisations.org_at`'s answers, found or not
        self.parks: list[Park] = []

    def _drop_known_definitions(
        self, toks: list[Tok], starts: list[int], ends: list[int]
    ) -> tuple[list[Tok], list[int], list[int]]:
        abbr, non_entity = self.vocab.abbr, self.vocab.non_entity
        keep: list[int] = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if (
                t.text == "("
                and i + 2 < len(toks)
                and toks[i + 2].text == ")"
                and toks[i + 1].upper
                and (toks[i + 1].key in abbr or toks[i + 1].key in non_entity)
            ):
                i += 3  # "Liên đoàn Lao động (LĐLĐ) quận Đống Đa" reads as without the brackets
                continue
            keep.append(i)
            i += 1
        if len(keep) == len(toks):
            return toks, starts, ends
        return [toks[k] for k in keep], [starts[k] for k in keep], [ends[k] for k in keep]

    def surface(self, i: int, j: int) -> str:
        """The text of tokens i to j-1, as written."""
        return self.text[self.starts[i] : self.ends[j - 1]]

    def key(self, i: int) -> str:
        """Token i's key; "" past either end."""
        return self.keys[i] if 0 <= i < self.n else ""

    def keys_at(self, i: int, size: int) -> tuple[str, ...]:
        return tuple(self.keys[i : i + size])

    def where(self, first: AbstractSet[str]) -> list[int]:
        """The tokens whose key is in `first`, in order: each pass visits only the tokens that can start
        what it looks for (the first words of its phrases) instead of trying every token."""
        return [i for i, k in enumerate(self.keys) if k in first]
