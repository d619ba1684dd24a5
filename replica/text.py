"""Small text helpers shared by the generator and the renderer (no crawler imports: independent equipment)."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

WEEKDAYS_WORD = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
WEEKDAYS_DIGIT = ("Thứ 2", "Thứ 3", "Thứ 4", "Thứ 5", "Thứ 6", "Thứ 7", "Chủ nhật")


def strip_accents(text: str) -> str:
    """Vietnamese without diacritics; đ/Đ are letters of their own, not accented d."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def alt_text(title: str) -> str:
    """What the CMS puts in a body image's `alt`: the title lowercased, unaccented, no punctuation."""
    return " ".join(re.findall(r"[a-z0-9]+", strip_accents(title).lower()))


def slugify(title: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", strip_accents(title).lower()))


def dmy(when: datetime) -> str:
    return when.strftime("%d/%m/%Y")


def hm(when: datetime) -> str:
    return when.strftime("%H:%M")


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 has base letters with some marks but tones only as combining characters."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        # Compose the base with whichever mark cp1258 has precomposed (ê, ơ, ư, ...), keep the tone combining.
        candidates = [unicodedata.normalize("NFC", base + m) + marks.replace(m, "", 1) for m in marks]
        for candidate in [*candidates, parts]:
            try:
                out += candidate.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            out += f"&#{ord(ch)};".encode("ascii")
    return bytes(out)


def image_src(editor: str, when: datetime, filename: str) -> str:
    """MasterCMS image URL: /stores/news_dataimages/<editor>/<MMYYYY>/<DD>/<HH>/<file>?rt=<timestamp>."""
    return f"/stores/news_dataimages/{editor}/{when:%m%Y}/{when:%d}/{when:%H}/{filename}?rt={when:%Y%m%d%H%M%S}"
