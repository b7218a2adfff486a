"""Build claims (as the extractor would) from gold rows, to develop and measure the checker alone.

    .venv/bin/python bench/gold_claims.py ../shared/gold/*.gold.jsonl --corpus corpus --out /tmp/goldout

writes /tmp/goldout/claims.csv (claim_id = f"{doc}#{start}", sentence from pipeline.segment), so
``vnclaims check /tmp/goldout`` runs the checker on gold claims.
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from pathlib import Path

from pipeline.ingest import normalize_text
from pipeline.model import CLAIM_COLUMNS, Claim
from pipeline.output import write_csv
from pipeline.segment import sentence_at, sentences


def load_gold(paths: list[Path]) -> tuple[list[dict], list[dict]]:
    claims, relations = [], []
    for p in paths:
        for line in p.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            (relations if "relation" in row else claims).append(row)
    return claims, relations


def gold_claims(rows: list[dict], corpus: Path) -> tuple[list[Claim], dict[str, str], dict[tuple[str, str], str]]:
    """Claims of gold rows, document texts, and a map (doc, gold id) -> claim_id."""
    texts: dict[str, str] = {}
    out: list[Claim] = []
    ids: dict[tuple[str, str], str] = {}
    for r in rows:
        doc = r["doc"]
        if doc not in texts:
            texts[doc] = normalize_text((corpus / doc).read_text(encoding="utf-8"))
        out.append(claim_from_gold(r, texts[doc]))
        if r.get("id"):
            ids[(doc, r["id"])] = out[-1].claim_id
    return out, texts, ids


def claim_from_gold(r: dict, text: str, spans: list | None = None) -> Claim:
    spans = spans if spans is not None else sentences(text)
    s = sentence_at(spans, r["start"])
    vmax = r.get("value_max")
    return Claim(
        doc_id=r["doc"],
        claim_id=f"{r['doc']}#{r['start']}",
        start=r["start"],
        end=r["end"],
        text=r["text"],
        kind=r["kind"],
        value=Decimal(str(r["value"])),
        value_max=Decimal(str(vmax)) if vmax is not None else None,
        unit=r.get("unit", ""),
        qualifier=r.get("qualifier", "exact"),
        subject=r.get("subject", ""),
        base=r.get("base", ""),
        change=r.get("change", ""),
        reference=r.get("reference", ""),
        period=r.get("period", ""),
        sentence=s.text if s else "",
        sentence_start=s.start if s else -1,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold", nargs="+", type=Path)
    ap.add_argument("--corpus", type=Path, default=Path("corpus"))
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    rows, _ = load_gold(a.gold)
    claims, _, _ = gold_claims(rows, a.corpus)
    write_csv(a.out / "claims.csv", CLAIM_COLUMNS, (c.row() for c in claims))
    print(f"{len(claims)} claims -> {a.out / 'claims.csv'}")


if __name__ == "__main__":
    main()
