"""Industrial parks: `KCN Thăng Long`, `các KCN Thăng Long, Nội Bài và Quang Minh`."""

from __future__ import annotations

from laodongthudo.entities.persons import full_person_at
from laodongthudo.entities.places import typed_place_at
from laodongthudo.entities.segment import Park, Segment
from laodongthudo.entities.tokens import DASHES, longest_match


def park_name_end(seg: Segment, i: int) -> int:
    """End of the park's name that starts at i (i when there is none): capitalised words, joined by
    dashes, up to a head, a title or a full personal name."""
    vocab = seg.vocab
    j = i
    while j < seg.n:
        t = seg.toks[j]
        if full_person_at(seg, j) and j > i:
            break
        if t.cap and t.word and not longest_match(vocab.heads, seg.keys, j):
            j += 1
        elif t.text in DASHES and j > i and j + 1 < seg.n and seg.toks[j + 1].title:
            if longest_match(vocab.titles, seg.keys, j + 1):
                break
            j += 1
        else:
            break
    while j > i and seg.toks[j - 1].text in DASHES:
        j -= 1
    return j


def find_parks(seg: Segment) -> None:
    """Pass 4: `seg.parks`."""
    nxt = 0  # tokens before it are inside what was found
    for i in seg.where(seg.vocab.park_first):
        if i < nxt:
            continue
        hit = longest_match(seg.vocab.park_heads, seg.keys, i)
        if not hit or not (seg.toks[i].cap):
            continue
        j = hit[0]
        end = park_name_end(seg, j)
        if end == j:
            nxt = j
            continue
        seg.parks.append(Park(i, end, "Khu công nghiệp " + seg.surface(j, end)))
        nxt = _more_parks(seg, end)


def _more_parks(seg: Segment, end: int) -> int:
    """ "các KCN Thăng Long, Nội Bài và Quang Minh": the names listed after the first; their end."""
    while end + 1 < seg.n and (seg.toks[end].text == "," or seg.key(end) == "và"):
        more = park_name_end(seg, end + 1)
        if more == end + 1 or typed_place_at(seg, end + 1) or longest_match(seg.vocab.park_heads, seg.keys, end + 1):
            break
        seg.parks.append(Park(end + 1, more, "Khu công nghiệp " + seg.surface(end + 1, more)))
        end = more
    return end
