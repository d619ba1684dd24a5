"""Reading counters out of Scrapy's stats: a missing or non-numeric value counts 0."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def count(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key) or 0
    return int(value) if isinstance(value, int | float) else 0


def by_reason(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    """Counters under `prefix` (`skipped/`, `dropped/`...), keyed by what follows it, sorted."""
    return {key[len(prefix) :]: count(stats, key) for key in sorted(stats) if key.startswith(prefix)}
