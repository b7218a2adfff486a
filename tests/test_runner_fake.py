"""A stand-in extractor for the runner tests: finds digit runs with a regex.

The runner's machinery (chunks, pools, the store, merging, resuming, formats) is what these tests
exercise; they must not depend on how good extraction is, nor on its speed. ``install()`` swaps
``pipeline.api.find_claims`` for ``fake_find_claims``; forked workers and in-process Dask workers
inherit the swap. ``VNCLAIMS_FAKE_DELAY`` (seconds per article) slows it so a run can be killed
half-way.
"""

from __future__ import annotations

import os
import random
import time
from decimal import Decimal
from pathlib import Path

import regex

from pipeline.model import Claim, Document
from pipeline.rulefiles import RuleSet

NUMBER = regex.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?:\s*%)?")


def fake_find_claims(doc: Document, rules: RuleSet) -> list[Claim]:
    delay = float(os.environ.get("VNCLAIMS_FAKE_DELAY", "0") or 0)
    if delay:
        time.sleep(delay)
    if "BOOM" in doc.text:
        raise ValueError("fake extractor refuses this article")
    out = []
    for m in NUMBER.finditer(doc.text):
        text = m.group(0)
        digits = text.rstrip("% ").replace(".", "").replace(",", ".", 1).replace(",", "")
        pct = text.endswith("%")
        out.append(
            Claim(
                doc_id=doc.doc_id,
                claim_id=f"{doc.doc_id}#{m.start()}",
                start=m.start(),
                end=m.end(),
                text=text,
                kind="percent" if pct else "count",
                value=Decimal(digits),
                value_max=None,
                unit="%" if pct else "",
                qualifier="exact",
                sentence=doc.text[max(0, m.start() - 20) : m.end() + 20],
                rule_id="fake.number.v1",
            )
        )
    return out[::-1]  # reversed on purpose: the runner must sort by start


def fake_attribute_claims(doc: Document, claims: list[Claim], rules: RuleSet) -> list[Claim]:
    return claims


def install() -> None:
    """Swap the extraction stages (not the runner) for the fakes, in this process and its forks."""
    import pipeline.api

    pipeline.api.find_claims = fake_find_claims  # type: ignore[assignment]
    pipeline.api.attribute_claims = fake_attribute_claims  # type: ignore[assignment]


WORDS = [
    "doanh",
    "thu",
    "lợi",
    "nhuận",
    "tăng",
    "giảm",
    "so",
    "với",
    "cùng",
    "kỳ",
    "năm",
    "ngoái",
    "đạt",
    "khoảng",
    "gần",
    "hơn",
    "người",
    "dân",
    "đồng",
    "tỷ",
    "triệu",
]


def make_corpus(root: Path, n: int, seed: int = 0, start: int = 0, pad: int = 0) -> list[Path]:
    """``n`` small Vietnamese-looking articles with numbers, in two sub-folders, deterministic.

    ``pad`` adds that many words of number-free text to each article.
    """
    rnd = random.Random(seed)
    paths = []
    for i in range(start, start + n):
        sub = root / ("a" if i % 2 else "b")
        sub.mkdir(parents=True, exist_ok=True)
        parts = []
        for _ in range(rnd.randint(3, 12)):
            parts.append(" ".join(rnd.choices(WORDS, k=rnd.randint(2, 6))))
            parts.append(f"{rnd.randint(1, 9999)},{rnd.randint(0, 99)}" + (" %" if rnd.random() < 0.3 else ""))
        p = sub / f"bài-{i:05d}.txt"
        filler = " ".join(rnd.choices(WORDS, k=pad))
        p.write_text("Tiêu đề\n\n" + " ".join(parts) + ".\n\n" + filler, encoding="utf-8")
        paths.append(p)
    return paths


def minimal_rules(root: Path) -> Path:
    """A rules folder of our own, so these tests do not depend on the project's rules being finished."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "fragments.yaml").write_text("DIGITS: '[0-9]+'\n", encoding="utf-8")
    return root


def test_fake_offsets_point_into_the_text():
    doc = Document("a.txt", "Doanh thu 1.234,5 tỷ, tăng 12 % và 7")
    claims = fake_find_claims(doc, None)  # type: ignore[arg-type]
    assert sorted(c.text for c in claims) == ["1.234,5", "12 %", "7"]
    assert all(doc.text[c.start : c.end] == c.text for c in claims)
    assert {str(c.value) for c in claims} == {"1234.5", "12", "7"}
