"""Terms of office, editions and years ("nhiệm kỳ 2019 - 2024", "lần thứ XIV", "2024"): they end an
organisation's name, and a role drops them."""

from __future__ import annotations

from collections.abc import Callable

from laodongthudo.entities.segment import Segment
from laodongthudo.entities.tokens import DASHES, Tok, longest_match

ROMAN_DIGITS = frozenset("IVXLC")


def _is_year(tok: Tok) -> bool:
    return len(tok.text) == 4 and tok.text.isdigit() and 1900 <= int(tok.text) <= 2099


def term_end(seg: Segment, i: int) -> int | None:
    """End of the term, edition or year that starts at token i; None when none does."""
    hit = longest_match(seg.vocab.term_openers, seg.keys, i)
    if hit:
        ordinals = seg.vocab.ordinals

        def is_number(tok: Tok) -> bool:
            roman = tok.text.isupper() and set(tok.text) <= ROMAN_DIGITS
            return tok.text.isdigit() or roman or tok.key in ordinals

        return _numbers_end(seg, hit[0], is_number)
    if i < seg.n and _is_year(seg.toks[i]):
        return _numbers_end(seg, i, _is_year)
    return None


def _numbers_end(seg: Segment, j: int, is_number: Callable[[Tok], bool]) -> int:
    """After "nhiệm kỳ"/"lần thứ" (or at a year): a number, or two joined by a dash ("2019 - 2024")."""
    if j >= seg.n or not is_number(seg.toks[j]):
        return j
    j += 1
    if j + 1 < seg.n and seg.toks[j].text in DASHES and is_number(seg.toks[j + 1]):
        j += 2
    return j
