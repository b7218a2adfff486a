"""A run killed with SIGKILL at any moment, then started again, gives exactly a clean run's outputs.

The run happens in a subprocess (its own process group, so its pool workers die with it). We
kill it at several moments — before anything is stored, after a few articles, near the end —
restart it, and finally compare claims.csv and errors.csv byte for byte with an uninterrupted run.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import test_runner_fake as fake

pytestmark = pytest.mark.slow

DRIVER = """
import sys
sys.path.insert(0, {tests!r})
import test_runner_fake
test_runner_fake.install()
from pipeline.cli import main
sys.exit(main(sys.argv[1:]))
"""


def start(corpus: Path, out: Path, rules: Path, workers: int, delay: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "VNCLAIMS_FAKE_DELAY": delay}
    code = DRIVER.format(tests=str(Path(__file__).parent))
    args = ["run", str(corpus), "--out", str(out), "--rules", str(rules), "--no-checks", "--quiet"]
    return subprocess.Popen(
        [sys.executable, "-c", code, *args, "--workers", str(workers)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def stored(out: Path) -> int:
    try:
        db = sqlite3.connect(out / "articles.sqlite", timeout=5)
        try:
            return int(db.execute("SELECT COUNT(*) FROM files").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def kill_when(proc: subprocess.Popen[bytes], out: Path, at_least: int) -> int:
    """SIGKILL the whole process group once ``at_least`` files are stored (or it exits)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if at_least == 0 or stored(out) >= at_least:
            break
        time.sleep(0.01)
    n = stored(out)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return n


@pytest.mark.parametrize("workers", [1, 2])
def test_killed_runs_resume_to_exactly_the_clean_result(tmp_path, workers):
    corpus = tmp_path / "corpus"
    fake.make_corpus(corpus, 120)
    (corpus / "a" / "hỏng.txt").write_bytes(b" \n")  # empty: unreadable
    rules = fake.minimal_rules(tmp_path / "rules")

    clean = start(corpus, tmp_path / "clean", rules, workers, "0")
    assert clean.wait(120) == 0, clean.stderr.read().decode() if clean.stderr else ""

    out = tmp_path / "killed"
    seen = []
    for at_least in (0, 10, 60, 110):
        seen.append(kill_when(start(corpus, out, rules, workers, "0.01"), out, at_least))
    assert any(0 < n < 121 for n in seen), seen  # at least one kill landed half-way
    last = start(corpus, out, rules, workers, "0")
    _, err = last.communicate(timeout=120)
    assert last.returncode == 0, err.decode()
    for name in ("claims.csv", "errors.csv"):
        assert (out / name).read_bytes() == (tmp_path / "clean" / name).read_bytes(), name
    assert "reused" in err.decode()
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []


def test_killing_only_the_main_process_leaves_no_worker_and_no_lock(tmp_path):
    corpus = tmp_path / "corpus"
    fake.make_corpus(corpus, 80)
    rules = fake.minimal_rules(tmp_path / "rules")
    out = tmp_path / "out"
    proc = start(corpus, out, rules, 2, "0.02")
    deadline = time.monotonic() + 60
    while stored(out) < 5 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    kids = [int(p) for p in children.read_text().split()] if children.exists() else []
    os.kill(proc.pid, signal.SIGKILL)  # the main process only, not its group
    proc.wait()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{k}").exists() and "Z" not in _state(k) for k in kids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert kids and not any(Path(f"/proc/{k}").exists() and "Z" not in _state(k) for k in kids)
    again = start(corpus, out, rules, 2, "0")
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err.decode()
    assert "E042" not in err.decode()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].split()[0]
    except (OSError, IndexError):
        return "Z"


REAL_DRIVER = """
import os, sys, time
import pipeline.api
real = pipeline.api.find_claims
delay = float(os.environ.get("VNCLAIMS_DELAY", "0"))

def slow(doc, rules):
    time.sleep(delay)
    return real(doc, rules)

pipeline.api.find_claims = slow
from pipeline.cli import main
sys.exit(main(sys.argv[1:]))
"""


def start_real(corpus: Path, out: Path, delay: str) -> subprocess.Popen[bytes]:
    args = ["run", str(corpus), "--out", str(out), "--quiet", "--workers", "2"]
    return subprocess.Popen(
        [sys.executable, "-c", REAL_DRIVER, *args],
        env={**os.environ, "VNCLAIMS_DELAY": delay},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_killed_runs_resume_with_the_clean_checks_and_flags(tmp_path):
    """Real extraction and checks: each article's checks and flags are stored with its claims, and
    the comparison across articles covers articles of every attempt."""
    import shutil

    root = Path(__file__).resolve().parents[1] / "corpus"
    corpus = tmp_path / "corpus"
    for sub in ("seed", "dev"):
        shutil.copytree(root / sub, corpus / sub)
    # the same measure in two articles, with two values: a cross-article flag
    (corpus / "x1.txt").write_text("Năm 2021, tổng kinh phí khuyến công của tỉnh Nghệ An là 38 tỷ đồng.", "utf-8")
    (corpus / "x2.txt").write_text("Theo Sở Công Thương, năm 2021 tổng kinh phí khuyến công của tỉnh Nghệ An là 45 tỷ đồng.", "utf-8")
    n_files = sum(1 for p in corpus.rglob("*") if p.is_file())

    clean = start_real(corpus, tmp_path / "clean", "0")
    assert clean.wait(300) == 0, clean.stderr.read().decode() if clean.stderr else ""
    out = tmp_path / "killed"
    seen = [kill_when(start_real(corpus, out, "0.3"), out, k) for k in (3, 9)]
    assert any(0 < n < n_files for n in seen), seen
    last = start_real(corpus, out, "0")
    _, err = last.communicate(timeout=300)
    assert last.returncode == 0, err.decode()
    for name in ("claims.csv", "checks.csv", "flags.csv", "errors.csv"):
        assert (out / name).read_bytes() == (tmp_path / "clean" / name).read_bytes(), name
    flags = (out / "flags.csv").read_text(encoding="utf-8")
    assert "cross_doc" in flags and "scale" in flags  # one across articles, the seed's scale slip
