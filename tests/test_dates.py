"""Publication and event dates: dateparser's known misreadings, the pre-normaliser, the pipeline."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import dateparser
import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from laodongthudo import dates
from laodongthudo.dates import HANOI, event_date, parse_datetime, prenormalise, published_at
from laodongthudo.items import Article
from pipelines.dates import DatesPipeline

VI = {"languages": ["vi"], "settings": {"DATE_ORDER": "DMY"}}


def hanoi(*args: int) -> datetime:
    return datetime(*args, tzinfo=HANOI)


# --- What dateparser 1.5 gets wrong on its own: the reasons for the pre-normaliser. --------------------


@pytest.mark.parametrize(
    "text",
    [
        "Thứ năm 05/12/2019 16:20",  # no comma: "năm" is also the word for "year"
        "T5, 05/12/2019 16:20",  # weekday abbreviation
        "Th5, 05/12/2019",
        "Chiều 27/11/2019",  # time-of-day word
        "Sáng 18/1/2020",
        "Tối 18/01/2020 20:00",
        "05/12/2019 16h20",  # the press's hour notation
        "Cập nhật: 05/12/2019 16:20",  # a label
    ],
)
def test_dateparser_alone_reads_nothing(text: str) -> None:
    assert dateparser.parse(text, **VI) is None


def test_dateparser_alone_completes_a_bare_weekday_from_today() -> None:
    # "T5" (Thursday) comes back as the 5th of the current month: a guess from now, never acceptable.
    parsed = dateparser.parse("T5", **VI)
    assert parsed is not None and parsed.day == 5 and parsed.year == datetime.now().year


def test_dateparser_alone_completes_a_year_from_today() -> None:
    assert dateparser.parse("27/11", **VI).year == datetime.now().year


def test_dateparser_reads_zero_padded_months_right() -> None:
    # Checked, not assumed: with DATE_ORDER=DMY, zero-padded months read right; no workaround needed.
    assert dateparser.parse("05/01/2019 16:20", **VI) == datetime(2019, 1, 5, 16, 20)
    assert dateparser.parse("Thứ năm, 05/12/2019 - 16:20", **VI) == datetime(2019, 12, 5, 16, 20)


# --- The pre-normaliser. --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Thứ năm, 05/12/2019 - 16:20", "05/12/2019 16:20"),
        ("Thứ năm 05/12/2019 16:20", "05/12/2019 16:20"),
        ("Thứ 5, 05/12/2019", "05/12/2019"),
        ("T5, 05/12/2019 16:20", "05/12/2019 16:20"),
        ("CN, 08/12/2019 - 07:05", "08/12/2019 07:05"),
        ("Chủ nhật, 08/12/2019 - 07:05", "08/12/2019 07:05"),
        ("05/12/2019 | 16:20 GMT+7", "05/12/2019 16:20"),
        ("Thứ Sáu, 12/08/2022 | 15:40 (GMT+07:00)", "12/08/2022 15:40"),
        ("16:20 | 25/12/2022", "16:20 25/12/2022"),
        ("Chiều 27/11", "27/11"),
        ("Sáng nay (4/11)", "4/11"),
        ("Cập nhật: 9h05 06/01/2020", "9:05 06/01/2020"),
        ("2019-12-05", "2019-12-05"),  # a "-" inside a date is not a separator
    ],
)
def test_prenormalise(raw: str, expected: str) -> None:
    assert prenormalise(raw) == expected


def test_prenormalise_reads_nfd_and_nbsp() -> None:
    import unicodedata

    assert prenormalise(unicodedata.normalize("NFD", "Thứ\u00a0năm,\u00a005/12/2019 - 16:20")) == "05/12/2019 16:20"


# --- Publication dates. ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25/12/2022 09:15", hanoi(2022, 12, 25, 9, 15)),
        ("09:15 25/12/2022", hanoi(2022, 12, 25, 9, 15)),
        ("25/12/2022 | 09:15", hanoi(2022, 12, 25, 9, 15)),
        ("Thứ năm, 05/12/2019 - 16:20", hanoi(2019, 12, 5, 16, 20)),
        ("Thứ năm 05/12/2019 16:20", hanoi(2019, 12, 5, 16, 20)),
        ("T5, 05/12/2019 - 16:20", hanoi(2019, 12, 5, 16, 20)),
        ("CN, 08/03/2020 - 07:05", hanoi(2020, 3, 8, 7, 5)),
        ("05/12/2019 | 16:20 GMT+7", hanoi(2019, 12, 5, 16, 20)),
        ("Thứ hai, 06/01/2020 - 9h05", hanoi(2020, 1, 6, 9, 5)),
        ("05/12/2019", hanoi(2019, 12, 5)),
        ("2022-12-25T09:15:00+07:00", hanoi(2022, 12, 25, 9, 15)),
        ("2022-12-25T02:15:00Z", hanoi(2022, 12, 25, 9, 15)),  # UTC, converted
        ("2022-12-25T09:15:00", hanoi(2022, 12, 25, 9, 15)),  # naive ISO: Hanoi wall clock
        ("2022-12-25", hanoi(2022, 12, 25)),
    ],
)
def test_parse_datetime(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset().total_seconds() == 7 * 3600
    assert parsed.tzinfo == ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    "text", ["", "   ", "Thứ năm", "T5", "Thứ năm, 16:20", "27/11", "Chiều 27/11", "hôm nay", "2022-13-45T09:00"]
)
def test_no_full_date_is_never_completed_from_today(text: str) -> None:
    assert parse_datetime(text) is None


def test_published_at_takes_the_first_entry_that_parses() -> None:
    texts = ["Thứ năm, 16:20", "05/12/2019 16:20", "2019-12-06T08:00:00+07:00"]
    assert published_at(texts) == hanoi(2019, 12, 5, 16, 20)
    assert published_at(["", "2019-12-06T08:00:00+07:00"]) == hanoi(2019, 12, 6, 8)
    assert published_at([]) is None
    assert published_at(None) is None


def test_the_parser_object_is_built_once() -> None:
    assert dates._parser() is dates._parser()


# --- Event dates. ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sapo", "published", "expected"),
    [
        ("Chiều 27/11, thực hiện chương trình khảo sát", date(2019, 11, 27), date(2019, 11, 27)),
        ("Sáng 18/1, tại Hà Nội", date(2023, 1, 18), date(2023, 1, 18)),
        ("Ngày 24/12, Công đoàn các Khu công nghiệp", date(2022, 12, 25), date(2022, 12, 24)),
        ("Sáng nay (4/11), Tổng Liên đoàn", date(2024, 11, 4), date(2024, 11, 4)),
        ("Tối qua (1/1), đoàn viên", date(2020, 1, 2), date(2020, 1, 1)),
        ("Sáng 18/1 tại Hà Nội đã diễn ra hội nghị", date(2023, 1, 18), date(2023, 1, 18)),
        ("Sáng 31/10/2024, Ủy ban nhân dân", date(2024, 11, 1), date(2024, 10, 31)),
        # Reported after New Year: the event is in the year before.
        ("Chiều 30/12, Liên đoàn Lao động", date(2023, 1, 2), date(2022, 12, 30)),
        # Reported just before New Year about the first days of January: the year after.
        ("Ngày 2/1, đoàn công tác sẽ", date(2022, 12, 30), date(2023, 1, 2)),
    ],
)
def test_event_date(sapo: str, published: date, expected: date) -> None:
    assert event_date(sapo, published) == expected
    assert event_date(sapo, datetime.combine(published, datetime.min.time(), HANOI)) == expected


@pytest.mark.parametrize(
    "sapo",
    [
        None,
        "",
        "Mới đây, Công đoàn ngành Xây dựng Hà Nội phối hợp",
        "Ông Lê Xuân Bình thông tin, chiều 1/11, Nghiệp đoàn tổ chức",  # not the opening
        "2/3 số đoàn viên đã tham gia, theo báo cáo",  # a fraction, not a date
        "Từ ngày 29/11 đến 1/12, lễ hội diễn ra",  # a range names no single day
        "Ngày 31/4, hội nghị",  # no such day
    ],
)
def test_no_event_date(sapo: str | None) -> None:
    assert event_date(sapo, date(2024, 11, 4)) is None


def test_event_date_without_year_needs_a_publication_date() -> None:
    assert event_date("Chiều 27/11, đoàn khảo sát", None) is None
    assert event_date("Chiều 27/11/2019, đoàn khảo sát", None) == date(2019, 11, 27)


# --- The pipeline. --------------------------------------------------------------------------------------


def article(**fields) -> Article:
    return Article(url="https://laodongthudo.vn/bai-viet-1.html", article_id=1, **fields)


def test_pipeline_sets_both_dates() -> None:
    item = DatesPipeline().process_item(
        article(date_texts=["Thứ tư, 27/11/2019 - 17:45"], sapo="Chiều 27/11, thực hiện chương trình")
    )
    assert item.published_at == hanoi(2019, 11, 27, 17, 45)
    assert item.published_at.isoformat() == "2019-11-27T17:45:00+07:00"
    assert item.event_date == date(2019, 11, 27)


def test_pipeline_falls_back_to_metadata_dates() -> None:
    item = DatesPipeline().process_item(article(date_texts=["", "2021-09-14T16:05:00+07:00"], sapo="Mới đây, x"))
    assert item.published_at == hanoi(2021, 9, 14, 16, 5)
    assert item.event_date is None


@pytest.mark.parametrize("texts", [[], ["Thứ năm"], ["Chiều 27/11"]])
def test_pipeline_drops_an_undated_article_and_counts_it(texts: list[str]) -> None:
    crawler = get_crawler()
    with pytest.raises(DropItem, match="no_date"):
        DatesPipeline.from_crawler(crawler).process_item(article(date_texts=texts))
    assert crawler.stats.get_value("dropped/no_date") == 1


def test_implausible_publication_dates_are_passed_over_for_the_next_source() -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=HANOI)
    texts = ["14/12/2095 09:15", "2025-12-14T09:15:00+07:00"]
    assert published_at(texts, now=now) == datetime(2025, 12, 14, 9, 15, tzinfo=HANOI)
    assert published_at(["14/12/1995 09:15"], now=now) is None
    assert published_at(["24/11/2026 06:00"], now=now) is not None  # tomorrow morning: clocks differ
