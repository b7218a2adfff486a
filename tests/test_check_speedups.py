"""The check stage's shortcuts give what the plain forms give: backward cue searches, per-figure
memos, one ``lower`` over many words."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.check.config import compiled
from pipeline.check.examples import parse_example
from pipeline.check.figures import (
    _CLAUSE_BREAK,
    _FIGURE_NUM,
    _JOINT,
    clause_after,
    clause_before,
    clause_of,
    make_figure,
    syllables,
)
from pipeline.check.relations import _QUAL, _QUAL_AT_END, _is_change, _lead_in, _strip_qual
from pipeline.rulefiles import load_rules

CR = compiled(load_rules())
_C = CR.cfg
END_CUES = {
    "to_any": [*_C.change.to_up, *_C.change.to_down],
    "down_end": _C.change.down,
    "up_end": _C.change.up,
    "partition_intro": _C.sum.partition_intro,
    "partition_part": _C.sum.partition_part,
    "times_end": _C.change.times,
    "sanity_share": _C.sanity.share_cue,
    "new_after": _C.change.new_after,
    "share_end": _C.share.cues,
    "whole_before": _C.share.whole_before,
}
ANY_CUES = {
    "parts_intro_any": _C.sum.parts_intro,
    "total_after_parts": _C.sum.total_after_parts,
    "closed_join": _C.sum.closed_list,
    "open_list": _C.sum.open_list,
    "listed": _C.share.listed_cues,
    "total_words": _C.sum.total_words,
    "same_whole_anaphora": _C.share.same_whole_anaphora,
    "average": [w for w in _C.sanity.average_words if w != "/"],
}
_WORDS = sorted(
    {w for words in [*END_CUES.values(), *ANY_CUES.values()] for w in words} | {"so với", "năm 2020", "là", "khoảng", "đạt", "hơn", "ở mức"}
)
# pieces that make texts end with a cue, almost end with one, or run into one (`tăngtrưởng`, `ĐẠT`)
_PIECE = st.one_of(
    st.sampled_from(_WORDS),
    st.sampled_from(_WORDS).map(str.upper),
    st.sampled_from([" ", "  ", "\n", "\t", "\xa0", ":", " : ", ",", "(", "x", "5", "%", "ß", "ΣΑΣ"]),
)
_TEXT = st.lists(_PIECE, max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_backward_end_cue_finds_a_cue_exactly_when_the_forward_one_does(text: str) -> None:
    for name, words in END_CUES.items():
        forward = CR.cue(name, words, "end").search(text)
        assert (CR.ends(name, words).search(text) is None) == (forward is None), (name, text)
    assert (_QUAL_AT_END.search(text) is None) == (_QUAL.search(text) is None)
    either = CR.ends("change_end", [*_C.change.down, *_C.change.up]).search(text) is not None
    assert either == any(CR.cue(n, END_CUES[n], "end").search(text) for n in ("down_end", "up_end"))
    assert _strip_qual(text) == _QUAL.sub("", text)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_backward_cue_finds_a_cue_anywhere_exactly_when_the_forward_one_does(text: str) -> None:
    for name, words in ANY_CUES.items():
        forward = CR.cue(name, words).search(text)
        assert (CR.anywhere(name, words).search(text) is None) == (forward is None), (name, text)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_a_named_total_cue_is_never_found_without_the_cue_itself(text: str) -> None:
    from pipeline.check.relations import _named_intro

    if _named_intro(CR).search(text):
        assert CR.cue("parts_intro_any", _C.sum.parts_intro).search(text)


@given(st.text(alphabet="aAzZ Σσςİıß1 \n,ÐđĐỒồ", max_size=30))
def test_syllables_lower_each_word_as_lowering_it_alone(text: str) -> None:
    import regex

    one_by_one = [m.group(0).lower() for m in regex.finditer(r"[\p{L}\p{N}]+", text)]
    assert syllables(text) == [w for w in one_by_one if not w.isdigit()]


def _fig(text: str):
    _, claims = parse_example(text)
    return make_figure(claims[-1], len(claims) - 1, CR)


def test_clause_memo_is_per_window_text_and_per_figure() -> None:
    text = "Doanh thu quý I của công ty đạt mức cao nhất trong nhiều năm qua và lợi nhuận tăng [5%] so với 2019"
    f = _fig(text)
    windows = (500, 200, 60, 20, 8, 90)
    got = [clause_before(f, n) for n in windows]  # each on a figure whose memo holds the others
    assert got == [clause_before(_fig(text), n) for n in windows]  # each on a fresh figure
    assert len(set(got)) > 1  # the windows do give different clauses: a shared entry would show
    # windows longer than the text before the figure are one text: one entry
    assert len([k for k in f.memo if k[0] == "clause_before"]) == len({min(n, f.rel_start) for n in windows}) < 6  # type: ignore[index]
    assert clause_after(f) == clause_after(_fig(text)) == " so với "


def test_a_changed_figure_does_not_keep_the_memo_of_the_original() -> None:
    f = _fig("Lợi nhuận đạt [5 tỷ đồng]")
    assert _is_change(f, CR) == 0 and f.memo
    g = replace(f, claim=replace(f.claim, change="increase"))
    assert not g.memo and _is_change(g, CR) == 1
    assert f == replace(f) and _is_change(f, CR) == 0  # the memo is no part of a figure's identity


def test_lead_in_is_the_text_before_without_its_qualifiers() -> None:
    f = _fig("Doanh thu tăng khoảng [12%]")
    for n in (5, 12, 40, 400):
        assert _lead_in(f, n) == _strip_qual(f.before(n))
    assert _lead_in(f, 40).endswith("tăng")


def _clause_plain(text: str) -> str:
    """The clause before a figure as first written: every break and number, left to right."""
    cut = 0
    for m in _CLAUSE_BREAK.finditer(text):
        cut = m.end()
    last_num = None
    for m in _FIGURE_NUM.finditer(text):
        last_num = m
    if last_num is not None and last_num.end() > cut:
        tail = text[last_num.end() :]
        joints = list(_JOINT.finditer(tail))
        cut = last_num.end() + (joints[-1].end() if joints else len(tail))
    return text[cut:]


_CLAUSE_PIECE = st.sampled_from(
    [" ", "  ", ",", ", ", "trong đó", "TRONG ĐÓ", "gồm", "bao gồm", "gồmx", "x", ";", ":", "(", ")", "“", "”", '"',
     "[", "]", " - ", "-", "–", " – ", "\n", "\xa0", "12", "2020", "1.500", "3,5", "/", ".", "và", "với", "đó",
     "còn", "cùng", "trong khi", "Với", "19", "0", "khi"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_CLAUSE_PIECE, max_size=14).map("".join))
def test_clause_read_from_the_right_is_the_clause_read_left_to_right(text: str) -> None:
    assert clause_of(text) == _clause_plain(text)


_RATE_PIECE = st.sampled_from(
    [*_C.share.rate_cues, *_C.share.rate_of, *_C.share.rate_phrase_end, "TỶ LỆ", " ", "  ", "\n", ",", "(", "5",
     "hộ nghèo", "dân số", "x", "là", "đạt"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_RATE_PIECE, max_size=10).map(" ".join))
@example("Tỷ lệ hộ nghèo trên dân số là")
def test_a_named_rate_is_never_found_without_a_rate_cue(text: str) -> None:
    from pipeline.check.relations import _named_rate

    if _named_rate(CR).search(text):
        assert CR.anywhere("rate_cues", _C.share.rate_cues).search(text)


_QUAL_PIECE = st.sampled_from(["khoảng", "hơn", "ở mức", "mức", "lên tới", "tới", "là", " ", "  ", "tăng", "x", ",", "5"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_QUAL_PIECE, min_size=1, max_size=16).map(" ".join))
def test_a_short_lead_in_taken_from_the_wide_one_is_the_one_stripped_alone(words: str) -> None:
    f = _fig(f"Doanh thu {words} [5%]")
    _lead_in(f, 40)  # the wide window first, as for most figures
    for n in range(45):
        assert _lead_in(f, n) == _strip_qual(f.before(n)), n
