"""Claims from example text with figures in brackets: ``Tổng là [338 tỷ đồng], trong đó …``.

The examples in ``rules/checks.yaml`` are written this way so that the checker's rules can be
tested without the extractor: each bracketed figure becomes a Claim (value, kind, unit, qualifier
from the words before it) with its sentence. ``[120 triệu USD|subject=kim ngạch;period=2022]``
sets other columns. A range (`[50-90%]`, `[22 đến 40 tỷ đồng]`) keeps its upper end in value_max.
"""

from __future__ import annotations

from decimal import Decimal

import regex

from pipeline.check.figures import parse_number
from pipeline.model import Claim
from pipeline.segment import sentence_at, sentences

_BRACKET = regex.compile(r"\[([^\]|]+)(?:\|([^\]]*))?\]")
_SCALES = {"nghìn tỷ": 12, "ngàn tỷ": 12, "nghìn": 3, "ngàn": 3, "triệu": 6, "tỷ": 9, "tỉ": 9}
_CURRENCY = {"đồng": "VND", "usd": "USD", "đ": "VND"}
_QUALIFIERS = [
    ("approx", r"(?:khoảng|ước|ước tính|xấp xỉ|chừng)"),
    ("more_than", r"(?:hơn|trên|vượt)"),
    ("less_than", r"(?:gần|dưới|chưa đến)"),
]


def parse_example(text: str, doc_id: str = "example") -> tuple[str, list[Claim]]:
    """(plain text, claims) for text with bracketed figures."""
    plain_parts: list[str] = []
    marks: list[tuple[int, int, str, dict[str, str]]] = []
    pos = 0
    length = 0
    for m in _BRACKET.finditer(text):
        plain_parts.append(text[pos : m.start()])
        length += m.start() - pos
        surface = m.group(1)
        extra = dict(kv.split("=", 1) for kv in (m.group(2) or "").split(";") if "=" in kv)
        marks.append((length, length + len(surface), surface, extra))
        plain_parts.append(surface)
        length += len(surface)
        pos = m.end()
    plain_parts.append(text[pos:])
    plain = "".join(plain_parts)
    spans = sentences(plain)
    claims = [_claim(plain, s, e, surface, extra, doc_id, spans) for s, e, surface, extra in marks]
    return plain, claims


def _claim(plain: str, start: int, end: int, surface: str, extra: dict[str, str], doc_id: str, spans: list) -> Claim:
    raw, number, _ = parse_number(surface)
    if number is None:
        raise ValueError(f"no number in [{surface}]")
    rest = surface[surface.find(raw) + len(raw) :].strip()
    # a range: `50-90%`, `22 đến 40 tỷ đồng`
    upper = regex.match(r"(?:-|–|đến|tới)\s*(\d+(?:[.,]\d+)*)\s*", rest)
    top = parse_number(upper.group(1))[1] if upper else None
    if upper:
        rest = rest[upper.end() :]
    low = rest.lower()
    power = 0
    for word, p in _SCALES.items():
        if low.startswith(word):
            power, low = p, low[len(word) :].strip()
            break
    value = number * Decimal(10) ** power
    value_max = top * Decimal(10) ** power if top is not None else None
    if low.startswith("%"):
        kind, unit = "percent", "%"
    elif low in _CURRENCY:
        kind, unit = "money", _CURRENCY[low]
    elif low == "lần":
        kind, unit = "multiplier", "lần"
    else:
        kind, unit = ("count" if power == 0 else "quantity") if low else ("count", ""), low
        kind = kind if isinstance(kind, str) else kind[0]
    before = plain[max(0, start - 15) : start].lower()
    qualifier = next((q for q, pat in _QUALIFIERS if regex.search(pat + r"\s*$", before)), "exact")
    if value_max is not None:
        qualifier = "range"
    s = sentence_at(spans, start)
    return Claim(
        doc_id=doc_id,
        claim_id=f"{doc_id}#{start}",
        start=start,
        end=end,
        text=surface,
        kind=extra.get("kind", kind),
        value=value,
        value_max=value_max,
        unit=unit,
        qualifier=extra.get("qualifier", qualifier),
        subject=extra.get("subject", ""),
        base=extra.get("base", ""),
        change=extra.get("change", ""),
        reference=extra.get("reference", ""),
        period=extra.get("period", ""),
        sentence=s.text if s else "",
        sentence_start=s.start if s else -1,
    )
