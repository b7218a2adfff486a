"""The plain Python API: extract claims from a string, a Document, or a folder.

    >>> from pipeline.api import extract_text
    >>> [(c.text, c.kind, str(c.value)) for c in extract_text("Doanh thu đạt 338 tỷ đồng.")]
    [('338 tỷ đồng', 'money', '338000000000')]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.attribute import attribute_claims
from pipeline.extract import find_claims
from pipeline.ingest import iter_documents, normalize_text
from pipeline.model import CLAIM_COLUMNS, Claim, Document
from pipeline.repeats import dedupe_repeated_sentences
from pipeline.rulefiles import RuleSet, cached_rules


def extract_document(doc: Document, rules: RuleSet | None = None) -> list[Claim]:
    """Claims of one document: spans and values (extract), then what they measure (attribute)."""
    rs = rules if rules is not None else cached_rules()
    return dedupe_repeated_sentences(attribute_claims(doc, find_claims(doc, rs), rs))


def extract_text(text: str, doc_id: str = "text", rules: RuleSet | None = None) -> list[Claim]:
    return extract_document(Document(doc_id=doc_id, text=normalize_text(text)), rules)


def claims_frame(claims: list[Claim]) -> pd.DataFrame:
    """Claims as a DataFrame with string columns (values stay exact decimal strings)."""
    return pd.DataFrame([c.row() for c in claims], columns=CLAIM_COLUMNS, dtype="string")


def extract_folder(path: str | Path, rules: RuleSet | None = None) -> pd.DataFrame:
    """Every claim of every readable article under ``path``; unreadable files are skipped."""
    rs = rules if rules is not None else cached_rules()
    out: list[Claim] = []
    for item in iter_documents(Path(path), rules=rs):  # ingest.yaml of the same rules folder
        if isinstance(item, Document):
            out.extend(extract_document(item, rs))
    return claims_frame(out)
