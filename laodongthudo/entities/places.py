"""Places: units with their type word checked against the gazetteer (`quận Thanh Xuân`, `các xã Hợp
Tiến, Hợp Thanh và An Phú`), and the bare names accepted without one (provinces, Hanoi's former
districts)."""

from __future__ import annotations

from collections.abc import Callable

from laodongthudo.entities.gazetteer import HANOI_NAME
from laodongthudo.entities.segment import Place, Segment
from laodongthudo.entities.tokens import key_of, longest_match


def bare_name(seg: Segment, i: int, lookup: Callable[[str], object]) -> tuple[int, object] | None:
    """The longest run of 2-3 capitalised syllables at `i` that `lookup` knows: (size, hit) or None."""
    if i + 1 >= seg.n or (seg.keys[i], seg.keys[i + 1]) not in seg.vocab.bare_pairs:
        return None
    for size in range(min(3, seg.n - i), 1, -1):
        toks = seg.toks[i : i + size]
        if all(t.title for t in toks) and (hit := lookup(" ".join(t.key for t in toks))):
            return size, hit
    return None


def province_at(seg: Segment, i: int) -> Place | None:
    found = bare_name(seg, i, seg.vocab.gaz.province)
    if found is None:
        return None
    size, (short, kind) = found
    return Place(i, i + size, short, f"{kind} {short}", kind, hanoi_city=short == HANOI_NAME)


def hanoi_district_at(seg: Segment, i: int) -> Place | None:
    found = bare_name(seg, i, seg.vocab.gaz.hanoi_district)
    if found is None:
        return None
    size, (unit_type, short) = found
    name = f"{unit_type} {short}"
    return Place(i, i + size, name, name, unit_type)


def is_place_name(seg: Segment, i: int, j: int) -> bool:
    """Tokens i..j-1 name a province or a Hanoi district."""
    if (seg.keys[i], seg.keys[i + 1]) not in seg.vocab.bare_pairs:
        return False  # no province or Hanoi district starts with these two words
    key = " ".join(seg.keys[i:j])
    gaz = seg.vocab.gaz
    return gaz.province(key) is not None or gaz.hanoi_district(key) is not None


def named_unit_at(seg: Segment, unit_type: str, i: int) -> Place | None:
    """The unit of `unit_type` named at i (its type word already read)."""
    gaz, toks = seg.vocab.gaz, seg.toks
    # Only runs of capitalised words can name a unit: the sizes to try are those within the run.
    run = 0
    while run < gaz.max_words and i + run < seg.n and toks[i + run].cap and toks[i + run].word:
        run += 1
    for size in range(run, 0, -1):
        key = " ".join(seg.keys[i : i + size])
        if unit_type in ("tỉnh", "thành phố"):
            hit = gaz.province(key)
            # "thành phố Hà Tĩnh" is the city, "tỉnh Hà Tĩnh" and "thành phố Hà Nội" the provinces.
            if hit and hit[1] == unit_type:
                short, kind = hit
                return Place(i, i + size, short, f"{kind} {short}", kind, hanoi_city=short == HANOI_NAME)
        short = gaz.unit(unit_type, key)
        if short:
            name = f"{unit_type} {short}"
            return Place(i, i + size, name, name, unit_type)
    return None


def typed_place_at(seg: Segment, i: int, implicit_city: bool = False) -> Place | None:
    """`quận Thanh Xuân`, `thành phố Hà Nội`; with `implicit_city`, `Thành phố` alone is Hà Nội."""
    if i >= seg.n:
        return None
    hit = longest_match(seg.vocab.unit_types, seg.keys, i)
    if not hit:
        return None
    j, unit_type = hit
    first = seg.toks[i]
    if first.upper and first.key != "tp":
        return None
    place = named_unit_at(seg, str(unit_type), j) if j < seg.n else None
    if place:
        place.start = i
        return place
    if implicit_city and unit_type == "thành phố" and (first.cap or first.key == "tp"):
        return Place(i, j, HANOI_NAME, f"thành phố {HANOI_NAME}", "thành phố", hanoi_city=True, implicit=True)
    return None


def place_at(seg: Segment, i: int, implicit_city: bool = False, bare_district: bool = True) -> Place | None:
    """A typed place at i, else a province, else (with `bare_district`) a Hanoi district."""
    if i >= seg.n or seg.keys[i] not in seg.vocab.place_first:
        return None  # neither a unit type word nor a bare name starts here
    place = typed_place_at(seg, i, implicit_city) or province_at(seg, i)
    if place is None and bare_district:
        place = hanoi_district_at(seg, i)
    return place


def continuation(seg: Segment, place: Place) -> list[Place]:
    """`quận Thanh Xuân, Tây Hồ, Cầu Giấy và Hà Đông`: more units of the same type, bare."""
    out: list[Place] = []
    j = place.end
    while j + 1 < seg.n and (seg.toks[j].text == "," or seg.key(j) == "và"):
        nxt = named_unit_at(seg, place.unit_type, j + 1)
        if nxt is None or nxt.hanoi_city:
            break
        out.append(nxt)
        j = nxt.end
    return out


def hanoi_parks_end(seg: Segment, i: int) -> int | None:
    """End of "các khu công nghiệp và chế xuất (Hà Nội)" at i: the name of Hanoi's park system."""
    if seg.key(i + 1) not in seg.vocab.hanoi_parks_second:
        return None  # every form is "các" + a park word + ...: "các" alone is common
    for phrase in seg.vocab.hanoi_parks:
        size = len(phrase)
        if seg.keys_at(i, size) == phrase:
            return i + size
        if seg.keys_at(i, size - 2) == phrase[:-2]:  # without "Hà Nội"
            return i + size - 2
    return None


def find_typed_places(seg: Segment) -> None:
    """Pass 2: mark the tokens of typed places (no personal name there) and of Hanoi's park system
    (no place either)."""
    cac = key_of("các")
    nxt = 0  # tokens before it are inside what was found
    for i in seg.where(seg.vocab.typed_first):
        if i < nxt:
            continue
        parks_end = hanoi_parks_end(seg, i) if seg.keys[i] == cac else None
        if parks_end:
            # "các khu công nghiệp và chế xuất Hà Nội": the name of Hanoi's park system, as in
            # "Công đoàn các ...", not a mention of Hà Nội on its own.
            seg.blocked.update(range(i, parks_end))
            seg.silent.update(range(i, parks_end))
            nxt = parks_end
            continue
        place = typed_place_at(seg, i)
        if place is None:
            continue
        group = [place, *continuation(seg, place)]
        for p in group:
            seg.blocked.update(range(p.start, p.end))
        nxt = group[-1].end
