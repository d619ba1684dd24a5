"""Entity extraction on the hand-annotated gold set: ours against underthesea's NER.

    python bench/entities.py

Both read the same texts (title, sapo, body paragraphs, captions; the byline is left out of both).

Scoring (`tests/entities_scoring.py`): an entity is found when a predicted row has the gold type and
the gold canonical name after `match_key` (case, Unicode form and tone placement folded); micro P/R/F1
over all articles; each system's rows are de-duplicated per article by that same key. Role accuracy is
scored on the persons found (ours only: underthesea gives no roles).

underthesea: `underthesea.ner(text)` with its default model, a CRF that ships inside the package
(`ner_crf_2017_10_12.bin`) and runs offline. `ner(text, deep=True)` loads a transformer from the Hugging
Face hub at run time (and needs `transformers`), which is not allowed here: it is not measured. Labels map
PER -> PERSON, ORG -> ORGANIZATION, LOC -> LOCATION; MISC is dropped. Its B-/I- spans are then given the
benefit of the doubt: honorifics in front are dropped, the paper's abbreviations expanded and inline
definitions `(LĐLĐ)` removed, and the span is put through our own canonicaliser (our extractor run on the
span alone; its row of the same type that covers most of the span gives the canonical name, so that
`LĐLĐ Thành phố` scores as `Liên đoàn Lao động thành phố Hà Nội` and `Cầu Giấy` as `quận Cầu Giấy`).

Timing: milliseconds per article, median over three passes after a warm-up (underthesea's model load and
our gazetteer load are not counted).

Exits 1 when ours misses a target: F1 >= 0.85, at least 0.30 above underthesea, <= 5 ms per article.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from laodongthudo.entities import extract_entities  # noqa: E402
from laodongthudo.entities.abbreviations import ABBREVIATIONS  # noqa: E402
from laodongthudo.entities.extractor import paragraphs  # noqa: E402
from laodongthudo.textnorm import clean_text  # noqa: E402
from tests.entities_scoring import Score, entity_key, load_gold  # noqa: E402

LABELS = {"PER": "PERSON", "ORG": "ORGANIZATION", "LOC": "LOCATION"}
HONORIFIC = re.compile(r"^(?:ông|bà|đồng chí|anh|chị|cô|thầy)\s+", re.IGNORECASE)
DEFINITION = re.compile(r"\s*\([A-ZĐ&]{2,}\)")
ABBR = re.compile(r"\b(" + "|".join(sorted(map(re.escape, ABBREVIATIONS), key=len, reverse=True)) + r")\b")


def ours(doc: dict) -> list[dict]:
    return extract_entities(doc["title"], doc["sapo"], doc["body"], doc["captions"], doc.get("author"))


def _spans(tagged: list[tuple]) -> list[tuple[str, str]]:
    spans: list[tuple[str, list[str]]] = []
    for word, _pos, _chunk, tag in tagged:
        if tag.startswith("B-") or (tag.startswith("I-") and (not spans or spans[-1][0] != tag[2:])):
            spans.append((tag[2:], [word]))
        elif tag.startswith("I-"):
            spans[-1][1].append(word)
        else:
            spans.append(("O", []))
    return [(label, " ".join(words)) for label, words in spans if label in LABELS and words]


def canonical(type_: str, text: str) -> str:
    """The benefit of the doubt: the span as our own canonicaliser would name it."""
    text = DEFINITION.sub("", HONORIFIC.sub("", clean_text(text)))
    expanded = ABBR.sub(lambda m: ABBREVIATIONS[m.group(1)], text)
    best, covered = expanded, 0
    for entity in extract_entities(None, None, text):
        if entity["type"] != type_:
            continue
        size = max(len(a) for a in entity["aliases"])
        if size > covered:
            best, covered = entity["name"], size
    return best


def underthesea_entities(ner: Callable, doc: dict) -> list[dict]:
    rows: dict[tuple[str, str], dict] = {}
    for segment in paragraphs(doc["title"], doc["sapo"], doc["body"], doc["captions"]):
        for label, text in _spans(ner(segment)):
            row = {"type": LABELS[label], "name": canonical(LABELS[label], text)}
            rows.setdefault(entity_key(row), row)
    return list(rows.values())


def raw_underthesea(ner: Callable, doc: dict) -> None:
    for segment in paragraphs(doc["title"], doc["sapo"], doc["body"], doc["captions"]):
        ner(segment)


def timed(fn: Callable[[dict], object], docs: list[dict]) -> float:
    for doc in docs:
        fn(doc)  # warm-up
    times = []
    for _ in range(3):
        for doc in docs:
            start = time.perf_counter()
            fn(doc)
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def score(docs: list[dict], predict: Callable[[dict], list[dict]], type_: str | None = None) -> Score:
    s = Score()
    for doc in docs:
        gold = [e for e in doc["entities"] if type_ is None or e["type"] == type_]
        got = [e for e in predict(doc) if type_ is None or e["type"] == type_]
        s.add(doc["id"], gold, got)
    return s


def main() -> int:
    docs = load_gold()
    held_out = [d for d in docs if d.get("heldout")]
    try:
        from underthesea import ner
    except ImportError:  # pragma: no cover - the benchmark peer is optional
        ner = None

    cache: dict[str, list[dict]] = {}

    def theirs(doc: dict) -> list[dict]:
        if doc["id"] not in cache:
            cache[doc["id"]] = underthesea_entities(ner, doc)
        return cache[doc["id"]]

    systems: list[tuple[str, Callable[[dict], list[dict]], float | None]] = [
        ("ours (rules + vietnamadminunits)", ours, timed(ours, docs))
    ]
    if ner is not None:
        systems.append(("underthesea 9.5 `ner` (bundled CRF)", theirs, timed(lambda d: raw_underthesea(ner, d), docs)))

    print(f"Entity extraction on {len(docs)} gold articles ({len(held_out)} held out from development), ")
    print(f"{sum(len(d['entities']) for d in docs)} gold entities. Match: type + canonical name after match_key.\n")
    print("| system | P | R | F1 | F1 PERSON | F1 ORG | F1 LOC | role acc. | F1 held-out | ms/article (median) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    results = {}
    for name, predict, ms in systems:
        s = score(docs, predict)
        per_type = [score(docs, predict, t).f1 for t in ("PERSON", "ORGANIZATION", "LOCATION")]
        held = score(held_out, predict).f1 if held_out else float("nan")
        role = f"{s.role_accuracy:.2f}" if predict is ours else "n/a"
        results[name] = (s, ms)
        print(
            f"| {name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | "
            + " | ".join(f"{f:.3f}" for f in per_type)
            + f" | {role} | {held:.3f} | {ms:.2f} |"
        )
    print()
    if ner is None:
        print("underthesea is not installed: no comparison.")
    print(
        "underthesea `ner(..., deep=True)` (transformer) is not measured: it downloads its model from the "
        "Hugging Face hub at run time, which this project does not allow."
    )
    our_score, our_ms = results[systems[0][0]]
    misses = [m for m in our_score.misses]
    if misses:
        print("\nOur misses:")
        for article, kind, what in misses:
            print(f"- {article}: {kind} {what}")
    failed = []
    if our_score.f1 < 0.85:
        failed.append(f"F1 {our_score.f1:.3f} < 0.85")
    if our_ms > 5:
        failed.append(f"{our_ms:.2f} ms per article > 5")
    if len(systems) > 1:
        their_score = results[systems[1][0]][0]
        if our_score.f1 - their_score.f1 < 0.3:
            failed.append(f"F1 only {our_score.f1 - their_score.f1:.3f} above underthesea (< 0.30)")
    if failed:
        print("\nTARGET MISSED: " + "; ".join(failed))
        return 1
    print("\nAll targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
