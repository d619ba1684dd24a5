"""The proper name after an organisation's head (`Công ty TNHH ...`, `Trường THCS ...`): capitalised
words, joined by `và`/`-`/`&`, with the lower-case runs that the next word shows to belong to it; a
place, a title, a full personal name, a term of office or a year ends it."""

from __future__ import annotations

from laodongthudo.entities.persons import full_person_at
from laodongthudo.entities.places import place_at, province_at, typed_place_at
from laodongthudo.entities.segment import Place, Segment
from laodongthudo.entities.terms import term_end
from laodongthudo.entities.tokens import CLOSERS, DASHES, key_of, longest_match


def name_run(seg: Segment, i: int, allow_person_first: bool = False) -> tuple[int, list[str], Place | None]:
    """A proper name after a head: capitalised words, joined by `và`/`-`/`&`, with lower-case runs
    that the next word shows to be part of it; a place ends it. (end, the name's parts, the place)."""
    parts: list[str] = []
    j = i
    while j < seg.n:
        if (j > i or not allow_person_first) and full_person_at(seg, j):
            break
        if term_end(seg, j) is not None:
            break  # "Công ty TNHH Thực phẩm Hà Thành nhiệm kỳ 2019 - 2024": the term is not the name's
        place = place_at(seg, j, implicit_city=True) if parts else None
        if place:
            parts.append(place.org_form if place.implicit else seg.surface(place.start, place.end))
            return place.end, parts, place
        t = seg.toks[j]
        if t.cap and t.word:
            j, go_on = _capitalised_word(seg, j, parts)
            if not go_on:
                break
            continue
        if not parts:
            break
        nxt = _joined_words(seg, j, parts)
        if nxt is None:
            break
        j = nxt
    return j, parts, None


def _capitalised_word(seg: Segment, j: int, parts: list[str]) -> tuple[int, bool]:
    """Token j of a name, capitalised: added to `parts` unless a head or a title opens there.
    (where the name goes on, whether it may)."""
    vocab, t = seg.vocab, seg.toks[j]
    if parts and (longest_match(vocab.heads, seg.keys, j) or longest_match(vocab.titles, seg.keys, j)):
        return j, False
    if t.key in vocab.non_entity:
        return j, False
    parts.append(vocab.expand(t))
    j += 1
    if t.key == key_of("nam") and seg.key(j - 2) == key_of("việt"):
        # "... Việt Nam" ends a company's name; only a numeral may follow ("Việt Nam II").
        if j < seg.n and seg.toks[j].upper and set(seg.toks[j].text) <= set("IVX"):
            parts.append(seg.toks[j].text)
            j += 1
        return j, False
    return j, True


def _joined_words(seg: Segment, j: int, parts: list[str]) -> int | None:
    """A joiner (`-`, `&`, `và`) before a capitalised word, or lower-case words that belong to the name,
    at j: added to `parts`, and where the name goes on; None where it ends."""
    vocab, t = seg.vocab, seg.toks[j]
    if t.text in DASHES or t.text == "&" or t.key == "và":
        if _may_continue_name(seg, j + 1):
            parts.append(t.text)
            return j + 1
        if t.key != "và":
            return None
    if t.word and not t.cap and t.key not in vocab.stop:
        k = _lower_run_end(seg, j)
        if k == j:
            return None
        parts.append(seg.surface(j, k))
        return k
    return None


def _may_continue_name(seg: Segment, j: int) -> bool:
    """Token j, after a joiner, is a capitalised word of the same name."""
    vocab = seg.vocab
    return (
        j < seg.n
        and seg.toks[j].cap
        and seg.toks[j].word
        and not full_person_at(seg, j)
        and not longest_match(vocab.heads, seg.keys, j)
        and not longest_match(vocab.titles, seg.keys, j)
        and term_end(seg, j) is None
    )


def _lower_run_end(seg: Segment, j: int) -> int:
    """End of the lower-case words at j that belong to a name ("Nông dân", "Đầu tư xây dựng hạ
    tầng và giao thông"): the longest run, up to eight words, that the next token shows to be
    part of a name (a capitalised word, a place, a closing mark); j when there is none."""
    vocab, toks = seg.vocab, seg.toks
    va = key_of("và")
    k = j
    while k < seg.n and k - j < 8:
        u = toks[k]
        if not u.word or u.cap or (u.key in vocab.stop and u.key != va) or u.key in vocab.run_breakers:
            break
        if term_end(seg, k) is not None:
            break
        k += 1
    for end in range(k, j, -1):
        if toks[end - 1].key == va:
            continue
        if _name_goes_on_at(seg, end):
            return end
    return j


def _name_goes_on_at(seg: Segment, end: int) -> bool:
    """What follows lower-case words at `end` shows them to be part of a name (a term of office or a year
    ends the name as a closing mark does)."""
    vocab, toks = seg.vocab, seg.toks
    nxt = toks[end] if end < seg.n else None
    return (
        nxt is None
        or nxt.text in CLOSERS
        or term_end(seg, end) is not None
        or (nxt.cap and nxt.word and not full_person_at(seg, end) and not longest_match(vocab.titles, seg.keys, end))
        or typed_place_at(seg, end) is not None
        or province_at(seg, end) is not None
        or nxt.key in vocab.run_breakers
        or (nxt.key == key_of("và") and end + 1 < seg.n and toks[end + 1].cap)
    )
