"""Stage 6 — check: find the relations an article states between its figures and verify them.

``check_claims`` works on claims alone (each carries its sentence and offset, so cue words between
figures are visible): per document it finds sums, shares, changes and from–to pairs
(``relations``), verifies them on the intervals written precision allows (``verify``), adds
checks on single figures (``sanity``) and on repeated measures (``crossdoc``), then compares the
same measure across documents. Every relation found becomes a row of checks.csv; every problem a
row of flags.csv with a one-sentence explanation (``messages``). Thresholds and cue words live in
``rules/checks.yaml``.
"""

from __future__ import annotations

import csv
import math
import sqlite3
import statistics
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from pipeline.check.config import Compiled, compiled
from pipeline.check.crossdoc import Comparable, across, lead_repeats, repeats
from pipeline.check.figures import Figure, make_figure
from pipeline.check.findings import make_check, make_flag, scale_check
from pipeline.check.relations import DocView, Relation, find_relations
from pipeline.check.sanity import sanity
from pipeline.check.verify import Outcome, verify
from pipeline.errors import Errors, InputError
from pipeline.model import CHECK_COLUMNS, FLAG_COLUMNS, Check, Claim, Flag
from pipeline.output import (
    COMPARABLES_SCHEMA,
    ArticleStore,
    _RowWriter,
    atomic_open,
    csv_header,
    iter_comparables,
    put_comparables,
)
from pipeline.rulefiles import RuleSet

__all__ = ["check_claims", "check_output", "check_store", "document_checks"]

T = TypeVar("T", Check, Flag)


def check_document(figs: list[Figure], cr: Compiled, lang: str = "vi") -> tuple[list[Check], list[Flag]]:
    view = DocView.build(figs[0].claim.doc_id if figs else "", figs)
    rels = find_relations(view, cr)
    checks: list[Check] = []
    flags: list[Flag] = []
    # first pass without blame, to learn which figures are confirmed by a relation that holds
    confirmed: set[str] = set()
    for rel in rels:
        if verify(rel, cr, set()).status == "pass":
            confirmed.update(f.id for f in rel.members)
    blamed: set[tuple[str, int]] = set()
    peers = _peer_distance(view.figs)
    results: list[tuple[Relation, Outcome]] = []
    for rel in rels:
        out = verify(rel, cr, confirmed, peers)
        if out.status == "fail" and rel.alternatives:
            # holds with another plausible member: consistent; fails with all: report the nearest miss
            tried = [(rel, out)]
            for alt in rel.alternatives:
                other = replace(rel, roles={**rel.roles, rel.alt_role: alt}, alternatives=[])
                if len({f.id for f in other.members}) == len(other.members):
                    tried.append((other, verify(other, cr, confirmed, peers)))
            passing = [t for t in tried if t[1].status == "pass"]
            failing = [t for t in tried if t[1].status == "fail"]
            repaired = [t for t in failing if t[1].scale is not None and t[1].scale.repairs]
            if passing:
                rel, out = passing[0]
            elif out.scale is not None and out.scale.repairs:
                pass  # the best match, with a scale word that makes it hold
            elif repaired:
                rel, out = repaired[0]  # a scale word that makes another reading hold explains the failure
            else:  # the best match stays unless another misses only narrowly (a slip in that one)
                near = min(failing, key=lambda t: _miss(t[1]))
                if _miss(near[1]) < min(_miss(out), _NEAR_MISS):
                    rel, out = near
        results.append((rel, out))
    for rel, out in results:
        check = make_check(rel, out)
        checks.append(check)
        if out.status != "fail":
            continue
        if out.scale is not None:
            key = (out.scale.fig.id, out.scale.power)
            if key in blamed:  # one flag per slip, even when several relations show it
                continue
            blamed.add(key)
            checks.append(scale_check(rel, out.scale, check))
        flags.append(make_flag(rel, out, check, cr, lang))
    related = {frozenset((a.id, b.id)) for rel in rels for a in rel.members for b in rel.members}
    for check2, flag in _chain(sanity(view, cr, lang), repeats(view, cr, lang, related), lead_repeats(view, cr, lang)):
        checks.append(check2)
        if flag is not None:
            flags.append(flag)
    return checks, flags


_NEAR_MISS = math.log10(2)


def _miss(out: Outcome) -> float:
    """How far (in powers of ten) the implied value is from the written one."""
    if out.expected is None:
        return math.inf
    try:
        a = (out.expected[0] + out.expected[1]) / 2
        b = (out.observed[0] + out.observed[1]) / 2
        return abs(math.log10(float(a / b))) if a > 0 and b > 0 else math.inf
    except (ArithmeticError, ValueError):
        return math.inf


def _peer_distance(figs: list[Figure]) -> dict[str, float]:
    """How far (in powers of ten) each figure sits from the median of the article's figures of its unit."""
    by_dim: dict[tuple[str, str], list[Figure]] = {}
    for f in figs:
        if f.value > 0 and f.claim.kind != "percent":
            by_dim.setdefault(f.dim, []).append(f)
    out: dict[str, float] = {}
    for group in by_dim.values():
        if len(group) < 3:
            continue
        med = statistics.median(float(f.value) for f in group)
        for f in group:
            out[f.id] = abs(math.log10(float(f.value) / med))
    return out


def _chain(*its: Iterable[tuple[Check, Flag | None]]) -> Iterable[tuple[Check, Flag | None]]:
    for it in its:
        yield from it


@dataclass
class DocChecks:
    """One article's checks and flags (no duplicates), and its figures open to cross-document comparison."""

    checks: list[Check] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    comparables: list[Comparable] = field(default_factory=list)


def document_checks(claims: Sequence[Claim], cr: Compiled, lang: str = "vi") -> DocChecks:
    """Checks of one article's claims (in claims.csv order). A failure is reported on stderr with
    the article's doc_id and gives no checks: a bug on one article must not lose the others'."""
    figs = [f for f in (make_figure(c, i, cr) for i, c in enumerate(claims)) if f is not None]
    if not figs:
        return DocChecks()
    try:
        checks, flags = check_document(figs, cr, lang)
    except Exception as e:
        print(f"vnclaims: {figs[0].claim.doc_id}: checks failed: {type(e).__name__}: {e}", file=sys.stderr)
        return DocChecks()
    comparables = [c for c in (Comparable.of(f, cr) for f in figs) if c is not None]
    return DocChecks(_unique(checks), _unique(flags), comparables)


def check_claims(claims: list[Claim], rules: RuleSet, lang: str = "vi") -> tuple[list[Check], list[Flag]]:
    """Checks and flags for claims of any number of documents (per document, then across them)."""
    ordered = sorted(claims, key=lambda c: c.doc_id)  # stable: each document's claims keep their order
    checks: list[Check] = []
    flags: list[Flag] = []
    for check, flag in _stream_groups(_by_doc(ordered), rules, lang):
        if check is not None:
            checks.append(check)
        if flag is not None:
            flags.append(flag)
    return checks, flags


class _Unsorted(Exception):
    """claims.csv does not keep each document's claims together."""


def _by_doc(claims: Iterable[Claim]) -> Iterator[list[Claim]]:
    """Consecutive claims of one document at a time (raises _Unsorted if a document comes back)."""
    done: set[str] = set()
    group: list[Claim] = []
    for c in claims:
        if group and c.doc_id != group[0].doc_id:
            done.add(group[0].doc_id)
            yield group
            group = []
        if c.doc_id in done:
            raise _Unsorted(c.doc_id)
        group.append(c)
    if group:
        yield group


def _stream_groups(
    groups: Iterable[list[Claim]], rules: RuleSet, lang: str
) -> Iterator[tuple[Check | None, Flag | None]]:
    """One document at a time, then across documents: memory holds one article's figures, and the
    figures to compare across articles wait in a temporary SQLite table, not in a list."""
    cr = compiled(rules)
    with tempfile.TemporaryDirectory(prefix="vnclaims-check-") as tmp:
        db = sqlite3.connect(Path(tmp) / "comparables.sqlite", isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.executescript(COMPARABLES_SCHEMA)
            for group in groups:
                dc = document_checks(group, cr, lang)
                for check in dc.checks:
                    yield check, None
                for flag in dc.flags:
                    yield None, flag
                put_comparables(db, group[0].doc_id, (c.row() for c in dc.comparables))
            yield from across((Comparable.from_row(r) for r in iter_comparables(db)), cr, lang)
        finally:
            db.close()


def _unique(rows: list[T]) -> list[T]:
    seen: set[str] = set()
    out: list[T] = []
    for r in rows:
        key = r.check_id if isinstance(r, Check) else r.flag_id
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def check_output(out_dir: Path, rules: RuleSet, lang: str = "vi") -> tuple[int, int]:
    """Read ``out_dir/claims.csv``, write ``checks.csv`` and ``flags.csv`` there; (n_checks, n_flags).

    claims.csv is streamed one document at a time when it keeps each document's claims together
    (as ``vnclaims run`` writes it); otherwise it is read whole.
    """
    path = Path(out_dir) / "claims.csv"
    if not path.is_file():
        raise InputError(Errors.E030.format(path=out_dir))
    try:
        return _write_stream(Path(out_dir), _stream_groups(_by_doc(_read_claims(path)), rules, lang))
    except _Unsorted:
        ordered = sorted(_read_claims(path), key=lambda c: c.doc_id)
        return _write_stream(Path(out_dir), _stream_groups(_by_doc(ordered), rules, lang))


def check_store(store: ArticleStore, out_dir: Path, rules: RuleSet, lang: str = "vi") -> tuple[int, int]:
    """checks.csv and flags.csv of a run whose workers checked each article (``vnclaims run``):
    the stored rows in doc_id order, then the cross-document comparison of the stored figures.
    Gives the same files as ``check_output`` over the run's claims.csv."""
    cr = compiled(rules)
    stored = store.check_counts()
    comparables = (Comparable.from_row(r) for r in store.iter_comparables())
    n_checks, n_flags = _write_stream(out_dir, across(comparables, cr, lang), store.iter_checks_csv())
    return stored[0] + n_checks, stored[1] + n_flags


def _write_stream(
    out_dir: Path, rows: Iterable[tuple[Check | None, Flag | None]], written: Iterable[tuple[str, str]] = ()
) -> tuple[int, int]:
    """Write ``written`` (check and flag lines already serialised), then ``rows`` as they come;
    both files appear (by rename) only once every row is written. Returns the count of ``rows``.
    Rows come without duplicates (each article's are unique; cross-document pairs are unique)."""
    n_checks = n_flags = 0
    with atomic_open(out_dir / "checks.csv") as fc, atomic_open(out_dir / "flags.csv") as ff:
        fc.write(csv_header(CHECK_COLUMNS))
        ff.write(csv_header(FLAG_COLUMNS))
        for checks, flags in written:
            fc.write(checks)
            ff.write(flags)
        wc, wf = _RowWriter(fc, CHECK_COLUMNS), _RowWriter(ff, FLAG_COLUMNS)
        for check, flag in rows:
            if check is not None:
                wc.writerow(check.row())
                n_checks += 1
            if flag is not None:
                wf.writerow(flag.row())
                n_flags += 1
    return n_checks, n_flags


def _read_claims(path: Path) -> Iterator[Claim]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            try:
                yield Claim.from_row(row)
            except (ValueError, ArithmeticError) as e:
                raise InputError(f"{path}: line {n}: not a claims.csv row: {e}") from e
