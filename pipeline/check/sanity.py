"""Checks on single figures and their peers: shares over 100%, fractional counts, separator slips."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from decimal import Decimal

import regex

from pipeline.check import messages as M
from pipeline.check.config import Compiled
from pipeline.check.figures import Figure
from pipeline.check.findings import plain, stable_id
from pipeline.check.relations import DocView, _is_change, _lead_in
from pipeline.check.verify import suggest_scale
from pipeline.model import Check, Flag

_SLIP = regex.compile(r"^\d{1,3}\.\d{3}$")


def _pair(
    rule: str,
    figs: list[Figure],
    expected: str,
    observed: str,
    status: str,
    body: str,
    cr: Compiled,
    suggestion: str = "",
) -> tuple[Check, Flag | None]:
    ids = " ".join(f.id for f in figs)
    doc_id = figs[0].claim.doc_id
    check = Check(
        stable_id("c", f"sanity.{rule}", ids), doc_id, "sanity", ids, expected, observed, status, f"sanity.{rule}", rule
    )
    if status != "fail":
        return check, None
    flag = Flag(
        stable_id("f", rule, ids),
        doc_id,
        rule,
        cr.severity(rule),
        ids,
        expected,
        observed,
        M.sentence(body),
        suggestion,
        check.check_id,
    )
    return check, flag


def sanity(view: DocView, cr: Compiled, lang: str) -> Iterable[tuple[Check, Flag | None]]:
    sa = cr.cfg.sanity
    share_cue = cr.ends("sanity_share", sa.share_cue)
    units = {u.lower() for u in sa.whole_units}
    avg = cr.anywhere("average", [w for w in sa.average_words if w != "/"])
    for f in view.figs:
        c = f.claim
        if c.kind == "percent" and not _is_change(f, cr) and share_cue.search(_lead_in(f, 30)):
            status = "fail" if f.lo > 100 else "pass"
            yield _pair(
                "share_over_100", [f], "<=100", plain(c.value), status, M.text("share_over_100", lang, pct=c.text), cr
            )
        if c.kind == "count" and c.unit.lower() in units and c.qualifier != "approx":
            around = f.before() + " " + f.after(15)  # `trung bình … 27,3 người chết/năm`
            if c.value != c.value.to_integral_value() and not avg.search(around) and "/" not in f.after(3):
                yield _pair(
                    "fractional_count",
                    [f],
                    "integer",
                    plain(c.value),
                    "fail",
                    M.text("fractional_count", lang, fig=c.text, unit=c.unit),
                    cr,
                )
    yield from _slips(view, cr, lang)


def _slips(view: DocView, cr: Compiled, lang: str) -> Iterable[tuple[Check, Flag | None]]:
    """`1.165 tỷ đồng` among peers at hundreds of `triệu`: a thousands dot meant as a decimal comma."""
    sa = cr.cfg.sanity
    tol = math.log10(float(sa.slip_near_factor))
    by_dim: dict[tuple[str, str], list[Figure]] = {}
    for f in view.figs:
        if f.claim.kind in ("money", "quantity") and f.value > 0 and not _is_change(f, cr):
            by_dim.setdefault(f.dim, []).append(f)
    where: dict[str, int] = {}
    for figs in by_dim.values():
        for f in figs:
            if not f.scale_word or not _SLIP.match(f.number) or f.claim.qualifier != "exact":
                continue
            if not where:  # sentence numbers, for the few articles that have a candidate slip
                where = {g.id: view.sentence_of(g) for g in view.figs}
            # peers: the same kind of figure close by (a list of prices), not the whole article
            # peers: close by, not in the same sentence (a from–to partner may carry the same slip)
            peers = [
                p.value
                for p in figs
                if p is not f
                and (
                    0 < abs(where[p.id] - where[f.id]) <= sa.slip_window
                    or (where[p.id] == where[f.id] and not (_SLIP.match(p.number) and p.scale_word))
                )
            ]
            if len(peers) < sa.slip_min_peers:
                continue
            med = Decimal(statistics.median(peers))
            if med <= 0 or abs(math.log10(float(f.value / med)) - 3) > tol:
                continue
            if f.value / 1000 > max(peers) * sa.slip_near_factor:
                continue  # a thousandth of it would still stand out: not a list of like figures
            sugg = suggest_scale(f, -3, cr)
            body = M.text(
                "separator_slip",
                lang,
                fig=f.claim.text,
                value=M.amount(f.value, f.claim.kind, f.claim.unit, lang),
                factor=M.factor(f.value / med, lang),
                median=M.amount(med, f.claim.kind, f.claim.unit, lang),
                suggestion=sugg,
            )
            yield _pair("separator_slip", [f], plain(f.value / 1000), plain(f.value), "fail", body, cr, sugg)
