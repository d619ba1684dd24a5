"""Every stored string through `textnorm.clean_text`; kicker out of the title; `(LĐTĐ)` out of the sapo.

Decisions:
- The kicker is stored *without* its trailing colon ("Cụm thi đua số 2 LĐLĐ Thành phố năm 2019"): the colon
  is the typography that joins it to the title on the page, not part of the label; a reader shows
  `f"{kicker}: {title}"`.
- A title that starts with the kicker set apart by a colon, dash or bar loses it and the separator; a title whose
  first words only repeat the kicker's keeps them (they are its subject).
- Tone-mark placement is kept as published ("hòa" stays "hòa"); only `title_key` folds it away.
- `body_html` only gets Unicode NFC: collapsing spaces in markup would glue inline elements together.
"""

from __future__ import annotations

import re
import unicodedata

from itemadapter import ItemAdapter

from laodongthudo.textnorm import clean_text, drop_dateline, match_key, title_key

_KICKER_END = re.compile(r"[\s:：\-–—|]+$")
_TITLE_JOIN = re.compile(r"^[\s:：\-–—|]+")


def clean_kicker(kicker: str | None) -> str | None:
    return _KICKER_END.sub("", clean_text(kicker)) or None


def title_without_kicker(title: str | None, kicker: str | None) -> str | None:
    """The title, minus a leading copy of the kicker (compared case-, form- and tone-insensitively)."""
    title = clean_text(title)
    if not title:
        return None
    if kicker:
        # Compare word by word on match keys, so that NFD or a different tone placement still matches.
        kicker_words = match_key(kicker).split()
        title_words = title.split(" ")
        if kicker_words and len(title_words) > len(kicker_words):
            head = [match_key(w) for w in title_words[: len(kicker_words)]]
            last_word = title_words[len(kicker_words) - 1]
            head[-1] = _KICKER_END.sub("", head[-1])
            tail = " ".join(title_words[len(kicker_words) :])
            # Only a kicker the title sets apart (a colon, dash or bar after it) is a copy of the kicker; the
            # same words running on into the sentence are the title's own subject.
            joined = bool(_KICKER_END.search(last_word)) or bool(_TITLE_JOIN.match(tail))
            if head == kicker_words and joined:
                rest = _TITLE_JOIN.sub("", tail)
                if rest:
                    return rest
    return title


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for value in values:
        key = match_key(value)
        if value and key not in seen:
            seen.add(key)
            out.append(value)
    return out


def clean_body(body: str | None) -> str:
    """Each paragraph cleaned; empty ones dropped; paragraphs joined by exactly one blank line."""
    if not body:
        return ""
    paragraphs = (clean_text(p) for p in re.split(r"\n\s*\n", body))
    return "\n\n".join(p for p in paragraphs if p)


class NormalizeTextPipeline:
    def process_item(self, item, spider=None):
        adapter = ItemAdapter(item)
        kicker = clean_kicker(adapter.get("kicker"))
        adapter["kicker"] = kicker
        adapter["title"] = title_without_kicker(adapter.get("title"), kicker)
        adapter["sapo"] = drop_dateline(adapter.get("sapo")) or None
        adapter["author"] = clean_text(adapter.get("author")) or None
        adapter["tags"] = _unique([clean_text(t) for t in adapter.get("tags") or []])
        adapter["body"] = clean_body(adapter.get("body"))
        if adapter.get("body_html"):
            adapter["body_html"] = unicodedata.normalize("NFC", adapter["body_html"])
        adapter["images"] = [
            {"src": image["src"], "caption": clean_text(image.get("caption")) or None}
            for image in adapter.get("images") or []
        ]
        adapter["related"] = [
            {"url": link["url"], "title": clean_text(link["title"])}
            for link in adapter.get("related") or []
            if clean_text(link.get("title"))
        ]
        adapter["title_key"] = title_key(adapter["title"]) or None
        return item
