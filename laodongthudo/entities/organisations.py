"""Organisations, read from their head word (`lexicon.ORG_HEADS`): each head's `kind` has its own
grammar for what may follow it (a place after `LĐLĐ`, a sector after `Sở`, a proper name after
`Công ty`, an organisation after `Công đoàn`)."""

from __future__ import annotations

import re
from collections.abc import Callable

from laodongthudo.entities.gazetteer import HANOI_NAME
from laodongthudo.entities.lexicon import HANOI_PARKS
from laodongthudo.entities.places import continuation, hanoi_parks_end, place_at, typed_place_at
from laodongthudo.entities.proper_names import name_run
from laodongthudo.entities.segment import Org, Segment
from laodongthudo.entities.tokens import key_of, longest_match

VIET_NAM = (key_of("việt"), key_of("nam"))


def org_at(seg: Segment, i: int) -> Org | None:
    """The organisation that starts at token i, if one does."""
    if i in seg.orgs:
        return seg.orgs[i]
    if i in seg.org_cache:
        return seg.org_cache[i]
    if i >= seg.n or not may_open_org(seg, i):
        return None  # no head and no inline short name can start here, whatever comes later
    org = read_org(seg, i)
    if org is not None:
        org.start = i
    # Kept: roles and names ask for the organisation at one token many times. Inline short names
    # defined later in the paragraph are not seen by earlier tokens, as in reading order.
    seg.org_cache[i] = org
    return org


def may_open_org(seg: Segment, i: int) -> bool:
    """False where `read_org` is None whatever the article defines: only an acronym (a short name
    defined inline) or a capitalised head ("ban" also lower-case) opens an organisation."""
    t = seg.toks[i]
    return t.upper or (t.key in seg.vocab.heads and (t.cap or t.key == "ban"))


def read_org(seg: Segment, i: int) -> Org | None:
    """The organisation at i, read afresh (`org_at` keeps the answers)."""
    t = seg.toks[i]
    if t.upper and t.key in seg.defs and not longest_match(seg.vocab.heads, seg.keys, i):
        defined = seg.defs[t.key]
        return Org(i, i + 1, defined.name, kind=defined.kind)
    hit = longest_match(seg.vocab.heads, seg.keys, i)
    if not hit:
        return None
    j, (head, kind) = hit
    if not (t.cap or (kind == "bql" and t.key == "ban")):
        return None
    return _READERS.get(kind, _generic)(seg, i, j, head, kind)


def _state_name(head: str) -> str:
    return "Ủy ban nhân dân" if key_of(head) in ("ubnd", key_of("Ủy ban nhân dân")) else "Hội đồng nhân dân"


def _with_place(seg: Segment, name: str, j: int, kind: str) -> Org | None:
    """`name` and the place at j, which it needs."""
    place = place_at(seg, j, implicit_city=True)
    if place is None:
        return None
    return Org(0, place.end, f"{name} {place.org_form}", [place], kind=kind)


def _national_federation(seg: Segment, i: int, j: int, head: str, kind: str) -> Org | None:
    if seg.keys_at(j, 2) == VIET_NAM:
        j += 2
    return Org(i, j, "Tổng Liên đoàn Lao động Việt Nam", kind=kind)


def _federation(seg: Segment, i: int, j: int, head: str, kind: str) -> Org | None:
    return _with_place(seg, "Liên đoàn Lao động", j, kind)


def _state_body(seg: Segment, i: int, j: int, head: str, kind: str) -> Org | None:
    return _with_place(seg, _state_name(head), j, kind)


def _front(seg: Segment, i: int, j: int, head: str, kind: str) -> Org | None:
    if seg.keys_at(j, 2) == VIET_NAM:
        j += 2
    return _with_place(seg, "Ủy ban Mặt trận Tổ quốc Việt Nam", j, kind)


def _department(seg: Segment, i: int, j: int, head: str, kind: str) -> Org | None:
    """`Sở Lao động, Thương binh và Xã hội Hà Nội`, `Bộ Y tế`: a sector, then perhaps a place."""
    hit = longest_match(seg.vocab.sectors, seg.keys, j)
    if not hit:
        return None
    k, sector = hit
    name = f"{head} {sector}"
    place = place_at(seg, k, implicit_city=True)
    if place:
        org_place = place.org_form if place.implicit else seg.surface(place.start, place.end)
        return Org(i, place.end, f"{name} {org_place}", [place], kind=kind)
    return Org(i, k, name, kind=kind)


def _park_board(seg: Segment, i: int, j: int, head: str, kind: str) -> Org | None:
    end = hanoi_parks_end(seg, j)
    if end:
        return Org(i, end, "Ban quản lý " + HANOI_PARKS, kind=kind)
    return None


def _party(seg: Segment, i: int, j: int, head: str, kind: str) -> Org | None:
    if seg.key(j) == key_of("viên"):
        return None  # "Thành ủy viên" is a role
    head_key = key_of(head)
    if head_key == key_of("Đảng ủy"):
        end = hanoi_parks_end(seg, j)
        if end:
            return Org(0, end, "Đảng ủy " + HANOI_PARKS, kind="party")
        place = typed_place_at(seg, j)
        if place:
            return Org(0, place.end, f"Đảng ủy {place.org_form}", [place], kind="party")
        return None
    place = place_at(seg, j)
    if place is not None:
        if place.unit_type in ("quận", "huyện", "thị xã") and place.start == j and seg.toks[j].cap:
            short = place.name.split(" ", 1)[1] if place.name.startswith(place.unit_type) else place.name
            return Org(0, place.end, f"{head} {short}", [place], kind="party")
        return Org(0, place.end, f"{head} {place.name}", [place], kind="party")
    if head_key == key_of("Thành ủy"):
        # In this paper "Thành ủy" alone is Hanoi's city party committee.
        return Org(0, j, f"Thành ủy {HANOI_NAME}", kind="party")
    return None


def _union(seg: Segment, i: int, j: int, head: str, kind: str) -> Org | None:
    """`Công đoàn` followed by an organisation, a sector, `Việt Nam` or a place."""
    toks = seg.toks
    head = "Công đoàn cơ sở" if kind == "cdcs" else "Công đoàn"
    if kind == "cd" and seg.keys_at(j, 2) == ("cơ", "sở"):
        head, j = "Công đoàn cơ sở", j + 2
    end = hanoi_parks_end(seg, j)
    if end:
        return Org(i, end, "Công đoàn " + HANOI_PARKS, kind="cd")
    if j >= seg.n:
        return None
    if toks[j].cap or seg.key(j) == "ban":
        inner = org_at(seg, j)
        if inner is not None and inner.kind not in ("cd", "cdcs"):
            return Org(i, inner.end, f"{head} {inner.name}", list(inner.places), [inner], kind="cd")
    if seg.key(j) == key_of("ngành"):
        hit = longest_match(seg.vocab.sectors, seg.keys, j + 1)
        if hit:
            return _sector_union(seg, i, hit[0], f"{head} ngành {hit[1]}")
        return None
    hit = longest_match(seg.vocab.sectors, seg.keys, j)
    if hit and toks[j].cap:
        return _sector_union(seg, i, hit[0], f"{head} {hit[1]}", require_place=True)
    if seg.keys_at(j, 2) == VIET_NAM:
        return Org(i, j + 2, "Công đoàn Việt Nam", kind="cd")
    place = typed_place_at(seg, j)
    if place and not place.hanoi_city:
        return Org(i, place.end, f"{head} {place.org_form}", [place], kind="cd")
    return None


def _sector_union(seg: Segment, i: int, k: int, name: str, require_place: bool = False) -> Org | None:
    place = place_at(seg, k, implicit_city=True)
    if place:
        org_place = (
            place.org_form
            if place.implicit
            or place.start != k
            or seg.toks[k].key in (key_of("tỉnh"), key_of("thành"), key_of("quận"), key_of("huyện"))
            else seg.surface(place.start, place.end)
        )
        return Org(i, place.end, f"{name} {org_place}", [place], kind="cd")
    if seg.keys_at(k, 2) == VIET_NAM:
        return Org(i, k + 2, f"{name} Việt Nam", kind="cd")
    return None if require_place else Org(i, k, name, kind="cd")


def _generic(seg: Segment, i: int, j: int, head: str, kind: str) -> Org | None:
    """A head and a proper name (`Công ty TNHH ...`, `Trường THCS ...`, `Bệnh viện ...`)."""
    vocab = seg.vocab
    prefix = [head]
    forms = vocab.company_forms if kind == "company" else vocab.school_levels if kind == "school" else None
    if forms is not None:
        hit = longest_match(forms, seg.keys, j)
        if hit:
            prefix.append(seg.surface(j, hit[0]))
            j = hit[0]
    if kind == "youth":
        # "Đoàn Thanh niên phường X": the head is the name; a place may follow.
        place = place_at(seg, j, implicit_city=True)
        if place is None:
            return Org(i, j, head, kind=kind)
        return Org(i, place.end, f"{head} {place.org_form}", [place], kind=kind)
    end, parts, place = name_run(seg, j, allow_person_first=kind == "school")
    if not parts:
        return None
    name = re.sub(r"\s+([-&])\s+", r" \1 ", " ".join(prefix + parts))
    return Org(i, end, name, [place] if place else [], kind=kind)


_Reader = Callable[[Segment, int, int, str, str], "Org | None"]
# The grammar of each head's kind; any other kind is a head and a proper name (`_generic`).
_READERS: dict[str, _Reader] = {
    "tld": _national_federation,
    "ldld": _federation,
    "state": _state_body,
    "mttq": _front,
    "party": _party,
    "sector": _department,
    "bql": _park_board,
    "cd": _union,
    "cdcs": _union,
}


# -- the organisations of a paragraph --------------------------------------------------------------------
def find_orgs(seg: Segment) -> None:
    """Pass 5: `seg.orgs`, and the inline short names they define (`seg.defs`)."""
    heads = seg.vocab.heads
    nxt = 0  # tokens before it are inside what was found
    for i in [i for i, t in enumerate(seg.toks) if t.upper or t.key in heads]:
        if i < nxt:
            continue
        org = org_at(seg, i)  # None at once where `may_open_org` says no
        if org is None:
            continue
        seg.orgs[i] = org
        _record_definition(seg, org)
        nxt = _shared_places(seg, org)


def _shared_places(seg: Segment, org: Org) -> int:
    """`LĐLĐ quận Thanh Xuân, Tây Hồ, ... và Cầu Giấy`: one head, several places, one organisation
    each. The end of the last."""
    end = org.end
    if org.places and org.kind in ("ldld", "state", "party", "cd") and org.places[-1].end == end:
        for place in continuation(seg, org.places[-1]):
            base = org.name[: len(org.name) - len(org.places[-1].org_form)].rstrip()
            if org.kind == "party" or not base:
                break
            seg.orgs[place.start] = Org(place.start, place.end, f"{base} {place.org_form}", [place], kind=org.kind)
            end = place.end
    return end


def shared_head(seg: Segment, i: int) -> Org | None:
    """`Ủy ban nhân dân (UBND) và Liên đoàn Lao động (LĐLĐ) huyện Gia Lâm`: the first head has no
    place of its own and takes the second one's."""
    hit = longest_match(seg.vocab.heads, seg.keys, i)
    if not hit or not seg.toks[i].cap:
        return None
    j, (head, kind) = hit
    if kind not in ("ldld", "state") or seg.key(j) != "và":
        return None
    nxt = seg.orgs.get(j + 1)
    if nxt is None or not nxt.places or nxt.kind not in ("ldld", "state"):
        return None
    place = nxt.places[-1]
    name = "Liên đoàn Lao động" if kind == "ldld" else _state_name(head)
    return Org(i, j, f"{name} {place.org_form}", [place], kind=kind)


def _record_definition(seg: Segment, org: Org) -> None:
    # "Tổng Công ty Đầu tư và Phát triển nhà Hà Nội (HANDICO)": the short name, for this article.
    e = org.end
    if e + 2 < seg.n and seg.toks[e].text == "(" and seg.toks[e + 1].upper and seg.toks[e + 2].text in (")", ","):
        key = seg.toks[e + 1].key
        if key not in seg.vocab.abbr and key not in seg.vocab.non_entity:
            seg.defs.setdefault(key, org.inner[0] if org.inner else org)
