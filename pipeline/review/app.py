"""The review app's pages and their data, independent of the HTTP layer (so tests can call them).

``ReviewApp`` renders the flag list, one flag, a document's claims and the export; the HTTP
server in ``server.py`` only routes requests to it. Every page is a Jinja2 template with
autoescaping on, so article text (untrusted input) is always shown as text.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from pipeline.model import FLAG_COLUMNS, KINDS, SEVERITIES, Flag, format_decimal
from pipeline.output import write_csv
from pipeline.review import db as decisions_db
from pipeline.review.data import OutputCache, Outputs

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"
TEMPLATE_DIR = PACKAGE_DIR / "templates"
PAGE_SIZE = 100
EXPORT_COLUMNS = [*FLAG_COLUMNS, "stale", "decision", "note", "version", "decided_at"]
DECISION_FILTERS = ("undecided", *decisions_db.DECISIONS)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,  # every template, whatever its name: article text is untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["dec"] = format_decimal
    env.globals.update(SEVERITIES=SEVERITIES, KINDS=KINDS)
    return env


@dataclass(frozen=True, slots=True)
class Row:
    """A flag as the list shows it."""

    flag: Flag
    stale: bool
    decision: decisions_db.Decision | None

    @property
    def state(self) -> str:
        return self.decision.decision if self.decision and self.decision.decision else "undecided"


@dataclass(frozen=True, slots=True)
class Filters:
    severity: str = ""
    rule: str = ""
    doc: str = ""
    decision: str = ""  # "", "undecided" or one of DECISIONS
    state: str = ""  # "", "current" or "stale"

    @classmethod
    def from_query(cls, q: dict[str, list[str]]) -> Filters:
        def one(k: str) -> str:
            return (q.get(k) or [""])[0]

        return cls(one("severity"), one("rule"), one("doc"), one("decision"), one("state"))

    def keep(self, r: Row) -> bool:
        f = r.flag
        return (
            (not self.severity or f.severity == self.severity)
            and (not self.rule or f.rule == self.rule)
            and (not self.doc or f.doc_id == self.doc)
            and (not self.decision or r.state == self.decision)
            and (not self.state or (self.state == "stale") == r.stale)
        )

    def query(self) -> dict[str, str]:
        return {
            k: v
            for k, v in (
                ("severity", self.severity),
                ("rule", self.rule),
                ("doc", self.doc),
                ("decision", self.decision),
                ("state", self.state),
            )
            if v
        }


class ReviewApp:
    """Pages over one output folder; decisions in its review.sqlite. Thread-safe."""

    def __init__(self, out_dir: Path | str) -> None:
        self.out_dir = Path(out_dir).resolve()
        self.env = environment()
        self.cache = OutputCache(self.out_dir, on_reload=self._sync)
        self.cache.get()  # fails early, naming the folder, when it holds no run

    # --- database ------------------------------------------------------------------------------

    @contextmanager
    def db(self) -> Iterator[sqlite3.Connection]:
        # A connection per use: the server runs each request in its own thread, and sqlite3
        # connections must not be shared across threads.
        conn = decisions_db.connect(self.out_dir)
        try:
            yield conn
        finally:
            conn.close()

    def _sync(self, outputs: Outputs) -> None:
        with self.db() as conn:
            decisions_db.sync_flags(conn, outputs.flags)

    def outputs(self) -> Outputs:
        return self.cache.get()

    def rows(self) -> list[Row]:
        o = self.outputs()
        with self.db() as conn:
            decided = decisions_db.all_decisions(conn)
            stale = decisions_db.stale_flags(conn)
        return [Row(f, False, decided.get(f.flag_id)) for f in o.flags] + [
            Row(f, True, decided.get(f.flag_id)) for f in stale
        ]

    def decide(
        self, flag_id: str, decision: str, note: str, base_version: int | None, client: str = ""
    ) -> dict[str, Any]:
        self.outputs()  # a flag is on record (to be shown as stale later) before it gets a decision
        with self.db() as conn:
            result = decisions_db.decide(conn, flag_id, decision, note, base_version, client)
        return {
            **result.current.as_dict(),
            "conflict": result.conflict,
            "previous": result.previous.as_dict() if result.previous else None,
        }

    def known_flag(self, flag_id: str) -> bool:
        return any(r.flag.flag_id == flag_id for r in self.rows())

    # --- pages ---------------------------------------------------------------------------------

    def render(self, template: str, **kw: Any) -> str:
        return self.env.get_template(template).render(out_dir=str(self.out_dir), **kw)

    def flags_page(self, query: dict[str, list[str]]) -> str:
        rows = self.rows()
        filters = Filters.from_query(query)
        kept = [r for r in rows if filters.keep(r)]
        kept.sort(
            key=lambda r: (
                r.stale,
                SEVERITIES.index(r.flag.severity) if r.flag.severity in SEVERITIES else len(SEVERITIES),
                r.flag.doc_id,
                r.flag.flag_id,
            )
        )
        try:
            page = max(1, int((query.get("page") or ["1"])[0]))
        except ValueError:
            page = 1
        pages = max(1, -(-len(kept) // PAGE_SIZE))
        page = min(page, pages)
        shown = kept[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        o = self.outputs()
        counts = Counter(r.state for r in rows)
        return self.render(
            "flags.html",
            rows=shown,
            outputs=o,
            filters=filters,
            total=len(rows),
            matching=len(kept),
            page=page,
            pages=pages,
            counts=counts,
            severities=sorted({r.flag.severity for r in rows} | set(SEVERITIES), key=_severity_key),
            rules=sorted({r.flag.rule for r in rows}),
            docs=sorted({r.flag.doc_id for r in rows}),
            decision_filters=DECISION_FILTERS,
            decisions=decisions_db.DECISIONS,
        )

    def flag_page(self, flag_id: str) -> str | None:
        rows = [r for r in self.rows() if r.flag.flag_id == flag_id]
        if not rows:
            return None
        with self.db() as conn:
            hist = decisions_db.history(conn, flag_id)
        return self.render(
            "flag.html", row=rows[0], outputs=self.outputs(), history=hist, decisions=decisions_db.DECISIONS
        )

    def docs_page(self) -> str:
        o = self.outputs()
        flags = Counter(f.doc_id for f in o.flags)
        docs = sorted(set(o.claim_counts) | set(flags))
        return self.render("docs.html", docs=docs, claims=o.claim_counts, flags=flags, errors=o.errors)

    def doc_page(self, doc_id: str) -> str | None:
        o = self.outputs()
        claims = o.claims_of(doc_id) if doc_id in o.claim_counts else None
        doc_rows = [r for r in self.rows() if r.flag.doc_id == doc_id]
        if claims is None and not doc_rows:
            return None
        flagged = {cid for r in doc_rows for cid in r.flag.claim_ids.split()}
        return self.render(
            "doc.html",
            doc_id=doc_id,
            claims=claims or [],
            article=o.document(doc_id),
            rows=doc_rows,
            outputs=o,
            decisions=decisions_db.DECISIONS,
            flagged=flagged,
            checks=o.checks_of(doc_id),
        )

    def export(self, dest: Path | str) -> int:
        """Write every flag (current and stale) with its decision to ``dest``; the number of rows."""
        return export_rows(Path(dest), self.rows())


def _severity_key(s: str) -> tuple[int, str]:
    return (SEVERITIES.index(s) if s in SEVERITIES else len(SEVERITIES), s)


def export_rows(dest: Path, rows: list[Row]) -> int:
    def row(r: Row) -> dict[str, str]:
        d = r.decision
        return {
            **r.flag.row(),
            "stale": "1" if r.stale else "0",
            "decision": d.decision if d else "",
            "note": d.note if d else "",
            "version": str(d.version) if d else "0",
            "decided_at": d.updated_at if d else "",
        }

    return write_csv(dest, EXPORT_COLUMNS, (row(r) for r in rows))


def export_csv(out_dir: Path | str, dest: Path | str) -> int:
    """``vnclaims review OUT --export FILE``: the flags of OUT with their decisions, as CSV.

    Flags no longer produced by the last run are included with ``stale`` = 1. Returns the rows written.
    """
    return ReviewApp(out_dir).export(dest)
