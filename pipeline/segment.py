"""Split a document into paragraphs and sentences, keeping offsets into the document text.

underthesea's ``sent_tokenize`` glues title, dateline and first sentence together and returns
no offsets, so paragraphs are split on line breaks first and sentences by a rule that knows
Vietnamese number punctuation (``1.500``, ``93,26``) is not a boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

# A boundary: sentence punctuation followed by space and an upper-case letter, quote or digit;
# "…" and "..." too. Dots inside numbers are never followed by a space. The dot of a title or
# name abbreviation (`TP. HCM`, `Vol. 2`, `TS. Lê`) ends no sentence.
_ABBREV = r"TP|Tp|Vol|No|Mr|Mrs|Ms|Dr|St|TS|ThS|PGS|GS|BS|Th\.S"
# (The punctuation is matched and dropped with \K rather than looked behind for: a pattern that
# opens with a character is scanned much faster.)
_BOUNDARY = regex.compile(rf"[.!?…;](?<!(?<!\w)(?:{_ABBREV})\.)\K[\"”’)]*\s+(?=[\"“‘(\-–]?\p{{Lu}}|\d)")
_LINE = regex.compile(r"[^\n\r]+")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str


def paragraphs(text: str) -> list[Span]:
    out = []
    for m in _LINE.finditer(text):
        line = m.group()
        stripped = line.strip()
        if stripped:
            s = m.start() + len(line) - len(line.lstrip())
            out.append(Span(s, s + len(stripped), stripped))
    return out


def sentences(text: str) -> list[Span]:
    out: list[Span] = []
    for para in paragraphs(text):
        pos = para.start
        for m in _BOUNDARY.finditer(text, para.start, para.end):
            end = m.start()
            while end > pos and text[end - 1].isspace():
                end -= 1
            if end > pos:
                out.append(Span(pos, end, text[pos:end]))
            pos = m.end()
        if para.end > pos:
            out.append(Span(pos, para.end, text[pos : para.end]))
    return out


def sentence_at(spans: list[Span], offset: int) -> Span | None:
    lo, hi = 0, len(spans)
    while lo < hi:
        mid = (lo + hi) // 2
        if spans[mid].end <= offset:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(spans) and spans[lo].start <= offset < spans[lo].end:
        return spans[lo]
    return None
