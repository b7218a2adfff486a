"""Nothing lost: the same article in every format and encoding yields the same claims.

The seed article is written out as UTF-16, NFD, Windows-1258, VNI, TCVN3, with new-style tone
marks, odd spaces and zero-width characters, as HTML, JSON, DOCX and PDF; each version goes
through ingest and extraction and must give the claims of the clean UTF-8 text (same surface
texts, kinds, values and units), with offsets valid in its own Document.text.
"""

from __future__ import annotations

import json
import unicodedata
from html import escape
from pathlib import Path

import pytest
from test_ingest_formats import make_docx, make_pdf

from pipeline.ingest import read_bytes
from pipeline.ingest.encoding import to_cp1258, to_tcvn3, to_vni
from pipeline.ingest.text import normalize_tones
from pipeline.model import Document

SEED = Path(__file__).resolve().parent.parent / "corpus" / "seed" / "khuyen-cong-2021.txt"
ARTICLE = unicodedata.normalize("NFC", SEED.read_text(encoding="utf-8")).replace("\u00a0", " ")
PARAS = [p.strip() for p in ARTICLE.splitlines() if p.strip()]


def _extract(doc: Document) -> list[tuple[str, str, str, str]]:
    from pipeline.api import extract_document

    claims = extract_document(doc)
    for c in claims:
        assert doc.text[c.start : c.end] == c.text
    return [(c.text, c.kind, str(c.value), c.unit) for c in claims]


@pytest.fixture(scope="module")
def expected() -> list[tuple[str, str, str, str]]:
    from pipeline.api import extract_text

    try:
        extract_text("Doanh thu đạt 338 tỷ đồng.")
    except NotImplementedError:
        pytest.skip("extraction is not implemented yet")
    [doc] = read_bytes(ARTICLE.encode(), "seed.txt", ".txt")
    assert isinstance(doc, Document)
    got = _extract(doc)
    assert len(got) >= 10
    return got


def _odd_spaces(text: str) -> str:
    # thin spaces inside numbers, a zero-width space and a soft hyphen inside words
    return (
        text.replace("338 tỷ", "338\u2009tỷ").replace("khuyến công", "khuyến\u200b công").replace("kinh", "ki\u00adnh")
    )


VARIANTS = {
    "utf16": lambda: (ARTICLE.encode("utf-16"), ".txt"),
    "utf8-bom-nfd": lambda: (b"\xef\xbb\xbf" + unicodedata.normalize("NFD", ARTICLE).encode(), ".txt"),
    "cp1258": lambda: (to_cp1258(ARTICLE), ".txt"),
    "vni": lambda: (to_vni(ARTICLE), ".txt"),
    "vni-as-utf8": lambda: (to_vni(ARTICLE).decode("cp1252").encode(), ".txt"),
    "new-tones": lambda: (normalize_tones(ARTICLE, "new").encode(), ".txt"),
    "odd-spaces": lambda: (_odd_spaces(ARTICLE).encode(), ".md"),
    "html": lambda: (
        ("<html><body><article>" + "".join(f"<p>{escape(p)}</p>" for p in PARAS) + "</article></body></html>").encode(),
        ".html",
    ),
    "json": lambda: (json.dumps({"id": "k1", "content": ARTICLE}).encode(), ".json"),
    "jsonl": lambda: (json.dumps({"body": ARTICLE.split("\n")}, ensure_ascii=False).encode(), ".jsonl"),
    "docx": lambda: (make_docx(PARAS), ".docx"),
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_same_claims_in_every_format(name: str, expected: list[tuple[str, str, str, str]]) -> None:
    data, suffix = VARIANTS[name]()
    [doc] = read_bytes(data, f"seed{suffix}", suffix)
    assert isinstance(doc, Document), doc
    assert _extract(doc) == expected


def test_tcvn3_article_gives_the_claims_of_its_lower_case_text() -> None:
    from pipeline.api import extract_text

    lower = "năm 2021, tổng kinh phí khuyến công của cả nước đạt 338 tỷ đồng, giảm 50% so với năm 2020."
    try:
        want = [(c.text, c.kind, str(c.value), c.unit) for c in extract_text(lower)]
    except NotImplementedError:
        pytest.skip("extraction is not implemented yet")
    [doc] = read_bytes(to_tcvn3(lower), "abc.txt", ".txt")
    assert isinstance(doc, Document) and doc.meta["encoding"] == "tcvn3"
    assert want and _extract(doc) == want


def test_pdf_article_gives_the_same_claims() -> None:
    from pipeline.api import extract_text

    lines = ["Năm 2021, tổng kinh phí khuyến công của cả nước đạt", "338 tỷ đồng, giảm 50% so với năm 2020."]
    try:
        want = [(c.text, c.kind, str(c.value), c.unit) for c in extract_text(" ".join(lines))]
    except NotImplementedError:
        pytest.skip("extraction is not implemented yet")
    [doc] = read_bytes(make_pdf([lines]), "r.pdf", ".pdf")
    assert isinstance(doc, Document)
    assert want and _extract(doc) == want
