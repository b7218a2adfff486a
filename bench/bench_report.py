"""Time and peak RSS of ``write_report`` over synthetic output folders of growing size.

A synthetic folder replicates a real run's tables (claims.csv, checks.csv, flags.csv) under new
doc_ids until it holds N documents, in doc_id order as ``vnclaims run`` writes them. Each
measurement runs in a fresh child process and reads its own ``getrusage`` peak, so the figures
do not depend on what this process has loaded.

    .venv/bin/vnclaims run ../shared/corpus/news --out /tmp/h5b --quiet
    .venv/bin/python bench/bench_report.py /tmp/h5b --sizes 1000,10000,50000
    # the code of an older commit, for a before/after comparison:
    git archive 0f5d2fc pipeline rules | tar -x -C /tmp/old
    .venv/bin/python bench/bench_report.py /tmp/h5b --code /tmp/old
    # the review app (start, documents page, one document, flags page) instead of the report:
    .venv/bin/python bench/bench_report.py /tmp/h5b --app
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from pipeline.review.report import write_report
from pipeline.review.app import ReviewApp
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t1 = time.perf_counter()
if sys.argv[2] == "report":
    write_report(sys.argv[1])
else:  # the review app: start, the documents page, one document, the first page of flags
    app = ReviewApp(sys.argv[1])
    assert "r00000-" in app.docs_page()
    flag = app.rows()[0].flag
    assert app.doc_page(flag.doc_id) is not None and app.flags_page({}) and app.flag_page(flag.flag_id)
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "report_s": t2 - t1, "base_kb": base,
                  "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        r = csv.DictReader(f)
        return list(r.fieldnames or []), list(r)


def _rename(value: str, rep: int) -> str:
    """A doc_id, claim_id or space-separated list of them, moved into replica ``rep``."""
    return " ".join(v if v == "*" else f"r{rep:05d}-{v}" for v in value.split())


def build(src: Path, dst: Path, n_docs: int) -> None:
    """``dst`` holding ``n_docs`` documents made of replicas of ``src``'s documents."""
    if (dst / "claims.csv").is_file() and (dst / "n_docs").read_text() == str(n_docs):
        return
    dst.mkdir(parents=True, exist_ok=True)
    cols, claims = _read(src / "claims.csv")
    docs = sorted({c["doc_id"] for c in claims})
    by_doc: dict[str, list[dict[str, str]]] = {d: [] for d in docs}
    for c in claims:
        by_doc[c["doc_id"]].append(c)
    n_reps = -(-n_docs // len(docs))
    with (dst / "claims.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, cols, lineterminator="\n")
        w.writeheader()
        made = 0
        for rep in range(n_reps):
            for d in docs:
                if made == n_docs:
                    break
                made += 1
                for c in by_doc[d]:
                    w.writerow({**c, "doc_id": _rename(c["doc_id"], rep), "claim_id": _rename(c["claim_id"], rep)})
    for name, id_col in (("checks.csv", "check_id"), ("flags.csv", "flag_id")):
        cols, rows = _read(src / name)
        with (dst / name).open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, cols, lineterminator="\n")
            w.writeheader()
            for rep in range(n_reps):
                for r in rows:
                    if r["doc_id"] != "*" and docs.index(r["doc_id"]) + rep * len(docs) >= n_docs:
                        continue
                    new = {**r, "doc_id": _rename(r["doc_id"], rep), "claim_ids": _rename(r["claim_ids"], rep)}
                    new[id_col] = f"{r[id_col]}-{rep}"
                    if "check_id" in r and id_col != "check_id":
                        new["check_id"] = f"{r['check_id']}-{rep}"
                    w.writerow(new)
    (dst / "errors.csv").write_text("doc_id,error\n", encoding="utf-8")
    (dst / "n_docs").write_text(str(n_docs))


def measure(out_dir: Path, code: Path, what: str = "report") -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    res = subprocess.run(
        [sys.executable, "-c", CHILD, str(out_dir), what], cwd=code, env=env, capture_output=True, text=True, check=True
    )
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", type=Path, help="output folder of a real run")
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--work", type=Path, default=Path("/tmp/vnclaims-bench-report"))
    ap.add_argument("--code", type=Path, default=ROOT, help="root holding the pipeline package to measure")
    ap.add_argument("--app", action="store_true", help="measure the review app's pages instead of the report")
    args = ap.parse_args()
    print(f"| documents | claims.csv MB | {'app' if args.app else 'report'} s | peak RSS MB | RSS after imports MB |")
    print("|---|---|---|---|---|")
    first = None
    for n in (int(s) for s in args.sizes.split(",")):
        d = args.work / str(n)
        build(args.src, d, n)
        m = measure(d, args.code, "app" if args.app else "report")
        first = first or m["peak_kb"]
        mb = (d / "claims.csv").stat().st_size / 1e6
        print(
            f"| {n:,} | {mb:.0f} | {m['report_s']:.2f} | {m['peak_kb'] / 1024:.0f} "
            f"| {m['base_kb'] / 1024:.0f} |  (peak / first size: {m['peak_kb'] / first:.2f}x)",
            flush=True,
        )


if __name__ == "__main__":
    main()
