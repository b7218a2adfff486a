"""A sentence repeated verbatim in one article (a caption restating the lead) yields its claims once."""

from __future__ import annotations

from decimal import Decimal

import pytest
import regex

from pipeline import api
from pipeline.model import Claim, Document
from pipeline.repeats import dedupe_repeated_sentences
from pipeline.segment import sentences


def fake_find_claims(doc: Document, rules: object) -> list[Claim]:
    """Every number of the text as a claim, with its sentence: enough to exercise the wiring."""
    out = []
    spans = sentences(doc.text)
    for s in spans:
        for m in regex.finditer(r"\d+(?:,\d+)?", doc.text[s.start : s.end]):
            start, end = s.start + m.start(), s.start + m.end()
            out.append(
                Claim(
                    doc.doc_id, f"{doc.doc_id}#{start}", start, end, m.group(), "count",
                    Decimal(m.group().replace(",", ".")), None, "", "exact",
                    sentence=s.text, sentence_start=s.start,
                )
            )  # fmt: skip
    return out


LEAD = "Năm 2021, doanh thu đạt 338 tỷ đồng, tăng 20% so với năm 2020."
ARTICLE = f"Doanh thu tăng\n{LEAD}\nẢnh: nhà máy.\n{LEAD}\nLợi nhuận đạt 45 tỷ đồng. Năm 2021 có 3 nhà máy."


def test_extract_document_keeps_the_first_occurrence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "find_claims", fake_find_claims)
    monkeypatch.setattr(api, "attribute_claims", lambda doc, claims, rules: claims)
    doc = Document("a.txt", ARTICLE)
    all_claims = fake_find_claims(doc, None)
    claims = api.extract_document(doc, rules=object())  # type: ignore[arg-type]
    first = ARTICLE.index(LEAD)
    second = ARTICLE.index(LEAD, first + 1)
    assert [c.text for c in all_claims if c.sentence == LEAD] == ["2021", "338", "20", "2020"] * 2
    assert [c.start for c in claims if c.sentence == LEAD] == [
        first + LEAD.index(t) for t in ("2021", "338", "20%", "2020")
    ]
    assert all(not second <= c.start < second + len(LEAD) for c in claims)
    assert [c.text for c in claims if c.sentence != LEAD] == [c.text for c in all_claims if c.sentence != LEAD]


def _claim(doc: str, start: int, text: str, sentence: str, sentence_start: int) -> Claim:
    return Claim(doc, f"{doc}#{start}", start, start + len(text), text, "count", Decimal(1), None, "", "exact",
                 sentence=sentence, sentence_start=sentence_start)  # fmt: skip


def test_same_number_in_different_sentences_is_kept() -> None:
    a = _claim("d", 10, "5%", "Giá tăng 5%.", 1)
    b = _claim("d", 40, "5%", "Lương tăng 5%.", 30)
    assert dedupe_repeated_sentences([a, b]) == [a, b]


def test_same_sentence_in_another_document_is_kept() -> None:
    a = _claim("d1", 10, "5%", "Giá tăng 5%.", 1)
    b = _claim("d2", 10, "5%", "Giá tăng 5%.", 1)
    assert dedupe_repeated_sentences([a, b]) == [a, b]


def test_first_by_position_wins_whatever_the_input_order() -> None:
    early = _claim("d", 10, "5%", "Giá  tăng 5%.", 1)
    late = _claim("d", 109, "5%", "Giá tăng\n5%.", 101)  # same words, other whitespace
    assert dedupe_repeated_sentences([late, early]) == [early]


def test_claims_without_a_sentence_are_kept() -> None:
    a = _claim("d", 10, "5%", "", -1)
    b = _claim("d", 10, "5%", "", -1)
    assert dedupe_repeated_sentences([a, b]) == [a, b]
