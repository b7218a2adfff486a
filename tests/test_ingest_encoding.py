"""Decoding: BOMs, UTF-16, Windows-1258, and the legacy TCVN3 (ABC) and VNI font encodings."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from pipeline.ingest import read_bytes
from pipeline.ingest.encoding import (
    DecodeProblem,
    decode_bytes,
    fix_legacy_text,
    from_tcvn3,
    from_vni,
    tcvn3_table,
    to_cp1258,
    to_tcvn3,
    to_vni,
    vni_tables,
)
from pipeline.model import Document, ReadError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
SAMPLE = (FIXTURES / "sample_vi.txt").read_text(encoding="utf-8")

BASES = "aăâeêioôơuưy"
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
ALL_LOWER = "".join(unicodedata.normalize("NFC", b + t) for b in BASES for t in TONES) + "đ"
ALL_LETTERS = ALL_LOWER + ALL_LOWER.upper()


def test_tables_cover_every_vietnamese_letter() -> None:
    tcvn3 = set(tcvn3_table().values())
    assert set(ALL_LOWER) - {"a", "e", "i", "o", "u", "y"} <= tcvn3
    assert {"Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"} <= tcvn3
    assert len(tcvn3) == len(tcvn3_table())  # one byte per letter
    letters, marks = vni_tables()
    assert set(letters.values()) >= {"đ", "Đ", "ơ", "Ơ", "ư", "Ư", "ĩ", "Ĩ", "ị", "Ị"}
    assert len(marks) == 34  # 17 mark bytes (5 tones, 2 shapes, 10 shape+tone), lower and upper case


def test_tcvn3_round_trip_all_letters() -> None:
    # TCVN3's text font has no toned capitals: only lower case and the seven plain capitals
    text = ALL_LOWER + " ĂÂÊÔƠƯĐ " + SAMPLE.lower()
    assert from_tcvn3(to_tcvn3(text).decode("latin-1")) == unicodedata.normalize("NFC", text)


def test_vni_round_trip_all_letters() -> None:
    text = ALL_LETTERS + " " + SAMPLE
    assert from_vni(to_vni(text).decode("cp1252")) == unicodedata.normalize("NFC", text)


@pytest.mark.parametrize(
    ("word", "tcvn3", "vni"),
    [  # spellings as printed in the published charts' examples
        ("Việt", "ViÖt", "Vieät"),
        ("đồng", "®ång", "ñoàng"),
        ("người", "ng\u00adêi", "ngöôøi"),
        ("năm", "n¨m", "naêm"),
        ("nghĩa", "nghÜa", "nghóa"),
        ("chỉ", "chØ", "chæ"),
    ],
)
def test_known_spellings(word: str, tcvn3: str, vni: str) -> None:
    assert from_tcvn3(tcvn3) == word
    assert from_vni(vni) == word


def test_tcvn3_headings_in_the_capitals_font_become_capitals() -> None:
    # .VnTimeH draws capitals at the lower-case bytes: "TỔNG KẾT" is stored as "TæNG KÕT"
    assert from_tcvn3("TæNG KÕT N¡M 2021: ViÖt Nam") == "TỔNG KẾT NĂM 2021: Việt Nam"


def test_tcvn3_rejects_toned_capitals() -> None:
    with pytest.raises(ValueError, match="no TCVN3"):
        to_tcvn3("VIỆT")


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("utf-16"), "utf-16"),
        (b"\xfe\xff" + SAMPLE.encode("utf-16-be"), "utf-16"),
        (SAMPLE.encode("utf-16-le"), "utf-16"),
        (SAMPLE.encode("utf-16-be"), "utf-16"),
        (unicodedata.normalize("NFD", SAMPLE).encode("utf-16-le"), "utf-16"),
        (SAMPLE.encode("utf-32"), "utf-32"),
        (to_cp1258(SAMPLE), "cp1258"),
        (to_vni(SAMPLE), "vni"),
        (to_vni(SAMPLE).decode("cp1252").encode("utf-8"), "utf-8+vni"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16-bom",
        "utf16be-bom",
        "utf16le",
        "utf16be",
        "utf16le-nfd",
        "utf32",
        "cp1258",
        "vni",
        "vni-as-utf8",
    ],
)
def test_decodes_to_the_same_text(data: bytes, encoding: str) -> None:
    got = decode_bytes(data)
    assert got.encoding == encoding
    assert unicodedata.normalize("NFC", got.text) == SAMPLE


@pytest.mark.parametrize("wrap", [lambda b: b, lambda b: b.decode("latin-1").encode("utf-8")], ids=["raw", "as-utf8"])
def test_tcvn3_is_detected_and_converted(wrap) -> None:  # type: ignore[no-untyped-def]
    got = decode_bytes(wrap(to_tcvn3(SAMPLE.lower())))
    assert got.encoding.endswith("tcvn3")
    assert got.text == SAMPLE.lower()


def test_cp1258_writes_combining_tones_that_become_nfc() -> None:
    data = to_cp1258("Việt Nam tăng 5%")
    assert b"\xf2" in data  # the combining dot below of Windows-1258: the letter is not precomposed
    [doc] = read_bytes(data, "a.txt", ".txt")
    assert isinstance(doc, Document)
    assert doc.text == "Việt Nam tăng 5%"
    assert doc.meta["encoding"] == "cp1258"


def test_unicode_text_with_latin1_symbols_is_not_converted() -> None:
    text = "Nhiệt độ 35°C, giảm ½ so với «hôm qua» © 2021 · 3×4 ± 1 — đạt 338 tỷ đồng. " * 3
    assert fix_legacy_text(text) == (text, "")


def test_unknown_8bit_encoding_is_reported() -> None:
    greek = ("Ελληνικά κείμενα με αριθμούς 2021 και ποσοστά 15%. " * 10).encode("cp1253")
    with pytest.raises(DecodeProblem) as e:
        decode_bytes(greek)
    assert e.value.code == "E015"
    [err] = read_bytes(greek, "greek.txt", ".txt")
    assert isinstance(err, ReadError)
    assert err.error.startswith("[E015] greek.txt: unknown text encoding")


def test_mostly_english_8bit_text_is_read() -> None:
    got = decode_bytes(("The café reported revenue of 5 million dollars in 2021. " * 5).encode("cp1252"))
    assert "café" in got.text


def test_truncated_utf8_character_at_the_end_is_dropped_and_noted() -> None:
    data = "Doanh thu đạt 338 tỷ đ".encode()[:-1]  # cut inside the two bytes of "đ"
    got = decode_bytes(data)
    assert got.text == "Doanh thu đạt 338 tỷ "
    assert "truncated" in got.note


def test_utf8_with_a_few_stray_bytes_is_kept() -> None:
    data = SAMPLE.encode("utf-8") + b" \x92 " + SAMPLE.encode("utf-8")
    got = decode_bytes(data)
    assert got.text.count("\ufffd") == 1
    assert "invalid UTF-8" in got.note


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 4, b"\x00\x01\x02\x03" * 100, b"abc\x00def", b"\x01\x02\x03\x04\x05 text \x06\x07\x08"],
)
def test_binary_is_reported(data: bytes) -> None:
    with pytest.raises(DecodeProblem) as e:
        decode_bytes(data)
    assert e.value.code == "E011"
