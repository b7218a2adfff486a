"""Held-out accuracy: extraction on 12 news articles that no rule was written against.

The gold (tests/heldout/heldout.gold.jsonl) was annotated by hand from the text, following
GUIDE.md, before the extractor's output was looked at. The floors below sit under the figures
measured when the set was made, so a change that loses generality fails here even when
seed+dev still score perfectly. The matching re-implements ../shared/tools/score.py (that path
may be absent in CI): a prediction matches a gold claim of the same document when its span
overlaps the gold number core (first token of the gold span); greedy, one-to-one.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from pipeline.api import extract_folder

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "heldout"
GOLD = ROOT / "tests" / "heldout" / "heldout.gold.jsonl"
PREFIX = "heldout/"

# First measurement, code at the commit that added the set (see /work/notes/heldout_findings.md):
# all 12 f1 0.993, kind 0.976, value 0.997, unit 0.994, qualifier 0.973, change 0.985,
# subject 0.689, base 0.961 (4 dantri articles alone: base 0.866).
FLOORS = {
    "precision": 0.97,
    "recall": 0.97,
    "f1": 0.97,
    "kind_acc": 0.95,
    "value_acc": 0.98,
    "unit_acc": 0.97,
    "qualifier_acc": 0.95,
    "change_acc": 0.95,
    "subject_acc": 0.60,
    "base_acc": 0.90,
}

Row = Mapping[str, object]


def _norm(s: object) -> str:
    return re.sub(r"\s+", " ", str(s or "").strip().lower())


def _tok_f1(a: object, b: object) -> float:
    ca, cb = Counter(re.findall(r"\w+", _norm(a))), Counter(re.findall(r"\w+", _norm(b)))
    common = sum((ca & cb).values())
    if not common:
        return 0.0
    p, r = common / sum(ca.values()), common / sum(cb.values())
    return 2 * p * r / (p + r)


def _num(x: object) -> float | None:
    try:
        return float(str(x))
    except ValueError:
        return None


def _field_checks(g: Row, p: Row) -> dict[str, bool]:
    gv = float(str(g["value"]))
    pv = _num(p.get("value"))
    gu, pu = _norm(g["unit"]), _norm(p.get("unit"))
    return {
        "kind": _norm(p.get("kind")) == g["kind"],
        "value": pv is not None and abs(pv - gv) <= 1e-6 * max(1.0, abs(gv)),
        "unit": pu == gu or pu.startswith(gu + " "),
        "qualifier": _norm(p.get("qualifier")) == g["qualifier"],
        "change": _norm(p.get("change")) == _norm(g.get("change")),
        "subject": _tok_f1(g.get("subject"), p.get("subject")) >= 0.5,
        "base": _tok_f1(g.get("base"), p.get("base")) >= 0.5 if g.get("base") else not _norm(p.get("base")),
    }


def score(gold: Iterable[Row], pred: Iterable[Row]) -> dict[str, float]:
    """Precision/recall/F1 and per-field accuracy over matched pairs, as score.py computes them."""
    by_doc_g: dict[str, list[Row]] = {}
    by_doc_p: dict[str, list[Row]] = {}
    for g in gold:
        by_doc_g.setdefault(str(g["doc"]), []).append(g)
    for p in pred:
        by_doc_p.setdefault(str(p["doc_id"]), []).append(p)
    tp = fp = fn = 0
    ok: Counter[str] = Counter()
    n: Counter[str] = Counter()
    for doc, gs in by_doc_g.items():
        ps = by_doc_p.get(doc, [])
        used: set[int] = set()
        for g in sorted(gs, key=lambda r: int(str(r["start"]))):
            cs = int(str(g["start"]))
            ce = cs + len(str(g["text"]).split()[0])
            hit = next(
                (
                    j
                    for j, p in enumerate(ps)
                    if j not in used and int(str(p["start"])) < ce and int(str(p["end"])) > cs
                ),
                None,
            )
            if hit is None:
                fn += 1
                continue
            used.add(hit)
            tp += 1
            for k, good in _field_checks(g, ps[hit]).items():
                n[k] += 1
                ok[k] += good
        fp += len(ps) - len(used)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    res = {"precision": prec, "recall": rec, "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0}
    res.update({f"{k}_acc": ok[k] / n[k] for k in n})
    return res


def _gold() -> list[dict[str, object]]:
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    claims = [r for r in rows if "start" in r]
    for r in claims:
        r["doc"] = str(r["doc"]).removeprefix(PREFIX)  # extract_folder ids are relative to CORPUS
    return claims


@pytest.fixture(scope="module")
def gold() -> list[dict[str, object]]:
    return _gold()


@pytest.fixture(scope="module")
def measured(gold: list[dict[str, object]]) -> dict[str, float]:
    frame = extract_folder(CORPUS)
    return score(gold, frame.to_dict("records"))


def test_gold_offsets_match_corpus(gold: list[dict[str, object]]) -> None:
    # A corpus file edited after annotation would silently shift every offset.
    for g in gold:
        text = unicodedata.normalize("NFC", (CORPUS / str(g["doc"])).read_text(encoding="utf-8"))
        assert text[int(str(g["start"])) : int(str(g["end"]))] == g["text"], g


def test_scorer_penalises_misses_and_wrong_fields(gold: list[dict[str, object]]) -> None:
    perfect = [{**g, "doc_id": g["doc"]} for g in gold]
    assert score(gold, perfect)["f1"] == 1.0
    assert score(gold, perfect)["subject_acc"] == 1.0
    half = perfect[::2]
    assert score(gold, half)["recall"] < 0.55
    shifted = [{**p, "value": float(str(p["value"])) * 10 + 1} for p in perfect]
    assert score(gold, shifted)["value_acc"] < 0.05


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_heldout_floor(measured: dict[str, float], metric: str) -> None:
    assert measured[metric] >= FLOORS[metric], f"{metric}={measured[metric]:.4f} < floor {FLOORS[metric]}"
