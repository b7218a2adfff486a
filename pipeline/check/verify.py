"""Verify a relation on the intervals its figures' written precision allows; diagnose scale slips.

A relation holds when the interval the other members imply overlaps the interval of what is
written. When it fails, each member is solved for in turn: if the value it would need is about
10^3 or 10^6 times the written one, the scale word is the likely slip, and re-verifying with the
corrected word says whether that repairs the relation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

import regex

from pipeline.check.config import Compiled
from pipeline.check.figures import INF, Figure
from pipeline.check.relations import Relation

Interval = tuple[Decimal, Decimal]
WHOLE = (-INF, INF)


def add(a: Interval, b: Interval) -> Interval:
    try:
        return (a[0] + b[0], a[1] + b[1])
    except InvalidOperation:
        return WHOLE


def sub(a: Interval, b: Interval) -> Interval:
    try:
        return (a[0] - b[1], a[1] - b[0])
    except InvalidOperation:
        return WHOLE


def mul(a: Interval, b: Interval) -> Interval:
    try:
        c = [x * y for x in a for y in b]
    except InvalidOperation:
        return WHOLE
    return (min(c), max(c))


def div(a: Interval, b: Interval) -> Interval | None:
    if b[0] <= 0 <= b[1]:
        return None
    try:
        c = [x / y for x in a for y in b]
    except (InvalidOperation, ZeroDivisionError):
        return WHOLE
    return (min(c), max(c))


def scaled(a: Interval, k: Decimal) -> Interval:
    return mul(a, (k, k))


def overlaps(a: Interval, b: Interval) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def iv(f: Figure) -> Interval:
    return (f.lo, f.hi)


HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Scale:
    """A scale slip: ``fig`` written ×10^``power`` too small (negative: too large)."""

    fig: Figure
    power: int
    needed: Decimal
    repairs: bool
    suggestion: str  # the figure as it should probably be written, or ""


@dataclass(frozen=True)
class Outcome:
    status: str  # pass / fail / undetermined
    expected: Interval | None  # what the other members imply for the observed member
    observed: Interval
    observed_fig: Figure | None
    scale: Scale | None = None
    coverage: Decimal | None = None  # sums: parts ÷ total


def evaluate(rel: Relation, cr: Compiled, figs: dict[str, Figure] | None = None) -> tuple[Interval | None, Interval]:
    """(implied, written) intervals of the relation's observed quantity, with figures overridden by ``figs``."""
    r = dict(rel.roles)
    parts = list(rel.parts)
    if figs:
        r = {k: figs.get(v.id, v) for k, v in r.items()}
        parts = [figs.get(p.id, p) for p in parts]
    if rel.kind == "sum":
        total: Interval = (Decimal(0), Decimal(0))
        for p in parts:
            total = add(total, iv(p))
        if "total" in r:
            return total, iv(r["total"])
        if rel.note == "=100":  # two complementary shares: exactly the whole
            return total, (HUNDRED, HUNDRED)
        return total, (Decimal(0), HUNDRED)  # listed shares: at most 100%
    if rel.kind == "part_whole":
        return (r["part"].lo, INF), iv(r["total"])
    if rel.kind == "share":
        q = div(iv(r["part"]), iv(r["whole"]))
        return (scaled(q, HUNDRED) if q else None), iv(r["percent"])
    if rel.kind == "change" and "old" not in r:
        # old = new − d·amount; percent = amount ÷ old
        amt = iv(r["amount"])
        old = sub(iv(r["new"]), amt) if rel.direction > 0 else add(iv(r["new"]), amt)
        q = div(amt, old)
        return (scaled(q, HUNDRED) if q else None), iv(r["percent"])
    if rel.kind == "change":
        diff = sub(iv(r["new"]), iv(r["old"]))
        if rel.direction < 0:
            diff = (-diff[1], -diff[0])
        if "percent" in r:
            q = div(diff, iv(r["old"]))
            return (scaled(q, HUNDRED) if q else None), iv(r["percent"])
        return diff, iv(r["amount"])
    if rel.kind == "times":
        return div(iv(r["new"]), iv(r["old"])), iv(r["factor"])
    if rel.kind == "same_whole":
        # the whole each share implies; writers truncate percentages, so the first is widened a little
        w1, w2 = div(iv(r["part"]), iv(r["percent"])), div(iv(r["part2"]), iv(r["percent2"]))
        if w1 is None or w2 is None:
            return None, WHOLE
        k = cr.cfg.share.same_whole_slack
        w1 = scaled(w1, HUNDRED)
        return (w1[0] * (1 - k), w1[1] * (1 + k)), scaled(w2, HUNDRED)
    if rel.kind == "direction":
        diff = sub(iv(r["new"]), iv(r["old"]))
        if rel.direction < 0:
            diff = (-diff[1], -diff[0])
        return diff, (Decimal(0), INF)
    raise ValueError(f"unknown relation kind {rel.kind!r}")


def observed_member(rel: Relation) -> Figure | None:
    r = rel.roles
    for role in ("total", "percent", "amount", "factor"):
        if role in r:
            return r[role]
    return None


def _status(implied: Interval | None, written: Interval) -> str:
    if implied is None:
        return "undetermined"
    return "pass" if overlaps(implied, written) else "fail"


def _from_to_slip(rel: Relation, cr: Compiled) -> bool:
    """A from–to pair whose levels differ by about 10^3k: a scale slip, whichever the direction."""
    if rel.kind not in ("direction", "change") or "old" not in rel.roles:
        return False
    a, b = rel.roles["old"].value, rel.roles["new"].value
    if a <= 0 or b <= 0:
        return False
    lg = abs(math.log10(float(b / a)))
    tol = math.log10(float(cr.cfg.scale.from_to_factor))
    return any(abs(lg - p) <= tol for p in cr.cfg.scale.powers)


def verify(rel: Relation, cr: Compiled, confirmed: set[str], peers: dict[str, float] | None = None) -> Outcome:
    """Status of the relation; for a failure, the most likely scale slip (if any)."""
    implied, written = evaluate(rel, cr)
    status = _status(implied, written)
    if status == "pass" and _from_to_slip(rel, cr):
        status = "fail"
    coverage: Decimal | None = None
    scale: Scale | None = None
    if status == "fail":
        scale = diagnose_scale(rel, cr, confirmed, peers or {})
        if rel.kind == "sum" and "total" in rel.roles and implied is not None and implied[1] < written[0]:
            # the parts fall short of the total: a failure only if they are clearly meant to cover it
            total = rel.roles["total"].value
            coverage = (sum(p.value for p in rel.parts) / total) if total else None
            near = coverage is not None and coverage >= cr.cfg.sum.exhaustive_min_coverage
            if not rel.exhaustive and not near and not (scale and scale.repairs):
                status = "undetermined"
    wrong_pair = rel.matched and _absurd(implied, written, cr)
    if status == "fail" and scale is None and wrong_pair:
        status = "undetermined"  # off by orders of magnitude yet no scale word explains it: a wrong pairing
    if rel.kind == "share" and status == "fail" and scale is None:
        part, whole = rel.roles["part"], rel.roles["whole"]
        if part.value > whole.value and rel.roles["percent"].value < HUNDRED:
            status = "undetermined"  # a part larger than its whole: more likely the wrong whole
    return Outcome(status, implied, written, observed_member(rel), scale, coverage)


def _absurd(implied: Interval | None, written: Interval, cr: Compiled) -> bool:
    if implied is None:
        return False
    try:
        a = (implied[0] + implied[1]) / 2
        b = (written[0] + written[1]) / 2
    except InvalidOperation:
        return False
    a, b = abs(a), abs(b)  # a flipped direction is a finding, not a sign of a wrong pairing
    if a == 0 or b == 0:
        return a != b
    return abs(math.log10(float(a / b))) > math.log10(float(cr.cfg.scale.absurd_factor))


def _needed(rel: Relation, fig: Figure) -> Decimal | None:
    """The value ``fig`` would need for the relation to hold exactly, others as written."""
    r = rel.roles
    v = {k: f.value for k, f in r.items()}
    role = next((k for k, f in r.items() if f is fig), "part" if fig in rel.parts else "")
    try:
        if rel.kind == "sum" and "total" in r:
            s = sum(p.value for p in rel.parts)
            if role == "total":
                return s
            return v["total"] - (s - fig.value)
        if rel.kind == "share":
            if role == "part":
                return v["percent"] * v["whole"] / HUNDRED
            if role == "whole":
                return v["part"] * HUNDRED / v["percent"]
            return None
        if rel.kind == "change" and "old" not in r:
            d = Decimal(rel.direction)
            k = v["percent"] / HUNDRED
            if role == "amount":  # amount = k × (new − d·amount)
                return k * v["new"] / (1 + d * k)
            if role == "new":
                return v["amount"] / k + d * v["amount"]
            return None
        if rel.kind == "change":
            d = Decimal(rel.direction)
            if "percent" in r:
                k = 1 + d * v["percent"] / HUNDRED
                if role == "new":
                    return v["old"] * k
                if role == "old":
                    return v["new"] / k
                return None
            if role == "new":
                return v["old"] + d * v["amount"]
            if role == "old":
                return v["new"] - d * v["amount"]
            if role == "amount":
                return d * (v["new"] - v["old"])
        if rel.kind == "same_whole":
            if role == "part":
                return v["percent"] * v["part2"] / v["percent2"]
            if role == "part2":
                return v["percent2"] * v["part"] / v["percent"]
            return None
        if rel.kind == "times":
            if role == "new":
                return v["old"] * v["factor"]
            if role == "old":
                return v["new"] / v["factor"]
            return None
        if rel.kind in ("direction", "part_whole"):
            other = next(f for f in rel.members if f is not fig)
            return other.value
    except (InvalidOperation, ZeroDivisionError, KeyError):
        return None
    return None


def diagnose_scale(rel: Relation, cr: Compiled, confirmed: set[str], peers: dict[str, float]) -> Scale | None:
    """The member most likely written with the wrong scale word: its needed value is ~10^3k times
    the written one; ties go to a member no holding relation confirms, then to the one farthest
    from its peers (``peers``: |log10(value / median of the article's figures of its unit)|)."""
    sc = cr.cfg.scale
    tol = math.log10(float(sc.near_factor))
    if rel.kind == "direction" or (rel.kind == "change" and _from_to_slip(rel, cr)):
        tol = math.log10(float(sc.from_to_factor))  # only the order of magnitude is implied
    best: tuple[tuple[int, float, float], Scale] | None = None
    for fig in rel.members:
        if fig.claim.kind in ("percent", "multiplier") or fig.value <= 0:
            continue
        need = _needed(rel, fig)
        if need is None or need <= 0:
            continue
        lg = math.log10(float(need / fig.value))
        for p in sc.powers:
            for power in (p, -p):
                dist = abs(lg - power)
                if dist > tol:
                    continue
                k = Decimal(10) ** power
                fixed = replace(
                    fig,
                    claim=replace(fig.claim, value=fig.value * k),
                    lo=fig.lo * k if fig.lo != -INF else fig.lo,
                    hi=fig.hi * k,
                    half=fig.half * k,
                )
                implied, written = evaluate(rel, cr, {fig.id: fixed})
                repairs = _status(implied, written) == "pass" and not (
                    rel.kind in ("direction", "change") and _from_to_slip(_with(rel, fig, fixed), cr)
                )
                cand = Scale(fig, power, need, repairs, suggest_scale(fig, power, cr))
                # a figure confirmed by another relation that holds is not the slip
                rank = (1 if fig.id in confirmed else 0, round(dist, 1), -peers.get(fig.id, 0.0))
                if best is None or rank < best[0]:
                    best = (rank, cand)
    return best[1] if best else None


def _with(rel: Relation, fig: Figure, fixed: Figure) -> Relation:
    roles = {k: (fixed if v is fig else v) for k, v in rel.roles.items()}
    return replace(rel, roles=roles, parts=[fixed if p is fig else p for p in rel.parts])


def suggest_scale(fig: Figure, power: int, cr: Compiled) -> str:
    """``166,27 triệu đồng`` ×10^3 → ``166,27 tỷ đồng``; ``1.165 tỷ`` ÷10^3 → ``1,165 tỷ``."""
    words = cr.cfg.scale.words
    text = fig.claim.text
    if power < 0 and fig.number and "." in fig.number and "," not in fig.number:
        groups = fig.number.split(".")
        if len(groups) == 2 and power == -3:  # a thousands dot that was meant as a decimal comma
            return text.replace(fig.number, f"{groups[0]},{groups[1]}", 1)
    cur = words.get(fig.scale_word, 0) if fig.scale_word else 0
    target = cur + power
    inverse = {v: k for k, v in words.items()}
    if target == 0 and fig.scale_word:
        return text.replace(fig.scale_word, "", 1).replace("  ", " ")
    if target not in inverse:
        return ""
    if fig.scale_word:
        pat = regex.compile(r"(?:nghìn|ngàn)\s+t[ỷỉ]|t[ỷỉ]|triệu|nghìn|ngàn", regex.IGNORECASE)
        return pat.sub(inverse[target], text, count=1)
    return text.replace(fig.number, f"{fig.number} {inverse[target]}", 1) if fig.number else ""
