"""Tolerance from written precision, scale suggestions, and comparisons across documents."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from pipeline.check import check_claims
from pipeline.check.config import compiled
from pipeline.check.examples import parse_example
from pipeline.check.figures import INF, make_figure, parse_number
from pipeline.check.verify import suggest_scale
from pipeline.rulefiles import load_rules

RULES = load_rules()
CR = compiled(RULES)


def fig(text: str):
    _, claims = parse_example(text)
    return make_figure(claims[0], 0, CR)


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("chiếm [68,72%]", "68.715", "68.725"),
        ("là [75,6 tỷ đồng]", "75550000000", "75650000000"),
        ("là [338 tỷ đồng]", "337500000000", "338500000000"),
        ("có [739 cơ sở]", "739", "739"),  # a count without a scale word is exact
        ("bán [1.500 tấn|kind=quantity]", "1499.5", "1500.5"),
    ],
)
def test_interval_follows_written_precision(text, lo, hi) -> None:
    f = fig(text)
    assert (f.lo, f.hi) == (Decimal(lo), Decimal(hi))


def test_approx_widens_and_bounds_are_one_sided() -> None:
    exact, approx = fig("là [200 tỷ đồng]"), fig("khoảng [200 tỷ đồng]")
    assert approx.lo < exact.lo and approx.hi > exact.hi
    more = fig("hơn [70%]")
    assert more.lo == Decimal("69.5") and Decimal(90) < more.hi < INF
    less = fig("dưới [5,2%]")  # a precise bound is a truncation: ten units of its last digit
    assert less.hi == Decimal("5.25") and less.lo == Decimal("4.15")
    round_bound = fig("hơn [3.000 người]")  # a round figure may hide more
    assert round_bound.hi > 3800


@pytest.mark.parametrize(
    ("text", "value", "decimals"),
    [("166,27", "166.27", 2), ("1.500", "1500", 0), ("52.17", "52.17", 2), ("3.000.000", "3000000", 0)],
)
def test_parse_number(text, value, decimals) -> None:
    _, v, d = parse_number(text)
    assert v == Decimal(value) and d == decimals


@pytest.mark.parametrize(
    ("text", "power", "suggestion"),
    [
        ("[166,27 triệu đồng]", 3, "166,27 tỷ đồng"),
        ("[150 tỷ đồng]", -3, "150 triệu đồng"),
        ("[1.165 tỷ đồng]", -3, "1,165 tỷ đồng"),
        ("[500 nghìn đồng]", 3, "500 triệu đồng"),
    ],
)
def test_scale_suggestion(text, power, suggestion) -> None:
    assert suggest_scale(fig(text), power, CR) == suggestion


def test_same_measure_across_documents() -> None:
    text = "Năm 2021, tổng vốn đầu tư toàn xã hội của tỉnh Long An đạt [12.500 tỷ đồng]."
    _, a = parse_example(text, "a.txt")
    _, b = parse_example(text.replace("12.500", "15.200"), "b.txt")
    _, c = parse_example(text, "c.txt")
    meta = {"subject": "tổng vốn đầu tư toàn xã hội của tỉnh Long An", "period": "2021"}
    claims = [replace(x, **meta) for x in a + b + c]
    checks, flags = check_claims(claims, RULES)
    cross = [x for x in checks if x.relation == "cross_doc"]
    assert {x.status for x in cross} == {"pass", "fail"}
    assert [f.rule for f in flags] == ["cross_doc"] and flags[0].doc_id == "*"
    assert b[0].claim_id in flags[0].claim_ids.split()
    # without a period the same words may describe different years: no comparison
    _, flags2 = check_claims([replace(x, period="") for x in claims], RULES)
    assert flags2 == []
    # without a named entity, `tổng vốn đầu tư` of two articles may be two provinces'
    _, flags3 = check_claims([replace(x, subject="tổng vốn đầu tư toàn xã hội của tỉnh") for x in claims], RULES)
    assert flags3 == []
