"""Vietnamese number reading: digit conventions, scale words, spelled-out numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract.numbers import parse_amount, parse_compound, parse_digits, parse_spelled

# fmt: off
DIGITS = [
    ("1.500", "1500"), ("3.000.000", "3000000"), ("166,27", "166.27"), ("52.17", "52.17"),
    ("1.165", "1165"), ("1.014.105.000.000", "1014105000000"), ("1.207,13", "1207.13"),
    ("0,081", "0.081"), ("32, 2", "32.2"), ("7", "7"), ("10.5", "10.5"),
]
SPELLED = [
    ("hai mươi lăm", "25"), ("một trăm linh năm", "105"), ("ba tỷ rưỡi", "3500000000"),
    ("nửa tỷ", "500000000"), ("mười", "10"), ("mười lăm", "15"), ("ba mươi mốt", "31"),
    ("hai nghìn tỷ", "2000000000000"), ("một trăm hai mươi nghìn", "120000"),
    ("hai triệu năm trăm nghìn", "2500000"), ("bốn mươi tư", "44"), ("chín trăm lẻ chín", "909"),
    ("hai trăm rưỡi", "250"),
]
AMOUNTS = [
    ("2,5", "nghìn tỷ", "2500000000000"), ("75,6", " tỷ", "75600000000"), ("10,7", "triệu triệu", "10700000000000"),
    ("3", "tỷ rưỡi", "3500000000"), ("3", "vạn", "30000"), ("338", "", "338"),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), DIGITS)
def test_digits(text: str, expected: str) -> None:
    assert parse_digits(text) == Decimal(expected)


@pytest.mark.parametrize(("text", "expected"), SPELLED)
def test_spelled(text: str, expected: str) -> None:
    assert parse_spelled(text) == Decimal(expected)


@pytest.mark.parametrize(("number", "scale", "expected"), AMOUNTS)
def test_amounts(number: str, scale: str, expected: str) -> None:
    assert parse_amount(number, scale) == Decimal(expected)


@pytest.mark.parametrize("text", ["hai ba", "abc", "", "đồng", "năm nay"])
def test_unreadable_spelled_numbers_are_none(text: str) -> None:
    assert parse_spelled(text) is None


@pytest.mark.parametrize("text", ["1,2,3", "abc", "", "1.2.3", "12a"])
def test_unreadable_digits_are_none(text: str) -> None:
    assert parse_digits(text) is None


def test_compound_amounts_need_falling_scales() -> None:
    assert parse_compound("41 tỷ 951 triệu") == Decimal("41951000000")
    assert parse_compound("2 triệu 500 nghìn") == Decimal("2500000")
    assert parse_compound("5 triệu 3 tỷ") is None


@given(st.integers(min_value=1000, max_value=10**15))
def test_grouped_thousands_round_trip(n: int) -> None:
    written = f"{n:,}".replace(",", ".")
    assert parse_digits(written) == n


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=99))
def test_decimal_comma_round_trip(whole: int, frac: int) -> None:
    assert parse_digits(f"{whole},{frac:02d}") == Decimal(f"{whole}.{frac:02d}")
