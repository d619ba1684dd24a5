"""Mentions merged into one row per entity: `(type, match_key(name))`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from laodongthudo.entities.vocabulary import vocabulary
from laodongthudo.items import EntityMention
from laodongthudo.textnorm import match_key

PERSON, ORGANIZATION, LOCATION = "PERSON", "ORGANIZATION", "LOCATION"

# `match_key`, memoised for the short strings it sees here (names, roles), which repeat across mentions
# and articles; bounded, as names are an open set.
name_key = lru_cache(maxsize=65536)(match_key)


@dataclass
class Mention:
    type: str
    name: str
    surface: str
    order: int
    role: str | None = None


def merge(mentions: Iterable[Mention]) -> list[EntityMention]:
    """One row per `(type, match_key(name))`: count, surface forms, the first role the text gives."""
    rows: dict[tuple[str, str], EntityMention] = {}
    names: dict[tuple[str, str], dict[str, int]] = {}
    for m in mentions:
        key = (m.type, name_key(m.name))
        row = rows.get(key)
        if row is None:
            row = rows[key] = EntityMention(type=m.type, name=m.name, role=None, count=0, aliases=[])
            names[key] = {}
        row["count"] = row.get("count", 0) + 1
        if m.surface not in row["aliases"]:
            row["aliases"].append(m.surface)
        names[key][m.name] = names[key].get(m.name, 0) + 1
        _keep_better_role(row, m.role)
    for key, row in rows.items():
        # The spelling written most often names the entity; the first one seen wins a tie.
        counts = names[key]
        row["name"] = max(counts, key=lambda n: (counts[n], -list(counts).index(n)))
    return list(rows.values())


def _keep_better_role(row: EntityMention, role: str | None) -> None:
    if not role:
        return
    if not row.get("role"):
        row["role"] = role
    elif _name_key_is_bare_title(row["role"]) and name_key(role).startswith(name_key(row["role"]) + " "):
        # "Bộ trưởng Đào Ngọc Dung" first, "Bộ trưởng Bộ Giáo dục ... Đào Ngọc Dung" later: the role
        # with the organisation is the more specific one.
        row["role"] = role


def _name_key_is_bare_title(role: str) -> bool:
    return name_key(role) in vocabulary().bare_titles
