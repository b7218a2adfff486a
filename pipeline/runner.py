"""Orchestration of ``vnclaims run``: ingest → extract → attribute → store → merge → check → formats.

The run streams: files are hashed and handed out in chunks (to this process, a local process
pool or a Dask cluster, see ``pipeline.parallel``), and each chunk's results are committed to
``out_dir/articles.sqlite`` as one transaction. No list of all claims is ever held. When every
file is done, the store is read back in doc_id order into ``claims.csv`` (atomic rename), so the
output is byte-identical whatever the engine, the number of workers or the order results came in.

Each article is also checked in the worker that extracted it (``pipeline.check.document_checks``),
and its checks, flags and the figures it offers for comparison with other articles are stored
beside its claims. Because every stored file carries the key it was extracted with — content
hash, rules version, code version and check settings — a run that was killed resumes where it
stopped, and a daily run over a grown folder extracts and checks only new or changed files; files
no longer in the folder drop out. The comparison across articles then runs over every stored
figure, read back sorted by measure (``pipeline.check.check_store``).
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from tqdm import tqdm

import pipeline
from pipeline.errors import Errors, InputError, VnclaimsError
from pipeline.ingest import SUFFIXES, UNSUPPORTED, doc_id_for
from pipeline.model import CLAIM_COLUMNS, ERROR_COLUMNS
from pipeline.output import ArticleStore, FileResult, atomic_open, csv_header, write_csv
from pipeline.parallel import Chunk, RulesRef, WorkItem, default_workers, ingest_config, run_dask, run_local
from pipeline.rulefiles import RuleSet, cached_rules

ENGINES = ("local", "dask")
FORMATS = ("csv", "parquet")
MAX_CHUNK = 32  # files per task: big enough to amortise a task, small enough to balance workers


@dataclass
class RunSummary:
    documents: int
    errors: int
    claims: int
    checks: int = 0
    flags: int = 0
    extracted: int = 0  # files extracted in this run
    reused: int = 0  # files whose stored results were still valid
    removed: int = 0  # files gone from the input since the last run
    notes: tuple[str, ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage, for bench/


_NOT_STORED = {"review", "cli.py", "runner.py", "formats.py", "output.py"}  # what runs after the store
_NLP_DISTRIBUTIONS = ("underthesea", "spacy", "regex", "trafilatura", "pypdf", "python-docx")


def code_version() -> str:
    """vnclaims' version, a hash of the code whose results are stored, and its NLP libraries' versions.

    A changed checkout or an upgraded tagger then never reuses results stored by the old one.
    """
    digest = hashlib.sha256(pipeline.__version__.encode())
    root = Path(pipeline.__file__).resolve().parent
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if rel.parts[0] in _NOT_STORED or "__pycache__" in rel.parts or not p.is_file():
            continue
        digest.update(rel.as_posix().encode() + b"\0" + p.read_bytes())
    for dist in _NLP_DISTRIBUTIONS:
        try:
            digest.update(f"{dist}=={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{dist} missing".encode())
    return f"{pipeline.__version__}+{digest.hexdigest()[:12]}"


def iter_files(root: Path) -> Iterator[tuple[str, str]]:
    """(doc_id-style relative path, path) of every article file under ``root``, streamed.

    The same files as ``pipeline.ingest.list_files`` but without building or sorting a list of
    them all (a folder may hold millions): outputs are sorted when merged, so the order work is
    handed out in does not matter. Paths stay strings: ``Path`` interns every component, which
    grows the interpreter's intern table with the corpus.
    """
    if root.is_file():
        yield doc_id_for(root, root), str(root)
        return
    wanted = SUFFIXES | UNSUPPORTED.keys()  # unsupported types are listed so ingest can say why
    stack: list[tuple[str, str]] = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as entries:
                for e in entries:
                    if e.name.startswith("."):  # hidden files and folders (.git, .DS_Store)
                        continue
                    if e.is_dir():
                        stack.append((e.path, f"{prefix}{e.name}/"))
                    elif os.path.splitext(e.name)[1].lower() in wanted and e.is_file():
                        yield f"{prefix}{e.name}", e.path
        except OSError:  # like rglob: an unreadable sub-folder is skipped
            continue


def file_key(path: str, suffix: str) -> str:
    try:
        with open(path, "rb") as f:
            content = hashlib.sha256(f.read()).hexdigest()[:32]
    except OSError as e:  # the worker reports the error; the key only has to differ from a readable file's
        content = f"unreadable:{e.errno}"
    return f"{content}:{suffix}"


@dataclass
class _Progress:
    bar: tqdm  # type: ignore[type-arg]
    extracted: int = 0
    reused: int = 0


def _plan(
    files: Iterator[tuple[str, str]], store: ArticleStore, suffix: str, chunk_size: int, prog: _Progress, fresh: bool
) -> Iterator[Chunk]:
    """Chunks of files that need extracting; files whose stored key still matches are reused."""
    while batch_pairs := list(itertools.islice(files, chunk_size)):
        relpaths = [r for r, _ in batch_pairs]
        batch = [p for _, p in batch_pairs]
        keys = [file_key(p, suffix) for p in batch]
        known = {} if fresh else store.known_keys(relpaths)
        reuse = [r for r, k in zip(relpaths, keys, strict=True) if known.get(r) == k]
        if reuse:
            store.db.execute("BEGIN")
            store.touch(reuse)
            store.db.execute("COMMIT")
            prog.reused += len(reuse)
            prog.bar.update(len(reuse))
        todo = [WorkItem(r, p, k) for p, r, k in zip(batch, relpaths, keys, strict=True) if known.get(r) != k]
        if todo:
            yield todo


def run(
    input_dir: Path,
    out_dir: Path,
    rules_dir: Path | None = None,
    progress: bool = True,
    *,
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    formats: tuple[str, ...] = ("csv",),
    excel: bool = False,
    fresh: bool = False,
    checks: bool = True,
    lang: str = "vi",
) -> RunSummary:
    """Extract, store, merge and check every article under ``input_dir`` into ``out_dir``.

    ``workers`` defaults to the usable cores; ``engine="dask"`` sends the chunks to the Dask
    scheduler at ``scheduler`` (or a LocalCluster when it is None). ``fresh`` ignores stored
    results; ``checks=False`` skips the cross-document checks and the report. CSV is always
    written (the checks read it); ``formats`` may add ``"parquet"``. Raises InputError when the
    folder is missing or nothing in it could be read.
    """
    if engine not in ENGINES:
        raise VnclaimsError(Errors.E041.format(what="engine", value=engine, choices=", ".join(ENGINES)))
    for f in formats:
        if f not in FORMATS:
            raise VnclaimsError(Errors.E041.format(what="format", value=f, choices=", ".join(FORMATS)))
    if not input_dir.exists():
        raise InputError(Errors.E020.format(path=input_dir))
    clock = _Clock()
    rules = cached_rules(rules_dir)
    ingest_config(rules)  # a bad rules/ingest.yaml is a usage error now, not an error per file
    if checks:  # so is a bad rules/checks.yaml: every worker would fail on it
        from pipeline.check.config import compiled

        compiled(rules)
    n_workers = workers if workers and workers > 0 else default_workers()
    root = input_dir.absolute()
    n_files = sum(1 for _ in iter_files(root))
    # the check settings are part of the key: stored flags are in one language, or absent
    suffix = f"{rules.version}:{code_version()}:{lang if checks else '-'}"
    check_lang = lang if checks else None
    chunk_size = max(1, min(MAX_CHUNK, math.ceil(n_files / (4 * n_workers))))
    clock.lap("list")

    store = ArticleStore(out_dir)
    for stale in out_dir.glob(".*.tmp"):  # half-written tables of a killed run (atomic_open's temp files)
        stale.unlink(missing_ok=True)
    bar = tqdm(total=n_files, unit="file", disable=not progress or n_files < 2, file=sys.stderr)
    prog = _Progress(bar)
    try:
        chunks = _plan(iter_files(root), store, suffix, chunk_size, prog, fresh)
        if engine == "dask":
            ref = RulesRef.of(rules, with_files=True)
            results = run_dask(chunks, str(root), ref, scheduler, n_workers, check_lang)
        else:
            results = run_local(chunks, str(root), RulesRef.of(rules), n_workers, check_lang)
        for chunk_results in results:
            _store(store, chunk_results, prog)
        bar.close()
        clock.lap("extract")
        removed = store.drop_unseen()
        summary = _finish(store, out_dir, input_dir)
        clock.lap("merge")
        notes = list(_after(store, out_dir, rules, lang, summary, clock)) if checks else []
    finally:
        bar.close()
        store.close()
    summary.extracted, summary.reused, summary.removed = prog.extracted, prog.reused, removed
    notes += _formats(out_dir, formats, excel)
    clock.lap("formats")
    summary.notes = tuple(notes)
    summary.seconds = clock.laps
    if summary.documents == 0:
        raise InputError(Errors.E021.format(path=input_dir))
    return summary


def _store(store: ArticleStore, results: list[FileResult], prog: _Progress) -> None:
    store.put(results)
    prog.extracted += len(results)
    prog.bar.update(len(results))


def _finish(store: ArticleStore, out_dir: Path, input_dir: Path) -> RunSummary:
    """Merge the store into claims.csv and errors.csv (sorted, atomic) and print the errors."""
    with atomic_open(out_dir / "claims.csv") as f:
        f.write(csv_header(CLAIM_COLUMNS))
        for blob in store.iter_claims_csv():
            f.write(blob)

    def errors() -> Iterator[dict[str, str]]:
        for e in store.iter_errors():
            msg = e["error"] if e["doc_id"] in e["error"] else f"{e['doc_id']}: {e['error']}"
            print(f"vnclaims: {msg}", file=sys.stderr)
            yield e

    write_csv(out_dir / "errors.csv", ERROR_COLUMNS, errors())
    docs, claims, n_errors = store.counts()
    return RunSummary(documents=docs, errors=n_errors, claims=claims)


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = round(now - self._t, 3)
        self._t = now


def _after(
    store: ArticleStore, out_dir: Path, rules: RuleSet, lang: str, summary: RunSummary, clock: _Clock
) -> Iterator[str]:
    """checks.csv and flags.csv (each article's stored rows, then the cross-document ones), then the report.

    A bug in either must not make a finished extraction look failed (claims.csv is complete and
    stays): it is reported on stderr and in the summary's notes; rule-file problems still stop
    the run as usage errors.
    """
    try:
        from pipeline.check import check_store

        summary.checks, summary.flags = check_store(store, out_dir, rules, lang)
    except VnclaimsError:
        raise
    except Exception as e:
        yield _stage_failed("checks", e)
    clock.lap("check")
    try:
        from pipeline.review.report import write_report  # type: ignore[import-not-found,unused-ignore]

        write_report(out_dir)
    except VnclaimsError:
        raise
    except Exception as e:
        yield _stage_failed("report", e)
    clock.lap("report")


def _stage_failed(stage: str, e: Exception) -> str:
    if isinstance(e, ModuleNotFoundError) and e.name in ("pipeline.check", "pipeline.review.report"):
        return f"{stage} skipped: {e.name} is not available"
    msg = f"{stage} failed (claims.csv is complete): {type(e).__name__}: {e}"
    print(f"vnclaims: {msg}", file=sys.stderr)
    return msg


def _formats(out_dir: Path, formats: tuple[str, ...], excel: bool) -> list[str]:
    from pipeline.formats import write_datapackage, write_excel, write_parquet

    written: list[str] = []
    if "parquet" in formats:
        written += write_parquet(out_dir)
    if excel:
        written.append(write_excel(out_dir))
    write_datapackage(out_dir, parquet="parquet" in formats)
    return [f"wrote {', '.join(written)}"] if written else []
