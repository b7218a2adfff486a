"""A rough regex claim finder, only to measure the checker's false flags on unannotated news
before the real extractor exists (money, percent, a few counted nouns; no subjects)."""

from __future__ import annotations

from decimal import Decimal

import regex

from pipeline.check.figures import parse_number
from pipeline.model import Claim, Document
from pipeline.segment import sentence_at, sentences

_PAT = regex.compile(
    r"(?<![\p{L}\d/.,])(\d+(?:[.,]\d+)*)(?:\s*(?:-|–|đến)\s*\d+(?:[.,]\d+)*)?\s*"
    r"(nghìn tỷ|ngàn tỷ|nghìn|ngàn|triệu|tỷ|tỉ)?\s*"
    r"(đồng|VNĐ|VND|USD|%|người|hộ|doanh nghiệp|cơ sở|xe|chiếc|căn|dự án|tấn|ha|lần|nhóm)(?![\p{L}])",
    regex.IGNORECASE,
)
_POW = {"nghìn tỷ": 12, "ngàn tỷ": 12, "nghìn": 3, "ngàn": 3, "triệu": 6, "tỷ": 9, "tỉ": 9}
_QUAL = [
    ("approx", r"(?:khoảng|ước|xấp xỉ)\s*$"),
    ("more_than", r"(?:hơn|trên|vượt)\s*$"),
    ("less_than", r"(?:gần|dưới)\s*$"),
]


def rough_claims(doc: Document) -> list[Claim]:
    spans = sentences(doc.text)
    out = []
    for m in _PAT.finditer(doc.text):
        _, number, _ = parse_number(m.group(1))
        if number is None:
            continue
        scale, unit = (m.group(2) or "").lower(), m.group(3)
        value = number * Decimal(10) ** _POW.get(scale, 0)
        low = unit.lower()
        if low == "%":
            kind, unit = "percent", "%"
        elif low in ("đồng", "vnđ", "vnd", "usd"):
            kind, unit = "money", "USD" if low == "usd" else "VND"
        elif low == "lần":
            kind = "multiplier"
        elif low in ("tấn", "ha"):
            kind = "quantity"
        else:
            kind = "count"
        before = doc.text[max(0, m.start() - 12) : m.start()].lower()
        qual = next((q for q, p in _QUAL if regex.search(p, before)), "exact")
        if "-" in m.group(0) or "–" in m.group(0) or "đến" in m.group(0):
            qual = "range"
        s = sentence_at(spans, m.start())
        out.append(
            Claim(
                doc.doc_id,
                f"{doc.doc_id}#{m.start()}",
                m.start(),
                m.end(),
                m.group(0),
                kind,
                value,
                None,
                unit.lower() if kind in ("count", "quantity") else unit,
                qual,
                sentence=s.text if s else "",
                sentence_start=s.start if s else -1,
            )
        )
    return out
