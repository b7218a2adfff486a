"""The rows vnclaims produces, one frozen dataclass each.

Every output file's columns come from these classes (``columns(Claim)`` …), so readers, writers,
pandas dtypes and the review app agree on one list. Numbers are kept as ``Decimal`` and written
as plain decimal strings (``75600000000``, ``93.26``), never as floats, and always beside the
surface text they came from. Offsets are half-open character offsets into the NFC text of the
document: ``document.text[claim.start:claim.end] == claim.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

KINDS = ("money", "percent", "count", "quantity", "multiplier")
QUALIFIERS = ("exact", "approx", "more_than", "less_than", "at_least", "at_most", "range")
CHANGES = ("", "increase", "decrease")
SEVERITIES = ("error", "warning", "info")
STATUSES = ("pass", "fail", "undetermined")


def format_decimal(value: Decimal | None) -> str:
    """Plain decimal text with ``.`` as the point, no exponent, no trailing zeros."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def parse_decimal(text: str) -> Decimal | None:
    return Decimal(text) if text not in ("", None) else None


@dataclass(frozen=True, slots=True)
class Document:
    """One article as the pipeline sees it.

    ``text`` is the NFC text every offset points into; ``--dump-text`` writes exactly this.
    """

    doc_id: str  # path relative to the input folder, with "/" (plus "#n" for records of a dump)
    text: str
    source: str = ""  # the file it came from
    title: str = ""
    published: str = ""  # ISO date (YYYY-MM-DD) or ""
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReadError:
    """A file (or record) that could not be turned into a Document."""

    doc_id: str
    error: str


@dataclass(frozen=True, slots=True)
class Claim:
    """One numeric claim; the columns of claims.csv, in order."""

    doc_id: str
    claim_id: str  # f"{doc_id}#{start}": stable while the text before it is unchanged
    start: int
    end: int
    text: str
    kind: str
    value: Decimal
    value_max: Decimal | None
    unit: str
    qualifier: str
    subject: str = ""
    base: str = ""
    change: str = ""
    reference: str = ""
    period: str = ""
    sentence: str = ""
    rule_id: str = ""
    published: str = ""
    sentence_start: int = -1  # offset of `sentence` in the document, for context and checks

    def row(self) -> dict[str, str]:
        return {f.name: _cell(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Claim:
        def num(key: str) -> Decimal | None:
            v = row.get(key)
            return parse_decimal(str(v)) if v not in (None, "") and str(v) != "nan" else None

        kw: dict[str, Any] = {}
        for f in fields(cls):
            v = row.get(f.name, "")
            if f.name in ("start", "end", "sentence_start"):
                kw[f.name] = int(v) if v not in ("", None) else -1
            elif f.name in ("value", "value_max"):
                kw[f.name] = num(f.name)
            else:
                kw[f.name] = "" if v is None or (isinstance(v, float) and v != v) else str(v)
        return cls(**kw)


@dataclass(frozen=True, slots=True)
class Check:
    """A relation found between figures and whether it holds; the rows of checks.csv."""

    check_id: str
    doc_id: str  # "*" for a relation across documents
    relation: str  # sum, share, change, scale, sanity, repeat, cross_doc …
    claim_ids: str  # space-separated claim_ids
    expected: str
    observed: str
    status: str  # pass / fail / undetermined
    rule_id: str = ""
    detail: str = ""

    def row(self) -> dict[str, str]:
        return {f.name: _cell(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class Flag:
    """One problem an editor should look at; the rows of flags.csv."""

    flag_id: str
    doc_id: str
    rule: str
    severity: str  # error / warning / info
    claim_ids: str
    expected: str
    observed: str
    message: str
    suggestion: str = ""
    check_id: str = ""

    def row(self) -> dict[str, str]:
        return {f.name: _cell(getattr(self, f.name)) for f in fields(self)}


def columns(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]


CLAIM_COLUMNS = columns(Claim)
CHECK_COLUMNS = columns(Check)
FLAG_COLUMNS = columns(Flag)
ERROR_COLUMNS = ["doc_id", "error"]


def _cell(v: object) -> str:
    if isinstance(v, Decimal) or v is None:
        return format_decimal(v)  # type: ignore[arg-type]
    return str(v)
