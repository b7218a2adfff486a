"""The same measure stated twice: within one article, and across the articles of one run."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import regex

from pipeline.check import messages as M
from pipeline.check.config import Compiled
from pipeline.check.figures import Figure, clause_before, syllables
from pipeline.check.findings import plain, stable_id
from pipeline.check.relations import _SO_VOI, DocView, _is_change
from pipeline.check.verify import overlaps
from pipeline.model import Check, Flag

_YEAR = regex.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


_SUBJ_WORD = regex.compile(r"[\p{L}\p{N}]+(?:[.,]\d+)*")
_WORD = regex.compile(r"[\p{L}\p{N}]+")

def subject_words(subject: str) -> list[str]:
    """A subject's words, numbers kept: they tell measures apart (`trái phiếu 10 năm` / `15 năm`)."""
    return _SUBJ_WORD.findall(subject.lower())


def measure_key(f: Figure, min_syllables: int) -> tuple[str, ...] | None:
    """What a figure measures, normalised; None when too vague to compare."""
    key = ("measure_key", min_syllables)
    if key not in f.memo:
        f.memo[key] = _measure_key(f, min_syllables)
    return f.memo[key]  # type: ignore[return-value]


def _measure_key(f: Figure, min_syllables: int) -> tuple[str, ...] | None:
    c = f.claim
    subj = subject_words(c.subject)
    period = " ".join(_WORD.findall(c.period.lower()))
    # without a period two values of one measure are usually two moments (a from–to, a plan)
    if len(subj) < min_syllables or c.qualifier == "range" or not period:
        return None
    return (
        " ".join(subj),
        c.kind,
        c.unit.lower(),
        c.change,
        " ".join(syllables(c.reference)),
        period,
        " ".join(syllables(c.base)),
    )


def repeats(
    view: DocView, cr: Compiled, lang: str, related: set[frozenset[str]] | None = None
) -> Iterable[tuple[Check, Flag | None]]:
    """Two values of one measure in one article; figures of one relation or one sentence are
    compared by that relation, not as repeats. Subjects alone often leave out what tells two
    figures apart (plan or result, which bond, which date), so a conflict is only a failure when
    the values are close and the words around both figures match each other too."""
    rr = cr.cfg.repeat
    related = related or set()
    groups: dict[tuple[str, ...], list[Figure]] = {}
    for f in view.figs:
        if f.claim.kind not in rr.kinds:
            continue
        key = measure_key(f, rr.min_subject_syllables)
        if key is not None:
            groups.setdefault(key, []).append(f)
    for key, members in groups.items():
        pair = next(
            (
                (a, b)
                for i, a in enumerate(members)
                for b in members[i + 1 :]
                if a.value != b.value and a.s0 != b.s0 and frozenset((a.id, b.id)) not in related
            ),
            None,
        )
        if pair is None:
            continue
        a, b = pair
        status = "pass" if overlaps((a.lo, a.hi), (b.lo, b.hi)) else "fail"
        if status == "fail" and not (_close(a, b, cr) and _same_context(view, a, b, cr)):
            status = "undetermined"  # another period, entity or status the subject leaves out
        yield _finding(
            "repeat",
            "repeat",
            a.claim.doc_id,
            a,
            b,
            status,
            "repeat.same_measure",
            key[0],
            cr,
            lambda a=a, b=b: M.text("repeat", lang, subject=a.claim.subject.strip(), a=a.claim.text, b=b.claim.text),
        )


def _close(a: Figure | Comparable, b: Figure | Comparable, cr: Compiled) -> bool:
    """Values near enough to be one figure misstated (or a scale word apart)."""
    if a.value <= 0 or b.value <= 0:
        return False
    lg = abs(math.log10(float(a.value / b.value)))
    near = math.log10(float(cr.cfg.scale.near_factor))
    return lg <= math.log10(float(cr.cfg.repeat.max_ratio)) or any(abs(lg - p) <= near for p in cr.cfg.scale.powers)


def _same_context(view: DocView, a: Figure, b: Figure, cr: Compiled) -> bool:
    """The two sentences say the same thing in nearly the same words (a restatement, not a list
    of like items whose names sit anywhere in the sentence): the shorter one's words almost all
    recur in the longer, which may add an attribution (`Theo Sở Công Thương, …`)."""
    rr = cr.cfg.repeat
    wa = set(syllables(a.claim.sentence, cr.stop)) | view.desc(a, cr)
    wb = set(syllables(b.claim.sentence, cr.stop)) | view.desc(b, cr)
    if not wa or not wb:
        return False
    shorter, longer = sorted((len(wa & wb) / len(wa), len(wa & wb) / len(wb)), reverse=True)
    return shorter >= float(rr.context_coverage) and longer >= float(rr.context_coverage_longer)


def _entity(subject: str) -> bool:
    """A subject that names someone or something (a capitalised word after its first), so that two
    articles' `lợi nhuận trước thuế` are not taken for one company's."""
    words = subject.split()
    return any(w[:1].isupper() for w in words[1:])


def cross_candidate(f: Figure, cr: Compiled) -> bool:
    """Whether a figure can be compared across documents (stored for that)."""
    rr = cr.cfg.repeat
    return (
        f.claim.kind in rr.kinds
        and bool(_YEAR.search(f.claim.period))
        and _entity(f.claim.subject)
        and measure_key(f, rr.cross_doc_min_subject_syllables) is not None
    )


@dataclass(frozen=True, slots=True)
class Comparable:
    """What the cross-document comparison needs of a figure: a few strings, not the whole claim.

    Stored per article (``articles.sqlite``, table ``comparables``) and read back sorted by
    ``measure``, so the comparison holds one measure's figures at a time, whatever the corpus size.
    """

    measure: str  # the measure key, its parts joined by \x1f
    doc_id: str
    ord: int  # place among the article's figures: the first of a measure in an article is compared
    detail: str  # the subject's words (the check's detail)
    id: str
    value: Decimal
    lo: Decimal
    hi: Decimal
    subject: str
    period: str
    text: str

    @classmethod
    def of(cls, f: Figure, cr: Compiled) -> Comparable | None:
        if not cross_candidate(f, cr):
            return None
        key = measure_key(f, cr.cfg.repeat.cross_doc_min_subject_syllables)
        if key is None:
            return None
        c = f.claim
        return cls("\x1f".join(key), c.doc_id, f.index, key[0], f.id, f.value, f.lo, f.hi, c.subject, c.period, c.text)

    def row(self) -> tuple[Any, ...]:
        return tuple(str(v) if isinstance(v, Decimal) else v for v in (getattr(self, n) for n in self.__slots__))

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Comparable:
        m, doc_id, ord_, detail, id_, value, lo, hi, subject, period, text = row
        return cls(m, doc_id, int(ord_), detail, id_, Decimal(value), Decimal(lo), Decimal(hi), subject, period, text)


def across(comparables: Iterable[Comparable], cr: Compiled, lang: str) -> Iterable[tuple[Check, Flag | None]]:
    """Same measure, same period (with a year), different documents, values that cannot both hold.

    ``comparables`` must come sorted by measure, then doc_id, then place in the article
    (``iter_comparables`` reads them so); the first figure of a measure in each article is compared
    with the first article's.
    """
    rr = cr.cfg.repeat
    for _measure, group in itertools.groupby(comparables, key=lambda c: c.measure):
        by_doc: dict[str, Comparable] = {}
        for c in group:
            by_doc.setdefault(c.doc_id, c)
        if len(by_doc) < 2:
            continue
        docs = sorted(by_doc)
        a = by_doc[docs[0]]
        for d in docs[1:]:
            b = by_doc[d]
            slack = rr.cross_doc_min_relative  # outlets round differently
            status = "pass" if overlaps((a.lo * (1 - slack), a.hi * (1 + slack)), (b.lo, b.hi)) else "fail"
            if status == "fail" and not _close(a, b, cr):
                # far apart (16.847 vs 103.397 tỷ `từ đầu năm 2017`): two moments of a running total,
                # or two measures the subject does not tell apart, more often than a misreport
                status = "undetermined"
            yield _finding(
                "cross_doc",
                "cross_doc",
                "*",
                a,
                b,
                status,
                "cross_doc.same_measure",
                a.detail,
                cr,
                lambda a=a, b=b: M.text(
                    "cross_doc",
                    lang,
                    subject=a.subject.strip(),
                    period=a.period,
                    a=a.text,
                    b=b.text,
                    doc_a=a.doc_id,
                    doc_b=b.doc_id,
                ),
            )


def lead_repeats(view: DocView, cr: Compiled, lang: str) -> Iterable[tuple[Check, Flag | None]]:
    """A figure of the title or lead restated in the body with another value (`tăng 8%` / `tăng 11%`).

    The body figure must describe the same thing (its words cover the lead figure's),
    have the same kind, unit and direction of change; when any such body figure agrees, the lead holds.
    """
    rr = cr.cfg.repeat
    # the lead: the first sentence holding figures, when it opens the article (title or sapo)
    if not view.sentences or view.sentences[0][0].claim.start >= rr.lead_chars:
        return
    lead = [f for f in view.sentences[0] if f.claim.qualifier != "range"]
    shift = cr.cue("time_shift", rr.time_shift)
    body = [f for s in view.sentences[1:] for f in s if f.claim.qualifier != "range"]
    for f in lead:
        key = view.desc(f, cr)
        if len(key) < rr.min_subject_syllables:
            continue
        direction = _is_change(f, cr)
        cands = []
        for b in body:
            if b.dim != f.dim or _is_change(b, cr) != direction:
                continue
            there, _ = view.score(key, b, cr)
            if there >= float(rr.lead_coverage):
                cands.append(b)
        if not cands:
            continue
        agree = [b for b in cands if overlaps((f.lo, f.hi), (b.lo, b.hi))]
        b = agree[0] if agree else cands[0]
        # words alone often pair a lead figure with a body figure of another period: a conflict is
        # only a failure when the subjects the attribute stage found are the same
        same_subject = bool(f.claim.subject) and subject_words(f.claim.subject) == subject_words(b.claim.subject)
        # `Một ngày trước đó, … 3.645 ca tử vong`: the body speaks of another moment
        shifted = any(shift.search(_SO_VOI.sub(" ", x.claim.sentence)) for x in (f, b))  # not the reference
        # periods disagree only when both name years and the years differ (`năm nay` is the article's)
        ya, yb = set(_YEAR.findall(f.claim.period)), set(_YEAR.findall(b.claim.period))
        same_period = not (ya and yb) or bool(ya & yb)
        conflict = len(cands) == 1 and same_subject and same_period and not shifted
        status = "pass" if agree else ("fail" if conflict else "undetermined")
        yield _finding(
            "repeat.lead",
            "repeat",
            f.claim.doc_id,
            f,
            b,
            status,
            "repeat.lead_body",
            "",
            cr,
            lambda f=f, b=b: M.text(
                "repeat",
                lang,
                subject=f.claim.subject.strip() or clause_before(f, 60).strip(),
                a=f.claim.text,
                b=b.claim.text,
            ),
        )


def _finding(
    check_kind: str,
    relation: str,
    doc_id: str,
    a: Figure | Comparable,
    b: Figure | Comparable,
    status: str,
    rule_id: str,
    detail: str,
    cr: Compiled,
    message: Callable[[], str],
) -> tuple[Check, Flag | None]:
    """The check comparing two figures, and its flag when they conflict (message built only then)."""
    ids = f"{a.id} {b.id}"
    check = Check(
        stable_id("c", check_kind, ids), doc_id, relation, ids, plain(a.value), plain(b.value), status, rule_id, detail
    )
    if status != "fail":
        return check, None
    flag = Flag(
        stable_id("f", relation, ids),
        doc_id,
        relation,
        cr.severity(relation),
        ids,
        plain(a.value),
        plain(b.value),
        M.sentence(message()),
        "",
        check.check_id,
    )
    return check, flag
