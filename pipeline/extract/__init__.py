"""Stage 2 — extract: find every numeric claim's span, value, kind, unit and qualifier.

Contract: ``find_claims(doc, rules) -> list[Claim]`` sorted by ``start``; offsets half-open into
``doc.text``; ``rule_id`` names the rule (and version) that matched; ``sentence`` and
``sentence_start`` filled. Subject, base, change, reference and period are left to
``pipeline.attribute`` (a signed percentage may already set ``change``).
"""

from __future__ import annotations

from pipeline.model import Claim, Document
from pipeline.rulefiles import RuleSet


def find_claims(doc: Document, rules: RuleSet) -> list[Claim]:
    raise NotImplementedError("extraction is being written (issue 2)")
