"""Publication dates: metadata values, and the dateline rules of rules/ingest.yaml with their examples."""

from __future__ import annotations

import pytest

from pipeline.ingest import read_bytes
from pipeline.ingest.config import DatelineRule, IngestConfig, load_ingest_config
from pipeline.ingest.dates import compile_rule, find_dateline, infer_year, parse_date_value
from pipeline.model import Document
from pipeline.rulefiles import RuleFileError

CONFIG = load_ingest_config()
RULES = CONFIG.dateline.rules


def test_the_project_has_dateline_rules() -> None:
    assert len(RULES) >= 5
    assert len({r.id for r in RULES}) == len(RULES)


EXAMPLES = [(r, ex.text, ex.date) for r in RULES for ex in r.examples]
NEGATIVES = [(r, text) for r in RULES for text in r.negative]


@pytest.mark.parametrize(("rule", "text", "date"), EXAMPLES, ids=[f"{r.id}:{t[:30]}" for r, t, _ in EXAMPLES])
def test_rule_examples(rule: DatelineRule, text: str, date: str) -> None:
    """Each example gives its date through this very rule (or no date at all when date is "")."""
    settings = CONFIG.dateline.model_copy(update={"rules": [rule]})
    found = find_dateline(text, settings)
    assert (found.date if found else "") == date
    if date:
        assert found is not None and found.rule_id == rule.id


@pytest.mark.parametrize(("rule", "text"), NEGATIVES, ids=[f"{r.id}:{t[:30]}" for r, t in NEGATIVES])
def test_rule_counter_examples(rule: DatelineRule, text: str) -> None:
    assert compile_rule(rule).search(text) is None


def test_rules_apply_in_order_and_only_near_the_top() -> None:
    text = "Ngày 7-2, VCCI có văn bản.\n- Thứ Sáu, 10/12/2021, 06:28\nNăm 2016 thu ngân sách đạt 4,1%."
    found = find_dateline(text, CONFIG.dateline)
    assert found is not None and (found.date, found.rule_id) == ("2021-12-10", "dateline.weekday.v1")
    late = "x" * (CONFIG.dateline.search_chars + 10) + "\nThứ Sáu, 10/12/2021, 06:28"
    assert find_dateline(late, CONFIG.dateline) is None


def test_inferred_years_are_marked() -> None:
    [doc] = read_bytes("Tin\nNgày 7-2, VCCI có văn bản. Năm 2016 thu đạt 4,1%.".encode(), "a.txt")
    assert isinstance(doc, Document)
    assert doc.published == "2016-02-07"
    assert doc.meta["published_from"] == "dateline.lead.v1+inferred-year"


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("Năm 2016 thu đạt 4,1%; mục tiêu đến năm 2030 và tầm nhìn 2045.", 2016),
        ("giai đoạn 2016-2020 đạt 5%, năm 2017 tăng", 2017),
        ("ngày 3/7/2019 công bố; năm 2020 dự kiến", 2019),
        ("tăng 2.021 tỷ đồng và 2021,5 tấn", None),
        ("không có năm nào", None),
    ],
)
def test_infer_year(text: str, year: int | None) -> None:
    assert infer_year(text, 3, 7) == year


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2021-12-10T06:28:00+07:00", "2021-12-10"),
        ("2021-12-10", "2021-12-10"),
        ("2021/12/10 06:28", "2021-12-10"),
        ("10/12/2021", "2021-12-10"),
        ("10-12-2021 06:28", "2021-12-10"),
        ("Thứ Sáu, 10/12/2021, 06:28", "2021-12-10"),
        ("ngày 5 tháng 3 năm 2022", "2022-03-05"),
        ("Fri, 10 Dec 2021 06:28:00 +0700", "2021-12-10"),
        (1639108080, "2021-12-10"),
        ("1639108080000", "2021-12-10"),
        ("31/02/2021", ""),
        ("hôm qua", ""),
        ("", ""),
        (None, ""),
        (True, ""),
        (["2021-12-10"], ""),
        ("0001-01-01", ""),
    ],
)
def test_parse_date_value(value: object, iso: str) -> None:
    assert parse_date_value(value) == iso


def test_ingest_yaml_is_validated_strictly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "ingest.yaml").write_text("max_bytes: 10\nmax_bites: 5\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="max_bites"):
        load_ingest_config(tmp_path)
    (tmp_path / "ingest.yaml").unlink()
    assert load_ingest_config(tmp_path) == IngestConfig()
