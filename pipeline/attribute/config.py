"""The schema of ``rules/attribution.yaml`` and its compiled form (whole-word cue regexes)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import regex
from pydantic import BaseModel, ConfigDict

from pipeline.rulefiles import RuleSet


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Example(_Strict):
    """A sentence with the claim in [brackets] and the fields it must (or must not) get."""

    text: str
    expect: dict[str, str]
    kind: str = ""
    unit: str = ""


class _Section(_Strict):
    examples: list[Example] = []
    counter_examples: list[Example] = []


class ChangeRules(_Section):
    increase: list[str]
    decrease: list[str]
    from_to_after: list[str]
    to_level: list[str]
    not_change: list[str]
    nouns_increase: list[str]
    nouns_decrease: list[str]
    between: list[str]
    same_change: list[str]


class ReferenceRules(_Section):
    cues: list[str]
    stop: list[str]
    bare: list[str]


class BaseRules(_Section):
    not_start: list[str]
    plan_nouns: list[str]
    before: list[str]
    heads: list[str]
    stop: list[str]
    share_cues: list[str]
    ownership: list[str]
    ownership_at: list[str]
    strip: list[str]


class SubjectRules(_Section):
    predicates: list[str]
    kept_verbs: list[str]
    verb_nouns: dict[str, str]
    with_words: list[str]
    not_predicates: list[str]
    restart: list[str]
    lead: list[str]
    trail: list[str]
    count_stop: list[str]
    beneficiary: list[str]
    beneficiary_words: int
    passive_word: str
    count_max_words: int
    list_item_name: str
    list_heading: str
    max_syllables: int
    per_unit_word: str
    org_heads: list[str]
    org_max_words: int
    drop_words: list[str]
    event_nouns: list[str]
    for_whom: list[str]
    have: list[str]
    have_owner_words: int
    change_nouns: dict[str, str]
    report_verbs: list[str]
    for_whom_words: int


class PeriodRules(_Section):
    patterns: list[str]
    bare_year: str
    relative_years: dict[str, int]


class AttributionRules(_Strict):
    change: ChangeRules
    reference: ReferenceRules
    base: BaseRules
    subject: SubjectRules
    period: PeriodRules

    def sections(self) -> dict[str, _Section]:
        return {"change": self.change, "reference": self.reference, "base": self.base,
                "subject": self.subject, "period": self.period}


def words_source(words: list[str]) -> str:
    """An alternation of whole words/phrases, longest first, any spacing between syllables."""
    alts = sorted({w.strip() for w in words if w.strip()}, key=lambda w: (-len(w), w))
    body = "|".join(r"\s+".join(regex.escape(p) for p in w.split()) for w in alts)
    return rf"(?<![\w])(?:{body})(?![\w])"


# strings that one character full-case-folds to (`ß` -> `ss`): a case-insensitive literal may
# match that character, which a letter tree splitting the string could not
_MULTI_FOLDS = sorted({chr(i).casefold() for i in range(0x110000) if len(chr(i).casefold()) > 1})


def tree_source(words: list[str]) -> str | None:
    """The language of ``words_source(words)`` as a tree of shared endings (`lên|tăng lên|đẩy
    lên` -> `(?:tăng\\s+|đẩy\\s+)?lên`), which a backward search tries much faster; only for
    asking whether it matches (which alternative does is not kept). None when a word holds a
    string some character full-case-folds to."""
    seqs = {tuple(_tokens(w)) for w in words if w.strip()}
    if not seqs or any(f in w.casefold() for w in words for f in _MULTI_FOLDS):
        return None
    return rf"(?<![\w])(?:{_tree(seqs)})(?![\w])"


def _tokens(word: str) -> list[str]:
    out: list[str] = []
    for k, syl in enumerate(word.split()):
        if k:
            out.append(r"\s+")
        out.extend(regex.escape(ch) for ch in syl)
    return out


def _tree(seqs: set[tuple[str, ...]]) -> str:
    """Alternatives sharing their last tokens (the backward search reads them from the end)."""
    tails: dict[str, set[tuple[str, ...]]] = {}
    for seq in seqs:
        tails.setdefault(seq[-1], set()).add(seq[:-1])
    alts = []
    for tail in sorted(tails):
        rest = {r for r in tails[tail] if r}
        if not rest:
            alts.append(tail)
            continue
        sub = _tree(rest)
        if () in tails[tail]:
            alts.append(f"(?:{sub})?{tail}")
        elif len({r[-1] for r in rest}) > 1:
            alts.append(f"(?:{sub}){tail}")
        else:
            alts.append(sub + tail)  # one way on: no group needed
    return "|".join(alts)


def _c(source: str) -> regex.Pattern[str]:
    return regex.compile(source, regex.IGNORECASE | regex.V1)


_WORD_RUN = regex.compile(r"\w+", regex.V1)
_WORD_RUNS_BACK = regex.compile(r"\w+", regex.V1 | regex.REVERSE)


class EndPattern:
    """A cue pattern anchored at the end of the text (``…\\W*$``, the words right before a number).

    Searched forwards, such a pattern is tried at every position of the clause; matched from
    the end (``regex.REVERSE``) it is tried there only and fails at once where no cue ends the
    text, which is most texts. The same matches exist either way, so the backward match only says
    whether there is one; where there is, the forward search returns the leftmost match, as the
    rules were written for.

    ``words``: the cue words, when nothing else in the pattern can match a word character (the
    cues are whole words, the rest is spaces and punctuation). A match then covers at most as
    many runs of word characters as the longest cue has, so the forward search starts after the
    run before those: no match can start earlier, and the leftmost one is the same.
    """

    def __init__(self, source: str, words: list[str] | None = None, tail: str = r"\W*$") -> None:
        self.forward = _c(source)
        tree = tree_source(words) if words is not None else None
        # existence only: the words as a letter tree, then what may follow them
        backward = tree + tail if tree is not None else source
        self.backward = regex.compile(backward, self.forward.flags | regex.REVERSE)
        self.pattern = source
        self.runs = max((len(_WORD_RUN.findall(w)) for w in words), default=0) if words is not None else -1

    def search(self, text: str) -> regex.Match[str] | None:
        if not self.ends(text):
            return None
        return self.forward.search(text, self._floor(text))

    def ends(self, text: str) -> bool:
        """Whether the pattern matches ``text`` (at its end)."""
        if text.endswith("\n"):  # `$` also matches before a final newline
            return self.backward.search(text) is not None
        # backwards, `match` tries the end of the text only, where the match must end
        return self.backward.match(text) is not None

    def _floor(self, text: str) -> int:
        """Where the leftmost match can start at the earliest (0 when not known)."""
        if self.runs < 0:
            return 0
        for k, run in enumerate(_WORD_RUNS_BACK.finditer(text)):
            if k == self.runs:
                return run.end()
        return 0


@dataclass
class Compiled:
    """Regexes built once per rules version."""

    cfg: AttributionRules
    # results of pure functions of a clause under these rules (pipeline.attribute.core), by name
    memo: dict[str, dict[Any, Any]] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def change_end(self) -> EndPattern:
        ch = self.cfg.change
        return EndPattern(
            rf"(?:(?P<level>{words_source([*ch.to_level, *ch.not_change])})|(?P<up>{words_source(ch.increase)})"
            rf"|(?P<down>{words_source(ch.decrease)}))\W*$",
            [*ch.to_level, *ch.not_change, *ch.increase, *ch.decrease],
        )

    @cached_property
    def change_anywhere(self) -> regex.Pattern[str]:
        return _c(self.change_end.pattern.removesuffix(r"\W*$"))

    @cached_property
    def change_then_time(self) -> EndPattern:
        """`cao hơn năm 2016 1,7%`: a change cue, then the time it compares with, then the number."""
        ch, p = self.cfg.change, self.cfg.period
        times = "|".join(f"(?:{x})" for x in [*p.patterns, p.bare_year, words_source(self.cfg.reference.bare)])
        return EndPattern(
            rf"(?:(?P<up>{words_source(ch.increase)})|(?P<down>{words_source(ch.decrease)}))"
            rf"\s+(?:so\s+với\s+)?(?P<ref>{times})\W*$"
        )

    @cached_property
    def between_end(self) -> EndPattern:
        return EndPattern(rf"{words_source(self.cfg.change.between)}\W*$", self.cfg.change.between)

    @cached_property
    def same_change_end(self) -> EndPattern:
        same = self.cfg.change.same_change
        return EndPattern(rf"{words_source(same)}[\W]*$", same, r"[\W]*$")

    @cached_property
    def noun_up(self) -> regex.Pattern[str]:
        return _c(words_source(self.cfg.change.nouns_increase))

    @cached_property
    def noun_down(self) -> regex.Pattern[str]:
        return _c(words_source(self.cfg.change.nouns_decrease))

    @cached_property
    def ref_after(self) -> regex.Pattern[str]:
        r = self.cfg.reference
        return _c(rf"^[\s,]*(?:{words_source(r.cues)})\s+(?P<ref>.+)")

    @cached_property
    def ref_inside(self) -> regex.Pattern[str]:
        return _c(rf"{words_source(self.cfg.reference.cues)}\s+")

    @cached_property
    def ref_stop(self) -> regex.Pattern[str]:
        # a dash ends a reference unless it joins two years (`giai đoạn 2006 - 2008`)
        return _c(rf"[,;:.!?()\[\]\"“”]|(?<!\d)\s-\s|\s-\s(?!\d)|{words_source(self.cfg.reference.stop)}")

    @cached_property
    def ref_bare(self) -> regex.Pattern[str]:
        return _c(rf"^\s*(?P<ref>{words_source(self.cfg.reference.bare)})\s*")

    @cached_property
    def base_not_start(self) -> regex.Pattern[str]:
        return _c(rf"^\s*{words_source(self.cfg.base.not_start)}")

    @cached_property
    def base_plan(self) -> regex.Pattern[str]:
        b = self.cfg.base
        return _c(rf"^[\s,]*(?:so\s+với)\s+(?P<np>(?:{words_source(b.plan_nouns)}).*)")

    @cached_property
    def base_stop(self) -> regex.Pattern[str]:
        return _c(rf"^{words_source(self.cfg.base.stop)}$")

    @cached_property
    def base_head(self) -> regex.Pattern[str]:
        return _c(rf"^\s*{words_source(self.cfg.base.heads)}")

    @cached_property
    def share_end(self) -> regex.Pattern[str]:
        return _c(rf"{words_source(self.cfg.base.share_cues)}\W*$")

    @cached_property
    def from_level(self) -> regex.Pattern[str]:
        # the old level may carry its per-unit or year before the new one (`từ 20 tỷ năm 2017 còn 10 tỷ`)
        to = words_source(self.cfg.change.from_to_after)
        return _c(rf"^[^.;:]{{0,16}}?(?:{to})\s+(?:\w+\s+)?\d")

    @cached_property
    def ownership(self) -> regex.Pattern[str]:
        return _c(words_source(self.cfg.base.ownership))

    @cached_property
    def ownership_at(self) -> regex.Pattern[str]:
        return _c(rf"^\s*(?:{words_source(self.cfg.base.ownership_at)})\s+(?P<np>.+)")

    @cached_property
    def base_before(self) -> regex.Pattern[str]:
        return _c(words_source(self.cfg.base.before))

    @cached_property
    def base_strip(self) -> regex.Pattern[str]:
        return _c(rf"^\s*{words_source(self.cfg.base.strip)}\s*")

    @cached_property
    def predicates(self) -> regex.Pattern[str]:
        s = self.cfg.subject
        return _c(
            rf"(?P<kept>{words_source(s.kept_verbs)})|(?P<with>{words_source(s.with_words)})"
            rf"|{words_source(s.predicates)}"
        )

    @cached_property
    def not_predicate(self) -> regex.Pattern[str]:
        return _c(words_source([*self.cfg.subject.not_predicates, *self.cfg.change.not_change]))

    @cached_property
    def drop_words(self) -> regex.Pattern[str]:
        return _c(rf"\s*{words_source(self.cfg.subject.drop_words)}")

    @cached_property
    def event_noun(self) -> regex.Pattern[str]:
        return _c(rf"^\s*{words_source(self.cfg.subject.event_nouns)}")

    @cached_property
    def for_whom(self) -> regex.Pattern[str]:
        return _c(rf"\s*(?P<cue>{words_source(self.cfg.subject.for_whom)})\s+(?P<np>[^,;:.!?()\[\]\"“”]+)")

    @cached_property
    def have_end(self) -> regex.Pattern[str]:
        return _c(rf"{words_source(self.cfg.subject.have)}\W*$")

    @cached_property
    def of_name(self) -> regex.Pattern[str]:
        """`của Công viên Thống Nhất`, `của TAC`: `của` and a name (an organisation head may hold
        lower-case syllables; a bare head such as `Ngân hàng` is no name)."""
        heads = words_source(self.cfg.subject.org_heads)
        run = r"\p{Lu}[\w-]*(?:\s+(?:\p{Lu}[\w-]*|\d+))*"
        return regex.compile(rf"(?<!\w)của\s+(?P<name>(?:{heads}\s+)?{run})", regex.V1)

    @cached_property
    def org_head_word(self) -> regex.Pattern[str]:
        return regex.compile(words_source(self.cfg.subject.org_heads), regex.V1)

    @cached_property
    def reported(self) -> regex.Pattern[str]:
        aux = words_source(["đã", "vừa", "mới", "cũng"])
        return _c(rf"^(?P<who>.+?)\s+(?:{aux}\s+)*{words_source(self.cfg.subject.report_verbs)}\s+(?P<what>.+)$")

    @cached_property
    def report_verb(self) -> regex.Pattern[str]:
        """A report verb anywhere (``reported`` cannot match without one)."""
        return _c(words_source(self.cfg.subject.report_verbs))

    @cached_property
    def org_head(self) -> regex.Pattern[str]:
        # case-sensitive: `Công ty …` opens a name, `công ty này` does not
        return regex.compile(rf"^{words_source(self.cfg.subject.org_heads)}\s+\S", regex.V1)

    @cached_property
    def lead(self) -> regex.Pattern[str]:
        return _c(rf"^[\s,]*{words_source(self.cfg.subject.lead)}[\s,]*")

    @cached_property
    def beneficiary_end(self) -> regex.Pattern[str]:
        return _c(rf"{words_source(self.cfg.subject.beneficiary)}\W*$")

    @cached_property
    def list_item_name(self) -> regex.Pattern[str]:
        return _c(self.cfg.subject.list_item_name)

    @cached_property
    def list_heading(self) -> regex.Pattern[str]:
        return _c(self.cfg.subject.list_heading)

    @cached_property
    def list_heading_any(self) -> regex.Pattern[str]:
        """``list_heading`` searched from the end: whether a text holds a heading, without trying
        its lazy measure at every position (most paragraphs have none)."""
        return regex.compile(self.list_heading.pattern, self.list_heading.flags | regex.REVERSE)

    @cached_property
    def verb_noun_end(self) -> EndPattern:
        verbs = list(self.cfg.subject.verb_nouns)
        return EndPattern(rf"(?P<verb>{words_source(verbs)})\W*$", verbs)

    @cached_property
    def restart(self) -> regex.Pattern[str]:
        return _c(words_source(self.cfg.subject.restart))

    @cached_property
    def trail(self) -> EndPattern:
        trail = self.cfg.subject.trail
        return EndPattern(rf"[\s,]*{words_source(trail)}[\s,:]*$", trail, r"[\s,:]*$")

    @cached_property
    def count_stop(self) -> regex.Pattern[str]:
        return _c(rf"^{words_source(self.cfg.subject.count_stop)}$")

    @cached_property
    def period(self) -> regex.Pattern[str]:
        p = self.cfg.period
        # a period starts a word: rejecting mid-word positions first halves the scan
        return _c(r"(?<!\w)(?:" + "|".join(f"(?:{x})" for x in [*p.patterns, p.bare_year]) + ")")

    @cached_property
    def period_lower(self) -> re.Pattern[str] | None:
        """The period regex for lower-cased text, matched case-sensitively with the stdlib engine
        (5x faster on this alternation than case-folding ``regex``); None when the pattern uses
        escapes whose meaning lower-casing would change or syntax only ``regex`` knows."""
        src = self.period.pattern
        if regex.search(r"\\[A-Zp]", src.replace(r"\\", "")):
            return None
        try:
            return re.compile(src.lower())
        except re.error:
            return None

    @cached_property
    def relative(self) -> regex.Pattern[str]:
        return _c(words_source(list(self.cfg.period.relative_years)))


_CACHE: dict[str, Compiled] = {}


def compiled(rules: RuleSet) -> Compiled:
    hit = _CACHE.get(rules.version)
    if hit is None:
        hit = _CACHE[rules.version] = Compiled(rules.validate("attribution", AttributionRules))
    return hit
