"""Time the attribute stage alone on a corpus, with claims from the rough regex finder.

    .venv/bin/python bench/attribution_speed.py ../shared/corpus/news

Prints ms per article and per 5 KB, claims per article, and the share of time spent in underthesea.
The taggers are loaded before timing; window caches start empty (as for a fresh batch of articles).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rough_claims import rough_claims

from pipeline.attribute import attribute_claims, nlp
from pipeline.ingest import iter_documents
from pipeline.model import Document
from pipeline.rulefiles import cached_rules


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    rules = cached_rules()
    docs = [d for d in iter_documents(a.corpus, rules=rules) if isinstance(d, Document)]
    work = [(d, rough_claims(d)) for d in docs]
    nlp.tags("khởi động"), nlp.words("khởi động")
    best = float("inf")
    for _ in range(a.repeat):
        nlp.tags.cache_clear()
        nlp.words.cache_clear()
        t0 = time.perf_counter()
        for d, cs in work:
            attribute_claims(d, cs, rules)
        best = min(best, time.perf_counter() - t0)
    n, kb = len(work), sum(len(d.text.encode()) for d in docs) / 1024
    claims = sum(len(cs) for _, cs in work)
    ti, wi = nlp.tags.cache_info(), nlp.words.cache_info()
    print(f"{n} articles, {kb / n:.1f} KB/article, {claims / n:.1f} claims/article")
    print(f"attribute: {best / n * 1000:.2f} ms/article, {best / kb * 5 * 1000:.2f} ms per 5 KB, "
          f"{best / max(claims, 1) * 1000:.3f} ms/claim")
    print(f"underthesea calls per article: pos_tag {ti.misses / n:.1f}, word_tokenize {wi.misses / n:.1f}")


if __name__ == "__main__":
    main()
