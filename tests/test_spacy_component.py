"""The spaCy component: claims on doc.spans["claims"] with labels and the claim fields as attributes."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
import spacy
from test_attribute_support import attribution_rules, marked

import pipeline.spacy_component as sc

BLANK_VI = {"nlp": {"tokenizer": {"use_pyvi": False}}}


@pytest.fixture
def nlp(tmp_path, monkeypatch):
    """A blank Vietnamese pipeline whose extractor returns the [bracketed] figures of the text."""
    rules = attribution_rules(tmp_path)

    def fake_find_claims(doc, _rules):
        _, claims = marked(MARKED[doc.text], doc_id=doc.doc_id)
        return claims

    monkeypatch.setattr(sc, "find_claims", fake_find_claims)
    pipe = spacy.blank("vi", config=BLANK_VI)
    pipe.add_pipe("vnclaims", config={"rules_dir": str(rules.directory)})
    return pipe


MARKED: dict[str, str] = {}


def _text(marked_text: str) -> str:
    doc, _ = marked(marked_text)
    MARKED[doc.text] = marked_text
    return doc.text


def test_labels_fields_and_offsets(nlp):
    text = _text("Năm 2021, kinh phí là [338 tỷ đồng], đạt [93,26%] kế hoạch năm, hỗ trợ [739 cơ sở], "
                 "tăng gấp [3 lần], xuất khẩu [1.200 tấn|quantity] gạo.")
    doc = nlp(text)
    spans = doc.spans["claims"]
    assert [s.label_ for s in spans] == ["MONEY", "PERCENT", "CARDINAL", "CARDINAL", "QUANTITY"]
    _, claims = marked(MARKED[text])
    for span, claim in zip(spans, claims, strict=True):
        # whitespace tokens wider than the figure ("đồng,") are split at its edges
        assert (span.start_char, span.end_char, span.text) == (claim.start, claim.end, claim.text)
        assert span._.claim.start == claim.start and span._.kind == claim.kind
    assert doc.text == text  # splitting tokens never changes the text
    money, percent, count = spans[0], spans[1], spans[2]
    assert money._.value == "1" and money._.unit == "VND" and money._.subject == "kinh phí"
    assert money._.period == "Năm 2021"  # as written
    assert percent._.base == "kế hoạch năm"
    assert count._.subject == "cơ sở"
    assert spans[3]._.change == "increase"


def test_value_is_exact_decimal_text(nlp, monkeypatch):
    text = _text("Doanh thu là [1,5 triệu đồng].")

    def one(doc, _rules):
        _, claims = marked(MARKED[doc.text])
        return [c.__class__(**{**{f: getattr(c, f) for f in c.__slots__}, "value": Decimal("1500000.50")})
                for c in claims]

    monkeypatch.setattr(sc, "find_claims", one)
    doc = nlp(text)
    span = doc.spans["claims"][0]
    assert span._.value == "1500000.5" and span._.value_max == ""


def test_without_splitting_spans_expand_to_whole_tokens(tmp_path, monkeypatch):
    rules = attribution_rules(tmp_path)
    monkeypatch.setattr(sc, "find_claims", lambda doc, _r: marked(MARKED[doc.text], doc_id=doc.doc_id)[1])
    pipe = spacy.blank("vi", config=BLANK_VI)
    pipe.add_pipe("vnclaims", config={"rules_dir": str(rules.directory), "split_tokens": False})
    text = _text("Doanh thu là [338 tỷ đồng], tăng [12%].")
    doc = pipe(text)
    assert [s.text for s in doc.spans["claims"]] == ["338 tỷ đồng,", "12%."]
    assert [s._.claim.text for s in doc.spans["claims"]] == ["338 tỷ đồng", "12%"]
    assert len(doc) == len(text.split())


def test_text_without_figures_has_an_empty_group(nlp):
    doc = nlp(_text("Không có con số nào ở đây."))
    assert list(doc.spans["claims"]) == []


def test_factory_found_through_the_entry_point():
    """A user who never imports pipeline.* gets the component from the installed entry point."""
    code = (
        "import spacy; nlp = spacy.blank('vi', config={'nlp': {'tokenizer': {'use_pyvi': False}}});"
        "nlp.add_pipe('vnclaims'); print(nlp.pipe_names)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "vnclaims" in out.stdout


def test_real_extraction_end_to_end():
    from pipeline.api import extract_text

    try:
        extract_text("Doanh thu đạt 338 tỷ đồng.")
    except NotImplementedError:
        pytest.skip("extraction (pipeline.extract.find_claims) is not implemented yet")
    pipe = spacy.blank("vi", config=BLANK_VI)
    pipe.add_pipe("vnclaims")
    doc = pipe("Năm 2021, tổng kinh phí khuyến công của cả nước là 338 tỷ đồng, tăng 12% so với năm 2020.")
    spans = doc.spans["claims"]
    assert [s.label_ for s in spans] == ["MONEY", "PERCENT"]
    assert spans[0].text == "338 tỷ đồng" and spans[0]._.value == "338000000000"
    assert spans[0]._.subject == "tổng kinh phí khuyến công của cả nước"
    assert spans[1]._.change == "increase" and spans[1]._.reference == "năm 2020"


def test_module_docstring_example_runs():
    import doctest

    result = doctest.testmod(sc, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 4 and result.failed == 0
