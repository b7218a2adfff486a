"""Planted-error test set for the checker: mutate figures that take part in consistent relations.

For every relation the checker finds to hold in a clean article (plus the gold relations that
hold), each member figure is mutated in the article text — scale word swapped (triệu↔tỷ,
nghìn→triệu), one digit changed by at least 2 (`digit_last` when it is the last digit, often
within the rounding the written precision allows), a percentage altered by 15–50% — the claims
are rebuilt (gold offsets, the extractor, or a rough regex finder) and re-checked. A planted
error counts as detected when a flag names the mutated claim among its claim_ids. Also reports
flags per clean article (all flags on the unmutated articles).

    .venv/bin/python bench/mutate.py                       # claims from the gold files
    .venv/bin/python bench/mutate.py --extract --rough ../shared/corpus/news   # the real extractor,
                                                           # dev + seed + news + checks.yaml examples
    .venv/bin/python bench/mutate.py --extract --clean ../shared/corpus/news   # flags per clean article

Each planted error in a figure of a relation that fixes it (sum, share, same_whole, change,
times) is also classed as detectable or not: undetectable when the relation still holds, on the
intervals written precision allows, with the planted value (`giảm 80 triệu` → `89 triệu` where
`1,47 tỷ` − `1,39 tỷ` allows 70 … 90 triệu; `gần 16,34 tỷ` → `gần 16,37 tỷ`). Those are
counted apart, never by loosening tolerances.

Measured (2026-11-28 10:24 UTC, HEAD, --extract --rough news, seeds 1–5, 156 articles + 20
examples): planted errors in relations that fix the figure caught 97.9% (1622/1656) where
detectable; 212 more (11%: 134 last-digit, 61 other digit, 12 percentage, 5 scale changes) fall
within the written tolerance, none caught; all together 86.8% (1622/1868). Scale words swapped
97.8% (660/675). Flags per clean article 0.05 (8 in 156 articles: the seed's scale slip,
83,3 + 195,4 ≠ 275, the two `1.1xx tỷ` car prices, four in news of which three are real slips).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import regex

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/bench.py shadows a `bench` package

from gold_claims import claim_from_gold, gold_claims, load_gold
from rough_claims import rough_claims

from pipeline.check import check_claims
from pipeline.check.config import CheckRules, Compiled, compiled
from pipeline.check.examples import parse_example
from pipeline.check.figures import make_figure
from pipeline.check.relations import DocView, Relation, find_relations
from pipeline.check.verify import evaluate, overlaps, verify
from pipeline.ingest import iter_documents
from pipeline.model import Claim, Document
from pipeline.rulefiles import RuleSet, load_rules
from pipeline.segment import sentences

ROOT = Path(__file__).resolve().parent.parent
SWAPS = [("triệu", "tỷ", 3), ("tỷ", "triệu", -3), ("nghìn", "triệu", 3)]
_NUM = regex.compile(r"\d+(?:[.,]\d+)*")


def mutations(c: Claim, rng: random.Random) -> list[tuple[str, str, Decimal]]:
    """(kind, new surface text, new value) for one claim."""
    out: list[tuple[str, str, Decimal]] = []
    compound = len(regex.findall(r"triệu|tỷ|nghìn|ngàn", c.text)) > 1  # `566 tỷ 384 triệu`: no single word to swap
    for a, b, p in [] if compound else SWAPS:
        if regex.search(rf"(?<!nghìn ){a}", c.text) and not (a == "tỷ" and "nghìn tỷ" in c.text):
            out.append(("scale", c.text.replace(a, b, 1), c.value * Decimal(10) ** p))
            break
    m = _NUM.search(c.text)
    if m:
        num = m.group(0)
        digits = [i for i, ch in enumerate(num) if ch.isdigit()]
        i = rng.choice(digits)
        d = int(num[i])
        choices = [x for x in range(10) if abs(x - d) >= 2 and not (x == 0 and i == 0)]
        x = rng.choice(choices)
        new_num = num[:i] + str(x) + num[i + 1 :]
        old_v = _plain(num)
        new_v = _plain(new_num)
        if old_v:
            kind = "digit_last" if i == digits[-1] else "digit"
            out.append((kind, c.text.replace(num, new_num, 1), c.value * new_v / old_v))
        if c.kind == "percent" and old_v:
            f = Decimal(str(rng.choice([0.6, 0.7, 0.8, 0.85, 1.15, 1.25, 1.4, 1.5])))
            dec = len(num.split(",")[1]) if "," in num else 0
            nv = (old_v * f).quantize(Decimal(10) ** -dec)
            txt = format(nv, "f").replace(".", ",")
            if nv != old_v:
                out.append(("percent", c.text.replace(num, txt, 1), c.value * nv / old_v))
    return out


def _plain(num: str) -> Decimal:
    if "," in num:
        return Decimal(num.replace(".", "").replace(",", "."))
    if "." in num and all(len(g) == 3 for g in num.split(".")[1:]):
        return Decimal(num.replace(".", ""))
    return Decimal(num)


def rebuild_gold(
    claims: list[Claim], text: str, target: Claim, new_text: str, new_value: Decimal, kind: str = ""
) -> list[Claim]:
    """Claims of the mutated text, as the gold would give them (offsets after the figure shift)."""
    delta = len(new_text) - len(target.text)
    new_doc = text[: target.start] + new_text + text[target.end :]
    spans = sentences(new_doc)
    out = []
    for c in claims:
        start, end = c.start, c.end
        if c.claim_id == target.claim_id:
            row = _row(c, start, start + len(new_text), new_text, new_value)
            if kind == "scale" and c.value_max is not None and c.value:
                row["value_max"] = c.value_max * new_value / c.value  # one scale word serves both ends
        else:
            if start >= target.end:
                start, end = start + delta, end + delta
            row = _row(c, start, end, c.text, c.value)
        out.append(replace(claim_from_gold(row, new_doc, spans), claim_id=f"{c.doc_id}#{start}"))
    return out


def _row(c: Claim, start: int, end: int, text: str, value: Decimal) -> dict:
    return {
        "doc": c.doc_id,
        "start": start,
        "end": end,
        "text": text,
        "kind": c.kind,
        "value": value,
        "value_max": c.value_max,
        "unit": c.unit,
        "qualifier": c.qualifier,
        "subject": c.subject,
        "base": c.base,
        "change": c.change,
        "reference": c.reference,
        "period": c.period,
    }


def rough(doc: Document, rules: RuleSet | None) -> list[Claim]:
    """Rough regex claims, with the attribute stage's subjects, bases, changes… when ``rules``."""
    claims = rough_claims(doc)
    if rules is None:
        return claims
    from pipeline.attribute import attribute_claims

    return attribute_claims(doc, claims, rules)


FIXING = ("sum", "share", "same_whole", "change", "times", "direction")


def holding_relations(claims: list[Claim], cr: Compiled) -> dict[str, list[Relation]]:
    """Per claim id, the relations of the clean article that hold with it (or an alternative reading)."""
    figs = [f for f in (make_figure(c, i, cr) for i, c in enumerate(claims)) if f is not None]
    out: dict[str, list[Relation]] = {}
    for rel in find_relations(DocView.build(figs[0].claim.doc_id if figs else "", figs), cr):
        if rel.kind not in FIXING:
            continue
        tries = [rel] + [
            replace(rel, roles={**rel.roles, rel.alt_role: alt}, alternatives=[]) for alt in rel.alternatives
        ]
        ok = next((r for r in tries if verify(r, cr, set()).status == "pass"), None)
        if ok is not None:
            for f in ok.members:
                out.setdefault(f.id, []).append(ok)
    return out


def detectable(rels: list[Relation], target: Claim, kind: str, new_text: str, new_value: Decimal, cr: Compiled) -> bool:
    """Whether the planted value breaks a relation the clean figure takes part in, on the intervals
    its written precision allows: a digit changed within `hơn`/`gần` or the rounding of another
    member (`34 tỷ` for 33,82) cannot be told from the text."""
    top = target.value_max
    if kind == "scale" and top is not None and target.value:
        top = top * new_value / target.value  # `22 đến 40 tỷ` → `22 đến 40 triệu`: one word scales both ends
    mutated = replace(target, text=new_text, value=new_value, value_max=top, end=target.start + len(new_text))
    fig = make_figure(mutated, 0, cr)
    if fig is None:
        return True
    for rel in rels:
        implied, written = evaluate(rel, cr, {target.claim_id: fig})
        if implied is not None and not overlaps(implied, written):
            return True
    return False


def extract(doc_id: str, text: str) -> list[Claim]:
    from pipeline.api import extract_document

    return extract_document(Document(doc_id=doc_id, text=text))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", nargs="*", type=Path, default=sorted((ROOT.parent / "shared/gold").glob("*.gold.jsonl")))
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--extract", action="store_true", help="claims from the extractor instead of the gold")
    ap.add_argument("--clean", type=Path, default=None, help="also count flags per article on this folder")
    ap.add_argument(
        "--rough", type=Path, default=None, help="also plant errors in this folder (rough claims, or --extract)"
    )
    ap.add_argument("--attribute", action="store_true", help="--rough: fill subjects etc. with pipeline.attribute")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--no-examples", dest="examples", action="store_false", help="skip the checks.yaml examples")
    ap.add_argument("--show", type=int, default=10, help="missed mutations to print")
    ap.add_argument("--rules", type=Path, default=None, help="rules folder (default: the project's rules/)")
    a = ap.parse_args()
    rules = load_rules(a.rules)
    cr = compiled(rules)
    rng = random.Random(a.seed)
    rows, relations = load_gold(a.gold)
    gclaims, texts, ids = gold_claims(rows, a.corpus)
    by_doc: dict[str, list[Claim]] = {}
    for c in gclaims:
        by_doc.setdefault(c.doc_id, []).append(c)
    if a.extract:
        by_doc = {d: extract(d, texts[d]) for d in texts}
    mode = {d: ("extract" if a.extract else "gold") for d in by_doc}
    if a.rough:
        # unannotated articles, claims from the rough regex finder: many more consistent relations
        for d in iter_documents(a.rough):
            if isinstance(d, Document):
                doc = f"rough/{d.doc_id}"
                texts[doc] = d.text
                if a.extract:  # the real extractor on unannotated articles
                    by_doc[doc] = extract(doc, d.text)
                    mode[doc] = "extract"
                else:
                    by_doc[doc] = rough(replace(d, doc_id=doc), rules if a.attribute else None)
                    mode[doc] = "rough"
    if a.examples:
        # the clean examples of rules/checks.yaml are small articles too (figures in brackets)
        for i, ex in enumerate(rules.validate("checks", CheckRules).examples):
            if ex.flags == [] and ex.expect:
                doc = f"example/{i}"
                texts[doc], by_doc[doc] = parse_example(ex.text, doc)
                mode[doc] = "gold"
    clean_flags = 0
    targets: list[tuple[str, Claim, str]] = []
    holding: dict[tuple[str, str], list[Relation]] = {}
    for doc, claims in sorted(by_doc.items()):
        holding.update({(doc, cid): rels for cid, rels in holding_relations(claims, cr).items()})
        checks, flags = check_claims(claims, rules)
        clean_flags += len(flags)
        for f in flags:
            print(f"clean flag  {doc}  {f.rule}: {f.message}")
        ids_ok: dict[str, str] = {}
        for ch in checks:
            if ch.status == "pass" and ch.relation in FIXING:
                for cid in ch.claim_ids.split():
                    ids_ok.setdefault(cid, ch.relation)
        for r in relations:
            if r["doc"] == doc and r.get("holds"):
                members = [r[k] for k in ("total", "part", "whole", "percent", "new", "old", "amount") if k in r]
                members += r.get("parts", [])
                for m in members:
                    cid = ids.get((doc, m))
                    if cid and not a.extract:
                        ids_ok.setdefault(cid, r["relation"] + "(gold)")
        by_id = {c.claim_id: c for c in claims}
        targets += [(doc, by_id[cid], rel) for cid, rel in sorted(ids_ok.items()) if cid in by_id]
    tried: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    missed: list[str] = []
    for doc, target, rel in targets:
        for kind, new_text, new_value in mutations(target, rng):
            text = texts[doc]
            new_doc = text[: target.start] + new_text + text[target.end :]
            if mode[doc] == "extract":
                claims = extract(doc, new_doc)
            elif mode[doc] == "rough":
                claims = rough(Document(doc_id=doc, text=new_doc), rules if a.attribute else None)
            else:
                claims = rebuild_gold(by_doc[doc], text, target, new_text, new_value, kind)
            _, flags = check_claims(claims, rules)
            hit = any(target.claim_id in f.claim_ids.split() for f in flags)
            keys = [kind, f"rel:{rel}", "all"]
            if rel in ("sum", "share", "same_whole", "change", "times"):
                keys.append("relations that fix the figure")  # a from–to alone only fixes a direction
                rels = holding.get((doc, target.claim_id), [])
                if rels and not detectable(rels, target, kind, new_text, new_value, cr):
                    keys.append("  within written tolerance (undetectable)")
                else:
                    keys.append("  detectable (breaks the relation)")
            for key in keys:
                tried[key] += 1
                caught[key] += hit
            if not hit:
                tag = "undet" if "  within written tolerance (undetectable)" in keys else ""
                missed.append(f"missed {kind:8} {rel:14} {tag:5} {target.text!r} -> {new_text!r}  ({doc})")
    for line in missed[: a.show]:
        print(line)
    n_docs = len(by_doc)
    per_source: Counter[str] = Counter(d.split("/")[0] for d in by_doc)
    print(f"\nplanted errors: {tried['all']} in {len(targets)} figures of consistent relations")
    for key in sorted(tried):
        print(f"  {key:40} detected {caught[key]:3}/{tried[key]:3} = {caught[key] / tried[key]:.0%}")
    print(f"articles by source: {dict(per_source)}")
    print(f"clean articles: {n_docs}, flags {clean_flags}, flags per clean article {clean_flags / max(n_docs, 1):.2f}")
    if a.clean:
        docs = [d for d in iter_documents(a.clean) if isinstance(d, Document)]
        n_flags = 0
        per_rule: Counter[str] = Counter()
        for d in docs:
            _, flags = check_claims(extract(d.doc_id, d.text), rules)
            n_flags += len(flags)
            per_rule.update(f.rule for f in flags)
            for f in flags:
                print(f"news flag  {d.doc_id}  {f.rule}: {f.message}")
        print(
            f"{a.clean}: {len(docs)} articles, {n_flags} flags, {n_flags / max(len(docs), 1):.2f} per article, "
            f"by rule {dict(per_rule)}"
        )


if __name__ == "__main__":
    main()
