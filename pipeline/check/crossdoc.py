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
    if len(subj) < min_syllables or c.qualifier == "range":
        return None
    return (" ".join(subj), c.kind, c.unit.lower(), c.change, " ".join(syllables(c.reference)),
            " ".join(syllables(c.period)))


def repeats(figs: list[Figure], cr: Compiled, lang: str) -> Iterable[tuple[Check, Flag | None]]:
    rr = cr.cfg.repeat
    groups: dict[tuple[str, ...], list[Figure]] = {}
    for f in figs:
        if f.claim.kind not in rr.kinds:
            continue
        key = measure_key(f, rr.min_subject_syllables)
        if key is not None:
            groups.setdefault(key, []).append(f)
    for key, members in groups.items():
        distinct: list[Figure] = []
        for f in members:
            if all(f.value != d.value for d in distinct):
                distinct.append(f)
        if len(distinct) < 2:
            continue
        a, b = distinct[0], distinct[1]
        status = "pass" if overlaps((a.lo, a.hi), (b.lo, b.hi)) else "fail"
        ids = f"{a.id} {b.id}"
        check = Check(stable_id("c", "repeat", ids), a.claim.doc_id, "repeat", ids, plain(a.value), plain(b.value),
                      status, "repeat.same_measure", key[0])
        flag = None
        if status == "fail":
            body = M.text("repeat", lang, subject=key[0], a=a.claim.text, b=b.claim.text)
            flag = Flag(stable_id("f", "repeat", ids), a.claim.doc_id, "repeat", cr.severity("repeat"), ids,
                        plain(a.value), plain(b.value), M.sentence(body), "", check.check_id)
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
            check = Check(stable_id("c", "cross_doc", ids), "*", "cross_doc", ids, plain(a.value), plain(b.value),
                          status, "cross_doc.same_measure", key[0])
            flag = None
            if status == "fail":
                body = M.text("cross_doc", lang, subject=key[0], period=a.claim.period, a=a.claim.text,
                              b=b.claim.text, doc_a=a.claim.doc_id, doc_b=b.claim.doc_id)
                flag = Flag(stable_id("f", "cross_doc", ids), "*", "cross_doc", cr.severity("cross_doc"), ids,
                            plain(a.value), plain(b.value), M.sentence(body), "", check.check_id)
            yield check, flag
