"""The attribute stage: contract, carried periods, relative periods, shared subjects, robustness."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields, replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_attribute_support import attribution_rules, marked

from pipeline.attribute import attribute_claims
from pipeline.attribute.config import compiled
from pipeline.attribute.period import published_year, resolve_relative
from pipeline.model import Claim, Document

FILLED = {"subject", "base", "change", "reference", "period", "sentence", "sentence_start"}


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    return attribution_rules(tmp_path_factory.mktemp("attr"))


def run(rules, text: str, published: str = "", **kw) -> list[Claim]:
    doc, claims = marked(text, **kw)
    return attribute_claims(replace(doc, published=published), claims, rules)


@pytest.mark.parametrize(
    ("period", "published", "want"),
    [
        ("năm nay", "2022-06-30", "năm nay (2022)"),
        ("6 tháng đầu năm nay", "2022-06-30", "6 tháng đầu năm nay (2022)"),
        ("năm ngoái", "2022-06-30", "năm ngoái (2021)"),
        ("cùng kỳ năm trước", "2017-06-29", "cùng kỳ năm trước (2016)"),
        ("Năm nay", "2020-01-02", "Năm nay (2020)"),
        ("năm nay", "", "năm nay"),
        ("năm 2021", "2022-06-30", "năm 2021"),
        ("năm nay (2022)", "2023-01-01", "năm nay (2022)"),
    ],
)
def test_resolve_relative(rules, period, published, want):
    cp = compiled(rules)
    assert resolve_relative(period, published, cp.relative, cp.cfg.period.relative_years) == want


def test_published_year():
    assert published_year("2021-12-10") == 2021
    assert published_year("") is None
    assert published_year("10/12/2021") is None


def test_contract_same_claims_same_order_only_attribution_fields_change(rules):
    doc, claims = marked("Năm 2021, tổng kinh phí là [338 tỷ đồng], trong đó kinh phí quốc gia là [150 tỷ đồng], "
                         "giảm [50%] so với năm 2020; hỗ trợ [739 cơ sở].")
    got = attribute_claims(doc, claims, rules)
    assert [c.claim_id for c in got] == [c.claim_id for c in claims]
    for before, after in zip(claims, got, strict=True):
        for f in fields(Claim):
            if f.name not in FILLED:
                assert getattr(before, f.name) == getattr(after, f.name), f.name
        assert doc.text[after.sentence_start :].startswith(after.sentence)
    assert [c.subject for c in got] == ["tổng kinh phí", "kinh phí quốc gia", "kinh phí quốc gia", "cơ sở"]
    assert got[2].change == "decrease" and got[2].reference == "năm 2020"
    assert {c.period for c in got} == {"Năm 2021"}


def test_no_claims_no_work(rules):
    assert attribute_claims(Document(doc_id="x", text="Không có số."), [], rules) == []


def test_period_carries_through_the_paragraph_not_past_it(rules):
    got = run(rules, "Năm 2016, doanh thu đạt [44,5 tỷ đồng]. Lợi nhuận đạt [1,4 tỷ đồng].\n"
                     "Giá vàng hôm nay là [37 triệu đồng]/lượng.\nGiá bạc là [500.000 đồng].")
    assert [c.period for c in got] == ["Năm 2016", "Năm 2016", "hôm nay", "Năm 2016"]


def test_lead_period_of_the_title_carries_to_later_paragraphs(rules):
    got = run(rules, "Tổng kết công tác khuyến công năm 2021\n\nKinh phí khuyến công là [338 tỷ đồng].")
    assert got[0].period == "năm 2021"


def test_relative_period_resolved_against_publication_date(rules):
    got = run(rules, "Năm nay, doanh thu dự kiến đạt [500 tỷ đồng].", published="2022-03-01")
    assert got[0].period == "Năm nay (2022)"
    got = run(rules, "Năm nay, doanh thu dự kiến đạt [500 tỷ đồng].")
    assert got[0].period == "Năm nay"


def test_comparison_years_are_references_not_periods(rules):
    got = run(rules, "Doanh thu tăng [12%] so với năm 2020.")
    assert got[0].period == "" and got[0].reference == "năm 2020"


def test_a_sign_set_by_extraction_is_kept(rules):
    doc, claims = marked("Chỉ số VN-Index đạt 1.200 điểm ([3,13%]).")
    claims = [replace(claims[0], change="decrease")]
    assert attribute_claims(doc, claims, rules)[0].change == "decrease"


def test_subject_shared_with_the_figure_before_not_with_a_count(rules):
    got = run(rules, "Chương trình chỉ được giao hơn [75,6 tỷ đồng] cho [46 địa phương], đạt [50%] tổng dự toán.")
    assert got[2].subject == got[0].subject == "Chương trình chỉ được giao"
    assert got[2].base == "tổng dự toán"


def test_missing_sentence_is_filled_from_the_text(rules):
    doc, claims = marked("Mở đầu. Doanh thu đạt [338 tỷ đồng]. Kết thúc.")
    got = attribute_claims(doc, claims, rules)[0]
    assert got.sentence == "Doanh thu đạt 338 tỷ đồng." and got.sentence_start == 8
    assert got.subject == "Doanh thu"


def test_importing_the_taggers_leaves_the_root_logger_alone():
    code = (
        "import logging; before = list(logging.getLogger().handlers);"
        "from pipeline.attribute import nlp; nlp.words('doanh thu');"
        "print(len(logging.getLogger().handlers) == len(before))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"


PIECES = st.sampled_from(
    ["tăng", "giảm", "so với", "năm 2021", "năm nay", "(", ")", ",", ";", ".", ":", "là", "đạt", "chiếm", "cho", "và", "doanh thu", "kinh phí", "người", "/", "lít", "“", "”", "-", "\n", "trong đó", "khoảng", "hơn", "từ", "lên", "xuống", "còn", "gấp", "kế hoạch", "tổng", "  ", "…", "Năm", "Theo", "tại", "sở hữu"]
)
FIGURES = st.sampled_from(["[338 tỷ đồng]", "[12%]", "[739 cơ sở]", "[3 lần]", "[1.200 tấn|quantity]", "[0]"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, FIGURES, st.text(max_size=8).map(lambda s: s.replace("[", "").replace("]", ""))),
                max_size=40),
       st.sampled_from(["", "2022-06-30", "bad"]))
def test_never_raises_and_keeps_offsets(rules, parts, published):
    doc, claims = marked(" ".join(parts))
    got = attribute_claims(replace(doc, published=published), claims, rules)
    assert len(got) == len(claims)
    for c in got:
        assert doc.text[c.start : c.end] == c.text
        assert c.change in ("", "increase", "decrease")
