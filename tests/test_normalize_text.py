"""The text-normalisation pipeline alone, on hand-made items."""

from __future__ import annotations

import unicodedata

import pytest

from laodongthudo.items import Article
from laodongthudo.textnorm import drop_dateline
from pipelines.normalize_text import (
    NormalizeTextPipeline,
    clean_body,
    clean_kicker,
    title_without_kicker,
)

NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731


def normalise(**fields) -> Article:
    item = Article(url="https://laodongthudo.vn/bai-1.html", article_id=1, **fields)
    return NormalizeTextPipeline().process_item(item)


def test_every_stored_string_is_cleaned() -> None:
    item = normalise(
        kicker=NFD("  Cụm thi đua số 2\u00a0LĐLĐ Thành phố năm 2019: "),
        title=NFD("Đạt kết quả cao từ\u00a0những nét  mới"),
        sapo=NFD("(LĐTĐ)\u00a0Chiều 27/11,  đoàn khảo sát\u200b làm việc."),
        author=" Đỗ\u00a0Đạt ",
        tags=[NFD(" Công đoàn "), "LĐLĐ\u00a0Thành phố", ""],
        body=NFD("Đoạn  một.\n\n\n\n Đoạn\u00a0hai. \n\n\u200b\n\nĐoạn ba."),
        images=[
            {"src": "https://laodongthudo.vn/a.jpg", "caption": NFD(" Ảnh:\u00a0Thu Hà ")},
            {"src": "b", "caption": " "},
        ],
        related=[{"url": "https://laodongthudo.vn/x-1.html", "title": NFD(" Tập trung\u00a0chăm lo Tết ")}],
    )
    assert item.kicker == "Cụm thi đua số 2 LĐLĐ Thành phố năm 2019"
    assert item.title == "Đạt kết quả cao từ những nét mới"
    assert item.sapo == "Chiều 27/11, đoàn khảo sát làm việc."
    assert item.author == "Đỗ Đạt"
    assert item.tags == ["Công đoàn", "LĐLĐ Thành phố"]
    assert item.body == "Đoạn một.\n\nĐoạn hai.\n\nĐoạn ba."
    assert item.images == [
        {"src": "https://laodongthudo.vn/a.jpg", "caption": "Ảnh: Thu Hà"},
        {"src": "b", "caption": None},
    ]
    assert item.related == [{"url": "https://laodongthudo.vn/x-1.html", "title": "Tập trung chăm lo Tết"}]
    for value in (item.kicker, item.title, item.sapo, item.body, item.images[0]["caption"]):
        assert unicodedata.is_normalized("NFC", value)
    assert item.title_key == "dat ket qua cao tu nhung net moi"


@pytest.mark.parametrize(
    ("title", "kicker", "expected"),
    [
        ("Cụm thi đua số 2: Đạt kết quả cao", "Cụm thi đua số 2", "Đạt kết quả cao"),
        ("Cụm thi đua số 2 - Đạt kết quả cao", "Cụm thi đua số 2", "Đạt kết quả cao"),
        (NFD("cụm thi đua số 2: Đạt kết quả cao"), "Cụm thi đua số 2", "Đạt kết quả cao"),
        ("Đạt kết quả cao", "Cụm thi đua số 2", "Đạt kết quả cao"),
        ("Hà Nội: Xuất quân Mùa hè xanh", None, "Hà Nội: Xuất quân Mùa hè xanh"),
        ("Cụm thi đua số 2", "Cụm thi đua số 2", "Cụm thi đua số 2"),  # never empty the title
        ("Cụm thi đua số 20 đạt giải", "Cụm thi đua số 2", "Cụm thi đua số 20 đạt giải"),  # whole words only
        # The kicker's words as the title's subject, not set apart: the title is whole.
        ("Công đoàn ngành Xây dựng ký kết 29 chương trình", "Công đoàn ngành Xây dựng", None),
        ("Cụm thi đua số 2 | Đạt kết quả cao", "Cụm thi đua số 2", "Đạt kết quả cao"),
    ],
)
def test_kicker_out_of_the_title(title: str, kicker: str | None, expected: str | None) -> None:
    assert title_without_kicker(title, kicker) == (expected or title)


def test_kicker_keeps_no_trailing_colon() -> None:
    assert clean_kicker("Công đoàn các Khu công nghiệp và chế xuất Hà Nội:") == (
        "Công đoàn các Khu công nghiệp và chế xuất Hà Nội"
    )
    assert clean_kicker("  :  ") is None
    assert clean_kicker(None) is None


@pytest.mark.parametrize(
    ("sapo", "expected"),
    [
        ("(LĐTĐ) Ngày 24/12, Công đoàn", "Ngày 24/12, Công đoàn"),
        ("(LĐTĐ) - Ngày 24/12, Công đoàn", "Ngày 24/12, Công đoàn"),
        (NFD("(LĐTĐ)\u00a0Ngày 24/12"), "Ngày 24/12"),
        ("( LĐTĐ ):Ngày 24/12", "Ngày 24/12"),
        ("Chiều 27/11, thực hiện (LĐTĐ)", "Chiều 27/11, thực hiện (LĐTĐ)"),  # only a leading marker
    ],
)
def test_sapo_loses_its_dateline(sapo: str, expected: str) -> None:
    assert drop_dateline(sapo) == expected


def test_tags_deduplicated_across_forms() -> None:
    item = normalise(title="T", tags=["Công đoàn", NFD("công đoàn"), "Công  đoàn", "Hà Nội"])
    assert item.tags == ["Công đoàn", "Hà Nội"]


def test_tone_placement_is_kept_as_published() -> None:
    item = normalise(title="Hòa nhập và hoà giải", body="Thuỷ lợi và thủy điện")
    assert item.title == "Hòa nhập và hoà giải"
    assert item.body == "Thuỷ lợi và thủy điện"


def test_empty_fields() -> None:
    item = normalise()
    assert (item.title, item.kicker, item.sapo, item.author, item.title_key) == (None,) * 5
    assert item.body == "" and item.tags == [] and item.images == [] and item.related == []
    assert clean_body(None) == ""


def test_related_without_a_title_is_dropped() -> None:
    item = normalise(title="T", related=[{"url": "https://laodongthudo.vn/x-1.html", "title": " \u00a0"}])
    assert item.related == []


def test_idempotent() -> None:
    once = normalise(kicker="A:", title="A: B", sapo="(LĐTĐ) Ngày 1/1, x", body="a\n\nb", tags=["x"])
    twice = NormalizeTextPipeline().process_item(once)
    assert (twice.kicker, twice.title, twice.sapo, twice.body) == ("A", "B", "Ngày 1/1, x", "a\n\nb")


def test_every_replica_title_is_the_pages_own_title_without_a_set_apart_kicker() -> None:
    from laodongthudo.extract import extract
    from laodongthudo.textnorm import clean_text
    from replica import build_site

    site = build_site(120, 1)
    compared = 0
    for truth in site.union_articles():
        response = site.respond(truth.path, 1)
        if response.status != 200 or not isinstance(response.body, bytes):
            continue
        article = extract(response.body, "https://laodongthudo.vn" + truth.path)
        assert article.title == clean_text(truth.title).replace("\xa0", " "), truth.path
        compared += 1
    assert compared > 100
