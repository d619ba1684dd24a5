"""Search snippets (laodongthudo/search/snippet.py): where the window falls, what is marked, where it is cut."""

from __future__ import annotations

import re

import pytest

from laodongthudo.search.snippet import Snippets

BODY = (
    "Sáng 12/3, Công đoàn quận Hoàng Mai tổ chức hội nghị tổng kết. Ông Bùi Minh Tiến, Chủ tịch LĐLĐ quận Hoàng "
    "Mai, phát biểu tại hội nghị với nhiều đoàn viên công đoàn cơ sở."
)


def marked(snippet: str) -> list[str]:
    return re.findall(r"\[([^\]]+)\]", snippet)


def test_the_phrase_is_the_anchor_and_every_query_word_is_marked() -> None:
    snippet = Snippets(["bui", "minh", "tien"], ["bui", "minh", "tien"], 10, ("[", "]")).make([None, BODY])
    assert "[Bùi] [Minh] [Tiến]," in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet.strip("…").split()) == 10


def test_words_are_found_whatever_their_diacritics_and_case() -> None:
    snippet = Snippets([], ["CÔNG", "doan", "hoàng", "MAI"], 16, ("<b>", "</b>")).make([BODY])
    assert marked(snippet.replace("<b>", "[").replace("</b>", "]")) == ["Công", "đoàn", "Hoàng", "Mai"]
    assert snippet.startswith("Sáng 12/3,")  # the first match is near the start: nothing cut before it


def test_only_whole_words_are_marked() -> None:
    text = "Maison Mai Mái mai-an Ma"
    assert marked(Snippets([], ["mai"], 16, ("[", "]")).make([text])) == ["Mai", "Mái", "mai"]


def test_the_first_text_with_a_match_is_shown_else_the_first_text() -> None:
    texts = ["Không có gì", None, "Hội nghị của đoàn viên"]
    assert Snippets([], ["doan"], 16, ("[", "]")).make(texts) == "Hội nghị của [đoàn] viên"
    assert Snippets([], ["xyz"], 3, ("[", "]")).make(texts) == "Không có gì"
    assert Snippets([], ["xyz"], 3, ("[", "]")).make([None, ""]) == ""


def test_the_phrase_across_punctuation_still_anchors() -> None:
    text = "Mở đầu. " + "từ " * 40 + "Hoàng, Mai ở cuối."
    snippet = Snippets(["hoang", "mai"], ["hoang", "mai"], 6, ("[", "]")).make([text])
    assert snippet.startswith("…") and "[Hoàng], [Mai]" in snippet and snippet.endswith("cuối.")


@pytest.mark.parametrize("size", [1, 2, 16, 64])
def test_a_long_text_gives_a_window_of_the_asked_size(size: int) -> None:
    text = "chữ " * 5000 + "Tết sum vầy " + "chữ " * 5000
    snippet = Snippets(["tet", "sum", "vay"], ["tet", "sum", "vay"], size, ("[", "]")).make([text])
    assert len(snippet.strip("…").split()) == size
    assert "[Tết]" in snippet or size < 3
