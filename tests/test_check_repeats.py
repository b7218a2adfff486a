"""One measure stated twice: within an article (a body restatement, a lead against its body) and
across the articles of one run. Each case is checked twice: on claims written by hand (the
checker alone) and through the real extractor and attribute stage (what `vnclaims run` sees)."""

from __future__ import annotations

import pytest

from pipeline.check import check_claims
from pipeline.check.examples import parse_example
from pipeline.model import Claim, Document, Flag
from pipeline.rulefiles import load_rules

RULES = load_rules()

# an unrelated first sentence with a figure, so the restatement is not read as the lead
WITHIN = (
    "Ngành lúa gạo của tỉnh có 12 doanh nghiệp xuất khẩu lớn.\n"
    "Năm 2022, kim ngạch xuất khẩu gạo của tỉnh Long An đạt {a} triệu USD. Giá lúa tăng mạnh trong quý IV. "
    "Theo Sở Công Thương, năm 2022 kim ngạch xuất khẩu gạo của tỉnh Long An đạt {b} triệu USD."
)
LEAD = (
    "Xuất khẩu gạo của tỉnh Long An năm 2022 tăng {a}%\n"
    "Ngành lúa gạo khởi sắc trong năm qua.\n"
    "Theo Sở Công Thương, năm 2022 xuất khẩu gạo của tỉnh Long An tăng {b}% so với năm 2021, đạt 1,2 triệu tấn."
)
CROSS = (
    "Năm 2021, tổng kinh phí khuyến công của tỉnh Nghệ An là {a} tỷ đồng, tập trung cho làng nghề.",
    "Theo Sở Công Thương, năm {year} tổng kinh phí khuyến công của tỉnh Nghệ An là {b} tỷ đồng.",
)


def _extract(texts: list[str]) -> list[Claim]:
    from pipeline.api import extract_document

    try:
        return [c for i, t in enumerate(texts) for c in extract_document(Document(f"doc{i}.txt", t), RULES)]
    except NotImplementedError:
        pytest.skip("extraction is not implemented yet")


def _texts(claims: list[Claim], flag: Flag) -> list[str]:
    by_id = {c.claim_id: c.text for c in claims}
    return sorted(by_id[i] for i in flag.claim_ids.split())


def _flags(claims: list[Claim], rule: str) -> list[Flag]:
    _, flags = check_claims(claims, RULES)
    return [f for f in flags if f.rule == rule]


# ---- within one article -------------------------------------------------------------------------


def test_body_restatement_with_another_value_is_flagged() -> None:
    claims = _extract([WITHIN.format(a="120", b="150")])
    flags = _flags(claims, "repeat")
    assert len(flags) == 1
    assert _texts(claims, flags[0]) == ["120 triệu USD", "150 triệu USD"]
    assert "120 triệu USD" in flags[0].message and "150 triệu USD" in flags[0].message


def test_body_restatement_with_the_same_value_is_not_flagged() -> None:
    assert _flags(_extract([WITHIN.format(a="150", b="150")]), "repeat") == []


def test_two_bonds_told_apart_by_a_number_are_not_one_measure() -> None:
    text = (
        "Kho bạc huy động 3.000 tỷ đồng trái phiếu.\n"
        "Kết quả, huy động thành công 1.000 tỷ đồng trái phiếu 10 năm với lãi suất trúng thầu [5,91%]/năm. "
        "Kết quả, huy động được 950 tỷ đồng trái phiếu 15 năm với lãi suất trúng thầu [6,64%]/năm."
    )
    _, claims = parse_example(text)
    claims[0] = _with(claims[0], "lãi suất trúng thầu trái phiếu 10 năm")
    claims[1] = _with(claims[1], "lãi suất trúng thầu trái phiếu 15 năm")
    assert _flags(claims, "repeat") == []
    # the same two sentences about one bond are a conflict
    claims[1] = _with(claims[1], "lãi suất trúng thầu trái phiếu 10 năm")
    checks, _ = check_claims(claims, RULES)
    assert any(c.relation == "repeat" for c in checks)


def _with(c: Claim, subject: str, period: str = "ngày 17/5/2017") -> Claim:
    from dataclasses import replace

    return replace(c, subject=subject, period=period)


def test_lead_and_body_give_one_change_two_values() -> None:
    claims = _extract([LEAD.format(a="8", b="11")])
    flags = _flags(claims, "repeat")
    assert len(flags) == 1
    assert _texts(claims, flags[0]) == ["11%", "8%"]


def test_lead_and_body_that_agree_raise_nothing() -> None:
    assert _flags(_extract([LEAD.format(a="11", b="11")]), "repeat") == []


# ---- across the articles of one run -------------------------------------------------------------


def test_two_articles_give_one_total_two_values() -> None:
    claims = _extract([CROSS[0].format(a="38"), CROSS[1].format(year="2021", b="45")])
    flags = _flags(claims, "cross_doc")
    assert len(flags) == 1
    f = flags[0]
    assert f.doc_id == "*" and _texts(claims, f) == ["38 tỷ đồng", "45 tỷ đồng"]
    assert {i.split("#")[0] for i in f.claim_ids.split()} == {"doc0.txt", "doc1.txt"}
    assert "doc0.txt" in f.message and "doc1.txt" in f.message


def test_articles_within_rounding_or_of_other_years_do_not_conflict() -> None:
    # outlets round differently: 38 and 39 tỷ agree within cross_doc_min_relative (5%)
    checks, flags = check_claims(_extract([CROSS[0].format(a="38"), CROSS[1].format(year="2021", b="39")]), RULES)
    assert [c.status for c in checks if c.relation == "cross_doc"] == ["pass"]
    assert not [f for f in flags if f.rule == "cross_doc"]
    # far apart (a running total at two dates, or two measures the subject does not tell apart)
    checks, flags = check_claims(_extract([CROSS[0].format(a="38"), CROSS[1].format(year="2021", b="103")]), RULES)
    assert [c.status for c in checks if c.relation == "cross_doc"] == ["undetermined"]
    assert not [f for f in flags if f.rule == "cross_doc"]
    # another year is another measure
    checks, _ = check_claims(_extract([CROSS[0].format(a="38"), CROSS[1].format(year="2022", b="45")]), RULES)
    assert not [c for c in checks if c.relation == "cross_doc"]


def test_cross_document_conflict_on_hand_written_claims() -> None:
    tag = "subject=tổng kinh phí khuyến công của tỉnh Nghệ An;period=năm 2021"
    _, a = parse_example(f"Năm 2021, tổng kinh phí khuyến công của tỉnh Nghệ An là [38 tỷ đồng|{tag}].", "a.txt")
    _, b = parse_example(f"Tổng kinh phí khuyến công của tỉnh Nghệ An năm 2021 là [45 tỷ đồng|{tag}].", "b.txt")
    flags = _flags(a + b, "cross_doc")
    assert [f.claim_ids for f in flags] == [f"{a[0].claim_id} {b[0].claim_id}"]


def test_run_compares_stored_articles_with_new_ones(tmp_path) -> None:
    """`vnclaims run` checks each article in its worker and compares articles from the store: a
    re-run that reuses one article and extracts the other still finds the conflict, with the same
    files as a fresh run and as `vnclaims check` over the run's claims.csv."""
    from pipeline.check import check_output
    from pipeline.runner import run

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(CROSS[0].format(a="38"), encoding="utf-8")
    first = run(corpus, tmp_path / "daily", progress=False, workers=1)
    assert first.flags == 0
    (corpus / "b.txt").write_text(CROSS[1].format(year="2021", b="45"), encoding="utf-8")
    daily = run(corpus, tmp_path / "daily", progress=False, workers=1)
    assert (daily.extracted, daily.reused) == (1, 1)
    fresh = run(corpus, tmp_path / "fresh", progress=False, workers=2)
    names = ("claims.csv", "checks.csv", "flags.csv")
    got = {n: (tmp_path / "daily" / n).read_bytes() for n in names}
    assert got == {n: (tmp_path / "fresh" / n).read_bytes() for n in names}
    assert b"cross_doc" in got["flags.csv"] and daily.flags == fresh.flags == 1
    assert check_output(tmp_path / "daily", RULES) == (daily.checks, daily.flags)
    assert {n: (tmp_path / "daily" / n).read_bytes() for n in names} == got
    (corpus / "b.txt").unlink()  # a removed article takes its figures out of the comparison
    assert run(corpus, tmp_path / "daily", progress=False, workers=1).flags == 0
