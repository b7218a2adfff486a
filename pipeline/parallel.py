"""Run extraction over chunks of files: in this process, in a local process pool, or on Dask.

The unit of work is a chunk of input files (paths, not texts: workers read the files
themselves, so a task message is a few hundred bytes). Each worker process loads the rules once
(``cached_rules``) and returns small ``FileResult`` rows — claims, and each article's checks and
flags, already serialised as CSV lines — that the runner stores. Results arrive in any order;
the runner sorts at the end, so every engine gives byte-identical outputs.

On Dask the workers must see the input folder at the same path (a shared file system) and have
vnclaims installed; the rule files travel with the job, so workers need not have them.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import suppress
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipeline.model import CHECK_COLUMNS, CLAIM_COLUMNS, FLAG_COLUMNS, Claim, Document, format_decimal
from pipeline.output import DocResult, FileResult, csv_lines, csv_lines_of
from pipeline.rulefiles import RuleSet, cached_rules, load_rules


@dataclass(frozen=True)
class WorkItem:
    relpath: str  # key of the file in the store (its doc_id for plain files)
    path: str  # absolute path, read by the worker
    key: str  # content hash + rules version + code version


@dataclass(frozen=True)
class RulesRef:
    """What a worker needs to get the run's rules: their folder, version and (for Dask) bytes."""

    directory: str
    version: str
    files: tuple[tuple[str, bytes], ...] = ()

    @classmethod
    def of(cls, rules: RuleSet, with_files: bool = False) -> RulesRef:
        d = Path(rules.directory)
        files = tuple((p.name, p.read_bytes()) for p in sorted(d.glob("*.yaml"))) if with_files else ()
        return cls(str(d), rules.version, files)


_SHIPPED: dict[str, RuleSet] = {}


def resolve_rules(ref: RulesRef) -> RuleSet:
    """The run's RuleSet in this process: from the shipped bytes if any (Dask), else from the folder."""
    if not ref.files:
        return cached_rules(ref.directory)
    if ref.version not in _SHIPPED:
        d = Path(tempfile.mkdtemp(prefix="vnclaims-rules-"))
        for name, data in ref.files:
            (d / name).write_bytes(data)
        _SHIPPED[ref.version] = load_rules(d)
    return _SHIPPED[ref.version]


_INGEST: dict[str, Any] = {}


def ingest_config(rules: RuleSet) -> Any:
    """The ingest settings of the run's rules (``rules/ingest.yaml``), validated once per version."""
    if rules.version not in _INGEST:
        from pipeline.ingest.config import load_ingest_config

        _INGEST[rules.version] = load_ingest_config(rules)
    return _INGEST[rules.version]


def extract_file(item: WorkItem, root: Path, rules: RuleSet, lang: str | None = None) -> FileResult:
    """Read one file and extract every article in it; a failing article becomes an error row.

    With ``lang`` (the language of flag messages) each article is also checked here, in the
    worker, so only the comparison across articles is left for the end of the run.
    """
    from pipeline.api import extract_document  # late: lets tests and workers patch the stages
    from pipeline.ingest import read_document

    out = FileResult(item.relpath, item.key)
    try:
        docs = read_document(Path(item.path), root, config=ingest_config(rules))
    except Exception as e:  # ingest reports problems as ReadErrors; this is a bug, kept to this file
        out.errors.append((item.relpath, f"{item.relpath}: reading failed: {type(e).__name__}: {e}"))
        return out
    for doc in docs:
        if not isinstance(doc, Document):
            out.errors.append((doc.doc_id, doc.error))
            continue
        try:
            claims = extract_document(doc, rules)
        except Exception as e:  # a bug on one article must not lose the others
            out.errors.append((doc.doc_id, f"extraction failed: {type(e).__name__}: {e}"))
            claims = []
        if doc.published:
            claims = [c if c.published else replace(c, published=doc.published) for c in claims]
        claims = sorted(claims, key=lambda c: c.start)  # stable: ties keep the extractor's order
        cells = [claim_cells(c) for c in claims]
        result = DocResult(
            doc_id=doc.doc_id,
            text=doc.text,
            claims_csv=csv_lines_of(cells),
            n_claims=len(claims),
            title=doc.title,
            published=doc.published,
        )
        if lang is not None and claims:
            _check_into(result, cells, rules, lang)
        out.docs.append(result)
    return out


def _check_into(result: DocResult, cells: list[list[str]], rules: RuleSet, lang: str) -> None:
    """The article's checks, flags and comparables, from its claims as claims.csv will hold them
    (read back from their cells, so that ``vnclaims check`` over claims.csv finds the same)."""
    from pipeline.check import document_checks
    from pipeline.check.config import compiled

    claims = [Claim.from_row(dict(zip(CLAIM_COLUMNS, r, strict=True))) for r in cells]
    dc = document_checks(claims, compiled(rules), lang)
    result.checks_csv = csv_lines(CHECK_COLUMNS, (c.row() for c in dc.checks))
    result.n_checks = len(dc.checks)
    result.flags_csv = csv_lines(FLAG_COLUMNS, (f.row() for f in dc.flags))
    result.n_flags = len(dc.flags)
    result.comparables = [c.row() for c in dc.comparables]


def claim_cells(c: Claim) -> list[str]:
    """The cells of ``c.row()`` in column order, without building a dict per claim."""
    out = []
    for name in CLAIM_COLUMNS:
        v = getattr(c, name)
        out.append(v if isinstance(v, str) else format_decimal(v) if v is None or isinstance(v, Decimal) else str(v))
    return out


def process_chunk(items: list[WorkItem], root: str, ref: RulesRef, lang: str | None = None) -> list[FileResult]:
    rules = resolve_rules(ref)
    return [extract_file(it, Path(root), rules, lang) for it in items]


# --- engines ---------------------------------------------------------------------------------

Chunk = list[WorkItem]
Task = Callable[[Chunk], list[FileResult]]


def _warm_up(ref: RulesRef, lang: str | None) -> None:
    """Load the rules, the NLP models and the check rules once, before forking, so workers share them."""
    from pipeline.api import extract_text

    rules = resolve_rules(ref)
    with suppress(Exception):  # a broken stage shows up per article, with its doc_id, not here
        claims = extract_text("Doanh thu đạt 338 tỷ đồng, tăng 12,5% so với năm trước.", rules=rules)
        if lang is not None:
            from pipeline.check import document_checks
            from pipeline.check.config import compiled

            document_checks(claims, compiled(rules), lang)


def _die_with_parent() -> None:
    """Linux: a pool worker gets SIGKILL when the run dies, instead of lingering as an orphan."""
    with suppress(Exception):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def run_serial(
    chunks: Iterable[Chunk], root: str, ref: RulesRef, lang: str | None = None
) -> Iterator[list[FileResult]]:
    for chunk in chunks:
        yield process_chunk(chunk, root, ref, lang)


def run_local(
    chunks: Iterable[Chunk], root: str, ref: RulesRef, workers: int, lang: str | None = None
) -> Iterator[list[FileResult]]:
    """A process pool; at most ``2 * workers`` chunks in flight, so memory stays bounded.

    ``lang``: check each article in the worker too (flag messages in that language).
    """
    if workers <= 1:
        yield from run_serial(chunks, root, ref, lang)
        return
    _warm_up(ref, lang)
    # fork shares the already-imported libraries and loaded models copy-on-write.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    ctx = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_die_with_parent) as pool:
        yield from _bounded(lambda c: pool.submit(process_chunk, c, root, ref, lang), chunks, 2 * workers)


def _bounded(submit: Callable[[Chunk], Future[Any]], chunks: Iterable[Chunk], limit: int) -> Iterator[Any]:
    pending: set[Future[Any]] = set()
    it = iter(chunks)
    exhausted = False
    while True:
        while not exhausted and len(pending) < limit:
            try:
                pending.add(submit(next(it)))
            except StopIteration:
                exhausted = True
        if not pending:
            return
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for f in done:
            yield f.result()


def run_dask(
    chunks: Iterable[Chunk], root: str, ref: RulesRef, scheduler: str | None, workers: int, lang: str | None = None
) -> Iterator[list[FileResult]]:
    """The same tasks on a Dask cluster (``scheduler`` address), or a LocalCluster when None."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as e:  # pragma: no cover - depends on the extra
        from pipeline.errors import Errors, VnclaimsError

        raise VnclaimsError(Errors.E040.format(problem=str(e))) from e

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, dashboard_address=None)
        client = Client(cluster)
    try:
        ref_f = client.scatter(ref, broadcast=True)  # the rule bytes travel once per worker
        limit = 2 * max(1, sum(client.nthreads().values()))
        ac = as_completed()
        it = iter(chunks)
        for chunk in itertools.islice(it, limit):
            ac.add(client.submit(process_chunk, chunk, root, ref_f, lang, pure=False))
        for fut in ac:
            res = fut.result()
            fut.release()
            nxt = next(it, None)
            if nxt is not None:
                ac.add(client.submit(process_chunk, nxt, root, ref_f, lang, pure=False))
            yield res
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
