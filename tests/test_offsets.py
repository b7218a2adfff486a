"""Offsets are half-open into the NFC document text: ``doc.text[start:end] == text`` for every claim."""

from __future__ import annotations

import unicodedata
from itertools import pairwise
from pathlib import Path

import pytest

from pipeline.extract import find_claims
from pipeline.ingest import iter_documents
from pipeline.model import Document
from pipeline.rulefiles import cached_rules

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DOCS = [d for d in iter_documents(CORPUS) if isinstance(d, Document)]


def test_the_corpus_is_there() -> None:
    assert len(DOCS) >= 2


@pytest.mark.parametrize("doc", DOCS, ids=[d.doc_id for d in DOCS])
def test_every_claim_slices_its_own_text(doc: Document) -> None:
    assert unicodedata.is_normalized("NFC", doc.text)
    claims = find_claims(doc, cached_rules())
    assert claims
    for c in claims:
        assert 0 <= c.start < c.end <= len(doc.text)
        assert doc.text[c.start : c.end] == c.text
        assert c.text == c.text.strip()
    spans = [(c.start, c.end) for c in claims]
    assert all(a[1] <= b[0] for a, b in pairwise(spans)), "claims overlap"
