"""Time the attribute stage alone on a corpus, on the claims the extractor finds.

    .venv/bin/python bench/attribution_speed.py ../shared/corpus/news [--repeat 3]

Prints ms per article (CPU time, so other processes on the machine disturb it little) and per
5 KB, claims per article, and how many underthesea calls an article needs. The taggers are loaded
before timing; window caches start empty on every repeat (as for a fresh batch of articles).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipeline.attribute import attribute_claims, nlp
from pipeline.extract import find_claims
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
    work = [(d, find_claims(d, rules)) for d in docs]
    nlp.load()
    attribute_claims(*work[0], rules)  # compile the rules
    best_cpu = best_wall = float("inf")
    for _ in range(a.repeat):
        nlp.tags.cache_clear()
        nlp.words.cache_clear()
        c0, w0 = time.process_time(), time.perf_counter()
        for d, cs in work:
            attribute_claims(d, cs, rules)
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - w0)
    n, kb = len(work), sum(len(d.text.encode()) for d in docs) / 1024
    claims = sum(len(cs) for _, cs in work)
    ti, wi = nlp.tags.cache_info(), nlp.words.cache_info()
    print(f"{n} articles, {kb / n:.1f} KB/article, {claims / n:.1f} claims/article")
    print(f"attribute: {best_cpu / n * 1000:.2f} ms/article CPU ({best_wall / n * 1000:.2f} wall), "
          f"{best_cpu / kb * 5 * 1000:.2f} ms CPU per 5 KB, {best_cpu / max(claims, 1) * 1000:.3f} ms/claim")
    print(f"underthesea calls per article: pos_tag {ti.misses / n:.1f}, word_tokenize {wi.misses / n:.1f}")


if __name__ == "__main__":
    main()
