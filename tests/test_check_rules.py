"""Every example in rules/checks.yaml: the checks it must find and the flags it must (not) raise."""

from __future__ import annotations

import pytest

from pipeline.check import check_claims
from pipeline.check.config import CheckRules
from pipeline.check.examples import parse_example
from pipeline.rulefiles import load_rules

RULES = load_rules()
EXAMPLES = RULES.validate("checks", CheckRules).examples


def test_there_are_examples_and_counter_examples() -> None:
    assert len(EXAMPLES) >= 10
    assert any(e.flags == [] for e in EXAMPLES)


@pytest.mark.parametrize("ex", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_rule_example(ex) -> None:
    _, claims = parse_example(ex.text)
    by_text = {c.text: c.claim_id for c in claims}
    checks, flags = check_claims(claims, RULES)
    found = [(c.relation, c.status) for c in checks]
    for want in ex.expect:
        assert (want.relation, want.status) in found, f"{ex.name}: want {want}, found {found}"
    if ex.flags is None:
        return
    if not ex.flags:
        assert flags == [], f"{ex.name}: unexpected flags {[f.message for f in flags]}"
    for want in ex.flags:
        cid = by_text[want.claim]
        hits = [f for f in flags if f.rule == want.rule and cid in f.claim_ids.split()]
        assert hits, f"{ex.name}: no {want.rule} flag on {want.claim}; flags: {[(f.rule, f.message) for f in flags]}"
