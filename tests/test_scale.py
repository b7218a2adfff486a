"""Memory stays flat as the corpus grows: the runner never holds all files, claims or texts.

Peak Python allocations (tracemalloc) of a serial run over 2,000 articles must stay within 1.2×
those over 200 (plus a fixed slack), although the input and claims.csv grow tenfold, by more
than 10 MB. Not a timing test: it counts bytes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import test_runner_fake as fake

from pipeline.ingest import list_files
from pipeline.runner import iter_files

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _fake_extractor(monkeypatch):
    import pipeline.api

    monkeypatch.setattr(pipeline.api, "find_claims", fake.fake_find_claims)
    monkeypatch.setattr(pipeline.api, "attribute_claims", fake.fake_attribute_claims)


PROBE = """
import sys, tracemalloc
from pathlib import Path
sys.path.insert(0, {tests!r})
import test_runner_fake as fake
fake.install()
from pipeline.runner import run

tmp = Path({tmp!r})
rules = fake.minimal_rules(tmp / "rules")
for n in (20, 200, 2000):  # the first run pays for imports and caches, not measured
    fake.make_corpus(tmp / f"c{{n}}", n, seed=n, pad=400)
    tracemalloc.start()
    run(tmp / f"c{{n}}", tmp / f"o{{n}}", rules, progress=False, workers=1, checks=False)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(n, peak, (tmp / f"o{{n}}" / "claims.csv").stat().st_size)
"""


def test_peak_memory_does_not_grow_with_the_corpus(tmp_path):
    # A fresh interpreter: threads other tests leave behind (Dask's) would allocate inside our window.
    code = PROBE.format(tests=str(Path(__file__).parent), tmp=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    peaks = {int(n): (int(p), int(size)) for n, p, size in (line.split() for line in out.splitlines())}
    (small, small_csv), (big, big_csv) = peaks[200], peaks[2000]
    assert big_csv > 8 * small_csv  # the output really grew
    # Slack: one rebuild of CPython's intern table (pathlib interns path parts) may fall in the window.
    assert big <= 1.2 * small + 2_500_000, (small, big)


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
    expected = {p.relative_to(root).as_posix(): str(p) for p in list_files(root)}
    assert dict(iter_files(root)) == expected
    assert {"a/deep/er/x.MD", "old.doc", "page.html"} <= set(expected)
    one = root / "a" / "deep" / "er" / "x.MD"
    assert list(iter_files(one)) == [("x.MD", str(one))]
