"""The same measure stated twice: within one article, and across the articles of one run."""

from __future__ import annotations

from collections.abc import Iterable

import regex

from pipeline.check import messages as M
from pipeline.check.config import Compiled
from pipeline.check.figures import Figure, syllables
from pipeline.check.findings import plain, stable_id
from pipeline.check.verify import overlaps
from pipeline.model import Check, Flag

_YEAR = regex.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def measure_key(f: Figure, min_syllables: int) -> tuple[str, ...] | None:
    """What a figure measures, normalised; None when too vague to compare."""
    c = f.claim
    subj = syllables(c.subject)
    period = " ".join(regex.findall(r"[\p{L}\p{N}]+", c.period.lower()))
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
    figs: list[Figure], cr: Compiled, lang: str, related: set[frozenset[str]] | None = None
) -> Iterable[tuple[Check, Flag | None]]:
    """Two values of one measure in one article; figures of one relation or one sentence are
    compared by that relation, not as repeats."""
    rr = cr.cfg.repeat
    related = related or set()
    groups: dict[tuple[str, ...], list[Figure]] = {}
    for f in figs:
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
        ids = f"{a.id} {b.id}"
        check = Check(
            stable_id("c", "repeat", ids),
            a.claim.doc_id,
            "repeat",
            ids,
            plain(a.value),
            plain(b.value),
            status,
            "repeat.same_measure",
            key[0],
        )
        flag = None
        if status == "fail":
            body = M.text("repeat", lang, subject=key[0], a=a.claim.text, b=b.claim.text)
            flag = Flag(
                stable_id("f", "repeat", ids),
                a.claim.doc_id,
                "repeat",
                cr.severity("repeat"),
                ids,
                plain(a.value),
                plain(b.value),
                M.sentence(body),
                "",
                check.check_id,
            )
        yield check, flag


def across(figs: list[Figure], cr: Compiled, lang: str) -> Iterable[tuple[Check, Flag | None]]:
    """Same measure, same period (with a year), different documents, values that cannot both hold."""
    rr = cr.cfg.repeat
    groups: dict[tuple[str, ...], dict[str, Figure]] = {}
    for f in figs:
        if f.claim.kind not in rr.kinds or not _YEAR.search(f.claim.period):
            continue
        key = measure_key(f, rr.cross_doc_min_subject_syllables)
        if key is not None:
            groups.setdefault(key, {}).setdefault(f.claim.doc_id, f)
    for key, by_doc in groups.items():
        if len(by_doc) < 2:
            continue
        docs = sorted(by_doc)
        a = by_doc[docs[0]]
        for d in docs[1:]:
            b = by_doc[d]
            status = "pass" if overlaps((a.lo, a.hi), (b.lo, b.hi)) else "fail"
            ids = f"{a.id} {b.id}"
            check = Check(
                stable_id("c", "cross_doc", ids),
                "*",
                "cross_doc",
                ids,
                plain(a.value),
                plain(b.value),
                status,
                "cross_doc.same_measure",
                key[0],
            )
            flag = None
            if status == "fail":
                body = M.text(
                    "cross_doc",
                    lang,
                    subject=key[0],
                    period=a.claim.period,
                    a=a.claim.text,
                    b=b.claim.text,
                    doc_a=a.claim.doc_id,
                    doc_b=b.claim.doc_id,
                )
                flag = Flag(
                    stable_id("f", "cross_doc", ids),
                    "*",
                    "cross_doc",
                    cr.severity("cross_doc"),
                    ids,
                    plain(a.value),
                    plain(b.value),
                    M.sentence(body),
                    "",
                    check.check_id,
                )
            yield check, flag
