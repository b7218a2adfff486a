"""Editors' decisions on flags, kept in ``out_dir/review.sqlite`` and keyed by the stable ``flag_id``.

Three tables:

* ``flags``: a snapshot of every flag ever seen in this output folder (its flags.csv row as JSON),
  with ``present`` = 0 once a re-run no longer produces it: such a flag is *stale*, shown and
  exported as such, never deleted, so a decision is not lost because a rule changed;
* ``decisions``: the current decision per flag, with a ``version`` that every write increments;
* ``history``: every write ever made, with the version it saw and the one it made.

Every write is one ``BEGIN IMMEDIATE`` transaction (the write lock is taken before reading the
version), the database is in WAL mode with a busy timeout, so two tabs or two threads deciding at
once are serialised: the last write wins the ``decisions`` row and both are in ``history``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.model import FLAG_COLUMNS, Flag

DB_NAME = "review.sqlite"
DECISIONS = ("confirmed", "dismissed", "unsure")
BUSY_TIMEOUT_S = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS flags (
    flag_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, row TEXT NOT NULL,
    present INTEGER NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS decisions (
    flag_id TEXT PRIMARY KEY, decision TEXT NOT NULL, note TEXT NOT NULL,
    version INTEGER NOT NULL, updated_at TEXT NOT NULL, client TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT, flag_id TEXT NOT NULL, decision TEXT NOT NULL,
    note TEXT NOT NULL, version INTEGER NOT NULL, base_version INTEGER, updated_at TEXT NOT NULL,
    client TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS history_flag ON history (flag_id);
"""


class DecisionError(ValueError):
    """A decision the database refuses (unknown value)."""


@dataclass(frozen=True, slots=True)
class Decision:
    flag_id: str
    decision: str  # one of DECISIONS, or "" once cleared
    note: str
    version: int
    updated_at: str
    client: str = ""

    def as_dict(self) -> dict[str, str | int]:
        return {
            "flag_id": self.flag_id,
            "decision": self.decision,
            "note": self.note,
            "version": self.version,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What a write made, and what it replaced (``conflict``: someone else wrote since ``base_version``)."""

    current: Decision
    previous: Decision | None
    conflict: bool


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def connect(out_dir: Path | str) -> sqlite3.Connection:
    """A connection to the output folder's review database (created on first use)."""
    db = sqlite3.connect(Path(out_dir) / DB_NAME, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(_SCHEMA)
    return db


@contextmanager
def _write(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    # IMMEDIATE: the write lock is held before anything is read, so a version read inside the
    # transaction cannot be overtaken by another writer (a DEFERRED one could fail to upgrade).
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _decision(row: tuple[str, str, str, int, str, str] | None) -> Decision | None:
    return None if row is None else Decision(row[0], row[1], row[2], int(row[3]), row[4], row[5])


def get(db: sqlite3.Connection, flag_id: str) -> Decision | None:
    q = "SELECT flag_id, decision, note, version, updated_at, client FROM decisions WHERE flag_id=?"
    return _decision(db.execute(q, (flag_id,)).fetchone())


def all_decisions(db: sqlite3.Connection) -> dict[str, Decision]:
    q = "SELECT flag_id, decision, note, version, updated_at, client FROM decisions"
    return {r[0]: Decision(r[0], r[1], r[2], int(r[3]), r[4], r[5]) for r in db.execute(q)}


def decide(
    db: sqlite3.Connection,
    flag_id: str,
    decision: str,
    note: str = "",
    base_version: int | None = None,
    client: str = "",
) -> WriteResult:
    """Record a decision ("" clears it); the last write wins, every write goes to ``history``.

    ``base_version`` is the version the writer last saw; a different current version means
    another tab wrote in between — the write still happens, and ``conflict`` tells the caller.
    """
    if decision not in (*DECISIONS, ""):
        raise DecisionError(f"unknown decision {decision!r} (choose from {', '.join(DECISIONS)})")
    with _write(db):
        previous = get(db, flag_id)
        version = (previous.version if previous else 0) + 1
        current = Decision(flag_id, decision, note, version, now(), client)
        db.execute(
            "INSERT OR REPLACE INTO decisions VALUES (?,?,?,?,?,?)",
            (flag_id, decision, note, version, current.updated_at, client),
        )
        db.execute(
            "INSERT INTO history (flag_id, decision, note, version, base_version, updated_at, client)"
            " VALUES (?,?,?,?,?,?,?)",
            (flag_id, decision, note, version, base_version, current.updated_at, client),
        )
    seen = previous.version if previous else 0
    return WriteResult(current, previous, base_version is not None and base_version != seen)


def history(db: sqlite3.Connection, flag_id: str) -> list[Decision]:
    q = "SELECT flag_id, decision, note, version, updated_at, client FROM history WHERE flag_id=? ORDER BY id"
    return [Decision(r[0], r[1], r[2], int(r[3]), r[4], r[5]) for r in db.execute(q, (flag_id,))]


def sync_flags(db: sqlite3.Connection, flags: Iterable[Flag]) -> tuple[int, int]:
    """Record the flags of the current flags.csv; the others become stale. Returns (present, stale)."""
    stamp = now()
    rows = [(f.flag_id, f.doc_id, json.dumps(f.row(), ensure_ascii=False)) for f in flags]
    with _write(db):
        db.execute("UPDATE flags SET present=0")
        db.executemany(
            "INSERT INTO flags VALUES (?,?,?,1,?,?) ON CONFLICT(flag_id) DO UPDATE SET"
            " doc_id=excluded.doc_id, row=excluded.row, present=1, last_seen=excluded.last_seen",
            [(fid, doc, row, stamp, stamp) for fid, doc, row in rows],
        )
        (stale,) = db.execute("SELECT COUNT(*) FROM flags WHERE present=0").fetchone()
    return len(rows), int(stale)


def stale_flags(db: sqlite3.Connection) -> list[Flag]:
    """Flags seen in an earlier run that the current flags.csv no longer holds."""
    out = []
    for (row,) in db.execute("SELECT row FROM flags WHERE present=0 ORDER BY doc_id, flag_id"):
        data = json.loads(row)
        out.append(Flag(**{c: str(data.get(c, "")) for c in FLAG_COLUMNS}))
    return out
