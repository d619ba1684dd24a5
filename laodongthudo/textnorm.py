"""Vietnamese text normalisation shared by every pipeline: the one place these rules live.

- `clean_text`: what every stored string goes through (NFC, odd spaces, collapsed whitespace).
- `match_key`: case-, Unicode-form- and tone-placement-insensitive key (entities, aliases).
- `title_key`: additionally accent- and punctuation-free, for finding one story under small edits.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Zero-width characters the CMS leaves in text (soft hyphen included): deleted. Its odd spaces (no-break,
# en/em/thin, narrow no-break, ideographic) are Unicode whitespace: splitting on whitespace makes them plain spaces.
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]+")

# The five Vietnamese tone marks as combining characters (grave, acute, tilde, hook above, dot below).
# Vowel-quality marks (circumflex, breve, horn) are not tones and stay where they are.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_WORD = re.compile(r"\w+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# The dateline marker that opens recent sapos: "(LĐTĐ) Ngày 24/12, ..." (also "(LĐTĐ) - ", "(LĐTĐ):").
_DATELINE = re.compile(r"^\(\s*LĐTĐ\s*\)\s*[-–—:]?\s*", re.IGNORECASE)


def clean_text(text: str | None) -> str:
    """NFC, odd and zero-width spaces removed, whitespace runs collapsed, trimmed."""
    if not text:
        return ""
    text = _ZERO_WIDTH.sub("", unicodedata.normalize("NFC", text))
    # str.split() splits on what `\s` matches (str.isspace), at a fraction of a regex's cost.
    return " ".join(text.split())


def drop_dateline(text: str | None) -> str:
    """Cleaned text without the leading `(LĐTĐ)` dateline marker of recent sapos."""
    return _DATELINE.sub("", clean_text(text))


@functools.lru_cache(maxsize=32768)  # Vietnamese has a few thousand syllables; keys are built for every word
def _tone_to_word_end(word: str) -> str:
    # "hoà" (new style) and "hòa" (old style) differ only in where the tone sits: moving every tone
    # mark to the end of its syllable gives both the same key, and keeps which tone it was.
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(ch for ch in decomposed if ch in _TONES)
    if not tones:
        return word
    return "".join(ch for ch in decomposed if ch not in _TONES) + tones


def match_key(text: str | None) -> str:
    """Key for matching names: folds case, Unicode form and tone-mark placement, nothing else."""
    text = clean_text(text).lower()
    return unicodedata.normalize("NFC", _WORD.sub(lambda m: _tone_to_word_end(m.group()), text))


class _WithoutCombining(dict[int, int | None]):
    """str.translate table deleting combining characters, filled in as code points are met."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_DROP_COMBINING = _WithoutCombining({ord("đ"): ord("d"), ord("Đ"): ord("D")})


def strip_accents(text: str) -> str:
    """Drop every diacritic (đ becomes d)."""
    # đ has no decomposition, so the table maps it; NFD splits every other accent off as a combining mark.
    return unicodedata.normalize("NFD", text).translate(_DROP_COMBINING)


def title_key(text: str | None) -> str:
    """Lowercase, accent-free, punctuation-free key of a title."""
    return _NON_ALNUM.sub(" ", strip_accents(clean_text(text)).lower()).strip()
