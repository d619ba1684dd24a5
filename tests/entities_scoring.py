"""Scoring of the entity extractor against the hand-annotated gold set (`tests/entities_gold/`), shared by
`tests/test_entities.py` and `bench/entities.py`.

An entity counts as found when a predicted row has the same type and the same canonical name after
`match_key` (case, Unicode form and tone placement folded). Precision, recall and F1 are micro-averaged
over all articles. A person's role is scored apart, on the persons found: right when equal to the gold
role after `match_key` (both empty counts as right).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from laodongthudo.textnorm import match_key

GOLD_DIR = Path(__file__).resolve().parent / "entities_gold"


def load_gold(directory: Path = GOLD_DIR) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))]


def entity_key(entity: Mapping) -> tuple[str, str]:
    return entity["type"], match_key(entity["name"])


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    roles_right: int = 0
    roles_total: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (article, "FP"/"FN"/"ROLE", what)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def role_accuracy(self) -> float:
        return self.roles_right / self.roles_total if self.roles_total else 0.0

    def add(self, article: str, gold: Iterable[Mapping], predicted: Iterable[Mapping]) -> None:
        g = {entity_key(e): e for e in gold}
        p = {entity_key(e): e for e in predicted}
        self.tp += len(g.keys() & p.keys())
        self.fp += len(p.keys() - g.keys())
        self.fn += len(g.keys() - p.keys())
        self.misses += [(article, "FP", f"{k[0]} {p[k]['name']}") for k in sorted(p.keys() - g.keys())]
        self.misses += [(article, "FN", f"{k[0]} {g[k]['name']}") for k in sorted(g.keys() - p.keys())]
        for k in g.keys() & p.keys():
            if k[0] != "PERSON":
                continue
            self.roles_total += 1
            if match_key(g[k].get("role") or "") == match_key(p[k].get("role") or ""):
                self.roles_right += 1
            else:
                self.misses.append((article, "ROLE", f"{g[k]['name']}: {p[k].get('role')!r}"))
