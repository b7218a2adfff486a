"""``write_report(out_dir)``: a static ``out_dir/report.html`` summarising a run (no server needed).

Claims by kind, checks by status, flags by rule and severity with inline SVG bar charts (no
script, no CDN: the file opens anywhere), and every flag with its highlighted sentence, linked
from the tables. Decisions already taken in the review app are shown when review.sqlite exists.
All article text goes through Jinja2's autoescaping.
"""

from __future__ import annotations

import csv
import heapq
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from pipeline.errors import Errors, InputError
from pipeline.model import FLAG_COLUMNS, KINDS, SEVERITIES, Claim, Flag
from pipeline.output import atomic_open, iter_csv
from pipeline.review import db as decisions_db
from pipeline.review.app import STATIC_DIR, Row, environment
from pipeline.review.data import Outputs

REPORT_NAME = "report.html"
FLAG_LIMIT = 1000  # flags shown with their sentences (the most severe); a page of more is not read
BAR_HEIGHT = 22
LABEL_WIDTH = 220
CHART_WIDTH = 420


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    segments: tuple[tuple[str, int], ...]  # (css class, count)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.segments)


@dataclass(frozen=True, slots=True)
class Chart:
    """A horizontal (stacked) bar chart; the template draws it as SVG."""

    bars: tuple[Bar, ...]
    legend: tuple[str, ...] = ()

    @property
    def height(self) -> int:
        return BAR_HEIGHT * len(self.bars) + (BAR_HEIGHT if self.legend else 0) + 4

    @property
    def scale(self) -> float:
        top = max((b.total for b in self.bars), default=0)
        return CHART_WIDTH / top if top else 0.0

    def rects(self, bar: Bar) -> list[tuple[str, float, float, int]]:
        """(class, x, width, count) of each segment of a bar."""
        out, x = [], float(LABEL_WIDTH)
        for cls, n in bar.segments:
            w = n * self.scale
            out.append((cls, round(x, 2), round(w, 2), n))
            x += w
        return out


def _decisions(out_dir: Path) -> dict[str, decisions_db.Decision]:
    """Decisions taken so far in the review app; read-only (the database is never created here)."""
    path = out_dir / decisions_db.DB_NAME
    if not path.is_file():
        return {}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=decisions_db.BUSY_TIMEOUT_S)
    try:
        return decisions_db.all_decisions(conn)
    except sqlite3.DatabaseError:  # an older or damaged review database must not stop a run
        return {}
    finally:
        conn.close()


@dataclass
class _ClaimScan:
    """What the report needs from claims.csv, gathered without holding its rows."""

    kinds: Counter[str]
    n_claims: int
    n_docs: int
    docs_seen: set[str]  # those of the asked doc_ids (flags') that hold claims
    claims: dict[str, Claim]  # the flagged figures and the other figures of their sentences
    claims_by_doc: dict[str, list[Claim]]


class _Unordered(Exception):
    """claims.csv is not grouped by document (not written by ``vnclaims run``)."""


def _scan_claims(path: Path, wanted: set[str], flag_docs: set[str], grouped: bool = True) -> _ClaimScan:
    """One pass over claims.csv: counts, and the claims the flagged sentences show.

    ``vnclaims run`` writes claims.csv in doc_id order, so a document's rows are contiguous and
    only the current document's rows are held (raw cells, until the document ends). With
    ``grouped=False`` (a hand-made table) the distinct doc_ids are held in a set instead, and the
    rows of every document holding a flagged figure until the end.
    """
    kinds: Counter[str] = Counter()
    n_claims = n_docs = 0
    docs_seen: set[str] = set()
    all_docs: set[str] = set()
    held: dict[str, list[tuple[int, list[str]]]] = defaultdict(list)  # grouped=False only
    kept: dict[str, Claim] = {}
    by_doc: dict[str, list[Claim]] = defaultdict(list)
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        col = {k: i for i, k in enumerate(header)}
        missing = [k for k in ("doc_id", "claim_id", "kind", "sentence", "sentence_start") if k not in col]
        if missing and header:
            raise InputError(f"{path}: not a claims.csv (no column {', '.join(missing)})")
        if not header:
            return _ClaimScan(kinds, 0, 0, docs_seen, kept, {})
        i_doc, i_id, i_kind, i_sent, i_s0 = (
            col[k] for k in ("doc_id", "claim_id", "kind", "sentence", "sentence_start")
        )
        width = max(i_doc, i_id, i_kind, i_sent, i_s0) + 1

        def keep(rows: list[tuple[int, list[str]]]) -> None:
            """Of one document's rows: the flagged ones and the others of their sentences."""
            keys = {(r[i_s0], r[i_sent]) for _, r in rows if r[i_id] in wanted}
            if not keys:
                return
            for line, r in rows:
                if (r[i_s0], r[i_sent]) in keys:
                    try:
                        c = Claim.from_row(dict(zip(header, r, strict=False)))
                    except (ValueError, ArithmeticError) as e:
                        raise InputError(f"{path}: line {line}: not a claims.csv row: {e}") from e
                    kept[c.claim_id] = c
                    by_doc[c.doc_id].append(c)

        prev: str | None = None
        run: list[tuple[int, list[str]]] = []  # the current document's rows
        for row in reader:
            if not row:  # a blank line, as csv.DictReader skips it
                continue
            if len(row) < width:
                row += [""] * (width - len(row))
            n_claims += 1
            doc = row[i_doc]
            kinds[row[i_kind]] += 1
            if doc in flag_docs:
                docs_seen.add(doc)
            if not grouped:
                all_docs.add(doc)
                held[doc].append((reader.line_num, row))
                continue
            if doc != prev:
                if prev is not None and doc < prev:
                    raise _Unordered
                keep(run)
                run = []
                n_docs += 1
                prev = doc
            run.append((reader.line_num, row))
        keep(run)
        if not grouped:
            n_docs = len(all_docs)
            for rows in held.values():
                keep(rows)
    return _ClaimScan(
        kinds, n_claims, n_docs, docs_seen, kept, {d: sorted(cs, key=lambda c: c.start) for d, cs in by_doc.items()}
    )


def _count_checks(path: Path) -> tuple[int, Counter[str]]:
    """Number of checks and their statuses, streamed."""
    statuses: Counter[str] = Counter()
    n = 0
    if path.is_file():
        for row in iter_csv(path):
            n += 1
            statuses[row.get("status") or ""] += 1
    return n, statuses


@dataclass
class _FlagScan:
    """Every flag counted; only the ``limit`` most severe kept, with their sentences shown."""

    shown: list[Flag]
    n_flags: int
    by_rule: dict[str, Counter[str]]
    docs: set[str]  # the articles flagged (ids only)


def _scan_flags(path: Path, limit: int) -> _FlagScan:
    by_rule: dict[str, Counter[str]] = {}
    docs: set[str] = set()
    n = 0

    def flags() -> Iterator[Flag]:
        nonlocal n
        for row in iter_csv(path):
            f = Flag(**{k: row.get(k) or "" for k in FLAG_COLUMNS})
            n += 1
            by_rule.setdefault(f.rule, Counter())[f.severity] += 1
            if f.doc_id != "*":
                docs.add(f.doc_id)
            yield f

    rank = {s: i for i, s in enumerate(SEVERITIES)}

    def severest(f: Flag) -> tuple[int, str, str, str]:
        return rank.get(f.severity, len(rank)), f.rule, f.doc_id, f.flag_id

    shown = heapq.nsmallest(limit, flags(), key=severest) if path.is_file() else []
    return _FlagScan(shown, n, by_rule, docs)


def write_report(out_dir: Path | str, flag_limit: int = FLAG_LIMIT) -> Path:
    """Write ``out_dir/report.html`` from the run's tables (atomically); returns its path.

    Streams: every flag is counted, but memory holds only the ``flag_limit`` most severe flags
    (shown with their sentences; all are in flags.csv and the review app), the claims of their
    sentences and one document's rows at a time, so it stays flat as the corpus grows.
    """
    out_dir = Path(out_dir)
    if not (out_dir / "claims.csv").is_file():
        raise InputError(Errors.E030.format(path=out_dir))
    fs = _scan_flags(out_dir / "flags.csv", flag_limit)
    wanted = {cid for f in fs.shown for cid in f.claim_ids.split()}
    try:
        scan = _scan_claims(out_dir / "claims.csv", wanted, fs.docs)
    except _Unordered:
        scan = _scan_claims(out_dir / "claims.csv", wanted, fs.docs, grouped=False)
    n_checks, statuses = _count_checks(out_dir / "checks.csv")
    n_errors, errors = 0, []
    if (out_dir / "errors.csv").is_file():
        for e in iter_csv(out_dir / "errors.csv"):
            n_errors += 1
            if len(errors) < flag_limit:
                errors.append(e)
    # Only what the template reads: the flags shown, their sentences' claims and the errors.
    o = Outputs(out_dir, flags=fs.shown, pinned=scan.claims_by_doc, errors=errors)
    decided = _decisions(out_dir)
    kinds = scan.kinds
    kind_order = [k for k in KINDS if k in kinds] + sorted(k for k in kinds if k not in KINDS)
    by_rule = fs.by_rule
    present = {s for c in by_rule.values() for s in c}
    severities = [s for s in SEVERITIES if s in present] + sorted(present - set(SEVERITIES))
    rules = sorted(by_rule, key=lambda r: (-sum(by_rule[r].values()), r))
    flags = sorted(o.flags, key=lambda f: (f.rule, f.doc_id, f.flag_id))
    rule_anchor = {r: f"rule-{i}" for i, r in enumerate(rules)}

    def sev_class(s: str) -> str:
        return f"sev-{s}" if s in SEVERITIES else "sev-other"

    charts = {
        "kinds": Chart(tuple(Bar(k, ((f"kind-{k}" if k in KINDS else "kind-other", kinds[k]),)) for k in kind_order)),
        "rules": Chart(
            tuple(Bar(r, tuple((sev_class(s), by_rule[r][s]) for s in severities if by_rule[r][s])) for r in rules),
            legend=tuple(severities),
        ),
    }
    env = environment()
    chunks = env.get_template("report.html").generate(
        out_dir=str(out_dir),
        css=Markup((STATIC_DIR / "review.css").read_text(encoding="utf-8")),  # our own file, not article text
        outputs=o,
        n_docs=scan.n_docs + len(fs.docs - scan.docs_seen),
        n_flags=fs.n_flags,
        n_errors=n_errors,
        n_claims=scan.n_claims,
        n_checks=n_checks,
        kinds=kinds,
        kind_order=kind_order,
        statuses=statuses,
        severities=severities,
        by_rule=by_rule,
        rules=rules,
        rule_anchor=rule_anchor,
        flags=[Row(f, False, decided.get(f.flag_id)) for f in flags],
        charts=charts,
        label_width=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
        chart_width=CHART_WIDTH,
        sev_class=sev_class,
    )
    path = out_dir / REPORT_NAME
    with atomic_open(path) as fh:
        for chunk in chunks:
            fh.write(chunk)
    return path
