"""The plain Python API: extract_text, extract_document, extract_folder (a pandas DataFrame)."""

from __future__ import annotations

import unicodedata

import pytest
from test_attribute_support import attribution_rules, marked

import pipeline.api as api
from pipeline.model import CLAIM_COLUMNS, Document
from pipeline.rulefiles import default_rules_dir, load_rules

MARKED: dict[str, str] = {}


@pytest.fixture
def rules(tmp_path, monkeypatch):
    """attribution.yaml and ingest.yaml only, and an extractor that returns the [bracketed] figures."""
    rs = attribution_rules(tmp_path)
    (rs.directory / "ingest.yaml").write_bytes((default_rules_dir() / "ingest.yaml").read_bytes())

    def fake_find_claims(doc, _rules):
        _, claims = marked(MARKED.get(doc.text, doc.text), doc_id=doc.doc_id)
        return claims

    monkeypatch.setattr(api, "find_claims", fake_find_claims)
    return load_rules(rs.directory)


def _article(marked_text: str) -> str:
    doc, _ = marked(marked_text)
    MARKED[doc.text] = marked_text
    return doc.text


def test_extract_document_attributes_what_extraction_found(rules):
    text = _article("Năm 2021, tổng kinh phí là [338 tỷ đồng], tăng [12%] so với năm 2020.")
    claims = api.extract_document(Document(doc_id="a.txt", text=text), rules)
    assert [c.text for c in claims] == ["338 tỷ đồng", "12%"]
    assert claims[0].subject == "tổng kinh phí" and claims[0].period == "Năm 2021"
    assert claims[1].change == "increase" and claims[1].reference == "năm 2020"
    assert all(text[c.start : c.end] == c.text for c in claims)


def test_extract_text_normalises_to_nfc_first(rules):
    nfd = "Doanh thu đạt [338 tỷ đồng]."
    MARKED[unicodedata.normalize("NFC", "Doanh thu đạt 338 tỷ đồng.")] = nfd
    claims = api.extract_text(unicodedata.normalize("NFD", "Doanh thu đạt 338 tỷ đồng."), rules=rules)
    assert [c.text for c in claims] == ["338 tỷ đồng"]
    assert claims[0].subject == "Doanh thu"


def test_extract_folder_gives_a_string_frame_and_skips_unreadable_files(rules, tmp_path):
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(_article("Doanh thu đạt [338 tỷ đồng]."), encoding="utf-8")
    (root / "sub" / "b.md").write_text(_article("Lợi nhuận giảm [5%] so với năm trước."), encoding="utf-8-sig")
    (root / "empty.txt").write_bytes(b"")
    df = api.extract_folder(root, rules)
    assert list(df.columns) == CLAIM_COLUMNS
    assert all(str(t) == "string" for t in df.dtypes)
    assert sorted(df["doc_id"]) == ["a.txt", "sub/b.md"]
    row = df.set_index("doc_id").loc["sub/b.md"]
    assert row["text"] == "5%" and row["change"] == "decrease" and row["reference"] == "năm trước"


def test_claims_frame_of_nothing_has_the_columns():
    df = api.claims_frame([])
    assert list(df.columns) == CLAIM_COLUMNS and len(df) == 0


def test_extract_text_with_the_real_rules():
    try:
        claims = api.extract_text("Doanh thu đạt 338 tỷ đồng.")
    except NotImplementedError:
        pytest.skip("extraction (pipeline.extract.find_claims) is not implemented yet")
    assert [(c.text, c.kind, str(c.value), c.subject) for c in claims] == [
        ("338 tỷ đồng", "money", "338000000000", "Doanh thu")
    ]


def test_module_docstring_example_runs():
    import doctest

    result = doctest.testmod(api)
    assert result.attempted >= 2 and result.failed == 0
