"""Claims built from a sentence with the figure in [brackets], for the attribute stage's tests."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import regex

from pipeline.model import Claim, Document
from pipeline.rulefiles import RuleSet, load_rules

RULES = Path(__file__).resolve().parent.parent / "rules" / "attribution.yaml"
_MONEY = regex.compile(r"(?:đồng|USD|xu|VNĐ|đ)$", regex.IGNORECASE)
_NUM = regex.compile(r"^[\d.,\s\-–]+|^(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+", regex.IGNORECASE)


def attribution_rules(tmp: Path) -> RuleSet:
    """A RuleSet holding only rules/attribution.yaml (other rule files are other stages' business)."""
    d = tmp / "rules"
    d.mkdir(exist_ok=True)
    shutil.copy(RULES, d / "attribution.yaml")
    return load_rules(d)


def marked(text: str, kind: str = "", unit: str = "", doc_id: str = "t") -> tuple[Document, list[Claim]]:
    """The document without brackets, and one claim per [bracketed] figure (`[1.200 tấn|quantity]`)."""
    plain, spans, pos = "", [], 0
    for m in regex.finditer(r"\[([^\]|]+)(?:\|(\w+))?\]", text):
        plain += text[pos : m.start()]
        spans.append((len(plain), len(plain) + len(m.group(1)), m.group(2) or ""))
        plain += m.group(1)
        pos = m.end()
    plain += text[pos:]
    claims = []
    for s, e, own_kind in spans:
        span = plain[s:e]
        k = own_kind or kind or ("percent" if span.endswith("%") else "multiplier" if span.endswith("lần")
                     else "money" if _MONEY.search(span) else "count")
        u = unit or {"percent": "%", "multiplier": "lần", "money": "VND"}.get(k, _NUM.sub("", span).lower())
        claims.append(Claim(doc_id=doc_id, claim_id=f"{doc_id}#{s}", start=s, end=e, text=span, kind=k,
                            value=Decimal(1), value_max=None, unit=u, qualifier="exact"))
    return Document(doc_id=doc_id, text=plain), claims


def norm(s: str) -> str:
    return " ".join(s.lower().split())
