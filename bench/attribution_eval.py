"""Measure the attribute stage alone on gold spans, with the scorer's own criteria.

    .venv/bin/python bench/attribution_eval.py ../shared/gold/*.gold.jsonl --corpus corpus [--show 30]

Claims are built from gold rows (span, kind, value, unit, qualifier; subject/base/change/reference/
period left empty, except the sign of a bracketed `(+3,13%)`, which extraction sets), run through
``attribute_claims``, and compared: subject and base by token-F1 >= 0.5 (base must stay empty where
gold has none), change exactly (reference and period, which the scorer does not score, likewise
by token-F1). Speed: bench/attribution_speed.py.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gold_claims import claim_from_gold

from pipeline.attribute import attribute_claims
from pipeline.ingest import iter_documents
from pipeline.model import Document
from pipeline.rulefiles import cached_rules
from pipeline.segment import sentences


def toks(s: str) -> list[str]:
    return re.findall(r"\w+", re.sub(r"\s+", " ", (s or "").strip().lower()))


def tok_f1(a: str, b: str) -> float:
    A, B = collections.Counter(toks(a)), collections.Counter(toks(b))
    common = sum((A & B).values())
    if not A or not B or not common:
        return 0.0
    p, r = common / sum(B.values()), common / sum(A.values())
    return 2 * p * r / (p + r)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold", nargs="+", type=Path)
    ap.add_argument("--corpus", type=Path, default=Path("corpus"))
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--field", default="", help="show only mistakes of this field")
    a = ap.parse_args()
    rules = cached_rules()
    docs = {d.doc_id: d for d in iter_documents(a.corpus, rules=rules) if isinstance(d, Document)}
    rows: dict[str, list[dict]] = collections.defaultdict(list)
    for p in a.gold:
        for line in p.read_text(encoding="utf-8").splitlines():
            r = json.loads(line) if line.strip() else {}
            if "start" in r:
                rows[r["doc"]].append(r)
    ok: collections.Counter[str] = collections.Counter()
    n = 0
    wrong: list[tuple] = []

    for doc_id, rs in sorted(rows.items()):
        doc = docs[doc_id]
        spans = sentences(doc.text)
        rs = sorted(rs, key=lambda r: r["start"])
        claims = []
        for r in rs:
            c = claim_from_gold(r, doc.text, spans)
            sign = doc.text[c.start - 1 : c.start] if c.start else ""
            ch = {"+": "increase", "-": "decrease"}.get(sign, "") if doc.text[c.start - 2 : c.start - 1] == "(" else ""
            claims.append(replace(c, subject="", base="", change=ch, reference="", period=""))
        got = attribute_claims(doc, claims, rules)
        for r, g in zip(rs, got, strict=True):
            n += 1
            checks = {
                "subject": tok_f1(r.get("subject", ""), g.subject) >= 0.5,
                "base": tok_f1(r.get("base", ""), g.base) >= 0.5 if r.get("base") else not g.base,
                "change": (r.get("change") or "") == g.change,
                "reference": (tok_f1(r["reference"], g.reference) >= 0.5) if r.get("reference") else not g.reference,
                "period": tok_f1(r.get("period", ""), g.period) >= 0.5 if r.get("period") else not g.period,
            }
            for k, v in checks.items():
                ok[k] += v
                if not v:
                    wrong.append((k, doc_id[-12:], r["text"], r.get(k, ""), getattr(g, k)))
    print(f"claims={n} docs={len(rows)} " + " ".join(f"{k}={ok[k] / n:.3f}" for k in ok))
    shown = [w for w in wrong if not a.field or w[0] == a.field]
    for w in shown[: a.show]:
        print("WRONG", *w, sep=" | ")


if __name__ == "__main__":
    main()
