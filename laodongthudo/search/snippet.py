"""A result's snippet: the words around the first place the query matches, each query word marked.

Built here from the few rows shown rather than by the database (FTS5's snippet() runs the MATCH again over
every matching article; PostgreSQL's ts_headline parses every body again), and the same on both databases.
Query words are found in the original (NFC) text, diacritics and case aside: each letter becomes the class of
its accented forms, so the text is never folded and positions stay the text's own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from laodongthudo.textnorm import strip_accents

_VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậ" "eèéẻẽẹêềếểễệ" "iìíỉĩị" "oòóỏõọôồốổỗộơờớởỡợ" "uùúủũụưừứửữự" "yỳýỷỹỵ" "dđ"
)  # fmt: skip


def fold(text: str) -> str:
    """Diacritics, đ and case removed, as both indexes read the text."""
    return strip_accents(text).lower()


def _letter_classes() -> dict[str, str]:
    forms: dict[str, set[str]] = {}
    for letter in _VIETNAMESE:  # stored text is NFC (textnorm.clean_text): one character per letter
        forms.setdefault(fold(letter), set()).update((letter, letter.upper()))
    return {base: "[" + "".join(sorted(variants)) + "]" for base, variants in forms.items()}


_CLASSES = _letter_classes()


def _word_pattern(word: str) -> str:
    # Explicit case classes, not re.I: a pattern that opens with a plain character class is searched much faster.
    return "".join(_CLASSES.get(c, f"[{c}{c.upper()}]" if c.isalpha() else re.escape(c)) for c in fold(word))


class _Words:
    """Where some words (alternatives) or one phrase occur in a text, as whole words."""

    def __init__(self, body: str) -> None:
        # A leading \b would be tried at every position of a long body: the start is checked by hand instead.
        self.ending = re.compile(rf"(?:{body})\b")
        self.whole = re.compile(rf"\b(?:{body})\b")

    def search(self, text: str) -> re.Match[str] | None:
        for match in self.ending.finditer(text):
            start = match.start()
            if start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_"):
                return match
        return None


class Snippets:
    """Snippets for one query: the phrase to look for first (its words, may be empty) and the words to mark."""

    def __init__(self, phrase: Sequence[str], words: Sequence[str], size: int, highlight: tuple[str, str]) -> None:
        folded = sorted({fold(w) for w in words if w}, key=len, reverse=True)
        self.anchor = _Words(r"[\W_]+".join(_word_pattern(w) for w in phrase)) if phrase else None
        self.marks = _Words("|".join(map(_word_pattern, folded))) if folded else None
        self.size = max(size, 1)
        opened, closed = highlight
        self.mark = lambda m: f"{opened}{m.group(0)}{closed}"

    def make(self, texts: Sequence[str | None]) -> str:
        """About `size` words of the first text where the phrase (else any word) occurs, around that place,
        every query word marked, and "…" where the text was cut. No match: the first text's opening words."""
        found = next(((t, m) for p in (self.anchor, self.marks) if p for t in texts if t and (m := p.search(t))), None)
        if found is None:
            first = next((t for t in texts if t), "")
            return " ".join(first.split()[: self.size])
        text, at = found
        # Words are short: a few hundred characters either side hold the window, whatever the text's length.
        reach = 12 * self.size + 64
        start = at.start()
        before = text[max(start - reach, 0) : start].split()
        keep_before = min(len(before), self.size // 3)
        following = text[start : start + reach].split()
        after = following[: self.size - keep_before]
        window = " ".join([*before[len(before) - keep_before :], *after])
        if self.marks is not None:
            window = self.marks.whole.sub(self.mark, window)
        cut_before = len(before) > keep_before or start > reach
        cut_after = len(following) > len(after) or start + reach < len(text)
        return ("…" if cut_before else "") + window + ("…" if cut_after else "")
