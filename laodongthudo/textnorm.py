"""Vietnamese text normalisation shared by every pipeline: the one place these rules live.

- `clean_text`: what every stored string goes through (NFC, odd spaces, collapsed whitespace).
- `match_key`: case-, Unicode-form- and tone-placement-insensitive key (entities, aliases).
- `title_key`: additionally accent- and punctuation-free, for finding one story under small edits.
"""

from __future__ import annotations

import re
import unicodedata

# Non-breaking, zero-width and other odd spaces the CMS leaves in text.
_ODD_SPACES = dict.fromkeys(
    map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"),
    " ",
)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_WS = re.compile(r"\s+")

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
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH).translate(_ODD_SPACES)
    return _WS.sub(" ", text).strip()


def drop_dateline(text: str | None) -> str:
    """Cleaned text without the leading `(LĐTĐ)` dateline marker of recent sapos."""
    return _DATELINE.sub("", clean_text(text))


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


def strip_accents(text: str) -> str:
    """Drop every diacritic (đ becomes d)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def title_key(text: str | None) -> str:
    """Lowercase, accent-free, punctuation-free key of a title."""
    return _NON_ALNUM.sub(" ", strip_accents(clean_text(text)).lower()).strip()
