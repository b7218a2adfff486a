"""Every extraction rule's examples and counter-examples, run as one parametrized test.

A rule section is any entry with an ``id`` in a ``claim_rules``, ``qualifier_rules`` or
``exclusion_rules`` list of any file in rules/ (other files are skipped). An example text gives
one claim spanning the whole text, or the part in ``[brackets]`` when the text carries context,
with the expected fields (``kind`` and ``rule_id`` of a claim rule are implied); a negative text
gives no claim at all.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.extract import find_claims
from pipeline.model import Claim, Document
from pipeline.rulefiles import RuleSet, cached_rules

SECTIONS = ("claim_rules", "qualifier_rules", "exclusion_rules")


def _rule_sections(rs: RuleSet) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for name, data in sorted(rs.files.items()):
        if not isinstance(data, dict):
            continue
        for section in SECTIONS:
            for rule in data.get(section) or []:
                if isinstance(rule, dict) and "id" in rule:
                    out.append((name, section, rule))
    return out


RULES = cached_rules()
SECTIONS_FOUND = _rule_sections(RULES)


def _examples() -> list[Any]:
    cases = []
    for name, section, rule in SECTIONS_FOUND:
        expect_base: dict[str, str] = {}
        if section == "claim_rules":
            expect_base = {"kind": rule["kind"], "rule_id": rule["id"]}
        for ex in rule.get("examples") or []:
            for text in ex["texts"]:
                expect = {**expect_base, **{k: str(v) for k, v in ex.get("expect", {}).items()}}
                cases.append(pytest.param(text, expect, id=f"{name}:{rule['id']}:{text}"))
    return cases


def _negatives() -> list[Any]:
    return [
        pytest.param(text, id=f"{name}:{rule['id']}:{text}")
        for name, _, rule in SECTIONS_FOUND
        for text in rule.get("negative") or []
    ]


def _claims(text: str) -> list[Claim]:
    return find_claims(Document(doc_id="example", text=text), RULES)


def _span(text: str) -> tuple[str, int, int]:
    if "[" in text and "]" in text:
        start = text.index("[")
        end = text.index("]") - 1
        return text.replace("[", "", 1).replace("]", "", 1), start, end
    return text, 0, len(text)


def test_every_claim_kind_has_rules_with_examples() -> None:
    kinds = {r["kind"] for _, section, r in SECTIONS_FOUND if section == "claim_rules" and r.get("examples")}
    assert kinds == {"money", "percent", "count", "quantity", "multiplier"}


@pytest.mark.parametrize(("text", "expect"), _examples())
def test_rule_example(text: str, expect: dict[str, str]) -> None:
    plain, start, end = _span(text)
    claims = _claims(plain)
    found = [(c.start, c.end, c.text) for c in claims]
    hit = [c for c in claims if (c.start, c.end) == (start, end)]
    assert hit, f"no claim spans {plain[start:end]!r} in {plain!r}; found {found}"
    if (start, end) == (0, len(plain)):
        assert len(claims) == 1, f"expected one claim, found {found}"
    else:
        overlapping = [c for c in claims if c.start < end and start < c.end and c is not hit[0]]
        assert not overlapping, f"overlapping claims {found}"
    row = hit[0].row()
    got = {k: row[k] for k in expect}
    assert got == expect


@pytest.mark.parametrize("text", _negatives())
def test_rule_negative(text: str) -> None:
    claims = _claims(text)
    assert claims == [], [(c.text, c.kind, c.rule_id) for c in claims]
