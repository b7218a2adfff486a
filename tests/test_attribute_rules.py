"""Every example and counter-example of rules/attribution.yaml, run through the attribute stage."""

from __future__ import annotations

import pytest
import yaml
from test_attribute_support import RULES, attribution_rules, marked, norm

from pipeline.attribute import attribute_claims
from pipeline.attribute.config import AttributionRules
from pipeline.errors import RuleFileError

_CFG = AttributionRules.model_validate(yaml.safe_load(RULES.read_text(encoding="utf-8")))
CASES = [
    pytest.param(section, ex, id=f"{section}-{which}-{i}")
    for section, sec in _CFG.sections().items()
    for which, items in (("example", sec.examples), ("counter", sec.counter_examples))
    for i, ex in enumerate(items)
]


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    return attribution_rules(tmp_path_factory.mktemp("attr"))


def test_every_section_has_examples_and_counter_examples():
    for name, sec in _CFG.sections().items():
        assert sec.examples and sec.counter_examples, name


@pytest.mark.parametrize(("section", "ex"), CASES)
def test_rule_example(rules, section, ex):
    doc, claims = marked(ex.text, ex.kind, ex.unit)
    assert claims, "an example marks its figure in [brackets]"
    got = attribute_claims(doc, claims, rules)[-1]
    for field, want in ex.expect.items():
        assert norm(getattr(got, field)) == norm(want), f"{field} of {ex.text!r}"


def test_unknown_key_is_reported_with_its_place(tmp_path):
    rules = attribution_rules(tmp_path)
    path = rules.directory / "attribution.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  increase:", "  increse:", 1), encoding="utf-8")
    from pipeline.rulefiles import load_rules

    bad = load_rules(rules.directory)
    with pytest.raises(RuleFileError) as e:
        attribute_claims(*marked("Doanh thu tăng [12%]."), bad)
    assert "attribution.yaml" in str(e.value) and "increse" in str(e.value)
