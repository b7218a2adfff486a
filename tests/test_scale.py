"""Memory stays flat as the corpus grows: the runner never holds all files, claims or texts.

Peak Python allocations (tracemalloc) of a serial run over 2,000 articles must stay within 1.2×
those over 200, although claims.csv grows tenfold. Not a timing test: it counts bytes.
"""

from __future__ import annotations

import tracemalloc

import pytest
import test_runner_fake as fake

from pipeline.ingest import list_files
from pipeline.runner import iter_files, run

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _fake_extractor(monkeypatch):
    import pipeline.api

    monkeypatch.setattr(pipeline.api, "find_claims", fake.fake_find_claims)
    monkeypatch.setattr(pipeline.api, "attribute_claims", fake.fake_attribute_claims)


def peak_of_run(tmp_path, n: int) -> tuple[int, int]:
    corpus = tmp_path / f"c{n}"
    fake.make_corpus(corpus, n, seed=n)
    rules = fake.minimal_rules(tmp_path / "rules")
    tracemalloc.start()
    try:
        run(corpus, tmp_path / f"o{n}", rules, progress=False, workers=1, checks=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, (tmp_path / f"o{n}" / "claims.csv").stat().st_size


def test_peak_memory_does_not_grow_with_the_corpus(tmp_path):
    peak_of_run(tmp_path, 20)  # imports and caches are not the run's memory
    small, small_csv = peak_of_run(tmp_path, 200)
    big, big_csv = peak_of_run(tmp_path, 2000)
    assert big_csv > 8 * small_csv  # the output really grew
    assert big <= 1.2 * small + 100_000, (small, big)


def test_streamed_listing_finds_the_same_files_as_ingest(tmp_path):
    fake.make_corpus(tmp_path / "c", 7)
    (tmp_path / "c" / "a" / "deep" / "er").mkdir(parents=True)
    (tmp_path / "c" / "a" / "deep" / "er" / "x.MD").write_text("1", encoding="utf-8")
    (tmp_path / "c" / ".hidden.txt").write_text("1", encoding="utf-8")
    (tmp_path / "c" / ".git").mkdir()
    (tmp_path / "c" / ".git" / "x.txt").write_text("1", encoding="utf-8")
    (tmp_path / "c" / "old.doc").write_text("1", encoding="utf-8")
    (tmp_path / "c" / "page.html").write_text("<p>1</p>", encoding="utf-8")
    (tmp_path / "c" / "notes.csv").write_text("1", encoding="utf-8")
    root = tmp_path / "c"
    expected = {p.relative_to(root).as_posix(): p for p in list_files(root)}
    assert dict(iter_files(root)) == expected
    assert {"a/deep/er/x.MD", "old.doc", "page.html"} <= set(expected)
    one = root / "a" / "deep" / "er" / "x.MD"
    assert list(iter_files(one)) == [("x.MD", one)]
