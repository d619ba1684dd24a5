"""Administrative units from `vietnamadminunits` (its bundled SQLite data set, read offline, once).

The package knows both the 63-province map with districts (before the reorganisation of July 2025) and
the 34-province map without districts (after it). The archive holds both, so a name is accepted when
either map has it. Hanoi first: bare district names (`Cầu Giấy` with no `quận` before it) are accepted
for Hanoi's 30 former districts only; elsewhere a unit needs its type word (`huyện Yên Phong`).
"""

from __future__ import annotations

import importlib.util
import sqlite3
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from laodongthudo.textnorm import match_key

# Type words as the paper writes them before a name, lower-case canonical form.
UNIT_TYPES: tuple[str, ...] = ("tỉnh", "thành phố", "quận", "huyện", "thị xã", "phường", "xã", "thị trấn")
# Provinces that are cities: their organisations read "... thành phố Hà Nội", others "... tỉnh Bắc Ninh".
HANOI_NAME = "Hà Nội"  # the city's name as the paper writes it


@dataclass
class Gazetteer:
    provinces: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (short, "tỉnh"|"thành phố")
    units: dict[str, dict[str, str]] = field(default_factory=dict)  # type -> key -> short name
    hanoi_districts: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (type, short)
    max_words: int = 1

    def province(self, key: str) -> tuple[str, str] | None:
        return self.provinces.get(key)

    def unit(self, unit_type: str, key: str) -> str | None:
        return self.units.get(unit_type, {}).get(key)

    def hanoi_district(self, key: str) -> tuple[str, str] | None:
        return self.hanoi_districts.get(key)


DATASET = "data/dataset.db"  # inside the package, what `vietnamadminunits.database.query` opens


def dataset_path() -> Path:
    """The package's bundled data set, found without importing the package: its `__init__` imports its
    address parsers and geopy (half a second of every run's start) for nothing the gazetteer reads."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("vietnamadminunits is not installed (requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations))) / DATASET


def query(sql: str) -> list[dict[str, Any]]:
    """Rows of the data set as dicts, as `vietnamadminunits.database.query` gives them (read-only here)."""
    connection = sqlite3.connect(f"{dataset_path().as_uri()}?mode=ro", uri=True)
    try:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(sql)]
    finally:
        connection.close()


@cache
def load_gazetteer() -> Gazetteer:
    gaz = Gazetteer(units={t: {} for t in UNIT_TYPES})

    def add(unit_type: str, short: str) -> None:
        key = match_key(short)
        gaz.units.setdefault(unit_type, {}).setdefault(key, short)
        gaz.max_words = max(gaz.max_words, len(key.split()))

    for table in ("admin_units_legacy", "admin_units"):
        for row in query(f"SELECT DISTINCT province, provinceShort FROM {table}"):
            kind = "thành phố" if row["province"].lower().startswith("thành phố") else "tỉnh"
            gaz.provinces.setdefault(match_key(row["provinceShort"]), (row["provinceShort"], kind))
            add(kind, row["provinceShort"])
        sql = f"SELECT DISTINCT wardType, wardShort FROM {table} WHERE wardShort IS NOT NULL AND wardType IS NOT NULL"
        for row in query(sql):
            add(row["wardType"].lower(), row["wardShort"])
    sql = "SELECT DISTINCT province, districtType, districtShort FROM admin_units_legacy"
    for row in query(sql):
        unit_type = row["districtType"].lower()
        add(unit_type, row["districtShort"])
        if row["province"] == "Thành phố Hà Nội":
            gaz.hanoi_districts[match_key(row["districtShort"])] = (unit_type, row["districtShort"])
    return gaz
