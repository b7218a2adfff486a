"""Throughput and memory of ``vnclaims run`` against a plain regex scan of the same files.

    .venv/bin/python bench/bench.py --n 1000              # sample corpus/ + ../shared/corpus/news to 1,000
    .venv/bin/python bench/bench.py --corpus some/folder  # or a corpus you name
    .venv/bin/python bench/bench.py --n 10000 --workers 1,2 --markdown

For each configuration it prints articles/s, MB/s, articles/s per core, peak RSS, and the ratio
of the pipeline's time to the floor's: the regex floor reads every file, decodes it, NFC-normalises
it and runs one number regex over it, in one process — the least any extractor must do. Every
measurement runs in a fresh child process, so peak RSS (``ru_maxrss``: the largest process, the
run or one of its workers; "main RSS" is the run's own process) belongs to that measurement alone.

A sampled corpus repeats the source articles; copy k of an article has the last digit of every
number rotated by k (digits glued to letters, as in ``m2`` or ``F0``, are left alone), so copies
are not byte-identical duplicates (which would make the cross-document checks see thousands of
identical figures) while costing the same to process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "corpus", ROOT.parent / "shared" / "corpus" / "news"]
FLOOR = re.compile(r"\d+(?:[.,]\d+)*")
DIGITS = re.compile(r"(?<![^\W_])\d+(?![^\W_])")  # whole digit runs; not in words like m2, F0


def build_corpus(n: int, dest: Path, seed: int = 1) -> Path:
    """``n`` articles sampled (with replacement, cycling first) from the project's corpora."""
    sys.path.append(str(ROOT))  # after PYTHONPATH: a snapshot of the code can be measured
    from pipeline.runner import iter_files

    sources = sorted({Path(p).resolve() for src in SOURCES if src.exists() for _, p in iter_files(src)})
    if not sources:
        sys.exit("bench: no source articles under " + ", ".join(map(str, SOURCES)))
    rnd = random.Random(seed)
    order = list(sources)
    rnd.shuffle(order)
    copies: dict[Path, int] = {}
    for i in range(n):
        src = order[i % len(order)] if i < len(order) else rnd.choice(order)
        k = copies.get(src, 0)
        copies[src] = k + 1
        text = src.read_text(encoding="utf-8-sig")
        if k:
            text = DIGITS.sub(lambda m, k=k: m.group(0)[:-1] + str((int(m.group(0)[-1]) + k) % 10), text)
        out = dest / f"{i // 1000:04d}" / f"{i:06d}-{src.stem}{src.suffix}"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return dest


def corpus_size(corpus: Path) -> tuple[int, int]:
    sys.path.append(str(ROOT))  # after PYTHONPATH: a snapshot of the code can be measured
    from pipeline.runner import iter_files

    n = size = 0
    for _, p in iter_files(corpus):
        n += 1
        size += os.path.getsize(p)
    return n, size


# --- child processes -------------------------------------------------------------------------


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the pool's workers, once joined).

    Unlike wall time it barely moves when other jobs share the machine.
    """
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def child_floor(corpus: Path) -> dict[str, object]:
    sys.path.append(str(ROOT))  # after PYTHONPATH: a snapshot of the code can be measured
    from pipeline.runner import iter_files

    cpu, t = cpu_seconds(), time.perf_counter()
    files = matches = 0
    for _, p in iter_files(corpus):
        with open(p, "rb") as f:
            data = f.read()
        text = unicodedata.normalize("NFC", data.decode("utf-8-sig", errors="replace"))
        matches += sum(1 for _ in FLOOR.finditer(text))
        files += 1
    return {
        "seconds": time.perf_counter() - t,
        "cpu_seconds": cpu_seconds() - cpu,
        "documents": files,
        "matches": matches,
    }


def child_run(corpus: Path, out: Path, workers: int, fake: bool, checks: bool) -> dict[str, object]:
    sys.path.append(str(ROOT))  # after PYTHONPATH: a snapshot of the code can be measured
    if fake:  # orchestration alone: the tests' regex stand-in instead of extraction
        sys.path.insert(0, str(ROOT / "tests"))
        import test_runner_fake

        test_runner_fake.install()
    from pipeline.runner import run

    cpu, t = cpu_seconds(), time.perf_counter()
    s = run(corpus, out, progress=False, workers=workers, checks=checks, fresh=True)
    return {
        "seconds": time.perf_counter() - t,
        "cpu_seconds": cpu_seconds() - cpu,
        "documents": s.documents,
        "claims": s.claims,
        "errors": s.errors,
        "stages": s.seconds,
        "notes": list(s.notes),
        "code": str(Path(sys.modules["pipeline"].__file__ or "").parent),
    }


def measure(args: list[str]) -> dict[str, object]:
    """Run this script in a child for one measurement; add the child's peak RSS."""
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"bench: child {args} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _child_main(argv: list[str]) -> None:
    kind = argv[0]
    if kind == "floor":
        res = child_floor(Path(argv[1]))
    else:
        res = child_run(Path(argv[1]), Path(argv[2]), int(argv[3]), argv[4] == "fake", argv[5] == "checks")
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    res["rss_mb"] = round(max(self_kb, kids_kb) / 1024, 1)
    res["rss_main_mb"] = round(self_kb / 1024, 1)
    print(json.dumps(res))


# --- report ----------------------------------------------------------------------------------


def row(label: str, res: dict[str, object], workers: int, mb: float, floor_s: float) -> dict[str, object]:
    secs = float(res["seconds"])  # type: ignore[arg-type]
    docs = int(res["documents"])  # type: ignore[call-overload]
    return {
        "config": label,
        "workers": workers,
        "articles": docs,
        "seconds": round(secs, 2),
        "articles_s": round(docs / secs, 1),
        "mb_s": round(mb / secs, 2),
        "articles_s_core": round(docs / secs / workers, 1),
        "peak_rss_mb": res["rss_mb"],
        "main_rss_mb": res.get("rss_main_mb", ""),
        "x_floor": round(secs / floor_s, 1),
        "cpu_s": round(float(res["cpu_seconds"]), 2) if res.get("cpu_seconds") else "",  # type: ignore[arg-type]
        "articles_cpu_s": round(docs / float(res["cpu_seconds"]), 1) if res.get("cpu_seconds") else "",  # type: ignore[arg-type]
        "stages": res.get("stages", {}),
        "claims": res.get("claims", ""),
        "errors": res.get("errors", ""),
    }


def print_table(rows: list[dict[str, object]], markdown: bool) -> None:
    cols = [
        "config",
        "workers",
        "articles",
        "seconds",
        "articles_s",
        "mb_s",
        "articles_s_core",
        "peak_rss_mb",
        "main_rss_mb",
        "x_floor",
        "cpu_s",
        "articles_cpu_s",
    ]
    heads = ["", "workers", "articles", "s", "articles/s", "MB/s", "articles/s/core", "peak RSS MB", "main RSS MB"]
    heads += ["× floor time"]
    heads += ["CPU s", "articles/CPU s"]
    if markdown:
        print("| " + " | ".join(heads) + " |")
        print("|" + "---|" * len(heads))
        for r in rows:
            print("| " + " | ".join(str(r[c]) for c in cols) + " |")
    else:
        widths = [max(len(h), *(len(str(r[c])) for r in rows)) for h, c in zip(heads, cols, strict=True)]
        print("  ".join(h.rjust(w) for h, w in zip(heads, widths, strict=True)))
        for r in rows:
            print("  ".join(str(r[c]).rjust(w) for c, w in zip(cols, widths, strict=True)))
    for r in rows:
        if r["stages"]:
            print(
                f"  {r['config']} ({r['workers']} workers): {r['claims']} claims, {r['errors']} errors; "
                f"stage seconds: {r['stages']}",
                file=sys.stderr,
            )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child_main(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, help="a folder of articles to measure on")
    ap.add_argument("--n", type=int, default=1000, help="else: sample this many articles (default 1000)")
    ap.add_argument("--workers", default=f"1,{os.cpu_count() or 1}", help="comma-separated worker counts")
    ap.add_argument("--fake", action="store_true", help="regex stand-in for extraction: the runner's own cost")
    ap.add_argument("--no-checks", action="store_true", help="skip the cross-document checks and report")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON here")
    ap.add_argument("--keep", action="store_true", help="keep the sampled corpus and outputs")
    a = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="vnclaims-bench-"))
    try:
        corpus = a.corpus if a.corpus else build_corpus(a.n, tmp / "corpus")
        n_files, n_bytes = corpus_size(corpus)
        mb = n_bytes / 1e6
        print(f"bench: {corpus} — {n_files} files, {mb:.1f} MB; load average {os.getloadavg()}", file=sys.stderr)
        floor = measure(["--child", "floor", str(corpus)])
        floor_s = float(floor["seconds"])
        rows = [row("regex floor", floor, 1, mb, floor_s)]
        for w in sorted({int(x) for x in a.workers.split(",")}):
            res = measure(
                [
                    "--child", "run", str(corpus), str(tmp / f"out{w}"), str(w),
                    "fake" if a.fake else "real", "nochecks" if a.no_checks else "checks",
                ]
            )  # fmt: skip
            label = "runner, stand-in extractor" if a.fake else "full pipeline"
            rows.append(row(label, res, w, mb, floor_s))
            print(f"  code measured: {res.get('code')}", file=sys.stderr)
            for note in res.get("notes", []):  # type: ignore[union-attr]
                print(f"  note: {note}", file=sys.stderr)
        print(f"bench: load average at the end {os.getloadavg()}", file=sys.stderr)
        print_table(rows, a.markdown)
        if a.json:
            a.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    finally:
        if a.keep:
            print(f"bench: kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
