"""Personal names: a family name and one to three capitalised syllables, never inside a typed place or
over a bare place name ("Nam Từ Liêm", "Hà Nội")."""

from __future__ import annotations

from laodongthudo.entities.places import is_place_name
from laodongthudo.entities.segment import Segment
from laodongthudo.entities.tokens import key_of, longest_match


def _name_end(seg: Segment, i: int) -> int:
    """End of the capitalised syllables after the family name at i (at most three)."""
    vocab, toks = seg.vocab, seg.toks
    j = i + 1
    while j < seg.n and j - i < 4:
        u = toks[j]
        if not u.title or u.key in vocab.name_stops or j in seg.blocked:
            break
        # "Thành ủy", "Thành phố", "Công đoàn", "Thường trực": not name syllables there.
        head = longest_match(vocab.heads, seg.keys, j)
        if (u.key, seg.key(j + 1)) in vocab.name_stop_pairs or (head and head[0] - j >= 2):
            break
        j += 1
    return j


def find_persons(seg: Segment) -> None:
    """Pass 3: `seg.persons`, start -> end of each name."""
    nxt = 0  # tokens before it are inside what was found
    for i in seg.where(seg.vocab.surnames):
        if i < nxt or not seg.toks[i].title or i in seg.blocked:
            continue
        j = _name_end(seg, i)
        # "Nam Từ Liêm", "Gia Lâm", "Hà Nội": a place, not a name, even where a surname starts it.
        covering = _place_covering(seg, i)
        if covering is not None:
            nxt = covering
            continue
        street = seg.key(i - 1) in (key_of("phố"), key_of("đường")) and seg.key(i - 2) != key_of("thành")
        if j - i >= 2 and not street:
            seg.persons[i] = j
            nxt = j


def _place_covering(seg: Segment, i: int) -> int | None:
    """End of a bare province or Hanoi district name that covers token i, if one does."""
    for b in (0, 1, 2):
        for size in (2, 3):
            s = i - b
            if s < 0 or b >= size or s + size > seg.n:
                continue
            if all(t.title for t in seg.toks[s : s + size]) and is_place_name(seg, s, s + size):
                return s + size
    return None


def full_person_at(seg: Segment, i: int) -> bool:
    # Only names of three syllables or more end an organisation's name: two capitalised
    # syllables after a head are more often the organisation's own ("Bạch Mai", "Văn Đức").
    end = seg.persons.get(i)
    return end is not None and end - i >= 3


def honorific_before(seg: Segment, i: int) -> int:
    """Start of the honorific right before token i (i itself when there is none)."""
    for size in (2, 1):
        if i - size >= 0 and longest_match(seg.vocab.honorifics, seg.keys, i - size) == (i, True):
            return i - size
    return i
