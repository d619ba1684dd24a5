"""The invariants strip_related's shortcuts rely on, each against the plain form it replaces (hypothesis).

- `_has_text(t)` is `bool(clean_text(t))`, mostly without cleaning;
- `title_key` never loses an ASCII letter or digit, so a text with more of them than a key cannot have that key
  (what lets `_headings` and the title check rule out long texts by counting);
- `_headings`' bottom-up pass finds what the plain definition finds: the innermost elements whose whole text is a
  heading;
- `_inner_html`'s one serialisation of the root is the serialisation of its children, one by one.
"""

from __future__ import annotations

import lxml.html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laodongthudo.textnorm import clean_text, title_key
from pipelines.strip_related import (
    _BOX_ALNUM,
    _ascii_alnum_count,
    _has_text,
    _headings,
    _inner_html,
    _is_box_heading,
    _parse,
)

# Characters that matter to cleaning and keying: spaces of every kind, zero-width ones, Vietnamese letters in
# composed and decomposed form, ASCII, digits, punctuation.
ODD = "\u00a0\u2009\u200b\u200c\u200d\ufeff\t\n \u3000"
VIETNAMESE = "Đđăâêôơưàáạảãầấậẩẫèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹ\u0300\u0301\u0303\u0309\u0323"
TEXT = st.text(alphabet=st.sampled_from(list(ODD + VIETNAMESE + "aAzZ09:.-–()“”…")), max_size=40)
BOX_WORDS = ["Có thể bạn quan tâm", "Nên xem", "Tin khác", "Xem thêm", "Đọc nhiều", "Tin khác:", "x"]


@given(TEXT)
def test_has_text_is_clean_texts_truth(text: str) -> None:
    assert _has_text(text) == bool(clean_text(text))


@given(TEXT)
def test_title_key_keeps_every_ascii_letter_and_digit(text: str) -> None:
    assert _ascii_alnum_count(title_key(text)) >= _ascii_alnum_count(text)


def _fragment(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["text", "box", "element"] if depth < 3 else ["text", "box"]))
        if kind == "text":
            parts.append(draw(TEXT).replace("<", " ").replace("&", " "))
        elif kind == "box":
            parts.append(draw(st.sampled_from(BOX_WORDS)))
        else:
            tag = draw(st.sampled_from(["div", "p", "span", "strong", "h3", "a", "li"]))
            parts.append(f"<{tag}>{_fragment(draw, depth + 1)}</{tag}>")
    return "".join(parts)


@st.composite
def bodies(draw: st.DrawFn) -> str:
    return _fragment(draw)


def plain_headings(root) -> list:
    """The definition: innermost elements (below the root) that are headings by their whole text."""
    found = [
        el
        for el in root.iter()
        if isinstance(el.tag, str) and el is not root and _is_box_heading(el, el.text_content())
    ]
    return [el for el in found if not any(child in found for child in el.iterdescendants())]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies())
def test_the_bottom_up_heading_pass_finds_what_the_definition_finds(html: str) -> None:
    root = _parse(html)
    if root is None:
        return
    assert _headings(root, _is_box_heading, _BOX_ALNUM) == plain_headings(root)


@settings(max_examples=300, deadline=None)
@given(bodies())
def test_one_serialisation_of_the_root_is_its_childrens(html: str) -> None:
    root = _parse(html)
    if root is None:
        return
    children = (root.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in root if isinstance(child.tag, str)
    )
    assert _inner_html(root) == children
