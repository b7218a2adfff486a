"""The attribute stage's shortcuts give what the plain forms they replace give.

Each shortcut (a cue matched from the end, a letter tree, the acronym search near its bracket,
the clause start found backwards, segmentation through underthesea's parts) is compared with
the straightforward form on texts built to reach its edge cases.
"""

from __future__ import annotations

import random

import pytest
import regex
from test_attribute_rules import CASES
from test_attribute_support import attribution_rules

from pipeline.attribute import core, nlp
from pipeline.attribute.config import EndPattern, compiled, tree_source, words_source

_END_PATTERNS = ["change_end", "change_then_time", "between_end", "same_change_end", "verb_noun_end", "trail"]


@pytest.fixture(scope="module")
def cp(tmp_path_factory):
    return compiled(attribution_rules(tmp_path_factory.mktemp("attr")))


def _texts() -> list[str]:
    """Rule examples without brackets, every prefix of them, and a few with odd endings."""
    out: list[str] = []
    for param in CASES:
        text = regex.sub(r"\[([^\]|]+)(?:\|\w+)?\]", r"\1", param.values[1].text)
        out += [text[:i] for i in range(len(text) + 1)]
    out += ["giá tăng lên\n", "giá tăng lên \n\n", "tăng  ,: ", "đã đã đã", "Tăng", "ước  tính\tkhoảng", ""]
    return out


@pytest.mark.parametrize("name", _END_PATTERNS)
def test_an_end_pattern_finds_the_forward_search_s_match(cp, name):
    p: EndPattern = getattr(cp, name)
    plain = regex.compile(p.pattern, p.forward.flags)
    hits = 0
    for text in _texts():
        want, got = plain.search(text), p.search(text)
        assert (got and (got.span(), got.groupdict())) == (want and (want.span(), want.groupdict())), text
        assert p.ends(text) is (want is not None)
        hits += want is not None
    assert hits, "the texts reach the pattern"


def test_a_letter_tree_matches_the_same_words():
    words = ["tăng", "tăng lên", "tăng  thêm", "lên", "đẩy lên", "giảm", "v.v", "lên đến"]
    tree = regex.compile(tree_source(words) or "", regex.IGNORECASE | regex.V1)
    plain = regex.compile(words_source(words), regex.IGNORECASE | regex.V1)
    rnd = random.Random(7)
    parts = ["tăng", "lên", "thêm", "đẩy", "giảm", "đến", "v.v", "v", " ", "  ", ",", "x", "Tăng", "LÊN"]
    for _ in range(3000):
        text = "".join(rnd.choice(parts) for _ in range(rnd.randint(0, 6)))
        for pos in range(len(text) + 1):
            assert (plain.match(text, pos) is None) == (tree.match(text, pos) is None), (text, pos)


def test_no_letter_tree_for_a_word_a_character_folds_to():
    assert tree_source(["strasse"]) is None  # `ß` folds to `ss`
    assert tree_source(["tăng"]) is not None


def test_acronym_names_are_those_the_whole_text_search_finds():
    texts = [
        "Chỉ số giá tiêu dùng (CPI) tăng, tổng sản phẩm trong nước (GDP) và (FDI) cùng (AB)(CD).",
        "x" * 120 + " (ABC) " + "tên rất dài " * 10 + "(DEF)",
        "a (b (CPI) và quỹ đầu tư    \n\t  (ETF), vốn\u00a0(VỐN)",
        "Ngân hàng Nhà nước (NHNN) (NHNN) và Bộ Tài chính(BTC)",
    ]
    found = 0
    for text in texts:
        want = [(m.span(), m.groupdict()) for m in core._ACRONYM_DEF.finditer(text)]
        got = [(m.span(), m.groupdict()) for m in core._acronym_defs(text)]
        assert got == want, text
        found += len(want)
    assert found >= 5


def _clause_start_forwards(sent: str, at: int, floor: int) -> int:
    last = -1
    for m in core._BOUNDARY.finditer(core.blank_brackets(sent[floor:at])):
        last = m.end()
    return floor + last if last >= 0 else floor


def test_a_clause_starts_where_the_forward_scan_says():
    sents = [
        "Doanh thu - - lợi nhuận – - 5%, (ghi chú: a; b) “x” … Hà Nội.Đà Nẵng 1,5 và 2, 3",
        " - - - - x - y",
        "a (b - - c) - - d, e",
    ]
    for sent in sents:
        for at in range(len(sent) + 1):
            for floor in range(at + 1):
                assert core.clause_start.__wrapped__(sent, at, floor) == _clause_start_forwards(sent, at, floor)


def test_squash_reads_spaces_as_the_regex_does():
    rnd = random.Random(3)
    chars = [" ", "\t", "\n", "\u00a0", "\u3000", "\x1c", "\x1f", "a", ",", "-", "–", "(", ";"]
    for _ in range(5000):
        text = "".join(rnd.choice(chars) for _ in range(rnd.randint(0, 10)))
        assert core.squash(text) == core._SPACE.sub(" ", text).strip(" ,;:-–("), repr(text)


def test_segmentation_gives_underthesea_s_words():
    f = nlp.load()
    texts = [
        "Doanh thu thuần đạt",
        "tổng kim ngạch xuất khẩu hàng hóa của Việt Nam",
        "Công ty TNHH Anh Trí, ngày 12/5/2021 lúc 10:30",
        "đồng hồ",
        "v.v... và email abc@example.com",
        "ð",
    ]
    for text in texts:
        assert f["segment"](text) == f["word_tokenize"](text), text


def test_an_end_pattern_sees_a_match_before_a_final_newline():
    # `$` matches before a final newline too; this tail cannot take the newline itself
    p = EndPattern(rf"{words_source(['tăng'])}\.?$", ["tăng"], r"\.?$")
    for text in ("giá tăng\n", "giá tăng.\n", "giá tăng"):
        assert p.search(text) is not None and p.ends(text), repr(text)
    assert p.search("giá tăng\n\n") is None
