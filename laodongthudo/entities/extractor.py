"""Rule-based extraction of people, organisations and places from one article.

How a text is read, in passes over the tokens of one paragraph (title, sapo, each body paragraph and
each caption are read apart, so a span never crosses them):

1. inline definitions `(LĐLĐ)`, `(MTTQ)` that repeat what was just spelt out are dropped; an unknown
   one after an organisation (`(HANDICO)`) becomes that organisation's short name for the article
   (`segment.py`, `organisations.py`);
2. places with their type word (`quận Thanh Xuân`, `các xã Hợp Tiến, Hợp Thanh và An Phú`) checked
   against the gazetteer (`places.py`);
3. personal names: a family name and one to three capitalised syllables (`persons.py`);
4. industrial parks (`KCN Thăng Long`, `các KCN Thăng Long, Nội Bài và Quang Minh`; `parks.py`);
5. organisations, by head word (`LĐLĐ`, `Công đoàn`, `Quận ủy`, `UBND`, `Công ty`, ...), each head
   with its own grammar for what may follow (`organisations.py`); an organisation's place is also a
   mention of the place (except Hà Nội, which nearly every union body of the paper carries in its name);
6. bare places left over (`Hà Nội`, `Cầu Giấy` where the paper drops `quận`);
7. roles: a chain of titles and organisations right before a name (`Phó Bí thư Thường trực Quận ủy
   Thanh Xuân Nguyễn Minh Tiến`) or right after it (`ông Nguyễn Văn Ngà, Chủ tịch LĐLĐ quận Bắc Từ
   Liêm`; `roles.py`).

Mentions are merged per `(type, match_key(name))` (`merging.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from laodongthudo.entities.merging import LOCATION, ORGANIZATION, PERSON, Mention, merge, name_key
from laodongthudo.entities.organisations import find_orgs, shared_head
from laodongthudo.entities.parks import find_parks
from laodongthudo.entities.persons import find_persons
from laodongthudo.entities.places import continuation, find_typed_places, place_at
from laodongthudo.entities.roles import person_role, role_chains
from laodongthudo.entities.segment import Org, Segment
from laodongthudo.entities.vocabulary import vocabulary
from laodongthudo.items import EntityMention
from laodongthudo.textnorm import clean_text, match_key

__all__ = ["LOCATION", "ORGANIZATION", "PERSON", "extract_entities", "paragraphs", "warm_up"]

# `clean_text`, memoised for the names it sees here, which repeat across mentions and articles.
_clean_name = lru_cache(maxsize=65536)(clean_text)

Span = tuple[int, int]
# (token where the mention is, 0 for the mention itself and 1 for a place inside an organisation, mention)
Event = tuple[int, int, Mention]


def _overlaps(a: Span, spans: Iterable[Span]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def read_paragraph(seg: Segment, author_key: str) -> list[Mention]:
    """The mentions of one paragraph, in reading order (their `order` is set by the caller)."""
    find_typed_places(seg)
    find_persons(seg)
    find_parks(seg)
    find_orgs(seg)
    _add_shared_heads(seg)
    taken = [(o.start, o.end) for o in seg.orgs.values()] + [(p.start, p.end) for p in seg.parks]
    events: list[Event] = []
    for org in seg.orgs.values():
        _org_events(seg, org, seg.surface(org.start, org.end), org.start, events)
    for park in seg.parks:
        events.append((park.start, 0, Mention(LOCATION, park.name, seg.surface(park.start, park.end), 0)))
    _person_events(seg, taken, author_key, events)
    _bare_place_events(seg, taken, events)
    return [m for _pos, _sub, m in sorted(events, key=lambda x: (x[0], x[1]))]


def _add_shared_heads(seg: Segment) -> None:
    org_spans = [(o.start, o.end) for o in seg.orgs.values()]
    for i in seg.where(seg.vocab.head_first):  # a capitalised head opens it
        if not seg.toks[i].cap:
            continue
        shared = shared_head(seg, i)
        if shared is not None and not _overlaps((shared.start, shared.end), org_spans):
            seg.orgs[i] = shared


def _org_events(seg: Segment, org: Org, surface: str, pos: int, events: list[Event]) -> None:
    """The organisation, the company inside it, and their places (but Hà Nội)."""
    events.append((pos, 0, Mention(ORGANIZATION, org.name, surface, 0)))
    for inner in org.inner:
        _org_events(seg, inner, seg.surface(inner.start, inner.end), pos, events)
    for place in org.places:
        if not place.hanoi_city:
            events.append((pos, 1, Mention(LOCATION, place.name, seg.surface(place.start, place.end), 0)))


def _person_events(seg: Segment, taken: list[Span], author_key: str, events: list[Event]) -> None:
    """The persons not inside an organisation or a park, with their roles; the byline is no entity."""
    chains = role_chains(seg)
    for p, e in seg.persons.items():
        if _overlaps((p, e), taken):
            continue
        name = seg.surface(p, e)
        if author_key and name_key(name) == author_key:
            continue  # the byline is not an entity
        events.append((p, 0, Mention(PERSON, name, name, 0, person_role(seg, p, e, chains))))


def _bare_place_events(seg: Segment, taken: list[Span], events: list[Event]) -> None:
    """Places not inside an organisation, a park or a name."""
    blocked = set(seg.silent)
    for s, e in taken + list(seg.persons.items()):
        blocked.update(range(s, e))
    nxt = 0  # tokens before it are inside a place found
    for i in seg.where(seg.vocab.place_first):
        if i < nxt or i in blocked:
            continue
        place = place_at(seg, i)  # a typed place, else a province, else a Hanoi district
        if place is None or any(k in blocked for k in range(place.start, place.end)):
            continue
        opens_list = seg.toks[i].word and seg.key(i) in seg.vocab.list_openers
        group = [place, *continuation(seg, place)] if opens_list else [place]
        for p in group:
            events.append((p.start, 0, Mention(LOCATION, p.name, seg.surface(p.start, p.end), 0)))
        nxt = group[-1].end


def paragraphs(title: str | None, sapo: str | None, body: str | None, captions: Iterable[str | None]) -> list[str]:
    """The texts read apart: title, sapo, each body paragraph, each caption, cleaned; empty ones left out."""
    parts: list[str] = []
    for text in (title, sapo, body, *captions):
        if text:
            parts.extend(p for p in (clean_text(x) for x in text.split("\n")) if p)
    return parts


def warm_up() -> None:
    """Load the gazetteer and compile the word lists now rather than on the first article (~1 s)."""
    vocabulary()


def extract_entities(
    title: str | None,
    sapo: str | None,
    body: str | None,
    captions: Iterable[str | None] = (),
    author: str | None = None,
) -> list[EntityMention]:
    """People, organisations and places the article names, one row per entity (see module doc)."""
    vocab = vocabulary()
    defs: dict[str, Org] = {}  # inline short names, article-wide
    mentions: list[Mention] = []
    author_key = match_key(author) if author else ""
    for text in paragraphs(title, sapo, body, list(captions or ())):
        for m in read_paragraph(Segment(text, vocab, defs), author_key):
            mentions.append(Mention(m.type, _clean_name(m.name), m.surface, len(mentions), m.role))
    return merge(mentions)
