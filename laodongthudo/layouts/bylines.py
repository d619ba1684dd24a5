"""How a byline looks on this site's pages: a short line of names, never a sentence.

Shared by the page parsers (a byline standing after the body element) and the strip pipeline (a byline
closing the body text).
"""

from __future__ import annotations

import re

from laodongthudo.textnorm import clean_text

# One to three names ("Hải Anh - Minh Phương"), each of two to five capitalised syllables, "N.Hoa" style
# initials allowed; nothing else (no digits, no sentence punctuation, no lowercase word).
_NAME_SEPARATORS = re.compile(r"\s+[-–—&]\s+|\s*,\s*|\s+và\s+")
BYLINE_MAX_CHARS = 60


def _name_ok(name: str) -> bool:
    syllables = name.replace(".", ". ").split()
    if not 2 <= len(syllables) <= 5:  # one capitalised word ("Hết", "PV") is too little to be sure
        return False
    for syllable in syllables:
        word = syllable[:-1] if syllable.endswith(".") and len(syllable) <= 3 else syllable
        if not (word.isalpha() and word[0].isupper()):
            return False
    # An initial must be followed by a name ("N.Hoa"), not end it ("Hoa N.").
    return not syllables[-1].endswith(".")


def is_byline(text: str | None) -> bool:
    """A short, name-like paragraph: the byline, never a sentence.

    Names only (`Đỗ Đạt`, `N.Hoa`, `Thu Hà`, `Hải Anh - Minh Phương`): at most three names, each two to
    five capitalised syllables or initials, no digits, no lowercase word, no sentence punctuation,
    at most 60 characters. A real closing sentence has lowercase words, so it never matches.
    """
    text = clean_text(text)
    if not text or len(text) > BYLINE_MAX_CHARS:
        return False
    names = _NAME_SEPARATORS.split(text)
    return 1 <= len(names) <= 3 and all(_name_ok(n) for n in names)
