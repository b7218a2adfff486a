"""The extraction stage's fast paths give what the plain forms they stand for give.

Each shortcut in pipeline.extract.spans and pipeline.segment replaces a slower form with one that
must find the same matches; these tests compare the two on generated texts.
"""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.spans import (
    FLAGS,
    _any_of,
    _ending_phrase,
    _group_end,
    _opening_look_behind,
    _probe_pattern,
    _reverse,
    _tree_source,
    extractor_for,
)
from pipeline.rulefiles import cached_rules, fragment_source
from pipeline.segment import _ABBREV, _BOUNDARY, paragraphs, sentences

WORDS = ["hơn", "hơn cả", "gần", "gần như", "Gần", "vượt", "vượt mức", "từ", "tối đa", "đến", "lên đến", "~"]
PIECES = [*WORDS, " ", "  ", "(", ":", ",", "5", "x", "Hơn", "GẦN", "mức", "\n", "ước tính"]


def _plain_ending(words: list[str]) -> regex.Pattern[str]:
    return regex.compile(r"(?<![\p{L}])(?:" + fragment_source(words) + r")[\s(:]*$", FLAGS)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6, unique=True),
    st.lists(st.sampled_from(PIECES), max_size=10).map("".join),
)
def test_a_phrase_ending_the_text_is_found_as_by_the_plain_list(words: list[str], text: str) -> None:
    plain = _plain_ending(words)
    assert (_ending_phrase(words).search(text) is None) == (plain.search(text) is None)
    for reverse in (True, False):
        tree = _tree_source(words, reverse=reverse)
        assert tree is not None
        pat = regex.compile(r"(?<![\p{L}])" + tree + r"[\s(:]*$", FLAGS | (regex.REVERSE if reverse else 0))
        found, expected = pat.search(text), plain.search(text)
        assert (found is None) == (expected is None)
        if found is not None and expected is not None and not reverse:
            assert found.start() == expected.start()  # the leftmost, so the longest phrase


def test_a_word_with_a_backslash_keeps_the_plain_list() -> None:
    assert _tree_source(["a\\b"], reverse=False) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*PIECES, "khoảng", "trên", "dưới", "ít nhất", "không quá"]), max_size=12).map("".join))
def test_the_qualifier_before_a_claim_is_the_one_the_plain_search_finds(left: str) -> None:
    ex = extractor_for(cached_rules())
    got, expected = ex._before_phrase(left), ex.before_q.search(left)
    assert (got is None) == (expected is None)
    if got is not None and expected is not None:
        assert got.span() == expected.span()
        assert got.groupdict() == expected.groupdict()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["năm", "số", "vài ", "A ", "-", " ", "5", "x", "quận ", "Ba"]), max_size=8).map("".join)
)
def test_joined_exclusions_exclude_what_one_of_them_excludes(text: str) -> None:
    ex = extractor_for(cached_rules())
    befores = [b for _, b, _, _ in ex.exclusions if b is not None]
    joined = _any_of(befores)
    assert len(joined) == 1  # these patterns have no groups of their own: one alternation
    expected = any(b.search(text) for b in befores)
    assert bool(joined[0].search(text)) == expected
    assert bool(_reverse(joined[0]).search(text)) == expected


def test_patterns_with_groups_are_not_joined() -> None:
    a, b = regex.compile(r"(x)\1$"), regex.compile(r"y$")
    assert _any_of([a, b]) == (a, b)


def test_group_end_skips_escapes_and_sets() -> None:
    src = r"(?<=a\)[)(]b)rest"
    assert src[_group_end(src) :] == "rest"
    assert _group_end("(?<=open") == -1


def test_a_probe_pattern_drops_only_the_opening_look_behinds() -> None:
    probe = _probe_pattern(r"(?<=gấp\s+)(?<!x)(?P<n>\d+)(?![\p{L}])")
    assert probe is not None and probe.pattern == r"(?P<n>\d+)(?![\p{L}])"
    assert _probe_pattern(r"(?<=a)b(?<=b)") is None  # a positive look-behind later might look back


def test_an_opening_look_behind_becomes_a_gate() -> None:
    gate = _opening_look_behind(r"(?<=gấp\s+)(?P<n>đôi)")
    assert gate is not None and gate.search("tăng gấp  đôi") and not gate.search("tăng gấp")
    assert _opening_look_behind(r"(?<!gấp\s+)(?P<n>đôi)") is None


# the boundary as first written: a look-behind for the punctuation (slower to scan for)
_PLAIN_BOUNDARY = regex.compile(rf"(?<=[.!?…;])(?<!(?<!\w)(?:{_ABBREV})\.)[\"”’)]*\s+(?=[\"“‘(\-–]?\p{{Lu}}|\d)")
SENTENCE_PIECES = [
    ". ",
    "! ",
    "… ",
    "; ",
    '." ',
    "TP. ",
    "Tp.",
    " A",
    "b",
    "5",
    "\n",
    "  ",
    "\t",
    "(",
    "“",
    "1.500",
    ")",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SENTENCE_PIECES), max_size=14).map("".join))
def test_sentence_boundaries_are_the_plain_look_behind_ones(text: str) -> None:
    expected = []
    for para in paragraphs(text):
        pos = para.start
        for m in _PLAIN_BOUNDARY.finditer(text, para.start, para.end):
            expected.append((pos, m.start(), m.end()))
            pos = m.end()
    got = []
    for para in paragraphs(text):
        pos = para.start
        for m in _BOUNDARY.finditer(text, para.start, para.end):
            got.append((pos, m.start(), m.end()))
            pos = m.end()
    assert got == expected
    for s in sentences(text):
        assert text[s.start : s.end] == s.text and s.text == s.text.strip()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([" ", "\t", "\u00a0", "x", "\n", "\r\n", "đ", "\u2028"]), max_size=12).map("".join))
def test_paragraphs_are_the_stripped_lines(text: str) -> None:
    expected = []
    for m in regex.finditer(r"[^\n\r]+", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            expected.append((s, e, text[s:e]))
    assert [(p.start, p.end, p.text) for p in paragraphs(text)] == expected
