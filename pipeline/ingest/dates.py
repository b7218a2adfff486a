"""A document's publication date, from metadata values or from its dateline, as ISO ``YYYY-MM-DD``.

``parse_date_value`` reads the dates found in metadata (HTML meta tags, JSON fields, PDF/DOCX
properties): ISO 8601, ``d/m/Y``, ``ngày d tháng m năm Y``, RFC 2822, Unix epochs.
``find_dateline`` looks at the top of a text for the dateline rules of ``rules/ingest.yaml``
(``Thứ Sáu, 10/12/2021, 06:28``; ``Hà Nội, ngày 15 tháng 3 năm 2022``; ``Ngày 7-2, …``). A lead
that gives only day and month takes its year from the text: a full date with the same day and
month if there is one, else the latest year mentioned that is not a target (``đến năm 2030``)
or the end of a span (``2021-2025``). That guess is marked in ``how`` so later stages can tell.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass
from functools import cache

import regex

from pipeline.ingest.config import DatelineRule, DatelineSettings

VN_TZ = dt.timezone(dt.timedelta(hours=7))  # epochs in Vietnamese feeds are meant in local time

_ISO = regex.compile(r"^\s*(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:$|[T\s])")
_YMD = regex.compile(r"^\s*(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})\b")
_DMY = regex.compile(r"(?<!\d)(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})(?!\d)")
_WORDS = regex.compile(r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})", regex.IGNORECASE)
_EPOCH = regex.compile(r"^\s*(?P<n>\d{9,13})(?:\.\d+)?\s*$")


def make_date(y: int, m: int, d: int, settings: DatelineSettings | None = None) -> str:
    """ISO date, or "" when it is not a real date or outside the accepted years."""
    lo, hi = (settings.min_year, settings.max_year) if settings else (1900, 2100)
    if not lo <= y <= hi:
        return ""
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return ""


def parse_date_value(value: object, settings: DatelineSettings | None = None) -> str:
    """A metadata date value as ISO ``YYYY-MM-DD`` ("" when it cannot be read)."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        value = str(int(value))
    if not isinstance(value, str):
        return ""
    text = value.strip()[:200]
    if not text:
        return ""
    if m := _EPOCH.match(text):
        n = int(m["n"])
        seconds = n / 1000 if n > 10**11 else n
        try:
            day = dt.datetime.fromtimestamp(seconds, tz=VN_TZ).date()
        except (OverflowError, OSError, ValueError):
            return ""
        return make_date(day.year, day.month, day.day, settings)
    for pattern in (_ISO, _YMD, _DMY, _WORDS):
        if m := pattern.search(text):
            return make_date(int(m["y"]), int(m["m"]), int(m["d"]), settings)
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return ""
    return make_date(parsed.year, parsed.month, parsed.day, settings)


@dataclass(frozen=True, slots=True)
class Dateline:
    date: str  # ISO
    rule_id: str
    start: int
    end: int
    year_inferred: bool = False

    @property
    def how(self) -> str:
        return self.rule_id + ("+inferred-year" if self.year_inferred else "")


@cache
def _compiled(pattern: str, multiline: bool) -> regex.Pattern[str]:
    flags = regex.IGNORECASE | regex.V0 | (regex.MULTILINE if multiline else 0)
    return regex.compile(pattern, flags)


def compile_rule(rule: DatelineRule) -> regex.Pattern[str]:
    return _compiled(rule.pattern, rule.multiline)


_YEAR = regex.compile(r"(?<![\d.,/-])(?:19[5-9]\d|20\d\d)(?![\d.,]\d|\s*%)")
_FULL_DATE = regex.compile(r"(?<![\d/.-])(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})(?!\d)")
# A year that names a target or a horizon, or closes a span, is not the year of writing.
_NOT_NOW = regex.compile(
    r"(?:đến|tới|trước|tầm\s+nhìn|mục\s+tiêu|kế\s+hoạch|dự\s+kiến|chiến\s+lược|sau)\s+(?:năm\s+)?$"
    r"|(?:19|20)\d\d\s*[-–—/]\s*$",
    regex.IGNORECASE,
)


def infer_year(text: str, day: int, month: int, settings: DatelineSettings | None = None) -> int | None:
    """The year a day/month dateline most likely belongs to, from the years the text mentions."""
    lo, hi = (settings.min_year, settings.max_year) if settings else (1990, 2100)
    for m in _FULL_DATE.finditer(text):
        if int(m["d"]) == day and int(m["m"]) == month and lo <= int(m["y"]) <= hi:
            return int(m["y"])
    years = []
    for m in _YEAR.finditer(text):
        y = int(m.group())
        if lo <= y <= hi and not _NOT_NOW.search(text, max(0, m.start() - 25), m.start()):
            years.append(y)
    return max(years) if years else None


# Every dateline rule contains a day and a month written like this; rules are only tried near
# such spots, which keeps an article without a dateline cheap (a few µs instead of ~200).
_DATE_LIKE = regex.compile(r"\d{1,2}\s*[/.-]\s*\d{1,2}|\d{1,2}\s+tháng\s+\d{1,2}", regex.IGNORECASE)
_WINDOW_BEFORE = 80  # characters before a day/month that a rule may need (weekday, place, "Cập nhật lúc 14h00")
_WINDOW_AFTER = 40  # and after it (year, clock time)


def _windows(head: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for m in _DATE_LIKE.finditer(head):
        line_start = head.rfind("\n", 0, m.start()) + 1
        start = line_start if m.start() - line_start <= _WINDOW_BEFORE else m.start() - _WINDOW_BEFORE
        line_end = head.find("\n", m.end())
        end = min(len(head) if line_end < 0 else line_end, m.end() + _WINDOW_AFTER)
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def find_dateline(text: str, settings: DatelineSettings) -> Dateline | None:
    """The first dateline near the top of ``text`` that gives a valid date (rules in their order)."""
    head = text[: settings.search_chars]
    windows = _windows(head)
    if not windows:
        return None
    for rule in settings.rules:
        pattern = compile_rule(rule)
        for start, end in windows:
            for m in pattern.finditer(head, start, end):
                got = _date_of(m, rule, text, settings)
                if got is not None:
                    return got
    return None


def _date_of(m: regex.Match[str], rule: DatelineRule, text: str, settings: DatelineSettings) -> Dateline | None:
    d, mo = int(m["d"]), int(m["m"])
    y_text = m.groupdict().get("y")
    inferred = False
    if y_text:
        y = int(y_text)
    elif rule.year == "infer":
        guess = infer_year(text, d, mo, settings)
        if guess is None:
            return None
        y, inferred = guess, True
    else:
        return None
    iso = make_date(y, mo, d, settings)
    if iso and rule.shift_days:
        iso = (dt.date.fromisoformat(iso) + dt.timedelta(days=rule.shift_days)).isoformat()
    return Dateline(iso, rule.id, m.start(), m.end(), inferred) if iso else None
