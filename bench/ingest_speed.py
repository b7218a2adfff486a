"""Ingest cost per article, beyond reading the file: prints figures, asserts nothing.

    .venv/bin/python bench/ingest_speed.py [FOLDER ...]

For every .txt under the folders (default: corpus/ and ../shared/corpus/news), the bytes are
read once and ``read_bytes`` is timed on them; then one HTML page, a DOCX, a PDF and the same
article in TCVN3/VNI/Windows-1258, to show what the slower paths cost.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from pipeline.ingest import read_bytes  # noqa: E402
from pipeline.ingest.encoding import to_cp1258, to_tcvn3, to_vni  # noqa: E402


def per_call_us(data: bytes, name: str, suffix: str, repeat: int = 20) -> float:
    read_bytes(data, name, suffix)  # warm caches (config, compiled patterns)
    t = time.perf_counter()
    for _ in range(repeat):
        read_bytes(data, name, suffix)
    return (time.perf_counter() - t) / repeat * 1e6


def main(folders: list[str]) -> None:
    roots = [Path(f) for f in folders] or [ROOT / "corpus", ROOT.parent / "shared" / "corpus" / "news"]
    files = sorted(p for r in roots if r.exists() for p in r.rglob("*.txt"))
    times = [per_call_us(p.read_bytes(), p.name, ".txt") for p in files]
    if times:
        times.sort()
        print(
            f"txt: {len(times)} articles, median {statistics.median(times):.0f} µs, "
            f"p95 {times[int(0.95 * (len(times) - 1))]:.0f} µs, max {times[-1]:.0f} µs per article"
        )
    sample = (ROOT / "tests" / "fixtures" / "ingest" / "sample_vi.txt").read_text(encoding="utf-8")
    from test_ingest_formats import make_docx, make_pdf

    cases = [
        ("html (trafilatura)", (ROOT / "tests" / "fixtures" / "ingest" / "article.html").read_bytes(), ".html"),
        ("docx", make_docx(sample.splitlines(), table=[["Chỉ tiêu", "2021"], ["Doanh thu", "338 tỷ"]]), ".docx"),
        ("pdf", make_pdf([sample.splitlines()]), ".pdf"),
        ("txt Windows-1258", to_cp1258(sample), ".txt"),
        ("txt TCVN3", to_tcvn3(sample.lower()), ".txt"),
        ("txt VNI", to_vni(sample), ".txt"),
        ("txt UTF-8", sample.encode(), ".txt"),
    ]
    for label, data, suffix in cases:
        print(f"{label}: {per_call_us(data, 'x' + suffix, suffix):.0f} µs per article ({len(data)} bytes)")


if __name__ == "__main__":
    main(sys.argv[1:])
