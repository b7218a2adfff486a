"""Turn verified relations into checks.csv and flags.csv rows, with stable ids and messages."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from pipeline.check import messages as M
from pipeline.check.config import Compiled
from pipeline.check.figures import INF, Figure, clause_after
from pipeline.check.relations import Relation
from pipeline.check.verify import HUNDRED, Outcome, Scale
from pipeline.model import Check, Flag, format_decimal


def stable_id(prefix: str, *parts: str) -> str:
    h = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]
    return f"{prefix}{h}"


def claim_ids(figs: list[Figure]) -> str:
    return " ".join(f.id for f in sorted(figs, key=lambda f: f.claim.start))


def plain(d: Decimal | None) -> str:
    """A Decimal as a plain string with at most 6 significant digits."""
    if d is None:
        return ""
    if d in (INF, -INF):
        return "inf" if d > 0 else "-inf"
    if d == 0:
        return "0"
    q = Decimal(10) ** (d.adjusted() - 5)
    return format_decimal(d.quantize(q) if q < 1 else d.quantize(Decimal(1)))


def interval_text(a: tuple[Decimal, Decimal] | None) -> str:
    if a is None:
        return ""
    return f"[{plain(a[0])}, {plain(a[1])}]"


def make_check(rel: Relation, out: Outcome) -> Check:
    ids = claim_ids(rel.members)
    r = rel.roles
    expected = observed = ""
    try:
        if rel.kind == "sum":
            s = sum((p.value for p in rel.parts), Decimal(0))
            if "total" in r:
                expected, observed = plain(s), plain(r["total"].value)
            else:
                expected, observed = ("100" if rel.note == "=100" else "<=100"), plain(s)
        elif rel.kind == "share":
            expected = plain(r["part"].value / r["whole"].value * HUNDRED) if r["whole"].value else ""
            observed = plain(r["percent"].value)
        elif rel.kind == "change" and "old" not in r:
            old_v = r["new"].value - rel.direction * r["amount"].value
            expected = plain(r["amount"].value / old_v * HUNDRED) if old_v else ""
            observed = plain(r["percent"].value)
        elif rel.kind == "change":
            diff = (r["new"].value - r["old"].value) * rel.direction
            if "percent" in r:
                expected = plain(diff / r["old"].value * HUNDRED) if r["old"].value else ""
                observed = plain(r["percent"].value)
            else:
                expected, observed = plain(diff), plain(r["amount"].value)
        elif rel.kind == "same_whole":
            expected = plain(r["part"].value / r["percent"].value * HUNDRED) if r["percent"].value else ""
            observed = plain(r["part2"].value / r["percent2"].value * HUNDRED) if r["percent2"].value else ""
        elif rel.kind == "times":
            expected = plain(r["new"].value / r["old"].value) if r["old"].value else ""
            observed = plain(r["factor"].value)
        elif rel.kind == "direction":
            expected = "increase" if rel.direction > 0 else "decrease"
            d = r["new"].value - r["old"].value
            observed = "increase" if d > 0 else "decrease" if d < 0 else "no change"
        elif rel.kind == "part_whole":
            expected, observed = f"<={plain(r['total'].value)}", plain(r["part"].value)
    except (ArithmeticError, KeyError):
        pass
    detail = f"implied {interval_text(out.expected)} written {interval_text(out.observed)}"
    if out.coverage is not None:
        detail += f"; parts cover {plain(out.coverage * HUNDRED)}% of the total"
    if out.scale is not None:
        detail += f"; scale: {out.scale.fig.id} x10^{out.scale.power}"
    return Check(
        check_id=stable_id("c", rel.rule_id, ids),
        doc_id=rel.doc_id,
        relation=rel.kind if rel.kind != "part_whole" else "sanity",
        claim_ids=ids,
        expected=expected,
        observed=observed,
        status=out.status,
        rule_id=rel.rule_id,
        detail=detail,
    )


def _verb(direction: int, lang: str) -> str:
    return M.text("up" if direction > 0 else "down", lang)


def explain(rel: Relation, out: Outcome, lang: str) -> str:
    """The arithmetic of a failed relation, as one sentence body (no scale part)."""
    r = rel.roles
    k, u = (rel.members[0].claim.kind, rel.members[0].claim.unit) if rel.members else ("", "")

    def fmt(d: Decimal, f: Figure | None = None) -> str:
        f = f or rel.members[0]
        return M.amount(d, f.claim.kind, f.claim.unit, lang)

    if rel.kind == "sum" and "total" in r:
        s = sum((p.value for p in rel.parts), Decimal(0))
        return M.text(
            "sum",
            lang,
            parts=" + ".join(p.claim.text for p in rel.parts),
            sum=fmt(s, r["total"]),
            total=r["total"].claim.text,
            diff=fmt(abs(s - r["total"].value), r["total"]),
        )
    if rel.kind == "sum":
        s = sum((p.value for p in rel.parts), Decimal(0))
        listed = ", ".join(p.claim.text for p in rel.parts)
        key = "complementary" if rel.note == "=100" else "listed"
        return M.text(key, lang, parts=listed, sum=M.amount(s, "percent", "%", lang))
    if rel.kind == "share":
        part, whole, pct = r["part"], r["whole"], r["percent"]
        ratio = part.value / whole.value * HUNDRED
        return M.text(
            "share",
            lang,
            part=part.claim.text,
            whole=whole.claim.text,
            pct=pct.claim.text,
            ratio=M.amount(ratio, "percent", "%", lang),
            need=fmt(pct.value * whole.value / HUNDRED, whole),
        )
    if rel.kind == "same_whole":
        a, pa, b, pb = r["part"], r["percent"], r["part2"], r["percent2"]
        return M.text(
            "same_whole",
            lang,
            a=a.claim.text,
            pa=pa.claim.text,
            b=b.claim.text,
            pb=pb.claim.text,
            whole=clause_after(pa, 60).strip() or pa.claim.base,
            w1=fmt(a.value / pa.value * HUNDRED, a),
            w2=fmt(b.value / pb.value * HUNDRED, b),
        )
    if rel.kind == "change" and "old" not in r:
        new, amt, pct = r["new"], r["amount"], r["percent"]
        old_v = new.value - rel.direction * amt.value
        return M.text(
            "change_pa",
            lang,
            new=new.claim.text,
            amt=amt.claim.text,
            old=fmt(old_v, new),
            actual=M.amount(amt.value / old_v * HUNDRED if old_v else Decimal(0), "percent", "%", lang),
            pct=pct.claim.text,
        )
    if rel.kind == "change":
        new, old = r["new"], r["old"]
        diff = new.value - old.value
        verb = _verb(rel.direction, lang)
        if "percent" in r:
            actual = abs(diff) / old.value * HUNDRED
            actual_verb = _verb(1 if diff > 0 else -1, lang)
            need = old.value * (1 + rel.direction * r["percent"].value / HUNDRED)
            body = M.text(
                "change_percent",
                lang,
                old=old.claim.text,
                new=new.claim.text,
                verb=verb,
                actual=M.amount(actual, "percent", "%", lang),
                pct=r["percent"].claim.text,
                need=fmt(need, new),
            )
            shown = M.amount(actual, "percent", "%", lang)
            return body.replace(f"{verb} {shown}", f"{actual_verb} {shown}", 1)
        actual_verb = _verb(1 if diff > 0 else -1, lang)
        return M.text(
            "change_amount",
            lang,
            new=new.claim.text,
            old=old.claim.text,
            verb=verb,
            actual=fmt(abs(diff), new),
            amt=r["amount"].claim.text,
        ).replace(f"{verb} {fmt(abs(diff), new)}", f"{actual_verb} {fmt(abs(diff), new)}", 1)
    if rel.kind == "direction":
        new, old = r["new"], r["old"]
        if (new.value - old.value) * rel.direction > 0 and old.value:
            ratio = new.value / old.value
            return M.text(
                "from_to_scale",
                lang,
                old=old.claim.text,
                new=new.claim.text,
                factor=M.factor(ratio if ratio >= 1 else 1 / ratio, lang),
            )
        return M.text(
            "direction",
            lang,
            verb=M.text("dir_up" if rel.direction > 0 else "dir_down", lang),
            old=old.claim.text,
            to=M.text("to_up" if rel.direction > 0 else "to_down", lang),
            new=new.claim.text,
            cmp=M.text("bigger" if new.value > old.value else "smaller", lang),
        )
    if rel.kind == "times":
        new, old = r["new"], r["old"]
        ratio = new.value / old.value if old.value else Decimal(0)
        return M.text(
            "times", lang, new=new.claim.text, old=old.claim.text, ratio=M.factor(ratio, lang), n=r["factor"].claim.text
        )
    if rel.kind == "part_whole":
        return M.text("part_whole", lang, part=r["part"].claim.text, total=r["total"].claim.text)
    return f"{k} {u}"


def explain_scale(rel: Relation, sc: Scale, lang: str, cr: Compiled) -> str:
    ratio = sc.needed / sc.fig.value
    fac = M.factor(ratio if ratio >= 1 else 1 / ratio, lang)
    power = M.power_text(sc.power, lang)
    if not sc.suggestion:
        return M.text("scale_nosugg", lang, fig=sc.fig.claim.text, factor=fac, power=power)
    if sc.repairs:
        fixed = M.text("fixed_ok", lang)
    elif rel.kind == "share":
        k = Decimal(10) ** sc.power
        part, whole = rel.roles["part"], rel.roles["whole"]
        pv = part.value * (k if sc.fig is part else 1)
        wv = whole.value * (k if sc.fig is whole else 1)
        fixed = M.text("fixed_share", lang, ratio=M.amount(pv / wv * HUNDRED, "percent", "%", lang))
    else:
        fixed = M.text("fixed_no", lang)
    return M.text("scale", lang, fig=sc.fig.claim.text, factor=fac, power=power, suggestion=sc.suggestion, fixed=fixed)


def make_flag(rel: Relation, out: Outcome, check: Check, cr: Compiled, lang: str) -> Flag:
    body = explain(rel, out, lang)
    rule = rel.kind if rel.kind != "part_whole" else "part_exceeds_whole"
    suggestion = ""
    expected, observed = check.expected, check.observed
    if out.scale is not None:
        # a scale flag is about one figure: the value its relation needs against the written one
        rule = "scale"
        body += explain_scale(rel, out.scale, lang, cr)
        suggestion = out.scale.suggestion
        expected, observed = plain(out.scale.needed), plain(out.scale.fig.value)
    return Flag(
        flag_id=stable_id("f", rule, check.claim_ids),
        doc_id=rel.doc_id,
        rule=rule,
        severity=cr.severity(rule),
        claim_ids=check.claim_ids,
        expected=expected,
        observed=observed,
        message=M.sentence(body),
        suggestion=suggestion,
        check_id=check.check_id,
    )


def scale_check(rel: Relation, sc: Scale, source: Check) -> Check:
    """The scale diagnosis as its own row: the figure, the value its relation needs, the repair."""
    fig = sc.fig
    repaired = "repairs" if sc.repairs else "does not fully repair"
    return Check(
        check_id=stable_id("c", "scale", fig.id, source.check_id),
        doc_id=rel.doc_id,
        relation="scale",
        claim_ids=fig.id,
        expected=plain(sc.needed),
        observed=plain(fig.value),
        status="fail",
        rule_id="scale.power_of_ten",
        detail=f"x10^{sc.power} from {source.check_id}: {sc.suggestion or '?'} {repaired} the {rel.kind}",
    )
