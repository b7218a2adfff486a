"""Stage 3 — attribute: what each claim measures (subject, base, change, reference, period).

Contract: ``attribute_claims(doc, claims, rules) -> list[Claim]`` returns the same claims, in the
same order, with those five fields filled where the text says them.
"""

from __future__ import annotations

from pipeline.model import Claim, Document
from pipeline.rulefiles import RuleSet


def attribute_claims(doc: Document, claims: list[Claim], rules: RuleSet) -> list[Claim]:
    return claims
