"""The claim rule files (money, percent, count, quantity, multiplier, qualifiers, exclusions), validated.

Each file is checked against a pydantic model with ``extra="forbid"`` so a misspelt key
(``exmaples``) is an error naming the file and the place, not a rule silently ignored.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.errors import RuleFileError
from pipeline.rulefiles import RuleSet

KIND_FILES = ("money", "percent", "count", "quantity", "multiplier")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Example(_Strict):
    """Texts that must each give one claim with the ``expect``ed fields.

    The claim spans the whole text, or the part in ``[brackets]`` when the text has context.
    """

    texts: list[str] = Field(min_length=1)
    expect: dict[str, str] = Field(default_factory=dict)


class ClaimRule(_Strict):
    id: str = Field(pattern=r"^[a-z_]+\.[a-z0-9_]+\.v\d+$")
    kind: Literal["money", "percent", "count", "quantity", "multiplier"]
    pattern: str
    unit: str | None = None  # a fixed unit ("%", "lần", "VND" for a bare "54 tỷ")
    value: str | None = None  # a fixed value ("gấp đôi" = 2)
    emit: Literal["single", "pair"] = "single"  # pair: "36,70 - 37,02 triệu đồng" is two claims
    before: str | None = None  # a regex the text right before the claim must match (end-anchored)
    context: str | None = None  # a regex the sentence (with the two before) must match
    max_ratio: str | None = None  # the second number (pair, range) is at most this times the first
    priority: int = 0  # breaks ties between candidates of the same length
    noun: bool = False  # the unit is the counted noun read after the number (count.yaml)
    examples: list[Example] = Field(default_factory=list)
    negative: list[str] = Field(default_factory=list)


class MoneyFile(_Strict):
    currencies: dict[str, list[str]]
    scaled: dict[str, tuple[str, str]] = Field(default_factory=dict)
    subunits: dict[str, tuple[str, str]] = Field(default_factory=dict)
    claim_rules: list[ClaimRule]


class PercentFile(_Strict):
    claim_rules: list[ClaimRule]


class MultiplierFile(_Strict):
    triggers: list[str]
    claim_rules: list[ClaimRule]


class QuantityFile(_Strict):
    units: list[str]
    claim_rules: list[ClaimRule]


class CountFile(_Strict):
    max_syllables: int = Field(default=2, ge=1, le=4)
    classifiers: list[str]
    nouns: list[str]
    # listed nouns that stay whole before a word they begin: "3 triệu người dân" counts "người"
    whole_nouns: list[str] = Field(default_factory=list)
    not_nouns: list[str]
    claim_rules: list[ClaimRule]


class QualifierRule(_Strict):
    id: str = Field(pattern=r"^qualifier\.[a-z_]+\.v\d+$")
    qualifier: Literal["exact", "approx", "more_than", "less_than", "at_least", "at_most"]
    before: list[str] = Field(default_factory=list)
    after: list[str] = Field(default_factory=list)
    next_claim: str | None = None  # a regex: the next claim after it in its sentence takes the qualifier
    # a regex matched right after the claim: only then do the `before` words apply, and they win
    # over every other rule ("thấp hơn 0,23% so với": the size of a difference, exact); '' always matches
    if_after: str | None = None
    kinds: list[str] = Field(default_factory=list)  # with if_after: the claim kinds it applies to; empty: all
    examples: list[Example] = Field(default_factory=list)
    negative: list[str] = Field(default_factory=list)


class ChangeSigns(_Strict):
    increase: str
    decrease: str


class QualifierFile(_Strict):
    qualifier_rules: list[QualifierRule]
    # a regex for words between a qualifier and its number that do not hide it ("gần gấp đôi")
    transparent: str | None = None
    from_to: str
    change_signs: ChangeSigns


class ExclusionRule(_Strict):
    id: str = Field(pattern=r"^exclude\.[a-z_]+\.v\d+$")
    before: str | None = None
    after: str | None = None
    text: str | None = None  # matched against the claim's number
    keep_listed: bool = False  # a count of a listed noun (or after a classifier) is kept all the same
    kinds: list[str] = Field(default_factory=list)  # empty: every kind
    rules: list[str] = Field(default_factory=list)  # claim rule ids it is limited to; empty: every rule
    examples: list[Example] = Field(default_factory=list)
    negative: list[str] = Field(default_factory=list)


class ExclusionFile(_Strict):
    time_words: list[str]
    exclusion_rules: list[ExclusionRule]


class ExtractConfig(_Strict):
    money: MoneyFile
    percent: PercentFile
    multiplier: MultiplierFile
    quantity: QuantityFile
    count: CountFile
    qualifiers: QualifierFile
    exclusions: ExclusionFile

    def claim_rules(self) -> list[ClaimRule]:
        return [
            *self.money.claim_rules,
            *self.percent.claim_rules,
            *self.multiplier.claim_rules,
            *self.quantity.claim_rules,
            *self.count.claim_rules,
        ]


def load_config(rules: RuleSet) -> ExtractConfig:
    """Validate every extraction rule file; one RuleFileError lists every problem."""
    models: dict[str, type[BaseModel]] = {
        "money": MoneyFile,
        "percent": PercentFile,
        "multiplier": MultiplierFile,
        "quantity": QuantityFile,
        "count": CountFile,
        "qualifiers": QualifierFile,
        "exclusions": ExclusionFile,
    }
    parsed: dict[str, BaseModel] = {}
    problems: list[str] = []
    for name, model in models.items():
        try:
            parsed[name] = rules.validate(name, model)
        except RuleFileError as e:
            problems.extend(e.problems)
    if problems:
        raise RuleFileError(problems)
    ids = [
        r.id
        for f in parsed.values()
        for key in ("claim_rules", "qualifier_rules", "exclusion_rules")
        for r in getattr(f, key, [])
    ]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise RuleFileError([f"{rules.directory}: rule ids used twice: {', '.join(dupes)}"])
    return ExtractConfig(**parsed)  # type: ignore[arg-type]
