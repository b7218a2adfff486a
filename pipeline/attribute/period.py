"""Time expressions (`năm 2021`, `6 tháng đầu năm 2022`, `hết quý 1/2017`) and relative ones
(`năm nay`, `năm ngoái`, `cùng kỳ`) resolved against the publication date."""

from __future__ import annotations

import re

import regex

from pipeline.segment import Span


def find_periods(
    text: str, pattern: regex.Pattern[str] | re.Pattern[str], start: int = 0, end: int | None = None
) -> list[Span]:
    """Period expressions in ``text[start:end]`` with offsets into ``text``, trimmed of spaces."""
    out: list[Span] = []
    for m in pattern.finditer(text, start, len(text) if end is None else end):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        if e > s:
            out.append(Span(s, e, text[s:e]))
    return out


def published_year(published: str) -> int | None:
    """The year of an ISO date (``2022-06-30``), or None when there is none."""
    head = published[:4]
    return int(head) if len(head) == 4 and head.isdigit() else None


def resolve_relative(period: str, published: str, relative: regex.Pattern[str], offsets: dict[str, int]) -> str:
    """Add the year a relative period means: ``năm nay`` -> ``năm nay (2022)`` when published in 2022.

    The phrase stays as written (the column keeps surface text); unknown dates leave it unchanged.
    """
    year = published_year(published)
    if year is None or "(" in period:
        return period
    lower = {" ".join(k.lower().split()): v for k, v in offsets.items()}

    def add(m: regex.Match[str]) -> str:
        off = lower.get(" ".join(m.group(0).lower().split()))
        return m.group(0) if off is None else f"{m.group(0)} ({year + off})"

    return relative.sub(add, period, count=1)
