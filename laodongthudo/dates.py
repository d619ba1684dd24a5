"""Publication and event dates of an article, in Hanoi time.

dateparser does the parsing. What its Vietnamese data gets wrong (checked in tests/test_dates.py against
dateparser 1.5) is fixed by one small pre-normaliser that removes the words a date on this site carries
around it, so that dateparser only ever sees `dd/mm/yyyy [HH:MM]`:

- weekday names: "Thứ năm 05/12/2019" (no comma) gives nothing, because "năm" is also the word for year;
  abbreviations ("T5", "Th5") give nothing, or alone a day of the *current* month ("T5" -> the 5th);
- time-of-day words: "Chiều 27/11", "Sáng 18/1/2020", "Tối ..." give nothing;
- "16h20" (the press's way of writing 16:20) gives nothing; a label such as "Cập nhật:" gives nothing.

A publication date needs day, month and year in the text: nothing is ever completed from today's date.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta

from dateparser.date import DateDataParser

from laodongthudo.textnorm import clean_text
from laodongthudo.timezone import HANOI

# What the pre-normaliser leaves on this site's pages; dateparser tries these with strptime before its full
# (about 50 times slower) language-aware parse, which still reads anything else.
_PRENORMALISED_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%H:%M %d/%m/%Y")

# Words that stand around a date on this site and that dateparser's `vi` data mishandles. One list per
# kind; the pre-normaliser is the single alternation built from them.
_WEEKDAYS = (
    r"thứ\s*(?:hai|ba|tư|năm|sáu|bảy|[2-7])",  # Thứ năm / Thứ 5 / thứ5
    r"chủ\s*nhật",
    r"th?\.?\s*[2-7]",  # T5, Th5, T.5
    r"cn",
)
_TIMES_OF_DAY = (r"sáng", r"trưa", r"chiều", r"tối", r"đêm", r"khuya")
# "Sáng nay (4/11)", "Ngày 24/12", "hôm qua", "vào lúc": filler around an event date in a sapo's opening.
_FILLERS = (r"ngày", r"hôm", r"nay", r"qua", r"vào", r"lúc", r"cập\s+nhật", r"đăng\s+lúc", r"đăng\s+ngày")
_UTC_OFFSET = r"\(?\s*(?:gmt|utc)\s*\+\s*0?7(?::?00)?\s*\)?"  # the site only ever says GMT+7, Hanoi time

_NOISE = re.compile(
    r"(?<!\w)(?:" + "|".join((_UTC_OFFSET, *_WEEKDAYS, *_TIMES_OF_DAY, *_FILLERS)) + r")(?!\w)",
    re.IGNORECASE,
)
# Separators between the parts: "|", " - ", ",", ":" after a label, parentheses. A "-" inside a date
# (2019-12-05, 05-12-2019) has no spaces around it and stays.
_SEPARATORS = re.compile(r"\s[-–—]\s|[|,;()]|:(?!\d)|^[-–—]|[-–—]$")
_HOUR_H = re.compile(r"\b(\d{1,2})\s*[hg]\s*(\d{2})\b", re.IGNORECASE)  # 16h20 / 16g20 -> 16:20
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_DAY_MONTH = re.compile(r"^(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})(?:[/.-](?P<y>\d{4}))?$")


def prenormalise(text: str) -> str:
    """The date as dateparser reads it right: weekday, time-of-day words, GMT+7 and separators removed."""
    text = clean_text(text)
    text = _HOUR_H.sub(r"\1:\2", text)
    text = _NOISE.sub(" ", text)
    text = _SEPARATORS.sub(" ", text)
    return clean_text(text)


@functools.cache
def _parser() -> DateDataParser:
    # Built once: dateparser's language loading is slow, and every item needs the same settings.
    return DateDataParser(
        languages=["vi"],
        settings={
            "DATE_ORDER": "DMY",
            "REQUIRE_PARTS": ["day", "month", "year"],  # never complete a date from today
            "PREFER_DAY_OF_MONTH": "first",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )


def _in_hanoi(value: datetime) -> datetime:
    # Naive times on this site are Hanoi wall-clock times; aware ones are converted.
    if value.tzinfo is None:
        return value.replace(tzinfo=HANOI)
    return value.astimezone(HANOI)


def parse_datetime(text: str | None) -> datetime | None:
    """One date string of the page as an aware Hanoi datetime, or None when it names no full date."""
    if not text:
        return None
    raw = clean_text(text)
    if _ISO.match(raw):
        # article:published_time / JSON-LD datePublished: the standard library reads ISO 8601 exactly.
        try:
            return _in_hanoi(datetime.fromisoformat(raw.replace(" ", "T")))
        except ValueError:
            return None
    cleaned = prenormalise(raw)
    if not cleaned or not any(ch.isdigit() for ch in cleaned):
        return None
    parsed = _parser().get_date_data(cleaned, date_formats=_PRENORMALISED_FORMATS).date_obj
    return _in_hanoi(parsed) if parsed is not None else None


# The paper's archive starts in the 2000s; a later date than tomorrow is a typo on the page, not a date.
EARLIEST_PUBLICATION = datetime(2000, 1, 1, tzinfo=HANOI)


def published_at(date_texts: list[str] | tuple[str, ...] | None, now: datetime | None = None) -> datetime | None:
    """The first of the page's date strings (most trusted first) that parses to a plausible publication time."""
    latest = (now or datetime.now(HANOI)) + timedelta(days=1)
    for text in date_texts or ():
        parsed = parse_datetime(text)
        if parsed is not None and EARLIEST_PUBLICATION <= parsed <= latest:
            return parsed
    return None


_OPENING_END = re.compile(r"[,.;:!?](?!\d)")


def event_date(sapo: str | None, published: datetime | date | None) -> date | None:
    """The day the sapo's opening names ("Chiều 27/11, ...", "Sáng nay (4/11), ..."), or None.

    Only a date that opens the sapo counts: the opening is everything before the first comma or full stop;
    once the time-of-day and filler words are gone it must start with the date, and be nothing else unless
    it began with such a word ("Sáng 18/1 tại ..." names a day, "2/3 số đoàn viên ..." does not). Without a year, the
    year is the one that puts the day nearest the publication date (an event on 30/12 reported on 2/1
    belongs to the year before); without a publication date there is no year to give, so None.
    """
    if not sapo:
        return None
    opening = _OPENING_END.split(clean_text(sapo), maxsplit=1)[0]
    words = prenormalise(opening).split(" ", 1)
    match = _DAY_MONTH.match(words[0])
    # The date must be the whole opening ("Chiều 27/11, ..."), or follow a time-of-day word when the
    # opening runs on without a comma ("Sáng 18/1 tại ..."): "2/3 số đoàn viên ..." is a fraction.
    if not match or (len(words) > 1 and not _NOISE.match(opening)):
        return None
    day, month = int(match["d"]), int(match["m"])
    if match["y"]:
        try:
            return date(int(match["y"]), month, day)
        except ValueError:
            return None
    if published is None:
        return None
    pub = published.date() if isinstance(published, datetime) else published
    candidates = []
    for year in (pub.year - 1, pub.year, pub.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:  # 29/2 outside a leap year, 31/4
            continue
    if not candidates:
        return None
    return min(candidates, key=lambda d: (abs(d - pub), d > pub))
