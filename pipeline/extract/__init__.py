"""Stage 2 — extract: find every numeric claim's span, value, kind, unit and qualifier.

Contract: ``find_claims(doc, rules) -> list[Claim]`` sorted by ``start``; offsets half-open into
``doc.text``; ``rule_id`` names the rule (and version) that matched; ``sentence`` and
``sentence_start`` filled. Subject, base, change, reference and period are left to
``pipeline.attribute`` (a signed percentage may already set ``change``).

The rules are data: rules/money.yaml, percent.yaml, count.yaml, quantity.yaml, multiplier.yaml
(claim rules with examples), qualifiers.yaml and exclusions.yaml; see pipeline.extract.spans
for how they are applied and pipeline.extract.numbers for Vietnamese number reading.
"""

from __future__ import annotations

from pipeline.extract.spans import extractor_for
from pipeline.model import Claim, Document
from pipeline.rulefiles import RuleSet


def find_claims(doc: Document, rules: RuleSet) -> list[Claim]:
    """Every numeric claim of ``doc``, sorted by start offset."""
    return extractor_for(rules).find(doc)
