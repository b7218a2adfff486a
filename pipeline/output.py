"""Write output tables atomically, and keep the per-article store that makes runs resumable.

Two kinds of files live in an output folder:

* the tables (``claims.csv``, ``errors.csv`` …): each written to a temporary file in the same
  folder, fsynced, then renamed over the old one, so a reader (or a killed run) never sees half
  a table;
* ``articles.sqlite``: one row per input file and per article — the content key it was extracted
  with, its claims, checks and flags already serialised as CSV rows, the figures it offers to the
  cross-document comparison (table ``comparables``), its read errors and its NFC text. Each chunk
  of results is one SQLite transaction, so a run killed at any moment leaves whole articles or
  nothing; the next run reuses every article whose key is unchanged and extracts the rest.
  ``load_text(out_dir, doc_id)`` reads an article's text back (for the review app).
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pipeline.errors import Errors, VnclaimsError

STORE_NAME = "articles.sqlite"


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_MODE = _file_mode()  # mkstemp makes 0600 files; outputs get the usual permissions


@contextmanager
def atomic_open(
    path: Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = ""
) -> Iterator[IO[str]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _MODE)
        if "b" in mode:
            encoding = newline = None
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class _RowWriter:
    """csv.DictWriter with ``\n`` line ends that also quotes fields holding a bare ``\r``.

    The csv module quotes only the characters of its line terminator, so ``a\rb`` would be
    written bare and read back as two records by many readers; such rows are written fully quoted.
    """

    def __init__(self, f: IO[str], columns: Sequence[str]) -> None:
        kw: dict[str, Any] = {"fieldnames": list(columns), "extrasaction": "ignore", "lineterminator": "\n"}
        self.minimal = csv.DictWriter(f, **kw)
        self.quoted = csv.DictWriter(f, quoting=csv.QUOTE_ALL, **kw)

    def writeheader(self) -> None:
        self.minimal.writeheader()

    def writerow(self, row: dict[str, Any]) -> None:
        bare_cr = any(isinstance(v, str) and "\r" in v for v in row.values())
        (self.quoted if bare_cr else self.minimal).writerow(row)


def write_csv(path: Path, columns: list[str], rows: Iterable[dict[str, str]]) -> int:
    n = 0
    with atomic_open(path) as f:
        w = _RowWriter(f, columns)
        w.writeheader()
        for r in rows:
            w.writerow(r)
            n += 1
    return n


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def iter_csv(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a CSV one at a time (for tables too large to hold)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(f)


def csv_lines(columns: Sequence[str], rows: Iterable[dict[str, str]]) -> str:
    """Rows serialised exactly as ``write_csv`` writes them, without the header."""
    buf = io.StringIO()
    w = _RowWriter(buf, columns)
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def csv_lines_of(rows: Sequence[Sequence[str]]) -> str:
    """Lists of cells serialised exactly as ``write_csv`` would (the fast path for claims)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    text = buf.getvalue()
    if "\r" not in text:
        return text
    buf = io.StringIO()  # rare: some cell holds a bare CR; redo row by row, as _RowWriter does
    plain = csv.writer(buf, lineterminator="\n")
    quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for r in rows:
        (quoted if any("\r" in v for v in r) else plain).writerow(r)
    return buf.getvalue()


def csv_header(columns: Sequence[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(columns)
    return buf.getvalue()


# --- the per-article store -------------------------------------------------------------------


@dataclass
class DocResult:
    """One article's extraction and checks, ready to store: rows as CSV lines (claims sorted by start)."""

    doc_id: str
    text: str
    claims_csv: str
    n_claims: int
    title: str = ""
    published: str = ""
    checks_csv: str = ""
    n_checks: int = 0
    flags_csv: str = ""
    n_flags: int = 0
    comparables: list[tuple[Any, ...]] = field(default_factory=list)  # rows of COMPARABLES_SCHEMA

    def check_cells(self) -> tuple[int, str, int, str]:
        return self.n_checks, self.checks_csv, self.n_flags, self.flags_csv


@dataclass
class FileResult:
    """Everything one input file produced, under the key it was extracted with."""

    relpath: str
    key: str
    docs: list[DocResult] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, error)


# Figures that may be compared across articles (``pipeline.check.crossdoc.Comparable``), read back
# sorted by measure so that the comparison holds one measure's figures in memory, never the corpus's.
COMPARABLES_SCHEMA = """
CREATE TABLE IF NOT EXISTS comparables (
    relpath TEXT NOT NULL, measure TEXT NOT NULL, doc_id TEXT NOT NULL, ord INTEGER NOT NULL, detail TEXT NOT NULL,
    claim_id TEXT NOT NULL, value TEXT NOT NULL, lo TEXT NOT NULL, hi TEXT NOT NULL,
    subject TEXT NOT NULL, period TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS comparables_order ON comparables (measure, doc_id, ord);
CREATE INDEX IF NOT EXISTS comparables_relpath ON comparables (relpath);
"""
_COMPARABLE_FIELDS = "measure, doc_id, ord, detail, claim_id, value, lo, hi, subject, period, text"
SCHEMA_VERSION = "2"  # a store written by an older layout is rebuilt (its results would be re-extracted anyway)

_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE IF NOT EXISTS files (relpath TEXT PRIMARY KEY, key TEXT NOT NULL, gen INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    doc_id TEXT PRIMARY KEY, relpath TEXT NOT NULL, title TEXT, published TEXT,
    n_claims INTEGER NOT NULL, claims TEXT NOT NULL,
    n_checks INTEGER NOT NULL, checks TEXT NOT NULL, n_flags INTEGER NOT NULL, flags TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS docs_relpath ON docs (relpath);
CREATE TABLE IF NOT EXISTS texts (doc_id TEXT PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS errors (doc_id TEXT NOT NULL, relpath TEXT NOT NULL, error TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS errors_relpath ON errors (relpath);
"""
    + COMPARABLES_SCHEMA
)
_TABLES = ("files", "docs", "texts", "errors", "comparables")


def put_comparables(db: sqlite3.Connection, relpath: str, rows: Iterable[tuple[Any, ...]]) -> None:
    db.executemany(
        f"INSERT INTO comparables (relpath, {_COMPARABLE_FIELDS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        ((relpath, *r) for r in rows),
    )


def iter_comparables(db: sqlite3.Connection) -> Iterator[tuple[Any, ...]]:
    """Every stored comparable, by measure, then doc_id, then place in the article (streamed)."""
    yield from db.execute(f"SELECT {_COMPARABLE_FIELDS} FROM comparables ORDER BY measure, doc_id, ord")


_LOCKS: set[IO[str]] = set()


def _drop_locks_in_child() -> None:
    # A forked worker must not hold the run's lock: if the run is killed, a worker still alive
    # for a moment would keep the output folder locked for the next run.
    for f in _LOCKS:
        with suppress(OSError):
            f.close()
    _LOCKS.clear()


os.register_at_fork(after_in_child=_drop_locks_in_child)


class ArticleStore:
    """The SQLite journal and cache of one output folder (single-threaded use).

    Rows are ordered with SQLite's binary collation, i.e. by UTF-8 bytes, which is code point
    order — the same order as Python's ``sorted`` on the doc_ids.
    """

    def __init__(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        # One run per output folder: a second one would drop the first one's files as "removed".
        self._lock = (out_dir / ".vnclaims.lock").open("a")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            self._lock.close()
            raise VnclaimsError(Errors.E042.format(path=out_dir)) from e
        _LOCKS.add(self._lock)
        self.path = out_dir / STORE_NAME
        self.db = sqlite3.connect(self.path, isolation_level=None)
        # WAL + NORMAL: a killed process loses at most the open transaction, never a committed one.
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._migrate()
        self.db.executescript(_SCHEMA)
        self.gen = self._next_generation()

    def _migrate(self) -> None:
        """Drop the tables of a store written by another layout (its rows are re-extracted)."""
        has_meta = self.db.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone()
        row = self.db.execute("SELECT v FROM meta WHERE k='schema'").fetchone() if has_meta else None
        if row is not None and row[0] == SCHEMA_VERSION:
            return
        for t in _TABLES:
            self.db.execute(f"DROP TABLE IF EXISTS {t}")
        self.db.executescript(_SCHEMA)
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))

    def _next_generation(self) -> int:
        row = self.db.execute("SELECT v FROM meta WHERE k='gen'").fetchone()
        gen = int(row[0]) + 1 if row else 1
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('gen', ?)", (str(gen),))
        return gen

    def close(self) -> None:
        self.db.close()
        _LOCKS.discard(self._lock)
        self._lock.close()  # releases the lock (the OS also does when a killed run's process dies)

    def known_keys(self, relpaths: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for i in range(0, len(relpaths), 500):  # SQLite limits bound parameters
            part = relpaths[i : i + 500]
            q = f"SELECT relpath, key FROM files WHERE relpath IN ({','.join('?' * len(part))})"
            out.update(dict(self.db.execute(q, part).fetchall()))
        return out

    def touch(self, relpaths: Sequence[str]) -> None:
        """Mark files as part of this run without re-extracting them."""
        if relpaths:
            self.db.executemany("UPDATE files SET gen=? WHERE relpath=?", [(self.gen, r) for r in relpaths])

    def put(self, results: Iterable[FileResult]) -> None:
        """Store the results of one chunk in one transaction (all of it or none)."""
        db = self.db
        db.execute("BEGIN")
        try:
            rs = list(results)
            self._forget([r.relpath for r in rs])
            docs = [d for r in rs for d in r.docs]
            db.executemany(
                "INSERT OR REPLACE INTO docs VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (d.doc_id, r.relpath, d.title, d.published, d.n_claims, d.claims_csv, *d.check_cells())
                    for r in rs
                    for d in r.docs
                ],
            )
            for r in rs:
                put_comparables(db, r.relpath, (c for d in r.docs for c in d.comparables))
            db.executemany("INSERT OR REPLACE INTO texts VALUES (?,?)", [(d.doc_id, d.text) for d in docs])
            db.executemany("INSERT INTO errors VALUES (?,?,?)", [(e[0], r.relpath, e[1]) for r in rs for e in r.errors])
            db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?)", [(r.relpath, r.key, self.gen) for r in rs])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _forget(self, relpaths: Sequence[str]) -> None:
        """Delete what the files produced before (inside the caller's transaction)."""
        db = self.db
        for i in range(0, len(relpaths), 500):  # SQLite limits bound parameters
            part = relpaths[i : i + 500]
            marks = ",".join("?" * len(part))
            db.execute(f"DELETE FROM texts WHERE doc_id IN (SELECT doc_id FROM docs WHERE relpath IN ({marks}))", part)
            db.execute(f"DELETE FROM docs WHERE relpath IN ({marks})", part)
            db.execute(f"DELETE FROM errors WHERE relpath IN ({marks})", part)
            db.execute(f"DELETE FROM comparables WHERE relpath IN ({marks})", part)

    def drop_unseen(self) -> int:
        """Forget files that were not part of this run (removed from the input folder)."""
        db = self.db
        db.execute("BEGIN")
        try:
            gone = [r for (r,) in db.execute("SELECT relpath FROM files WHERE gen<>?", (self.gen,))]
            self._forget(gone)
            db.execute("DELETE FROM files WHERE gen<>?", (self.gen,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return len(gone)

    def counts(self) -> tuple[int, int, int]:
        """(documents, claims, errors) currently stored."""
        docs, claims = self.db.execute("SELECT COUNT(*), COALESCE(SUM(n_claims), 0) FROM docs").fetchone()
        (errors,) = self.db.execute("SELECT COUNT(*) FROM errors").fetchone()
        return int(docs), int(claims), int(errors)

    def iter_claims_csv(self) -> Iterator[str]:
        """Each article's claim rows, articles in doc_id order (streamed, not loaded)."""
        for (blob,) in self.db.execute("SELECT claims FROM docs WHERE n_claims>0 ORDER BY doc_id"):
            yield blob

    def iter_checks_csv(self) -> Iterator[tuple[str, str]]:
        """Each article's (check rows, flag rows), articles in doc_id order (streamed)."""
        q = "SELECT checks, flags FROM docs WHERE n_checks>0 OR n_flags>0 ORDER BY doc_id"
        yield from self.db.execute(q)

    def check_counts(self) -> tuple[int, int]:
        """(checks, flags) of the articles themselves, without the cross-document ones."""
        n, m = self.db.execute("SELECT COALESCE(SUM(n_checks), 0), COALESCE(SUM(n_flags), 0) FROM docs").fetchone()
        return int(n), int(m)

    def iter_comparables(self) -> Iterator[tuple[Any, ...]]:
        return iter_comparables(self.db)

    def iter_errors(self) -> Iterator[dict[str, str]]:
        for doc_id, error in self.db.execute("SELECT doc_id, error FROM errors ORDER BY doc_id, rowid"):
            yield {"doc_id": doc_id, "error": error}


def load_text(out_dir: Path | str, doc_id: str) -> str | None:
    """The NFC text of one article of a finished run (what every offset points into), or None.

    Reads ``out_dir/articles.sqlite`` written by ``vnclaims run``; cheap enough to call per
    request (one indexed lookup).
    """
    path = Path(out_dir) / STORE_NAME
    if not path.exists():
        return None
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT text FROM texts WHERE doc_id=?", (doc_id,)).fetchone()
    finally:
        db.close()
    return None if row is None else str(row[0])


def iter_texts(out_dir: Path | str) -> Iterator[tuple[str, str]]:
    """(doc_id, text) of every article of a finished run, in doc_id order, streamed."""
    path = Path(out_dir) / STORE_NAME
    if not path.exists():
        return
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for doc_id, text in db.execute("SELECT doc_id, text FROM texts ORDER BY doc_id"):
            yield str(doc_id), str(text)
    finally:
        db.close()
