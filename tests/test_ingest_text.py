"""Text normalisation before rules match: NFC, tone placement, spaces, invisible characters."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from pipeline.ingest import normalize_text, read_bytes, read_document
from pipeline.ingest.text import clean_characters, normalize_tones

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"

# fmt: off
TONES = [
    # (new style, old style)
    ("hoà", "hòa"), ("Hoà", "Hòa"), ("HOÀ", "HÒA"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("toà", "tòa"),
    ("uỷ ban", "ủy ban"), ("Thuý", "Thúy"), ("hoạ", "họa"), ("loã", "lõa"), ("nguỵ", "ngụy"), ("xoè", "xòe"),
]
UNCHANGED = [
    "quý", "Quý", "QUÝ", "quá", "quỳ", "hoàn", "toán", "khuỷu", "ngoài", "hoài", "quyết", "của", "mùa", "thuế",
    "Zoë", "hoa", "thuy",
]
# fmt: on


@pytest.mark.parametrize(("new", "old"), TONES)
def test_tone_placement_both_ways(new: str, old: str) -> None:
    assert normalize_tones(new, "old") == old
    assert normalize_tones(old, "new") == new
    assert normalize_tones(old, "old") == old
    assert normalize_tones(new, "keep") == new


@pytest.mark.parametrize("word", UNCHANGED)
def test_tone_placement_leaves_other_syllables(word: str) -> None:
    assert normalize_tones(word, "old") == word
    assert normalize_tones(word, "new") == word


def test_tone_placement_in_running_text_keeps_length() -> None:
    text = "Ủy ban hoà giải, thuỷ sản và quý I: hoàn thành 93,26% kế hoạch, khoẻ mạnh."
    out = normalize_text(text)
    assert out == "Ủy ban hòa giải, thủy sản và quý I: hoàn thành 93,26% kế hoạch, khỏe mạnh."
    assert len(out) == len(text)


def test_nfd_becomes_nfc() -> None:
    nfc = "Doanh thu đạt 338 tỷ đồng, tăng 12,5% so với năm trước."
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    assert normalize_text(nfd) == nfc


def test_space_like_characters_become_spaces_in_place() -> None:
    text = "Giá 1\u00a0500 đồng, 2\u2009300 người, 4\u202f000 tấn, 5\u2007000 ha, 6\u3000000 m"
    out = normalize_text(text)
    assert out == "Giá 1 500 đồng, 2 300 người, 4 000 tấn, 5 000 ha, 6 000 m"
    assert len(out) == len(text)


def test_invisible_characters_are_removed() -> None:
    text = "Doanh\u200b thu\u00ad 3\u200d38\u2060 tỷ\ufeff đồng"
    assert normalize_text(text) == "Doanh thu 338 tỷ đồng"


def test_removing_an_invisible_character_lets_marks_compose() -> None:
    # a zero-width space between a letter and its combining tone: after removal NFC must still compose
    assert normalize_text("tăng 5%, ha\u200b\u0300 nội") == "tăng 5%, hà nội"


def test_controls_and_full_width_digits() -> None:
    assert clean_characters("a\x00b\x1fc\u2028d") == "a b c\nd"
    assert normalize_text("tăng １５％") == "tăng 15%"


def test_clean_text_is_returned_as_is() -> None:
    text = "Năm 2021, doanh thu đạt 338 tỷ đồng.\r\nLợi nhuận 45 tỷ đồng."
    assert normalize_text(text) == text


def _plain_files() -> list[Path]:
    files = [*sorted(CORPUS.rglob("*.txt")), FIXTURES / "sample_vi.txt"]
    return [p for p in files if p.exists()]


@pytest.mark.parametrize("path", _plain_files(), ids=lambda p: p.name)
def test_utf8_txt_document_text_is_the_nfc_of_the_file(path: Path) -> None:
    """Gold offsets are into the NFC text: ingest may only change characters in place."""
    nfc = unicodedata.normalize("NFC", path.read_bytes().decode("utf-8-sig"))
    [doc] = read_document(path, path.parent)
    assert len(doc.text) == len(nfc)
    differ = {(a, b) for a, b in zip(doc.text, nfc, strict=True) if a != b}
    # only spaces replacing space-like characters, and tone placement swaps inside oa/oe/uy pairs
    for got, was in differ:
        assert (got == " " and was.isspace()) or unicodedata.normalize("NFD", got)[0] in "oaeuyOAEUY", (got, was)


def test_plain_text_needing_nothing_is_exactly_the_file() -> None:
    text = "Tiêu đề\n\nNăm 2021, doanh thu đạt 338 tỷ đồng, tăng 20% so với năm 2020.\r\nHết.\n"
    [doc] = read_bytes(text.encode("utf-8"), "a.txt", ".txt")
    assert doc.text == text
    [doc] = read_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"), "a.txt", ".txt")
    assert doc.text == text
