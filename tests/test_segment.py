from __future__ import annotations

import pytest

from pipeline.segment import paragraphs, sentence_at, sentences

# fmt: off
CASES = [
    ("Doanh thu đạt 1.500 tỷ đồng. Lợi nhuận tăng 93,26%.", ["Doanh thu đạt 1.500 tỷ đồng.", "Lợi nhuận tăng 93,26%."]),
    ("Tiêu đề\n\nĐoạn một có 3,5 ha. Đoạn hai.", ["Tiêu đề", "Đoạn một có 3,5 ha.", "Đoạn hai."]),
    ("Giá 52.17 USD mỗi thùng.", ["Giá 52.17 USD mỗi thùng."]),
    ("Giá vàng tại TP. HCM tăng. Phim Vol. 2 đạt 6 triệu USD.", ["Giá vàng tại TP. HCM tăng.", "Phim Vol. 2 đạt 6 triệu USD."]),
    ("Doanh thu 5 tỷ USD. Tp. Hà Nội và TS. Lê Văn A.", ["Doanh thu 5 tỷ USD.", "Tp. Hà Nội và TS. Lê Văn A."]),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_sentences_keep_offsets_and_do_not_split_numbers(text: str, expected: list[str]) -> None:
    got = sentences(text)
    assert [s.text for s in got] == expected
    for s in got:
        assert text[s.start : s.end] == s.text


def test_sentence_at_finds_the_sentence_holding_an_offset() -> None:
    text = "Một câu. Hai câu có 5 người."
    spans = sentences(text)
    s = sentence_at(spans, text.index("5"))
    assert s is not None and s.text == "Hai câu có 5 người."
    assert sentence_at(spans, len(text) + 5) is None


def test_paragraphs_strip_whitespace_but_keep_offsets() -> None:
    text = "  \tA b  \n\n C \n"
    ps = paragraphs(text)
    assert [(p.text, text[p.start : p.end]) for p in ps] == [("A b", "A b"), ("C", "C")]
