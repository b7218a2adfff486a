"""The schema of ``rules/checks.yaml`` and its compiled form (cue regexes, Decimal thresholds)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Annotated

import regex
from pydantic import BaseModel, ConfigDict, Field

from pipeline.rulefiles import RuleSet


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tolerance(_Strict):
    approx_relative: Decimal
    exact_counts: bool = True
    rounded_zeros: int = 3
    rounded_cap: Decimal = Decimal("0.05")
    one_sided_slack: Annotated[Decimal, Field(allow_inf_nan=True)]
    one_sided_units: int = 10


class Scale(_Strict):
    words: dict[str, int]
    near_factor: Decimal
    powers: list[int]
    from_to_factor: Decimal
    absurd_factor: Decimal


class SumRules(_Strict):
    parts_intro: list[str]
    parts_intro_gap: int
    total_after_parts: list[str]
    total_words: list[str]
    exhaustive_min_coverage: Decimal
    max_parts: int
    partition_intro: list[str]
    partition_part: list[str]
    partition_window: int
    complements: list[tuple[str, str]]
    closed_list: list[str]
    open_list: list[str]
    label_trim: list[str]


class ShareRules(_Strict):
    cues: list[str]
    whole_after: list[str]
    whole_before: list[str]
    min_coverage: Decimal
    min_margin: Decimal
    alt_coverage: Decimal
    alt_max_width: Decimal
    listed_cues: list[str]
    rate_cues: list[str]
    rate_of: list[str]
    rate_phrase_end: list[str]
    rate_max_chars: int
    same_whole_min_syllables: int
    same_whole_slack: Decimal
    same_whole_max_gap: int
    same_whole_anaphora: list[str]
    same_whole_base_end: list[str]


class ChangeRules(_Strict):
    up: list[str]
    down: list[str]
    to_up: list[str]
    to_down: list[str]
    reference: list[str]
    unstated_reference: list[str]
    same_change: list[str]
    new_after: list[str]
    max_gap_chars: int
    times: list[str]
    times_other: list[str]
    min_coverage: Decimal


class SanityRules(_Strict):
    share_cue: list[str]
    whole_units: list[str]
    average_words: list[str]
    slip_min_peers: int
    slip_near_factor: Decimal
    slip_window: int


class RepeatRules(_Strict):
    min_subject_syllables: int
    cross_doc_min_subject_syllables: int
    lead_chars: int
    lead_coverage: Decimal
    max_ratio: Decimal
    time_shift: list[str]
    context_coverage: Decimal
    context_coverage_longer: Decimal
    cross_doc_min_relative: Decimal
    kinds: list[str]


class ExpectedCheck(_Strict):
    relation: str
    status: str


class ExpectedFlag(_Strict):
    rule: str
    claim: str


class Example(_Strict):
    name: str
    text: str
    expect: list[ExpectedCheck] = []
    flags: list[ExpectedFlag] | None = None


class CheckRules(_Strict):
    tolerance: Tolerance
    scale: Scale
    sum: SumRules
    share: ShareRules
    change: ChangeRules
    sanity: SanityRules
    repeat: RepeatRules
    severity: dict[str, str]
    stop_words: list[str]
    examples: list[Example] = []


def words_pattern(words: list[str]) -> str:
    """An alternation of cue words, longest first, on syllable boundaries."""
    alts = sorted({w.strip().lower() for w in words if w.strip()}, key=lambda w: (-len(w), w))
    body = "|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in alts)
    return rf"(?<![\p{{L}}\p{{N}}])(?:{body})(?![\p{{L}}\p{{N}}])"


def _cue_source(words: list[str], anchor: str) -> str:
    src = words_pattern(words)
    if anchor == "end":
        return rf"{src}[\s:]*$"
    if anchor == "start":
        return rf"^[\s,:(–-]*{src}"
    return src


@dataclass
class Compiled:
    """checks.yaml with its word lists turned into regexes once."""

    cfg: CheckRules
    _cache: dict[str, regex.Pattern[str]] = field(default_factory=dict)

    def pattern(self, key: str, source: Callable[[], str], flags: int = 0) -> regex.Pattern[str]:
        """A pattern built from the rules, compiled once (when first needed) under ``key``."""
        pat = self._cache.get(key)
        if pat is None:
            pat = self._cache[key] = regex.compile(source(), regex.IGNORECASE | regex.V1 | flags)
        return pat

    def cue(self, name: str, words: list[str], anchor: str = "") -> regex.Pattern[str]:
        return self.pattern(f"{name}|{anchor}", lambda: _cue_source(words, anchor))

    def ends(self, name: str, words: list[str]) -> regex.Pattern[str]:
        """``cue(name, words, "end")`` for yes/no tests, compiled to search from the end of the text.
        An end-anchored pattern searched forwards is tried at every start; backwards it fails at
        once where the text does not end with a cue."""
        return self._backwards(name, words, "end")

    def anywhere(self, name: str, words: list[str]) -> regex.Pattern[str]:
        """``cue(name, words)`` for yes/no tests, compiled to search from the end of the text
        (which the regex engine does faster for these word lists)."""
        return self._backwards(name, words, "")

    def _backwards(self, name: str, words: list[str], anchor: str) -> regex.Pattern[str]:
        # A text holds a match searched backwards exactly when it holds one searched forwards: the
        # pattern is the same, only the order of trying differs. The match found may differ, so
        # where the match itself is used (its start, its words), use ``cue``.
        return self.pattern(f"{name}|{anchor}|reverse", lambda: _cue_source(words, anchor), regex.REVERSE)

    @cached_property
    def stop(self) -> frozenset[str]:
        return frozenset(w.lower() for w in self.cfg.stop_words)

    def severity(self, rule: str) -> str:
        return self.cfg.severity.get(rule, "warning")


_COMPILED: dict[str, Compiled] = {}


def compiled(rules: RuleSet) -> Compiled:
    """Validated checks.yaml of a RuleSet, cached per rules version."""
    key = f"{rules.directory}:{rules.version}"
    hit = _COMPILED.get(key)
    if hit is None:
        hit = Compiled(rules.validate("checks", CheckRules))
        _COMPILED[key] = hit
    return hit
